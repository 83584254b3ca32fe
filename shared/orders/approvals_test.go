package orders_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// approvalShop is an order shop (buyer b1, shopper u1, product p1 at 10,
// or 8 from 5) whose buyer has two approving groups, managers and finance,
// and the users a test asks for, each a Shopper: m1 and m2 (managers), f1
// (finance) and x1 (in neither).
type approvalShop struct {
	*apptest.Shop
	tokens map[string]string // user ID → token
}

var approvalGroupOf = map[string]string{"m1": "managers", "m2": "managers", "f1": "finance", "x1": ""}

func newApprovalShop(t *testing.T, users ...string) *approvalShop {
	t.Helper()
	s := &approvalShop{Shop: apptest.OrderShop(t), tokens: map[string]string{}}
	e, admin := s.E, s.Admin
	s.tokens["u1"] = s.Token
	for _, g := range []string{"managers", "finance"} {
		apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": g, "Name": g}, 201)
	}
	for _, user := range users {
		apptest.BuyerUser(t, e, admin, "b1", user, "user-"+user)
		if group := approvalGroupOf[user]; group != "" {
			apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": group, "UserID": user}, 204)
		}
		s.tokens[user] = s.Login("user-"+user, "Shopper")
	}
	return s
}

// rule creates an approval rule of b1.
func (s *approvalShop) rule(t *testing.T, id, group, expression string) {
	t.Helper()
	apptest.Must(t, s.E, "POST", "/v1/buyers/b1/approvalrules", s.Admin, map[string]any{"ID": id, "Name": id,
		"ApprovingGroupID": group, "RuleExpression": expression}, 201)
}

// submitOrder submits a new order of u1 for qty of product.
func (s *approvalShop) submitOrder(t *testing.T, product string, qty int) apptest.Resp {
	t.Helper()
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, product, qty)
	return apptest.Submitted(t, s.E.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
}

func (s *approvalShop) act(user, action, orderID string, body any) apptest.Resp {
	return s.E.Do("POST", apptest.Outgoing+"/"+orderID+"/"+action, s.tokens[user], body)
}

func (s *approvalShop) approvals(t *testing.T, orderID string) apptest.Resp {
	t.Helper()
	return apptest.Must(t, s.E, "GET", apptest.Outgoing+"/"+orderID+"/approvals", s.Token, nil, 200)
}

func (s *approvalShop) approvable(t *testing.T, user string) []string {
	t.Helper()
	return apptest.IDs(apptest.Must(t, s.E, "GET", "/v1/me/orders/approvable", s.tokens[user], nil, 200))
}

func (s *approvalShop) eligible(t *testing.T, orderID string) []string {
	t.Helper()
	return apptest.IDs(apptest.Must(t, s.E, "GET", apptest.Outgoing+"/"+orderID+"/eligibleapprovers", s.Token, nil, 200))
}

