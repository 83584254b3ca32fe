package orders_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// warehouse creates a marketplace address inventory records ship from.
func warehouse(t *testing.T, e *apptest.Env, admin, id string) {
	t.Helper()
	apptest.Must(t, e, "POST", "/v1/addresses", admin, map[string]any{"ID": id, "Street1": "1 Dock", "City": "Minneapolis", "State": "MN",
		"Zip": "55401", "Country": "US"}, 201)
}

func stockOf(t *testing.T, e *apptest.Env, admin, path, field string) string {
	t.Helper()
	return apptest.Must(t, e, "GET", path, admin, nil, 200).S(field)
}

// holdForApproval puts a submitted order on hold, as approval rules do (a
// submit step of their own): the order's status is set in the store.
func holdForApproval(t *testing.T, e *apptest.Env, orderID string) {
	t.Helper()
	for shard := range 4 {
		it, err := e.Store.Get(t.Context(), store.Key{PK: fmt.Sprintf("Order#s%d", shard), SK: orderID})
		if err != nil {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(it.Doc, &doc); err != nil {
			t.Fatal(err)
		}
		doc["Status"] = "AwaitingApproval"
		it.Doc, _ = json.Marshal(doc)
		if _, err := e.Store.Put(t.Context(), it, store.IfVersion); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("order %s not found", orderID)
}

func TestInventoryRecordsOnOrders(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Product(t, e, admin, "pr", "breaks", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 50}})
	apptest.InCatalog(t, e, admin, "b1", "pr")
	warehouse(t, e, admin, "wh1")
	records := "/v1/products/pr/inventoryrecords"
	apptest.Must(t, e, "POST", records, admin, map[string]any{"ID": "r1", "AddressID": "wh1", "QuantityAvailable": 2}, 201)
	apptest.Must(t, e, "POST", records, admin, map[string]any{"ID": "r2", "AddressID": "wh1", "QuantityAvailable": 1, "AllowAllBuyers": false}, 201)
	if q := stockOf(t, e, admin, "/v1/products/pr", "Inventory.QuantityAvailable"); q != "3" {
		t.Fatalf("product with records of 2 and 1: %s", q)
	}
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"
	add := func(record string, qty int) apptest.Resp {
		return e.Do("POST", lines, s.Token, map[string]any{"ProductID": "pr", "Quantity": qty, "InventoryRecordID": record})
	}

	// A record the buyer may not draw on, or none at all, is not found.
	apptest.WantErr(t, add("r2", 1), 404, "NotFound")
	apptest.WantErr(t, add("nope", 1), 404, "NotFound")
	apptest.Must(t, e, "POST", records+"/assignments", admin, map[string]any{"InventoryRecordID": "r2", "BuyerID": "b1"}, 204)
	// A record's own stock bounds the lines drawing on it.
	apptest.WantErr(t, add("r1", 3), 400, "Inventory.Insufficient")
	add("r1", 2).Must(t, 201)
	apptest.WantErr(t, add("r1", 1), 400, "Inventory.Insufficient")
	add("r2", 1).Must(t, 201)
	// A line naming no record draws on nothing while records exist.
	s.AddLine(t, s.Token, id, "pr", 40)

	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if q := stockOf(t, e, admin, records+"/r1", "QuantityAvailable"); q != "0" {
		t.Errorf("r1 after submitting 2: %s", q)
	}
	if q := stockOf(t, e, admin, records+"/r2", "QuantityAvailable"); q != "0" {
		t.Errorf("r2 after submitting 1: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/pr", "Inventory.QuantityAvailable"); q != "0" {
		t.Errorf("product after its records ran out: %s", q)
	}

	// Canceling gives back exactly what was taken; an open order cannot be.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/cancel", s.Token, nil), 400, "Order.CannotCancelInCurrentStatus")
	holdForApproval(t, e, id)
	c := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/cancel", s.Token, nil, 201)
	if c.S("Status") != "Canceled" || c.S("DateCanceled") == "" {
		t.Errorf("canceled: %s", c.Raw)
	}
	if q := stockOf(t, e, admin, records+"/r1", "QuantityAvailable"); q != "2" {
		t.Errorf("r1 after the cancel: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/pr", "Inventory.QuantityAvailable"); q != "3" {
		t.Errorf("product after the cancel: %s", q)
	}
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/cancel", s.Token, nil), 400, "Order.CannotCancelInCurrentStatus")
	if q := stockOf(t, e, admin, "/v1/products/pr", "Inventory.QuantityAvailable"); q != "3" {
		t.Errorf("product after a refused second cancel: %s", q)
	}
	// An unsubmitted order is canceled with nothing to give back.
	other := s.NewOrder(t, s.Token)
	apptest.Must(t, e, "POST", apptest.Outgoing+"/"+other+"/cancel", s.Token, nil, 201)
}

func TestVariantStockOnOrders(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Product(t, e, admin, "tee", "breaks", map[string]any{"Inventory": map[string]any{"Enabled": true, "VariantLevelTracking": true}})
	apptest.InCatalog(t, e, admin, "b1", "tee")
	spec(t, e, admin, "color", map[string]any{"Required": true, "DefinesVariant": true}, map[string]map[string]any{"red": nil, "blue": nil}, "tee")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-red", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 3}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-blue", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 5}}, 200)
	warehouse(t, e, admin, "wh1")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/tee-blue/inventoryrecords", admin, map[string]any{"ID": "vb", "AddressID": "wh1", "QuantityAvailable": 4}, 201)
	if q := stockOf(t, e, admin, "/v1/products/tee", "Inventory.QuantityAvailable"); q != "7" {
		t.Fatalf("red 3 and blue's record of 4: product %s", q)
	}
	id := s.NewOrder(t, s.Token)
	lines := apptest.Outgoing + "/" + id + "/lineitems"
	red := map[string]any{"ProductID": "tee", "Quantity": 4, "Specs": specs("color", "red")}
	apptest.WantErr(t, e.Do("POST", lines, s.Token, red), 400, "Inventory.Insufficient")
	red["Quantity"] = 3
	apptest.Must(t, e, "POST", lines, s.Token, red, 201)
	apptest.Must(t, e, "POST", lines, s.Token, map[string]any{"ProductID": "tee", "Quantity": 4, "Specs": specs("color", "blue"), "InventoryRecordID": "vb"}, 201)
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if q := stockOf(t, e, admin, "/v1/products/tee/variants/tee-red", "Inventory.QuantityAvailable"); q != "0" {
		t.Errorf("red after submitting 3: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/tee/variants/tee-blue", "Inventory.QuantityAvailable"); q != "0" {
		t.Errorf("blue after its record gave 4: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/tee/variants/tee-blue/inventoryrecords/vb", "QuantityAvailable"); q != "0" {
		t.Errorf("blue's record after submitting 4: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/tee", "Inventory.QuantityAvailable"); q != "0" {
		t.Errorf("product after both: %s", q)
	}
	holdForApproval(t, e, id)
	apptest.Must(t, e, "POST", "/v1/orders/Incoming/"+id+"/cancel", admin, nil, 201)
	if q := stockOf(t, e, admin, "/v1/products/tee/variants/tee-red", "Inventory.QuantityAvailable"); q != "3" {
		t.Errorf("red after the cancel: %s", q)
	}
	if q := stockOf(t, e, admin, "/v1/products/tee", "Inventory.QuantityAvailable"); q != "7" {
		t.Errorf("product after the cancel: %s", q)
	}
}

// Orders race for the last unit of each of two inventory records: exactly
// the available units are sold, one per record, and no record or sum goes
// below zero.
func TestConcurrentSubmitsAcrossInventoryRecords(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Product(t, e, admin, "last", "breaks", map[string]any{"Inventory": map[string]any{"Enabled": true}})
	apptest.InCatalog(t, e, admin, "b1", "last")
	warehouse(t, e, admin, "wh1")
	records := "/v1/products/last/inventoryrecords"
	apptest.Must(t, e, "POST", records, admin, map[string]any{"ID": "ra", "AddressID": "wh1", "QuantityAvailable": 1}, 201)
	apptest.Must(t, e, "POST", records, admin, map[string]any{"ID": "rb", "AddressID": "wh1", "QuantityAvailable": 1}, 201)
	var orders, tokens []string
	for i := range 6 {
		id := s.NewOrder(t, s.Token)
		record := []string{"ra", "rb"}[i%2]
		apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "last", "Quantity": 1, "InventoryRecordID": record}, 201)
		orders, tokens = append(orders, id), append(tokens, s.Token)
	}
	won := map[string]int{}
	for i, r := range race(s, tokens, orders) {
		switch {
		case r.Status == 201 || r.Status == 200:
			won[[]string{"ra", "rb"}[i%2]]++
		case r.Status == 400 && r.Code() == "Inventory.Insufficient":
		default:
			t.Errorf("unexpected submit response %d %s", r.Status, r.Raw)
		}
	}
	if won["ra"] != 1 || won["rb"] != 1 {
		t.Errorf("submits won per record %v, want one each", won)
	}
	for _, r := range []string{"ra", "rb"} {
		if q := stockOf(t, e, admin, records+"/"+r, "QuantityAvailable"); q != "0" {
			t.Errorf("record %s: %s, want 0", r, q)
		}
	}
	if q := stockOf(t, e, admin, "/v1/products/last", "Inventory.QuantityAvailable"); q != "0" {
		t.Errorf("product: %s, want 0", q)
	}
}
