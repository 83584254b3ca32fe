package catalog

import (
	"slices"
	"strings"

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
		return cat.visibleProduct(c, buyerID, userID, productID)
	})
	if err != nil {
		return nil, err
	}
	return api.Clone(v.(api.Doc)), nil
}

// visibleProduct reads one product and decides whether the user sees it
// from the product's membership and the user's catalogs: the product, the
// user's groups, the buyer's catalog assignments and catalogs, and the
// category trees of the catalogs holding it — never the catalog's
// products.
func (cat *Catalog) visibleProduct(c *resource.Ctx, buyerID, userID, productID string) (api.Doc, error) {
	e, err := c.Reg.Load(c, cat.Products, nil, productID)
	if err != nil {
		return nil, api.NotFound("Product", productID)
	}
	if e.Doc["Active"] != true {
		return nil, api.NotFound("Product", productID)
	}
	sv, err := cat.shopper(c, buyerID, userID)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, k := range strs(e.Doc, fieldCatalogs) {
		id, _, _ := strings.Cut(k, "#")
		in[id] = true
	}
	keys, err := sv.keysOf(c, cat, func(catalogID string) bool { return in[catalogID] })
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(strs(e.Doc, fieldVisible), func(k string) bool { return slices.Contains(keys, k) }) {
		return nil, api.NotFound("Product", productID)
	}
	docs, err := cat.priced(c, []api.Doc{api.Clone(e.Doc)}, sv.priceScheduleOf)
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// shopperView is a buyer user as catalog visibility sees it: its party and
// the active catalogs assigned to its company.
type shopperView struct {
	party    commerce.Party
	catalogs []shopperCatalog
}

type shopperCatalog struct {
	access commerce.CatalogAccess
	doc    api.Doc
}

// shopper reads a buyer user's view once per request: its groups, the
// buyer's catalog assignments (one Query of their index) and catalogs (one
// BatchGetItem).
func (cat *Catalog) shopper(c *resource.Ctx, buyerID, userID string) (*shopperView, error) {
	v, err := c.Memo("shopper#"+buyerID+"#"+userID, func() (any, error) {
		party, err := cat.buyers.Party(c, buyerID, userID)
		if err != nil {
			return nil, err
		}
		cas, err := c.Reg.AssignmentsWith(c, cat.CatalogAssignments, "BuyerID", buyerID)
		if err != nil {
			return nil, err
		}
		keys := make([]store.Key, len(cas))
		for i, a := range cas {
			keys[i] = cat.Catalogs.Key(nil, api.Str(a, "CatalogID"))
		}
		got, err := c.Deps.Store.BatchGet(c, keys)
		if err != nil {
			return nil, err
		}
		sv := &shopperView{party: party}
		for i, a := range cas {
			it, ok := got[keys[i]]
			if !ok {
				continue
			}
			d, err := resource.DecodeItem(it)
			if err != nil {
				return nil, err
			}
			if d["Active"] != true {
				continue
			}
			sv.catalogs = append(sv.catalogs, shopperCatalog{doc: d, access: commerce.CatalogAccess{CatalogID: api.Str(a, "CatalogID"),
				ViewAllProducts: a["ViewAllProducts"] == true, ViewAllCategories: a["ViewAllCategories"] == true}})
		}
		slices.SortFunc(sv.catalogs, func(a, b shopperCatalog) int { return strings.Compare(a.access.CatalogID, b.access.CatalogID) })
		return sv, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*shopperView), nil
}

// keysOf are the visibility keys of the user's catalogs that keep says.
func (sv *shopperView) keysOf(c *resource.Ctx, cat *Catalog, keep func(catalogID string) bool) ([]string, error) {
	var out []string
	for _, sc := range sv.catalogs {
		if !keep(sc.access.CatalogID) {
			continue
		}
		keys, err := cat.shopperKeys(c, sv.party, sc.access, sc.doc)
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
	}
	return out, nil
}

// priceScheduleOf resolves the schedule pricing a product for the user: a
// group assignment's over the company's, else the product's default.
func (sv *shopperView) priceScheduleOf(d api.Doc) string {
	best, rank := "", 0
	for _, a := range strs(d, fieldAssigned) {
		party, ps, _ := strings.Cut(a, "=")
		r := 0
		if party == "b:"+sv.party.BuyerID {
			r = 1
		}
		for _, g := range sv.party.Groups {
			if party == "g:"+sv.party.BuyerID+"|"+g {
				r = 2
			}
		}
		if ps != "" && r > rank {
			best, rank = ps, r
		}
	}
	if best != "" {
		return best
	}
	return api.Str(d, "DefaultPriceScheduleID")
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
	states, err := cat.categoryStates(c, v.Party, ca)
	if err != nil || states == nil {
		// No categories: no category assignments can matter.
		v.Categories[ca.CatalogID], v.ProductCategories[ca.CatalogID] = nil, nil
		return err
	}
	v.Categories[ca.CatalogID] = states
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

// categoryStates resolves the effective state of each category of a
// catalog for a party (nil when the catalog has no categories): the
// catalog's category tree and the category assignments reaching the party.
func (cat *Catalog) categoryStates(c *resource.Ctx, party commerce.Party, ca commerce.CatalogAccess) (map[string]commerce.CategoryState, error) {
	nodes, err := cat.categoryNodes(c, ca.CatalogID)
	if err != nil || len(nodes) == 0 {
		return nil, err
	}
	asg, err := c.Reg.AllAssignments(c, cat.CategoryAssignments, ca.CatalogID)
	if err != nil {
		return nil, err
	}
	var grants []commerce.CategoryGrant
	for _, a := range asg {
		g := api.Str(a, "UserGroupID")
		if api.Str(a, "BuyerID") != party.BuyerID || (g != "" && !slices.Contains(party.Groups, g)) {
			continue
		}
		grants = append(grants, commerce.CategoryGrant{CategoryID: api.Str(a, "CategoryID"),
			Visible: api.BoolPtr(a["Visible"]), ViewAllProducts: api.BoolPtr(a["ViewAllProducts"])})
	}
	return commerce.ResolveCategories(ca, nodes, grants), nil
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
	return cat.priced(c, docs, func(d api.Doc) string { return api.Str(d, "_ps") })
}

// priced attaches to each BuyerProduct doc the price schedule psOf names
// for it (one BatchGetItem for the page), and drops internal fields.
func (cat *Catalog) priced(c *resource.Ctx, docs []api.Doc, psOf func(api.Doc) string) ([]api.Doc, error) {
	psRes := cat.PriceSchedules
	var psKeys []store.Key
	for _, d := range docs {
		if id := psOf(d); id != "" {
			psKeys = append(psKeys, psRes.Key(nil, id))
		}
	}
	psItems, err := c.Deps.Store.BatchGet(c, psKeys)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		ps := psOf(d)
		for k := range d {
			if strings.HasPrefix(k, "_") {
				delete(d, k)
			}
		}
		d["PriceSchedule"] = nil
		if it, ok := psItems[psRes.Key(nil, ps)]; ok && ps != "" {
			doc, _ := api.DecodeDoc(it.Doc)
			doc, _ = presentPriceSchedule(c, doc)
			d["PriceSchedule"] = api.Complete(priceScheduleModel, doc)
		}
	}
	return docs, nil
}

// meListProducts lists the products the caller sees from the products'
// indexes: active ones whose visibility keys meet the caller's (see
// membership.go), with the query's filters, search and sort; only the
// page's documents are read. What the indexes cannot answer (a filter on
// the computed PriceSchedule, a phrase search, facets) reads every visible
// product.
func (cat *Catalog) meListProducts(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, buyerProductModel))
	if aerr != nil {
		return nil, aerr
	}
	sv, err := cat.shopper(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	catalogID := c.Query("catalogID")
	keys, err := sv.keysOf(c, cat, func(id string) bool { return catalogID == "" || id == catalogID })
	if err != nil {
		return nil, err
	}
	filters := []api.Filter{api.EqualFilter(api.ListSpec{Model: productModel}, "Active", "true"), api.AnyOf(fieldVisible, keys)}
	if category := c.Query("categoryID"); category != "" {
		within, err := cat.categoryKeys(c, sv, catalogID, category, c.Query("depth"))
		if err != nil {
			return nil, err
		}
		filters = append(filters, api.AnyOf(fieldVisible, within))
	}
	all := func() ([]api.Doc, error) {
		docs, err := c.Reg.Matching(c, cat.Products, nil, filters...)
		if err != nil {
			return nil, err
		}
		return cat.priced(c, docs, sv.priceScheduleOf)
	}
	var page any
	if !readsPriceSchedule(lq) {
		lq.Filters = append(lq.Filters, filters...)
		docs, meta, ok, err := c.Reg.ListIndexed(c, cat.Products, nil, lq)
		if err != nil {
			return nil, err
		}
		if ok {
			if docs, err = cat.priced(c, docs, sv.priceScheduleOf); err != nil {
				return nil, err
			}
			page = api.NewPage(buyerProductModel, docs, meta)
		}
	}
	if page == nil {
		docs, err := all()
		if err != nil {
			return nil, err
		}
		if page, err = c.Reg.Page(c, buyerProductModel, docs, nil); err != nil {
			return nil, err
		}
	}
	return cat.listWithFacets(c, buyerProductModel, all, page)
}

// readsPriceSchedule reports whether a query filters or sorts on the
// price schedule, which BuyerProduct computes per user.
func readsPriceSchedule(lq api.ListQuery) bool {
	is := func(p string) bool { return strings.HasPrefix(strings.ToLower(p), "priceschedule") }
	for _, f := range lq.Filters {
		if is(f.Path) {
			return true
		}
	}
	for _, k := range lq.SortBy {
		if is(k.Path) {
			return true
		}
	}
	return slices.ContainsFunc(lq.SearchOn, is)
}

// categoryKeys are the visibility keys of a category (and, per depth, its
// subcategories) in the caller's catalogs: the products listed under
// categoryID are those holding one of them.
func (cat *Catalog) categoryKeys(c *resource.Ctx, sv *shopperView, catalogID, categoryID, depth string) ([]string, error) {
	var out []string
	for _, sc := range sv.catalogs {
		if catalogID != "" && sc.access.CatalogID != catalogID {
			continue
		}
		docs, err := cat.categoriesOf(c, sc.access.CatalogID)
		if err != nil {
			return nil, err
		}
		nodes, err := cat.categoryNodes(c, sc.access.CatalogID)
		if err != nil {
			return nil, err
		}
		within, err := categoriesWithin(nodes, categoryID, depth)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if within[api.Str(d, "ID")] {
				out = append(out, "k:"+memberKey(sc.doc)+"|"+memberKey(d))
			}
		}
	}
	return out, nil
}

// withFacets renders a page as ListPageWithFacets with no facet counts.
func withFacets(page any) any { return pageWithFacets(page, nil) }

func (cat *Catalog) meGetProduct(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	d, err := cat.VisibleProduct(c, c.P.CompanyID, c.P.UserID, c.Param("productID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: buyerProductModel, Doc: d}, nil
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
