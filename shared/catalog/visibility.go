package catalog

import (
	"slices"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareVisibility(r *resource.Registry) {
	r.Handle("Me.ListProducts", cat.meListProducts)
	r.Handle("Me.GetProduct", cat.meGetProduct)
	r.Handle("Me.ListCatalogs", cat.meListCatalogs)
	r.Handle("Me.GetCatalog", cat.meGetCatalog)
	r.Handle("Me.ListCategories", cat.meListCategories)
	r.Handle("Me.GetCategory", cat.meGetCategory)
}

// VisibleProduct is a product as a buyer user sees it (with the price
// schedule that applies to them), or a 404 when they cannot see it. It is
// read once per request context: an order change retried after losing a
// race is priced again without re-reading the catalog.
func (cat *Catalog) VisibleProduct(c *resource.Ctx, buyerID, userID, productID string) (api.Doc, error) {
	v, err := c.Memo("visible-product#"+buyerID+"#"+userID+"#"+productID, func() (any, error) {
		v, err := cat.visibility(c, buyerID, userID)
		if err != nil {
			return nil, err
		}
		products, err := cat.buyerProducts(c, v, []string{productID})
		if err != nil {
			return nil, err
		}
		if len(products) == 0 {
			return nil, api.NotFound("Product", productID)
		}
		return products[0], nil
	})
	if err != nil {
		return nil, err
	}
	return api.Clone(v.(api.Doc)), nil
}

// visibility loads the catalog visibility of the caller (a buyer user).
func (cat *Catalog) visibility(c *resource.Ctx, buyerID, userID string) (commerce.Catalog, error) {
	party, err := cat.buyers.Party(c, buyerID, userID)
	if err != nil {
		return commerce.Catalog{}, err
	}
	v := commerce.Catalog{Party: party,
		InCatalogs: map[string][]string{}, Categories: map[string]map[string]commerce.CategoryState{},
		ProductCategories: map[string]map[string][]string{}}
	cas, err := c.Reg.AllAssignments(c, cat.CatalogAssignments)
	if err != nil {
		return v, err
	}
	var keys []store.Key
	catalogs := cat.Catalogs
	for _, a := range cas {
		if api.Str(a, "BuyerID") == buyerID {
			keys = append(keys, store.Key{PK: catalogs.PK(), SK: api.Str(a, "CatalogID")})
		}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return v, err
	}
	for _, a := range cas {
		it, ok := got[store.Key{PK: catalogs.PK(), SK: api.Str(a, "CatalogID")}]
		if api.Str(a, "BuyerID") != buyerID || !ok {
			continue
		}
		cat, _ := api.DecodeDoc(it.Doc)
		if cat["Active"] != true {
			continue
		}
		v.Catalogs = append(v.Catalogs, commerce.CatalogAccess{CatalogID: api.Str(a, "CatalogID"),
			ViewAllProducts: a["ViewAllProducts"] == true, ViewAllCategories: a["ViewAllCategories"] == true})
	}
	for _, ca := range v.Catalogs {
		if err := cat.categoryRules(c, &v, ca); err != nil {
			return v, err
		}
	}
	pcas, err := c.Reg.AllAssignments(c, cat.ProductCatalogAssignments)
	if err != nil {
		return v, err
	}
	for _, a := range pcas {
		v.InCatalogs[api.Str(a, "ProductID")] = append(v.InCatalogs[api.Str(a, "ProductID")], api.Str(a, "CatalogID"))
	}
	pas, err := c.Reg.AllAssignments(c, cat.ProductAssignments)
	if err != nil {
		return v, err
	}
	for _, a := range pas {
		v.Assignments = append(v.Assignments, commerce.ProductAssignment{ProductID: api.Str(a, "ProductID"), BuyerID: api.Str(a, "BuyerID"),
			UserGroupID: api.Str(a, "UserGroupID"), PriceScheduleID: api.Str(a, "PriceScheduleID")})
	}
	return v, nil
}

// categoryRules loads a catalog's category tree, the category assignments
// that reach the party and the category-product assignments, and resolves
// the catalog's effective category states into v.
func (cat *Catalog) categoryRules(c *resource.Ctx, v *commerce.Catalog, ca commerce.CatalogAccess) error {
	nodes, err := cat.categoryNodes(c, ca.CatalogID)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		// No categories: no category assignments can matter.
		v.Categories[ca.CatalogID], v.ProductCategories[ca.CatalogID] = nil, nil
		return nil
	}
	asg, err := c.Reg.AllAssignments(c, cat.CategoryAssignments, ca.CatalogID)
	if err != nil {
		return err
	}
	var grants []commerce.CategoryGrant
	for _, a := range asg {
		g := api.Str(a, "UserGroupID")
		if api.Str(a, "BuyerID") != v.Party.BuyerID || (g != "" && !slices.Contains(v.Party.Groups, g)) {
			continue
		}
		grants = append(grants, commerce.CategoryGrant{CategoryID: api.Str(a, "CategoryID"),
			Visible: api.BoolPtr(a["Visible"]), ViewAllProducts: api.BoolPtr(a["ViewAllProducts"])})
	}
	v.Categories[ca.CatalogID] = commerce.ResolveCategories(ca, nodes, grants)
	cps, err := c.Reg.AllAssignments(c, cat.CategoryProductAssignments, ca.CatalogID)
	if err != nil {
		return err
	}
	byProduct := map[string][]string{}
	for _, a := range cps {
		byProduct[api.Str(a, "ProductID")] = append(byProduct[api.Str(a, "ProductID")], api.Str(a, "CategoryID"))
	}
	v.ProductCategories[ca.CatalogID] = byProduct
	return nil
}

