package catalog_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// inventoryAddress creates an admin (marketplace) address.
func inventoryAddress(t *testing.T, e *apptest.Env, admin, id string) {
	t.Helper()
	apptest.Must(t, e, "POST", "/v1/addresses", admin, map[string]any{"ID": id, "AddressName": "Warehouse " + id, "Street1": "1 Main St",
		"City": "Minneapolis", "State": "MN", "Zip": "55401", "Country": "US"}, 201)
}

func TestInventoryRecordsProductLevel(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "p1", "ps", map[string]any{"Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 3}})
	inventoryAddress(t, e, admin, "wh1")
	inventoryAddress(t, e, admin, "wh2")
	base := "/v1/products/p1/inventoryrecords"

	// Validation and references.
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"QuantityAvailable": 1}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"AddressID": "nowhere"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/products/nope/inventoryrecords", admin, map[string]any{"AddressID": "wh1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"AddressID": "wh1", "QuantityAvailable": "many"}), 400, "Request.InvalidRequestBody")
	// A product without variant-level tracking keeps its records at product level.
	apptest.WantErr(t, e.Do("POST", "/v1/products/p1/variants/x/inventoryrecords", admin, map[string]any{"AddressID": "wh1"}), 404, "NotFound")

	r := apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "r1", "AddressID": "wh1", "QuantityAvailable": 5, "OrderCanExceed": true}, 201)
	if r.S("OwnerID") != "marketplace" || r.Get("AllowAllBuyers") != true || r.S("LastUpdated") == "" || r.S("QuantityAvailable") != "5" ||
		r.Get("OrderCanExceed") != true {
		t.Errorf("new record: %s", r.Raw)
	}
	apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "r2", "AddressID": "wh2", "QuantityAvailable": 2, "AllowAllBuyers": false}, 201)
	// Same address twice is allowed.
	apptest.Must(t, e, "PUT", base+"/r3", admin, map[string]any{"AddressID": "wh2", "QuantityAvailable": 9, "AllowAllBuyers": false}, 200)

	g := apptest.Must(t, e, "GET", base+"/r1", admin, nil, 200)
	if g.S("Address.ID") != "wh1" || g.S("Address.City") != "Minneapolis" {
		t.Errorf("record Address: %s", g.Raw)
	}
	l := apptest.Must(t, e, "GET", base, admin, nil, 200)
	if !slices.Equal(apptest.IDs(l), []string{"r1", "r2", "r3"}) || l.Get("Items.0.Address") != nil {
		t.Errorf("list: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", base+"?includeAddress=true&AddressID=wh2", admin, nil, 200); !slices.Equal(apptest.IDs(l), []string{"r2", "r3"}) ||
		l.S("Items.0.Address.ID") != "wh2" {
		t.Errorf("filtered list with addresses: %s", l.Raw)
	}
	p := apptest.Must(t, e, "PATCH", base+"/r1", admin, map[string]any{"QuantityAvailable": 4}, 200)
	if p.S("QuantityAvailable") != "4" || p.S("AddressID") != "wh1" {
		t.Errorf("patched: %s", p.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", base+"/r1", admin, map[string]any{"AddressID": "nowhere"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", base+"/nope", admin, nil), 404, "NotFound")

	// Assignments.
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "G1"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1", "UserID": "u1"}, 204)
	asg := base + "/assignments"
	apptest.WantErr(t, e.Do("POST", asg, admin, map[string]any{"InventoryRecordID": "nope", "BuyerID": "b1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", asg, admin, map[string]any{"InventoryRecordID": "r2", "BuyerID": "nobuyer"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", asg, admin, map[string]any{"InventoryRecordID": "r2"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/products/nope/inventoryrecords/assignments", admin, map[string]any{"InventoryRecordID": "r2", "BuyerID": "b1"}),
		404, "NotFound")
	apptest.Must(t, e, "POST", asg, admin, map[string]any{"InventoryRecordID": "r2", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "POST", asg, admin, map[string]any{"InventoryRecordID": "r3", "BuyerID": "b1", "UserGroupID": "g1"}, 204)
	if n := apptest.Must(t, e, "GET", asg, admin, nil, 200).S("Meta.TotalCount"); n != "2" {
		t.Errorf("assignments: %s", n)
	}
	if l := apptest.Must(t, e, "GET", asg+"?level=Group", admin, nil, 200); l.S("Meta.TotalCount") != "1" || l.S("Items.0.InventoryRecordID") != "r3" {
		t.Errorf("group-level assignments: %s", l.Raw)
	}

	// The buyer's view: records open to all buyers or assigned to the
	// company or one of the user's groups, for a visible product only.
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p1/inventoryrecords", s.Token, nil), 404, "NotFound")
	apptest.InCatalog(t, e, admin, "b1", "p1")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products/p1/inventoryrecords", s.Token, nil, 200)); !slices.Equal(got, []string{"r1", "r2", "r3"}) {
		t.Errorf("buyer records %v", got)
	}
	apptest.Must(t, e, "DELETE", base+"/r2/assignments?buyerID=b1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/g1/assignments/u1", admin, nil, 204)
	me := apptest.Must(t, e, "GET", "/v1/me/products/p1/inventoryrecords?includeAddress=true", s.Token, nil, 200)
	if got := apptest.IDs(me); !slices.Equal(got, []string{"r1"}) || me.S("Items.0.Address.ID") != "wh1" {
		t.Errorf("buyer records after unassigning: %s", me.Raw)
	}

	// Deleting a record deletes its assignments.
	apptest.Must(t, e, "DELETE", base+"/r3", admin, nil, 204)
	if n := apptest.Must(t, e, "GET", asg, admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("assignments of a deleted record: %s", n)
	}

	// VariantLevelTracking cannot change while records exist.
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/p1", admin, map[string]any{"Inventory": map[string]any{"VariantLevelTracking": true}}),
		400, "InventoryConfiguration.CannotChangeVariantLevelTracking")
	// An address a record ships from cannot be deleted until the records go.
	apptest.WantErr(t, e.Do("DELETE", "/v1/addresses/wh1", admin, nil), 400, "Address.CannotDeleteInventoryRecordAddress")
	apptest.Must(t, e, "DELETE", base+"/r1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", base+"/r2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/addresses/wh1", admin, nil, 204)
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Inventory": map[string]any{"VariantLevelTracking": true}}, 200)
	// …and then records belong at the variant level.
	apptest.Must(t, e, "POST", "/v1/addresses", admin, map[string]any{"ID": "wh1", "Street1": "1 Dock", "City": "X", "State": "MN", "Zip": "1", "Country": "US"}, 201)
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"AddressID": "wh1"}), 400, "InventoryConfiguration.InvalidVariantLevelTracking")
}

