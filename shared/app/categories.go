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
