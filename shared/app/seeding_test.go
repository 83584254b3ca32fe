package app_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// seedStep is one request of a seeding run: what OrderCloud's seeding tool
// (ordercloud-seed) sends for a record of its file.
type seedStep struct {
	method, path string
	body         map[string]any
}

// TestSeedingToolSimpleB2C replays what OrderCloud's seeding tool sends to
// load its Simple-B2C starter marketplace, in the tool's creation order
// (incrementors and xp indices; then security profiles, admin users,
// message senders, integration events and suppliers; catalogs; buyers and
// categories; buyer users; API clients and security profile assignments;
// webhooks and API client assignments; catalog assignments), with the
// tool's upload transforms applied: redacted secrets replaced by fresh
// ones, the starter's marketplace ID by this one's. Every request must
// succeed, and the result must work: the anonymous storefront client
// issues a shopper token that sees the catalog's categories.
func TestSeedingToolSimpleB2C(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	const (
		storefrontClient = "3d82e90b-b5db-4af4-9c1b-9c34fbb904c0"
		backOfficeClient = "8864508e-cb97-47bc-bedf-7862c16888cc"
		middlewareClient = "bf98a69d-f2dd-41f1-9bd1-ddd2c37132fa"
		buyer            = "solitary-storefront"
	)
	client := func(id, name string, body map[string]any) seedStep {
		b := map[string]any{"ID": id, "AppName": name, "AccessTokenDuration": 600, "RefreshTokenDuration": 5760, "Active": true,
			"AllowAnyBuyer": false, "AllowAnySupplier": false, "AllowSeller": false, "IsAnonBuyer": false,
			"MinimumRequiredRoles": []any{}, "MinimumRequiredCustomRoles": []any{}, "MaximumGrantedRoles": []any{}, "MaximumGrantedCustomRoles": []any{}}
		for k, v := range body {
			b[k] = v
		}
		return seedStep{"POST", "/v1/apiclients", b}
	}
	category := func(id, name, parent string, order int) seedStep {
		b := map[string]any{"ID": id, "Name": name, "ListOrder": order, "Active": true, "xp": nil}
		if parent != "" {
			b["ParentID"] = parent
		}
		return seedStep{"POST", "/v1/catalogs/" + buyer + "/categories", b}
	}
	shopperRoles := []any{"MeAddressAdmin", "MeAdmin", "MeCreditCardAdmin", "MeXpAdmin", "PasswordReset", "Shopper"}
	steps := []seedStep{
		{"POST", "/v1/securityprofiles", map[string]any{"ID": "back-office-admin", "Name": "Back Office Admin", "Roles": []any{"FullAccess"}, "CustomRoles": []any{}, "PasswordConfig": nil}},
		{"POST", "/v1/securityprofiles", map[string]any{"ID": "shopper", "Name": "Shopper", "Roles": shopperRoles, "CustomRoles": []any{}, "PasswordConfig": nil}},
		{"POST", "/v1/adminusers", map[string]any{"ID": "integrations-default-context-user", "Username": "default-context-user", "Password": nil,
			"FirstName": "Default", "LastName": "Context", "Email": "fake@email.com", "Active": true, "xp": nil}},
		{"POST", "/v1/integrationEvents", map[string]any{"ID": "checkout-commerce-integrations", "Name": "Checkout Commerce Integrations",
			"EventType": "OrderCheckout", "CustomImplementationUrl": "https://www.replace.this.com/api/checkout", "HashKey": "fresh-webhook-secret",
			"ElevatedRoles": []any{"FullAccess"}, "ConfigData": nil}},
		{"POST", "/v1/catalogs", map[string]any{"ID": buyer, "OwnerID": "marketplace", "Name": "Solitary Storefront ", "Description": "Default catalog for Solitary Storefront ", "Active": true, "xp": nil}},
		{"POST", "/v1/buyers", map[string]any{"ID": buyer, "Name": "Solitary Storefront", "DefaultCatalogID": buyer, "Active": true, "xp": nil}},
		category("womens", "Women's", "", 1), category("mens", "Men's", "", 2), category("kids", "Kid's", "", 3), category("general", "General", "", 4),
		category("masks", "Face Masks", "general", 1), category("girls", "Girls", "kids", 1), category("mens-jackets", "Jackets", "mens", 1),
		category("womens-jackets", "Jackets", "womens", 1), category("womens-bottoms", "Bottoms", "womens", 2), category("mens-bottoms", "Bottoms", "mens", 2),
		category("boys", "Boys", "kids", 2), category("toddlers", "Toddlers'", "kids", 3), category("womens-socks", "Socks", "womens", 3),
		category("girls-shoes", "Shoes", "girls", 1), category("boys-shoes", "Shoes", "boys", 2),
		{"POST", "/v1/buyers/" + buyer + "/users", map[string]any{"ID": "default-anonymous-shopper", "Username": "anonymous-shopper", "Password": nil,
			"FirstName": "anonymous", "LastName": "shopper", "Email": "fake@emai.com", "Active": true, "xp": map[string]any{"something": "else"}}},
		client(storefrontClient, "Storefront App", map[string]any{"ClientSecret": nil, "DefaultContextUserName": "anonymous-shopper", "IsAnonBuyer": true,
			"OrderCheckoutIntegrationEventID": "checkout-commerce-integrations"}),
		client(backOfficeClient, "Back Office App", map[string]any{"ClientSecret": nil, "AllowSeller": true}),
		client(middlewareClient, "Middleware Integrations", map[string]any{"ClientSecret": "fresh-client-secret-0123456789", "AllowSeller": true,
			"DefaultContextUserName": "default-context-user"}),
		{"POST", "/v1/securityprofiles/assignments", map[string]any{"SecurityProfileID": "back-office-admin", "BuyerID": nil, "SupplierID": nil, "UserID": nil, "UserGroupID": nil}},
		{"POST", "/v1/securityprofiles/assignments", map[string]any{"SecurityProfileID": "shopper", "BuyerID": buyer, "SupplierID": nil, "UserID": nil, "UserGroupID": nil}},
		{"POST", "/v1/apiclients/assignments", map[string]any{"ApiClientID": storefrontClient, "BuyerID": buyer, "SupplierID": nil}},
		{"POST", "/v1/catalogs/assignments", map[string]any{"CatalogID": buyer, "BuyerID": buyer, "ViewAllCategories": true, "ViewAllProducts": true}},
	}
	// An API client's ID is the platform's to choose: the tool maps the
	// file's client IDs to the created ones in what refers to them.
	clientIDs := map[string]string{}
	for _, st := range steps {
		if id, ok := st.body["ApiClientID"].(string); ok {
			st.body["ApiClientID"] = clientIDs[id]
		}
		r := e.Do(st.method, st.path, admin, st.body)
		if r.Status >= http.StatusBadRequest {
			t.Fatalf("%s %s %v: %d %s", st.method, st.path, st.body["ID"], r.Status, r.Raw)
		}
		if st.path == "/v1/apiclients" {
			clientIDs[st.body["ID"].(string)] = r.S("ID")
		}
	}

	// What the tool's file describes is there.
	if b := apptest.Must(t, e, "GET", "/v1/buyers/"+buyer, admin, nil, 200); b.S("DefaultCatalogID") != buyer {
		t.Errorf("buyer: %s", b.Raw)
	}
	if c := apptest.Must(t, e, "GET", "/v1/apiclients/"+clientIDs[storefrontClient], admin, nil, 200); c.S("OrderCheckoutIntegrationEventID") != "checkout-commerce-integrations" ||
		c.S("OrderCheckoutIntegrationEventName") != "Checkout Commerce Integrations" {
		t.Errorf("storefront client: %s", c.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/catalogs/"+buyer+"/categories?depth=all&pageSize=100", admin, nil, 200); l.S("Meta.TotalCount") != "15" {
		t.Errorf("categories: %s", l.Raw)
	}
	// The storefront's anonymous grant works and its shopper browses.
	anon := e.Token(url.Values{"client_id": {clientIDs[storefrontClient]}, "grant_type": {"client_credentials"}, "scope": {"Shopper MeAdmin"}})
	if anon.Status != 200 || anon.S("access_token") == "" {
		t.Fatalf("anonymous grant of the seeded storefront: %d %s", anon.Status, anon.Raw)
	}
	if me := apptest.Must(t, e, "GET", "/v1/me/categories?depth=all&pageSize=100", anon.S("access_token"), nil, 200); me.S("Meta.TotalCount") != "15" {
		t.Errorf("shopper's categories: %s", me.Raw)
	}
}
