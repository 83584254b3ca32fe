package catalog

import (
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareFacets(r *resource.Registry) {
	cat.ProductFacets = r.Add(&resource.Resource{Name: "ProductFacets", Model: "ProductFacet", IDParam: "productFacetID",
		Prepare: prepareProductFacet, BeforeDelete: deleteProductFacetPath})
}

// facetPathKey reserves a facet's xp path: each path may back one facet
// only, across the marketplace.
func facetPathKey(path string) store.Key {
	return store.Key{PK: "ProductFacetPath", SK: strings.ToLower(path)}
}

func facetOf(d api.Doc) commerce.Facet {
	return commerce.Facet{ID: api.Str(d, "ID"), Name: api.Str(d, "Name"), XpPath: api.Str(d, "XpPath"),
		ListOrder: api.Int(d["ListOrder"]), MinCount: api.Int(d["MinCount"]), Xp: d["xp"]}
}

func prepareProductFacet(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if n := api.Int(doc["MinCount"]); n < 0 {
		return api.Validation("MinCount", "MinCount cannot be negative.")
	}
	path := facetOf(doc).Path()
	if path == "" {
		return api.Validation("XpPath", "XpPath cannot be empty.")
	}
	oldPath := ""
	if old != nil {
		oldPath = facetOf(old).Path()
	}
	if strings.EqualFold(path, oldPath) {
		return nil
	}
	k := facetPathKey(path)
	tx.PutOr(store.Item{PK: k.PK, SK: k.SK, Type: k.PK, ID: k.SK, Doc: []byte(`{}`)}, store.IfAbsent,
		api.E(http.StatusConflict, "ProductFacet.XpPathInUse", map[string]any{"XpPath": path}))
	if oldPath != "" {
		tx.Delete(facetPathKey(oldPath))
	}
	return nil
}

func deleteProductFacetPath(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	tx.Delete(facetPathKey(facetOf(doc).Path()))
	return nil
}

// productFacetCounts computes a list's Meta.Facets: all reads every item
// the caller may list, before the query's filters, search and paging (only
// when a facet is configured); the counts are taken among those the query
// matches.
func (cat *Catalog) productFacetCounts(c *resource.Ctx, m *contract.Model, all func() ([]api.Doc, error)) ([]commerce.FacetCount, error) {
	defs, err := c.Reg.All(c, cat.ProductFacets, nil)
	if err != nil || len(defs) == 0 {
		return nil, err
	}
	docs, err := all()
	if err != nil {
		return nil, err
	}
	facets := make([]commerce.Facet, len(defs))
	for i, d := range defs {
		facets[i] = facetOf(d)
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	lq.Page, lq.PageSize = 1, max(len(docs), 1)
	matching, _ := lq.Apply(docs)
	return commerce.CountFacets(facets, docs, matching), nil
}

// listWithFacets turns a list page into a ListPageWithFacets whose
// Meta.Facets counts the configured product facets.
func (cat *Catalog) listWithFacets(c *resource.Ctx, m *contract.Model, all func() ([]api.Doc, error), page any) (any, error) {
	facets, err := cat.productFacetCounts(c, m, all)
	if err != nil {
		return nil, err
	}
	return pageWithFacets(page, facets), nil
}

// facetMeta is MetaWithFacets, in the SDK's field order.
type facetMeta struct {
	Facets     []commerce.FacetCount
	Page       int
	PageSize   int
	TotalCount int
	TotalPages int
	ItemRange  [2]int
}

// pageWithFacets renders a list page as a ListPageWithFacets (Facets is an
// empty list, never null, when no facet is configured).
func pageWithFacets(page any, facets []commerce.FacetCount) any {
	p := page.(api.Page)
	if facets == nil {
		facets = []commerce.FacetCount{}
	}
	return struct {
		Meta  facetMeta
		Items []any
	}{facetMeta{Facets: facets, Page: p.Meta.Page, PageSize: p.Meta.PageSize, TotalCount: p.Meta.TotalCount,
		TotalPages: p.Meta.TotalPages, ItemRange: p.Meta.ItemRange}, p.Items}
}
