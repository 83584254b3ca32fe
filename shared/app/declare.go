package app

import (
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// declare registers every resource, assignment and hand-written operation.
func declare(r *resource.Registry) {
	declareSeller(r)
	declareBuyers(r)
	declareCatalogs(r)
	declareOrders(r)
	declareMe(r)
	declareAuth(r)
	// Breadth of the index, one file per area.
	declareSellerExt(r)   // seller_ext.go
	declareBuyersExt(r)   // buyers_ext.go
	declareSuppliers(r)   // suppliers.go
	declareSpecs(r)       // specs.go
	declareMerchandise(r) // merchandise.go
	declareOpenAPI(r)     // openapi.go
	declareTokenLifetimes(r)
}

func declareSeller(r *resource.Registry) {
	r.Add(&resource.Resource{Name: "ApiClients", Model: "ApiClient", IDParam: "apiClientID", Prepare: prepareAPIClient})
	r.AddAssignment(&resource.Assignment{Resource: "ApiClients", Save: "SaveAssignment", List: "ListAssignments",
		Delete: "DeleteBuyerAssignment", MoreDeletes: []string{"DeleteSupplierAssignment"}, Model: "ApiClientAssignment", Key: []string{"ApiClientID", "BuyerID", "SupplierID"},
		Refs: []resource.Ref{{Field: "ApiClientID", Resource: "ApiClients"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"}},
		Counts: []resource.Counter{{Field: "AssignedBuyerCount", Resource: "ApiClients", By: "ApiClientID", If: "BuyerID"},
			{Field: "AssignedSupplierCount", Resource: "ApiClients", By: "ApiClientID", If: "SupplierID"}}})

	r.Add(&resource.Resource{Name: "SecurityProfiles", Model: "SecurityProfile", IDParam: "securityProfileID"})
	r.AddAssignment(&resource.Assignment{Resource: "SecurityProfiles", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "SecurityProfileAssignment",
		Key: []string{"SecurityProfileID", "BuyerID", "SupplierID", "UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "SecurityProfileID", Resource: "SecurityProfiles"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"},
			{Field: "UserID", Resource: "Users", ScopeFields: []string{"BuyerID"}},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Prepare: prepareSecurityProfileAssignment, Party: true})

	r.Add(&resource.Resource{Name: "AdminUsers", Model: "User", Kind: "AdminUser", ObjectType: "User", IDParam: "userID",
		Prepare: prepareUser(adminCompany), Present: presentUser(adminCompany), BeforeDelete: deleteUsername})
	r.Add(&resource.Resource{Name: "AdminUserGroups", Model: "UserGroup", Kind: "AdminUserGroup", ObjectType: "UserGroup", IDParam: "userGroupID"})
	r.AddAssignment(&resource.Assignment{Resource: "AdminUserGroups", Save: "SaveUserAssignment", Delete: "DeleteUserAssignment",
		List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "AdminUserGroupAssignment", Key: []string{"UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "AdminUserGroups"}, {Field: "UserID", Resource: "AdminUsers"}}})
	r.Add(&resource.Resource{Name: "AdminAddresses", Model: "Address", Kind: "AdminAddress", ObjectType: "Address", IDParam: "addressID",
		BeforeDelete: addressNotInInventory(func(*resource.Ctx) string { return MarketplaceID() })})
	declareIncrementors(r)
}

func declareBuyers(r *resource.Registry) {
	r.Add(&resource.Resource{Name: "Buyers", Model: "Buyer", IDParam: "buyerID", Prepare: prepareBuyer, BeforeDelete: deleteBuyer,
		Reach: resource.Reach{Owners: []string{"ID"}, Sees: supplierSellsToBuyer}})
	r.Add(&resource.Resource{Name: "Users", Model: "User", Kind: "BuyerUser", ObjectType: "User", IDParam: "userID",
		Scope: []string{"buyerID"}, Parents: []resource.Parent{{Param: "buyerID", Resource: "Buyers"}},
		Reach:   resource.Reach{Owners: []string{"CompanyID"}},
		Prepare: prepareUser(buyerCompany), Present: presentUser(buyerCompany), BeforeDelete: deleteUsername})
	r.Add(&resource.Resource{Name: "UserGroups", Model: "UserGroup", Kind: "BuyerUserGroup", ObjectType: "UserGroup", IDParam: "userGroupID",
		Scope: []string{"buyerID"}, Parents: []resource.Parent{{Param: "buyerID", Resource: "Buyers"}}})
	r.AddAssignment(&resource.Assignment{Resource: "UserGroups", Save: "SaveUserAssignment", Delete: "DeleteUserAssignment",
		List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "BuyerUserGroupAssignment", Scope: []string{"buyerID"},
		Key: []string{"UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "UserGroups", ScopeParams: []string{"buyerID"}},
			{Field: "UserID", Resource: "Users", ScopeParams: []string{"buyerID"}}}})
	r.Add(&resource.Resource{Name: "Addresses", Model: "Address", Kind: "BuyerAddress", ObjectType: "Address", IDParam: "addressID",
		Scope: []string{"buyerID"}, Parents: []resource.Parent{{Param: "buyerID", Resource: "Buyers"}}})
}

// ownedByOwnerID is the reach of what an organization owns: the company
// its OwnerID names (a supplier's products, catalogs, price schedules…).
var ownedByOwnerID = resource.Reach{Owners: []string{"OwnerID"}}

// categoryRef is an assignment's category, in the catalog of the path.
var categoryRef = resource.Ref{Field: "CategoryID", Resource: "Categories", ScopeParams: []string{"catalogID"}}

func declareCatalogs(r *resource.Registry) {
	r.Add(&resource.Resource{Name: "Catalogs", Model: "Catalog", IDParam: "catalogID", Prepare: setOwner, BeforeDelete: deleteCatalog,
		Reach: ownedByOwnerID})
	r.AddAssignment(&resource.Assignment{Resource: "Catalogs", Save: "SaveAssignment", Delete: "DeleteAssignment", List: "ListAssignments",
		Model: "CatalogAssignment", Key: []string{"CatalogID", "BuyerID"},
		Refs:  []resource.Ref{{Field: "CatalogID", Resource: "Catalogs"}, {Field: "BuyerID", Resource: "Buyers"}},
		Reach: []string{"CatalogID"}})
	r.AddAssignment(&resource.Assignment{Resource: "Catalogs", Save: "SaveProductAssignment", Delete: "DeleteProductAssignment",
		List: "ListProductAssignments", Model: "ProductCatalogAssignment", Key: []string{"CatalogID", "ProductID"},
		Refs:  []resource.Ref{{Field: "CatalogID", Resource: "Catalogs"}, {Field: "ProductID", Resource: "Products"}},
		Reach: []string{"CatalogID"}})

	r.Add(&resource.Resource{Name: "Categories", Model: "Category", IDParam: "categoryID", Scope: []string{"catalogID"},
		Parents: []resource.Parent{{Param: "catalogID", Resource: "Catalogs"}}, Prepare: prepareCategory,
		Counts: []resource.Counter{{Field: "ChildCount", Resource: "Categories", By: "ParentID", Scope: []string{"catalogID"}},
			{Field: "CategoryCount", Resource: "Catalogs", By: "catalogID"}}})
	r.Handle("Categories.List", listCategories)
	r.AddAssignment(&resource.Assignment{Resource: "Categories", Save: "SaveAssignment", Delete: "DeleteAssignment", List: "ListAssignments",
		Model: "CategoryAssignment", Scope: []string{"catalogID"}, Key: []string{"CategoryID", "BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "BuyerID", Resource: "Buyers"}, {Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			categoryRef}})
	r.AddAssignment(&resource.Assignment{Resource: "Categories", Save: "SaveProductAssignment", Delete: "DeleteProductAssignment",
		List: "ListProductAssignments", Model: "CategoryProductAssignment", Scope: []string{"catalogID"}, Key: []string{"CategoryID", "ProductID"},
		Refs: []resource.Ref{{Field: "ProductID", Resource: "Products"}, categoryRef}, Prepare: prepareCategoryProduct})

	r.Add(&resource.Resource{Name: "Products", Model: "Product", IDParam: "productID", Prepare: prepareProduct,
		Reach: resource.Reach{Owners: []string{"OwnerID"}, Sees: supplierMaySell},
		Refs: []resource.Ref{{Field: "DefaultPriceScheduleID", Resource: "PriceSchedules"},
			{Field: "DefaultSupplierID", Resource: "Suppliers"}}})
	r.AddAssignment(&resource.Assignment{Resource: "Products", Save: "SaveAssignment", Delete: "DeleteAssignment", List: "ListAssignments",
		Model: "ProductAssignment", Key: []string{"ProductID", "BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "ProductID", Resource: "Products"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "PriceScheduleID", Resource: "PriceSchedules"}},
		Prepare: prepareProductAssignment, Party: true, Reach: []string{"ProductID"}})

	r.Add(&resource.Resource{Name: "PriceSchedules", Model: "PriceSchedule", IDParam: "priceScheduleID",
		Prepare: preparePriceSchedule, Present: presentPriceSchedule, Reach: ownedByOwnerID})
	r.Handle("PriceSchedules.SavePriceBreak", savePriceBreak)
	r.Handle("PriceSchedules.DeletePriceBreak", deletePriceBreak)
}
