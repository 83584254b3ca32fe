package apptest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// Shared fixtures for the HTTP-level integration tests of every package.
// Every helper goes through the public API only; each test owns its Env.

// BuyerPassword is the password of every user the fixtures create.
const BuyerPassword = "Passw0rdOK!"

// Outgoing is the buyer's orders path.
const Outgoing = "/v1/orders/Outgoing"

// Must sends a request and fails the test unless the status matches.
func Must(t testing.TB, e *Env, method, path, token string, body any, status int) Resp {
	t.Helper()
	return e.Do(method, path, token, body).Must(t, status)
}

// WantErr checks an error response's status and first ErrorCode.
func WantErr(t testing.TB, r Resp, status int, code string) {
	t.Helper()
	if r.Status != status || r.Code() != code {
		t.Errorf("got %d %q, want %d %s: %s", r.Status, r.Code(), status, code, r.Raw)
	}
}

// BuyerClient creates an API client any buyer user may log in with and
// returns its (generated) ID.
func BuyerClient(t testing.TB, e *Env, admin string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"AppName": "Storefront", "Active": true, "AllowAnyBuyer": true, "AllowSeller": true, "AccessTokenDuration": 600}
	for k, v := range extra {
		body[k] = v
	}
	r := Must(t, e, "POST", "/v1/apiclients", admin, body, 201)
	id := r.S("ID")
	if id == "" {
		t.Fatalf("api client without ID: %s", r.Raw)
	}
	return id
}

// Buyer creates an active buyer company.
func Buyer(t testing.TB, e *Env, admin, id string) {
	t.Helper()
	Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": id, "Name": "Buyer " + id, "Active": true}, 201)
}

// Profile creates a security profile with roles.
func Profile(t testing.TB, e *Env, admin, id string, roles ...string) {
	t.Helper()
	Must(t, e, "POST", "/v1/securityprofiles", admin, map[string]any{"ID": id, "Name": id, "Roles": roles}, 201)
}

// AssignProfile assigns a security profile to a party (BuyerID, UserGroupID, UserID...).
func AssignProfile(t testing.TB, e *Env, admin, profileID string, party map[string]any) {
	t.Helper()
	body := map[string]any{"SecurityProfileID": profileID}
	for k, v := range party {
		body[k] = v
	}
	Must(t, e, "POST", "/v1/securityprofiles/assignments", admin, body, 204)
}

// BuyerUser creates an active user of a buyer.
func BuyerUser(t testing.TB, e *Env, admin, buyerID, userID, username string) {
	t.Helper()
	Must(t, e, "POST", "/v1/buyers/"+buyerID+"/users", admin, map[string]any{"ID": userID, "Username": username,
		"Password": BuyerPassword, "FirstName": "F", "LastName": "L", "Email": username + "@example.com", "Active": true}, 201)
}

// SupplierOrg creates an active supplier.
func SupplierOrg(t testing.TB, e *Env, admin, id string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Supplier " + id, "Active": true}
	for k, v := range extra {
		body[k] = v
	}
	Must(t, e, "POST", "/v1/suppliers", admin, body, 201)
}

// SupplierUser creates an active user of a supplier.
func SupplierUser(t testing.TB, e *Env, admin, supplierID, userID, username string) {
	t.Helper()
	Must(t, e, "POST", "/v1/suppliers/"+supplierID+"/users", admin, map[string]any{"ID": userID, "Username": username,
		"Password": BuyerPassword, "FirstName": "F", "LastName": "L", "Email": username + "@example.com", "Active": true}, 201)
}

// Shop is a buyer ("b1") whose users get Shopper and MeAdmin from a
// company-level profile, with one user "u1" logged in.
type Shop struct {
	E      *Env
	Admin  string
	Client string
	Buyer  string // buyer ID
	Token  string // u1's token
}

// NewShop creates a Shop in a new marketplace.
func NewShop(t testing.TB) *Shop {
	t.Helper()
	e := New(t)
	admin := e.AdminToken()
	s := &Shop{E: e, Admin: admin, Buyer: "b1"}
	Buyer(t, e, admin, s.Buyer)
	Profile(t, e, admin, "shopper", "Shopper", "MeAdmin")
	AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": s.Buyer})
	s.Client = BuyerClient(t, e, admin, nil)
	BuyerUser(t, e, admin, s.Buyer, "u1", "shopper-one")
	s.Token = e.Login(s.Client, "shopper-one", BuyerPassword, "Shopper", "MeAdmin")
	return s
}

