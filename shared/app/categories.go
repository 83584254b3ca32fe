package app

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// listCategories serves Categories.List: the engine's list limited to the
// tree levels the depth parameter asks for (default 1, "all" for every
// level; a ParentID filter lists that category's children at any depth).
func listCategories(c *resource.Ctx) (any, error) {
	res := c.Reg.Resource("Categories")
	catalogID := c.Param("catalogID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("Catalogs"), nil, catalogID); err != nil {
		return nil, err
	}
	docs, err := categoriesOf(c, catalogID)
	if err != nil {
		return nil, err
	}
	nodes, err := categoryNodes(c, catalogID)
	if err != nil {
		return nil, err
	}
	docs, err = limitDepth(c, docs, func(api.Doc) []commerce.CategoryNode { return nodes })
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, res.ContractModel(), slices.Clone(docs), func(d api.Doc) (api.Doc, error) { return presentCategory(c, d) })
}

// limitDepth keeps the categories within the request's depth. nodesOf
// gives the tree a category belongs to.
func limitDepth(c *resource.Ctx, docs []api.Doc, nodesOf func(api.Doc) []commerce.CategoryNode) ([]api.Doc, error) {
	depth := c.Query("depth")
	if c.Query("ParentID") != "" || strings.EqualFold(depth, "all") {
		return docs, nil
	}
	n := 1
	if depth != "" {
		var err error
		if n, err = strconv.Atoi(depth); err != nil || n < 1 {
			return nil, api.E(http.StatusBadRequest, "Category.InvalidDepth", nil)
		}
	}
	return slices.DeleteFunc(slices.Clone(docs), func(d api.Doc) bool {
		return commerce.Depth(nodesOf(d), str(d, "ID")) > n
	}), nil
}
