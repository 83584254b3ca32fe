package orders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func wantTotals(t *testing.T, s *apptest.Shop, orderID, subtotal, total, count string) {
	t.Helper()
	o := apptest.Must(t, s.E, "GET", apptest.Outgoing+"/"+orderID, s.Token, nil, 200)
	if o.S("Subtotal") != subtotal || o.S("Total") != total || o.S("LineItemCount") != count {
		t.Errorf("order Subtotal=%s Total=%s LineItemCount=%s, want %s %s %s", o.S("Subtotal"), o.S("Total"), o.S("LineItemCount"), subtotal, total, count)
	}
}

func isUTC(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && strings.HasSuffix(s, "Z")
}

func TestOrderJourney(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E

	o := apptest.Must(t, e, "POST", apptest.Outgoing, s.Token, map[string]any{"Comments": "first order", "xp": map[string]any{"ref": "A1"}}, 201)
	id := o.S("ID")
	if id == "" || o.S("Status") != "Unsubmitted" || o.Get("IsSubmitted") != false || o.S("FromUserID") != "u1" ||
		o.S("FromCompanyID") != "b1" || o.S("Subtotal") != "0" || o.S("LineItemCount") != "0" || o.S("FromUser.Username") != "shopper-one" {
		t.Errorf("new order: %s", o.Raw)
	}
	if len(apptest.InternalFields(o.Raw)) > 0 || strings.Contains(o.Raw, "argon2") {
		t.Errorf("order leaks the password hash: %s", o.Raw)
	}
	if !isUTC(o.S("DateCreated")) {
		t.Errorf("DateCreated %q", o.S("DateCreated"))
	}

	// A product the buyer cannot see cannot be ordered.
	apptest.Product(t, e, s.Admin, "hidden", "breaks", nil)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "hidden", "Quantity": 1}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"Quantity": 1}), 400, "ValidationFailure")

	// Price breaks: 6 units are priced at the 5+ break.
	l1 := s.AddLine(t, s.Token, id, "p1", 6)
	if l1.S("UnitPrice") != "8" || l1.S("LineSubtotal") != "48" || l1.S("LineTotal") != "48" || l1.S("PriceScheduleID") != "breaks" || l1.S("Product.ID") != "p1" {
		t.Errorf("line of 6: %s", l1.Raw)
	}
	wantTotals(t, s, id, "48", "48", "1")

	l2 := s.AddLine(t, s.Token, id, "p1", 2)
	if l2.S("UnitPrice") != "10" || l2.S("LineSubtotal") != "20" {
		t.Errorf("line of 2: %s", l2.Raw)
	}
	wantTotals(t, s, id, "68", "68", "2")

	p := apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+l2.S("ID"), s.Token, map[string]any{"Quantity": 5}, 200)
	if p.S("UnitPrice") != "8" || p.S("LineSubtotal") != "40" {
		t.Errorf("patched line of 5: %s", p.Raw)
	}
	wantTotals(t, s, id, "88", "88", "2")

	apptest.Must(t, e, "DELETE", apptest.Outgoing+"/"+id+"/lineitems/"+l2.S("ID"), s.Token, nil, 204)
	wantTotals(t, s, id, "48", "48", "1")
	if got := apptest.IDs(apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems", s.Token, nil, 200)); !slices.Equal(got, []string{l1.S("ID")}) {
		t.Errorf("line items after delete: %v", got)
	}

	// Submit.
	sub := apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if sub.S("Status") != "Open" || sub.Get("IsSubmitted") != true || !isUTC(sub.S("DateSubmitted")) {
		t.Errorf("submitted order: %s", sub.Raw)
	}
	if g := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200); g.S("Status") != "Open" || g.S("Subtotal") != "48" {
		t.Errorf("order after submit: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "Order.CannotSubmitBadStatus")
	if r := e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "p1", "Quantity": 1}); r.Status != 400 {
		t.Errorf("line item added to a submitted order: %d %s", r.Status, r.Raw)
	}

	// The buyer's own list, another user of the same buyer, the marketplace.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders", s.Token, nil, 200)); !slices.Contains(got, id) {
		t.Errorf("me/orders lacks the order: %v", got)
	}
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	other := s.Login("shopper-two", "Shopper")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+id, other, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+id+"/lineitems", other, nil), 404, "NotFound")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders", other, nil, 200)); slices.Contains(got, id) {
		t.Errorf("another user lists the order: %v", got)
	}
	if r := e.Do("PATCH", apptest.Outgoing+"/"+id, other, map[string]any{"Comments": "hijack"}); r.Status != 404 {
		t.Errorf("another user patched the order: %d %s", r.Status, r.Raw)
	}

	inc := apptest.Must(t, e, "GET", "/v1/orders/Incoming", s.Admin, nil, 200)
	if !slices.Contains(apptest.IDs(inc), id) {
		t.Errorf("admin's incoming orders lack the order: %s", inc.Raw)
	}
	if g := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id, s.Admin, nil, 200); g.S("FromUserID") != "u1" {
		t.Errorf("admin GET incoming order: %s", g.Raw)
	}
	// The buyer does not see its orders as incoming.
	apptest.WantErr(t, e.Do("GET", "/v1/orders/Incoming/"+id, s.Token, nil), 404, "NotFound")
}

