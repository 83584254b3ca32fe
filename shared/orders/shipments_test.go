package orders_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// submittedOrder creates and submits an order of token's user with lines
// of p1 of the given quantities, and returns it with its line IDs.
func submittedOrder(t *testing.T, s *apptest.Shop, token string, qty ...int) (string, []string) {
	t.Helper()
	id := s.NewOrder(t, token)
	var lines []string
	for _, q := range qty {
		lines = append(lines, s.AddLine(t, token, id, "p1", q).S("ID"))
	}
	apptest.Submitted(t, s.E.Do("POST", apptest.Outgoing+"/"+id+"/submit", token, nil))
	return id, lines
}

func orderStatus(t *testing.T, s *apptest.Shop, id string) apptest.Resp {
	t.Helper()
	return apptest.Must(t, s.E, "GET", "/v1/orders/Incoming/"+id, s.Admin, nil, 200)
}

func shippedQty(t *testing.T, s *apptest.Shop, orderID, lineID string) string {
	t.Helper()
	return apptest.Must(t, s.E, "GET", "/v1/orders/Incoming/"+orderID+"/lineitems/"+lineID, s.Admin, nil, 200).S("QuantityShipped")
}

// Partial shipments complete the order only once everything is on
// shipments that have shipped (Shipment.DateShipped); deleting items and
// shipments gives the quantities back and reopens the order.
func TestPartialShipmentsAndDateShipped(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	id, lines := submittedOrder(t, s, s.Token, 5)
	line := lines[0]
	item := func(shipment string, qty int) apptest.Resp {
		return e.Do("POST", "/v1/shipments/"+shipment+"/items", admin, map[string]any{"OrderID": id, "LineItemID": line, "QuantityShipped": qty})
	}
	// Created without DateShipped, as the contract advises.
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "s1", "BuyerID": "b1", "Shipper": "UPS"}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "s2", "BuyerID": "b1"}, 201)
	item("s1", 2).Must(t, 201)
	item("s2", 3).Must(t, 201)
	if o := orderStatus(t, s, id); o.S("Status") != "Open" {
		t.Errorf("order shipped on undated shipments: %s", o.S("Status"))
	}
	if q := shippedQty(t, s, id, line); q != "5" {
		t.Errorf("QuantityShipped %s, want 5", q)
	}
	// Saving an item again replaces its quantity.
	item("s2", 3).Must(t, 201)
	apptest.WantErr(t, item("s2", 4), 400, "ShipmentItem.QuantityExceeded")

	apptest.Must(t, e, "PATCH", "/v1/shipments/s1", admin, map[string]any{"DateShipped": "2024-03-04T05:06:07Z"}, 200)
	if o := orderStatus(t, s, id); o.S("Status") != "Open" {
		t.Errorf("order completed with s2 not shipped: %s", o.S("Status"))
	}
	apptest.Must(t, e, "PATCH", "/v1/shipments/s2", admin, map[string]any{"DateShipped": "2024-03-05T05:06:07Z"}, 200)
	if o := orderStatus(t, s, id); o.S("Status") != "Completed" || !isUTC(o.S("DateCompleted")) {
		t.Errorf("order after both shipped: %s %s", o.S("Status"), o.S("DateCompleted"))
	}

	// Deleting an item: the line ships less, the order reopens, and the
	// shipment no longer lists among the order's.
	apptest.Must(t, e, "DELETE", "/v1/shipments/s2/items/"+id+"/"+line, admin, nil, 204)
	apptest.WantErr(t, e.Do("DELETE", "/v1/shipments/s2/items/"+id+"/"+line, admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/shipments/s2/items/"+id+"/"+line, admin, nil), 404, "NotFound")
	if q := shippedQty(t, s, id, line); q != "2" {
		t.Errorf("QuantityShipped after deleting 3: %s", q)
	}
	if o := orderStatus(t, s, id); o.S("Status") != "Open" || o.Get("DateCompleted") != nil {
		t.Errorf("order after an item went: %s", o.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id+"/shipments", admin, nil, 200)); !slices.Equal(got, []string{"s1"}) {
		t.Errorf("order's shipments: %v", got)
	}
	// Shipping it again on the shipped s2 completes the order at once.
	item("s2", 3).Must(t, 201)
	if o := orderStatus(t, s, id); o.S("Status") != "Completed" {
		t.Errorf("order after shipping the rest on a shipped shipment: %s", o.S("Status"))
	}

	// Deleting a shipment takes its items off, the same way.
	apptest.Must(t, e, "DELETE", "/v1/shipments/s1", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/shipments/s1", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/shipments/s1/items", admin, nil), 404, "NotFound")
	if q := shippedQty(t, s, id, line); q != "3" {
		t.Errorf("QuantityShipped after deleting s1: %s", q)
	}
	if o := orderStatus(t, s, id); o.S("Status") != "Open" {
		t.Errorf("order after its shipment went: %s", o.S("Status"))
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/shipments?orderID="+id, admin, nil, 200)); !slices.Equal(got, []string{"s2"}) {
		t.Errorf("shipments of the order: %v", got)
	}
}

