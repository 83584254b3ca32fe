package expr

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

// boolCases evaluates each expression with Bool against the fixture order
// (with line item 0 as item).
func boolCases(t *testing.T, tests []struct {
	src  string
	want bool
}) {
	t.Helper()
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got, err := e.Bool(env(0)); err != nil || got != tt.want {
			t.Errorf("%q: got %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
}

func TestPrecedence(t *testing.T) {
	boolCases(t, []struct {
		src  string
		want bool
	}{
		{"1 + 2 * 3 = 7", true},
		{"(1 + 2) * 3 = 9", true},
		{"10 - 2 - 3 = 5", true}, // left to right
		{"12 / 2 / 3 = 2", true},
		{"7 % 4 * 2 = 6", true}, // % binds like *
		{"2 + 7 % 4 = 5", true},
		{"-2 * 3 = -6", true},
		{"- -2 = 2", true},
		{"-order.Total = -250", true},
		{"1 - -1 = 2", true},
		{"2 * 3 > 5 and 1 + 1 = 2", true},
		{"not 1 = 2", true}, // not (1 = 2)
		{"true or false and false", true},
		{"(true or false) and false", false},
		{"not true or true", true}, // (not true) or true
		{"not (true or true)", false},
		{"not not true", true},
		{"false and order.Total / 0 = 1", false}, // and stops early
		{"true or order.Total / 0 = 1", true},
		{"TRUE And Not FALSE OR false", true}, // keywords ignore case
	})
}

func TestDecimalExactness(t *testing.T) {
	tests := []struct{ src, want string }{
		{"0.1 + 0.2", "0.3"},
		{".1 + .2", "0.3"},
		{"order.Subtotal * .1", "23"},
		{"order.Total * 0.07", "17.5"},
		{"19.99 * 3", "59.97"},
		{"10 / 4", "2.5"},
		{"10 / 3", "3.33333333333333333333"},
		{"1 - 0.9", "0.1"},
		{"7 % 2.5", "2"},
		{"min(3, -4)", "-4"},
		{"max(3, -4)", "3"},
		{"max(order.Total * .1, 20)", "25"},
		{"order.xp.Count * 2", "10"},          // a number held as text
		{"order.xp.Nested.Sub.Leaf + 1", "8"}, // deep xp path
		{"1234567890123456789012345678 + 1", "1234567890123456789012345679"},
		{"items.quantity()", "9"},
		{"items.total()", "230"},
		{"items.count()", "3"},
	}
	for _, tt := range tests {
		got, err := mustParse(t, tt.src).Decimal(env(0))
		if err != nil || !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("%q: got %v, %v; want %s", tt.src, got, err, tt.want)
		}
	}
	boolCases(t, []struct {
		src  string
		want bool
	}{
		{"0.1 + 0.2 = 0.3", true},
		{"order.Total = 250", true}, // stored as 250.00
		{"order.Total = '250.0'", true},
	})
}

func TestComparisons(t *testing.T) {
	boolCases(t, []struct {
		src  string
		want bool
	}{
		// Text: exact, byte order.
		{"order.xp.MyCustomProperty = 'XYZ'", true},
		{"order.xp.MyCustomProperty = 'xyz'", false},
		{"order.xp.MyCustomProperty <> 'xyz'", true},
		{"order.xp.MyCustomProperty > 'ABC'", true},
		{"'a' < 'b'", true},
		{"order.xp.Quote = 'it''s'", true},
		// Wildcards in a text literal.
		{"order.xp.MyCustomProperty = 'X*'", true},
		{"order.xp.MyCustomProperty = '*Z'", true},
		{"order.xp.MyCustomProperty = 'X*Z'", true},
		{"order.xp.MyCustomProperty = '*Y*'", true},
		{"order.xp.MyCustomProperty = '*'", true},
		{"order.xp.MyCustomProperty = 'Y*'", false},
		{"order.xp.MyCustomProperty <> 'Y*'", true},
		{"'X*' = order.xp.MyCustomProperty", true},
		{"order.Total = '2*'", false}, // patterns match text only
		{"order.xp.Missing = '*'", false},
		// Numbers, and numbers held as text.
		{"order.xp.Count = 5", true},
		{"order.xp.Count > 4.5", true},
		{"5 = order.xp.Count", true},
		{"order.xp.MyCustomProperty = 5", false},
		{"order.xp.MyCustomProperty > 5", false},
		// Dates: literals, stored ISO 8601 text, now().
		{"order.DateCompleted = #1/1/2024#", true},
		{"order.DateCompleted = #2024-01-01#", true},
		{"order.DateCompleted < #1/1/2024 00:00:01#", true},
		{"order.DateCompleted >= #12/31/2023 11:59 PM#", true},
		{"order.DateCompleted = '2024-01-01T00:00:00Z'", true}, // text and text, both dates
		{"item.DateAdded > order.DateCompleted", true},
		{"order.DateCompleted > 5", false},
		// true and false.
		{"order.FromUser.xp.FirstOrder", true},
		{"order.FromUser.xp.FirstOrder = true", true},
		{"order.FromUser.xp.FirstOrder <> false", true},
		{"order.FromUser.xp.FirstOrder = 'true'", false},
		{"order.FromUser.xp.FirstOrder > false", false},
		// Lists and objects are not compared.
		{"order.xp.Tags = order.xp.Tags", false},
		{"order.FromUser <> order.FromUser", true},
	})
}

func TestMissing(t *testing.T) {
	boolCases(t, []struct {
		src  string
		want bool
	}{
		{"order.xp.Nope = 'x'", false},
		{"order.xp.Nope <> 'x'", true},
		{"order.xp.Nope > 1", false},
		{"order.xp.Nope < 1", false},
		{"order.xp.Nope", false},
		{"not order.xp.Nope", true},
		{"order.xp.Nope = order.xp.AlsoNope", true},
		{"order.xp.Nope.Deeper.Still = 1", false},
		{"order.Total.Foo = 1", false},         // a number has no properties
		{"order.xp.Tags.Foo = 1", false},       // nor a list
		{"order.xp.Nope + 1 = 1", false},       // missing stays missing
		{"order.xp.Nope.contains('a')", false}, // a missing list is empty
		{"order.xp.Nope.count() = 0", true},
		{"order.xp.Nope.any(item = 1)", false},
		{"order.xp.Nope.all(item = 1)", true},
		{"order.xp.Empty.all(item = 1)", true}, // as is an empty one
		{"items.any(Nope = 1)", false},
		{"items.any(Product.xp.Nope.contains(1))", false},
		{"min(order.xp.Nope, 1) = 1", false},
		{"order.xp.Nope.incategory('Bikes')", false},
		{"ORDER.TOTAL = 250", true}, // names ignore case
		{"order.xp.mycustomproperty = 'XYZ'", true},
	})
	// No order, no items at all.
	for _, src := range []string{"order.Total > 1", "items.any()", "items.any(ProductID = 'X')", "order.xp.A.B.contains(1)"} {
		if got, err := mustParse(t, src).Bool(Env{}); err != nil || got {
			t.Errorf("%q on an empty Env: got %v, %v; want false", src, got, err)
		}
	}
	if got, err := mustParse(t, "items.all(ProductID = 'X') and items.total() = 0").Bool(Env{}); err != nil || !got {
		t.Errorf("items functions on no items: got %v, %v", got, err)
	}
	// A value expression without a value is an error, not zero.
	for _, src := range []string{"order.xp.Nope", "order.xp.Nope * .1", "max(order.xp.Nope, 1)", "-order.xp.Nope"} {
		if _, err := mustParse(t, src).Decimal(env(0)); !isEvalError(err) {
			t.Errorf("Decimal(%q) = %v; want an *EvalError", src, err)
		}
	}
}

func isEvalError(err error) bool {
	var e *EvalError
	return errors.As(err, &e)
}

func TestEvalErrors(t *testing.T) {
	e := env(0)
	tests := []struct {
		src string
		env Env
	}{
		{"order.Total and true", e},
		{"not order.Total", e},
		{"order.xp.MyCustomProperty * 2", e},
		{"-order.xp.MyCustomProperty = 1", e},
		{"order.xp.MyCustomProperty.contains('X')", e},
		{"order.xp.MyCustomProperty.count() = 1", e},
		{"items.any(Quantity)", e}, // a filter must be true or false
		{"order.xp.Tags.any(item)", e},
		{"order.Total / 0 = 1", e},
		{"order.Total % (1 - 1) = 1", e},
		{"now(1.5) > now()", e},
		{"now('x') > now()", e},
		{"now(10000000) > now()", e},
		{"approved(1)", e},
		{"min('a', 1) = 1", e},
		{"item.ProductID = 'X'", env(-1)}, // no current line item
		{"item.incategory(5)", e},
		{"order.Total.incategory('x')", e},
		{"item.incategory('Bikes')", Env{Item: e.Item}}, // no category data
		{"item.incategory('Bikes')", Env{Item: map[string]any{"ProductID": "BOOM"}, InCategory: inCategory}}, // callback fails
	}
	for _, tt := range tests {
		_, err := mustParse(t, tt.src).Bool(tt.env)
		if err == nil {
			t.Errorf("%q: no error", tt.src)
		}
	}
	// The callback's own error comes back as is.
	_, err := mustParse(t, "item.incategory('Bikes')").Bool(Env{Item: map[string]any{"ProductID": "BOOM"}, InCategory: inCategory})
	if !errors.Is(err, errBoom) {
		t.Errorf("callback error: got %v, want %v", err, errBoom)
	}
	// Bool refuses a number; Decimal refuses true/false and text.
	if _, err := mustParse(t, "order.Total").Bool(e); !isEvalError(err) {
		t.Errorf("Bool of a number: %v", err)
	}
	for _, src := range []string{"true", "order.xp.MyCustomProperty", "now()"} {
		if _, err := mustParse(t, src).Decimal(e); !isEvalError(err) {
			t.Errorf("Decimal(%q): %v", src, err)
		}
	}
	// An evaluation error says where.
	_, err = mustParse(t, "order.Total > 1 and order.Total / 0 > 1").Bool(e)
	var ee *EvalError
	if !errors.As(err, &ee) || ee.Pos.Column != 33 {
		t.Errorf("division by zero: got %v, want an *EvalError at column 33", err)
	}
}

func TestCategories(t *testing.T) {
	boolCases(t, []struct {
		src  string
		want bool
	}{
		{"item.incategory('Bikes')", true}, // a line item stands for its product
		{"item.Product.incategory('Bikes')", true},
		{"item.product.InCategory('Kitchen')", true},
		{"item.incategory('Home')", false},
		{"item.inparentcategory('Home')", true}, // Kitchen is under Home
		{"item.inparentcategory('Root')", true},
		{"item.inparentcategory('Bathroom')", false},
		{"items.count(product.incategory('Bikes') or product.incategory('Bathroom')) = 2", true},
	})
}

func TestApproved(t *testing.T) {
	e := mustParse(t, "order.approved('r1') and Approved('r2')")
	for _, tc := range []struct {
		approved func(string) bool
		want     bool
	}{
		{nil, false},
		{func(string) bool { return true }, true},
		{func(id string) bool { return id == "r1" }, false},
	} {
		if got, err := e.Bool(Env{Approved: tc.approved}); err != nil || got != tc.want {
			t.Errorf("got %v, %v; want %v", got, err, tc.want)
		}
	}
}

func TestFilterScope(t *testing.T) {
	boolCases(t, []struct {
		src  string
		want bool
	}{
		// Inside items filters, bare names are the line item's, item is the
		// line item, and order is still the order.
		{"items.any(item.ProductID = 'XYZ')", true},
		{"items.all(order.Total = 250)", true},
		{"items.count(Quantity > 2 and order.xp.MyCustomProperty = 'XYZ') = 2", true},
		// Nested filters: item is the innermost element.
		{"items.any(Product.xp.Tags.any(item = 'tag3'))", true},
		{"items.count(Product.xp.Tags.any(item = 'tag*')) = 1", true},
		// Outside filters item is the current line item (0: ABC).
		{"item.ProductID = 'ABC' and items.any(ProductID = 'XYZ')", true},
		// Lists of objects.
		{"order.xp.Tags.count(item <> 'tagX') = 2", true},
	})
	addr := map[string]any{"xp": map[string]any{"Addresses": []any{
		map[string]any{"City": "Oslo"}, map[string]any{"City": "Bergen"},
	}}}
	if got, err := mustParse(t, "order.xp.Addresses.any(City = 'Bergen') and order.xp.Addresses.count(item.City = 'Oslo') = 1").Bool(Env{Order: addr}); err != nil || !got {
		t.Errorf("filters over a list of objects: got %v, %v", got, err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		src  string
		kind Kind
		code string
	}{
		{"order.Total > 1", OrderLevel, ""},
		{"order.xp.Tags.any(item = 'x')", OrderLevel, ""}, // item inside a filter is the element
		{"items.any(item.ProductID = 'x')", OrderLevel, ""},
		{"item.ProductID = 'x'", OrderLevel, CodeItemNotAllowed},
		{"order.Total > 1 and item.Quantity > 1", OrderLevel, CodeItemNotAllowed},
		{"order.Total > 1", ItemEligible, CodeItemRequired},
		{"items.any(item.ProductID = 'x')", ItemEligible, CodeItemRequired},
		{"item.ProductID = 'x'", ItemEligible, ""},
		{"ITEM.ProductID = 'x'", ItemEligible, ""},
		{"item.UnitPrice", ItemValue, ""},
		{"10", ItemValue, ""},
		{"order.Total >", OrderLevel, CodeInvalidSyntax}, // parse errors first
		{"item.x >", ItemEligible, CodeInvalidSyntax},
	}
	for _, tt := range tests {
		if got := codeOf(Check(tt.src, tt.kind)); got != tt.code {
			t.Errorf("Check(%q, %d) = %q; want %q", tt.src, tt.kind, got, tt.code)
		}
	}
	var e *Error
	if err := Check("order.Total > 1 and item.Quantity > 1", OrderLevel); !errors.As(err, &e) || e.Pos.Column != 21 {
		t.Errorf("ItemNotAllowed position: %v; want column 21", err)
	}
	if !mustParse(t, "item.x = 1").UsesItem() || mustParse(t, "items.any(item.x = 1)").UsesItem() {
		t.Error("UsesItem")
	}
}