func TestMoneyIsDecimalExact(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.PriceSchedule(t, e, s.Admin, "dime", nil, 1, 0.1)
	apptest.PriceSchedule(t, e, s.Admin, "fifth", nil, 1, 0.2)
	apptest.Product(t, e, s.Admin, "d", "dime", nil)
	apptest.Product(t, e, s.Admin, "f", "fifth", nil)
	apptest.InCatalog(t, e, s.Admin, "b1", "d")
	apptest.InCatalog(t, e, s.Admin, "b1", "f")

	id := s.NewOrder(t, s.Token)
	l := s.AddLine(t, s.Token, id, "d", 3)
	if !strings.Contains(l.Raw, `"LineSubtotal":0.3,`) || !strings.Contains(l.Raw, `"UnitPrice":0.1,`) {
		t.Errorf("0.1 × 3 is not exactly 0.3: %s", l.Raw)
	}
	s.AddLine(t, s.Token, id, "f", 1)
	o := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200)
	if !strings.Contains(o.Raw, `"Subtotal":0.5,`) || o.S("Total") != "0.5" {
		t.Errorf("0.3 + 0.2 is not exactly 0.5: Subtotal=%s Total=%s", o.S("Subtotal"), o.S("Total"))
	}
}

func TestPriceScheduleMinAndMax(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.PriceSchedule(t, e, s.Admin, "bounded", map[string]any{"MinQuantity": 2, "MaxQuantity": 10}, 1, 5)
	apptest.Product(t, e, s.Admin, "p", "bounded", nil)
	apptest.InCatalog(t, e, s.Admin, "b1", "p")
	id := s.NewOrder(t, s.Token)
	path := apptest.Outgoing + "/" + id + "/lineitems"

	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"ProductID": "p", "Quantity": 1}), 400, "PriceSchedule.CannotBeLessThanMin")
	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"ProductID": "p", "Quantity": 11}), 400, "PriceSchedule.CannotExceedMax")
	l := s.AddLine(t, s.Token, id, "p", 10)
	apptest.WantErr(t, e.Do("PATCH", path+"/"+l.S("ID"), s.Token, map[string]any{"Quantity": 11}), 400, "PriceSchedule.CannotExceedMax")
	apptest.WantErr(t, e.Do("PATCH", path+"/"+l.S("ID"), s.Token, map[string]any{"Quantity": 1}), 400, "PriceSchedule.CannotBeLessThanMin")
	// Refused changes leave the order as it was.
	wantTotals(t, s, id, "50", "50", "1")
}