func TestShipWholeOrder(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses", admin, map[string]any{"ID": "home", "Street1": "1 Main", "City": "X",
		"State": "MN", "Zip": "55401", "Country": "US"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "home", "IsShipping": true}, 204)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 2)
	s.AddLine(t, s.Token, id, "p1", 1)
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"ShippingAddressID": "home"}, 200)
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))

	o := apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+id+"/ship", admin, map[string]any{"ID": "whole", "TrackingNumber": "1Z"}, 201)
	if o.S("Status") != "Completed" || !isUTC(o.S("DateCompleted")) {
		t.Errorf("shipped order: %s", o.Raw)
	}
	sh := apptest.Must(t, e, "GET", "/v1/shipments/whole", admin, nil, 200)
	if sh.S("BuyerID") != "b1" || sh.S("TrackingNumber") != "1Z" || !isUTC(sh.S("DateShipped")) || sh.S("ToAddressID") != "home" ||
		sh.S("ToAddress.Street1") != "1 Main" || sh.S("OwnerID") == "" {
		t.Errorf("shipment: %s", sh.Raw)
	}
	if items := apptest.Must(t, e, "GET", "/v1/shipments/whole/items", admin, nil, 200); items.S("Meta.TotalCount") != "2" {
		t.Errorf("shipment items: %s", items.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/orders/Incoming/"+id+"/ship", admin, map[string]any{}), 400, "Order.CannotShipBadStatus")
	apptest.WantErr(t, e.Do("POST", "/v1/orders/Incoming/"+s.NewOrder(t, s.Token)+"/ship", admin, nil), 400, "Order.CannotShipBadStatus")
}

func TestShipConflictsWithOtherShipments(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	id, lines := submittedOrder(t, s, s.Token, 2, 1)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "part", "BuyerID": "b1"}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments/part/items", admin, map[string]any{"OrderID": id, "LineItemID": lines[0], "QuantityShipped": 1}, 201)

	r := e.Do("POST", "/v1/orders/Incoming/"+id+"/ship", admin, map[string]any{"ID": "rest"})
	apptest.WantErr(t, r, 400, "Order.ConflictsWithOtherShipments")
	data, _ := r.Get("Errors.0.Data").([]any)
	if len(data) != 1 || r.S("Errors.0.Data.0.ID") != lines[0] || r.S("Errors.0.Data.0.QuantityShipped") != "1" {
		t.Errorf("conflicting line items: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/shipments/rest", admin, nil), 404, "NotFound")
	if q := shippedQty(t, s, id, lines[1]); q != "0" {
		t.Errorf("refused ship shipped line 2: %s", q)
	}
	// Once the partial shipment's item is gone, the whole order ships.
	apptest.Must(t, e, "DELETE", "/v1/shipments/part/items/"+id+"/"+lines[0], admin, nil, 204)
	if o := apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+id+"/ship", admin, map[string]any{"ID": "rest"}, 201); o.S("Status") != "Completed" {
		t.Errorf("shipped: %s", o.Raw)
	}
}

