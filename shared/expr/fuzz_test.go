package expr

import (
	"errors"
	"testing"
)

// FuzzParse checks that no input makes Parse, Check or evaluation panic,
// and that every refusal is an *Error with a code (or, at evaluation, an
// error rather than a crash).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"order.Total > 200 and order.xp.MyCustomProperty = 'XYZ'",
		"items.quantity(ProductID = 'P1' or ProductID = 'P2') > 5",
		"(order.Total > 20 and order.approved('rule_id_1')) or (not items.any(ProductID = 'QQQ') and approved('rule_id_2'))",
		"((items.quantity(ProductID='XYZ')/2) - (items.quantity(ProductID='XYZ') % 2 * .5)) * items.total (ProductID='XYZ') / items.quantity(ProductID='XYZ')",
		"items.any(Product.xp.Tags.count(item = 'tag*') = 3)",
		"item.product.incategory('Bikes') and Order.DateCompleted < now(-30)",
		"min(order.Subtotal * .1, 20)",
		"order.DateCompleted > #6/15/2016#",
		"'it''s' <> order.xp.Quote",
		"not not -(-1) = 1",
		"items.any(",
		"#",
		"'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Code == "" {
				t.Fatalf("Parse(%q) = %v; want an *Error with a code", src, err)
			}
			return
		}
		for _, k := range []Kind{OrderLevel, ItemEligible, ItemValue} {
			_ = Check(src, k)
		}
		for _, item := range []int{-1, 0} {
			env := env(item)
			_, _ = e.Bool(env)
			_, _ = e.Decimal(env)
		}
		_, _ = e.Bool(Env{})
	})
}
