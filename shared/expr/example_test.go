package expr_test

import (
	"encoding/json"
	"fmt"

	"github.com/ordercloud-serverless/occ/shared/expr"
)

func Example() {
	// A promotion: 10% off orders over $100 that include product ABC, at
	// most $20.
	eligible, err := expr.Parse("order.Subtotal > 100 and items.any(ProductID = 'ABC')")
	if err != nil {
		panic(err)
	}
	value, err := expr.Parse("min(order.Subtotal * .1, 20)")
	if err != nil {
		panic(err)
	}
	env := expr.Env{
		Order: map[string]any{"ID": "o1", "Subtotal": json.Number("149.90")},
		Items: []map[string]any{
			{"ProductID": "ABC", "Quantity": json.Number("2"), "LineSubtotal": json.Number("99.90")},
			{"ProductID": "XYZ", "Quantity": json.Number("1"), "LineSubtotal": json.Number("50")},
		},
	}
	ok, err := eligible.Bool(env)
	fmt.Println(ok, err)
	amount, err := value.Decimal(env)
	fmt.Println(amount, err)
	// Output:
	// true <nil>
	// 14.99 <nil>
}

func ExampleCheck() {
	err := expr.Check("item.ProductID = 'ABC'", expr.OrderLevel)
	fmt.Println(err)
	err = expr.Check("order.Total >", expr.OrderLevel)
	fmt.Println(err)
	// Output:
	// Expression.ItemNotAllowed at column 1: an order-level expression cannot use item; use items.any(...) and the other items functions
	// Expression.InvalidSyntax at column 14: unexpected end of expression
}
