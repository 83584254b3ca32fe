package orders_test

import (
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func TestGroupOrders(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	guest := s.Login("shopper-two", "Shopper", "MeAdmin")
	in := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

	orderID := s.NewOrder(t, s.Token)
	mine := s.AddLine(t, s.Token, orderID, "p1", 1).S("ID")
	other := s.NewOrder(t, s.Token)

	// Invitations: to one's own order, expiring within a year.
	path := "/v1/me/orderinvitations"
	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"OrderID": orderID, "ExpirationDate": in(-time.Hour)}), 400, "GroupOrderInvitation.InvalidExpiration")
	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"OrderID": orderID, "ExpirationDate": in(400 * 24 * time.Hour)}), 400, "GroupOrderInvitation.InvalidExpiration")
	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"OrderID": orderID}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", path, guest, map[string]any{"OrderID": orderID, "ExpirationDate": in(time.Hour)}), 404, "NotFound")
	inv := apptest.Must(t, e, "POST", path, s.Token, map[string]any{"ID": "chosen", "Name": "Lunch", "OrderID": orderID, "ExpirationDate": in(time.Hour)}, 201)
	id := inv.S("ID")
	if id == "" || id == "chosen" || inv.S("OrderStatus") != "Unsubmitted" || inv.S("Name") != "Lunch" {
		t.Errorf("invitation: %s", inv.Raw)
	}
	if l := apptest.Must(t, e, "GET", path, s.Token, nil, 200); l.S("Meta.TotalCount") != "1" || l.S("Items.0.ID") != id {
		t.Errorf("invitations: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", path, guest, nil, 200); l.S("Meta.TotalCount") != "0" {
		t.Errorf("another user's invitations: %s", l.Raw)
	}
	apptest.WantErr(t, e.Do("GET", path+"/"+id, guest, nil), 404, "NotFound")
	if p := apptest.Must(t, e, "PATCH", path+"/"+id, s.Token, map[string]any{"Name": "Team lunch", "OrderID": other}, 200); p.S("Name") != "Team lunch" || p.S("OrderID") != orderID {
		t.Errorf("patched invitation: %s", p.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", path+"/"+id, s.Token, map[string]any{"ExpirationDate": in(-time.Minute)}), 400, "GroupOrderInvitation.InvalidExpiration")

	// Whoever holds the invitation gets a token for that order.
	apptest.WantErr(t, e.Do("POST", "/v1/grouporders/nope/token", guest, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/grouporders/"+id+"/token", s.Admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")
	tr := apptest.Must(t, e, "POST", "/v1/grouporders/"+id+"/token", guest, nil, 200)
	tok := tr.S("access_token")
	c := apptest.Claims(t, tok)
	if c["orderid"] != orderID || c["invitationid"] != id || c["u"] != "u1" || tr.S("token_type") != "bearer" || tr.S("expires_in") == "" {
		t.Errorf("group order token: %v %s", c, tr.Raw)
	}
	if g := apptest.Must(t, e, "GET", "/v1/cart", tok, nil, 200); g.S("ID") != orderID {
		t.Errorf("contributor's cart: %s", g.Raw)
	}
	added := apptest.Must(t, e, "POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1", "Quantity": 2}, 201)
	if added.S("InvitationID") != id {
		t.Errorf("contributor's line: %s", added.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/cart/lineitems/"+added.S("ID"), tok, map[string]any{"Quantity": 3}, 200)
	apptest.WantErr(t, e.Do("PATCH", "/v1/cart/lineitems/"+mine, tok, map[string]any{"Quantity": 3}), 403, "GroupOrder.CannotModify")
	apptest.WantErr(t, e.Do("DELETE", apptest.Outgoing+"/"+orderID+"/lineitems/"+mine, tok, nil), 403, "GroupOrder.CannotModify")
	// The rest is the order's user's.
	for _, call := range [][2]string{{"PATCH", "/v1/cart"}, {"POST", "/v1/cart/submit"}, {"GET", "/v1/me/addresses"},
		{"POST", path}, {"DELETE", apptest.Outgoing + "/" + orderID}} {
		apptest.WantErr(t, e.Do(call[0], call[1], tok, map[string]any{"Comments": "x"}), 403, "GroupOrder.CannotModifySubmittedOrder")
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/me", tok, map[string]any{"FirstName": "x"}), 403, "Auth.InsufficientRoles") // Shopper only
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+other, tok, nil), 404, "NotFound")

	// An invitation goes once its contributors' lines are gone, and its
	// tokens with it.
	apptest.WantErr(t, e.Do("DELETE", path+"/"+id, s.Token, nil), 400, "GroupOrder.CannotDeleteWithLineItems")
	apptest.Must(t, e, "DELETE", "/v1/cart/lineitems/"+added.S("ID"), tok, nil, 204)
	apptest.Must(t, e, "DELETE", path+"/"+id, s.Token, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/cart", tok, nil), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("POST", "/v1/grouporders/"+id+"/token", guest, nil), 404, "NotFound")

	// A submitted order's contributors only read.
	id2 := apptest.Must(t, e, "POST", path, s.Token, map[string]any{"OrderID": orderID, "ExpirationDate": in(time.Hour)}, 201).S("ID")
	tok2 := apptest.Must(t, e, "POST", "/v1/grouporders/"+id2+"/token", guest, nil, 200).S("access_token")
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+orderID+"/submit", s.Token, nil))
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+orderID+"/lineitems", tok2, map[string]any{"ProductID": "p1"}), 403, "GroupOrder.CannotModifySubmittedOrder")
	apptest.WantErr(t, e.Do("POST", "/v1/cart/lineitems", tok2, map[string]any{"ProductID": "p1"}), 403, "GroupOrder.CannotModifySubmittedOrder")
	if g := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+orderID, tok2, nil, 200); g.S("Status") != "Open" {
		t.Errorf("contributor's view of the submitted order: %s", g.Raw)
	}
	if inv := apptest.Must(t, e, "GET", path+"/"+id2, s.Token, nil, 200); inv.S("OrderStatus") != "Open" {
		t.Errorf("invitation of a submitted order: %s", inv.Raw)
	}
}
