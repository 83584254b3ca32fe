package commerce

// Category visibility follows OrderCloud's catalog visibility rules. A
// category assignment to the party (its company or one of its groups) may
// set Visible and ViewAllProducts to true or false; null (nil) inherits
// the value from the parent category, and top-level categories inherit
// from the catalog assignment's ViewAllCategories / ViewAllProducts.

// CategoryNode is a category of a catalog's tree.
type CategoryNode struct {
	ID, ParentID string
	Active       bool
}

// CategoryGrant is one category assignment that reaches the party.
type CategoryGrant struct {
	CategoryID      string
	Visible         *bool
	ViewAllProducts *bool
}

// CategoryState is a category's effective settings for the party.
type CategoryState struct {
	// Visible: the party may see the category (it, and every ancestor, is
	// active and visible).
	Visible bool
	// ViewAllProducts: products assigned to the category are visible.
	ViewAllProducts bool
}

// ResolveCategories computes every category's effective state for a party
// whose catalog assignment is access. When several grants reach one
// category (company and groups), true wins over false: visibility is the
// union of what the party's assignments allow.
func ResolveCategories(access CatalogAccess, nodes []CategoryNode, grants []CategoryGrant) map[string]CategoryState {
	byID := make(map[string]CategoryNode, len(nodes))
	for _, n := range nodes {
		byID[n.ID] = n
	}
	visible, viewAll := map[string]*bool{}, map[string]*bool{}
	merge := func(into map[string]*bool, id string, v *bool) {
		if v == nil {
			return
		}
		if cur := into[id]; cur == nil || (!*cur && *v) {
			into[id] = v
		}
	}
	for _, g := range grants {
		merge(visible, g.CategoryID, g.Visible)
		merge(viewAll, g.CategoryID, g.ViewAllProducts)
	}
	out := make(map[string]CategoryState, len(nodes))
	var resolve func(id string, depth int) CategoryState
	resolve = func(id string, depth int) CategoryState {
		if st, ok := out[id]; ok {
			return st
		}
		n := byID[id]
		parent := CategoryState{Visible: access.ViewAllCategories, ViewAllProducts: access.ViewAllProducts}
		parentOK := true
		if _, ok := byID[n.ParentID]; ok && n.ParentID != "" && depth < len(nodes) {
			parent = resolve(n.ParentID, depth+1)
			parentOK = parent.Visible
		}
		st := parent
		if v := visible[id]; v != nil {
			st.Visible = *v
		}
		if v := viewAll[id]; v != nil {
			st.ViewAllProducts = *v
		}
		st.Visible = st.Visible && n.Active && parentOK
		st.ViewAllProducts = st.ViewAllProducts && n.Active
		out[id] = st
		return st
	}
	for _, n := range nodes {
		resolve(n.ID, 0)
	}
	return out
}

// Descendants returns id and every category below it in the tree.
func Descendants(nodes []CategoryNode, id string) map[string]bool {
	children := map[string][]string{}
	for _, n := range nodes {
		children[n.ParentID] = append(children[n.ParentID], n.ID)
	}
	out := map[string]bool{}
	var walk func(string)
	walk = func(c string) {
		if out[c] {
			return
		}
		out[c] = true
		for _, k := range children[c] {
			walk(k)
		}
	}
	walk(id)
	return out
}

// Depth is a category's level in its tree (1 for top level).
func Depth(nodes []CategoryNode, id string) int {
	parent := map[string]string{}
	for _, n := range nodes {
		parent[n.ID] = n.ParentID
	}
	d := 1
	for p := parent[id]; p != "" && d <= len(nodes); p = parent[p] {
		d++
	}
	return d
}
