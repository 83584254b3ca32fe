package expr

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Every expression in the reference docs, evaluated against the fixture.
// Comments name the document each comes from.

func TestRuleExamples(t *testing.T) {
	tests := []struct {
		src  string
		item int // index of the current line item, -1 for none
		want bool
	}{
		// rules-engine-has-arrived.mdx
		{"order.Total > 200 and order.xp.MyCustomProperty = 'XYZ'", -1, true},
		{"order.Total > 200 and items.any(CostCenter = 'ABC')", -1, true},
		{"items.total(CostCenter = 'ABC') > 200", -1, false}, // 30 + 100
		{"items.total(CostCenter = 'ABC') > 100", -1, true},
		{"items.quantity(ProductID = 'P1' or ProductID = 'P2') > 5", -1, false}, // 2
		{"items.quantity(ProductID = 'P1' or ProductID = 'P2') > 1", -1, true},
		{"items.count(CostCenter = 'ABC') = 2", -1, true},
		{"items.all(Quantity > 1)", -1, true},
		{"items.all(CostCenter = 'ABC')", -1, false},
		{"order.approved('id_of_some_other_rule')", -1, true},
		{"order.approved('not_yet')", -1, false},
		// The doc's combined example writes item.any, which can only be
		// items.any in an approval rule; see TestDocTypos.
		{"(order.Total > 20 and order.approved('rule_id_1')) or (not items.any(ProductID = 'QQQ') and approved('rule_id_2'))", -1, true},
		{"(order.Total > 20 and order.approved('rule_id_2')) or (not items.any(ProductID = 'QQQ') and approved('rule_id_2'))", -1, false},
		{"order.DateCompleted > #6/15/2016#", -1, true},

		// rule-based-promotion-expressions.mdx, array functions
		{"order.xp.myarray.contains('value2')", -1, true},
		{"order.xp.myarray.count() = 3", -1, true},
		{"order.xp.myarray.any(item = 'four')", -1, true},
		{"order.xp.Tags.all(item = 'tag*') = true", -1, true},
		{"items.any(Product.xp.Tags.contains('value2'))", -1, true},
		{"item.Product.xp.NumberArray.contains(23)", 0, true},
		{"item.product.xp.myarray.any(item = 20)", 0, true},
		{"item.product.xp.Tags.count(item = 'tag*') = 3", 0, true},
		{"items.any(Product.xp.Tags.count(item = 'tag*') = 3)", -1, true},
		{"items.any(Product.xp.Tags.contains('XYZ'))", -1, false},

		// order-returns.mdx: DateCompleted 2024-01-01 is before
		// 2024-03-01 less 30 days.
		{"Order.DateCompleted < now(-30)", -1, true},
		{"Order.DateCompleted < now(-90)", -1, false},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got, err := e.Bool(env(tt.item))
		if err != nil || got != tt.want {
			t.Errorf("%q: got %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
}

func TestPromotionExamples(t *testing.T) {
	// rule-based-promotion-expressions.mdx: each EligibleExpression with its
	// ValueExpression. item is the line item a line-item-level promotion is
	// evaluated for (-1 for order-level promotions); value is checked even
	// when the order is not eligible, as the expression must still compute.
	tests := []struct {
		eligible, value string
		item            int
		want            bool
		amount          string
		checkCode       string // the eligible expression's Check error, if the docs' example has one
	}{
		{"order.Subtotal > 50", "10", -1, true, "10", ""},
		{"order.Subtotal >= 60", "order.ShippingCost", -1, true, "15", ""},
		{"items.quantity(ProductID = 'ABC') > 1", "items.total(ProductID = 'ABC') / items.quantity(ProductID = 'ABC')", -1, true, "10", ""},
		{"items.any(ProductID = '123')", "5", -1, false, "5", ""},
		{"item.product.incategory('Bikes')", "item.LineSubtotal * .15", 0, true, "4.5", ""},
		{"items.all(Product.xp.OnSale = true)", "min(order.Subtotal * .1, 20)", -1, false, "20", ""},
		{"items.quantity(product.incategory('GuitarAccessories')) >= 10", "items.total(product.incategory('GuitarAccessories')) * .3", -1, false, "30", ""},
		{"items.any(ProductID = 'ABC')  and items.any(ProductID = 'XYZ')", "(items.total(ProductID = 'ABC') + items.total(ProductID = 'XYZ')) * .2", -1, true, "26", ""},
		{"items.total(product.incategory('Kitchen')) + items.total(product.incategory('Bedding')) + items.total(product.incategory('Bathroom')) > 200", "order.Subtotal * .1", -1, false, "23", ""},
		{"item.SupplierID = '123' and items.total(SupplierID = '123') >= 100", "50 / items.count(SupplierID = '123')", 0, true, "25", ""},
		{"item.SupplierID = '123' and items.total(SupplierID = '123') >= 100", "50 / items.count(SupplierID = '123')", 2, false, "25", ""},
		{"order.FromUser.xp.FirstOrder = true", "order.Subtotal * .25", -1, true, "57.5", ""},
		// BOGO scaling with quantity: 4 of XYZ at 25 each, 2 free.
		{"items.quantity(ProductID = 'XYZ') > 1", "((items.quantity(ProductID='XYZ')/2) - (items.quantity(ProductID='XYZ') % 2 * .5)) * items.total (ProductID='XYZ') / items.quantity(ProductID='XYZ')", -1, true, "50", ""},
		// These two pair an order-level EligibleExpression with a
		// ValueExpression that uses item, which only a line-item-level
		// promotion may; line-item-promos.mdx requires item in such a
		// promotion's EligibleExpression, so they cannot be saved as
		// written. item.Product.xp.Tags... is what they mean; see below.
		{"items.any(Product.xp.Tags.contains('XYZ'))", "item.LineSubtotal * .10", 0, false, "3", CodeItemRequired},
		{"items.any(Product.xp.Tags.count(item = 'tag*') = 3)", "item.LineSubtotal * .15", 0, true, "4.5", CodeItemRequired},
		{"item.Product.xp.Tags.contains('XYZ')", "item.LineSubtotal * .10", 0, false, "3", ""},
		{"item.Product.xp.Tags.count(item = 'tag*') = 3", "item.LineSubtotal * .15", 0, true, "4.5", ""},
		// line-item-promos.mdx, with the fixture's products for X and Y:
		// buy ABC, get XYZ free.
		{"item.ProductID = 'XYZ' and items.any(ProductID = 'ABC')", "item.UnitPrice", 1, true, "25", ""},
		{"item.ProductID = 'XYZ' and items.any(ProductID = 'ABC')", "item.UnitPrice", 0, false, "10", ""},
		{"item.ProductID = 'XYZ' and order.Total > 100", "item.UnitPrice", 1, true, "25", ""},
		// inparentcategory is on the docs' roadmap; P1 is in Bathroom, under Home.
		{"items.any(product.inparentcategory('Home'))", "items.total(product.inparentcategory('Home'))", -1, true, "130", ""},
		{"items.any(product.incategory('Home'))", "items.total(product.incategory('Home'))", -1, false, "0", ""},
	}
	for _, tt := range tests {
		elig, err := Parse(tt.eligible)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.eligible, err)
			continue
		}
		val, err := Parse(tt.value)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.value, err)
			continue
		}
		if got, err := elig.Bool(env(tt.item)); err != nil || got != tt.want {
			t.Errorf("%q (item %d): got %v, %v; want %v", tt.eligible, tt.item, got, err, tt.want)
		}
		got, err := val.Decimal(env(tt.item))
		if err != nil || !got.Equal(decimal.RequireFromString(tt.amount)) {
			t.Errorf("%q (item %d): got %v, %v; want %s", tt.value, tt.item, got, err, tt.amount)
		}
		kind, valueKind := OrderLevel, OrderLevel
		if tt.item >= 0 {
			kind, valueKind = ItemEligible, ItemValue
		}
		if err := Check(tt.eligible, kind); codeOf(err) != tt.checkCode {
			t.Errorf("Check(%q, %v) = %v; want code %q", tt.eligible, kind, err, tt.checkCode)
		}
		if err := Check(tt.value, valueKind); err != nil {
			t.Errorf("Check(%q, %v): %v", tt.value, valueKind, err)
		}
	}
}

