package orders_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// mirrorStep is one operation done through the cart by one user and
// through the order API by another, on an order in the same state.
type mirrorStep struct {
	name         string
	method, cart string // the cart path, under /v1/cart
	order        string // the order path under /v1/orders/Outgoing/{id}
	body         any
}

// normalized drops from a response what differs between two users' equal
// orders: their IDs, users and times.
func normalized(r apptest.Resp, orderIDs ...string) string {
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				switch k {
				case "FromUser", "FromUserID", "DateCreated", "LastUpdated", "DateSubmitted", "DateAdded":
					continue
				}
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		case string:
			if x != "" && slices.Contains(orderIDs, x) {
				return "ORDER"
			}
		}
		return v
	}
	b, _ := json.Marshal(walk(r.Body))
	return fmt.Sprintf("%d %s", r.Status, b)
}

// Every cart operation served by the order lifecycle answers as its order
// operation does on an order in the same state: one user shops through
// the cart, another through the order API, step by step, and each answer
// (status and body, but for IDs, users and times) is the same.
func TestCartMirrorsOrders(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	cartUser, orderUser := s.Token, s.Login("shopper-two", "Shopper", "MeAdmin")

	// The cart appears with its first line item; the other order is
	// created first.
	orderID := apptest.Must(t, e, "POST", apptest.Outgoing, orderUser, map[string]any{}, 201).S("ID")
	addr := map[string]any{"FirstName": "Ada", "Street1": "1 Main", "City": "Minneapolis", "State": "MN", "Zip": "55401", "Country": "US"}
	steps := []mirrorStep{
		{"add a line", "POST", "/lineitems", "/lineitems", map[string]any{"ID": "l1", "ProductID": "p1", "Quantity": 2}},
		{"add a line again", "POST", "/lineitems", "/lineitems", map[string]any{"ID": "l1", "ProductID": "p1", "Quantity": 2}},
		{"add a line nobody may buy", "POST", "/lineitems", "/lineitems", map[string]any{"ProductID": "nope", "Quantity": 1}},
		{"add no quantity", "POST", "/lineitems", "/lineitems", map[string]any{"ProductID": "p1", "Quantity": 0}},
		{"get the line", "GET", "/lineitems/l1", "/lineitems/l1", nil},
		{"get a missing line", "GET", "/lineitems/zz", "/lineitems/zz", nil},
		{"patch the line to a price break", "PATCH", "/lineitems/l1", "/lineitems/l1", map[string]any{"Quantity": 6, "xp": map[string]any{"gift": true}}},
		{"patch another product in", "PATCH", "/lineitems/l1", "/lineitems/l1", map[string]any{"ProductID": "other"}},
		{"put a new line", "PUT", "/lineitems/l2", "/lineitems/l2", map[string]any{"ProductID": "p1", "Quantity": 1, "xp": map[string]any{"a": 1}}},
		{"put the line again", "PUT", "/lineitems/l2", "/lineitems/l2", map[string]any{"ProductID": "p1", "Quantity": 3}},
		{"list the lines", "GET", "/lineitems?sortBy=ID", "/lineitems?sortBy=ID", nil},
		{"delete a line", "DELETE", "/lineitems/l2", "/lineitems/l2", nil},
		{"delete a missing line", "DELETE", "/lineitems/l2", "/lineitems/l2", nil},
		{"patch the order", "PATCH", "", "", map[string]any{"Comments": "leave at the door", "xp": map[string]any{"k": 1}}},
		{"patch the order's shipping cost", "PATCH", "", "", map[string]any{"ShippingCost": 5}},
		{"put the order", "PUT", "", "", map[string]any{"Comments": "replaced"}},
		{"set the shipping address", "PUT", "/shipto", "/shipto", addr},
		{"patch the shipping address", "PATCH", "/shipto", "/shipto", map[string]any{"City": "St Paul"}},
		{"patch the billing address before any", "PATCH", "/billto", "/billto", map[string]any{"City": "St Paul"}},
		{"set the billing address", "PUT", "/billto", "/billto", addr},
		{"patch the billing address", "PATCH", "/billto", "/billto", map[string]any{"Zip": "55102"}},
		{"get the order", "GET", "", "", nil},
		{"submit", "POST", "/submit", "/submit", nil},
	}
	cartID := "" // the cart's order, made by the first step
	for _, st := range steps {
		cr := e.Do(st.method, "/v1/cart"+st.cart, cartUser, st.body)
		or := e.Do(st.method, apptest.Outgoing+"/"+orderID+st.order, orderUser, st.body)
		if cartID == "" {
			cartID = apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false&sortBy=!DateCreated&pageSize=1", cartUser, nil, 200).S("Items.0.ID")
		}
		if got, want := normalized(cr, cartID), normalized(or, orderID); got != want {
			t.Errorf("%s:\ncart  %s\norder %s", st.name, got, want)
		}
	}

	// The from user's name and email change the same way (each on its own
	// user's copy).
	o2 := apptest.Must(t, e, "POST", apptest.Outgoing, orderUser, map[string]any{}, 201).S("ID")
	patch := map[string]any{"FirstName": "Guest", "Email": "guest@example.com", "Username": "ignored"}
	cr := apptest.Must(t, e, "PATCH", "/v1/cart/fromuser", cartUser, patch, 200)
	or := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+o2+"/fromuser", orderUser, patch, 200)
	for _, r := range []apptest.Resp{cr, or} {
		if r.S("FromUser.FirstName") != "Guest" || r.S("FromUser.Email") != "guest@example.com" || r.S("FromUser.Username") == "ignored" {
			t.Errorf("from user after the patch: %s", r.Raw)
		}
	}
	if u := apptest.Must(t, e, "GET", "/v1/me", cartUser, nil, 200); u.S("FirstName") == "Guest" {
		t.Errorf("the user itself changed: %s", u.Raw)
	}
}

