// Package suppliers owns supplier organizations and what lives under
// them: their users, user groups and addresses, and the relationships
// saying which buyers may order from which supplier (Buyers.ListBuyerSellers
// lists a buyer's).
package suppliers

import (
	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Suppliers holds the supplier collections.
type Suppliers struct {
	Suppliers, Users, UserGroups, Addresses *resource.Resource
	// SupplierBuyers are the relationships: which buyers may order from a
	// supplier.
	SupplierBuyers, Members *resource.Assignment
	// Kind is supplier users as access knows them.
	Kind *access.UserKind

	buyers *buyers.Buyers
}

var (
	supplierBuyerModel = contract.MustModel("SupplierBuyer")
	buyerSupplierModel = contract.MustModel("BuyerSupplier")
)

// Declare registers suppliers and everything under them: Suppliers.*
// (with ListBuyers, SaveBuyer, DeleteBuyer), SupplierUsers.*,
// SupplierUserGroups.*, SupplierAddresses.*, Buyers.ListBuyerSellers and
// Me.ListBuyerSellers.
func Declare(r *resource.Registry, acc *access.Access, b *buyers.Buyers) *Suppliers {
	s := &Suppliers{buyers: b}
	underSupplier := []resource.Parent{{Param: "supplierID", Resource: "Suppliers"}}
	scope := []string{"supplierID"}
	s.Suppliers = r.Add(&resource.Resource{Name: "Suppliers", Model: "Supplier", IDParam: "supplierID", BeforeDelete: s.deleteSupplier,
		Reach: resource.Reach{Owners: []string{"ID"}}})

	// Which buyers may order from a supplier. The relationship has no SDK
	// model (its endpoints take no body), so its operations are written by
	// hand; the declaration stores it, lets others find it by kind and
	// removes it when either side is deleted.
	s.SupplierBuyers = r.AddAssignment(&resource.Assignment{Resource: "Suppliers", Model: "SupplierBuyerAssignment", Kind: "SupplierBuyer",
		Key:  []string{"SupplierID", "BuyerID"},
		Refs: []resource.Ref{{Field: "SupplierID", Resource: "Suppliers"}, {Field: "BuyerID", Resource: "Buyers"}}})
	r.Handle("Suppliers.ListBuyers", s.listSupplierBuyers)
	r.Handle("Suppliers.SaveBuyer", s.saveSupplierBuyer)
	r.Handle("Suppliers.DeleteBuyer", s.deleteSupplierBuyer)
	r.Handle("Buyers.ListBuyerSellers", s.listBuyerSellers)
	r.Handle("Me.ListBuyerSellers", s.meListBuyerSellers)
	// A supplier user manages its own organization, but only the
	// marketplace owner creates and deletes suppliers and decides whom they
	// sell to.
	r.MarketplaceOnly("Suppliers.Create", "Suppliers.Delete", "Suppliers.SaveBuyer", "Suppliers.DeleteBuyer")
	// A supplier user sees the buyers it sells to.
	b.Buyers.AlsoSees(s.sellsTo)

	s.Users = r.Add(&resource.Resource{Name: "SupplierUsers", Model: "User", Kind: "SupplierUser", ObjectType: "User", IDParam: "userID", List: access.UserListing(),
		Scope: scope, Parents: underSupplier, Ops: []string{"Get", "Create", "Save", "Patch", "Delete"},
		Reach: resource.Reach{Owners: []string{"CompanyID"}}})
	r.Handle("SupplierUsers.List", s.listSupplierUsers)
	s.UserGroups = r.Add(&resource.Resource{Name: "SupplierUserGroups", Model: "UserGroup", Kind: "SupplierUserGroup", ObjectType: "UserGroup",
		IDParam: "userGroupID", Scope: scope, Parents: underSupplier})
	// The group and the user are looked up under the path's supplier.
	s.Members = r.AddAssignment(&resource.Assignment{Resource: "SupplierUserGroups", Save: "SaveUserAssignment", Delete: "DeleteUserAssignment",
		List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "SupplierUserGroupAssignment", Scope: scope,
		Key: []string{"UserGroupID", "UserID"}, IndexBy: []string{"UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "SupplierUserGroups", ScopeParams: scope},
			{Field: "UserID", Resource: "SupplierUsers", ScopeParams: scope}}})
	s.Addresses = r.Add(&resource.Resource{Name: "SupplierAddresses", Model: "Address", Kind: "SupplierAddress", ObjectType: "Address",
		IDParam: "addressID", Scope: scope, Parents: underSupplier})
	s.Kind = &access.UserKind{Kind: "SupplierUser", UserType: auth.Supplier, Users: s.Users, Groups: s.UserGroups, Members: s.Members,
		Companies: s.Suppliers, CompanyParam: "supplierID", CompanyField: "SupplierID"}
	acc.AddUserKind(r, s.Kind)
	return s
}
