package catalog

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

func (cat *Catalog) declareProducts(r *resource.Registry) {
	cat.Products = r.Add(&resource.Resource{Name: "Products", Model: "Product", IDParam: "productID",
		Prepare: cat.prepareProduct, BeforeDelete: cat.deleteProduct,
		Reach: resource.Reach{Owners: []string{"OwnerID"}, Sees: cat.supplierMaySell},
		// Active+_vis lists what a buyer user sees (see membership.go);
		// its xp tuple, what they see with an xp value (a storefront's
		// facet filters).
		List: &resource.Listing{Equal: []string{"Active", "OwnerID", fieldCatalogs, fieldCategories, "Active+" + fieldVisible},
			XP: true, XPTuple: "Active+" + fieldVisible, Sorted: []string{"Name"}, Search: true},
		ListFilters: cat.productListFilters,
		Refs: []resource.Ref{{Field: "DefaultPriceScheduleID", Resource: "PriceSchedules"},
			{Field: "DefaultSupplierID", Resource: "Suppliers"}},
		// The admin product list reports facets too (premium search serves
		// both sides alike).
		AfterList: func(c *resource.Ctx, all func() ([]api.Doc, error), page any) (any, error) {
			return cat.listWithFacets(c, productModel, all, page)
		}})
	cat.ProductAssignments = r.AddAssignment(&resource.Assignment{Resource: "Products", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "ProductAssignment", Key: []string{"ProductID", "BuyerID", "UserGroupID"}, IndexBy: []string{"BuyerID", "PriceScheduleID"},
		Refs: []resource.Ref{{Field: "ProductID", Resource: "Products"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "PriceScheduleID", Resource: "PriceSchedules"}},
		Prepare: cat.prepareProductAssignment, Party: true, Reach: []string{"ProductID"}})
}

// productListFilters reads Products.List's catalogID and categoryID: the
// products in a catalog, or in a category of it (as memberships say).
func (cat *Catalog) productListFilters(c *resource.Ctx) ([]api.Filter, error) {
	catalogID, categoryID := c.Query("catalogID"), c.Query("categoryID")
	if catalogID == "" {
		if categoryID != "" {
			return nil, api.E(http.StatusBadRequest, "List.InvalidProperty", map[string]any{"Property": "categoryID",
				"Message": "categoryID needs catalogID"})
		}
		return nil, nil
	}
	catalog, err := c.Reg.Load(c, cat.Catalogs, nil, catalogID)
	if err != nil {
		return nil, err
	}
	if categoryID == "" {
		return []api.Filter{api.AnyOf(fieldCatalogs, []string{memberKey(catalog.Doc)})}, nil
	}
	category, err := c.Reg.Load(c, cat.Categories, []string{catalogID}, categoryID)
	if err != nil {
		return nil, err
	}
	return []api.Filter{api.AnyOf(fieldCategories, []string{memberKey(catalog.Doc) + "|" + memberKey(category.Doc)})}, nil
}

// deleteProduct takes a product's variant data with it, unless a bundle
// holds the product.
func (cat *Catalog) deleteProduct(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	if err := cat.refuseBundledProductDelete(c, doc); err != nil {
		return err
	}
	return cat.deleteProductVariantData(c, api.Str(doc, "ID"), tx)
}

// prepareProduct stamps an inventory change, keeps VariantLevelTracking
// from flipping while inventory records exist, and keeps the product's
// stock the sum of its records or variants (stock.go).
func (cat *Catalog) prepareProduct(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if inv, ok := doc["Inventory"].(map[string]any); ok {
		inv["LastUpdated"] = api.Now()
	}
	if err := cat.checkVariantLevelTrackingChange(c, old, doc); err != nil {
		return err
	}
	return cat.productStockWrite(c, old, doc)
}

func (cat *Catalog) prepareProductAssignment(c *resource.Ctx, doc api.Doc) error {
	if api.Str(doc, "PriceScheduleID") == "" && api.Str(doc, "BuyerID") == "" {
		return api.E(http.StatusBadRequest, "Product.RequiresPriceScheduleOrBuyer", nil)
	}
	if b := api.Str(doc, "BuyerID"); b != "" {
		if err := cat.productInBuyerCatalog(c, api.Str(doc, "ProductID"), b); err != nil {
			return err
		}
	}
	if ps := api.Str(doc, "PriceScheduleID"); ps != "" {
		e, err := c.Reg.Load(c, cat.PriceSchedules, nil, ps)
		if err != nil {
			return err
		}
		if arr, _ := e.Doc["PriceBreaks"].([]any); len(arr) == 0 {
			return commerce.ErrNoPriceBreaks
		}
	}
	return nil
}

// productInBuyerCatalog requires a product to sit in a catalog assigned to
// the buyer before it can be assigned to the buyer's parties.
func (cat *Catalog) productInBuyerCatalog(c *resource.Ctx, productID, buyerID string) error {
	cas, err := c.Reg.AssignmentsWith(c, cat.CatalogAssignments, "BuyerID", buyerID)
	if err != nil {
		return err
	}
	pcas, err := c.Reg.AssignmentsWith(c, cat.ProductCatalogAssignments, "ProductID", productID)
	if err != nil {
		return err
	}
	for _, ca := range cas {
		for _, pa := range pcas {
			if api.Str(pa, "CatalogID") == api.Str(ca, "CatalogID") {
				return nil
			}
		}
	}
	return api.E(http.StatusBadRequest, "Product.CannotAssignNotInBuyerCatalog", map[string]any{"ProductID": productID, "BuyerID": buyerID})
}
