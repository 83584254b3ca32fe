package buyers

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
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
