package orders_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// bundle creates an active bundle in the buyer's catalog with product
// assignments (ProductID → Required, DefaultQuantity).
func bundle(t *testing.T, e *apptest.Env, admin, id string, items ...map[string]any) {
	t.Helper()
	apptest.Must(t, e, "POST", "/v1/bundles", admin, map[string]any{"ID": id, "Name": "Bundle " + id, "Active": true}, 201)
	for _, it := range items {
		body := map[string]any{"BundleID": id}
		for k, v := range it {
			body[k] = v
		}
		apptest.Must(t, e, "POST", "/v1/bundles/productassignments", admin, body, 204)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "b1", "BundleID": id}, 204)
}

func TestBundleLineItems(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "bundled", "Name": "Bundled",
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 10, "BundlePrice": 6}}}, 201)
	apptest.Product(t, e, admin, "ba", "bundled", nil)
	apptest.Product(t, e, admin, "bb", "breaks", nil)
	apptest.InCatalog(t, e, admin, "b1", "ba")
	apptest.InCatalog(t, e, admin, "b1", "bb")
	bundle(t, e, admin, "kit", map[string]any{"ProductID": "ba", "Required": true, "DefaultQuantity": 2}, map[string]any{"ProductID": "bb", "Required": false})
	bundle(t, e, admin, "nodefault", map[string]any{"ProductID": "ba", "Required": true})
	apptest.Must(t, e, "POST", "/v1/bundles", admin, map[string]any{"ID": "elsewhere", "Name": "Not in the catalog", "Active": true}, 201)
	id := s.NewOrder(t, s.Token)
	bundles := apptest.Outgoing + "/" + id + "/bundles/"
	lines := apptest.Outgoing + "/" + id + "/lineitems"

	apptest.WantErr(t, e.Do("POST", bundles+"elsewhere", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", bundles+"nodefault", s.Token, nil), 400, "Bundle.DefaultQuantityMissing")
	apptest.WantErr(t, e.Do("POST", bundles+"kit", s.Token, map[string]any{"LineItems": []any{map[string]any{"ProductID": "bb"}}}),
		400, "Bundle.RequiredBundleItemMissing")
	apptest.WantErr(t, e.Do("POST", bundles+"kit", s.Token, map[string]any{"LineItems": []any{map[string]any{"ProductID": "ba"}, map[string]any{"ProductID": "p1"}}}),
		400, "Bundle.ProductNotAssigned")
	wantTotals(t, s, id, "0", "0", "0")

	// No items given: the bundle's defaults. The bundle's own line has no
	// price and does not count; its item takes the bundle price.
	b1 := apptest.Must(t, e, "POST", bundles+"kit", s.Token, nil, 201)
	if b1.Get("IsBundle") != true || b1.S("ProductID") != "kit" || b1.S("UnitPrice") != "0" || b1.S("Product.Name") != "Bundle kit" {
		t.Errorf("bundle line: %s", b1.Raw)
	}
	items := apptest.Must(t, e, "GET", lines+"?BundleItemID="+b1.S("ID"), s.Token, nil, 200)
	if items.S("Meta.TotalCount") != "1" || items.S("Items.0.ProductID") != "ba" || items.S("Items.0.Quantity") != "2" ||
		items.S("Items.0.UnitPrice") != "6" || items.S("Items.0.LineSubtotal") != "12" {
		t.Errorf("bundle items: %s", items.Raw)
	}
	wantTotals(t, s, id, "12", "12", "1")

	// Items given: each at its quantity, or the bundle's default.
	b2 := apptest.Must(t, e, "POST", bundles+"kit", s.Token, map[string]any{"LineItems": []any{
		map[string]any{"ProductID": "ba"}, map[string]any{"ID": "opt", "ProductID": "bb", "Quantity": 3}}}, 201)
	if g := apptest.Must(t, e, "GET", lines+"/opt", s.Token, nil, 200); g.S("BundleItemID") != b2.S("ID") || g.S("UnitPrice") != "10" {
		t.Errorf("optional item: %s", g.Raw)
	}
	wantTotals(t, s, id, "54", "54", "3")

	// A bundle goes as a whole: not its line, nor a required item, alone.
	required := apptest.Must(t, e, "GET", lines+"?BundleItemID="+b2.S("ID")+"&ProductID=ba", s.Token, nil, 200).S("Items.0.ID")
	apptest.WantErr(t, e.Do("DELETE", lines+"/"+b2.S("ID"), s.Token, nil), 400, "LineItem.CannotRemoveBundle")
	apptest.WantErr(t, e.Do("DELETE", lines+"/"+required, s.Token, nil), 400, "LineItem.CannotRemoveRequiredBundleItem")
	apptest.WantErr(t, e.Do("DELETE", bundles+"kit/"+required, s.Token, nil), 400, "LineItem.CannotRemoveBundleItem")
	apptest.WantErr(t, e.Do("DELETE", bundles+"other/"+b2.S("ID"), s.Token, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", lines+"/opt", s.Token, nil, 204)
	wantTotals(t, s, id, "24", "24", "2")
	apptest.Must(t, e, "DELETE", bundles+"kit/"+b2.S("ID"), s.Token, nil, 204)
	if n := apptest.Must(t, e, "GET", lines, s.Token, nil, 200).S("Meta.TotalCount"); n != "2" {
		t.Errorf("lines after removing the second bundle: %s", n)
	}
	wantTotals(t, s, id, "12", "12", "1")

	// Submitted, shipped and completed with the bundle's line left out.
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	apptest.Must(t, e, "POST", "/v1/shipments", admin, map[string]any{"ID": "sh1", "BuyerID": "b1", "DateShipped": "2024-03-04T05:06:07Z"}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/shipments/sh1/items", admin, map[string]any{"OrderID": id, "LineItemID": b1.S("ID"), "QuantityShipped": 1}),
		400, "ShipmentItem.CannotBeBundle")
	item := items.S("Items.0.ID")
	apptest.Must(t, e, "POST", "/v1/shipments/sh1/items", admin, map[string]any{"OrderID": id, "LineItemID": item, "QuantityShipped": 2}, 201)
	if o := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200); o.S("Status") != "Completed" {
		t.Errorf("order with every item shipped: %s", o.S("Status"))
	}
}