func TestShipmentAddresses(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/addresses", admin, map[string]any{"ID": "dock", "Street1": "9 Dock", "City": "Y", "Country": "US"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses", admin, map[string]any{"ID": "store", "Street1": "5 Store", "City": "Z", "Country": "US"}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "sh", "BuyerID": "b1", "FromAddressID": "dock"}, 201)
	if sh := apptest.Must(t, e, "GET", "/v1/shipments/sh", admin, nil, 200); sh.S("FromAddress.Street1") != "9 Dock" || sh.S("FromAddress.ID") != "dock" {
		t.Errorf("ship-from by ID: %s", sh.Raw)
	}
	if sh := apptest.Must(t, e, "PATCH", "/v1/shipments/sh", admin, map[string]any{"ToAddressID": "store"}, 200); sh.S("ToAddress.City") != "Z" ||
		sh.S("FromAddress.Street1") != "9 Dock" {
		t.Errorf("ship-to by ID: %s", sh.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/shipments/sh", admin, map[string]any{"ToAddressID": "nowhere"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/shipments/sh", admin, map[string]any{"FromAddressID": "store"}), 404, "NotFound")

	sh := apptest.Must(t, e, "PUT", "/v1/shipments/sh/shipfrom", admin, map[string]any{"ID": "ignored", "Street1": "1 Once", "City": "Q", "Country": "US"}, 200)
	if sh.S("FromAddress.Street1") != "1 Once" || sh.Get("FromAddressID") != nil || sh.Get("FromAddress.ID") != nil || sh.S("ToAddressID") != "store" {
		t.Errorf("one-time ship-from: %s", sh.Raw)
	}
	sh = apptest.Must(t, e, "PUT", "/v1/shipments/sh/shipto", admin, map[string]any{"Street1": "2 Once", "City": "R", "Country": "US"}, 200)
	if sh.S("ToAddress.Street1") != "2 Once" || sh.Get("ToAddressID") != nil || sh.S("FromAddress.Street1") != "1 Once" {
		t.Errorf("one-time ship-to: %s", sh.Raw)
	}
	// Other changes keep the one-time addresses.
	if sh := apptest.Must(t, e, "PATCH", "/v1/shipments/sh", admin, map[string]any{"Shipper": "DHL"}, 200); sh.S("ToAddress.Street1") != "2 Once" {
		t.Errorf("after an unrelated patch: %s", sh.Raw)
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/shipments/none/shipto", admin, map[string]any{"Street1": "x", "City": "c", "Country": "US"}), 404, "NotFound")
	// A buyer user may not change the marketplace's shipment.
	if r := e.Do("PUT", "/v1/shipments/sh/shipto", s.Token, map[string]any{"Street1": "x", "City": "c", "Country": "US"}); r.Status < 400 {
		t.Errorf("buyer changed the shipment: %d %s", r.Status, r.Raw)
	}
}

