package orders

import (
	"errors"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Seller approval rules (order-returns.mdx, SellerApprovalRules.*): the
// rules of a selling organization, the marketplace or a supplier (OwnerID,
// the caller's own unless the marketplace writes another), that hold
// order returns for approval by one of the organization's user groups.
// OrderReturn is their only ApprovalType. They are served here and
// evaluated by order returns through SellerApprovalRulesFor and
// InSellerApprovingGroup.

// sellerApprovalReturn is the one ApprovalType seller rules take.
const sellerApprovalReturn = "OrderReturn"

// declareSellerApprovalRules serves SellerApprovalRules.* (top-level IDs;
// a supplier's users reach their own organization's rules).
func (s *Service) declareSellerApprovalRules(r *resource.Registry) {
	s.SellerApprovalRules = r.Add(&resource.Resource{Name: "SellerApprovalRules", Model: "SellerApprovalRule", IDParam: "approvalRuleID",
		Reach: resource.Reach{Owners: []string{"OwnerID"}}, Prepare: s.prepareSellerApprovalRule})
}

// prepareSellerApprovalRule checks a rule when it is saved: its type, its
// expression (as a buyer's rule's) and that its approving group is one of
// its owner's user groups.
func (s *Service) prepareSellerApprovalRule(c *resource.Ctx, _, doc api.Doc, _ *resource.Tx) error {
	if api.Str(doc, "ApprovalType") != sellerApprovalReturn {
		return api.Validation("ApprovalType", "OrderReturn is the only ApprovalType of seller approval rules.")
	}
	if err := buyers.CheckRuleExpression(api.Str(doc, "RuleExpression")); err != nil {
		return err
	}
	k, scope := s.sellerKind(c, api.Str(doc, "OwnerID"))
	_, err := c.Reg.Load(c, k.Groups, scope, api.Str(doc, "ApprovingGroupID"))
	return err
}

// sellerKind is the users of a rule's owner: the marketplace's admin
// users, or a supplier's users (scope: the supplier).
func (s *Service) sellerKind(c *resource.Ctx, ownerID string) (*access.UserKind, []string) {
	if ownerID == c.MarketplaceID() {
		return s.access.Admin, nil
	}
	return s.access.KindOf(auth.Supplier), []string{ownerID}
}

// SellerApprovalRulesFor evaluates the seller approval rules of an
// organization (ownerID: the marketplace or a supplier) for an order
// return and returns the rules that hold, in ID order: each asks for an
// approval by its ApprovingGroupID. env is what the expressions see:
// env.Order the order being returned (so Order.DateCompleted < now(-30)
// reads its completion), env.Items the line items the return concerns,
// env.Approved the return's approvals so far (approved('ruleID'), for
// rules chained on others). As for a buyer's rules, a rule that cannot be
// evaluated holds. A return calls it when submitted and, with its
// approvals, after each approval, asking for the rules that hold and have
// no approval yet (commerce.Asking), as orders do (approvals.go).
func (s *Service) SellerApprovalRulesFor(c *resource.Ctx, ownerID string, env expr.Env) ([]api.Doc, error) {
	all, err := c.Reg.All(c, s.SellerApprovalRules, nil)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, r := range all {
		if api.Str(r, "OwnerID") == ownerID && api.Str(r, "ApprovalType") == sellerApprovalReturn && ruleHolds(r, env) {
			out = append(out, r)
		}
	}
	return out, nil
}

// InSellerApprovingGroup reports whether the caller is in a seller
// approval rule's approving group, a user group of the rule's owner: who
// may approve or decline what the rule holds (others get
// OrderReturn.NotEligibleToApproveOrDecline). The membership is read from
// the table, exact at once.
func (s *Service) InSellerApprovingGroup(c *resource.Ctx, rule api.Doc) (bool, error) {
	owner := api.Str(rule, "OwnerID")
	k, scope := s.sellerKind(c, owner)
	if c.P.UserType != k.UserType || (k.UserType != auth.Admin && c.P.CompanyID != owner) {
		return false, nil
	}
	key := store.Key{PK: k.Members.PK(scope...), SK: k.Members.SK(api.Doc{"UserGroupID": api.Str(rule, "ApprovingGroupID"), "UserID": c.P.UserID})}
	_, err := c.Deps.Store.Get(c, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
