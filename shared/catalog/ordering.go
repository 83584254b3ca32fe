package catalog

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// What ordering reads of the catalog: a product's specs and variants, the
// inventory records a buyer may draw on, and whether (and at what price) a
// supplier sells a product.

// ProductSpecs lists the specs assigned to a product, each with its
// options and the assignment's defaults over the spec's.
func (cat *Catalog) ProductSpecs(c *resource.Ctx, productID string) ([]api.Doc, error) {
	v, err := c.Memo("product-specs#"+productID, func() (any, error) { return cat.productSpecs(c, productID) })
	if err != nil {
		return nil, err
	}
	return v.([]api.Doc), nil
}

// ProductVariants lists a product's variants.
func (cat *Catalog) ProductVariants(c *resource.Ctx, productID string) ([]api.Doc, error) {
	v, err := c.Memo("product-variants#"+productID, func() (any, error) { return c.Reg.All(c, cat.Variants, []string{productID}) })
	if err != nil {
		return nil, err
	}
	return v.([]api.Doc), nil
}

// VariantKey is the spec-option combination a variant stands for (see
// commerce.VariantKey).
func VariantKey(variant api.Doc) string { return variantKeyOf(variant) }

// InventoryLevel returns the records collection and the scope holding a
// product's inventory records: the variant's when the product tracks
// stock per variant, else the product's.
func (cat *Catalog) InventoryLevel(product api.Doc, variantID string) (*resource.Resource, []string) {
	if inventoryVLT(product) {
		return cat.VariantInventoryRecords, []string{api.Str(product, "ID"), variantID}
	}
	return cat.InventoryRecords, []string{api.Str(product, "ID")}
}

// HasInventoryRecords reports whether any record exists at a level (one
// key-only read of at most one item).
func (cat *Catalog) HasInventoryRecords(c *resource.Ctx, records *resource.Resource, scope []string) (bool, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: records.PK(scope...), Limit: 1, KeysOnly: true})
	return len(items) > 0, err
}

// UsableInventoryRecord loads an inventory record of a product (of its
// variant when stock is tracked per variant) that a buyer user may draw
// on: one open to all buyers, or assigned to the buyer or one of the
// user's groups. Any other is not found.
func (cat *Catalog) UsableInventoryRecord(c *resource.Ctx, buyerID, userID string, product api.Doc, variantID, recordID string) (*resource.Entity, error) {
	records, scope := cat.InventoryLevel(product, variantID)
	e, err := c.Reg.Load(c, records, scope, recordID)
	if err != nil {
		return nil, api.NotFound("InventoryRecord", recordID)
	}
	if e.Doc["AllowAllBuyers"] == true {
		return e, nil
	}
	asg := cat.InventoryRecordAssignments
	if records == cat.VariantInventoryRecords {
		asg = cat.VariantInventoryRecordAssignments
	}
	party, err := cat.buyers.Party(c, buyerID, userID)
	if err != nil {
		return nil, err
	}
	asgs, err := c.Reg.AssignmentsWith(c, asg, "InventoryRecordID", recordID, scope...)
	if err != nil {
		return nil, err
	}
	for _, a := range asgs {
		if api.Str(a, "InventoryRecordID") == recordID && api.Str(a, "BuyerID") == buyerID && party.ReachedBy(api.Str(a, "UserGroupID"), "") {
			return e, nil
		}
	}
	return nil, api.NotFound("InventoryRecord", recordID)
}