// categoryNodes is a catalog's category tree as the visibility rules see it.
func (cat *Catalog) categoryNodes(c *resource.Ctx, catalogID string) ([]commerce.CategoryNode, error) {
	cats, err := cat.categoriesOf(c, catalogID)
	if err != nil {
		return nil, err
	}
	nodes := make([]commerce.CategoryNode, len(cats))
	for i, d := range cats {
		nodes[i] = commerce.CategoryNode{ID: api.Str(d, "ID"), ParentID: api.Str(d, "ParentID"), Active: d["Active"] == true}
	}
	return nodes, nil
}

// buyerProducts returns the visible products as BuyerProduct docs, each
// with its resolved price schedule, optionally limited to some IDs.
func (cat *Catalog) buyerProducts(c *resource.Ctx, v commerce.Catalog, only []string) ([]api.Doc, error) {
	products := cat.Products
	var keys []store.Key
	for id := range v.InCatalogs {
		if only == nil || slices.Contains(only, id) {
			keys = append(keys, store.Key{PK: products.PK(), SK: id})
		}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	schedules := map[string]bool{}
	for _, it := range got {
		d, err := resource.DecodeItem(it)
		if err != nil {
			return nil, err
		}
		if !v.Visible(api.Str(d, "ID"), d["Active"] == true) {
			continue
		}
		ps := v.PriceScheduleID(api.Str(d, "ID"), api.Str(d, "DefaultPriceScheduleID"))
		d["_ps"] = ps
		if ps != "" {
			schedules[ps] = true
		}
		docs = append(docs, d)
	}
	psRes := cat.PriceSchedules
	var psKeys []store.Key
	for id := range schedules {
		psKeys = append(psKeys, store.Key{PK: psRes.PK(), SK: id})
	}
	psItems, err := c.Deps.Store.BatchGet(c, psKeys)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		d["PriceSchedule"] = nil
		if it, ok := psItems[store.Key{PK: psRes.PK(), SK: api.Str(d, "_ps")}]; ok {
			ps, _ := api.DecodeDoc(it.Doc)
			ps, _ = presentPriceSchedule(c, ps)
			d["PriceSchedule"] = api.Complete(priceScheduleModel, ps)
		}
		delete(d, "_ps")
	}
	return docs, nil
}

func (cat *Catalog) meListProducts(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	v, err := cat.visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	if cat := c.Query("catalogID"); cat != "" {
		v.Catalogs = slices.DeleteFunc(v.Catalogs, func(a commerce.CatalogAccess) bool { return a.CatalogID != cat })
	}
	var only []string
	if category := c.Query("categoryID"); category != "" {
		only = []string{}
		for _, ca := range v.Catalogs {
			nodes, err := cat.categoryNodes(c, ca.CatalogID)
			if err != nil {
				return nil, err
			}
			within, err := categoriesWithin(nodes, category, c.Query("depth"))
			if err != nil {
				return nil, err
			}
			for productID, cats := range v.ProductCategories[ca.CatalogID] {
				if slices.ContainsFunc(cats, func(id string) bool { return within[id] }) {
					only = append(only, productID)
				}
			}
		}
	}
	docs, err := cat.buyerProducts(c, v, only)
	if err != nil {
		return nil, err
	}
	page, err := c.Reg.Page(c, buyerProductModel, docs, nil)
	if err != nil {
		return nil, err
	}
	return cat.listWithFacets(c, buyerProductModel, func() ([]api.Doc, error) { return docs, nil }, page)
}

// withFacets renders a page as ListPageWithFacets with no facet counts.
func withFacets(page any) any { return pageWithFacets(page, nil) }

