package orders_test

import (
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// spec creates a spec with options (ID → option fields) and assigns it to
// products.
func spec(t *testing.T, e *apptest.Env, admin, id string, fields map[string]any, options map[string]map[string]any, products ...string) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Spec " + id}
	for k, v := range fields {
		if k != "DefaultOptionID" {
			body[k] = v
		}
	}
	apptest.Must(t, e, "POST", "/v1/specs", admin, body, 201)
	for oid, o := range options {
		ob := map[string]any{"ID": oid, "Value": "Value " + oid}
		for k, v := range o {
			ob[k] = v
		}
		apptest.Must(t, e, "POST", "/v1/specs/"+id+"/options", admin, ob, 201)
	}
	if def, ok := fields["DefaultOptionID"]; ok {
		apptest.Must(t, e, "PATCH", "/v1/specs/"+id, admin, map[string]any{"DefaultOptionID": def}, 200)
	}
	for _, p := range products {
		apptest.Must(t, e, "POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": id, "ProductID": p}, 204)
	}
}

func specs(pairs ...string) []any {
	var out []any
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, map[string]any{"SpecID": pairs[i], "OptionID": pairs[i+1]})
	}
	return out
}

func TestSpecMarkups(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	spec(t, e, admin, "color", map[string]any{"Required": true}, map[string]map[string]any{
		"red":  {"PriceMarkupType": "AmountPerQuantity", "PriceMarkup": 2},
		"blue": {"PriceMarkupType": "Percentage", "PriceMarkup": 10},
		"grey": {"PriceMarkupType": "NoMarkup", "PriceMarkup": 99}}, "p1")
	spec(t, e, admin, "gift", nil, map[string]map[string]any{"wrap": {"PriceMarkupType": "AmountTotal", "PriceMarkup": 5}}, "p1")
	spec(t, e, admin, "engrave", map[string]any{"AllowOpenText": true}, nil, "p1")
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"
	add := func(qty int, sp []any) apptest.Resp {
		return e.Do("POST", lines, s.Token, map[string]any{"ProductID": "p1", "Quantity": qty, "Specs": sp})
	}

	apptest.WantErr(t, add(1, nil), 400, "Spec.RequiresSelection")
	apptest.WantErr(t, add(1, specs("color", "purple")), 400, "Spec.OptionNotFound")
	apptest.WantErr(t, add(1, specs("color", "red", "nospec", "x")), 404, "NotFound")

	red := add(3, specs("color", "red")).Must(t, 201)
	if red.S("UnitPrice") != "12" || red.S("LineSubtotal") != "36" || red.S("Specs.0.SpecID") != "color" || red.S("Specs.0.Name") != "Spec color" ||
		red.S("Specs.0.Value") != "Value red" || red.S("Specs.0.PriceMarkupType") != "AmountPerQuantity" || red.S("Specs.0.PriceMarkup") != "2" {
		t.Errorf("red, 3 units: %s", red.Raw)
	}
	// 5 units take the 8 break; 10% of it is added to each.
	if blue := add(5, specs("color", "blue")).Must(t, 201); blue.S("UnitPrice") != "8.8" || blue.S("LineSubtotal") != "44" {
		t.Errorf("blue, 5 units: %s", blue.Raw)
	}
	if grey := add(1, specs("color", "grey")).Must(t, 201); grey.S("UnitPrice") != "10" || grey.Get("Specs.0.PriceMarkupType") != nil {
		t.Errorf("grey (no markup): %s", grey.Raw)
	}
	// A per-line markup: the unit price carries a rounded share, the
	// subtotal the exact amount; an open-text spec takes any value.
	sp := append(specs("color", "red", "gift", "wrap"), map[string]any{"SpecID": "engrave", "Value": "Ada"})
	wrapped := add(3, sp).Must(t, 201)
	if wrapped.S("UnitPrice") != "13.67" || wrapped.S("LineSubtotal") != "41" || wrapped.S("LineTotal") != "41" || wrapped.S("Specs.1.Value") != "Ada" {
		t.Errorf("red, wrapped, engraved, 3 units: %s", wrapped.Raw)
	}
	wantTotals(t, s, id, "131", "131", "4")
	// Changing the quantity prices the line again with its specs.
	p := apptest.Must(t, e, "PATCH", lines+"/"+wrapped.S("ID"), s.Token, map[string]any{"Quantity": 6}, 200)
	if p.S("UnitPrice") != "10.83" || p.S("LineSubtotal") != "65" {
		t.Errorf("wrapped line of 6: %s", p.Raw)
	}
	wantTotals(t, s, id, "155", "155", "4")
}

