package catalog

import (
	"errors"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Upgrading a table written before products kept their membership (see
// membership.go and app.Upgrade).

// StampGeneration gives a catalog or category written before generations
// its generation; ok reports whether it wrote.
func (cat *Catalog) StampGeneration(c *resource.Ctx, it store.Item) (bool, error) {
	var res *resource.Resource
	switch it.Type {
	case cat.Catalogs.Model:
		res = cat.Catalogs
	case cat.Categories.Model:
		res = cat.Categories
	default:
		return false, nil
	}
	doc, err := resource.DecodeItem(it)
	if err != nil || api.Str(doc, fieldGen) != "" {
		return false, err
	}
	stampGen(nil, doc)
	next := res.Item(cat.scopeOf(res, it), doc, it.Version)
	next.Stock, next.Counts = it.Stock, it.Counts
	tx := &resource.Tx{}
	tx.Knows(it)
	tx.Put(next, store.IfVersion)
	return true, tx.Commit(c)
}

func (cat *Catalog) scopeOf(res *resource.Resource, it store.Item) []string {
	if res == cat.Categories {
		return []string{it.PK[len(res.PK())+1:]}
	}
	return nil
}

// Membership is what a product's assignments say of it: the catalogs and
// the (catalog, category) pairs holding it, and its product assignments.
type Membership struct {
	Catalogs   []string
	Categories [][2]string
	Assigned   []api.Doc
}

// Add records an assignment item of the kinds membership is made of (as
// an upgrade's scan finds it), under the product it names.
func (cat *Catalog) Add(byProduct map[string]*Membership, it store.Item) error {
	var a *resource.Assignment
	switch it.Type {
	case cat.ProductCatalogAssignments.Model, cat.CategoryProductAssignments.Model, cat.ProductAssignments.Model:
		a = map[string]*resource.Assignment{cat.ProductCatalogAssignments.Model: cat.ProductCatalogAssignments,
			cat.CategoryProductAssignments.Model: cat.CategoryProductAssignments, cat.ProductAssignments.Model: cat.ProductAssignments}[it.Type]
	default:
		return nil
	}
	d, err := api.DecodeDoc(it.Doc)
	if err != nil {
		return err
	}
	id := api.Str(d, "ProductID")
	m := byProduct[id]
	if m == nil {
		m = &Membership{}
		byProduct[id] = m
	}
	switch a {
	case cat.ProductCatalogAssignments:
		m.Catalogs = append(m.Catalogs, api.Str(d, "CatalogID"))
	case cat.CategoryProductAssignments:
		scope := a.AssignmentScope(it.PK)
		if len(scope) == 1 {
			m.Categories = append(m.Categories, [2]string{scope[0], api.Str(d, "CategoryID")})
		}
	default:
		m.Assigned = append(m.Assigned, d)
	}
	return nil
}

// RebuildMembership writes a product's membership fields from what its
// assignments say, when they differ; ok reports whether it wrote.
func (cat *Catalog) RebuildMembership(c *resource.Ctx, productID string, m Membership) (bool, error) {
	gen := func(res *resource.Resource, scope []string, id string) (string, error) {
		e, err := c.Reg.Load(c, res, scope, id)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == 404 {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return memberKey(e.Doc), nil
	}
	var catalogs, categories, assigned []string
	for _, id := range m.Catalogs {
		k, err := gen(cat.Catalogs, nil, id)
		if err != nil {
			return false, err
		}
		if k != "" {
			catalogs = append(catalogs, k)
		}
	}
	for _, p := range m.Categories {
		ck, err := gen(cat.Catalogs, nil, p[0])
		if err != nil {
			return false, err
		}
		yk, err := gen(cat.Categories, []string{p[0]}, p[1])
		if err != nil {
			return false, err
		}
		if ck != "" && yk != "" {
			categories = append(categories, ck+"|"+yk)
		}
	}
	for _, a := range m.Assigned {
		assigned = append(assigned, assignedParty(a)+"="+api.Str(a, "PriceScheduleID"))
	}
	for _, l := range [][]string{catalogs, categories, assigned} {
		slices.Sort(l)
	}
	e, err := c.Reg.Load(c, cat.Products, nil, productID)
	if err != nil {
		return false, nil // an assignment of a product that is gone
	}
	same := func(field string, want []string) bool {
		have := slices.Clone(strs(e.Doc, field))
		slices.Sort(have)
		return slices.Equal(have, want)
	}
	if same(fieldCatalogs, catalogs) && same(fieldCategories, categories) && same(fieldAssigned, assigned) &&
		slices.Equal(strs(e.Doc, fieldVisible), visKeys(api.Doc{fieldCatalogs: anyList(catalogs),
			fieldCategories: anyList(categories), fieldAssigned: anyList(assigned)})) {
		return false, nil
	}
	tx := &resource.Tx{}
	if err := cat.touchProduct(c, tx, productID, func(d api.Doc) {
		d[fieldCatalogs], d[fieldCategories], d[fieldAssigned] = anyList(catalogs), anyList(categories), anyList(assigned)
	}); err != nil {
		return false, err
	}
	return true, tx.Commit(c)
}
