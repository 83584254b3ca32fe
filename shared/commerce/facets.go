package commerce

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Facet is a configured product facet: a product xp field whose values a
// list reports with counts, for faceted navigation.
type Facet struct {
	ID        string
	Name      string
	XpPath    string // path under xp; empty means the facet's ID
	ListOrder int
	MinCount  int
	Xp        any
}

// Path is where the facet's values live under a product's xp. A leading
// "xp." is tolerated, since callers write filters that way.
func (f Facet) Path() string {
	p := f.XpPath
	if p == "" {
		p = f.ID
	}
	if len(p) > 3 && strings.EqualFold(p[:3], "xp.") {
		p = p[3:]
	}
	return p
}

// FacetValue is one value of a facet and how many matching items hold it.
type FacetValue struct {
	Value string
	Count int
}

// FacetCount is a facet's result in a list's metadata (the SDK's ListFacet).
type FacetCount struct {
	Name   string
	XpPath string
	Values []FacetValue
	Xp     any `json:"xp"`
}

// CountFacets reports, for each facet in ListOrder, the values found at its
// path among the matching items (those passing the list's filters and
// search, before paging) with the number of items holding each. A value
// only the wider universe holds counts 0; values counted below the facet's
// MinCount are left out, so zero counts appear only when MinCount is 0.
// Values are ordered by count, most first, then by value.
func CountFacets(facets []Facet, universe, matching []map[string]any) []FacetCount {
	ordered := slices.Clone(facets)
	slices.SortStableFunc(ordered, func(a, b Facet) int {
		return cmp.Or(cmp.Compare(a.ListOrder, b.ListOrder), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	out := make([]FacetCount, 0, len(ordered))
	for _, f := range ordered {
		path := f.Path()
		counts := map[string]int{}
		for _, d := range universe {
			for _, v := range facetValues(d, path) {
				counts[v] += 0
			}
		}
		for _, d := range matching {
			for _, v := range facetValues(d, path) {
				counts[v]++
			}
		}
		values := []FacetValue{}
		for v, n := range counts {
			if n >= f.MinCount {
				values = append(values, FacetValue{Value: v, Count: n})
			}
		}
		slices.SortFunc(values, func(a, b FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		out = append(out, FacetCount{Name: f.Name, XpPath: path, Values: values, Xp: f.Xp})
	}
	return out
}

// facetValues are the distinct values an item holds at xp.<path>: a scalar,
// or each scalar of a list. Objects and nulls hold no facet value.
func facetValues(d map[string]any, path string) []string {
	cur, ok := lookupFold(d, "xp")
	for _, step := range strings.Split(path, ".") {
		if !ok {
			return nil
		}
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil
		}
		cur, ok = lookupFold(m, step)
	}
	if !ok {
		return nil
	}
	var out []string
	add := func(v any) {
		if s, ok := scalarText(v); ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if arr, isArr := cur.([]any); isArr {
		for _, e := range arr {
			add(e)
		}
		return out
	}
	add(cur)
	return out
}

// lookupFold reads a key, falling back to a case-insensitive match as
// OrderCloud matches field names.
func lookupFold(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}
