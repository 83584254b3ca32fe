package catalog

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareCatalogs(r *resource.Registry) {
	cat.Catalogs = r.Add(&resource.Resource{Name: "Catalogs", Model: "Catalog", IDParam: "catalogID", BeforeDelete: cat.deleteCatalog,
		Reach: ownedByOwnerID, Prepare: func(_ *resource.Ctx, old, doc api.Doc, _ *resource.Tx) error { stampGen(old, doc); return nil }})
	cat.CatalogAssignments = r.AddAssignment(&resource.Assignment{Resource: "Catalogs", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "CatalogAssignment", Key: []string{"CatalogID", "BuyerID"}, IndexBy: []string{"BuyerID"},
		Refs:  []resource.Ref{{Field: "CatalogID", Resource: "Catalogs"}, {Field: "BuyerID", Resource: "Buyers"}},
		Reach: []string{"CatalogID"}})
	cat.ProductCatalogAssignments = r.AddAssignment(&resource.Assignment{Resource: "Catalogs", Save: "SaveProductAssignment",
		Delete: "DeleteProductAssignment", List: "ListProductAssignments", Model: "ProductCatalogAssignment", Key: []string{"CatalogID", "ProductID"},
		IndexBy: []string{"ProductID"},
		Refs:    []resource.Ref{{Field: "CatalogID", Resource: "Catalogs"}, {Field: "ProductID", Resource: "Products"}},
		Reach:   []string{"CatalogID"}})
	cat.declareCategories(r)
}

// prepareBuyer gives a new buyer its default catalog (ID and name matching
// the buyer's, as OrderCloud does) and the catalog assignment that makes it
// visible, in the same transaction as the buyer.
func (cat *Catalog) prepareBuyer(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	catalogs := cat.Catalogs
	catID := api.Str(doc, "DefaultCatalogID")
	if old != nil && catID == api.Str(old, "DefaultCatalogID") {
		return nil
	}
	if catID == "" {
		catID = api.Str(doc, "ID")
		if _, err := c.Reg.Load(c, catalogs, nil, catID); err == nil {
			return api.E(http.StatusBadRequest, "Buyer.DefaultCatalogAlreadyExists", nil)
		}
		cat := api.Complete(catalogs.ContractModel(), api.Doc{"ID": catID, "OwnerID": c.MarketplaceID(), "Name": doc["Name"],
			"Description": "Default catalog for " + api.Str(doc, "Name"), "Active": true})
		stampGen(nil, cat)
		tx.Put(catalogs.Item(nil, cat, 0), store.IfAbsent)
		doc["DefaultCatalogID"] = catID
	} else if _, err := c.Reg.Load(c, catalogs, nil, catID); err != nil {
		return err
	}
	asg := api.Doc{"CatalogID": catID, "BuyerID": api.Str(doc, "ID"), "ViewAllCategories": true, "ViewAllProducts": true}
	tx.Put(cat.CatalogAssignments.Item(asg), store.Always)
	return nil
}

func (cat *Catalog) deleteCatalog(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	buyers, err := c.Reg.All(c, cat.buyers.Buyers, nil)
	if err != nil {
		return err
	}
	for _, b := range buyers {
		if api.Str(b, "DefaultCatalogID") == api.Str(doc, "ID") {
			return api.E(http.StatusBadRequest, "Catalog.CannotDelete", map[string]any{"BuyerID": b["ID"]})
		}
	}
	return nil
}

// categoriesOf lists a catalog's categories once per request.
func (cat *Catalog) categoriesOf(c *resource.Ctx, catalogID string) ([]api.Doc, error) {
	v, err := c.Memo("categories#"+catalogID, func() (any, error) {
		return c.Reg.All(c, cat.Categories, []string{catalogID})
	})
	if err != nil {
		return nil, err
	}
	return v.([]api.Doc), nil
}