func (cat *Catalog) meGetProduct(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	v, err := cat.visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	id := c.Param("productID")
	docs, err := cat.buyerProducts(c, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, api.NotFound("Product", id)
	}
	return api.Ordered{Model: buyerProductModel, Doc: docs[0]}, nil
}

func (cat *Catalog) visibleCatalogs(c *resource.Ctx) ([]api.Doc, commerce.Catalog, error) {
	v, err := cat.visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, v, err
	}
	var docs []api.Doc
	for _, ca := range v.Catalogs {
		e, err := c.Reg.Load(c, cat.Catalogs, nil, ca.CatalogID)
		if err != nil {
			continue
		}
		docs = append(docs, e.Doc)
	}
	return docs, v, nil
}

func (cat *Catalog) meListCatalogs(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	docs, _, err := cat.visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, catalogModel, docs, nil)
}

func (cat *Catalog) meGetCatalog(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	docs, _, err := cat.visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if api.Str(d, "ID") == c.Param("catalogID") {
			return api.Ordered{Model: catalogModel, Doc: d}, nil
		}
	}
	return nil, api.NotFound("Catalog", c.Param("catalogID"))
}

// visibleCategories lists the active categories the party may see in its
// catalogs (optionally one catalog), per the category rules.
func (cat *Catalog) visibleCategories(c *resource.Ctx) ([]api.Doc, error) {
	_, v, err := cat.visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, ca := range v.Catalogs {
		if cat := c.Query("catalogID"); cat != "" && cat != ca.CatalogID {
			continue
		}
		cats, err := cat.categoriesOf(c, ca.CatalogID)
		if err != nil {
			return nil, err
		}
		for _, d := range cats {
			if v.Categories[ca.CatalogID][api.Str(d, "ID")].Visible {
				d = api.Clone(d)
				d["_catalog"] = ca.CatalogID // internal: not output
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// categoriesWithin is the set of categories a categoryID + depth query
// reaches: depth "all" (the default) is the whole subtree, "1" the
// category itself, "2" it and its children, and so on.
func categoriesWithin(nodes []commerce.CategoryNode, id, depth string) (map[string]bool, error) {
	all := commerce.Descendants(nodes, id)
	n, err := parseDepth(depth, allLevels)
	if err != nil {
		return nil, err
	}
	if n == allLevels {
		return all, nil
	}
	base := commerce.Depth(nodes, id)
	for k := range all {
		if commerce.Depth(nodes, k)-base >= n {
			delete(all, k)
		}
	}
	return all, nil
}

func (cat *Catalog) meListCategories(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	docs, err := cat.visibleCategories(c)
	if err != nil {
		return nil, err
	}
	nodes := map[string][]commerce.CategoryNode{}
	for _, d := range docs {
		catalogID := api.Str(d, "_catalog")
		if _, ok := nodes[catalogID]; !ok {
			if nodes[catalogID], err = cat.categoryNodes(c, catalogID); err != nil {
				return nil, err
			}
		}
	}
	docs, err = limitDepth(c, docs, func(d api.Doc) []commerce.CategoryNode { return nodes[api.Str(d, "_catalog")] })
	if err != nil {
		return nil, err
	}
	if productID := c.Query("productID"); productID != "" {
		docs, err = cat.categoriesOfProduct(c, docs, productID)
		if err != nil {
			return nil, err
		}
	}
	return c.Reg.Page(c, categoryModel, docs, nil)
}

// categoriesOfProduct keeps the categories a product is assigned to.
func (cat *Catalog) categoriesOfProduct(c *resource.Ctx, docs []api.Doc, productID string) ([]api.Doc, error) {
	keep := map[string]bool{}
	for _, d := range docs {
		catalogID := api.Str(d, "_catalog")
		if _, seen := keep["#"+catalogID]; seen {
			continue
		}
		keep["#"+catalogID] = true
		cps, err := c.Reg.AllAssignments(c, cat.CategoryProductAssignments, catalogID)
		if err != nil {
			return nil, err
		}
		for _, a := range cps {
			if api.Str(a, "ProductID") == productID {
				keep[catalogID+"|"+api.Str(a, "CategoryID")] = true
			}
		}
	}
	return slices.DeleteFunc(docs, func(d api.Doc) bool { return !keep[api.Str(d, "_catalog")+"|"+api.Str(d, "ID")] }), nil
}

func (cat *Catalog) meGetCategory(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	docs, err := cat.visibleCategories(c)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if api.Str(d, "ID") == c.Param("categoryID") {
			return api.Ordered{Model: categoryModel, Doc: d}, nil
		}
	}
	return nil, api.NotFound("Category", c.Param("categoryID"))
}
