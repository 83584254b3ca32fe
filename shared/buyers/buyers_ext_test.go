package buyers_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// buyersShop is newShop plus: a user group "g1" holding u1, a second user
// "u2" outside it, and the Me address and credit card admin roles for
// every user of b1. u1 and u2 are logged in with all their roles.
type buyersShop struct {
	*apptest.Shop
	u1, u2 string // tokens
}

var buyersMeRoles = []string{"Shopper", "MeAdmin", "MeAddressAdmin", "MeCreditCardAdmin"}

func newBuyersShop(t *testing.T) *buyersShop {
	t.Helper()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.Profile(t, e, admin, "buyersme", "MeAddressAdmin", "MeCreditCardAdmin")
	apptest.AssignProfile(t, e, admin, "buyersme", map[string]any{"BuyerID": "b1"})
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "Group 1"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1", "UserID": "u1"}, 204)
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	return &buyersShop{Shop: s, u1: s.Login("shopper-one", buyersMeRoles...), u2: s.Login("shopper-two", buyersMeRoles...)}
}

// buyersAddress creates a buyer address as the admin.
func buyersAddress(t *testing.T, s *buyersShop, id string) {
	t.Helper()
	apptest.Must(t, s.E, "POST", "/v1/buyers/b1/addresses", s.Admin, map[string]any{"ID": id, "Street1": "1 " + id + " St",
		"City": "Minneapolis", "State": "MN", "Zip": "55401", "Country": "US"}, 201)
}

// buyersCount reads a list's Meta.TotalCount.
func buyersCount(t *testing.T, s *buyersShop, path, token string) string {
	t.Helper()
	return apptest.Must(t, s.E, "GET", path, token, nil, 200).S("Meta.TotalCount")
}

