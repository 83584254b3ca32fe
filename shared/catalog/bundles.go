package catalog

import (
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareBundles(r *resource.Registry) {
	cat.Bundles = r.Add(&resource.Resource{Name: "Bundles", Model: "Bundle", IDParam: "bundleID",
		OpIDs: map[string]string{"List": ""}, Reach: ownedByOwnerID})
	r.Handle("Bundles.List", cat.listBundles)
	cat.BundleAssignments = r.AddAssignment(&resource.Assignment{Resource: "Bundles", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "BundleAssignment", Key: []string{"BundleID", "BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "BundleID", Resource: "Bundles"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Party: true, Reach: []string{"BundleID"}})
	cat.BundleProductAssignments = r.AddAssignment(&resource.Assignment{Resource: "Bundles", Save: "SaveProductAssignment",
		Delete: "DeleteProductAssignment", List: "ListProductAssignments", Model: "BundleProductAssignment", Key: []string{"BundleID", "ProductID"}, IndexBy: []string{"ProductID"},
		Refs:    []resource.Ref{{Field: "BundleID", Resource: "Bundles"}, {Field: "ProductID", Resource: "Products"}},
		Prepare: cat.prepareBundleProduct, Reach: []string{"BundleID"}})
	cat.BundleCatalogAssignments = r.AddAssignment(&resource.Assignment{Resource: "Catalogs", Save: "SaveBundleAssignment",
		Delete: "DeleteBundleAssignment", List: "ListBundleAssignments", Model: "BundleCatalogAssignment", Key: []string{"CatalogID", "BundleID"},
		Refs:  []resource.Ref{{Field: "CatalogID", Resource: "Catalogs"}, {Field: "BundleID", Resource: "Bundles"}},
		Reach: []string{"CatalogID", "BundleID"}})
	// Category assignments live under their catalog (the path's, which the
	// engine checks, as it checks the category within it). Deleting a
	// bundle or a category removes them by the engine's cascade.
	cat.CategoryBundleAssignments = r.AddAssignment(&resource.Assignment{Resource: "Categories", Save: "SaveBundleAssignment",
		Delete: "DeleteBundleAssignment", List: "ListBundleAssignments", Model: "CategoryBundleAssignment", Scope: []string{"catalogID"},
		Key: []string{"CategoryID", "BundleID"},
		Refs: []resource.Ref{{Field: "BundleID", Resource: "Bundles"},
			{Field: "CategoryID", Resource: "Categories", ScopeParams: []string{"catalogID"}}},
		Prepare: cat.prepareCategoryBundle})
}

// bundleProducts lists the product assignments of one bundle.
func (cat *Catalog) bundleProducts(c *resource.Ctx, bundleID string) ([]api.Doc, error) {
	return c.Reg.AssignmentsWith(c, cat.BundleProductAssignments, "BundleID", bundleID)
}

// prepareBundleProduct keeps a bundle's products of its owner, and a
// product family in a bundle either as the parent or as children.
func (cat *Catalog) prepareBundleProduct(c *resource.Ctx, doc api.Doc) error {
	bundle, err := c.Reg.Load(c, cat.Bundles, nil, api.Str(doc, "BundleID"))
	if err != nil {
		return err
	}
	products := cat.Products
	p, err := c.Reg.Load(c, products, nil, api.Str(doc, "ProductID"))
	if err != nil {
		return err
	}
	if owner := api.Str(p.Doc, "OwnerID"); owner != "" && owner != api.Str(bundle.Doc, "OwnerID") {
		return api.E(http.StatusBadRequest, "Bundle.OwnerIDMustMatch", nil)
	}
	assigned, err := cat.bundleProducts(c, api.Str(doc, "BundleID"))
	if err != nil {
		return err
	}
	parent := api.Str(p.Doc, "ParentID")
	for _, a := range assigned {
		other := api.Str(a, "ProductID")
		if other == api.Str(doc, "ProductID") {
			continue
		}
		if parent != "" && other == parent {
			return api.E(http.StatusBadRequest, "Bundle.ParentProductAssigned", nil)
		}
		if p.Doc["IsParent"] == true {
			o, err := c.Reg.Load(c, products, nil, other)
			if err == nil && api.Str(o.Doc, "ParentID") == api.Str(doc, "ProductID") {
				return api.E(http.StatusBadRequest, "Bundle.ChildProductsAssigned", nil)
			}
		}
	}
	return nil
}

func (cat *Catalog) refuseBundledProductDelete(c *resource.Ctx, doc api.Doc) error {
	all, err := c.Reg.AssignmentsWith(c, cat.BundleProductAssignments, "ProductID", api.Str(doc, "ID"))
	if err != nil {
		return err
	}
	if len(all) > 0 {
		return api.E(http.StatusBadRequest, "Product.CannotDeleteProductAssingedToBundle", map[string]any{"BundleID": all[0]["BundleID"]})
	}
	return nil
}

// prepareCategoryBundle, as a category's products do, puts the bundle in
// the category's catalog.
func (cat *Catalog) prepareCategoryBundle(c *resource.Ctx, doc api.Doc) error {
	asg := api.Doc{"CatalogID": c.Param("catalogID"), "BundleID": doc["BundleID"]}
	_, err := c.Deps.Store.Put(c, cat.BundleCatalogAssignments.Item(asg), store.Always)
	return err
}

// listBundles serves Bundles.List: catalogID and categoryID narrow the list
// to bundles assigned there, supplierID to bundles the supplier owns; the
// page carries the product facets' counts.
func (cat *Catalog) listBundles(c *resource.Ctx) (any, error) {
	docs, err := c.Reg.All(c, cat.Bundles, nil)
	if err != nil {
		return nil, err
	}
	keep, err := cat.bundlesIn(c)
	if err != nil {
		return nil, err
	}
	if keep != nil {
		docs = slices.DeleteFunc(docs, func(d api.Doc) bool { return !keep[api.Str(d, "ID")] })
	}
	if owner := c.Query("supplierID"); owner != "" {
		docs = slices.DeleteFunc(docs, func(d api.Doc) bool { return api.Str(d, "OwnerID") != owner })
	}
	m := bundleModel
	// Facets count among what the caller may list.
	if docs, err = c.Reg.Confine(c, m, docs); err != nil {
		return nil, err
	}
	page, err := c.Reg.Page(c, m, docs, nil)
	if err != nil {
		return nil, err
	}
	return cat.listWithFacets(c, m, func() ([]api.Doc, error) { return docs, nil }, page)
}

// bundlesIn returns the bundles assigned to the queried catalog and/or
// category, or nil when the query names neither.
func (cat *Catalog) bundlesIn(c *resource.Ctx) (map[string]bool, error) {
	catalogID, categoryID := c.Query("catalogID"), c.Query("categoryID")
	if catalogID == "" && categoryID == "" {
		return nil, nil
	}
	keep := map[string]bool{}
	if categoryID == "" {
		asg, err := c.Reg.AllAssignments(c, cat.BundleCatalogAssignments)
		if err != nil {
			return nil, err
		}
		for _, a := range asg {
			if api.Str(a, "CatalogID") == catalogID {
				keep[api.Str(a, "BundleID")] = true
			}
		}
		return keep, nil
	}
	catalogs := []string{catalogID}
	if catalogID == "" {
		all, err := c.Reg.All(c, cat.Catalogs, nil)
		if err != nil {
			return nil, err
		}
		catalogs = catalogs[:0]
		for _, d := range all {
			catalogs = append(catalogs, api.Str(d, "ID"))
		}
	}
	for _, catalogID := range catalogs {
		asg, err := c.Reg.AllAssignments(c, cat.CategoryBundleAssignments, catalogID)
		if err != nil {
			return nil, err
		}
		for _, a := range asg {
			if api.Str(a, "CategoryID") == categoryID {
				keep[api.Str(a, "BundleID")] = true
			}
		}
	}
	return keep, nil
}