// A buyer user sees, through Me, the shipments of their own orders, and of
// a shipment only the items of their orders.
func TestMeShipments(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	peer := s.Login("shopper-two", "Shopper")
	mine, myLines := submittedOrder(t, s, s.Token, 2)
	theirs, theirLines := submittedOrder(t, s, peer, 1)
	other, otherLines := submittedOrder(t, s, s.Token, 1)

	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "both", "BuyerID": "b1"}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "peers", "BuyerID": "b1"}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "empty", "BuyerID": "b1"}, 201)
	save := func(shipment, orderID, lineID string) {
		apptest.Must(t, e, "POST", "/v1/shipments/"+shipment+"/items", admin, map[string]any{"OrderID": orderID, "LineItemID": lineID, "QuantityShipped": 1}, 201)
	}
	save("both", mine, myLines[0])
	save("both", theirs, theirLines[0])
	save("both", other, otherLines[0])
	// The peer's item moves to another shipment.
	apptest.Must(t, e, "DELETE", "/v1/shipments/both/items/"+theirs+"/"+theirLines[0], admin, nil, 204)
	save("peers", theirs, theirLines[0])

	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/shipments", s.Token, nil, 200)); !slices.Equal(got, []string{"both"}) {
		t.Errorf("my shipments: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/shipments", peer, nil, 200)); !slices.Equal(got, []string{"peers"}) {
		t.Errorf("peer's shipments: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/shipments?orderID="+theirs, s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("my shipments of the peer's order: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/shipments?orderID="+other, s.Token, nil, 200)); !slices.Equal(got, []string{"both"}) {
		t.Errorf("my shipments of one order: %v", got)
	}
	apptest.Must(t, e, "GET", "/v1/me/shipments/both", s.Token, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/me/shipments/both", peer, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/shipments/empty", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/shipments/peers/items", s.Token, nil), 404, "NotFound")

	items := apptest.Must(t, e, "GET", "/v1/me/shipments/both/items", s.Token, nil, 200)
	if items.S("Meta.TotalCount") != "2" || items.S("Items.0.OrderID") == theirs || items.S("Items.1.OrderID") == theirs {
		t.Errorf("my items of a shared shipment: %s", items.Raw)
	}
	if items := apptest.Must(t, e, "GET", "/v1/me/shipments/both/items?orderID="+mine, s.Token, nil, 200); items.S("Meta.TotalCount") != "1" ||
		items.S("Items.0.LineItemID") != myLines[0] {
		t.Errorf("my items of one order: %s", items.Raw)
	}
	// The marketplace sees every item; Me is for buyer users.
	if items := apptest.Must(t, e, "GET", "/v1/shipments/both/items", admin, nil, 200); items.S("Meta.TotalCount") != "2" {
		t.Errorf("all items: %s", items.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/shipments", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")

	// Once the shipment goes, it is nobody's.
	apptest.Must(t, e, "DELETE", "/v1/shipments/both", admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/shipments", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("my shipments after the delete: %v", got)
	}
}

// The marketplace's shipment lists read their page from the shipments'
// list indexes, filtered ones too, with TotalCount exact; a buyer's list
// shows its own shipments only.
func TestShipmentListsReadTheirPage(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Buyer(t, e, admin, "b2")
	apptest.Profile(t, e, admin, "shipment-reader", "ShipmentReader")
	apptest.AssignProfile(t, e, admin, "shipment-reader", map[string]any{"BuyerID": "b1"})
	reader := s.Login("shopper-one", "ShipmentReader")
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.SupplierUser(t, e, admin, "s1", "s1-user", "s1-user")
	apptest.AssignProfile(t, e, admin, "shipment-reader", map[string]any{"SupplierID": "s1"})
	supplierClient := apptest.BuyerClient(t, e, admin, map[string]any{"AllowAnySupplier": true})
	supplier := e.Login(supplierClient, "s1-user", apptest.BuyerPassword, "ShipmentReader")
	for i := range 30 {
		buyer, owner := "b1", ""
		if i%3 == 2 {
			buyer = "b2"
		}
		if i%5 == 4 {
			owner = "s1" // shipped by the supplier: i = 4, 9, 14, 19, 24, 29
		}
		apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": fmt.Sprintf("sh%02d", i), "BuyerID": buyer, "OwnerID": owner,
			"TrackingNumber": fmt.Sprintf("1Z%03d", i), "xp": map[string]any{"carrier": []string{"ups", "dhl"}[i%2]}}, 201)
	}
	for _, c := range []struct {
		path, token string
		total       string
		first       string
	}{
		{"/v1/shipments", admin, "30", "sh00"},
		{"/v1/shipments?page=2", admin, "30", "sh10"},
		{"/v1/shipments?BuyerID=b2", admin, "10", "sh02"},
		{"/v1/shipments?xp.carrier=dhl", admin, "15", "sh01"},
		{"/v1/shipments?search=1Z007", admin, "1", "sh07"},
		{"/v1/shipments", reader, "20", "sh00"},
		{"/v1/shipments?page=2", reader, "20", "sh15"},
		{"/v1/shipments?xp.carrier=ups", reader, "10", "sh00"},
		{"/v1/shipments", supplier, "6", "sh04"},
		{"/v1/shipments?BuyerID=b2", supplier, "2", "sh14"},
	} {
		e.Store.Calls.Reset()
		r := apptest.Must(t, e, "GET", c.path+sepFor(c.path)+"pageSize=10", c.token, nil, 200)
		ids := apptest.IDs(r)
		if r.S("Meta.TotalCount") != c.total || len(ids) == 0 || ids[0] != c.first {
			t.Errorf("%s: total %s, first %v; want %s, %s", c.path, r.S("Meta.TotalCount"), ids, c.total, c.first)
		}
		for _, id := range ids {
			var n int
			fmt.Sscanf(id, "sh%d", &n)
			if c.token == reader && n%3 == 2 || c.token == supplier && n%5 != 4 {
				t.Errorf("%s: a confined user sees another company's %s", c.path, id)
			}
		}
		// Every list, a buyer's or supplier's too (reached by OwnerID or
		// BuyerID: the derived _parties index), reads its page.
		if docs := e.Store.Calls.Docs(); docs > 12 {
			t.Errorf("%s: read %d documents for a page of 10", c.path, docs)
		}
	}
}