func TestBuyersCostCentersCRUDAndAssignments(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/costcenters", admin, map[string]any{"ID": "cc1"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/nobuyer/costcenters", admin, map[string]any{"ID": "cc1", "Name": "x"}), 404, "NotFound")
	cc := apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters", admin, map[string]any{"ID": "cc1", "Name": "Marketing"}, 201)
	if cc.S("Name") != "Marketing" || cc.Get("xp") == nil {
		t.Errorf("created cost center: %s", cc.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/buyers/b1/costcenters/cc2", admin, map[string]any{"Name": "Sales"}, 200)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters", admin, map[string]any{"ID": "cc3", "Name": "Other"}, 201)
	if p := apptest.Must(t, e, "PATCH", "/v1/buyers/b1/costcenters/cc1", admin, map[string]any{"Description": "Ads"}, 200); p.S("Name") != "Marketing" || p.S("Description") != "Ads" {
		t.Errorf("patched: %s", p.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/costcenters?Name=Sales", admin, nil, 200)); !slices.Equal(got, []string{"cc2"}) {
		t.Errorf("filtered list: %v", got)
	}
	apptest.Must(t, e, "GET", "/v1/buyers/b1/costcenters/cc2", admin, nil, 200)

	// Company and group level; saving the same key again replaces.
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc1"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc1"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc2", "UserGroupID": "g1"}, 204)
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "nope"}), 404, "NotFound")
	r := e.Do("POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc1", "UserGroupID": "nogroup"})
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != "UserGroup" || r.S("Errors.0.Data.ObjectID") != "nogroup" {
		t.Errorf("missing group's Data: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{}), 400, "ValidationFailure")
	if n := buyersCount(t, s, "/v1/buyers/b1/costcenters/assignments", admin); n != "2" {
		t.Errorf("assignments: %s, want 2 (a duplicate replaces)", n)
	}
	if l := apptest.Must(t, e, "GET", "/v1/buyers/b1/costcenters/assignments?level=Company", admin, nil, 200); l.S("Meta.TotalCount") != "1" || l.S("Items.0.CostCenterID") != "cc1" {
		t.Errorf("company level: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/buyers/b1/costcenters/assignments?userGroupID=g1", admin, nil, 200); l.S("Meta.TotalCount") != "1" || l.S("Items.0.CostCenterID") != "cc2" {
		t.Errorf("by group: %s", l.Raw)
	}

	// Me: u1 (in g1) sees both, u2 only the company's.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/costcenters", s.u1, nil, 200)); !slices.Equal(got, []string{"cc1", "cc2"}) {
		t.Errorf("u1 cost centers %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/costcenters", s.u2, nil, 200)); !slices.Equal(got, []string{"cc1"}) {
		t.Errorf("u2 cost centers %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/costcenters", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")

	// Deleting the group, then the cost center, removes their assignments.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/g1", admin, nil, 204)
	if n := buyersCount(t, s, "/v1/buyers/b1/costcenters/assignments?costCenterID=cc2", admin); n != "0" {
		t.Errorf("group assignment survived the group: %s", n)
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/costcenters/cc1", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/b1/costcenters/cc1", admin, nil), 404, "NotFound")
	if n := buyersCount(t, s, "/v1/buyers/b1/costcenters/assignments", admin); n != "0" {
		t.Errorf("assignment survived its cost center: %s", n)
	}
	// DeleteAssignment at company level.
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc3"}, 204)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/costcenters/cc3/assignments", admin, nil, 204)
	if n := buyersCount(t, s, "/v1/buyers/b1/costcenters/assignments", admin); n != "0" {
		t.Errorf("deleted assignment still listed: %s", n)
	}
}

func TestBuyersAddressAssignments(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin
	for _, id := range []string{"a1", "a2", "a3"} {
		buyersAddress(t, s, id)
	}
	save := func(body map[string]any, status int) {
		t.Helper()
		apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses/assignments", admin, body, status)
	}
	save(map[string]any{"AddressID": "a1", "IsShipping": true}, 204)
	save(map[string]any{"AddressID": "a2", "UserGroupID": "g1", "IsBilling": true}, 204)
	save(map[string]any{"AddressID": "a3", "UserID": "u1", "IsShipping": true, "IsBilling": true}, 204)
	// Same key again: replaced, with its new flags.
	save(map[string]any{"AddressID": "a1", "IsShipping": true, "IsBilling": true}, 204)

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "a1"}),
		400, "AddressAssignment.MustBeBillingOrShipping")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/addresses/assignments", admin,
		map[string]any{"AddressID": "a1", "UserID": "u1", "UserGroupID": "g1", "IsShipping": true}), 400, "PartyAssignment.CannotSpecifyGroupAndUser")
	r := e.Do("POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "zz", "IsShipping": true})
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != "Address" || r.S("Errors.0.Data.ObjectID") != "zz" {
		t.Errorf("missing address Data: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/addresses/assignments", admin, map[string]any{"AddressID": "a1", "UserID": "nobody", "IsShipping": true}), 404, "NotFound")

	list := func(query string) []string {
		t.Helper()
		r := apptest.Must(t, e, "GET", "/v1/buyers/b1/addresses/assignments"+query, admin, nil, 200)
		items, _ := r.Body["Items"].([]any)
		out := []string{}
		for _, it := range items {
			out = append(out, it.(map[string]any)["AddressID"].(string))
		}
		slices.Sort(out)
		return out
	}
	for query, want := range map[string][]string{
		"":                  {"a1", "a2", "a3"},
		"?level=Company":    {"a1"},
		"?level=Group":      {"a2"},
		"?level=User":       {"a3"},
		"?userID=u1":        {"a3"},
		"?userGroupID=g1":   {"a2"},
		"?addressID=a2":     {"a2"},
		"?isShipping=true":  {"a1", "a3"},
		"?isBilling=true":   {"a1", "a2", "a3"},
		"?isShipping=false": {"a2"},
	} {
		if got := list(query); !slices.Equal(got, want) {
			t.Errorf("assignments%s = %v, want %v", query, got, want)
		}
	}
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/b1/addresses/assignments?level=Galaxy", admin, nil), 400, "List.InvalidType")

	// Delete at user level by query, then cascades from the user group and the address.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/addresses/a3/assignments?userID=u1", admin, nil, 204)
	if got := list("?level=User"); len(got) != 0 {
		t.Errorf("user assignment not deleted: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/g1", admin, nil, 204)
	if got := list("?addressID=a2"); len(got) != 0 {
		t.Errorf("group assignment survived the group: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/addresses/a1", admin, nil, 204)
	if got := list(""); len(got) != 0 {
		t.Errorf("assignment survived its address: %v", got)
	}
	// Deleting a user removes their assignments.
	save(map[string]any{"AddressID": "a2", "UserID": "u2", "IsBilling": true}, 204)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/u2", admin, nil, 204)
	if got := list(""); len(got) != 0 {
		t.Errorf("assignment survived its user: %v", got)
	}
}

func TestBuyersMeAddresses(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		buyersAddress(t, s, id)
	}
	for _, asg := range []map[string]any{
		{"AddressID": "a1", "IsShipping": true},                     // company
		{"AddressID": "a1", "UserGroupID": "g1", "IsBilling": true}, // and u1's group
		{"AddressID": "a2", "UserGroupID": "g1", "IsBilling": true}, // u1's group
		{"AddressID": "a3", "UserID": "u1", "IsShipping": true},     // u1
		{"AddressID": "a4", "UserID": "u2", "IsShipping": true},     // u2
	} {
		apptest.Must(t, e, "POST", "/v1/buyers/b1/addresses/assignments", admin, asg, 204)
	}
	l := apptest.Must(t, e, "GET", "/v1/me/addresses", s.u1, nil, 200)
	if got := apptest.IDs(l); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Fatalf("u1 addresses %v, want a1 a2 a3", got)
	}
	flags := func(r interface{ Get(string) any }, i string) [3]any {
		return [3]any{r.Get("Items." + i + ".Shipping"), r.Get("Items." + i + ".Billing"), r.Get("Items." + i + ".Editable")}
	}
	if f := flags(l, "0"); f != [3]any{true, true, false} {
		t.Errorf("a1 flags for u1 (company shipping + group billing) = %v", f)
	}
	if f := flags(l, "1"); f != [3]any{false, true, false} {
		t.Errorf("a2 flags = %v", f)
	}
	if l.S("Items.0.Street1") != "1 a1 St" {
		t.Errorf("address fields missing: %s", l.Raw)
	}
	u2 := apptest.Must(t, e, "GET", "/v1/me/addresses", s.u2, nil, 200)
	if got := apptest.IDs(u2); !slices.Equal(got, []string{"a1", "a4"}) {
		t.Errorf("u2 addresses %v, want a1 a4", got)
	}
	if f := flags(u2, "0"); f != [3]any{true, false, false} {
		t.Errorf("a1 flags for u2 (company only) = %v", f)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/addresses?Billing=true", s.u1, nil, 200)); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Errorf("filtered by Billing: %v", got)
	}
	if g := apptest.Must(t, e, "GET", "/v1/me/addresses/a2", s.u1, nil, 200); g.Get("Billing") != true || g.Get("Editable") != false {
		t.Errorf("GET me/addresses/a2: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/addresses/a4", s.u1, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/addresses", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")

	// A private address: only its creator sees it, admins' lists don't show it.
	apptest.WantErr(t, e.Do("POST", "/v1/me/addresses", s.u1, map[string]any{"City": "X", "Country": "US", "Shipping": true}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/me/addresses", s.u1, map[string]any{"Street1": "9 Home", "City": "X", "Country": "US"}),
		400, "BuyerAddress.MustBeBillingOrShipping")
	c := apptest.Must(t, e, "POST", "/v1/me/addresses", s.u1, map[string]any{"ID": "ignored", "Street1": "9 Home", "City": "Duluth",
		"State": "MN", "Zip": "55802", "Country": "US", "Shipping": true}, 201)
	mine := c.S("ID")
	if mine == "" || mine == "ignored" || c.Get("Editable") != true || c.Get("Shipping") != true || c.S("DateCreated") == "" {
		t.Fatalf("created private address: %s", c.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/addresses", s.u1, nil, 200)); !slices.Contains(got, mine) {
		t.Errorf("own address not listed: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/addresses", s.u2, nil, 200)); slices.Contains(got, mine) {
		t.Errorf("another user sees the private address: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/addresses", admin, nil, 200)); slices.Contains(got, mine) {
		t.Errorf("admin list shows the private address: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/addresses/"+mine, s.u2, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/me/addresses/"+mine, s.u2, map[string]any{"City": "Hacked"}), 404, "NotFound")

	apptest.Must(t, e, "PATCH", "/v1/me/addresses/"+mine, s.u1, map[string]any{"City": "Ely", "Billing": true}, 204)
	g := apptest.Must(t, e, "GET", "/v1/me/addresses/"+mine, s.u1, nil, 200)
	if g.S("City") != "Ely" || g.S("Street1") != "9 Home" || g.Get("Billing") != true || g.Get("Editable") != true {
		t.Errorf("patched private address: %s", g.Raw)
	}
	p := apptest.Must(t, e, "PUT", "/v1/me/addresses/"+mine, s.u1, map[string]any{"Street1": "10 Home", "City": "Ely", "State": "MN",
		"Zip": "55731", "Country": "US", "Billing": true}, 200)
	if p.S("ID") != mine || p.S("Street1") != "10 Home" || p.Get("Shipping") != false || p.S("DateCreated") != c.S("DateCreated") {
		t.Errorf("replaced private address: %s", p.Raw)
	}

	// Shared addresses cannot be changed through Me; unknown ones are not found.
	apptest.WantErr(t, e.Do("PATCH", "/v1/me/addresses/a1", s.u1, map[string]any{"City": "X"}), 403, "Address.CannotEditPublic")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/addresses/a3", s.u1, map[string]any{"Street1": "x", "City": "x", "Country": "US", "Shipping": true}),
		403, "Address.CannotEditPublic")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/addresses/a2", s.u1, nil), 403, "Address.CannotEditPublic")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/addresses/nowhere", s.u1, nil), 404, "NotFound")
	apptest.Must(t, e, "GET", "/v1/buyers/b1/addresses/a2", admin, nil, 200)

	apptest.Must(t, e, "DELETE", "/v1/me/addresses/"+mine, s.u1, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me/addresses/"+mine, s.u1, nil), 404, "NotFound")

	// A user's private addresses go with the user.
	o := apptest.Must(t, e, "POST", "/v1/me/addresses", s.u2, map[string]any{"Street1": "1 Two", "City": "X", "Country": "FR", "Billing": true}, 201)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/u2", admin, nil, 204)
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two-again")
	again := s.Login("shopper-two-again", buyersMeRoles...)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/addresses", again, nil, 200)); slices.Contains(got, o.S("ID")) {
		t.Errorf("deleted user's private address came back: %v", got)
	}
}

func TestBuyersCreditCards(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/creditcards", admin, map[string]any{"PartialAccountNumber": "123456"}), 400, "ValidationFailure")
	cc := apptest.Must(t, e, "POST", "/v1/buyers/b1/creditcards", admin, map[string]any{"ID": "corp", "CardType": "Visa",
		"CardholderName": "Acme", "PartialAccountNumber": "4242", "ExpirationDate": "2030-01-31T00:00:00Z"}, 201)
	if cc.S("DateCreated") == "" || cc.S("ExpirationDate") != "2030-01-31T00:00:00Z" {
		t.Errorf("created card: %s", cc.Raw)
	}
	for _, id := range []string{"team", "own", "other"} {
		apptest.Must(t, e, "PUT", "/v1/buyers/b1/creditcards/"+id, admin, map[string]any{"CardType": "MasterCard"}, 200)
	}
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/creditcards/other", admin, map[string]any{"CardholderName": "Other"}, 200)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/creditcards?CardType=Visa", admin, nil, 200)); !slices.Equal(got, []string{"corp"}) {
		t.Errorf("cards by type: %v", got)
	}

	for _, asg := range []map[string]any{{"CreditCardID": "corp"}, {"CreditCardID": "team", "UserGroupID": "g1"},
		{"CreditCardID": "own", "UserID": "u1"}, {"CreditCardID": "other", "UserID": "u2"}, {"CreditCardID": "own", "UserID": "u1"}} {
		apptest.Must(t, e, "POST", "/v1/buyers/b1/creditcards/assignments", admin, asg, 204)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/creditcards/assignments", admin, map[string]any{"CreditCardID": "corp", "UserID": "u1", "UserGroupID": "g1"}),
		400, "PartyAssignment.CannotSpecifyGroupAndUser")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/creditcards/assignments", admin, map[string]any{"CreditCardID": "none"}), 404, "NotFound")
	if n := buyersCount(t, s, "/v1/buyers/b1/creditcards/assignments", admin); n != "4" {
		t.Errorf("card assignments %s, want 4", n)
	}
	if n := buyersCount(t, s, "/v1/buyers/b1/creditcards/assignments?level=User", admin); n != "2" {
		t.Errorf("user-level card assignments %s, want 2", n)
	}

	l := apptest.Must(t, e, "GET", "/v1/me/creditcards", s.u1, nil, 200)
	if got := apptest.IDs(l); !slices.Equal(got, []string{"corp", "own", "team"}) {
		t.Errorf("u1 cards %v", got)
	}
	if l.Get("Items.0.Editable") != false || l.S("Items.0.PartialAccountNumber") != "4242" {
		t.Errorf("shared card view: %s", l.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/creditcards", s.u2, nil, 200)); !slices.Equal(got, []string{"corp", "other"}) {
		t.Errorf("u2 cards %v", got)
	}

	// Private card.
	c := apptest.Must(t, e, "POST", "/v1/me/creditcards", s.u1, map[string]any{"CardType": "Amex", "PartialAccountNumber": "0005"}, 201)
	mine := c.S("ID")
	if mine == "" || c.Get("Editable") != true {
		t.Fatalf("private card: %s", c.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/creditcards", s.u2, nil, 200)); slices.Contains(got, mine) {
		t.Errorf("u2 sees u1's card: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/creditcards", admin, nil, 200)); slices.Contains(got, mine) {
		t.Errorf("admin sees the private card: %v", got)
	}
	apptest.Must(t, e, "PATCH", "/v1/me/creditcards/"+mine, s.u1, map[string]any{"CardholderName": "Me"}, 204)
	if g := apptest.Must(t, e, "GET", "/v1/me/creditcards/"+mine, s.u1, nil, 200); g.S("CardholderName") != "Me" || g.S("CardType") != "Amex" {
		t.Errorf("patched card: %s", g.Raw)
	}
	if p := apptest.Must(t, e, "PUT", "/v1/me/creditcards/"+mine, s.u1, map[string]any{"CardType": "Visa"}, 200); p.S("CardholderName") != "" || p.S("CardType") != "Visa" {
		t.Errorf("replaced card: %s", p.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/me/creditcards/corp", s.u1, map[string]any{"CardholderName": "X"}), 403, "CreditCard.CannotEditPublic")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/creditcards/team", s.u1, nil), 403, "CreditCard.CannotEditPublic")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/creditcards/other", s.u1, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/me/creditcards/"+mine, s.u1, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me/creditcards/"+mine, s.u1, nil), 404, "NotFound")

	// Deleting a card removes its assignments.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/creditcards/own", admin, nil, 204)
	if n := buyersCount(t, s, "/v1/buyers/b1/creditcards/assignments?creditCardID=own", admin); n != "0" {
		t.Errorf("assignment survived its card: %s", n)
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/creditcards/team/assignments?userGroupID=g1", admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/creditcards", s.u1, nil, 200)); !slices.Equal(got, []string{"corp"}) {
		t.Errorf("u1 cards after removals %v", got)
	}
}

func TestBuyersSpendingAccounts(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/spendingaccounts", admin, map[string]any{"Name": "No balance"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/spendingaccounts", admin, map[string]any{"Name": "Bad", "Balance": "ten"}), 400, "Request.InvalidRequestBody")
	a := e.Do("POST", "/v1/buyers/b1/spendingaccounts", admin, `{"ID":"budget","Name":"Budget","Balance":1234567.10,"AllowAsPaymentMethod":true}`).Must(t, 201)
	if a.S("Balance") != "1234567.10" {
		t.Errorf("Balance %q, want the exact 1234567.10", a.S("Balance"))
	}
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts", admin, map[string]any{"ID": "team", "Name": "Team", "Balance": 50}, 201)
	apptest.Must(t, e, "PUT", "/v1/buyers/b1/spendingaccounts/perk", admin, map[string]any{"Name": "Perk", "Balance": 5}, 200)
	p := e.Do("PATCH", "/v1/buyers/b1/spendingaccounts/budget", admin, `{"Balance":0.30}`).Must(t, 200)
	if p.S("Balance") != "0.30" || p.S("Name") != "Budget" {
		t.Errorf("patched account: %s", p.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/spendingaccounts?sortBy=Name", admin, nil, 200)); !slices.Equal(got, []string{"budget", "perk", "team"}) {
		t.Errorf("accounts by name: %v", got)
	}

	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "budget"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "team", "UserGroupID": "g1"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "perk", "UserID": "u2"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "perk", "UserID": "u2", "AllowExceed": true}, 204)
	l := apptest.Must(t, e, "GET", "/v1/buyers/b1/spendingaccounts/assignments?userID=u2", admin, nil, 200)
	if l.S("Meta.TotalCount") != "1" || l.Get("Items.0.AllowExceed") != true {
		t.Errorf("replaced assignment: %s", l.Raw)
	}
	if n := buyersCount(t, s, "/v1/buyers/b1/spendingaccounts/assignments?level=Group", admin); n != "1" {
		t.Errorf("group-level %s, want 1", n)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "budget", "UserGroupID": "nope"}), 404, "NotFound")

	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/spendingAccounts", s.u1, nil, 200)); !slices.Equal(got, []string{"budget", "team"}) {
		t.Errorf("u1 accounts %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/spendingAccounts", s.u2, nil, 200)); !slices.Equal(got, []string{"budget", "perk"}) {
		t.Errorf("u2 accounts %v", got)
	}
	if g := apptest.Must(t, e, "GET", "/v1/me/spendingaccounts/budget", s.u1, nil, 200); g.S("Balance") != "0.30" {
		t.Errorf("me account: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/spendingaccounts/perk", s.u1, nil), 404, "NotFound")

	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/spendingaccounts/perk/assignments?userID=u2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/spendingaccounts/budget", admin, nil, 204)
	if n := buyersCount(t, s, "/v1/buyers/b1/spendingaccounts/assignments", admin); n != "1" {
		t.Errorf("assignments left %s, want only team's", n)
	}
}

