package orders_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// returnShop is an order shop whose p1 is returnable, with an order of u1
// for four units (10 each: 40) submitted and, when shipped, shipped.
type returnShop struct {
	*apptest.Shop
	order, line string
}

func newReturnShop(t *testing.T, shipped bool) *returnShop {
	t.Helper()
	s := &returnShop{Shop: apptest.OrderShop(t)}
	apptest.Must(t, s.E, "PATCH", "/v1/products/p1", s.Admin, map[string]any{"Returnable": true}, 200)
	s.order = s.NewOrder(t, s.Token)
	s.line = s.AddLine(t, s.Token, s.order, "p1", 4).S("ID")
	apptest.Submitted(t, s.E.Do("POST", apptest.Outgoing+"/"+s.order+"/submit", s.Token, nil))
	if shipped {
		apptest.Must(t, s.E, "POST", "/v1/orders/Incoming/"+s.order+"/ship", s.Admin, map[string]any{}, 201)
	}
	return s
}

func (s *returnShop) item(qty int) map[string]any {
	return map[string]any{"LineItemID": s.line, "Quantity": qty, "Comments": "too many"}
}

func (s *returnShop) create(t *testing.T, token, id string, items ...any) apptest.Resp {
	t.Helper()
	return apptest.Must(t, s.E, "POST", "/v1/orderreturns", token, map[string]any{"ID": id, "OrderID": s.order, "ItemsToReturn": items}, 201)
}

