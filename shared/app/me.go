package app

import (
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func declareMe(r *resource.Registry) {
	r.Handle("Me.Get", meGet)
	r.Handle("Me.Patch", mePatch)
	r.Handle("Me.ListProducts", meListProducts)
	r.Handle("Me.GetProduct", meGetProduct)
	r.Handle("Me.ListCatalogs", meListCatalogs)
	r.Handle("Me.GetCatalog", meGetCatalog)
	r.Handle("Me.ListCategories", meListCategories)
	r.Handle("Me.GetCategory", meGetCategory)
	r.Handle("Me.ListOrders", meListOrders)
}

// me identifies the caller's user record.
func me(c *resource.Ctx) (usernameRef, *resource.Resource, []string) {
	switch c.P.UserType {
	case auth.Buyer:
		return usernameRef{Kind: "BuyerUser", Company: c.P.CompanyID, UserID: c.P.UserID}, c.Reg.Resource("Users"), []string{c.P.CompanyID}
	case auth.Supplier:
		return usernameRef{Kind: "SupplierUser", Company: c.P.CompanyID, UserID: c.P.UserID}, c.Reg.Resource("SupplierUsers"), []string{c.P.CompanyID}
	default:
		return usernameRef{Kind: "AdminUser", UserID: c.P.UserID}, c.Reg.Resource("AdminUsers"), nil
	}
}

func meGet(c *resource.Ctx) (any, error) {
	ref, res, scope := me(c)
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	rs, err := grantedRoles(c, ref.Kind, ref.Company, ref.UserID)
	if err != nil {
		return nil, err
	}
	d := api.Clone(e.Doc)
	d["AvailableRoles"], d["AvailableCustomRoles"] = api.List(rs.Roles), api.List(rs.CustomRoles)
	switch ref.Kind {
	case "BuyerUser":
		b, err := c.Reg.Load(c, c.Reg.Resource("Buyers"), nil, ref.Company)
		if err != nil {
			return nil, err
		}
		d["Buyer"] = map[string]any{"ID": b.Doc["ID"], "DefaultCatalogID": b.Doc["DefaultCatalogID"]}
	case "SupplierUser":
		d["Supplier"] = map[string]any{"ID": ref.Company}
	case "AdminUser":
		d["Seller"] = map[string]any{"ID": MarketplaceID()}
	}
	return api.Ordered{Model: modelOf("MeUser"), Doc: d}, nil
}

func mePatch(c *resource.Ctx) (any, error) {
	ref, res, scope := me(c)
	patch, err := c.Decode(res.ContractModel(), true)
	if err != nil {
		return nil, err
	}
	delete(patch, "ID")
	delete(patch, "Active")
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	if _, err := c.Reg.Replace(c, res, scope, e, api.Merge(api.Clone(e.Doc), patch)); err != nil {
		return nil, err
	}
	return meGet(c)
}

// visibility loads the catalog visibility of the caller (a buyer user).
func visibility(c *resource.Ctx, buyerID, userID string) (commerce.Catalog, error) {
	groups, err := userGroups(c, "BuyerUser", buyerID, userID)
	if err != nil {
		return commerce.Catalog{}, err
	}
	v := commerce.Catalog{Party: commerce.Party{BuyerID: buyerID, UserID: userID, Groups: groups},
		InCatalogs: map[string][]string{}, Categories: map[string]map[string]commerce.CategoryState{},
		ProductCategories: map[string]map[string][]string{}}
	cas, err := c.Reg.AllAssignments(c, c.Reg.Assignments("CatalogAssignment"))
	if err != nil {
		return v, err
	}
	var keys []store.Key
	catalogs := c.Reg.Resource("Catalogs")
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
		if err := categoryRules(c, &v, ca); err != nil {
			return v, err
		}
	}
	pcas, err := c.Reg.AllAssignments(c, c.Reg.Assignments("ProductCatalogAssignment"))
	if err != nil {
		return v, err
	}
	for _, a := range pcas {
		v.InCatalogs[api.Str(a, "ProductID")] = append(v.InCatalogs[api.Str(a, "ProductID")], api.Str(a, "CatalogID"))
	}
	pas, err := c.Reg.AllAssignments(c, c.Reg.Assignments("ProductAssignment"))
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
func categoryRules(c *resource.Ctx, v *commerce.Catalog, ca commerce.CatalogAccess) error {
	nodes, err := categoryNodes(c, ca.CatalogID)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		// No categories: no category assignments can matter.
		v.Categories[ca.CatalogID], v.ProductCategories[ca.CatalogID] = nil, nil
		return nil
	}
	asg, err := c.Reg.AllAssignments(c, c.Reg.Assignments("CategoryAssignment"), ca.CatalogID)
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
	cps, err := c.Reg.AllAssignments(c, c.Reg.Assignments("CategoryProductAssignment"), ca.CatalogID)
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
func categoryNodes(c *resource.Ctx, catalogID string) ([]commerce.CategoryNode, error) {
	cats, err := categoriesOf(c, catalogID)
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
func buyerProducts(c *resource.Ctx, v commerce.Catalog, only []string) ([]api.Doc, error) {
	products := c.Reg.Resource("Products")
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
	psRes := c.Reg.Resource("PriceSchedules")
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
			d["PriceSchedule"] = api.Complete(modelOf("PriceSchedule"), ps)
		}
		delete(d, "_ps")
	}
	return docs, nil
}