// The cart before anything is in it, and what creates it.
func TestEmptyCart(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E

	g := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200)
	if g.Get("ID") != nil || g.S("Status") != "Unsubmitted" || g.S("LineItemCount") != "0" || g.S("FromUserID") != "u1" || g.S("Total") != "0" {
		t.Errorf("empty cart: %s", g.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/cart/lineitems", s.Token, nil, 200); r.S("Meta.TotalCount") != "0" || len(apptest.IDs(r)) != 0 {
		t.Errorf("empty cart's lines: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/cart/lineitems/x", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/cart/lineitems/x", s.Token, map[string]any{"Quantity": 2}), 404, "NotFound")
	apptest.WantErr(t, e.Do("DELETE", "/v1/cart/lineitems/x", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/cart/submit", s.Token, nil), 400, "Order.CannotSubmitWithNoLineItems")
	apptest.WantErr(t, e.Do("PATCH", "/v1/cart/shipto", s.Token, map[string]any{"City": "X"}), 400, "Address.CannotUpdateNotFound")
	apptest.Must(t, e, "DELETE", "/v1/cart", s.Token, nil, 204)
	if w := apptest.Must(t, e, "GET", "/v1/cart/worksheet", s.Token, nil, 200); w.Get("Order.ID") != nil || w.Get("OrderCalculateResponse") != nil {
		t.Errorf("empty cart's worksheet: %s", w.Raw)
	}
	// None of that made an order.
	if r := apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", s.Token, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("reading an empty cart made orders: %s", r.Raw)
	}

	// PUT /cart makes it, with the body; a second PUT replaces it.
	c1 := apptest.Must(t, e, "PUT", "/v1/cart", s.Token, map[string]any{"Comments": "first", "xp": map[string]any{"a": 1}}, 200)
	if c1.S("ID") == "" || c1.S("Comments") != "first" || c1.S("xp.a") != "1" {
		t.Errorf("cart made by PUT: %s", c1.Raw)
	}
	c2 := apptest.Must(t, e, "PUT", "/v1/cart", s.Token, map[string]any{"ID": "other", "Comments": "second"}, 200)
	if c2.S("ID") != c1.S("ID") || c2.S("Comments") != "second" || c2.S("xp.a") != "" {
		t.Errorf("cart replaced by PUT: %s", c2.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/cart", s.Token, nil, 204)
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+c1.S("ID"), s.Token, nil), 404, "NotFound")
	// PATCH /cart makes one too.
	p := apptest.Must(t, e, "PATCH", "/v1/cart", s.Token, map[string]any{"Comments": "patched"}, 200)
	if p.S("ID") == "" || p.S("ID") == c1.S("ID") || p.S("Comments") != "patched" {
		t.Errorf("cart made by PATCH: %s", p.Raw)
	}
	if g := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200); g.S("ID") != p.S("ID") {
		t.Errorf("GET /cart after PATCH: %s", g.Raw)
	}
}

// Twenty first line items added at once make one cart holding all of them.
func TestFirstLinesMakeOneCart(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	rs := apptest.Parallel(20, func(i int) apptest.Resp {
		return e.Do("POST", "/v1/cart/lineitems", s.Token, map[string]any{"ID": fmt.Sprintf("l%02d", i), "ProductID": "p1", "Quantity": 1})
	})
	// Every line lands, or (on a machine too starved for the writers to
	// take turns within the retry budget) is refused whole with 409
	// Conflict: never a 5xx, a lost line or a second cart.
	created := 0
	for i, r := range rs {
		switch {
		case r.Status == 201:
			created++
		case r.Status == 409 && r.Code() == "Conflict":
		default:
			t.Errorf("line %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if created < 10 {
		t.Errorf("only %d of 20 concurrent first lines were created", created)
	}
	orders := apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", s.Token, nil, 200)
	if orders.S("Meta.TotalCount") != "1" {
		t.Fatalf("orders made by concurrent first lines: %s", orders.Raw)
	}
	if g := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200); g.S("ID") != orders.S("Items.0.ID") || g.S("LineItemCount") != strconv.Itoa(created) {
		t.Errorf("cart after %d of 20 concurrent lines: %s", created, g.Raw)
	}
}

// Multi-cart: the designated order is the cart; without one (or once it is
// submitted or deleted) the most recently created unsubmitted order is.
func TestActiveCart(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	cartID := func() string { return apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200).S("ID") }

	a := s.NewOrder(t, s.Token)
	b := s.NewOrder(t, s.Token)
	if got := cartID(); got != b {
		t.Errorf("cart %q, want the newest order %q", got, b)
	}
	apptest.Must(t, e, "PUT", "/v1/cart/"+a, s.Token, nil, 204)
	if got := cartID(); got != a {
		t.Errorf("cart %q after SetActiveCart, want %q", got, a)
	}
	l := apptest.Must(t, e, "POST", "/v1/cart/lineitems", s.Token, map[string]any{"ProductID": "p1", "Quantity": 1}, 201)
	if got := apptest.IDs(apptest.Must(t, e, "GET", apptest.Outgoing+"/"+a+"/lineitems", s.Token, nil, 200)); !slices.Equal(got, []string{l.S("ID")}) {
		t.Errorf("the line went elsewhere than the active cart: %v", got)
	}
	// A newer order does not take over a designated cart.
	c := s.NewOrder(t, s.Token)
	if got := cartID(); got != a {
		t.Errorf("cart %q after a new order, want the designated %q", got, a)
	}
	apptest.Submitted(t, e.Do("POST", "/v1/cart/submit", s.Token, nil))
	if got := cartID(); got != c {
		t.Errorf("cart %q after submitting, want the newest left %q", got, c)
	}
	apptest.Must(t, e, "DELETE", "/v1/cart", s.Token, nil, 204)
	if got := cartID(); got != b {
		t.Errorf("cart %q after deleting, want %q", got, b)
	}
	apptest.Must(t, e, "DELETE", apptest.Outgoing+"/"+b, s.Token, nil, 204)
	if got := cartID(); got != "" {
		t.Errorf("cart %q with no unsubmitted order left", got)
	}

	// What cannot be the cart.
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+a, s.Token, nil), 400, "Order.CannotSubmitBadStatus")
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/nope", s.Token, nil), 404, "NotFound")
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	other := s.Login("shopper-two", "Shopper")
	theirs := s.NewOrder(t, other)
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+theirs, s.Token, nil), 404, "NotFound")
	if got := cartID(); got != "" {
		t.Errorf("another user's order became the cart: %q", got)
	}
	// An order admin of the buyer sees the order, but it is not its cart.
	apptest.Profile(t, e, s.Admin, "orders", "OrderAdmin")
	apptest.AssignProfile(t, e, s.Admin, "orders", map[string]any{"BuyerID": "b1", "UserID": "u1"})
	admin := s.Login("shopper-one", "Shopper", "OrderAdmin")
	apptest.Must(t, e, "GET", apptest.Outgoing+"/"+theirs, admin, nil, 200)
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+theirs, admin, nil), 404, "NotFound")
}

