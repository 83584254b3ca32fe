package buyers_test

import (
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// An approval rule's expression is checked when the rule is saved, by
// create, replace and patch alike, and refused with the contract's
// Expression code.
func TestApprovalRuleExpressionChecked(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "Approvers"}, 201)
	rule := func(expression string) map[string]any {
		return map[string]any{"ApprovingGroupID": "g1", "RuleExpression": expression}
	}
	for expression, code := range map[string]string{
		"order.Total >":                   "Expression.InvalidSyntax",
		"order.Total > 100 and":           "Expression.InvalidSyntax",
		"1 < 2 < 3":                       "Expression.InvalidSyntax",
		"order.Total > 100 && true":       "Expression.InvalidToken",
		"order.xp.Name = 'unterminated":   "Expression.InvalidToken",
		"customer.Total > 1":              "Expression.InvalidToken",
		"items.sum(Quantity) > 1":         "Expression.InvalidFunction",
		"order.approved('a', 'b')":        "Expression.InvalidArguments",
		"item.Quantity > 5":               "Expression.ItemNotAllowed",
		"not item.any(ProductID = 'QQQ')": "Expression.ItemNotAllowed",
		strings.Repeat("(", 40) + "1 > 0" + strings.Repeat(")", 40): "Expression.InvalidSyntax",
	} {
		r := e.Do("POST", "/v1/buyers/b1/approvalrules", admin, rule(expression))
		apptest.WantErr(t, r, 400, code)
		if r.S("Errors.0.Message") == "" {
			t.Errorf("%q: no message: %s", expression, r.Raw)
		}
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/approvalrules", admin, rule("")), 400, "ValidationFailure")
	// The docs' examples are saved.
	for i, expression := range []string{
		"order.Total > 200 and order.xp.MyCustomProperty = 'XYZ'",
		"order.Total > 200 and items.any(CostCenter = 'ABC')",
		"items.total(CostCenter = 'ABC') > 200",
		"items.quantity(ProductID = 'P1' or ProductID = 'P2') > 5",
		"(order.Total > 20 and order.approved('rule_id_1')) or (not items.any(ProductID = 'QQQ') and approved('rule_id_2'))",
		"order.DateSubmitted > #6/15/2016#",
	} {
		apptest.Must(t, e, "PUT", "/v1/buyers/b1/approvalrules/ok"+string(rune('a'+i)), admin, rule(expression), 200)
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/buyers/b1/approvalrules/oka", admin, rule("order.Total >")), 400, "Expression.InvalidSyntax")
	apptest.WantErr(t, e.Do("PATCH", "/v1/buyers/b1/approvalrules/oka", admin, map[string]any{"RuleExpression": "item.ID = 'x'"}), 400, "Expression.ItemNotAllowed")
	if g := apptest.Must(t, e, "GET", "/v1/buyers/b1/approvalrules/oka", admin, nil, 200); g.S("RuleExpression") != "order.Total > 200 and order.xp.MyCustomProperty = 'XYZ'" {
		t.Errorf("a refused change changed the rule: %s", g.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/approvalrules/oka", admin, map[string]any{"Name": "renamed"}, 200)
}
