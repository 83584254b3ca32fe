package commerce

import (
	"errors"
	"slices"
	"testing"
)

func variantIDs(cs []VariantCombo) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestVariantCombinationsOrderAndIDs(t *testing.T) {
	specs := []VariantSpecDef{
		{ID: "size", ListOrder: 2, Options: []VariantOptionDef{{ID: "L", ListOrder: 3}, {ID: "S", ListOrder: 1}, {ID: "M", ListOrder: 2}}},
		{ID: "color", ListOrder: 1, Options: []VariantOptionDef{{ID: "red"}, {ID: "blue"}}},
		{ID: "empty", ListOrder: 0},
	}
	got, err := VariantCombinations("shirt", specs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shirt-blue-S", "shirt-blue-M", "shirt-blue-L", "shirt-red-S", "shirt-red-M", "shirt-red-L"}
	if !slices.Equal(variantIDs(got), want) {
		t.Errorf("IDs %v, want %v", variantIDs(got), want)
	}
	if got[0].Key != "color=blue&size=S" {
		t.Errorf("key %q", got[0].Key)
	}
	if len(got[0].Choices) != 2 || got[0].Choices[0] != (VariantChoice{SpecID: "color", OptionID: "blue"}) {
		t.Errorf("choices %v", got[0].Choices)
	}
	// The caller's slices are not reordered.
	if specs[0].Options[0].ID != "L" {
		t.Error("input options were sorted in place")
	}
	// Same input, same output: IDs are stable.
	again, _ := VariantCombinations("shirt", specs)
	if !slices.Equal(variantIDs(again), want) {
		t.Error("generation is not deterministic")
	}
}

func TestVariantCombinationsNone(t *testing.T) {
	got, err := VariantCombinations("p", nil)
	if err != nil || len(got) != 0 {
		t.Errorf("no specs: %v %v", got, err)
	}
	got, _ = VariantCombinations("p", []VariantSpecDef{{ID: "s"}})
	if len(got) != 0 {
		t.Errorf("spec without options: %v", got)
	}
}

func TestVariantCombinationsLimit(t *testing.T) {
	opts := make([]VariantOptionDef, 11)
	for i := range opts {
		opts[i] = VariantOptionDef{ID: string(rune('a' + i))}
	}
	specs := []VariantSpecDef{{ID: "a", Options: opts}, {ID: "b", Options: opts}, {ID: "c", Options: opts}}
	if _, err := VariantCombinations("p", specs); !errors.Is(err, ErrTooManyVariants) {
		t.Errorf("11³ variants: err = %v", err)
	}
	if got, err := VariantCombinations("p", specs[:2]); err != nil || len(got) != 121 {
		t.Errorf("11² variants: %d %v", len(got), err)
	}
}

func TestVariantKeyIgnoresOrder(t *testing.T) {
	a := VariantKey([]VariantChoice{{"size", "S"}, {"color", "red"}})
	b := VariantKey([]VariantChoice{{"color", "red"}, {"size", "S"}})
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
}

func TestPlanVariants(t *testing.T) {
	combos, _ := VariantCombinations("p", []VariantSpecDef{{ID: "c", Options: []VariantOptionDef{{ID: "red"}, {ID: "blue"}}}})
	existing := []ExistingVariant{
		{ID: "SKU-RED", Key: "c=red"},    // renamed, still valid
		{ID: "p-green", Key: "c=green"},  // option gone
		{ID: "p-red-copy", Key: "c=red"}, // duplicate combination
		{ID: "orphan", Key: ""},          // no combination at all
	}
	p := PlanVariants(combos, existing, false)
	if len(p.Create) != 1 || p.Create[0].ID != "p-blue" {
		t.Errorf("create %v", p.Create)
	}
	if c, ok := p.Keep["SKU-RED"]; !ok || c.ID != "p-red" || len(p.Reset) != 0 {
		t.Errorf("keep %v reset %v", p.Keep, p.Reset)
	}
	if want := []string{"orphan", "p-green", "p-red-copy"}; !slices.Equal(p.Remove, want) {
		t.Errorf("remove %v, want %v", p.Remove, want)
	}

	p = PlanVariants(combos, existing, true)
	if _, ok := p.Reset["SKU-RED"]; !ok || len(p.Keep) != 0 {
		t.Errorf("overwrite: keep %v reset %v", p.Keep, p.Reset)
	}
}
