package orders_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Every amount a caller may set on an order is guarded on every write:
// shipping and tax need their override roles on create as on update, and
// no amount may be negative, so a Total cannot go below the goods' price.
func TestOrderAmountsGuarded(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E

	// A Shopper cannot set shipping or tax, on create or on patch.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"ShippingCost": -90}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"ShippingCost": 5}), 403, "Order.OverrideShippingPermission")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"TaxCost": 5}), 403, "Order.OverrideTaxPermission")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"Gratuity": -4}), 400, "ValidationFailure")
	id := s.NewOrder(t, s.Token)
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"ShippingCost": 1}), 403, "Order.OverrideShippingPermission")
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"TaxCost": 1}), 403, "Order.OverrideTaxPermission")
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"Gratuity": -0.01}), 400, "ValidationFailure")
	s.AddLine(t, s.Token, id, "p1", 2)
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"Gratuity": 1.5}, 200)
	r := apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if r.S("Total") != "21.5" {
		t.Errorf("Total %s, want 21.5: %s", r.S("Total"), r.Raw)
	}

	// The marketplace owner, with every override, still cannot go negative.
	admin := s.Admin
	inc := "/v1/orders/Incoming/" + id
	apptest.WantErr(t, e.Do("PATCH", inc, admin, map[string]any{"ShippingCost": -90}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("PATCH", inc, admin, map[string]any{"TaxCost": -5}), 400, "ValidationFailure")
	r = apptest.Must(t, e, "PATCH", inc, admin, map[string]any{"ShippingCost": 4.25, "TaxCost": 1.1}, 200)
	if r.S("Total") != "26.85" {
		t.Errorf("Total %s, want 26.85: %s", r.S("Total"), r.Raw)
	}
	// A line's unit price override and a price break cannot be negative either.
	apptest.WantErr(t, e.Do("POST", "/v1/priceschedules", admin, map[string]any{"ID": "neg", "Name": "N",
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": -1}}}), 400, "ValidationFailure")
	id2 := s.NewOrder(t, s.Token)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id2+"/lineitems", s.Token, map[string]any{"ProductID": "p1", "UnitPrice": -3}), 400, "ValidationFailure")
}

// An order's addresses are chosen by ID only among the addresses its user
// may use; another buyer's address is not found.
func TestOrderAddressesByID(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	addr := func(buyerID, id string) {
		apptest.Must(t, e, "POST", "/v1/buyers/"+buyerID+"/addresses", admin, map[string]any{"ID": id, "Street1": "1 Main", "City": "X",
			"State": "MN", "Zip": "55401", "Country": "US"}, 201)
	}
	addr("b1", "home")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "home", "IsShipping": true}, 204)
	addr("b1", "unassigned")
	apptest.Buyer(t, e, admin, "b2")
	addr("b2", "elsewhere")

	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"ShippingAddressID": "elsewhere"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"ShippingAddressID": "unassigned"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, s.Token, map[string]any{"BillingAddressID": "home"}), 400, "ValidationFailure")
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	r := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"ShippingAddressID": "home"}, 200)
	if r.S("ShippingAddressID") != "home" {
		t.Errorf("shipping address: %s", r.Raw)
	}
	line := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems", s.Token, nil, 200)
	if line.S("Items.0.ShippingAddress.Street1") != "1 Main" {
		t.Errorf("line ship-to: %s", line.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"ShippingAddressID": "elsewhere"}), 404, "NotFound")
}