func requireBuyer(c *resource.Ctx) error {
	if c.P.UserType != auth.Buyer {
		return api.E(http.StatusForbidden, "Auth.UserNotAuthorizedToAdmin", nil).WithMessage("This endpoint is for buyer users.")
	}
	return nil
}

func meListProducts(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	v, err := visibility(c, c.P.CompanyID, c.P.UserID)
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
			nodes, err := categoryNodes(c, ca.CatalogID)
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
	docs, err := buyerProducts(c, v, only)
	if err != nil {
		return nil, err
	}
	page, err := c.Reg.Page(c, modelOf("BuyerProduct"), docs, nil)
	if err != nil {
		return nil, err
	}
	return listWithFacets(c, modelOf("BuyerProduct"), docs, page)
}

// withFacets renders a page as ListPageWithFacets with no facet counts.
func withFacets(page any) any { return pageWithFacets(page, nil) }

func meGetProduct(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	v, err := visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	id := c.Param("productID")
	docs, err := buyerProducts(c, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, api.NotFound("Product", id)
	}
	return api.Ordered{Model: modelOf("BuyerProduct"), Doc: docs[0]}, nil
}

func visibleCatalogs(c *resource.Ctx) ([]api.Doc, commerce.Catalog, error) {
	v, err := visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, v, err
	}
	var docs []api.Doc
	for _, ca := range v.Catalogs {
		e, err := c.Reg.Load(c, c.Reg.Resource("Catalogs"), nil, ca.CatalogID)
		if err != nil {
			continue
		}
		docs = append(docs, e.Doc)
	}
	return docs, v, nil
}

func meListCatalogs(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	docs, _, err := visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, modelOf("Catalog"), docs, nil)
}

func meGetCatalog(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	docs, _, err := visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if api.Str(d, "ID") == c.Param("catalogID") {
			return api.Ordered{Model: modelOf("Catalog"), Doc: d}, nil
		}
	}
	return nil, api.NotFound("Catalog", c.Param("catalogID"))
}

// visibleCategories lists the active categories the party may see in its
// catalogs (optionally one catalog), per the category rules.
func visibleCategories(c *resource.Ctx) ([]api.Doc, error) {
	_, v, err := visibleCatalogs(c)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, ca := range v.Catalogs {
		if cat := c.Query("catalogID"); cat != "" && cat != ca.CatalogID {
			continue
		}
		cats, err := categoriesOf(c, ca.CatalogID)
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

func meListCategories(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	docs, err := visibleCategories(c)
	if err != nil {
		return nil, err
	}
	nodes := map[string][]commerce.CategoryNode{}
	for _, d := range docs {
		cat := api.Str(d, "_catalog")
		if _, ok := nodes[cat]; !ok {
			if nodes[cat], err = categoryNodes(c, cat); err != nil {
				return nil, err
			}
		}
	}
	docs, err = limitDepth(c, docs, func(d api.Doc) []commerce.CategoryNode { return nodes[api.Str(d, "_catalog")] })
	if err != nil {
		return nil, err
	}
	if productID := c.Query("productID"); productID != "" {
		docs, err = categoriesOfProduct(c, docs, productID)
		if err != nil {
			return nil, err
		}
	}
	return c.Reg.Page(c, modelOf("Category"), docs, nil)
}

// categoriesOfProduct keeps the categories a product is assigned to.
func categoriesOfProduct(c *resource.Ctx, docs []api.Doc, productID string) ([]api.Doc, error) {
	keep := map[string]bool{}
	for _, d := range docs {
		cat := api.Str(d, "_catalog")
		if _, seen := keep["#"+cat]; seen {
			continue
		}
		keep["#"+cat] = true
		cps, err := c.Reg.AllAssignments(c, c.Reg.Assignments("CategoryProductAssignment"), cat)
		if err != nil {
			return nil, err
		}
		for _, a := range cps {
			if api.Str(a, "ProductID") == productID {
				keep[cat+"|"+api.Str(a, "CategoryID")] = true
			}
		}
	}
	return slices.DeleteFunc(docs, func(d api.Doc) bool { return !keep[api.Str(d, "_catalog")+"|"+api.Str(d, "ID")] }), nil
}

func meGetCategory(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	docs, err := visibleCategories(c)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if api.Str(d, "ID") == c.Param("categoryID") {
			return api.Ordered{Model: modelOf("Category"), Doc: d}, nil
		}
	}
	return nil, api.NotFound("Category", c.Param("categoryID"))
}
