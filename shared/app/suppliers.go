package app

import (
	"errors"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// declareSuppliers declares suppliers, their users, user groups and addresses, supplier-buyer relationships, product suppliers and product collections.
func declareSuppliers(r *resource.Registry) {
	underSupplier := []resource.Parent{{Param: "supplierID", Resource: "Suppliers"}}
	r.Add(&resource.Resource{Name: "Suppliers", Model: "Supplier", IDParam: "supplierID", BeforeDelete: deleteSupplier,
		Reach: resource.Reach{Owners: []string{"ID"}}})

	// Which buyers may order from a supplier. The relationship has no SDK
	// model (its endpoints take no body), so its operations are written by
	// hand; the declaration stores it, lets others find it by kind and
	// removes it when either side is deleted.
	r.AddAssignment(&resource.Assignment{Resource: "Suppliers", Model: "SupplierBuyerAssignment", Kind: "SupplierBuyer",
		Key:  []string{"SupplierID", "BuyerID"},
		Refs: []resource.Ref{{Field: "SupplierID", Resource: "Suppliers"}, {Field: "BuyerID", Resource: "Buyers"}}})
	r.Handle("Suppliers.ListBuyers", listSupplierBuyers)
	r.Handle("Suppliers.SaveBuyer", saveSupplierBuyer)
	r.Handle("Suppliers.DeleteBuyer", deleteSupplierBuyer)
	// A supplier user manages its own organization, but only the
	// marketplace owner creates and deletes suppliers and decides whom they
	// sell to.
	r.MarketplaceOnly("Suppliers.Create", "Suppliers.Delete", "Suppliers.SaveBuyer", "Suppliers.DeleteBuyer")

	r.Add(&resource.Resource{Name: "SupplierUsers", Model: "User", Kind: "SupplierUser", ObjectType: "User", IDParam: "userID",
		Scope: []string{"supplierID"}, Parents: underSupplier, Ops: []string{"Get", "Create", "Save", "Patch", "Delete"},
		Reach:   resource.Reach{Owners: []string{"CompanyID"}},
		Prepare: prepareUser(supplierCompany), Present: presentUser(supplierCompany), BeforeDelete: deleteUsername})
	r.Handle("SupplierUsers.List", listSupplierUsers)
	r.Add(&resource.Resource{Name: "SupplierUserGroups", Model: "UserGroup", Kind: "SupplierUserGroup", ObjectType: "UserGroup",
		IDParam: "userGroupID", Scope: []string{"supplierID"}, Parents: underSupplier})
	// UserGroupAssignment has no SupplierID, so the engine skips checking
	// these refs (their scope field is empty) and
	// prepareSupplierUserGroupAssignment checks them against the path; the
	// refs still make deleting a user or a group remove its assignments.
	r.AddAssignment(&resource.Assignment{Resource: "SupplierUserGroups", Save: "SaveUserAssignment", Delete: "DeleteUserAssignment",
		List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "SupplierUserGroupAssignment", Scope: []string{"supplierID"},
		Key: []string{"UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "SupplierUserGroups", ScopeParams: []string{"supplierID"}},
			{Field: "UserID", Resource: "SupplierUsers", ScopeParams: []string{"supplierID"}}},
		Prepare: prepareSupplierUserGroupAssignment})
	r.Add(&resource.Resource{Name: "SupplierAddresses", Model: "Address", Kind: "SupplierAddress", ObjectType: "Address",
		IDParam: "addressID", Scope: []string{"supplierID"}, Parents: underSupplier,
		BeforeDelete: addressNotInInventory(func(c *resource.Ctx) string { return c.Param("supplierID") })})

	declareProductSuppliers(r) // suppliers_products.go
	declareCollections(r)      // collections.go
}

// supplierSellsToBuyer lets a supplier user see the buyers it has a
// relationship with (the Reach of buyers).
func supplierSellsToBuyer(c *resource.Ctx, buyer api.Doc) (bool, error) {
	if c.P.UserType != auth.Supplier {
		return false, nil
	}
	return assignmentExists(c, c.Reg.AssignmentKind("SupplierBuyer"), api.Doc{"SupplierID": c.P.CompanyID, "BuyerID": buyer["ID"]})
}

// assignmentExists looks one assignment up by its key fields.
func assignmentExists(c *resource.Ctx, a *resource.Assignment, key api.Doc) (bool, error) {
	_, err := c.Deps.Store.Get(c, store.Key{PK: a.PK(), SK: a.SK(key)})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// supplierCompany is the companyOf of supplier users: their supplier.
func supplierCompany(c *resource.Ctx) (string, string) { return "SupplierUser", c.Param("supplierID") }

// deleteSupplier removes what lives under the supplier: its users (and
// their usernames), user groups, addresses and group assignments.
// Assignments elsewhere that name it (API clients, security profiles,
// buyers, products) go with the engine's cascade through their refs.
func deleteSupplier(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return deleteScopedUnder(c, tx, "supplierID", api.Str(doc, "ID"))
}

func loadSupplier(c *resource.Ctx, id string) (*resource.Entity, error) {
	return c.Reg.Load(c, c.Reg.Resource("Suppliers"), nil, id)
}

// supplierBuyers lists the SupplierBuyer relationships, all of them or
// those of one supplier.
func supplierBuyers(c *resource.Ctx, supplierID string) ([]api.Doc, error) {
	docs, err := c.Reg.AllAssignments(c, c.Reg.AssignmentKind("SupplierBuyer"))
	if err != nil {
		return nil, err
	}
	if supplierID == "" {
		return docs, nil
	}
	return slices.DeleteFunc(docs, func(d api.Doc) bool { return api.Str(d, "SupplierID") != supplierID }), nil
}

// listSupplierBuyers lists the buyers a supplier may sell to, as
// SupplierBuyer (the buyer's ID and name). A supplier user sees only its
// own supplier's (the engine answers 404 for another in the path).
func listSupplierBuyers(c *resource.Ctx) (any, error) {
	id := c.Param("supplierID")
	if _, err := loadSupplier(c, id); err != nil {
		return nil, err
	}
	rels, err := supplierBuyers(c, id)
	if err != nil {
		return nil, err
	}
	buyers := c.Reg.Resource("Buyers")
	keys := make([]store.Key, 0, len(rels))
	for _, d := range rels {
		keys = append(keys, store.Key{PK: buyers.PK(), SK: api.Str(d, "BuyerID")})
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, it := range got {
		b, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, api.Doc{"ID": b["ID"], "Name": b["Name"]})
	}
	return c.Reg.Page(c, modelOf("SupplierBuyer"), docs, nil)
}

func saveSupplierBuyer(c *resource.Ctx) (any, error) {
	sup, buyer := c.Param("supplierID"), c.Param("buyerID")
	if _, err := loadSupplier(c, sup); err != nil {
		return nil, err
	}
	if _, err := c.Reg.Load(c, c.Reg.Resource("Buyers"), nil, buyer); err != nil {
		return nil, err
	}
	a := c.Reg.AssignmentKind("SupplierBuyer")
	_, err := c.Deps.Store.Put(c, a.Item(api.Doc{"SupplierID": sup, "BuyerID": buyer}), store.Always)
	return nil, err
}

func deleteSupplierBuyer(c *resource.Ctx) (any, error) {
	a := c.Reg.AssignmentKind("SupplierBuyer")
	k := store.Key{PK: a.PK(), SK: a.SK(api.Doc{"SupplierID": c.Param("supplierID"), "BuyerID": c.Param("buyerID")})}
	return nil, c.Deps.Store.Delete(c, k, store.Always)
}

// buyerMayOrderFrom says whether a buyer can order from a supplier: an
// active supplier that lets every buyer order, or one with an explicit
// relationship to the buyer.
func buyerMayOrderFrom(c *resource.Ctx, supplier api.Doc, buyerID string) (bool, error) {
	if supplier["Active"] != true {
		return false, nil
	}
	if supplier["AllBuyersCanOrder"] == true {
		return true, nil
	}
	rels, err := supplierBuyers(c, api.Str(supplier, "ID"))
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(rels, func(d api.Doc) bool { return api.Str(d, "BuyerID") == buyerID }), nil
}

// listSupplierUsers is the engine's list plus the userGroupID parameter:
// only members of that group.
func listSupplierUsers(c *resource.Ctx) (any, error) {
	sup := c.Param("supplierID")
	if _, err := loadSupplier(c, sup); err != nil {
		return nil, err
	}
	res := c.Reg.Resource("SupplierUsers")
	docs, err := c.Reg.All(c, res, []string{sup})
	if err != nil {
		return nil, err
	}
	if group := c.Query("userGroupID"); group != "" {
		asg, err := c.Reg.AllAssignments(c, c.Reg.AssignmentKind("SupplierUserGroupAssignment"), sup)
		if err != nil {
			return nil, err
		}
		members := map[string]bool{}
		for _, a := range asg {
			if api.Str(a, "UserGroupID") == group {
				members[api.Str(a, "UserID")] = true
			}
		}
		docs = slices.DeleteFunc(docs, func(d api.Doc) bool { return !members[api.Str(d, "ID")] })
	}
	return c.Reg.Page(c, res.ContractModel(), docs, func(d api.Doc) (api.Doc, error) { return res.Present(c, d) })
}

// prepareSupplierUserGroupAssignment checks that the group and the user
// both belong to the supplier in the path.
func prepareSupplierUserGroupAssignment(c *resource.Ctx, doc api.Doc) error {
	scope := []string{c.Param("supplierID")}
	if _, err := loadSupplier(c, scope[0]); err != nil {
		return err
	}
	if _, err := c.Reg.Load(c, c.Reg.Resource("SupplierUserGroups"), scope, api.Str(doc, "UserGroupID")); err != nil {
		return err
	}
	_, err := c.Reg.Load(c, c.Reg.Resource("SupplierUsers"), scope, api.Str(doc, "UserID"))
	return err
}