func TestInventoryAndSubmit(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.PriceSchedule(t, e, s.Admin, "list", nil, 1, 3)
	apptest.Product(t, e, s.Admin, "stocked", "list", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 5}})
	apptest.InCatalog(t, e, s.Admin, "b1", "stocked")

	id := s.NewOrder(t, s.Token)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "stocked", "Quantity": 6}), 400, "Inventory.Insufficient")
	wantTotals(t, s, id, "0", "0", "0")
	l := s.AddLine(t, s.Token, id, "stocked", 4)
	// Two lines of one product count together against the stock.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "stocked", "Quantity": 2}), 400, "Inventory.Insufficient")
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+l.S("ID"), s.Token, map[string]any{"Quantity": 6}), 400, "Inventory.Insufficient")

	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if p := apptest.Must(t, e, "GET", "/v1/products/stocked", s.Admin, nil, 200); p.S("Inventory.QuantityAvailable") != "1" {
		t.Errorf("stock after submitting 4 of 5: %s", p.S("Inventory.QuantityAvailable"))
	}
	if p := apptest.Must(t, e, "GET", "/v1/me/products/stocked", s.Token, nil, 200); p.S("Inventory.QuantityAvailable") != "1" {
		t.Errorf("buyer's view of the stock: %s", p.S("Inventory.QuantityAvailable"))
	}
	// Editing the product without touching the stock keeps it.
	apptest.Must(t, e, "PATCH", "/v1/products/stocked", s.Admin, map[string]any{"Description": "now with a description"}, 200)
	if p := apptest.Must(t, e, "GET", "/v1/products/stocked", s.Admin, nil, 200); p.S("Inventory.QuantityAvailable") != "1" {
		t.Errorf("stock after an unrelated PATCH: %s", p.S("Inventory.QuantityAvailable"))
	}
}

func TestSubmitWithNoLineItems(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	id := s.NewOrder(t, s.Token)
	apptest.WantErr(t, s.E.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "Order.CannotSubmitWithNoLineItems")
	if o := apptest.Must(t, s.E, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200); o.S("Status") != "Unsubmitted" {
		t.Errorf("status after a refused submit: %s", o.S("Status"))
	}
}

// race submits the orders at once and returns the responses.
func race(s *apptest.Shop, tokens []string, orderIDs []string) []apptest.Resp {
	return apptest.Parallel(len(orderIDs), func(i int) apptest.Resp {
		return s.E.Do("POST", apptest.Outgoing+"/"+orderIDs[i]+"/submit", tokens[i], nil)
	})
}

// Two orders race for the last units: exactly one is submitted and the
// stock never goes below zero.
func TestConcurrentSubmitsForLastUnits(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	second := s.Login("shopper-two", "Shopper")
	apptest.PriceSchedule(t, e, s.Admin, "list", nil, 1, 3)

	for round := 0; round < 3; round++ {
		pid := fmt.Sprintf("last%d", round)
		apptest.Product(t, e, s.Admin, pid, "list", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 2}})
		apptest.InCatalog(t, e, s.Admin, "b1", pid)
		a, b := s.NewOrder(t, s.Token), s.NewOrder(t, second)
		s.AddLine(t, s.Token, a, pid, 2)
		s.AddLine(t, second, b, pid, 2)

		res := race(s, []string{s.Token, second}, []string{a, b})
		won := 0
		for _, r := range res {
			switch {
			case r.Status == 201 || r.Status == 200:
				won++
			case r.Status == 400 && r.Code() == "Inventory.Insufficient":
			default:
				t.Errorf("round %d: unexpected submit response %d %s", round, r.Status, r.Raw)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d submits succeeded, want exactly 1", round, won)
		}
		if p := apptest.Must(t, e, "GET", "/v1/products/"+pid, s.Admin, nil, 200); p.S("Inventory.QuantityAvailable") != "0" {
			t.Errorf("round %d: stock %s, want 0", round, p.S("Inventory.QuantityAvailable"))
		}
		// The loser is still an editable, unsubmitted order.
		open := 0
		for _, id := range []string{a, b} {
			if o := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id, s.Admin, nil, 200); o.S("Status") == "Open" {
				open++
			} else if o.S("Status") != "Unsubmitted" {
				t.Errorf("round %d: order %s status %s", round, id, o.S("Status"))
			}
		}
		if open != won {
			t.Errorf("round %d: %d open orders for %d successful submits", round, open, won)
		}
	}
}

