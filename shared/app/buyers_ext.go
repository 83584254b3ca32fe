package app

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// declareBuyersExt declares a buyer's address, cost center, credit card and spending account assignments, approval rules, and their Me views.
func declareBuyersExt(r *resource.Registry) {
	underBuyer := []resource.Parent{{Param: "buyerID", Resource: "Buyers"}}
	buyerScope := []string{"buyerID"}
	// A buyer party: the company (neither field), one of its groups or one
	// of its users, all looked up under the path's buyer.
	party := func(field, res string) []resource.Ref {
		return []resource.Ref{{Field: field, Resource: res, ScopeParams: buyerScope},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeParams: buyerScope},
			{Field: "UserID", Resource: "Users", ScopeParams: buyerScope}}
	}

	r.AddAssignment(&resource.Assignment{Resource: "Addresses", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "AddressAssignment", Scope: buyerScope, Key: []string{"AddressID", "UserGroupID", "UserID"},
		Refs: party("AddressID", "Addresses"), Prepare: prepareAddressAssignment, Party: true})

	r.Add(&resource.Resource{Name: "CostCenters", Model: "CostCenter", IDParam: "costCenterID", Scope: buyerScope, Parents: underBuyer})
	r.AddAssignment(&resource.Assignment{Resource: "CostCenters", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "CostCenterAssignment", Scope: buyerScope, Key: []string{"CostCenterID", "UserGroupID"},
		Refs: party("CostCenterID", "CostCenters")[:2], Party: true})

	r.Add(&resource.Resource{Name: "CreditCards", Model: "CreditCard", IDParam: "creditCardID", Scope: buyerScope, Parents: underBuyer})
	r.AddAssignment(&resource.Assignment{Resource: "CreditCards", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "CreditCardAssignment", Scope: buyerScope, Key: []string{"CreditCardID", "UserGroupID", "UserID"},
		Refs: party("CreditCardID", "CreditCards"), Party: true})

	r.Add(&resource.Resource{Name: "SpendingAccounts", Model: "SpendingAccount", IDParam: "spendingAccountID", Scope: buyerScope,
		Parents: underBuyer})
	r.AddAssignment(&resource.Assignment{Resource: "SpendingAccounts", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "SpendingAccountAssignment", Scope: buyerScope,
		Key: []string{"SpendingAccountID", "UserGroupID", "UserID"}, Refs: party("SpendingAccountID", "SpendingAccounts"), Party: true})

	r.Add(&resource.Resource{Name: "ApprovalRules", Model: "ApprovalRule", IDParam: "approvalRuleID", Scope: buyerScope,
		Parents: underBuyer, Prepare: prepareApprovalRule})

	declareBuyersMe(r)

	// What lives under a buyer, a user group or a user goes with it.
	r.Resource("UserGroups").AlsoBeforeDelete(refuseApprovingGroupDelete)
	r.Resource("Users").AlsoBeforeDelete(deletePrivateOfUser)
}

// prepareAddressAssignment refuses an assignment that allows neither
// shipping nor billing: it would make the address reach users who could
// not use it on an order.
func prepareAddressAssignment(c *resource.Ctx, doc api.Doc) error {
	if doc["IsShipping"] != true && doc["IsBilling"] != true {
		return api.E(http.StatusBadRequest, "AddressAssignment.MustBeBillingOrShipping", nil)
	}
	return nil
}

// prepareApprovalRule checks that the approving group is a user group of
// the rule's buyer.
func prepareApprovalRule(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	_, err := c.Reg.Load(c, c.Reg.Resource("UserGroups"), []string{c.Param("buyerID")}, api.Str(doc, "ApprovingGroupID"))
	return err
}

// refuseApprovingGroupDelete keeps a user group that approval rules name
// as their approving group: deleting it would leave the rules unusable.
func refuseApprovingGroupDelete(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	rules, err := c.Reg.All(c, c.Reg.Resource("ApprovalRules"), []string{c.Param("buyerID")})
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

// deletePrivateOfUser removes the addresses and credit cards a deleted
// user created for themselves (their assignments go by the engine's refs).
func deletePrivateOfUser(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	buyerID := c.Param("buyerID")
	for _, name := range []string{"MeAddresses", "MeCreditCards"} {
		res := c.Reg.Resource(name)
		docs, err := c.Reg.All(c, res, []string{buyerID})
		if err != nil {
			return err
		}
		for _, d := range docs {
			if api.Str(d, privateOwnerField) == api.Str(doc, "ID") {
				tx.Delete(store.Key{PK: res.PK(buyerID), SK: api.Str(d, "ID")})
			}
		}
	}
	return nil
}
