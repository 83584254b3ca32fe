package app_test

import (
	"testing"
)

// Every amount a caller may set on an order is guarded on every write:
// shipping and tax need their override roles on create as on update, and
// no amount may be negative, so a Total cannot go below the goods' price.
func TestOrderAmountsGuarded(t *testing.T) {
	t.Parallel()
	s := orderShop(t)
	e := s.e

	// A Shopper cannot set shipping or tax, on create or on patch.
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"ShippingCost": -90}), 400, "ValidationFailure")
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"ShippingCost": 5}), 403, "Order.OverrideShippingPermission")
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"TaxCost": 5}), 403, "Order.OverrideTaxPermission")
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"Gratuity": -4}), 400, "ValidationFailure")
	id := s.newOrder(t, s.token)
	wantErr(t, e.Do("PATCH", outgoing+"/"+id, s.token, map[string]any{"ShippingCost": 1}), 403, "Order.OverrideShippingPermission")
	wantErr(t, e.Do("PATCH", outgoing+"/"+id, s.token, map[string]any{"TaxCost": 1}), 403, "Order.OverrideTaxPermission")
	wantErr(t, e.Do("PATCH", outgoing+"/"+id, s.token, map[string]any{"Gratuity": -0.01}), 400, "ValidationFailure")
	s.addLine(t, s.token, id, "p1", 2)
	must(t, e, "PATCH", outgoing+"/"+id, s.token, map[string]any{"Gratuity": 1.5}, 200)
	r := submitted(t, e.Do("POST", outgoing+"/"+id+"/submit", s.token, nil))
	if r.S("Total") != "21.5" {
		t.Errorf("Total %s, want 21.5: %s", r.S("Total"), r.Raw)
	}

	// The marketplace owner, with every override, still cannot go negative.
	admin := s.admin
	inc := "/v1/orders/Incoming/" + id
	wantErr(t, e.Do("PATCH", inc, admin, map[string]any{"ShippingCost": -90}), 400, "ValidationFailure")
	wantErr(t, e.Do("PATCH", inc, admin, map[string]any{"TaxCost": -5}), 400, "ValidationFailure")
	r = must(t, e, "PATCH", inc, admin, map[string]any{"ShippingCost": 4.25, "TaxCost": 1.1}, 200)
	if r.S("Total") != "26.85" {
		t.Errorf("Total %s, want 26.85: %s", r.S("Total"), r.Raw)
	}
	// A line's unit price override and a price break cannot be negative either.
	wantErr(t, e.Do("POST", "/v1/priceschedules", admin, map[string]any{"ID": "neg", "Name": "N",
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": -1}}}), 400, "ValidationFailure")
	id2 := s.newOrder(t, s.token)
	wantErr(t, e.Do("POST", outgoing+"/"+id2+"/lineitems", s.token, map[string]any{"ProductID": "p1", "UnitPrice": -3}), 400, "ValidationFailure")
}

// An order's addresses are chosen by ID only among the addresses its user
// may use; another buyer's address is not found.
func TestOrderAddressesByID(t *testing.T) {
	t.Parallel()
	s := orderShop(t)
	e, admin := s.e, s.admin
	addr := func(buyerID, id string) {
		must(t, e, "POST", "/v1/buyers/"+buyerID+"/addresses", admin, map[string]any{"ID": id, "Street1": "1 Main", "City": "X",
			"State": "MN", "Zip": "55401", "Country": "US"}, 201)
	}
	addr("b1", "home")
	must(t, e, "POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "home", "IsShipping": true}, 204)
	addr("b1", "unassigned")
	buyer(t, e, admin, "b2")
	addr("b2", "elsewhere")

	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"ShippingAddressID": "elsewhere"}), 404, "NotFound")
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"ShippingAddressID": "unassigned"}), 404, "NotFound")
	wantErr(t, e.Do("POST", outgoing, s.token, map[string]any{"BillingAddressID": "home"}), 400, "ValidationFailure")
	id := s.newOrder(t, s.token)
	s.addLine(t, s.token, id, "p1", 1)
	r := must(t, e, "PATCH", outgoing+"/"+id, s.token, map[string]any{"ShippingAddressID": "home"}, 200)
	if r.S("ShippingAddressID") != "home" {
		t.Errorf("shipping address: %s", r.Raw)
	}
	line := must(t, e, "GET", outgoing+"/"+id+"/lineitems", s.token, nil, 200)
	if line.S("Items.0.ShippingAddress.Street1") != "1 Main" {
		t.Errorf("line ship-to: %s", line.Raw)
	}
	wantErr(t, e.Do("PATCH", outgoing+"/"+id, s.token, map[string]any{"ShippingAddressID": "elsewhere"}), 404, "NotFound")
}