func TestApprovalRuleHoldsBigOrders(t *testing.T) {
	t.Parallel()
	s := newApprovalShop(t, "m1", "m2", "f1", "x1")
	e := s.E
	s.rule(t, "big", "managers", "order.Total > 100")

	small := s.submitOrder(t, "p1", 2) // 20
	if small.S("Status") != "Open" || small.Get("IsSubmitted") != true || small.S("DateSubmitted") == "" {
		t.Errorf("small order: %s", small.Raw)
	}
	if r := s.approvals(t, small.S("ID")); r.S("Meta.TotalCount") != "0" {
		t.Errorf("small order's approvals: %s", r.Raw)
	}

	big := s.submitOrder(t, "p1", 20) // 160
	id := big.S("ID")
	if big.S("Status") != "AwaitingApproval" || big.Get("IsSubmitted") != false || big.Get("DateSubmitted") != nil || big.Get("DateApproved") != nil {
		t.Errorf("big order: %s", big.Raw)
	}
	a := s.approvals(t, id)
	listed := apptest.Must(t, e, "GET", "/v1/me/orders/approvable", s.tokens["m1"], nil, 200)
	for _, raw := range []string{big.Raw, a.Raw, listed.Raw} {
		if strings.Contains(raw, "_approvalRound") {
			t.Errorf("internal fields leak: %s", raw)
		}
	}
	if a.S("Meta.TotalCount") != "1" || a.S("Items.0.ApprovalRuleID") != "big" || a.S("Items.0.ApprovingGroupID") != "managers" ||
		a.S("Items.0.Status") != "Pending" || !isUTC(a.S("Items.0.DateCreated")) || a.Get("Items.0.Approver") != nil || a.Get("Items.0.DateCompleted") != nil {
		t.Errorf("pending approval: %s", a.Raw)
	}
	if got := s.eligible(t, id); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Errorf("eligible approvers: %v", got)
	}
	r := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/eligibleapprovers", s.Token, nil, 200)
	if r.S("Items.0.Username") != "user-m1" || len(apptest.Strings(r.Get("Items.0.AvailableRoles"))) == 0 || r.Get("Items.0.Password") != nil {
		t.Errorf("an eligible approver: %s", r.Raw)
	}
	for user, want := range map[string][]string{"m1": {id}, "m2": {id}, "f1": nil, "x1": nil, "u1": nil} {
		if got := s.approvable(t, user); !slices.Equal(got, want) {
			t.Errorf("%s's approvable orders: %v, want %v", user, got, want)
		}
	}
	// The marketplace sees the order's approvals; only members decide.
	apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id+"/approvals", s.Admin, nil, 200)

	// Neither the order's own user nor another group's member may approve;
	// a user who cannot see the order does not find it.
	apptest.WantErr(t, s.act("u1", "approve", id, nil), 403, "Order.NotEligibleToApprove")
	apptest.WantErr(t, s.act("f1", "approve", id, nil), 404, "NotFound")
	apptest.WantErr(t, s.act("x1", "decline", id, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/orders/Incoming/"+id+"/approve", s.Admin, map[string]any{}), 403, "Order.NotEligibleToApprove")
	apptest.WantErr(t, s.act("m1", "approve", small.S("ID"), nil), 404, "NotFound")
	apptest.WantErr(t, s.act("u1", "approve", small.S("ID"), nil), 400, "Order.MustBeAwaitingApproval")
	apptest.WantErr(t, s.act("m1", "approve", id, map[string]any{"Comments": string(make([]byte, 2001))}), 400, "ValidationFailure")

	// A member approves with a comment: the order is submitted.
	o := s.act("m1", "approve", id, map[string]any{"Comments": "fine by me"})
	if o.Status != 201 || o.S("Status") != "Open" || o.Get("IsSubmitted") != true || !isUTC(o.S("DateApproved")) || o.S("DateSubmitted") != o.S("DateApproved") {
		t.Fatalf("approved order: %d %s", o.Status, o.Raw)
	}
	a = s.approvals(t, id)
	if a.S("Items.0.Status") != "Approved" || a.S("Items.0.Approver.ID") != "m1" || a.S("Items.0.Comments") != "fine by me" ||
		!isUTC(a.S("Items.0.DateCompleted")) || a.Get("Items.0.Approver.Password") != nil {
		t.Errorf("approved approval: %s", a.Raw)
	}
	if g := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200); g.S("Status") != "Open" || g.S("DateApproved") == "" {
		t.Errorf("order after approval: %s", g.Raw)
	}
	apptest.WantErr(t, s.act("m2", "approve", id, nil), 400, "Order.MustBeAwaitingApproval")
	if got := s.approvable(t, "m1"); len(got) != 0 {
		t.Errorf("approvable after approval: %v", got)
	}
	if got := s.eligible(t, id); len(got) != 0 {
		t.Errorf("eligible approvers of an open order: %v", got)
	}
}