func TestBuyersApprovalRules(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "approvers", "Name": "Approvers"}, 201)

	r := e.Do("POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ID": "big", "ApprovingGroupID": "nogroup", "RuleExpression": "order.Total > 100"})
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != "UserGroup" || r.S("Errors.0.Data.ObjectID") != "nogroup" {
		t.Errorf("missing group Data: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ApprovingGroupID": "approvers"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"RuleExpression": "order.Total > 1"}), 400, "ValidationFailure")
	c := apptest.Must(t, e, "POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ID": "big", "Name": "Big orders",
		"ApprovingGroupID": "approvers", "RuleExpression": "order.Total > 100"}, 201)
	if c.S("RuleExpression") != "order.Total > 100" {
		t.Errorf("created rule: %s", c.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/buyers/b1/approvalrules/small", admin, map[string]any{"ApprovingGroupID": "g1", "RuleExpression": "order.Total > 1"}, 200)
	apptest.WantErr(t, e.Do("PATCH", "/v1/buyers/b1/approvalrules/big", admin, map[string]any{"ApprovingGroupID": "nogroup"}), 404, "NotFound")
	if p := apptest.Must(t, e, "PATCH", "/v1/buyers/b1/approvalrules/big", admin, map[string]any{"Description": "Over 100"}, 200); p.S("ApprovingGroupID") != "approvers" || p.S("Description") != "Over 100" {
		t.Errorf("patched rule: %s", p.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/approvalrules?ApprovingGroupID=g1", admin, nil, 200)); !slices.Equal(got, []string{"small"}) {
		t.Errorf("rules by group: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/b2/approvalrules", admin, nil), 404, "NotFound")

	// The approving group is kept while a rule names it.
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/usergroups/approvers", admin, nil), 400, "UserGroup.CannotDeleteApprovingGroup")
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/approvalrules/big", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/b1/approvalrules/big", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/approvers", admin, nil, 204)
}

func TestBuyersDeleteBuyerRemovesAccounts(t *testing.T) {
	t.Parallel()
	s := newBuyersShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters", admin, map[string]any{"ID": "cc", "Name": "CC"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/costcenters/assignments", admin, map[string]any{"CostCenterID": "cc"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts", admin, map[string]any{"ID": "sa", "Name": "SA", "Balance": 1}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ID": "ar", "ApprovingGroupID": "g1", "RuleExpression": "true"}, 201)
	apptest.Must(t, e, "POST", "/v1/me/creditcards", s.u1, map[string]any{"CardType": "Visa"}, 201)

	apptest.Must(t, e, "DELETE", "/v1/buyers/b1", admin, nil, 204)
	// Its default catalog outlives it; the new buyer takes it back.
	apptest.Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": "b1", "Name": "Again", "Active": true, "DefaultCatalogID": "b1"}, 201)
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "b1"})
	apptest.AssignProfile(t, e, admin, "buyersme", map[string]any{"BuyerID": "b1"})
	for _, path := range []string{"costcenters", "costcenters/assignments", "spendingaccounts", "approvalrules"} {
		if n := buyersCount(t, s, "/v1/buyers/b1/"+path, admin); n != "0" {
			t.Errorf("%s survived the buyer: %s", path, n)
		}
	}
	apptest.BuyerUser(t, e, admin, "b1", "u1", "shopper-one-again")
	tok := s.Login("shopper-one-again", buyersMeRoles...)
	if n := buyersCount(t, s, "/v1/me/creditcards", tok); n != "0" {
		t.Errorf("private cards survived the buyer: %s", n)
	}
}
