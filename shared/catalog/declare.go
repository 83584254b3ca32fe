// Package catalog owns what buyers can buy and see: catalogs and their
// categories, products with their specs, variants, inventory records and
// suppliers, price schedules, product facets, bundles, promotion and
// discount configuration, product collections, and the product visibility
// and pricing a buyer user gets (the Me views of all of these).
package catalog

import (
	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/marketplace"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/suppliers"
)

// Catalog holds the catalog collections.
type Catalog struct {
	Catalogs, Categories, Products, PriceSchedules, Specs, SpecOptions, Variants,
	InventoryRecords, VariantInventoryRecords, ProductFacets, Bundles, Discounts, Promotions,
	ProductCollections, ProductCollectionInvitations *resource.Resource

	CatalogAssignments, ProductCatalogAssignments, CategoryAssignments, CategoryProductAssignments,
	ProductAssignments, SpecProductAssignments, InventoryRecordAssignments, VariantInventoryRecordAssignments,
	BundleAssignments, BundleProductAssignments, BundleCatalogAssignments, CategoryBundleAssignments,
	PromotionAssignments, DiscountAssignments, ProductSuppliers *resource.Assignment

	access    *access.Access
	buyers    *buyers.Buyers
	suppliers *suppliers.Suppliers
	market    *marketplace.Marketplace
}

// Models the catalog serves besides its resources'.
var (
	addressModel           = contract.MustModel("Address")
	buyerProductModel      = contract.MustModel("BuyerProduct")
	catalogModel           = contract.MustModel("Catalog")
	categoryModel          = contract.MustModel("Category")
	priceBreakModel        = contract.MustModel("PriceBreak")
	priceScheduleModel     = contract.MustModel("PriceSchedule")
	productModel           = contract.MustModel("Product")
	productSellerModel     = contract.MustModel("ProductSeller")
	productSupplierModel   = contract.MustModel("ProductSupplier")
	promotionModel         = contract.MustModel("Promotion")
	specModel              = contract.MustModel("Spec")
	variantModel           = contract.MustModel("Variant")
	specOptionModel        = contract.MustModel("SpecOption")
	bundleModel            = contract.MustModel("Bundle")
	variantOverridesModel  = contract.MustModel("VariantOverrides")
	productCollectionModel = contract.MustModel("ProductCollection")

	productCollectionEntryModel        = contract.MustModel("ProductCollectionEntry")
	productCollectionBuyerProductModel = contract.MustModel("ProductCollectionBuyerProduct")
	productCollectionProductModel      = contract.MustModel("ProductCollectionProduct")
)

// ownedByOwnerID is the reach of what an organization owns: the company
// its OwnerID names (a supplier's products, catalogs, price schedules…).
var ownedByOwnerID = resource.Reach{Owners: []string{"OwnerID"}}

// Declare registers the catalog: Catalogs.*, Categories.*, Products.*,
// PriceSchedules.*, Specs.*, InventoryRecords.*, ProductFacets.*,
// Bundles.*, Discounts.*, Promotions.*, ProductCollections.*, and the Me
// operations on products, catalogs, categories, specs, variants,
// inventory records, promotions, product sellers and product collections.
func Declare(r *resource.Registry, acc *access.Access, m *marketplace.Marketplace, b *buyers.Buyers, s *suppliers.Suppliers) *Catalog {
	cat := &Catalog{access: acc, buyers: b, suppliers: s, market: m}
	cat.declareCatalogs(r)
	cat.declareProducts(r)
	cat.declarePrices(r)
	cat.declareSpecs(r)
	cat.declareVariants(r)
	cat.declareInventory(r)
	cat.declareSellers(r)
	cat.declareFacets(r)
	cat.declareBundles(r)
	cat.declarePromotions(r)
	cat.declareDiscounts(r)
	cat.declareCollections(r)
	cat.declareVisibility(r)
	cat.membershipHooks()

	// What the catalog keeps of buyers: a buyer gets a default catalog,
	// and its collections go with it; a user's collections go with them.
	b.Buyers.AlsoPrepare(cat.prepareBuyer)
	b.Buyers.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		return cat.deleteBuyerCollections(c, tx, api.Str(doc, "ID"))
	})
	b.Users.AlsoBeforeDelete(cat.deleteUserCollections)
	// An address an inventory record ships from cannot be deleted.
	m.AdminAddresses.AlsoBeforeDelete(addressNotInInventory(func(c *resource.Ctx) string { return c.MarketplaceID() }))
	s.Addresses.AlsoBeforeDelete(addressNotInInventory(func(c *resource.Ctx) string { return c.Param("supplierID") }))
	return cat
}