func TestOrderReturnItemsAndQuantities(t *testing.T) {
	t.Parallel()
	s := newReturnShop(t, false)
	e := s.E
	// Nothing is shipped yet: nothing of an Open order may come back.
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"OrderID": s.order, "ItemsToReturn": []any{s.item(1)}}),
		400, "OrderReturn.ItemQuantityExceeded")
	// An unsubmitted order takes no return.
	cart := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, cart, "p1", 1)
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"OrderID": cart}), 400, "OrderReturn.CannotCreateBadOrderStatus")
	apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+s.order+"/ship", s.Admin, map[string]any{}, 201)

	r := s.create(t, s.Token, "r1", s.item(2))
	if r.S("Status") != "Unsubmitted" || r.S("RefundAmount") != "20" || r.S("ItemsToReturn.0.RefundAmount") != "20" ||
		r.S("ItemsToReturn.0.Quantity") != "2" || r.S("DateCreated") == "" || r.Get("DateSubmitted") != nil || len(apptest.InternalFields(r.Raw)) > 0 {
		t.Errorf("created: %s", r.Raw)
	}
	if pids, ok := r.Get("PaymentIDs").([]any); !ok || len(pids) != 0 {
		t.Errorf("PaymentIDs: %s", r.Raw)
	}
	// Two of four are held by r1: a second return takes at most two.
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"ID": "r2", "OrderID": s.order, "ItemsToReturn": []any{s.item(3)}}),
		400, "OrderReturn.ItemQuantityExceeded")
	s.create(t, s.Token, "r2", s.item(2))
	apptest.WantErr(t, e.Do("PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"ItemsToReturn": []any{s.item(3)}}),
		400, "OrderReturn.ItemQuantityExceeded")
	p := apptest.Must(t, e, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"ItemsToReturn": []any{map[string]any{"LineItemID": s.line, "Quantity": 1}}}, 200)
	if p.S("RefundAmount") != "10" || p.S("ItemsToReturn.0.Comments") != "too many" {
		t.Errorf("patched: %s", p.Raw)
	}
	// A shopper's refund amounts are the API's calculation.
	p = apptest.Must(t, e, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"RefundAmount": 1000}, 200)
	if p.S("RefundAmount") != "10" {
		t.Errorf("shopper's refund amount taken: %s", p.Raw)
	}

	// Hostile bodies: 400s with the contract's codes.
	bad := func(items ...any) map[string]any { return map[string]any{"OrderID": s.order, "ItemsToReturn": items} }
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, bad(s.item(1), s.item(1))), 400, "OrderReturn.CannotCreateDuplicateItemToReturn")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, bad(s.item(-1))), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, bad(map[string]any{"LineItemID": s.line, "Quantity": 1e15})), 400, "Request.InvalidRequestBody")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, bad(map[string]any{"LineItemID": "nope", "Quantity": 1})), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, bad(map[string]any{"Quantity": 1})), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Admin, map[string]any{"OrderID": s.order, "RefundAmount": -1}), 400, "OrderReturn.RefundAmountMustNotBeNegative")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Admin, map[string]any{"OrderID": s.order, "RefundAmount": 1e300}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"ItemsToReturn": []any{}}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"OrderID": "nosuchorder"}), 404, "NotFound")

	// Removing the item frees its units; the order administrator sets
	// a refund for a return without items.
	d := apptest.Must(t, e, "DELETE", "/v1/orderreturns/r1/items/"+s.line, s.Token, nil, 200)
	if d.Get("RefundAmount") != nil || len(d.Get("ItemsToReturn").([]any)) != 0 {
		t.Errorf("item deleted: %s", d.Raw)
	}
	apptest.WantErr(t, e.Do("DELETE", "/v1/orderreturns/r1/items/"+s.line, s.Token, nil), 404, "NotFound")
	s.create(t, s.Token, "r3", s.item(2))
	a := apptest.Must(t, e, "PATCH", "/v1/orderreturns/r1", s.Admin, map[string]any{"RefundAmount": 5.5}, 200)
	if a.S("RefundAmount") != "5.5" {
		t.Errorf("admin's refund: %s", a.Raw)
	}

	// A product not returnable is refused to shoppers.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", s.Admin, map[string]any{"Returnable": false}, 200)
	o2 := s.NewOrder(t, s.Token)
	l2 := s.AddLine(t, s.Token, o2, "p1", 1).S("ID")
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+o2+"/submit", s.Token, nil))
	apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+o2+"/complete", s.Admin, nil, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", s.Token, map[string]any{"OrderID": o2, "ItemsToReturn": []any{map[string]any{"LineItemID": l2, "Quantity": 1}}}),
		400, "OrderReturn.ProductNotEligibleToReturn")

	// Lists: the order's returns, from its index.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns?OrderID="+s.order+"&sortBy=ID", s.Token, nil, 200)); !slices.Equal(got, []string{"r1", "r2", "r3"}) {
		t.Errorf("order's returns: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns?search=r2", s.Admin, nil, 200)); !slices.Equal(got, []string{"r2"}) {
		t.Errorf("search: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/orderreturns/r3", s.Token, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/orderreturns/r3", s.Token, nil), 404, "NotFound")
	s.create(t, s.Token, "r4", s.item(2)) // r3's units are free again
}

func TestOrderReturnConfinement(t *testing.T) {
	t.Parallel()
	s := newReturnShop(t, true)
	e := s.E
	s.create(t, s.Token, "r1", s.item(1))
	// Another user of the same buyer, a shopper, sees neither the order
	// nor its returns; one of another buyer neither.
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	u2 := s.Login("shopper-two", "Shopper")
	s.OtherBuyer(t, "b2", "v1", "other-one")
	v1 := s.Login("other-one", "Shopper")
	for _, tok := range []string{u2, v1} {
		apptest.WantErr(t, e.Do("GET", "/v1/orderreturns/r1", tok, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("PATCH", "/v1/orderreturns/r1", tok, map[string]any{"Comments": "x"}), 404, "NotFound")
		apptest.WantErr(t, e.Do("DELETE", "/v1/orderreturns/r1", tok, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/submit", tok, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("PUT", "/v1/orderreturns/r1", tok, map[string]any{"OrderID": s.order}), 404, "NotFound")
		apptest.WantErr(t, e.Do("POST", "/v1/orderreturns", tok, map[string]any{"OrderID": s.order, "ItemsToReturn": []any{s.item(1)}}), 404, "NotFound")
		if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns", tok, nil, 200)); len(got) != 0 {
			t.Errorf("another user lists %v", got)
		}
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns", s.Token, nil, 200)); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("u1 lists %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns", s.Admin, nil, 200)); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("marketplace lists %v", got)
	}
	// PUT creates under the path's ID, and replaces.
	put := apptest.Must(t, e, "PUT", "/v1/orderreturns/r2", s.Token, map[string]any{"OrderID": s.order, "ItemsToReturn": []any{s.item(1)}}, 200)
	if put.S("ID") != "r2" || put.S("RefundAmount") != "10" {
		t.Errorf("put: %s", put.Raw)
	}
	put = apptest.Must(t, e, "PUT", "/v1/orderreturns/r2", s.Token, map[string]any{"OrderID": s.order, "Comments": "none after all"}, 200)
	if put.Get("RefundAmount") != nil || put.S("Comments") != "none after all" {
		t.Errorf("replaced: %s", put.Raw)
	}
	// The stored item is an OrderReturn, so its status changes stream as
	// OrderReturn.* transitions.
	it, err := e.Store.Get(context.Background(), e.App.Registry().Resource("OrderReturns").Key(nil, "r1"))
	if err != nil || it.Type != "OrderReturn" {
		t.Errorf("stored type %q, %v", it.Type, err)
	}
}

func TestOrderReturnLifecycle(t *testing.T) {
	t.Parallel()
	s := newReturnShop(t, true)
	e := s.E
	s.create(t, s.Token, "r1", s.item(1))
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/cancel", s.Token, nil), 400, "OrderReturn.CannotCancelUnsubmitted")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/complete", s.Admin, nil), 400, "OrderReturn.CannotCompleteBadStatus")
	sub := apptest.Must(t, e, "POST", "/v1/orderreturns/r1/submit", s.Token, nil, 201)
	if sub.S("Status") != "Open" || sub.S("DateSubmitted") == "" {
		t.Errorf("submitted: %s", sub.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/submit", s.Token, nil), 400, "Order.CannotSubmitBadStatus")
	apptest.WantErr(t, e.Do("PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "x"}), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/approve", s.Admin, nil), 400, "Order.MustBeAwaitingApproval")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/complete", s.Token, nil), 403, "Auth.UserNotAuthorizedToAdmin")
	apptest.WantErr(t, e.Do("DELETE", "/v1/orderreturns/r1", s.Token, nil), 403, "OrderReturn.NotAuthorizedToDelete")

	// Complete records the refund as a negative payment of the order.
	done := apptest.Must(t, e, "POST", "/v1/orderreturns/r1/complete", s.Admin, nil, 201)
	if done.S("Status") != "Completed" || done.S("DateCompleted") == "" || done.S("PaymentIDs.0") != "r1-refund" {
		t.Errorf("completed: %s", done.Raw)
	}
	pay := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+s.order+"/payments/r1-refund", s.Admin, nil, 200)
	if pay.S("Amount") != "-10" || pay.S("OrderReturnID") != "r1" || pay.Get("Accepted") != true || pay.S("Transactions.0.Type") != "Refund" {
		t.Errorf("refund payment: %s", pay.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/cancel", s.Token, nil), 403, "OrderReturn.NotAuthorizedToDelete")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/complete", s.Admin, nil), 400, "OrderReturn.CannotCompleteBadStatus")

	// Cancel gives the units back.
	s.create(t, s.Token, "r2", s.item(3))
	apptest.Must(t, e, "POST", "/v1/orderreturns/r2/submit", s.Token, nil, 201)
	c := apptest.Must(t, e, "POST", "/v1/orderreturns/r2/cancel", s.Token, nil, 201)
	if c.S("Status") != "Canceled" || c.S("DateCanceled") == "" {
		t.Errorf("canceled: %s", c.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r2/cancel", s.Token, nil), 400, "Order.CannotCancelInCurrentStatus")
	s.create(t, s.Token, "r3", s.item(3))
	// A return without a refund amount cannot complete.
	s.create(t, s.Token, "r4")
	apptest.Must(t, e, "POST", "/v1/orderreturns/r4/submit", s.Token, nil, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r4/complete", s.Admin, nil), 400, "OrderReturn.CannotCompleteInvalidAmount")
}

func TestOrderReturnApprovals(t *testing.T) {
	t.Parallel()
	s := newReturnShop(t, true)
	e := s.E
	apptest.Must(t, e, "POST", "/v1/usergroups", s.Admin, map[string]any{"ID": "desk", "Name": "Returns desk"}, 201)
	apptest.Profile(t, e, s.Admin, "orders", "OrderAdmin")
	for _, id := range []string{"clerk", "boss"} {
		apptest.Must(t, e, "POST", "/v1/adminusers", s.Admin, map[string]any{"ID": id, "Username": id, "Password": apptest.BuyerPassword,
			"FirstName": "A", "LastName": "B", "Email": id + "@example.com", "Active": true}, 201)
		apptest.AssignProfile(t, e, s.Admin, "orders", map[string]any{"UserID": id})
	}
	apptest.Must(t, e, "POST", "/v1/usergroups/assignments", s.Admin, map[string]any{"UserGroupID": "desk", "UserID": "clerk"}, 204)
	clerk, boss := s.Login("clerk", "OrderAdmin"), s.Login("boss", "OrderAdmin")
	apptest.Must(t, e, "POST", "/v1/approvalrules", s.Admin, map[string]any{"ID": "big", "Name": "Big", "ApprovalType": "OrderReturn",
		"ApprovingGroupID": "desk", "RuleExpression": "order.Total > 30"}, 201)

	s.create(t, s.Token, "r1", s.item(1))
	sub := apptest.Must(t, e, "POST", "/v1/orderreturns/r1/submit", s.Token, nil, 201)
	if sub.S("Status") != "AwaitingApproval" || sub.S("DateSubmitted") == "" || sub.Get("DateApproved") != nil {
		t.Errorf("held: %s", sub.Raw)
	}
	a := apptest.Must(t, e, "GET", "/v1/orderreturns/r1/approvals", s.Token, nil, 200)
	if a.S("Meta.TotalCount") != "1" || a.S("Items.0.ApprovalRuleID") != "big" || a.S("Items.0.Status") != "Pending" ||
		a.S("Items.0.OrderReturnID") != "r1" || len(apptest.InternalFields(a.Raw)) > 0 {
		t.Errorf("approvals: %s", a.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns/r1/eligibleapprovers", s.Admin, nil, 200)); !slices.Equal(got, []string{"clerk"}) {
		t.Errorf("eligible approvers: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns?approvable=true", clerk, nil, 200)); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("clerk's approvable: %v", got)
	}
	// The shopper and an order administrator outside the group may not decide.
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/approve", s.Token, nil), 403, "OrderReturn.NotEligibleToApproveOrDecline")
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r1/decline", boss, nil), 403, "OrderReturn.NotEligibleToApproveOrDecline")
	ok := apptest.Must(t, e, "POST", "/v1/orderreturns/r1/approve", clerk, map[string]any{"Comments": "fine"}, 201)
	if ok.S("Status") != "Open" || ok.S("DateApproved") == "" {
		t.Errorf("approved: %s", ok.Raw)
	}
	a = apptest.Must(t, e, "GET", "/v1/orderreturns/r1/approvals", s.Admin, nil, 200)
	if a.S("Items.0.Status") != "Approved" || a.S("Items.0.Approver.ID") != "clerk" || a.S("Items.0.Comments") != "fine" {
		t.Errorf("decided approval: %s", a.Raw)
	}

	// Declined: the return ends and its units come back.
	s.create(t, s.Token, "r2", s.item(3))
	apptest.Must(t, e, "POST", "/v1/orderreturns/r2/submit", s.Token, nil, 201)
	no := apptest.Must(t, e, "POST", "/v1/orderreturns/r2/decline", clerk, nil, 201)
	if no.S("Status") != "Declined" || no.S("DateDeclined") == "" {
		t.Errorf("declined: %s", no.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/orderreturns/r2/approve", clerk, nil), 400, "Order.MustBeAwaitingApproval")
	s.create(t, s.Token, "r3", s.item(3))
	// The marketplace's full-access administrator decides any.
	apptest.Must(t, e, "POST", "/v1/orderreturns/r3/submit", s.Token, nil, 201)
	apptest.Must(t, e, "POST", "/v1/orderreturns/r3/cancel", s.Token, nil, 201)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orderreturns?approvable=true", clerk, nil, 200)); len(got) != 0 {
		t.Errorf("approvable after cancel: %v", got)
	}
}