// Concurrent submits that all fit in the stock must all succeed, and those
// that do not must fail cleanly: stock 5, three orders of 2 → two succeed.
func TestConcurrentSubmitsWithEnoughStockForSome(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.PriceSchedule(t, e, s.Admin, "list", nil, 1, 3)
	apptest.Product(t, e, s.Admin, "st", "list", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 5}})
	apptest.InCatalog(t, e, s.Admin, "b1", "st")
	var orders, tokens []string
	for i := 0; i < 3; i++ {
		id := s.NewOrder(t, s.Token)
		s.AddLine(t, s.Token, id, "st", 2)
		orders, tokens = append(orders, id), append(tokens, s.Token)
	}
	won := 0
	for _, r := range race(s, tokens, orders) {
		switch {
		case r.Status == 201 || r.Status == 200:
			won++
		case r.Status == 400 && r.Code() == "Inventory.Insufficient":
		default:
			t.Errorf("unexpected submit response %d %s", r.Status, r.Raw)
		}
	}
	p := apptest.Must(t, e, "GET", "/v1/products/st", s.Admin, nil, 200)
	if won != 2 || p.S("Inventory.QuantityAvailable") != "1" {
		t.Errorf("%d submits succeeded leaving stock %s, want 2 leaving 1", won, p.S("Inventory.QuantityAvailable"))
	}
}

func TestShipmentsCompleteTheOrder(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin

	id := s.NewOrder(t, s.Token)
	line := s.AddLine(t, s.Token, id, "p1", 5).S("ID")
	item := func(shipment string, qty int) apptest.Resp {
		return e.Do("POST", "/v1/shipments/"+shipment+"/items", admin, map[string]any{"OrderID": id, "LineItemID": line, "QuantityShipped": qty})
	}

	// Shipments that have shipped: their items complete the order.
	shipped := "2024-01-02T03:04:05Z"
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "s1", "BuyerID": "b1", "DateShipped": shipped}, 201)
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "s2", "BuyerID": "b1", "DateShipped": shipped}, 201)
	// An unsubmitted order cannot ship.
	apptest.WantErr(t, item("s1", 1), 400, "Order.CannotShipBadStatus")

	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	r := item("s1", 2).Must(t, 201)
	if r.S("QuantityShipped") != "2" || r.S("OrderID") != id || r.S("LineItemID") != line || r.S("UnitPrice") != "8" {
		t.Errorf("shipment item: %s", r.Raw)
	}
	o := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id, admin, nil, 200)
	if o.S("Status") != "Open" || o.Get("DateCompleted") != nil {
		t.Errorf("partly shipped order: Status=%s DateCompleted=%v", o.S("Status"), o.Get("DateCompleted"))
	}
	if l := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id+"/lineitems/"+line, admin, nil, 200); l.S("QuantityShipped") != "2" {
		t.Errorf("line QuantityShipped = %s, want 2", l.S("QuantityShipped"))
	}

	// More than what is left to ship.
	apptest.WantErr(t, item("s2", 4), 400, "ShipmentItem.QuantityExceeded")
	if o := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id, admin, nil, 200); o.S("Status") != "Open" {
		t.Errorf("refused shipment changed the order: %s", o.S("Status"))
	}

	item("s2", 3).Must(t, 201)
	o = apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id, admin, nil, 200)
	if o.S("Status") != "Completed" || !isUTC(o.S("DateCompleted")) {
		t.Errorf("fully shipped order: Status=%s DateCompleted=%v", o.S("Status"), o.Get("DateCompleted"))
	}
	if l := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+id+"/lineitems/"+line, admin, nil, 200); l.S("QuantityShipped") != "5" {
		t.Errorf("line QuantityShipped = %s, want 5", l.S("QuantityShipped"))
	}
	if got := apptest.Must(t, e, "GET", "/v1/shipments/s1/items", admin, nil, 200); got.S("Meta.TotalCount") != "1" || got.S("Items.0.QuantityShipped") != "2" {
		t.Errorf("s1 items: %s", got.Raw)
	}
}
