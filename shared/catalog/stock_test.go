package catalog_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// productStock reads a product's Inventory.QuantityAvailable as the admin.
func productStock(t *testing.T, e *apptest.Env, admin, productID string) string {
	t.Helper()
	return apptest.Must(t, e, "GET", "/v1/products/"+productID, admin, nil, 200).S("Inventory.QuantityAvailable")
}

// A product with inventory records holds their sum; its own figure (the
// one before the first record, or one written while records exist) comes
// back when the last record goes.
func TestProductStockIsTheSumOfItsRecords(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "p1", "ps", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 3}})
	inventoryAddress(t, e, admin, "wh1")
	base := "/v1/products/p1/inventoryrecords"

	apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "r1", "AddressID": "wh1", "QuantityAvailable": 5}, 201)
	if q := productStock(t, e, admin, "p1"); q != "5" {
		t.Errorf("after the first record: %s, want 5", q)
	}
	apptest.Must(t, e, "PUT", base+"/r2", admin, map[string]any{"AddressID": "wh1", "QuantityAvailable": 2}, 200)
	apptest.Must(t, e, "PATCH", base+"/r1", admin, map[string]any{"QuantityAvailable": 4}, 200)
	if q := productStock(t, e, admin, "p1"); q != "6" {
		t.Errorf("records of 4 and 2: %s, want 6", q)
	}
	// Writing the product's quantity while records exist keeps their sum.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 100}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Description": "unrelated"}, 200)
	if q := productStock(t, e, admin, "p1"); q != "6" {
		t.Errorf("after writing the product's own figure: %s, want 6", q)
	}
	apptest.Must(t, e, "DELETE", base+"/r1", admin, nil, 204)
	if q := productStock(t, e, admin, "p1"); q != "2" {
		t.Errorf("after deleting a record of 4: %s, want 2", q)
	}
	apptest.Must(t, e, "DELETE", base+"/r2", admin, nil, 204)
	if q := productStock(t, e, admin, "p1"); q != "100" {
		t.Errorf("with no record left: %s, want the product's own 100", q)
	}
	// A product not tracking stock keeps none.
	apptest.Product(t, e, admin, "plain", "ps", nil)
	apptest.Must(t, e, "POST", "/v1/products/plain/inventoryrecords", admin, map[string]any{"AddressID": "wh1", "QuantityAvailable": 5}, 201)
	if p := apptest.Must(t, e, "GET", "/v1/products/plain", admin, nil, 200); p.Get("Inventory") != nil && p.S("Inventory.QuantityAvailable") != "" {
		t.Errorf("untracked product: %s", p.Raw)
	}
}

// A product tracking stock per variant holds its variants' sum, and a
// variant with records holds theirs.
func TestVariantStockSums(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "tee", "ps", map[string]any{"Inventory": map[string]any{"Enabled": true}})
	specWithOptions(t, e, admin, "color", specVariantOpts, "red", "blue")
	specAssign(t, e, admin, "color", "tee")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	apptest.Must(t, e, "PATCH", "/v1/products/tee", admin, map[string]any{"Inventory": map[string]any{"VariantLevelTracking": true}}, 200)
	inventoryAddress(t, e, admin, "wh1")

	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-red", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 3}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-blue", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 2}}, 200)
	if q := productStock(t, e, admin, "tee"); q != "5" {
		t.Errorf("variants of 3 and 2: product %s, want 5", q)
	}
	// Turning variant-level tracking on sums what the variants hold.
	apptest.Must(t, e, "PATCH", "/v1/products/tee", admin, map[string]any{"Inventory": map[string]any{"VariantLevelTracking": false}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/tee", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 40}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/tee", admin, map[string]any{"Inventory": map[string]any{"VariantLevelTracking": true}}, 200)
	if q := productStock(t, e, admin, "tee"); q != "5" {
		t.Errorf("variant-level tracking turned on: product %s, want 5", q)
	}

	red := "/v1/products/tee/variants/tee-red"
	apptest.Must(t, e, "POST", red+"/inventoryrecords", admin, map[string]any{"ID": "vr1", "AddressID": "wh1", "QuantityAvailable": 7}, 201)
	if v := apptest.Must(t, e, "GET", red, admin, nil, 200); v.S("Inventory.QuantityAvailable") != "7" {
		t.Errorf("variant with a record of 7: %s", v.S("Inventory.QuantityAvailable"))
	}
	if q := productStock(t, e, admin, "tee"); q != "9" {
		t.Errorf("red's record of 7 and blue's 2: product %s, want 9", q)
	}
	apptest.Must(t, e, "PATCH", red+"/inventoryrecords/vr1", admin, map[string]any{"QuantityAvailable": 1}, 200)
	if q := productStock(t, e, admin, "tee"); q != "3" {
		t.Errorf("record lowered to 1: product %s, want 3", q)
	}
	apptest.Must(t, e, "DELETE", red+"/inventoryrecords/vr1", admin, nil, 204)
	if v := apptest.Must(t, e, "GET", red, admin, nil, 200); v.S("Inventory.QuantityAvailable") != "3" {
		t.Errorf("variant without records: %s, want its own 3", v.S("Inventory.QuantityAvailable"))
	}
	if q := productStock(t, e, admin, "tee"); q != "5" {
		t.Errorf("after the variant's last record: product %s, want 5", q)
	}
	// Regenerating afresh resets the variants, and their stock leaves the sum.
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate?overwriteExisting=true", admin, nil, 201)
	if q := productStock(t, e, admin, "tee"); q != "0" {
		t.Errorf("after resetting the variants: product %s, want 0", q)
	}
}
