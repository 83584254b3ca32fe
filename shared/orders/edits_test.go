package orders_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// PUT replaces an order's writable fields; the parts of an order and its
// lines patch and replace as documented; Validate checks without submitting.
func TestOrderEdits(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	id := apptest.Must(t, e, "POST", apptest.Outgoing, s.Token, map[string]any{"Comments": "first", "xp": map[string]any{"a": 1}}, 201).S("ID")
	line := s.AddLine(t, s.Token, id, "p1", 2).S("ID")

	o := apptest.Must(t, e, "PUT", apptest.Outgoing+"/"+id, s.Token, map[string]any{"xp": map[string]any{"b": 2}}, 200)
	if o.S("Comments") != "" || o.S("xp.b") != "2" || o.Get("xp.a") != nil || o.S("FromUserID") != "u1" || o.S("Subtotal") != "20" {
		t.Errorf("PUT order: %s", o.Raw)
	}

	// Patch of a missing address is refused; after PUT it patches.
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id+"/shipto", s.Token, map[string]any{"City": "X"}), 400, "Address.CannotUpdateNotFound")
	addr := map[string]any{"Street1": "1 Main", "City": "Town", "State": "MN", "Zip": "55555", "Country": "US", "FirstName": "A", "LastName": "B"}
	apptest.Must(t, e, "PUT", apptest.Outgoing+"/"+id+"/shipto", s.Token, addr, 200)
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/shipto", s.Token, map[string]any{"City": "Elsewhere"}, 200)
	l := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, nil, 200)
	if l.S("ShippingAddress.City") != "Elsewhere" || l.S("ShippingAddress.Street1") != "1 Main" {
		t.Errorf("line after patching the order's ship-to: %s", l.Raw)
	}
	apptest.Must(t, e, "PUT", apptest.Outgoing+"/"+id+"/billto", s.Token, addr, 200)
	if b := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/billto", s.Token, map[string]any{"Zip": "11111"}, 200); b.S("BillingAddress.Zip") != "11111" || b.S("BillingAddress.City") != "Town" {
		t.Errorf("patch bill-to: %s", b.Raw)
	}

	// The order's user: contact details only.
	fu := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/fromuser", s.Token, map[string]any{"FirstName": "Ann", "Email": "ann@x.io"}, 200)
	if fu.S("FromUser.FirstName") != "Ann" || fu.S("FromUser.Email") != "ann@x.io" || fu.S("FromUser.Username") != "shopper-one" {
		t.Errorf("patch from user: %s", fu.Raw)
	}
	if fu := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/fromuser", s.Token, map[string]any{"Username": "x"}, 200); fu.S("FromUser.Username") != "shopper-one" {
		t.Errorf("patch from user changed its username: %s", fu.Raw)
	}

	// Line replace: quantity and product kept unless given; product cannot change.
	sl := apptest.Must(t, e, "PUT", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, map[string]any{"ProductID": "p1", "Quantity": 6}, 200)
	if sl.S("Quantity") != "6" || sl.S("UnitPrice") != "8" || sl.S("LineTotal") != "48" {
		t.Errorf("PUT line: %s", sl.Raw)
	}
	apptest.WantErr(t, e.Do("PUT", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, map[string]any{"ProductID": "other", "Quantity": 1}), 400, "LineItem.CannotChangeProductID")
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+line+"/shipto", s.Token, map[string]any{"City": "Lineville"}, 200)
	if l := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, nil, 200); l.S("ShippingAddress.City") != "Lineville" {
		t.Errorf("line ship-to patch: %s", l.Raw)
	}

	// Validate: fine now; an empty order is refused as submit would.
	apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/validate", s.Token, nil, 204)
	if o := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200); o.S("Status") != "Unsubmitted" {
		t.Errorf("validate submitted the order: %s", o.Raw)
	}
	empty := s.NewOrder(t, s.Token)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+empty+"/validate", s.Token, nil), 400, "Order.CannotSubmitWithNoLineItems")

	// Stock that ran out since the line was added is refused by Validate,
	// and nothing is taken.
	apptest.Product(t, e, s.Admin, "few", "breaks", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 3}})
	apptest.InCatalog(t, e, s.Admin, "b1", "few")
	short := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, short, "few", 2)
	apptest.Must(t, e, "PATCH", "/v1/products/few", s.Admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 1}}, 200)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+short+"/validate", s.Token, nil), 400, "Inventory.Insufficient")
	if q := apptest.Must(t, e, "GET", "/v1/products/few", s.Admin, nil, 200).S("Inventory.QuantityAvailable"); q != "1" {
		t.Errorf("stock after a refused validate: %s", q)
	}
}

// Line items across orders: the submitted orders' lines by default, each
// with its order; order filters prefixed Order.; sorts start with an order
// field.
func TestLineItemsAcrossOrders(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	var submitted []string
	for i := range 3 {
		id := s.NewOrder(t, s.Token)
		for range i + 1 {
			s.AddLine(t, s.Token, id, "p1", 1)
		}
		if i < 2 {
			apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
			submitted = append(submitted, id)
		}
	}
	r := apptest.Must(t, e, "GET", "/v1/lineitems/Incoming", s.Admin, nil, 200)
	if r.S("Meta.TotalCount") != "3" || r.S("Items.0.Order.Status") != "Open" || r.S("Items.0.OrderID") == "" {
		t.Errorf("lines across submitted orders: %s", r.Raw)
	}
	var orders []string
	for i := range 3 {
		orders = append(orders, r.S("Items."+string(rune('0'+i))+".OrderID"))
	}
	if !slices.Equal(orders, []string{submitted[0], submitted[1], submitted[1]}) && !slices.Equal(orders, []string{submitted[1], submitted[1], submitted[0]}) {
		t.Errorf("line order: %v (submitted %v)", orders, submitted)
	}
	if r := apptest.Must(t, e, "GET", "/v1/lineitems/Incoming?Order.IsSubmitted=false&pageSize=1&page=2", s.Admin, nil, 200); r.S("Meta.TotalCount") != "3" || r.S("Items.0.Order.Status") != "Unsubmitted" {
		t.Errorf("unsubmitted lines, page 2: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/lineitems/Incoming?Order.ID="+submitted[1]+"&Quantity=1", s.Admin, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("order and line filters: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/lineitems/Incoming?sortBy=DateAdded", s.Admin, nil), 400, "LineItem.MustSortByOrderFirst")
	if r := apptest.Must(t, e, "GET", "/v1/lineitems/Incoming?sortBy=!Order.ID", s.Admin, nil, 200); r.S("Meta.TotalCount") != "3" {
		t.Errorf("sorted by order: %s", r.Raw)
	}
	// Another buyer's user sees none of them.
	apptest.Buyer(t, e, s.Admin, "b2")
	if r := apptest.Must(t, e, "GET", "/v1/lineitems/Incoming?buyerID=b2", s.Admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("b2's lines: %s", r.Raw)
	}
}