// SupplierPriceSchedule checks that a supplier sells a product to a buyer
// user, and returns the price schedule that applies when ordering from it
// (nil when none does). A supplier sells a product it owns, one naming it
// the default supplier, and one it is opted in to sell (by the
// marketplace owner, or on its own when every supplier may sell it).
func (cat *Catalog) SupplierPriceSchedule(c *resource.Ctx, product api.Doc, supplierID, buyerID, userID string) (api.Doc, error) {
	pid := api.Str(product, "ID")
	rel, err := c.Reg.AssignmentsWith(c, cat.ProductSuppliers, "ProductID", pid)
	if err != nil {
		return nil, err
	}
	defaultPS, optedIn := "", false
	for _, r := range rel {
		if api.Str(r, "ProductID") == pid && api.Str(r, "SupplierID") == supplierID {
			defaultPS, optedIn = api.Str(r, "DefaultPriceScheduleID"), true
		}
	}
	if !optedIn && api.Str(product, "OwnerID") != supplierID && api.Str(product, "DefaultSupplierID") != supplierID {
		return nil, api.Refused(commerce.ErrNotAvailableFromSeller, map[string]any{"ProductID": pid, "SupplierID": supplierID})
	}
	party, err := cat.buyers.Party(c, buyerID, userID)
	if err != nil {
		return nil, err
	}
	ps, err := cat.sellerPriceSchedule(c, product, supplierID, defaultPS, buyerID, party.Groups)
	if err != nil {
		return nil, err
	}
	d, _ := ps.(api.Doc)
	return d, nil
}

// Seller checks that a buyer may order from an organization (an order's
// ToCompanyID): the marketplace owner, or an active supplier open to every
// buyer or related to this one.
func (cat *Catalog) Seller(c *resource.Ctx, sellerID, buyerID string) error {
	if sellerID == c.MarketplaceID() {
		return nil
	}
	s, err := c.Reg.Load(c, cat.suppliers.Suppliers, nil, sellerID)
	if err != nil {
		return api.NotFound("Supplier", sellerID)
	}
	ok, err := cat.suppliers.MayOrderFrom(c, s.Doc, buyerID)
	if err != nil {
		return err
	}
	if !ok {
		// A supplier a buyer may not order from is not one it can name.
		return api.NotFound("Supplier", sellerID)
	}
	return nil
}

// SellerAddresses is where a seller's addresses live: a supplier's own
// addresses, or the marketplace's admin addresses for the marketplace (or
// no seller named).
func (cat *Catalog) SellerAddresses(c *resource.Ctx, sellerID string) *resource.Resource {
	if sellerID != "" && sellerID != c.MarketplaceID() {
		return cat.suppliers.Addresses
	}
	return cat.market.AdminAddresses
}

// BuyerBundle loads an active bundle a buyer user may buy, with its
// product assignments (ProductID, Required, DefaultQuantity): one in a
// catalog assigned to the buyer that either shows the buyer all its
// products or has the bundle assigned to the buyer or one of the user's
// groups. Any other is not found. (Its products' own visibility is
// checked as each is priced.)
func (cat *Catalog) BuyerBundle(c *resource.Ctx, buyerID, userID, bundleID string) (api.Doc, []api.Doc, error) {
	e, err := c.Reg.Load(c, cat.Bundles, nil, bundleID)
	if err != nil || e.Doc["Active"] != true {
		return nil, nil, api.NotFound("Bundle", bundleID)
	}
	cas, err := c.Reg.AssignmentsWith(c, cat.CatalogAssignments, "BuyerID", buyerID)
	if err != nil {
		return nil, nil, err
	}
	inCatalog, viewAll := false, false
	for _, ca := range cas {
		in, err := c.Reg.AssignmentsWith(c, cat.BundleCatalogAssignments, "CatalogID", api.Str(ca, "CatalogID"))
		if err != nil {
			return nil, nil, err
		}
		for _, a := range in {
			if api.Str(a, "BundleID") == bundleID {
				inCatalog, viewAll = true, viewAll || ca["ViewAllProducts"] == true
			}
		}
	}
	assigned := false
	if inCatalog && !viewAll {
		party, err := cat.buyers.Party(c, buyerID, userID)
		if err != nil {
			return nil, nil, err
		}
		asgs, err := c.Reg.AssignmentsWith(c, cat.BundleAssignments, "BundleID", bundleID)
		if err != nil {
			return nil, nil, err
		}
		for _, a := range asgs {
			if api.Str(a, "BundleID") == bundleID && api.Str(a, "BuyerID") == buyerID && party.ReachedBy(api.Str(a, "UserGroupID"), "") {
				assigned = true
			}
		}
	}
	if !inCatalog || !(viewAll || assigned) {
		return nil, nil, api.NotFound("Bundle", bundleID)
	}
	items, err := cat.bundleProducts(c, bundleID)
	if err != nil {
		return nil, nil, err
	}
	return e.Doc, items, nil
}
