package catalog

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// categoryRef is an assignment's category, in the catalog of the path.
var categoryRef = resource.Ref{Field: "CategoryID", Resource: "Categories", ScopeParams: []string{"catalogID"}}

func (cat *Catalog) declareCategories(r *resource.Registry) {
	cat.Categories = r.Add(&resource.Resource{Name: "Categories", Model: "Category", IDParam: "categoryID", Scope: []string{"catalogID"},
		Parents: []resource.Parent{{Param: "catalogID", Resource: "Catalogs"}}, Prepare: cat.prepareCategory,
		Counts: []resource.Counter{{Field: "ChildCount", Resource: "Categories", By: "ParentID", Scope: []string{"catalogID"}},
			{Field: "CategoryCount", Resource: "Catalogs", By: "catalogID"}}})
	r.Handle("Categories.List", cat.listCategories)
	cat.CategoryAssignments = r.AddAssignment(&resource.Assignment{Resource: "Categories", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "CategoryAssignment", Scope: []string{"catalogID"}, Key: []string{"CategoryID", "BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "BuyerID", Resource: "Buyers"}, {Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			categoryRef}})
	cat.CategoryProductAssignments = r.AddAssignment(&resource.Assignment{Resource: "Categories", Save: "SaveProductAssignment",
		Delete: "DeleteProductAssignment", List: "ListProductAssignments", Model: "CategoryProductAssignment", Scope: []string{"catalogID"},
		Key: []string{"CategoryID", "ProductID"}, Refs: []resource.Ref{{Field: "ProductID", Resource: "Products"}, categoryRef},
		IndexBy: []string{"ProductID"}})
}

// listCategories serves Categories.List: the engine's list limited to the
// tree levels the depth parameter asks for (default 1, "all" for every
// level; a ParentID filter lists that category's children at any depth).
func (cat *Catalog) listCategories(c *resource.Ctx) (any, error) {
	res := cat.Categories
	catalogID := c.Param("catalogID")
	if _, err := c.Reg.Load(c, cat.Catalogs, nil, catalogID); err != nil {
		return nil, err
	}
	docs, err := cat.categoriesOf(c, catalogID)
	if err != nil {
		return nil, err
	}
	nodes, err := cat.categoryNodes(c, catalogID)
	if err != nil {
		return nil, err
	}
	docs, err = limitDepth(c, docs, func(api.Doc) []commerce.CategoryNode { return nodes })
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, res.ContractModel(), slices.Clone(docs), nil)
}

// limitDepth keeps the categories within the request's depth. nodesOf
// gives the tree a category belongs to.
func limitDepth(c *resource.Ctx, docs []api.Doc, nodesOf func(api.Doc) []commerce.CategoryNode) ([]api.Doc, error) {
	n, err := parseDepth(c.Query("depth"), 1)
	if err != nil {
		return nil, err
	}
	if c.Query("ParentID") != "" || n == allLevels {
		return docs, nil
	}
	return slices.DeleteFunc(slices.Clone(docs), func(d api.Doc) bool {
		return commerce.Depth(nodesOf(d), api.Str(d, "ID")) > n
	}), nil
}

// allLevels is the depth "all".
const allLevels = 0

// parseDepth reads a depth parameter: a positive number of tree levels,
// or "all" (allLevels); empty means def.
func parseDepth(depth string, def int) (int, error) {
	switch {
	case depth == "":
		return def, nil
	case strings.EqualFold(depth, "all"):
		return allLevels, nil
	}
	n, err := strconv.Atoi(depth)
	if err != nil || n < 1 {
		return 0, api.E(http.StatusBadRequest, "Category.InvalidDepth", nil)
	}
	return n, nil
}

func (cat *Catalog) prepareCategory(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	stampGen(old, doc)
	parent := api.Str(doc, "ParentID")
	if parent == "" {
		return nil
	}
	cats := cat.Categories
	catalog := c.Param("catalogID")
	for id, depth := parent, 0; id != ""; depth++ {
		if id == api.Str(doc, "ID") || depth > 50 {
			return api.E(http.StatusBadRequest, "Category.CircularReference", nil)
		}
		p, err := c.Reg.Load(c, cats, []string{catalog}, id)
		if err != nil {
			return err
		}
		id = api.Str(p.Doc, "ParentID")
	}
	return nil
}