func TestApprovalDecline(t *testing.T) {
	t.Parallel()
	s := newApprovalShop(t, "m1", "m2", "f1")
	e := s.E
	apptest.Product(t, e, s.Admin, "stocked", "breaks", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 50}})
	apptest.InCatalog(t, e, s.Admin, "b1", "stocked")
	stock := func() string {
		return apptest.Must(t, e, "GET", "/v1/products/stocked", s.Admin, nil, 200).S("Inventory.QuantityAvailable")
	}
	s.rule(t, "big", "managers", "order.Total > 100")
	s.rule(t, "huge", "finance", "order.Total > 150")

	// Both rules hold for 160: the order waits for both groups, and its
	// stock is taken at submit.
	o := s.submitOrder(t, "stocked", 20)
	id := o.S("ID")
	if o.S("Status") != "AwaitingApproval" || stock() != "30" {
		t.Fatalf("held order: %s, stock %s", o.Raw, stock())
	}
	if got := s.eligible(t, id); !slices.Equal(got, []string{"f1", "m1", "m2"}) {
		t.Errorf("eligible approvers: %v", got)
	}
	// A rule an order waits on is kept.
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/approvalrules/huge", s.Admin, nil), 400, "ApprovalRule.CannotDeleteIfPending")

	// Declined without a resubmit: the order ends, its other pending
	// approval closes, its stock comes back.
	d := s.act("f1", "decline", id, map[string]any{"Comments": "over budget"})
	if d.Status != 201 || d.S("Status") != "Declined" || !isUTC(d.S("DateDeclined")) || d.Get("IsSubmitted") != false || d.Get("DateApproved") != nil {
		t.Fatalf("declined order: %d %s", d.Status, d.Raw)
	}
	if stock() != "50" {
		t.Errorf("stock after decline: %s", stock())
	}
	a := s.approvals(t, id)
	byRule := map[string]int{a.S("Items.0.ApprovalRuleID"): 0, a.S("Items.1.ApprovalRuleID"): 1}
	mine, other := byRule["huge"], byRule["big"]
	if a.S("Meta.TotalCount") != "2" || a.S(itemPath(mine, "Status")) != "Declined" || a.S(itemPath(mine, "Approver.ID")) != "f1" ||
		a.S(itemPath(mine, "Comments")) != "over budget" || a.Get(itemPath(mine, "AllowResubmit")) != false ||
		a.S(itemPath(other, "Status")) != "Declined" || a.Get(itemPath(other, "Approver")) != nil {
		t.Errorf("approvals after decline: %s", a.Raw)
	}
	if got := s.approvable(t, "m1"); len(got) != 0 {
		t.Errorf("a declined order stays approvable: %v", got)
	}
	apptest.WantErr(t, s.act("m1", "approve", id, nil), 400, "Order.MustBeAwaitingApproval")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "Order.CannotSubmitBadStatus")
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/approvalrules/huge", s.Admin, nil, 204)

	// Declined with a resubmit: the order returns to its user, who changes
	// and submits it again, for a new round of approvals.
	o = s.submitOrder(t, "stocked", 20)
	id = o.S("ID")
	d = s.act("m2", "decline", id, map[string]any{"Comments": "fewer, please", "AllowResubmit": true})
	if d.Status != 201 || d.S("Status") != "Unsubmitted" || d.S("DateDeclined") == "" || d.Get("IsSubmitted") != false || stock() != "50" {
		t.Fatalf("declined for resubmit: %d %s, stock %s", d.Status, d.Raw, stock())
	}
	if a := s.approvals(t, id); a.S("Items.0.Status") != "Declined" || a.Get("Items.0.AllowResubmit") != true {
		t.Errorf("approval declined for resubmit: %s", a.Raw)
	}
	lines := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems", s.Token, nil, 200)
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+lines.S("Items.0.ID"), s.Token, map[string]any{"Quantity": 15}, 200)
	again := apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil)) // 120
	if again.S("Status") != "AwaitingApproval" || stock() != "35" {
		t.Errorf("resubmitted: %s, stock %s", again.Raw, stock())
	}
	a = s.approvals(t, id)
	if a.S("Meta.TotalCount") != "2" || a.S("Items.0.Status") != "Declined" || a.S("Items.1.Status") != "Pending" {
		t.Errorf("two rounds of approvals: %s", a.Raw)
	}
	if r := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/approvals?Status=Pending", s.Token, nil, 200); r.S("Meta.TotalCount") != "1" {
		t.Errorf("pending approvals: %s", r.Raw)
	}
	if o := s.act("m1", "approve", id, nil); o.S("Status") != "Open" {
		t.Errorf("approved after resubmit: %s", o.Raw)
	}
	if stock() != "35" {
		t.Errorf("stock after approval: %s", stock())
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/approvalrules/big", s.Admin, nil, 204)
}

func itemPath(i int, field string) string {
	return "Items." + string(rune('0'+i)) + "." + field
}

