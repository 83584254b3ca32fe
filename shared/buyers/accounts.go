package buyers

import (
	"errors"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// declareAccounts declares a buyer's addresses, cost centers, credit cards
// and spending accounts, and their assignments to the buyer's parties.
func (b *Buyers) declareAccounts(r *resource.Registry, buyerScope []string, underBuyer []resource.Parent) {
	// A buyer party: the company (neither field), one of its groups or one
	// of its users, all looked up under the path's buyer.
	party := func(field, res string) []resource.Ref {
		return []resource.Ref{{Field: field, Resource: res, ScopeParams: buyerScope},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeParams: buyerScope},
			{Field: "UserID", Resource: "Users", ScopeParams: buyerScope}}
	}
	b.Addresses = r.Add(&resource.Resource{Name: "Addresses", Model: "Address", Kind: "BuyerAddress", ObjectType: "Address",
		IDParam: "addressID", Scope: buyerScope, Parents: underBuyer})
	b.AddressAssignments = r.AddAssignment(&resource.Assignment{Resource: "Addresses", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "AddressAssignment", Scope: buyerScope, Key: []string{"AddressID", "UserGroupID", "UserID"},
		Refs: party("AddressID", "Addresses"), Prepare: prepareAddressAssignment, Party: true})

	b.CostCenters = r.Add(&resource.Resource{Name: "CostCenters", Model: "CostCenter", IDParam: "costCenterID", Scope: buyerScope,
		Parents: underBuyer})
	b.CostCenterAssignments = r.AddAssignment(&resource.Assignment{Resource: "CostCenters", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "CostCenterAssignment", Scope: buyerScope,
		Key: []string{"CostCenterID", "UserGroupID"}, Refs: party("CostCenterID", "CostCenters")[:2], Party: true})

	b.CreditCards = r.Add(&resource.Resource{Name: "CreditCards", Model: "CreditCard", IDParam: "creditCardID", Scope: buyerScope,
		Parents: underBuyer})
	b.CreditCardAssignments = r.AddAssignment(&resource.Assignment{Resource: "CreditCards", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "CreditCardAssignment", Scope: buyerScope,
		Key: []string{"CreditCardID", "UserGroupID", "UserID"}, Refs: party("CreditCardID", "CreditCards"), Party: true})

	b.SpendingAccounts = r.Add(&resource.Resource{Name: "SpendingAccounts", Model: "SpendingAccount", IDParam: "spendingAccountID",
		Scope: buyerScope, Parents: underBuyer})
	b.SpendingAccountAssignments = r.AddAssignment(&resource.Assignment{Resource: "SpendingAccounts", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "SpendingAccountAssignment", Scope: buyerScope,
		Key: []string{"SpendingAccountID", "UserGroupID", "UserID"}, Refs: party("SpendingAccountID", "SpendingAccounts"), Party: true})
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

// deletePrivateOfUser removes the addresses and credit cards a deleted
// user created for themselves (their assignments go by the engine's refs).
func (b *Buyers) deletePrivateOfUser(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	buyerID := c.Param("buyerID")
	for _, res := range []*resource.Resource{b.MeAddresses, b.MeCreditCards} {
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

// SpendingAccountFor loads a buyer's spending account for paying an order
// of one of its users, as read (for a write conditioned on it). It is nil
// when the account does not exist or no assignment gives it to the user,
// one of their groups or their company; allowExceed is true when one that
// does lets the balance go below zero.
func (b *Buyers) SpendingAccountFor(c *resource.Ctx, buyerID, userID, id string) (account *resource.Entity, allowExceed bool, err error) {
	e, err := c.Reg.Load(c, b.SpendingAccounts, []string{buyerID}, id)
	if err != nil {
		return nil, false, notFoundIsNil(err)
	}
	party, err := b.Party(c, buyerID, userID)
	if err != nil {
		return nil, false, err
	}
	asgs, err := c.Reg.AssignmentsWith(c, b.SpendingAccountAssignments, "SpendingAccountID", id, buyerID)
	if err != nil {
		return nil, false, err
	}
	reached := false
	for _, a := range asgs {
		if party.ReachedBy(api.Str(a, "UserGroupID"), api.Str(a, "UserID")) {
			reached = true
			allowExceed = allowExceed || a["AllowExceed"] == true
		}
	}
	if !reached {
		return nil, false, nil
	}
	return e, allowExceed, nil
}

// UsableCreditCard reports whether a buyer user may pay with a credit
// card: one they saved for themselves, or one of their buyer's assigned to
// them, one of their groups or their company.
func (b *Buyers) UsableCreditCard(c *resource.Ctx, buyerID, userID, id string) (bool, error) {
	own, err := c.Reg.Load(c, b.MeCreditCards, []string{buyerID}, id)
	if err == nil {
		return api.Str(own.Doc, privateOwnerField) == userID, nil
	}
	if err := notFoundIsNil(err); err != nil {
		return false, err
	}
	if _, err := c.Reg.Load(c, b.CreditCards, []string{buyerID}, id); err != nil {
		return false, notFoundIsNil(err)
	}
	party, err := b.Party(c, buyerID, userID)
	if err != nil {
		return false, err
	}
	asgs, err := c.Reg.AssignmentsWith(c, b.CreditCardAssignments, "CreditCardID", id, buyerID)
	if err != nil {
		return false, err
	}
	for _, a := range asgs {
		if party.ReachedBy(api.Str(a, "UserGroupID"), api.Str(a, "UserID")) {
			return true, nil
		}
	}
	return false, nil
}

// notFoundIsNil drops a 404: the caller answers for a missing entity.
func notFoundIsNil(err error) error {
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil
	}
	return err
}
