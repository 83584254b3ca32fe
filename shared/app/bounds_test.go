package app_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Hostile inputs through real routes (issue #7): whatever a caller sends,
// the answer is never a 5xx, and bad input is the contract's 400.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/catalogs", admin, map[string]any{"ID": "cat1", "Name": "Catalog"}, 201)
	order := s.NewOrder(t, s.Token)

	long := strings.Repeat("a", 1500)
	big := strings.Repeat("x", 600<<10)
	alternatives := func(n int) string { return strings.TrimSuffix(strings.Repeat("x|", n), "|") }
	// 1.000…0 with 210,000 zeros: a valid decimal in a body under the
	// cap, so only the stored size can refuse a second one.
	wideDecimal := `1.` + strings.Repeat("0", 210_000)

	type call struct {
		name, method, path string
		token              string // "" means the admin's
		body               any
		status             int
		code               string // first ErrorCode; "" when the status says it all
		property           string // Data.Property, when it matters
	}
	var calls []call

	// Item 6: huge page numbers, on lists of every kind (engine, hand-written, assignments, Me).
	lists := []string{"/v1/products", "/v1/buyers", "/v1/securityprofiles", "/v1/buyers/b1/users", "/v1/catalogs",
		"/v1/adminusers", "/v1/orders/Incoming", "/v1/productfacets", "/v1/catalogs/productassignments", "/v1/specs", "/v1/apiclients"}
	for _, l := range lists {
		calls = append(calls,
			call{name: "max int page " + l, method: "GET", path: l + "?page=9223372036854775807", status: 400, code: "Search.ResultSetTooLarge"},
			call{name: "page past int64 " + l, method: "GET", path: l + "?page=99999999999999999999", status: 400, code: "Search.ResultSetTooLarge"},
		)
	}
	calls = append(calls,
		call{name: "Me list, max int page", method: "GET", path: "/v1/me/products?page=9223372036854775807", token: s.Token, status: 400, code: "Search.ResultSetTooLarge"},
		call{name: "Me orders, max int page", method: "GET", path: "/v1/me/orders?page=9223372036854775807", token: s.Token, status: 400, code: "Search.ResultSetTooLarge"},
		call{name: "first page past 100,000 items", method: "GET", path: "/v1/products?page=1001&pageSize=100", status: 400, code: "Search.ResultSetTooLarge"},
		call{name: "last page within 100,000 items", method: "GET", path: "/v1/products?page=1000&pageSize=100", status: 200},
		call{name: "negative page", method: "GET", path: "/v1/products?page=-1", status: 400, code: "List.InvalidType"},
	)

	// Item 9: filters cost within bounds.
	calls = append(calls,
		call{name: "10,000 alternatives", method: "GET", path: "/v1/orders/Incoming?ID=" + alternatives(10_000), status: 400, code: "List.InvalidType"},
		call{name: "101 alternatives", method: "GET", path: "/v1/products?ID=" + alternatives(101), status: 400, code: "List.InvalidType"},
		call{name: "100 alternatives", method: "GET", path: "/v1/products?ID=" + alternatives(99) + "|p1", status: 200},
		call{name: "51 filters", method: "GET", path: "/v1/products?" + strings.Repeat("ID=*&", 51), status: 400, code: "List.InvalidProperty"},
		call{name: "long search", method: "GET", path: "/v1/products?search=" + strings.Repeat("x", 300), status: 400, code: "List.InvalidType"},
		call{name: "9 KiB query", method: "GET", path: "/v1/products?xp.a=" + strings.Repeat("x", 9<<10), status: 400, code: "List.InvalidType"},
		call{name: "over-long catalogID keys nothing", method: "GET", path: "/v1/me/products?catalogID=" + strings.Repeat("c", 3000), token: s.Token, status: 200},
	)

	// Item 10: reserved parameters of other lists are ignored.
	for _, l := range []string{"/v1/securityprofiles", "/v1/buyers", "/v1/products", "/v1/catalogs", "/v1/apiclients",
		"/v1/adminusers", "/v1/buyers/b1/users", "/v1/specs", "/v1/catalogs/productassignments", "/v1/orders/Incoming"} {
		calls = append(calls, call{name: "depth=all " + l, method: "GET", path: l + "?depth=all", status: 200})
	}
	calls = append(calls,
		call{name: "depth=all, Me", method: "GET", path: "/v1/me/products?depth=all", token: s.Token, status: 200},
		call{name: "unknown property still refused", method: "GET", path: "/v1/securityprofiles?depthx=all", status: 400, code: "List.InvalidProperty"},
	)

	// Item 7: oversized bodies and fields.
	calls = append(calls,
		call{name: "600 KB DefaultCatalogID, create", method: "POST", path: "/v1/buyers", body: map[string]any{"ID": "big", "Name": "Big", "DefaultCatalogID": big}, status: 400, code: "Request.InvalidRequestBody"},
		call{name: "600 KB DefaultCatalogID, replace", method: "PUT", path: "/v1/buyers/b1", body: map[string]any{"Name": "B", "DefaultCatalogID": big}, status: 400, code: "Request.InvalidRequestBody"},
		call{name: "600 KB DefaultCatalogID, patch", method: "PATCH", path: "/v1/buyers/b1", body: map[string]any{"DefaultCatalogID": big}, status: 400, code: "Request.InvalidRequestBody"},
		call{name: "long DefaultCatalogID", method: "PATCH", path: "/v1/buyers/b1", body: map[string]any{"DefaultCatalogID": long}, status: 400, code: "ValidationFailure", property: "DefaultCatalogID"},
		call{name: "shopper's 600 KB ShippingAddressID", method: "PATCH", path: apptest.Outgoing + "/" + order, token: s.Token, body: map[string]any{"ShippingAddressID": big}, status: 400, code: "Request.InvalidRequestBody"},
		call{name: "shopper's long ShippingAddressID", method: "PATCH", path: apptest.Outgoing + "/" + order, token: s.Token, body: map[string]any{"ShippingAddressID": long}, status: 400, code: "ValidationFailure", property: "ShippingAddressID"},
		call{name: "free text over 2,000 characters", method: "PATCH", path: "/v1/apiclients/" + s.Client, body: map[string]any{"AppName": strings.Repeat("n", 2001)}, status: 400, code: "ValidationFailure", property: "AppName"},
		call{name: "600 KB assignment body", method: "POST", path: "/v1/catalogs/productassignments", body: map[string]any{"CatalogID": "cat1", "ProductID": big}, status: 400, code: "Request.InvalidRequestBody"},
		call{name: "username over the key limit", method: "POST", path: "/v1/buyers/b1/users", body: map[string]any{"ID": "longname", "Username": strings.Repeat("u", 1500),
			"FirstName": "F", "LastName": "L", "Email": "u@example.com", "Active": true}, status: 400, code: "Request.InvalidRequestBody"},
		// Each write fits; together they would pass DynamoDB's 400 KB item limit.
		call{name: "first wide decimal", method: "PATCH", path: "/v1/products/p1", body: `{"ShipWeight":` + wideDecimal + `}`, status: 200},
		call{name: "second wide decimal overflows the item", method: "PATCH", path: "/v1/products/p1", body: `{"ShipHeight":` + wideDecimal + `}`, status: 400, code: "Request.InvalidRequestBody"},
	)

	// Item 8: one ID rule for PUT, POST and PATCH; malformed IDs elsewhere are 404s.
	badIDs := map[string]string{"a|b": "a%7Cb", "#": "%23", "space": "a%20b", "NUL": "a%00b", "non-ASCII": "%C3%A9", "invalid UTF-8": "%FF",
		"slash": "a%2Fb", "1500 characters": long}
	for name, esc := range badIDs {
		calls = append(calls,
			call{name: "PUT buyer " + name, method: "PUT", path: "/v1/buyers/" + esc, body: map[string]any{"Name": "B", "Active": true}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "PUT product " + name, method: "PUT", path: "/v1/products/" + esc, body: map[string]any{"Name": "P"}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "PUT spec option (hand-written) " + name, method: "PUT", path: "/v1/specs/s1/options/" + esc, body: map[string]any{"Value": "v"}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "PUT shopper's collection (Me) " + name, method: "PUT", path: "/v1/me/productcollections/" + esc, token: s.Token, body: map[string]any{"Name": "C"}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "GET buyer " + name, method: "GET", path: "/v1/buyers/" + esc, status: 404, code: "NotFound"},
			call{name: "DELETE product " + name, method: "DELETE", path: "/v1/products/" + esc, status: 404, code: "NotFound"},
			call{name: "PATCH buyer " + name, method: "PATCH", path: "/v1/buyers/" + esc, body: map[string]any{"Name": "B"}, status: 404, code: "NotFound"},
			call{name: "users of buyer " + name, method: "GET", path: "/v1/buyers/" + esc + "/users", status: 404, code: "NotFound"},
		)
		id, _ := url.PathUnescape(esc)
		calls = append(calls,
			call{name: "POST buyer " + name, method: "POST", path: "/v1/buyers", body: map[string]any{"ID": id, "Name": "B", "Active": true}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "PATCH buyer body ID " + name, method: "PATCH", path: "/v1/buyers/b1", body: map[string]any{"ID": id}, status: 400, code: "ValidationFailure", property: "ID"},
			call{name: "PATCH order ID " + name, method: "PATCH", path: apptest.Outgoing + "/" + order, token: s.Token, body: map[string]any{"ID": id}, status: 400, code: "ValidationFailure", property: "ID"},
		)
	}
	calls = append(calls,
		call{name: "PUT buyer, good ID", method: "PUT", path: "/v1/buyers/good_ID-1", body: map[string]any{"Name": "B", "Active": true}, status: 200},
		call{name: "PUT buyer, 100 characters", method: "PUT", path: "/v1/buyers/" + strings.Repeat("b", 100), body: map[string]any{"Name": "B", "Active": true}, status: 200},
		call{name: "PUT buyer, 101 characters", method: "PUT", path: "/v1/buyers/" + strings.Repeat("b", 101), body: map[string]any{"Name": "B", "Active": true}, status: 400, code: "ValidationFailure", property: "ID"},
		call{name: "PUT with a placeholder", method: "PUT", path: "/v1/buyers/SO-%7Binc%7D", body: map[string]any{"Name": "B", "Active": true}, status: 400, code: "ValidationFailure", property: "ID"},
		call{name: "GET 3,000-character ID", method: "GET", path: "/v1/products/" + strings.Repeat("p", 3000), status: 404, code: "NotFound"},
	)

	for _, c := range calls {
		token := c.token
		if token == "" {
			token = admin
		}
		r := e.Do(c.method, c.path, token, c.body)
		if r.Status >= 500 {
			t.Errorf("%s: %d %.300s", c.name, r.Status, r.Raw)
			continue
		}
		if r.Status != c.status || (c.code != "" && r.Code() != c.code) {
			t.Errorf("%s: got %d %q, want %d %s: %.300s", c.name, r.Status, r.Code(), c.status, c.code, r.Raw)
			continue
		}
		if c.property != "" && r.S("Errors.0.Data.Property") != c.property {
			t.Errorf("%s: Data.Property %q, want %s: %.300s", c.name, r.S("Errors.0.Data.Property"), c.property, r.Raw)
		}
	}

	// A username no user can have is a failed login, not a failed lookup.
	r := e.Token(url.Values{"grant_type": {"password"}, "client_id": {s.Client}, "username": {strings.Repeat("u", 3000)}, "password": {"x"}})
	if r.Status != 400 {
		t.Errorf("login with a 3,000-character username: %d %.300s", r.Status, r.Raw)
	}

	// Nothing the refused writes carried was stored.
	if got := apptest.Must(t, e, "GET", "/v1/buyers?pageSize=100", admin, nil, 200); len(apptest.IDs(got)) != 3 {
		t.Errorf("buyers: %v, want b1, good_ID-1 and the 100-character one", apptest.IDs(got))
	}
	if p := apptest.Must(t, e, "GET", "/v1/products/p1", admin, nil, 200); p.Get("ShipHeight") != nil {
		t.Errorf("the refused patch was written: ShipHeight %.20v", p.Get("ShipHeight"))
	}
}

// A page past the result set names the way to read further.
func TestResultSetTooLargeMessage(t *testing.T) {
	t.Parallel()
	e := apptest.NewShop(t).E
	r := e.Do("GET", "/v1/products?page=9223372036854775807", e.AdminToken(), nil)
	apptest.WantErr(t, r, 400, "Search.ResultSetTooLarge")
	if msg := r.S("Errors.0.Message"); !strings.Contains(msg, "sortBy=ID&ID=>{lastID}") {
		t.Errorf("message: %s", msg)
	}
}
