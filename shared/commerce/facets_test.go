package commerce

import (
	"encoding/json"
	"reflect"
	"testing"
)

func facetProducts() []map[string]any {
	p := func(id string, xp map[string]any) map[string]any { return map[string]any{"ID": id, "xp": xp} }
	return []map[string]any{
		p("a", map[string]any{"Color": "Red", "Size": json.Number("10"), "Tags": []any{"new", "sale", "new"}}),
		p("b", map[string]any{"Color": "Red", "Size": json.Number("12"), "Tags": []any{"sale"}}),
		p("c", map[string]any{"Color": "Blue", "Spec": map[string]any{"Material": "Wool"}}),
		p("d", map[string]any{"color": "Green", "Spec": map[string]any{"Material": "Cotton"}, "Tags": []any{}}),
		p("e", map[string]any{"Color": nil, "Size": map[string]any{"nested": true}}),
		{"ID": "f"},
	}
}

func TestCountFacetsCountsValuesInListOrder(t *testing.T) {
	all := facetProducts()
	got := CountFacets([]Facet{
		{ID: "tags", Name: "Tags", XpPath: "Tags", ListOrder: 3, MinCount: 1},
		{ID: "Color", Name: "Colour", ListOrder: 1, MinCount: 1, Xp: map[string]any{"Widget": "swatch"}},
		{ID: "material", Name: "Material", XpPath: "xp.Spec.Material", ListOrder: 2, MinCount: 1},
		{ID: "size", Name: "Size", XpPath: "Size", ListOrder: 4, MinCount: 1},
	}, all, all)
	want := []FacetCount{
		{Name: "Colour", XpPath: "Color", Xp: map[string]any{"Widget": "swatch"},
			Values: []FacetValue{{"Red", 2}, {"Blue", 1}, {"Green", 1}}},
		{Name: "Material", XpPath: "Spec.Material", Values: []FacetValue{{"Cotton", 1}, {"Wool", 1}}},
		// A list counts each distinct element once per item.
		{Name: "Tags", XpPath: "Tags", Values: []FacetValue{{"sale", 2}, {"new", 1}}},
		{Name: "Size", XpPath: "Size", Values: []FacetValue{{"10", 1}, {"12", 1}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestCountFacetsRespectsMatchingAndMinCount(t *testing.T) {
	all := facetProducts()
	matching := all[:2] // say, a filter xp.Color=Red
	facets := []Facet{
		{ID: "Color", Name: "Color", MinCount: 1},
		{ID: "zero", Name: "Color with zeros", XpPath: "Color", ListOrder: 1, MinCount: 0},
		{ID: "pairs", Name: "Tags seen twice", XpPath: "Tags", ListOrder: 2, MinCount: 2},
	}
	got := CountFacets(facets, all, matching)
	if want := []FacetValue{{"Red", 2}}; !reflect.DeepEqual(got[0].Values, want) {
		t.Errorf("counts among matching items: %+v, want %+v", got[0].Values, want)
	}
	if want := []FacetValue{{"Red", 2}, {"Blue", 0}, {"Green", 0}}; !reflect.DeepEqual(got[1].Values, want) {
		t.Errorf("MinCount 0 keeps values of the universe: %+v, want %+v", got[1].Values, want)
	}
	if want := []FacetValue{{"sale", 2}}; !reflect.DeepEqual(got[2].Values, want) {
		t.Errorf("MinCount 2: %+v, want %+v", got[2].Values, want)
	}
}

func TestCountFacetsEmpty(t *testing.T) {
	got := CountFacets([]Facet{{ID: "Color", Name: "Color", MinCount: 1}}, nil, nil)
	if len(got) != 1 || got[0].Values == nil || len(got[0].Values) != 0 {
		t.Errorf("a facet with no values lists none (not null): %+v", got)
	}
	if got := CountFacets(nil, facetProducts(), facetProducts()); len(got) != 0 {
		t.Errorf("no facets configured: %+v", got)
	}
}
