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