// Money stays exact: tenths and percentages add up without float drift.
func TestMarkupsAreExactDecimals(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "dime", nil, 1, 0.1)
	apptest.Product(t, e, admin, "dime", "dime", nil)
	apptest.InCatalog(t, e, admin, "b1", "dime")
	apptest.PriceSchedule(t, e, admin, "odd", nil, 1, 19.99)
	apptest.Product(t, e, admin, "odd", "odd", nil)
	apptest.InCatalog(t, e, admin, "b1", "odd")
	spec(t, e, admin, "plus", nil, map[string]map[string]any{"fifth": {"PriceMarkupType": "AmountPerQuantity", "PriceMarkup": 0.2}}, "dime")
	spec(t, e, admin, "tax", nil, map[string]map[string]any{"pct": {"PriceMarkupType": "Percentage", "PriceMarkup": 7.5}}, "odd")
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"
	a := apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "dime", "Quantity": 3, "Specs": specs("plus", "fifth")}, 201)
	if a.S("UnitPrice") != "0.3" || a.S("LineSubtotal") != "0.9" {
		t.Errorf("0.1 + 0.2, 3 units: %s", a.Raw)
	}
	b := apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "odd", "Quantity": 2, "Specs": specs("tax", "pct")}, 201)
	if b.S("UnitPrice") != "21.48925" || b.S("LineSubtotal") != "42.9785" {
		t.Errorf("19.99 + 7.5%%, 2 units: %s", b.Raw)
	}
	wantTotals(t, s, id, "43.8785", "43.8785", "2")
}

func TestSpecDefaultsAndVariants(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Product(t, e, admin, "tee", "breaks", nil)
	apptest.InCatalog(t, e, admin, "b1", "tee")
	spec(t, e, admin, "size", map[string]any{"Required": true, "DefinesVariant": true, "DefaultOptionID": "M"},
		map[string]map[string]any{"S": nil, "M": nil, "XL": {"PriceMarkupType": "AmountPerQuantity", "PriceMarkup": 1.5}}, "tee")
	spec(t, e, admin, "fit", map[string]any{"Required": true, "DefinesVariant": true},
		map[string]map[string]any{"slim": nil, "loose": nil}, "tee")
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"

	// Variant specs without generated variants select none.
	apptest.WantErr(t, e.Do("POST", lines, s.Token, map[string]any{"ProductID": "tee", "Specs": specs("fit", "slim")}), 400, "LineItem.VariantNotFound")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-slim-S", admin, map[string]any{"Active": false}, 200)

	// The size defaults to M; the options pick the variant.
	l := apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "tee", "Specs": specs("fit", "slim")}, 201)
	if l.S("Variant.ID") != "tee-slim-M" || l.S("UnitPrice") != "10" || l.S("Specs.1.SpecID") != "size" || l.S("Specs.1.OptionID") != "M" {
		t.Errorf("slim, default size: %s", l.Raw)
	}
	xl := apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "tee", "Quantity": 2, "Specs": specs("fit", "loose", "size", "XL")}, 201)
	if xl.S("Variant.ID") != "tee-loose-XL" || xl.S("UnitPrice") != "11.5" || xl.S("LineSubtotal") != "23" {
		t.Errorf("loose XL: %s", xl.Raw)
	}
	// An option can be chosen by its value too.
	byValue := []any{map[string]any{"SpecID": "fit", "Value": "value LOOSE"}, map[string]any{"SpecID": "size", "OptionID": "S"}}
	if v := apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "tee", "Specs": byValue}, 201); v.S("Variant.ID") != "tee-loose-S" {
		t.Errorf("fit chosen by value: %s", v.Raw)
	}
	// An inactive variant cannot be bought; a required spec without a
	// default must be given.
	apptest.WantErr(t, e.Do("POST", lines, s.Token, map[string]any{"ProductID": "tee", "Specs": specs("fit", "slim", "size", "S")}), 400, "LineItem.VariantNotFound")
	apptest.WantErr(t, e.Do("POST", lines, s.Token, map[string]any{"ProductID": "tee"}), 400, "Spec.RequiresSelection")
}

