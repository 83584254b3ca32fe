package app_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Shared fixtures for the HTTP-level integration tests. Every helper goes
// through the public API only; each test owns its apptest.Env.

const buyerPassword = "Passw0rdOK!"

// must sends a request and fails the test unless the status matches.
func must(t *testing.T, e *apptest.Env, method, path, token string, body any, status int) apptest.Resp {
	t.Helper()
	return e.Do(method, path, token, body).Must(t, status)
}

// wantErr checks an error response's status and first ErrorCode.
func wantErr(t *testing.T, r apptest.Resp, status int, code string) {
	t.Helper()
	if r.Status != status || r.Code() != code {
		t.Errorf("got %d %q, want %d %s: %s", r.Status, r.Code(), status, code, r.Raw)
	}
}

// buyerClient creates an API client any buyer user may log in with and
// returns its (generated) ID.
func buyerClient(t *testing.T, e *apptest.Env, admin string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"AppName": "Storefront", "Active": true, "AllowAnyBuyer": true, "AllowSeller": true, "AccessTokenDuration": 600}
	for k, v := range extra {
		body[k] = v
	}
	r := must(t, e, "POST", "/v1/apiclients", admin, body, 201)
	id := r.S("ID")
	if id == "" {
		t.Fatalf("api client without ID: %s", r.Raw)
	}
	return id
}

// buyer creates an active buyer company.
func buyer(t *testing.T, e *apptest.Env, admin, id string) {
	t.Helper()
	must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": id, "Name": "Buyer " + id, "Active": true}, 201)
}

// profile creates a security profile with roles.
func profile(t *testing.T, e *apptest.Env, admin, id string, roles ...string) {
	t.Helper()
	must(t, e, "POST", "/v1/securityprofiles", admin, map[string]any{"ID": id, "Name": id, "Roles": roles}, 201)
}

// assignProfile assigns a security profile to a party (BuyerID, UserGroupID, UserID...).
func assignProfile(t *testing.T, e *apptest.Env, admin, profileID string, party map[string]any) {
	t.Helper()
	body := map[string]any{"SecurityProfileID": profileID}
	for k, v := range party {
		body[k] = v
	}
	must(t, e, "POST", "/v1/securityprofiles/assignments", admin, body, 204)
}

// buyerUser creates an active user of a buyer.
func buyerUser(t *testing.T, e *apptest.Env, admin, buyerID, userID, username string) {
	t.Helper()
	must(t, e, "POST", "/v1/buyers/"+buyerID+"/users", admin, map[string]any{"ID": userID, "Username": username,
		"Password": buyerPassword, "FirstName": "F", "LastName": "L", "Email": username + "@example.com", "Active": true}, 201)
}

// shop is a buyer ("b1") whose users get Shopper and MeAdmin from a
// company-level profile, with one user "u1" logged in.
type shop struct {
	e      *apptest.Env
	admin  string
	client string
	buyer  string // buyer ID
	token  string // u1's token
}

func newShop(t *testing.T) *shop {
	t.Helper()
	e := apptest.New(t)
	admin := e.AdminToken()
	s := &shop{e: e, admin: admin, buyer: "b1"}
	buyer(t, e, admin, s.buyer)
	profile(t, e, admin, "shopper", "Shopper", "MeAdmin")
	assignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": s.buyer})
	s.client = buyerClient(t, e, admin, nil)
	buyerUser(t, e, admin, s.buyer, "u1", "shopper-one")
	s.token = e.Login(s.client, "shopper-one", buyerPassword, "Shopper", "MeAdmin")
	return s
}

// login logs a user in with the shop's client.
func (s *shop) login(username string, roles ...string) string {
	return s.e.Login(s.client, username, buyerPassword, roles...)
}

// priceSchedule creates a schedule from (quantity, price) pairs.
func priceSchedule(t *testing.T, e *apptest.Env, admin, id string, extra map[string]any, breaks ...any) {
	t.Helper()
	var pb []any
	for i := 0; i+1 < len(breaks); i += 2 {
		pb = append(pb, map[string]any{"Quantity": breaks[i], "Price": breaks[i+1]})
	}
	body := map[string]any{"ID": id, "Name": "Schedule " + id, "PriceBreaks": pb}
	for k, v := range extra {
		body[k] = v
	}
	must(t, e, "POST", "/v1/priceschedules", admin, body, 201)
}

// product creates an active product priced by a default schedule.
func product(t *testing.T, e *apptest.Env, admin, id, scheduleID string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Product " + id, "Active": true}
	if scheduleID != "" {
		body["DefaultPriceScheduleID"] = scheduleID
	}
	for k, v := range extra {
		body[k] = v
	}
	must(t, e, "POST", "/v1/products", admin, body, 201)
}

// inCatalog assigns a product to a catalog.
func inCatalog(t *testing.T, e *apptest.Env, admin, catalogID, productID string) {
	t.Helper()
	must(t, e, "POST", "/v1/catalogs/productassignments", admin, map[string]any{"CatalogID": catalogID, "ProductID": productID}, 204)
}

// ids lists the Items' IDs of a list response.
func ids(r apptest.Resp) []string {
	items, _ := r.Body["Items"].([]any)
	out := []string{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		s, _ := m["ID"].(string)
		out = append(out, s)
	}
	return out
}

// claims decodes a JWT's payload without verifying it.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// tokenRoles reads the role claim (a string for one role, a list for more).
func tokenRoles(t *testing.T, token string) []string {
	t.Helper()
	switch r := claims(t, token)["role"].(type) {
	case string:
		return []string{r}
	case []any:
		out := []string{}
		for _, x := range r {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x] == 0 {
			return false
		}
		seen[x]--
	}
	return true
}
