package app_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// breadthGroups are the API index groups whose every endpoint must be
// served (seller, buyers, suppliers, product catalogs, the order
// lifecycle).
var breadthGroups = []string{
	"API clients", "Security profiles", "Impersonation configs", "Open ID connects", "Admin users", "Admin user groups",
	"Admin addresses", "Incrementors", "Locales", "XP indices",
	"Buyers", "Users", "Buyer groups", "User groups", "Addresses", "Cost centers", "Credit cards", "Spending accounts", "Approval rules",
	"Suppliers", "Supplier users", "Supplier user groups", "Supplier addresses",
	"Catalogs", "Categories", "Products", "Price schedules", "Specs", "Product facets", "Inventory records", "Bundles",
	"Discounts", "Promotions", "Product collections",
	"Orders", "Cart", "Line items", "Payments", "Shipments", "Seller approval rules", "Bundle line items", "Group orders",
	"Me", "Sellers", "Order returns",
	"Webhooks",
	"Delivery configurations", "Entity synchronization", "Product synchronization", "Order synchronization", "Error configs",
	"Tracking events", "Inventory", "Promotion", "Subscription",
	"Message senders", "Forgotten credentials",
	"Integration events",
	"Subscriptions", "Subscription items", "Bundle subscription items",
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestIndexGroupsServed sends a request to every endpoint of the breadth
// groups of the API index and fails on any that no handler serves.
func TestIndexGroupsServed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	want := map[string]bool{}
	for _, g := range breadthGroups {
		want[g] = true
	}
	served, total := map[string]int{}, map[string]int{}
	for _, ep := range contract.Endpoints() {
		if !want[ep.Group] {
			continue
		}
		total[ep.Group]++
		var body any
		if ep.Method == http.MethodPost || ep.Method == http.MethodPut || ep.Method == http.MethodPatch {
			body = map[string]any{}
		}
		// An order's direction is a route's part, not an ID.
		path := strings.ReplaceAll(ep.Path, "{direction}", "Incoming")
		r := e.Do(ep.Method, "/v1"+pathParam.ReplaceAllString(path, "missing"), admin, body)
		if r.Code() == "RouteNotFound" || r.Status == http.StatusNotImplemented || r.Status >= 500 {
			t.Errorf("%s %s %s (%s): %d %s", ep.Group, ep.Method, ep.Path, ep.SDK, r.Status, r.Raw)
			continue
		}
		served[ep.Group]++
	}
	for _, g := range breadthGroups {
		if total[g] == 0 {
			t.Errorf("group %q has no endpoints in the index", g)
		}
		t.Logf("%-22s %d/%d", g, served[g], total[g])
	}
}
