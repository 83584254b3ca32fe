package catalog

import (
	"errors"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Product membership: what the assignments naming a product say about who
// sees it, kept in internal fields of the product's own document, in the
// transaction of each assignment's save or delete:
//
//   - _catalogs: each catalog holding it, as "catalogID#gen";
//   - _categories: each category holding it, as "catalogID#gen|categoryID#gen";
//   - _assigned: each product assignment, as "party=priceScheduleID", the
//     party "b:buyerID" or "g:buyerID|userGroupID" (the contract's
//     product assignments name no user);
//   - _vis: the visibility keys those imply (visKeys).
//
// A buyer user's visibility is a set of the same keys (shopperKeys), so
// "the products this user sees" is an equality filter on _vis, which the
// products' list indexes answer (the pair Active+_vis) without reading the
// catalog. Every catalog and category carries a generation (_gen) stamped
// at creation: entries for a catalog deleted (and maybe created again)
// never match the new one, so deleting a catalog leaves its products'
// entries behind instead of rewriting every product.
const (
	fieldCatalogs   = "_catalogs"
	fieldCategories = "_categories"
	fieldAssigned   = "_assigned"
	fieldVisible    = "_vis"
	fieldGen        = "_gen"
)

// stampGen gives a new catalog or category its generation.
func stampGen(old, doc api.Doc) {
	if old == nil {
		doc[fieldGen] = api.NewID()
	}
}

// memberKey names a catalog (or category) as product entries do.
func memberKey(d api.Doc) string { return api.Str(d, "ID") + "#" + api.Str(d, fieldGen) }

func strs(d api.Doc, field string) []string { return api.Strings(d[field]) }

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// visKeys are the visibility keys of a product's membership:
//
//	m:<catalog>                 it sits in the catalog
//	u:<catalog>                 …in none of the catalog's categories
//	k:<catalog>|<category>      …in that category of the catalog
//	a:<catalog>|<party>         …and is assigned to the party
func visKeys(d api.Doc) []string {
	cats := strs(d, fieldCatalogs)
	var keys []string
	categorized := map[string]bool{}
	for _, c := range cats {
		keys = append(keys, "m:"+c)
	}
	for _, k := range strs(d, fieldCategories) {
		c, _, _ := strings.Cut(k, "|")
		if slices.Contains(cats, c) {
			keys = append(keys, "k:"+k)
			categorized[c] = true
		}
	}
	for _, c := range cats {
		if !categorized[c] {
			keys = append(keys, "u:"+c)
		}
	}
	for _, a := range strs(d, fieldAssigned) {
		party, _, _ := strings.Cut(a, "=")
		for _, c := range cats {
			keys = append(keys, "a:"+c+"|"+party)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// touchProduct changes a product's membership in tx (a versioned write of
// the product; two changes in one tx write it once) and recomputes its
// visibility keys. A product that is gone is left alone.
func (cat *Catalog) touchProduct(c *resource.Ctx, tx *resource.Tx, id string, change func(d api.Doc)) error {
	products := cat.Products
	if q := tx.Queued(products.Key(nil, id)); q != nil {
		d, err := api.DecodeDoc(q.Doc)
		if err != nil {
			return err
		}
		change(d)
		d[fieldVisible] = anyList(visKeys(d))
		*q = products.Item(nil, d, q.Version)
		return nil
	}
	e, err := c.Reg.Load(c, products, nil, id)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == 404 {
		return nil
	}
	if err != nil {
		return err
	}
	d := api.Clone(e.Doc)
	change(d)
	d[fieldVisible] = anyList(visKeys(d))
	it := products.Item(nil, d, e.Item.Version)
	if e.Item.Stock != nil {
		it.Stock = e.Item.Stock // the live figure, not the doc's copy
	}
	tx.Knows(e.Item)
	tx.Put(it, store.IfVersion)
	return nil
}

// setEntries replaces a product's entries of a field starting with prefix
// by add (nil: removes them).
func setEntries(d api.Doc, field, prefix string, add ...string) {
	kept := slices.DeleteFunc(strs(d, field), func(s string) bool { return strings.HasPrefix(s, prefix) })
	d[field] = anyList(append(kept, add...))
}

// membershipHooks keeps product membership in step with the assignments.
func (cat *Catalog) membershipHooks() {
	pca, cpa, pa := cat.ProductCatalogAssignments, cat.CategoryProductAssignments, cat.ProductAssignments
	pca.OnSave = func(c *resource.Ctx, tx *resource.Tx, old, doc api.Doc) error {
		if old != nil {
			return nil
		}
		return cat.joinCatalog(c, tx, api.Str(doc, "CatalogID"), api.Str(doc, "ProductID"), false)
	}
	pca.OnDelete = func(c *resource.Ctx, tx *resource.Tx, doc api.Doc, cause string) error {
		if cause != "" {
			return nil // the product or the catalog went (see _gen)
		}
		return cat.touchProduct(c, tx, api.Str(doc, "ProductID"), func(d api.Doc) {
			setEntries(d, fieldCatalogs, api.Str(doc, "CatalogID")+"#")
		})
	}
	cpa.OnSave = func(c *resource.Ctx, tx *resource.Tx, old, doc api.Doc) error {
		if old != nil {
			return nil
		}
		catalogID, productID := c.Param("catalogID"), api.Str(doc, "ProductID")
		catalog, err := c.Reg.Load(c, cat.Catalogs, nil, catalogID)
		if err != nil {
			return err
		}
		category, err := c.Reg.Load(c, cat.Categories, []string{catalogID}, api.Str(doc, "CategoryID"))
		if err != nil {
			return err
		}
		// Assigning a product to a category puts it in the category's
		// catalog.
		if err := cat.joinCatalog(c, tx, catalogID, productID, true); err != nil {
			return err
		}
		return cat.touchProduct(c, tx, productID, func(d api.Doc) {
			setEntries(d, fieldCategories, memberKey(catalog.Doc)+"|"+api.Str(category.Doc, "ID")+"#",
				memberKey(catalog.Doc)+"|"+memberKey(category.Doc))
		})
	}
	cpa.OnDelete = func(c *resource.Ctx, tx *resource.Tx, doc api.Doc, cause string) error {
		if cause == "Products" || cause == "Catalogs" {
			return nil
		}
		// Asked for, or its category deleted: the product may now sit in
		// no category of the catalog, which changes what it shows.
		catalogID := c.Param("catalogID")
		return cat.touchProduct(c, tx, api.Str(doc, "ProductID"), func(d api.Doc) {
			kept := slices.DeleteFunc(strs(d, fieldCategories), func(s string) bool {
				cg, cy, _ := strings.Cut(s, "|")
				return strings.HasPrefix(cg, catalogID+"#") && strings.HasPrefix(cy, api.Str(doc, "CategoryID")+"#")
			})
			d[fieldCategories] = anyList(kept)
		})
	}
	pa.OnSave = func(c *resource.Ctx, tx *resource.Tx, old, doc api.Doc) error {
		party := assignedParty(doc)
		return cat.touchProduct(c, tx, api.Str(doc, "ProductID"), func(d api.Doc) {
			setEntries(d, fieldAssigned, party+"=", party+"="+api.Str(doc, "PriceScheduleID"))
		})
	}
	pa.OnDelete = func(c *resource.Ctx, tx *resource.Tx, doc api.Doc, cause string) error {
		if cause == "Products" {
			return nil
		}
		party := assignedParty(doc)
		return cat.touchProduct(c, tx, api.Str(doc, "ProductID"), func(d api.Doc) {
			setEntries(d, fieldAssigned, party+"=")
		})
	}
}

// assignedParty is the party of a product assignment, as _assigned names it.
func assignedParty(a api.Doc) string {
	if g := api.Str(a, "UserGroupID"); g != "" {
		return "g:" + api.Str(a, "BuyerID") + "|" + g
	}
	return "b:" + api.Str(a, "BuyerID")
}

// joinCatalog puts a product in a catalog, in tx: the product's entry,
// and with assign the product-catalog assignment unless it exists.
func (cat *Catalog) joinCatalog(c *resource.Ctx, tx *resource.Tx, catalogID, productID string, assign bool) error {
	catalog, err := c.Reg.Load(c, cat.Catalogs, nil, catalogID)
	if err != nil {
		return err
	}
	if assign {
		asg := cat.ProductCatalogAssignments.Item(api.Doc{"CatalogID": catalogID, "ProductID": productID})
		if _, err := c.Deps.Store.Get(c, store.Key{PK: asg.PK, SK: asg.SK}); errors.Is(err, store.ErrNotFound) {
			tx.Put(asg, store.IfAbsent)
		} else if err != nil {
			return err
		}
	}
	key := memberKey(catalog.Doc)
	return cat.touchProduct(c, tx, productID, func(d api.Doc) {
		if !slices.Contains(strs(d, fieldCatalogs), key) {
			setEntries(d, fieldCatalogs, catalogID+"#", key)
		}
	})
}

// shopperKeys are the visibility keys of a buyer user through one of its
// catalogs: a product is visible through the catalog when it is active and
// its _vis holds one of them (see visKeys and commerce.Catalog).
func (cat *Catalog) shopperKeys(c *resource.Ctx, party commerce.Party, ca commerce.CatalogAccess, catalog api.Doc) ([]string, error) {
	key := memberKey(catalog)
	parties := []string{"b:" + party.BuyerID}
	for _, g := range party.Groups {
		parties = append(parties, "g:"+party.BuyerID+"|"+g)
	}
	var out []string
	assigned := func() {
		for _, p := range parties {
			out = append(out, "a:"+key+"|"+p)
		}
	}
	if api.Int(catalog["CategoryCount"]) == 0 {
		if ca.ViewAllProducts {
			return []string{"m:" + key}, nil
		}
		assigned()
		return out, nil
	}
	docs, err := cat.categoriesOf(c, ca.CatalogID)
	if err != nil {
		return nil, err
	}
	states, err := cat.categoryStates(c, party, ca)
	if err != nil {
		return nil, err
	}
	all := ca.ViewAllProducts
	for _, d := range docs {
		if st := states[api.Str(d, "ID")]; st.ViewAllProducts {
			out = append(out, "k:"+key+"|"+memberKey(d))
		} else {
			all = false
		}
	}
	if all {
		return []string{"m:" + key}, nil
	}
	if ca.ViewAllProducts {
		out = append(out, "u:"+key)
	}
	assigned()
	return out, nil
}