// A rule chained with order.approved('r1') asks for its approval only once
// r1's is approved: a two-level approval.
func TestApprovalTwoLevels(t *testing.T) {
	t.Parallel()
	s := newApprovalShop(t, "m1", "m2", "f1")
	e := s.E
	s.rule(t, "r1", "managers", "order.Total > 100")
	s.rule(t, "r2", "finance", "order.approved('r1') and items.quantity() >= 10")

	id := s.submitOrder(t, "p1", 20).S("ID")
	if a := s.approvals(t, id); a.S("Meta.TotalCount") != "1" || a.S("Items.0.ApprovalRuleID") != "r1" {
		t.Fatalf("first level: %s", a.Raw)
	}
	if got := s.approvable(t, "f1"); len(got) != 0 {
		t.Errorf("finance sees the order before the first level: %v", got)
	}
	apptest.WantErr(t, s.act("f1", "approve", id, nil), 404, "NotFound")

	o := s.act("m1", "approve", id, nil)
	if o.Status != 201 || o.S("Status") != "AwaitingApproval" || o.Get("DateApproved") != nil || o.Get("IsSubmitted") != false {
		t.Fatalf("after the first level: %d %s", o.Status, o.Raw)
	}
	a := s.approvals(t, id)
	if a.S("Meta.TotalCount") != "2" || a.S("Items.0.Status") != "Approved" || a.S("Items.1.ApprovalRuleID") != "r2" ||
		a.S("Items.1.ApprovingGroupID") != "finance" || a.S("Items.1.Status") != "Pending" {
		t.Errorf("second level: %s", a.Raw)
	}
	if got := s.eligible(t, id); !slices.Equal(got, []string{"f1"}) {
		t.Errorf("eligible at the second level: %v", got)
	}
	if got := s.approvable(t, "f1"); !slices.Equal(got, []string{id}) {
		t.Errorf("finance's approvable orders: %v", got)
	}
	if got := s.approvable(t, "m2"); len(got) != 0 {
		t.Errorf("managers' approvable orders after their level: %v", got)
	}
	// m1 decided its level; sees the order as an approver, decides nothing.
	apptest.WantErr(t, s.act("m1", "approve", id, nil), 403, "Order.NotEligibleToApprove")
	apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/approvals", s.tokens["m1"], nil, 200)

	if o := s.act("f1", "approve", id, nil); o.S("Status") != "Open" || o.S("DateApproved") == "" {
		t.Errorf("after the second level: %s", o.Raw)
	}
	if a := s.approvals(t, id); a.S("Meta.TotalCount") != "2" || a.S("Items.1.Status") != "Approved" || a.S("Items.1.Approver.ID") != "f1" {
		t.Errorf("approvals at the end: %s", a.Raw)
	}
}

// Another buyer's approvers, even in a group of the same ID, see and
// decide nothing of b1's orders.
func TestApprovalOtherBuyer(t *testing.T) {
	t.Parallel()
	s := newApprovalShop(t, "m1")
	e, admin := s.E, s.Admin
	s.rule(t, "big", "managers", "order.Total > 100")
	apptest.Buyer(t, e, admin, "b2")
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "b2"})
	apptest.Must(t, e, "POST", "/v1/buyers/b2/usergroups", admin, map[string]any{"ID": "managers", "Name": "managers"}, 201)
	apptest.BuyerUser(t, e, admin, "b2", "m9", "other-manager")
	apptest.Must(t, e, "POST", "/v1/buyers/b2/usergroups/assignments", admin, map[string]any{"UserGroupID": "managers", "UserID": "m9"}, 204)
	s.tokens["m9"] = s.Login("other-manager", "Shopper", "OrderAdmin")

	id := s.submitOrder(t, "p1", 20).S("ID")
	if got := s.approvable(t, "m9"); len(got) != 0 {
		t.Errorf("another buyer's approver sees %v", got)
	}
	apptest.WantErr(t, s.act("m9", "approve", id, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+id+"/approvals", s.tokens["m9"], nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+id+"/eligibleapprovers", s.tokens["m9"], nil), 404, "NotFound")
	if got := s.approvable(t, "m1"); !slices.Equal(got, []string{id}) {
		t.Errorf("b1's approver: %v", got)
	}
}

// Approvers deciding at once decide once: the approvals change with the
// order's versioned write.
func TestApprovalConcurrentApprove(t *testing.T) {
	t.Parallel()
	s := newApprovalShop(t, "m1", "m2")
	s.rule(t, "big", "managers", "order.Total > 100")
	id := s.submitOrder(t, "p1", 20).S("ID")

	rs := apptest.Parallel(6, func(i int) apptest.Resp {
		return s.act([]string{"m1", "m2"}[i%2], "approve", id, map[string]any{"Comments": "ok"})
	})
	approved := 0
	for i, r := range rs {
		switch {
		case r.Status == 201 && r.S("Status") == "Open":
			approved++
		case r.Status == 400 && r.Code() == "Order.MustBeAwaitingApproval", r.Status == 409 && r.Code() == "Conflict":
		default:
			t.Errorf("approve %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if approved != 1 {
		t.Errorf("%d approvals succeeded, want 1", approved)
	}
	a := s.approvals(t, id)
	if a.S("Meta.TotalCount") != "1" || a.S("Items.0.Status") != "Approved" {
		t.Errorf("approvals: %s", a.Raw)
	}
}