func TestInventoryVariantLevel(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "tee", "ps", map[string]any{"Inventory": map[string]any{"Enabled": true, "VariantLevelTracking": true}})
	apptest.Product(t, e, admin, "plain", "ps", nil)
	specWithOptions(t, e, admin, "color", specVariantOpts, "red", "blue")
	specAssign(t, e, admin, "color", "tee")
	specAssign(t, e, admin, "color", "plain")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	apptest.Must(t, e, "POST", "/v1/products/plain/variants/generate", admin, nil, 201)
	inventoryAddress(t, e, admin, "wh1")

	// Variant inventory needs variant-level tracking on the product.
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/plain/variants/plain-red", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 3}}),
		400, "Variant.MustEnableInventory")
	v := apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-red", admin, map[string]any{"Inventory": map[string]any{"QuantityAvailable": 3, "NotificationPoint": 1}}, 200)
	if v.S("Inventory.QuantityAvailable") != "3" || v.S("Inventory.NotificationPoint") != "1" || v.S("Inventory.LastUpdated") == "" {
		t.Errorf("variant inventory: %s", v.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	if q := apptest.Must(t, e, "GET", "/v1/products/tee/variants/tee-red", admin, nil, 200).S("Inventory.QuantityAvailable"); q != "3" {
		t.Errorf("variant inventory after regenerate: %s", q)
	}

	base := "/v1/products/tee/variants/tee-red/inventoryrecords"
	apptest.WantErr(t, e.Do("POST", "/v1/products/tee/inventoryrecords", admin, map[string]any{"AddressID": "wh1"}),
		400, "InventoryConfiguration.InvalidVariantLevelTracking")
	apptest.WantErr(t, e.Do("POST", "/v1/products/tee/variants/nope/inventoryrecords", admin, map[string]any{"AddressID": "wh1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"AddressID": "nowhere"}), 404, "NotFound")
	apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "vr1", "AddressID": "wh1", "QuantityAvailable": 7}, 201)
	apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "vr2", "AddressID": "wh1", "QuantityAvailable": 1, "AllowAllBuyers": false}, 201)
	apptest.Must(t, e, "PUT", base+"/vr1", admin, map[string]any{"AddressID": "wh1", "QuantityAvailable": 6}, 200)
	if g := apptest.Must(t, e, "GET", base+"/vr1", admin, nil, 200); g.S("QuantityAvailable") != "6" || g.S("Address.ID") != "wh1" {
		t.Errorf("variant record: %s", g.Raw)
	}
	apptest.Must(t, e, "PATCH", base+"/vr2", admin, map[string]any{"xp": map[string]any{"bin": "A"}}, 200)
	if got := apptest.IDs(apptest.Must(t, e, "GET", base, admin, nil, 200)); !slices.Equal(got, []string{"vr1", "vr2"}) {
		t.Errorf("variant records %v", got)
	}
	if n := apptest.Must(t, e, "GET", "/v1/products/tee/variants/tee-blue/inventoryrecords", admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("records leak across variants: %s", n)
	}
	asg := base + "/assignments"
	apptest.WantErr(t, e.Do("POST", "/v1/products/tee/variants/nope/inventoryrecords/assignments", admin,
		map[string]any{"InventoryRecordID": "vr2", "BuyerID": "b1"}), 404, "NotFound")
	apptest.Must(t, e, "POST", asg, admin, map[string]any{"InventoryRecordID": "vr2", "BuyerID": "b1"}, 204)

	apptest.InCatalog(t, e, admin, "b1", "tee")
	meBase := "/v1/me/products/tee/variants/tee-red/inventoryrecords"
	if got := apptest.IDs(apptest.Must(t, e, "GET", meBase, s.Token, nil, 200)); !slices.Equal(got, []string{"vr1", "vr2"}) {
		t.Errorf("buyer variant records %v", got)
	}
	apptest.Must(t, e, "DELETE", base+"/vr2/assignments?buyerID=b1", admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", meBase, s.Token, nil, 200)); !slices.Equal(got, []string{"vr1"}) {
		t.Errorf("buyer variant records after unassigning %v", got)
	}
	apptest.Must(t, e, "POST", asg, admin, map[string]any{"InventoryRecordID": "vr2", "BuyerID": "b1"}, 204)

	// Renaming the variant takes its records and assignments along.
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/tee-red", admin, map[string]any{"ID": "TEE-R"}, 200)
	moved := "/v1/products/tee/variants/TEE-R/inventoryrecords"
	if got := apptest.IDs(apptest.Must(t, e, "GET", moved, admin, nil, 200)); !slices.Equal(got, []string{"vr1", "vr2"}) {
		t.Errorf("records after rename %v", got)
	}
	if n := apptest.Must(t, e, "GET", moved+"/assignments", admin, nil, 200).S("Meta.TotalCount"); n != "1" {
		t.Errorf("assignments after rename: %s", n)
	}
	apptest.WantErr(t, e.Do("GET", base, admin, nil), 404, "NotFound")

	// An inactive variant hides its records from buyers.
	apptest.Must(t, e, "PATCH", "/v1/products/tee/variants/TEE-R", admin, map[string]any{"Active": false}, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/tee/variants/TEE-R/inventoryrecords", s.Token, nil), 404, "NotFound")

	// Delete a record: its assignments go.
	apptest.Must(t, e, "DELETE", moved+"/vr2", admin, nil, 204)
	if n := apptest.Must(t, e, "GET", moved+"/assignments", admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("assignments of a deleted record: %s", n)
	}

	// Regenerating with overwrite resets the variant (new ID): its records go.
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate?overwriteExisting=true", admin, nil, 201)
	if n := apptest.Must(t, e, "GET", "/v1/products/tee/variants/tee-red/inventoryrecords", admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("records of a reset variant: %s", n)
	}

	// Deleting the product removes everything under it.
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/tee-blue/inventoryrecords", admin, map[string]any{"ID": "b1r", "AddressID": "wh1"}, 201)
	apptest.Must(t, e, "DELETE", "/v1/products/tee", admin, nil, 204)
	apptest.Product(t, e, admin, "tee", "ps", map[string]any{"Inventory": map[string]any{"Enabled": true, "VariantLevelTracking": true}})
	specAssign(t, e, admin, "color", "tee")
	apptest.Must(t, e, "POST", "/v1/products/tee/variants/generate", admin, nil, 201)
	if n := apptest.Must(t, e, "GET", "/v1/products/tee/variants/tee-blue/inventoryrecords", admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("records survived their product: %s", n)
	}
}
