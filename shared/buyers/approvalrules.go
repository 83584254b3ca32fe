package buyers

import (
	"errors"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// refuseApprovingGroupDelete keeps a user group that approval rules name
// as their approving group: deleting it would leave the rules unusable.
func (b *Buyers) refuseApprovingGroupDelete(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	rules, err := c.Reg.All(c, b.ApprovalRules, []string{c.Param("buyerID")})
	if err != nil {
		return err
	}
	var named []any
	for _, rule := range rules {
		if api.Str(rule, "ApprovingGroupID") == api.Str(doc, "ID") {
			named = append(named, rule["ID"])
		}
	}
	if len(named) > 0 {
		return api.E(http.StatusBadRequest, "UserGroup.CannotDeleteApprovingGroup", map[string]any{"ApprovalRuleIDs": named})
	}
	return nil
}

// prepareApprovalRule checks a rule's expression when it is saved, so a
// rule that cannot be evaluated never reaches a submit.
func (b *Buyers) prepareApprovalRule(_ *resource.Ctx, _, doc api.Doc, _ *resource.Tx) error {
	return CheckRuleExpression(api.Str(doc, "RuleExpression"))
}

// CheckRuleExpression refuses an approval rule's RuleExpression (a buyer's
// or a seller's) that is no valid order-level expression of the rules
// engine: a 400 whose code is the expression's contract code
// (Expression.InvalidSyntax, Expression.InvalidToken,
// Expression.InvalidFunction, Expression.InvalidArguments,
// Expression.ItemNotAllowed) and whose message says where.
func CheckRuleExpression(src string) error {
	err := expr.Check(src, expr.OrderLevel)
	var e *expr.Error
	if errors.As(err, &e) {
		return api.E(http.StatusBadRequest, e.Code, map[string]any{"Line": e.Pos.Line, "Column": e.Pos.Column}).WithMessage(e.Error())
	}
	return err
}
