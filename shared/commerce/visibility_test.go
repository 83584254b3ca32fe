package commerce

import "testing"

func TestVisibilityAndPriceResolution(t *testing.T) {
	v := Catalog{
		Party:      Party{BuyerID: "b", UserID: "u", Groups: []string{"vip"}},
		Catalogs:   []CatalogAccess{{CatalogID: "open", ViewAllProducts: true}, {CatalogID: "closed"}},
		InCatalogs: map[string][]string{"p1": {"open"}, "p2": {"closed"}, "p3": {"closed"}, "p4": {"other"}},
		Assignments: []ProductAssignment{
			{ProductID: "p2", BuyerID: "b", PriceScheduleID: "company"},
			{ProductID: "p2", BuyerID: "b", UserGroupID: "vip", PriceScheduleID: "group"},
			{ProductID: "p3", BuyerID: "b", UserGroupID: "other-group"},
			{ProductID: "p4", BuyerID: "b"},
		},
	}
	cases := map[string]bool{"p1": true, "p2": true, "p3": false, "p4": false}
	for id, want := range cases {
		if got := v.Visible(id, true); got != want {
			t.Errorf("%s visible = %v, want %v", id, got, want)
		}
	}
	if v.Visible("p1", false) {
		t.Error("inactive product visible")
	}
	if got := v.PriceScheduleID("p2", "default"); got != "group" {
		t.Errorf("group should win over company: %s", got)
	}
	if got := v.PriceScheduleID("p1", "default"); got != "default" {
		t.Errorf("default fallback: %s", got)
	}
}

func TestCategoryRulesInheritAndUnion(t *testing.T) {
	yes, no := true, false
	nodes := []CategoryNode{
		{ID: "tools", Active: true}, {ID: "saws", ParentID: "tools", Active: true},
		{ID: "secret", Active: true}, {ID: "old", Active: false}, {ID: "under-secret", ParentID: "secret", Active: true},
	}
	// Everything visible from the catalog, except "secret" (scenario 5).
	st := ResolveCategories(CatalogAccess{ViewAllCategories: true, ViewAllProducts: true}, nodes,
		[]CategoryGrant{{CategoryID: "secret", Visible: &no, ViewAllProducts: &no}})
	want := map[string]CategoryState{"tools": {true, true}, "saws": {true, true}, "secret": {false, false},
		"old": {false, false}, "under-secret": {false, false}}
	for id, w := range want {
		if st[id] != w {
			t.Errorf("%s = %+v, want %+v", id, st[id], w)
		}
	}
	// Nothing from the catalog; one category opened with its products
	// (scenario 4), a company grant saying false and a group grant saying
	// true: the union is true.
	st = ResolveCategories(CatalogAccess{}, nodes, []CategoryGrant{
		{CategoryID: "tools", Visible: &yes, ViewAllProducts: &no}, {CategoryID: "tools", Visible: &yes, ViewAllProducts: &yes}})
	if st["tools"] != (CategoryState{true, true}) || st["saws"] != (CategoryState{true, true}) || st["secret"].Visible {
		t.Errorf("scenario 4: %+v", st)
	}

	v := Catalog{Party: Party{BuyerID: "b"}, Catalogs: []CatalogAccess{{CatalogID: "c", ViewAllProducts: true}},
		InCatalogs:        map[string][]string{"p-saw": {"c"}, "p-secret": {"c"}, "p-loose": {"c"}, "p-both": {"c"}},
		Categories:        map[string]map[string]CategoryState{"c": ResolveCategories(CatalogAccess{ViewAllCategories: true, ViewAllProducts: true}, nodes, []CategoryGrant{{CategoryID: "secret", Visible: &no, ViewAllProducts: &no}})},
		ProductCategories: map[string]map[string][]string{"c": {"p-saw": {"saws"}, "p-secret": {"under-secret"}, "p-both": {"secret", "tools"}}},
	}
	for id, w := range map[string]bool{"p-saw": true, "p-secret": false, "p-loose": true, "p-both": true} {
		if got := v.Visible(id, true); got != w {
			t.Errorf("%s visible = %v, want %v", id, got, w)
		}
	}
	// A product assignment to the party shows a product hidden by its category.
	v.Assignments = []ProductAssignment{{ProductID: "p-secret", BuyerID: "b"}}
	if !v.Visible("p-secret", true) {
		t.Error("product assignment should win over a hidden category")
	}
	if d := Depth(nodes, "saws"); d != 2 {
		t.Errorf("depth %d", d)
	}
	if got := Descendants(nodes, "secret"); !got["under-secret"] || got["tools"] {
		t.Errorf("descendants %v", got)
	}
}
