package orders_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Seller approval rules (SellerApprovalRules.*): the marketplace's and a
// supplier's own, checked at save.
func TestSellerApprovalRules(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Must(t, e, "POST", "/v1/usergroups", admin, map[string]any{"ID": "returns", "Name": "Returns desk"}, 201)
	rule := map[string]any{"ID": "old", "Name": "Old orders", "ApprovalType": "OrderReturn", "ApprovingGroupID": "returns",
		"RuleExpression": "Order.DateCompleted < now(-30)"}
	c := apptest.Must(t, e, "POST", "/v1/approvalrules", admin, rule, 201)
	if c.S("OwnerID") != "marketplace" || c.S("ApprovalType") != "OrderReturn" || c.S("RuleExpression") != "Order.DateCompleted < now(-30)" {
		t.Errorf("created: %s", c.Raw)
	}
	for expression, code := range map[string]string{
		"order.Total >":       "Expression.InvalidSyntax",
		"order.Total > 1 !":   "Expression.InvalidToken",
		"frobnicate(1) > 2":   "Expression.InvalidFunction",
		"order.approved()":    "Expression.InvalidArguments",
		"item.Quantity > 100": "Expression.ItemNotAllowed",
	} {
		bad := map[string]any{"ApprovalType": "OrderReturn", "ApprovingGroupID": "returns", "RuleExpression": expression}
		apptest.WantErr(t, e.Do("POST", "/v1/approvalrules", admin, bad), 400, code)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/approvalrules/old", admin, map[string]any{"RuleExpression": "order.Total >"}), 400, "Expression.InvalidSyntax")
	apptest.WantErr(t, e.Do("POST", "/v1/approvalrules", admin, map[string]any{"ApprovalType": "Order", "ApprovingGroupID": "returns",
		"RuleExpression": "true"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/approvalrules", admin, map[string]any{"ApprovalType": "OrderReturn", "ApprovingGroupID": "nogroup",
		"RuleExpression": "true"}), 404, "NotFound")
	apptest.Must(t, e, "PATCH", "/v1/approvalrules/old", admin, map[string]any{"RuleExpression": "Order.Total > 500"}, 200)

	// A supplier's rules name its own groups; it sees only its own.
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.Profile(t, e, admin, "rules", "ApprovalRuleAdmin")
	apptest.AssignProfile(t, e, admin, "rules", map[string]any{"SupplierID": "s1"})
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "s1returns", "Name": "Returns"}, 201)
	client := apptest.BuyerClient(t, e, admin, map[string]any{"AllowAnySupplier": true})
	sup := e.Login(client, "supplier-one", apptest.BuyerPassword, "ApprovalRuleAdmin")
	apptest.WantErr(t, e.Do("POST", "/v1/approvalrules", sup, map[string]any{"ApprovalType": "OrderReturn", "ApprovingGroupID": "returns",
		"RuleExpression": "true"}), 404, "NotFound")
	s := apptest.Must(t, e, "POST", "/v1/approvalrules", sup, map[string]any{"ID": "s1big", "ApprovalType": "OrderReturn",
		"ApprovingGroupID": "s1returns", "RuleExpression": "Order.Total > 100"}, 201)
	if s.S("OwnerID") != "s1" {
		t.Errorf("supplier's rule: %s", s.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/approvalrules", sup, nil, 200)); !slices.Equal(got, []string{"s1big"}) {
		t.Errorf("supplier lists %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/approvalrules", admin, nil, 200)); !slices.Equal(got, []string{"old", "s1big"}) {
		t.Errorf("marketplace lists %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/approvalrules/old", sup, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/approvalrules/s1big", sup, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/approvalrules/old", admin, nil, 204)
}