// OtherBuyer adds a second buyer company to the shop, with the shop's
// shopper profile, and one user in it: the stranger of confinement tests.
func (s *Shop) OtherBuyer(t testing.TB, buyerID, userID, username string) {
	t.Helper()
	Buyer(t, s.E, s.Admin, buyerID)
	AssignProfile(t, s.E, s.Admin, "shopper", map[string]any{"BuyerID": buyerID})
	BuyerUser(t, s.E, s.Admin, buyerID, userID, username)
}

// Login logs a user in with the shop's client.
func (s *Shop) Login(username string, roles ...string) string {
	return s.E.Login(s.Client, username, BuyerPassword, roles...)
}

// OrderShop is a shop with product p1 in the buyer's catalog, priced 10
// each from 1 and 8 each from 5.
func OrderShop(t testing.TB) *Shop {
	t.Helper()
	s := NewShop(t)
	PriceSchedule(t, s.E, s.Admin, "breaks", nil, 1, 10, 5, 8)
	Product(t, s.E, s.Admin, "p1", "breaks", nil)
	InCatalog(t, s.E, s.Admin, "b1", "p1")
	return s
}

// NewOrder creates an empty outgoing order as token.
func (s *Shop) NewOrder(t testing.TB, token string) string {
	t.Helper()
	return Must(t, s.E, "POST", Outgoing, token, map[string]any{}, 201).S("ID")
}

// AddLine adds a line item to an outgoing order.
func (s *Shop) AddLine(t testing.TB, token, orderID, productID string, qty int) Resp {
	t.Helper()
	return Must(t, s.E, "POST", Outgoing+"/"+orderID+"/lineitems", token, map[string]any{"ProductID": productID, "Quantity": qty}, 201)
}

// Submitted accepts the success status of a submit (201 as for any POST;
// 200 tolerated).
func Submitted(t testing.TB, r Resp) Resp {
	t.Helper()
	if r.Status != 201 && r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	return r
}

// PriceSchedule creates a schedule from (quantity, price) pairs.
func PriceSchedule(t testing.TB, e *Env, admin, id string, extra map[string]any, breaks ...any) {
	t.Helper()
	var pb []any
	for i := 0; i+1 < len(breaks); i += 2 {
		pb = append(pb, map[string]any{"Quantity": breaks[i], "Price": breaks[i+1]})
	}
	body := map[string]any{"ID": id, "Name": "Schedule " + id, "PriceBreaks": pb}
	for k, v := range extra {
		body[k] = v
	}
	Must(t, e, "POST", "/v1/priceschedules", admin, body, 201)
}

// Product creates an active product priced by a default schedule.
func Product(t testing.TB, e *Env, admin, id, scheduleID string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Product " + id, "Active": true}
	if scheduleID != "" {
		body["DefaultPriceScheduleID"] = scheduleID
	}
	for k, v := range extra {
		body[k] = v
	}
	Must(t, e, "POST", "/v1/products", admin, body, 201)
}

// Catalog creates an active catalog.
func Catalog(t testing.TB, e *Env, admin, id string) {
	t.Helper()
	Must(t, e, "POST", "/v1/catalogs", admin, map[string]any{"ID": id, "Name": "Catalog " + id, "Active": true}, 201)
}

// Category creates an active top-level category in a catalog.
func Category(t testing.TB, e *Env, admin, catalogID, id string) {
	t.Helper()
	Must(t, e, "POST", "/v1/catalogs/"+catalogID+"/categories", admin, map[string]any{"ID": id, "Name": "Category " + id, "Active": true}, 201)
}

// InCatalog assigns a product to a catalog.
func InCatalog(t testing.TB, e *Env, admin, catalogID, productID string) {
	t.Helper()
	Must(t, e, "POST", "/v1/catalogs/productassignments", admin, map[string]any{"CatalogID": catalogID, "ProductID": productID}, 204)
}

// IDs lists the Items' IDs of a list response.
func IDs(r Resp) []string {
	items, _ := r.Body["Items"].([]any)
	out := []string{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		s, _ := m["ID"].(string)
		out = append(out, s)
	}
	return out
}

// Claims decodes a JWT's payload without verifying it.
func Claims(t testing.TB, token string) map[string]any {
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

// TokenRoles reads the role claim (a string for one role, a list for more).
func TokenRoles(t testing.TB, token string) []string {
	t.Helper()
	switch r := Claims(t, token)["role"].(type) {
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

// Strings reads a JSON list of strings.
func Strings(v any) []string {
	arr, _ := v.([]any)
	out := []string{}
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SameSet reports whether two lists hold the same strings, in any order.
func SameSet(a, b []string) bool {
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

// Parallel sends n requests at once and returns their responses.
func Parallel(n int, send func(i int) Resp) []Resp {
	out := make([]Resp, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = send(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}