// Who may use the cart, and the cart operations other parts of the API
// serve: as an order without payments or promotions answers until they
// are served, and the checkout integration's as OrderCloud answers
// without an integration event.
func TestCartCallersAndDelegation(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	reg := e.App.Registry()

	apptest.WantErr(t, e.Do("GET", "/v1/cart", s.Admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")
	meOnly := s.Login("shopper-one", "MeAdmin")
	apptest.WantErr(t, e.Do("GET", "/v1/cart", meOnly, nil), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("GET", "/v1/cart", "not-a-token", nil), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("POST", "/v1/cart/lineitems", s.Token, `{"ProductID":`), 400, "Request.InvalidRequestBody")
	apptest.WantErr(t, e.Do("POST", "/v1/cart/lineitems", s.Token, map[string]any{"Quantity": 1}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/lineitems/bad%20id", s.Token, map[string]any{"ProductID": "p1"}), 400, "ValidationFailure")

	apptest.Must(t, e, "POST", "/v1/cart/lineitems", s.Token, map[string]any{"ProductID": "p1", "Quantity": 1}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/cart/payments", s.Token, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("cart payments: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/cart/promotions", s.Token, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("cart promotions: %s", r.Raw)
	}
	apptest.Must(t, e, "GET", "/v1/cart/eligiblepromotions", s.Token, nil, 200)
	for op, call := range map[string][2]string{
		"Payments.Create":                {"POST", "/v1/cart/payments"},
		"Orders.AddPromotion":            {"POST", "/v1/cart/promotions/CODE"},
		"Orders.ApplyPromotions":         {"POST", "/v1/cart/applypromotions"},
		"BundleLineItems.Delete":         {"DELETE", "/v1/cart/bundles/b/bi"},
		"IntegrationEvents.Calculate":    {"POST", "/v1/cart/calculate"},
		"IntegrationEvents.GetWorksheet": {"GET", "/v1/cart/worksheet"},
	} {
		if reg.Implemented(op) {
			continue // served by now: its own tests cover it
		}
		r := e.Do(call[0], call[1], s.Token, map[string]any{})
		switch {
		case strings.HasPrefix(op, "IntegrationEvents.Calculate"):
			apptest.WantErr(t, r, 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
		case op == "IntegrationEvents.GetWorksheet":
			if r.Status != 200 || r.S("Order.LineItemCount") != "1" || r.Get("ShipEstimateResponse") != nil {
				t.Errorf("cart worksheet without an integration: %s", r.Raw)
			}
		case r.Status != 404 && r.Status != 403:
			t.Errorf("%s %s while %s is not served: %d %s", call[0], call[1], op, r.Status, r.Raw)
		}
	}
	for _, p := range []string{"/v1/cart/estimateshipping", "/v1/cart/shipmethods"} {
		if !reg.Implemented("IntegrationEvents.EstimateShipping") {
			apptest.WantErr(t, e.Do("POST", p, s.Token, map[string]any{}), 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
		}
	}
	// A line added through the order API is in the cart.
	s.AddLine(t, s.Token, apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200).S("ID"), "p1", 1)
	if r := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200); r.S("LineItemCount") != "2" {
		t.Errorf("cart: %s", r.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/cart/validate", s.Token, nil, 204)
}

// A supplier user has no cart; the cart's paths name nothing of another
// buyer's.
func TestCartConfinement(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	s.OtherBuyer(t, "b2", "v1", "buyer-two")
	apptest.InCatalog(t, e, s.Admin, "b2", "p1")
	other := s.Login("buyer-two", "Shopper")
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", other, map[string]any{"ID": "theirs", "ProductID": "p1", "Quantity": 1}, 201)
	theirOrder := apptest.Must(t, e, "GET", "/v1/cart", other, nil, 200).S("ID")
	if theirOrder == "" {
		t.Fatal("b2's cart was not made (p1 is not in its catalog?)")
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+theirOrder, s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/cart/lineitems/theirs", s.Token, nil), 404, "NotFound")
	if g := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200); g.Get("ID") != nil {
		t.Errorf("u1 has another buyer's cart: %s", g.Raw)
	}
	if !reflect.DeepEqual(apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", s.Token, nil, 200)), []string{}) {
		t.Error("u1 lists b2's order")
	}
}