func TestCumulativeQuantityPricing(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "cum", map[string]any{"UseCumulativeQuantity": true, "MinQuantity": 4, "MaxQuantity": 12}, 1, 10, 5, 8)
	apptest.Product(t, e, admin, "bolt", "cum", nil)
	apptest.InCatalog(t, e, admin, "b1", "bolt")
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"

	a := s.AddLine(t, s.Token, id, "bolt", 3)
	if a.S("UnitPrice") != "10" {
		t.Errorf("3 bolts: %s", a.Raw)
	}
	// Too few bolts in all: refused on submit, not while building the order.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "PriceSchedule.CumulativeCannotBeLessThanMin")
	b := s.AddLine(t, s.Token, id, "bolt", 3)
	if b.S("UnitPrice") != "8" {
		t.Errorf("3 more bolts (6 in all): %s", b.Raw)
	}
	if g := apptest.Must(t, e, "GET", lines+"/"+a.S("ID"), s.Token, nil, 200); g.S("UnitPrice") != "8" || g.S("LineSubtotal") != "24" {
		t.Errorf("first line once 6 are ordered: %s", g.Raw)
	}
	wantTotals(t, s, id, "48", "48", "2")
	apptest.WantErr(t, e.Do("POST", lines, s.Token, map[string]any{"ProductID": "bolt", "Quantity": 7}), 400, "PriceSchedule.CumulativeCannotExceedMax")
	apptest.Must(t, e, "DELETE", lines+"/"+b.S("ID"), s.Token, nil, 204)
	if g := apptest.Must(t, e, "GET", lines+"/"+a.S("ID"), s.Token, nil, 200); g.S("UnitPrice") != "10" {
		t.Errorf("first line alone again: %s", g.Raw)
	}
	wantTotals(t, s, id, "30", "30", "1")
	apptest.Must(t, e, "PATCH", lines+"/"+a.S("ID"), s.Token, map[string]any{"Quantity": 5}, 200)
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
}

func TestSalePricesAndOverrides(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	now := time.Now().UTC()
	apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "sale", "Name": "Sale",
		"SaleStart": now.Add(-time.Hour).Format(time.RFC3339), "SaleEnd": now.Add(time.Hour).Format(time.RFC3339),
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 20, "SalePrice": 15.5}}}, 201)
	apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "later", "Name": "Later",
		"SaleStart":   now.Add(time.Hour).Format(time.RFC3339),
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 20, "SalePrice": 15.5}}}, 201)
	apptest.Product(t, e, admin, "onsale", "sale", nil)
	apptest.Product(t, e, admin, "notyet", "later", nil)
	apptest.InCatalog(t, e, admin, "b1", "onsale")
	apptest.InCatalog(t, e, admin, "b1", "notyet")
	id := s.NewOrder(t, s.Token)
	if l := s.AddLine(t, s.Token, id, "onsale", 2); l.S("UnitPrice") != "15.5" || l.Get("IsOnSale") != true || l.S("LineSubtotal") != "31" {
		t.Errorf("on sale: %s", l.Raw)
	}
	if l := s.AddLine(t, s.Token, id, "notyet", 1); l.S("UnitPrice") != "20" || l.Get("IsOnSale") != false {
		t.Errorf("sale not started: %s", l.Raw)
	}

	// A buyer's UnitPrice is ignored; the marketplace may set one.
	bl := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "p1", "Quantity": 2, "UnitPrice": 1}, 201)
	if bl.S("UnitPrice") != "10" || bl.Get("PriceOverridden") != false {
		t.Errorf("buyer's price: %s", bl.Raw)
	}
	ol := apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+id+"/lineitems", admin, map[string]any{"ProductID": "p1", "Quantity": 3, "UnitPrice": 2.25}, 201)
	if ol.S("UnitPrice") != "2.25" || ol.Get("PriceOverridden") != true || ol.S("LineSubtotal") != "6.75" {
		t.Errorf("overridden price: %s", ol.Raw)
	}
	wantTotals(t, s, id, "77.75", "77.75", "4")
}
