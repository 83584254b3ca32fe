package expr

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// The fixture order, decoded the way the API stores documents: numbers as
// json.Number. Subtotal is the sum of the line subtotals (30+100+100).
const orderJSON = `{
	"ID": "o1", "Total": 250.00, "Subtotal": 230, "ShippingCost": 15, "LineItemCount": 3,
	"DateCompleted": "2024-01-01T00:00:00+00:00",
	"FromUser": {"ID": "u1", "xp": {"FirstOrder": true}},
	"xp": {"MyCustomProperty": "XYZ", "myarray": ["value1", "value2", "four"],
		"Tags": ["tag1", "tag2", "tagX"], "Count": "5", "Quote": "it's", "Empty": [], "Nested": {"Sub": {"Leaf": 7}}}
}`

const itemsJSON = `[
	{"ID": "li1", "ProductID": "ABC", "Quantity": 3, "UnitPrice": 10, "LineSubtotal": 30, "LineTotal": 30,
	 "CostCenter": "ABC", "SupplierID": "123", "DateAdded": "2024-01-01T10:00:00Z",
	 "Product": {"ID": "ABC", "xp": {"OnSale": true, "Tags": ["value2", "tag1", "tag2", "tag3"],
		"NumberArray": [1, 23], "myarray": [10, 20]}}},
	{"ID": "li2", "ProductID": "XYZ", "Quantity": 4, "UnitPrice": 25, "LineSubtotal": 100, "LineTotal": 90,
	 "CostCenter": "DEF", "SupplierID": "123",
	 "Product": {"ID": "XYZ", "xp": {"OnSale": true, "Tags": ["other"]}}},
	{"ID": "li3", "ProductID": "P1", "Quantity": 2, "UnitPrice": 50, "LineSubtotal": 100, "LineTotal": 100,
	 "CostCenter": "ABC", "SupplierID": "999",
	 "Product": {"ID": "P1", "xp": {"OnSale": false}}}
]`

// categories: product ID to the categories it is assigned to directly;
// parents: category to its parent.
var (
	categories = map[string][]string{"ABC": {"Bikes", "Kitchen"}, "XYZ": {"GuitarAccessories"}, "P1": {"Bathroom"}}
	parents    = map[string]string{"Bathroom": "Home", "Kitchen": "Home", "Home": "Root"}
)

func inCategory(productID, categoryID string, descendants bool) (bool, error) {
	if productID == "BOOM" {
		return false, errBoom
	}
	for _, c := range categories[productID] {
		for c != "" {
			if c == categoryID {
				return true, nil
			}
			if !descendants {
				break
			}
			c = parents[c]
		}
	}
	return false, nil
}

var errBoom = errors.New("category lookup failed")

func decode[T any](s string) T {
	var v T
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// env returns a fresh fixture environment; item selects Items[item] as the
// current line item, or none when item < 0.
func env(item int) Env {
	items := decode[[]map[string]any](itemsJSON)
	e := Env{
		Order:      decode[map[string]any](orderJSON),
		Items:      items,
		Now:        fixedNow,
		Approved:   func(id string) bool { return slices.Contains([]string{"id_of_some_other_rule", "rule_id_1"}, id) },
		InCategory: inCategory,
	}
	if item >= 0 {
		e.Item = items[item]
	}
	return e
}
