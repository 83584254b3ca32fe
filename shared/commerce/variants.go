package commerce

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

// MaxVariants bounds how many variants one product may generate; the
// combinations multiply quickly (3 specs of 10 options are 1000 variants).
const MaxVariants = 1000

// ErrTooManyVariants means the product's variant specs would generate more
// than MaxVariants variants.
var ErrTooManyVariants = errors.New("commerce: too many variants")

// VariantSpecDef is a spec that defines variants, as generation sees it.
type VariantSpecDef struct {
	ID        string
	ListOrder int
	Options   []VariantOptionDef
}

// VariantOptionDef is one option of a variant spec.
type VariantOptionDef struct {
	ID        string
	ListOrder int
}

// VariantChoice is the option chosen for one spec.
type VariantChoice struct {
	SpecID, OptionID string
}

// VariantCombo is one variant a product's specs define.
type VariantCombo struct {
	// ID is the generated variant ID: the product ID followed by the
	// chosen option IDs, joined by "-".
	ID string
	// Key identifies the combination whatever the variant's ID becomes
	// (IDs may be edited after generation).
	Key string
	// Choices are the options, in spec order.
	Choices []VariantChoice
}

// byListOrder orders by ListOrder, then ID, so generation is deterministic.
func byListOrder(ao, bo int, aid, bid string) int {
	if c := cmp.Compare(ao, bo); c != 0 {
		return c
	}
	return strings.Compare(aid, bid)
}

// VariantCombinations lists every combination of the options of the given
// specs (specs without options define nothing and are skipped). Specs and
// options are taken in ListOrder, then ID, so the same specs always yield
// the same variant IDs in the same order.
func VariantCombinations(productID string, specs []VariantSpecDef) ([]VariantCombo, error) {
	specs = slices.Clone(specs)
	specs = slices.DeleteFunc(specs, func(s VariantSpecDef) bool { return len(s.Options) == 0 })
	if len(specs) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(specs, func(a, b VariantSpecDef) int { return byListOrder(a.ListOrder, b.ListOrder, a.ID, b.ID) })
	total := 1
	for i, s := range specs {
		total *= len(s.Options)
		if total > MaxVariants {
			return nil, ErrTooManyVariants
		}
		opts := slices.Clone(s.Options)
		slices.SortStableFunc(opts, func(a, b VariantOptionDef) int { return byListOrder(a.ListOrder, b.ListOrder, a.ID, b.ID) })
		specs[i].Options = opts
	}
	out := make([]VariantCombo, 0, total)
	choice := make([]VariantChoice, len(specs))
	var walk func(depth int)
	walk = func(depth int) {
		if depth == len(specs) {
			cs := slices.Clone(choice)
			ids := []string{productID}
			for _, c := range cs {
				ids = append(ids, c.OptionID)
			}
			out = append(out, VariantCombo{ID: strings.Join(ids, "-"), Key: VariantKey(cs), Choices: cs})
			return
		}
		for _, o := range specs[depth].Options {
			choice[depth] = VariantChoice{SpecID: specs[depth].ID, OptionID: o.ID}
			walk(depth + 1)
		}
	}
	walk(0)
	return out, nil
}

// VariantKey is the canonical key of a combination: its spec/option pairs
// sorted by spec ID, so the order choices are listed in does not matter.
func VariantKey(choices []VariantChoice) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		parts[i] = c.SpecID + "=" + c.OptionID
	}
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

// ExistingVariant is a stored variant, by its ID and combination key.
type ExistingVariant struct {
	ID, Key string
}

// VariantPlan says what regenerating a product's variants does.
type VariantPlan struct {
	// Create are combinations with no variant yet.
	Create []VariantCombo
	// Keep are combinations whose existing variant stays as edited (by
	// the existing variant's ID).
	Keep map[string]VariantCombo
	// Reset are combinations whose existing variant is replaced by a
	// freshly generated one (overwriteExisting); keyed by the old ID.
	Reset map[string]VariantCombo
	// Remove are IDs of variants whose combination no longer exists (or
	// duplicates of a combination).
	Remove []string
}

// PlanVariants reconciles the stored variants with the combinations the
// specs define now. Without overwrite, existing variants keep their edits
// (and edited IDs); with overwrite they are reset. Either way variants of
// combinations that no longer exist are removed.
func PlanVariants(combos []VariantCombo, existing []ExistingVariant, overwrite bool) VariantPlan {
	p := VariantPlan{Keep: map[string]VariantCombo{}, Reset: map[string]VariantCombo{}}
	have := map[string]string{} // key → existing ID
	for _, e := range existing {
		if _, dup := have[e.Key]; dup || e.Key == "" {
			p.Remove = append(p.Remove, e.ID)
			continue
		}
		have[e.Key] = e.ID
	}
	wanted := map[string]bool{}
	for _, c := range combos {
		wanted[c.Key] = true
		id, ok := have[c.Key]
		switch {
		case !ok:
			p.Create = append(p.Create, c)
		case overwrite:
			p.Reset[id] = c
		default:
			p.Keep[id] = c
		}
	}
	for _, e := range existing {
		if id, ok := have[e.Key]; ok && id == e.ID && !wanted[e.Key] {
			p.Remove = append(p.Remove, e.ID)
		}
	}
	slices.Sort(p.Remove)
	return p
}
