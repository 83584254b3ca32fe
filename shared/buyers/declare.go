// Package buyers owns buyer organizations and what lives under them: their
// users (with moves across buyers and the across-buyers list), user
// groups, addresses, cost centers, credit cards, spending accounts and
// approval rules, the party assignments of those, and buyer users' Me
// views of them (addresses, credit cards, cost centers, spending
// accounts). Buyer groups are here too.
package buyers

import (
	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Buyers holds the buyer collections.
type Buyers struct {
	Buyers, Users, UserGroups, Addresses, CostCenters, CreditCards, SpendingAccounts, ApprovalRules, BuyerGroups *resource.Resource
	// MeAddresses and MeCreditCards are the ones buyer users create for
	// themselves.
	MeAddresses, MeCreditCards                                                                            *resource.Resource
	Members, AddressAssignments, CostCenterAssignments, CreditCardAssignments, SpendingAccountAssignments *resource.Assignment
	// Kind is buyer users as access knows them.
	Kind *access.UserKind

	access      *access.Access
	onMove      []MoveHook
	myAddresses *meView
}

// Declare registers buyers and everything under them: Buyers.*, Users.*,
// BuyerGroups.*, UserGroups.*, Addresses.*, CostCenters.*, CreditCards.*,
// SpendingAccounts.*, ApprovalRules.*, and Me.ListAddresses / GetAddress /
// CreateAddress / SaveAddress / PatchAddress / DeleteAddress, the same for
// credit cards, Me.ListCostCenters, Me.ListSpendingAccounts and
// Me.GetSpendingAccount.
func Declare(r *resource.Registry, acc *access.Access) *Buyers {
	b := &Buyers{access: acc}
	underBuyer := []resource.Parent{{Param: "buyerID", Resource: "Buyers"}}
	buyerScope := []string{"buyerID"}

	b.Buyers = r.Add(&resource.Resource{Name: "Buyers", Model: "Buyer", IDParam: "buyerID", BeforeDelete: b.deleteBuyer,
		Reach: resource.Reach{Owners: []string{"ID"}}})
	b.Users = r.Add(&resource.Resource{Name: "Users", Model: "User", Kind: "BuyerUser", ObjectType: "User", IDParam: "userID", List: access.UserListing(),
		Scope: buyerScope, Parents: underBuyer, Reach: resource.Reach{Owners: []string{"CompanyID"}}})
	b.UserGroups = r.Add(&resource.Resource{Name: "UserGroups", Model: "UserGroup", Kind: "BuyerUserGroup", ObjectType: "UserGroup",
		IDParam: "userGroupID", Scope: buyerScope, Parents: underBuyer})
	b.Members = r.AddAssignment(&resource.Assignment{Resource: "UserGroups", Save: "SaveUserAssignment", Delete: "DeleteUserAssignment",
		List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "BuyerUserGroupAssignment", Scope: buyerScope,
		Key: []string{"UserGroupID", "UserID"}, IndexBy: []string{"UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "UserGroups", ScopeParams: buyerScope},
			{Field: "UserID", Resource: "Users", ScopeParams: buyerScope}}})
	b.BuyerGroups = r.Add(&resource.Resource{Name: "BuyerGroups", Model: "BuyerGroup", IDParam: "buyerGroupID"})
	b.Kind = &access.UserKind{Kind: "BuyerUser", UserType: auth.Buyer, Users: b.Users, Groups: b.UserGroups, Members: b.Members,
		Companies: b.Buyers, CompanyParam: "buyerID", CompanyField: "BuyerID"}
	acc.AddUserKind(r, b.Kind)

	b.declareAccounts(r, buyerScope, underBuyer)
	// A rule's approving group is one of the rule's buyer's groups.
	b.ApprovalRules = r.Add(&resource.Resource{Name: "ApprovalRules", Model: "ApprovalRule", IDParam: "approvalRuleID", Scope: buyerScope,
		Parents: underBuyer, Refs: []resource.Ref{{Field: "ApprovingGroupID", Resource: "UserGroups", ScopeParams: buyerScope}}})
	// Its expression must be one the rules engine evaluates for an order.
	b.ApprovalRules.AlsoPrepare(b.prepareApprovalRule)
	b.declareMe(r)
	b.declareUsers(r)

	// What lives under a user group or a user goes with it, or keeps it.
	b.UserGroups.AlsoBeforeDelete(b.refuseApprovingGroupDelete)
	b.Users.AlsoBeforeDelete(b.deletePrivateOfUser)
	return b
}

// deleteBuyer removes what lives under the buyer: every collection scoped
// by buyerID alone (users and their usernames, user groups, addresses, cost
// centers, …) and every assignment collection scoped by it. Assignments
// elsewhere that name the buyer go with the engine's cascade; other
// domains add what they keep under a buyer (Buyers.AlsoBeforeDelete).
func (b *Buyers) deleteBuyer(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return c.Reg.DeleteScopedUnder(c, tx, "buyerID", api.Str(doc, "ID"), func(it store.Item) {
		if it.Type == b.Users.Kind {
			d, _ := api.DecodeDoc(it.Doc)
			access.ForgetUsername(tx, api.Str(d, "Username"))
		}
	})
}