// TestLineItemPromoDocExample runs the line-item-promos.mdx example with
// the products it names: buy X, get Y free.
func TestLineItemPromoDocExample(t *testing.T) {
	x := map[string]any{"ID": "1", "ProductID": "X", "Quantity": 1, "UnitPrice": 30}
	y := map[string]any{"ID": "2", "ProductID": "Y", "Quantity": 2, "UnitPrice": 12.5}
	elig := mustParse(t, "item.ProductID = 'Y' and items.any(ProductID = 'X')")
	val := mustParse(t, "item.UnitPrice")
	for _, tc := range []struct {
		item map[string]any
		want bool
	}{{x, false}, {y, true}} {
		e := Env{Order: map[string]any{"Total": 55}, Items: []map[string]any{x, y}, Item: tc.item}
		if got, err := elig.Bool(e); err != nil || got != tc.want {
			t.Errorf("item %v: got %v, %v; want %v", tc.item["ProductID"], got, err, tc.want)
		}
	}
	e := Env{Items: []map[string]any{x, y}, Item: y}
	if got, err := val.Decimal(e); err != nil || got.String() != "12.5" {
		t.Errorf("item.UnitPrice = %v, %v; want 12.5", got, err)
	}
}

// TestDocTypos covers the docs' examples that cannot be taken literally.
func TestDocTypos(t *testing.T) {
	// rule-based-promotion-expressions.mdx leaves two items.any calls
	// unclosed; their corrected forms are in TestRuleExamples.
	for _, src := range []string{
		"items.any(Product.xp.Tags.contains('value2')",
		"items.any(Product.xp.Tags.count(item = 'tag*') = 3",
		"items.any(Product.xp.Tags.contains('XYZ')",
	} {
		wantCode(t, src, CodeInvalidSyntax)
	}
	// rules-engine-has-arrived.mdx writes item.any in an approval rule,
	// where item (the current line item) is not allowed.
	src := "(order.Total > 20 and order.approved('rule_id_1')) or (not item.any(ProductID = 'QQQ') and approved('rule_id_2'))"
	err := Check(src, OrderLevel)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeItemNotAllowed || e.Pos.Column != 60 {
		t.Errorf("Check(%q) = %v; want %s at column 60", src, err, CodeItemNotAllowed)
	}
}

func TestNow(t *testing.T) {
	e := env(-1)
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"now() = #3/1/2024 12:00#", true},
		{"now(-1) = #2/29/2024 12:00#", true}, // a leap day
		{"now(30) > #3/30/2024#", true},
		{"now(0) = now()", true},
		{"item.DateAdded < now()", true},
	} {
		e.Item = e.Items[0]
		if got, err := mustParse(t, tt.src).Bool(e); err != nil || got != tt.want {
			t.Errorf("%q: got %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
	// Without Env.Now the clock is used.
	if got, err := mustParse(t, "now() > #1/1/2024# and now(-1) < now()").Bool(Env{}); err != nil || !got {
		t.Errorf("now() with the clock: got %v, %v", got, err)
	}
	_ = time.Now
}
