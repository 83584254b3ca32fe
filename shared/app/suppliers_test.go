package app_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// supplierOrg creates an active supplier.
func supplierOrg(t *testing.T, e *apptest.Env, admin, id string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Supplier " + id, "Active": true}
	for k, v := range extra {
		body[k] = v
	}
	must(t, e, "POST", "/v1/suppliers", admin, body, 201)
}

// supplierUser creates an active user of a supplier.
func supplierUser(t *testing.T, e *apptest.Env, admin, supplierID, userID, username string) {
	t.Helper()
	must(t, e, "POST", "/v1/suppliers/"+supplierID+"/users", admin, map[string]any{"ID": userID, "Username": username,
		"Password": buyerPassword, "FirstName": "F", "LastName": "L", "Email": username + "@example.com", "Active": true}, 201)
}

func TestSupplierCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	wantErr(t, e.Do("POST", "/v1/suppliers", admin, map[string]any{"ID": "nameless"}), 400, "ValidationFailure")
	supplierOrg(t, e, admin, "s1", map[string]any{"AllBuyersCanOrder": true})
	got := must(t, e, "GET", "/v1/suppliers/s1", admin, nil, 200)
	if got.S("Name") != "Supplier s1" || got.Get("AllBuyersCanOrder") != true || got.S("DateCreated") == "" {
		t.Errorf("get: %s", got.Raw)
	}
	must(t, e, "PATCH", "/v1/suppliers/s1", admin, map[string]any{"Name": "Renamed"}, 200)
	must(t, e, "PUT", "/v1/suppliers/s2", admin, map[string]any{"Name": "Two", "Active": true}, 200)
	if l := ids(must(t, e, "GET", "/v1/suppliers?sortBy=ID", admin, nil, 200)); !slices.Equal(l, []string{"s1", "s2"}) {
		t.Errorf("list %v", l)
	}
	if l := ids(must(t, e, "GET", "/v1/suppliers?Name=Renamed", admin, nil, 200)); !slices.Equal(l, []string{"s1"}) {
		t.Errorf("filtered list %v", l)
	}
	must(t, e, "DELETE", "/v1/suppliers/s2", admin, nil, 204)
	wantErr(t, e.Do("GET", "/v1/suppliers/s2", admin, nil), 404, "NotFound")
}

func TestSupplierBuyers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	buyer(t, e, admin, "b1")
	buyer(t, e, admin, "b2")

	wantErr(t, e.Do("PUT", "/v1/suppliers/s1/buyers/nobody", admin, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/suppliers/nobody/buyers/b1", admin, nil), 404, "NotFound")
	must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	must(t, e, "PUT", "/v1/suppliers/s1/buyers/b2", admin, nil, 204)
	must(t, e, "PUT", "/v1/suppliers/s1/buyers/b2", admin, nil, 204) // again: no duplicate
	r := must(t, e, "GET", "/v1/suppliers/s1/buyers", admin, nil, 200)
	if l := ids(r); !slices.Equal(l, []string{"b1", "b2"}) || r.S("Items.0.Name") != "Buyer b1" {
		t.Errorf("supplier buyers: %s", r.Raw)
	}
	must(t, e, "DELETE", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	// Deleting the buyer ends its relationship too.
	must(t, e, "DELETE", "/v1/buyers/b2", admin, nil, 204)
	if l := ids(must(t, e, "GET", "/v1/suppliers/s1/buyers", admin, nil, 200)); len(l) != 0 {
		t.Errorf("after deletes: %v", l)
	}
}

func TestSupplierUserLoginAndMe(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	supplierUser(t, e, admin, "s1", "su1", "supplier-one")
	profile(t, e, admin, "sp", "MeAdmin", "OrderReader")
	assignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})

	got := must(t, e, "GET", "/v1/suppliers/s1/users/su1", admin, nil, 200)
	if got.S("CompanyID") != "s1" || got.Get("Password") != nil || !slices.Contains(supplierStrings(got.Get("AvailableRoles")), "MeAdmin") {
		t.Errorf("supplier user: %s", got.Raw)
	}
	// Only clients open to suppliers may be used.
	closed := must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Buyers only", "Active": true, "AllowAnyBuyer": true, "AccessTokenDuration": 600}, 201).S("ID")
	r := e.Token(supplierLoginForm(closed, "supplier-one", buyerPassword))
	wantErr(t, r, 400, "ApiClient.InvalidClientID")
	client := must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Suppliers", "Active": true, "AllowAnySupplier": true, "AccessTokenDuration": 600}, 201).S("ID")
	wantErr(t, e.Token(supplierLoginForm(client, "supplier-one", "wrong-Passw0rd")), 400, "Auth.InvalidUsernameOrPassword")

	tok := e.Login(client, "supplier-one", buyerPassword)
	if c := claims(t, tok); c["usrtype"] != "supplier" || c["cmp"] != "s1" {
		t.Errorf("claims %v", c)
	}
	me := must(t, e, "GET", "/v1/me", tok, nil, 200)
	if me.S("ID") != "su1" || me.S("Supplier.ID") != "s1" || me.Get("Buyer") != nil || me.S("Username") != "supplier-one" {
		t.Errorf("me: %s", me.Raw)
	}
	// A client assigned to the supplier works too.
	assigned := must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Assigned", "Active": true, "AccessTokenDuration": 600}, 201).S("ID")
	must(t, e, "POST", "/v1/apiclients/assignments", admin, map[string]any{"ApiClientID": assigned, "SupplierID": "s1"}, 204)
	e.Login(assigned, "supplier-one", buyerPassword)

	// Revoking the supplier user's tokens ends them; unlock answers too.
	must(t, e, "DELETE", "/v1/suppliers/s1/users/su1/tokens", admin, nil, 204)
	wantErr(t, e.Do("GET", "/v1/me", tok, nil), 401, "InvalidToken")
	must(t, e, "GET", "/v1/me", e.Login(client, "supplier-one", buyerPassword), nil, 200)
	must(t, e, "POST", "/v1/suppliers/s1/users/su1/unlock", admin, nil, 204)
	wantErr(t, e.Do("POST", "/v1/suppliers/s1/users/nobody/unlock", admin, nil), 404, "NotFound")

	// An inactive supplier cannot log in.
	must(t, e, "PATCH", "/v1/suppliers/s1", admin, map[string]any{"Active": false}, 200)
	wantErr(t, e.Token(supplierLoginForm(client, "supplier-one", buyerPassword)), 400, "Auth.CompanyNotActive")
}

func TestSupplierUsersCRUDAndUniqueUsernames(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	supplierOrg(t, e, admin, "s2", nil)
	buyer(t, e, admin, "b1")
	buyerUser(t, e, admin, "b1", "bu", "taken-by-buyer")
	must(t, e, "POST", "/v1/adminusers", admin, map[string]any{"ID": "au", "Username": "taken-by-admin", "FirstName": "A",
		"LastName": "A", "Email": "a@example.com", "Active": true}, 201)

	wantErr(t, e.Do("POST", "/v1/suppliers/s1/users", admin, map[string]any{"ID": "x", "FirstName": "F", "LastName": "L",
		"Email": "x@example.com"}), 400, "ValidationFailure")
	wantErr(t, e.Do("POST", "/v1/suppliers/nobody/users", admin, map[string]any{"Username": "u", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 404, "NotFound")
	for _, name := range []string{"taken-by-buyer", "TAKEN-BY-ADMIN"} {
		r := e.Do("POST", "/v1/suppliers/s1/users", admin, map[string]any{"Username": name, "FirstName": "F", "LastName": "L",
			"Email": "x@example.com", "Active": true})
		wantErr(t, r, 409, "User.UsernameMustBeUnique")
	}
	supplierUser(t, e, admin, "s1", "su1", "supplier-one")
	supplierUser(t, e, admin, "s1", "su2", "supplier-two")
	// Unique across suppliers and against buyer users too.
	wantErr(t, e.Do("POST", "/v1/suppliers/s2/users", admin, map[string]any{"Username": "supplier-one", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 409, "User.UsernameMustBeUnique")
	wantErr(t, e.Do("POST", "/v1/buyers/b1/users", admin, map[string]any{"Username": "Supplier-Two", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 409, "User.UsernameMustBeUnique")

	// Renaming frees the old name.
	must(t, e, "PATCH", "/v1/suppliers/s1/users/su1", admin, map[string]any{"Username": "renamed"}, 200)
	supplierUser(t, e, admin, "s2", "other", "supplier-one")
	if l := ids(must(t, e, "GET", "/v1/suppliers/s1/users", admin, nil, 200)); !slices.Equal(l, []string{"su1", "su2"}) {
		t.Errorf("s1 users %v", l)
	}
	if l := ids(must(t, e, "GET", "/v1/suppliers/s2/users", admin, nil, 200)); !slices.Equal(l, []string{"other"}) {
		t.Errorf("s2 users %v", l)
	}
	wantErr(t, e.Do("GET", "/v1/suppliers/s2/users/su1", admin, nil), 404, "NotFound")
	must(t, e, "PUT", "/v1/suppliers/s1/users/su2", admin, map[string]any{"Username": "supplier-two", "FirstName": "New",
		"LastName": "L", "Email": "x@example.com", "Active": true}, 200)
	must(t, e, "DELETE", "/v1/suppliers/s1/users/su2", admin, nil, 204)
	supplierUser(t, e, admin, "s2", "again", "supplier-two") // the name is free again
}

func TestSupplierUserGroupsAndAddresses(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	supplierOrg(t, e, admin, "s2", nil)
	supplierUser(t, e, admin, "s1", "su1", "supplier-one")
	supplierUser(t, e, admin, "s1", "su2", "supplier-two")
	supplierUser(t, e, admin, "s2", "elsewhere", "supplier-three")

	wantErr(t, e.Do("POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g"}), 400, "ValidationFailure")
	must(t, e, "POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g1", "Name": "Group one"}, 201)
	must(t, e, "PUT", "/v1/suppliers/s1/usergroups/g2", admin, map[string]any{"Name": "Group two"}, 200)
	must(t, e, "PATCH", "/v1/suppliers/s1/usergroups/g2", admin, map[string]any{"Description": "second"}, 200)
	if g := must(t, e, "GET", "/v1/suppliers/s1/usergroups/g2", admin, nil, 200); g.S("Description") != "second" {
		t.Errorf("group: %s", g.Raw)
	}
	if l := ids(must(t, e, "GET", "/v1/suppliers/s1/usergroups", admin, nil, 200)); !slices.Equal(l, []string{"g1", "g2"}) {
		t.Errorf("groups %v", l)
	}

	asg := func(group, user string) apptest.Resp {
		return e.Do("POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": group, "UserID": user})
	}
	wantErr(t, asg("missing", "su1"), 404, "NotFound")
	wantErr(t, asg("g1", "elsewhere"), 404, "NotFound") // a user of another supplier
	wantErr(t, e.Do("POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1"}), 400, "ValidationFailure")
	asg("g1", "su1").Must(t, 204)
	asg("g1", "su2").Must(t, 204)
	asg("g2", "su1").Must(t, 204)
	if r := must(t, e, "GET", "/v1/suppliers/s1/usergroups/assignments?userGroupID=g1", admin, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("g1 assignments: %s", r.Raw)
	}
	if l := ids(must(t, e, "GET", "/v1/suppliers/s1/users?userGroupID=g2", admin, nil, 200)); !slices.Equal(l, []string{"su1"}) {
		t.Errorf("users of g2 %v", l)
	}
	// A group-level security profile reaches its members.
	profile(t, e, admin, "grp", "OrderAdmin")
	assignProfile(t, e, admin, "grp", map[string]any{"SupplierID": "s1", "UserGroupID": "g2"})
	if r := must(t, e, "GET", "/v1/suppliers/s1/users/su1", admin, nil, 200); !slices.Contains(supplierStrings(r.Get("AvailableRoles")), "OrderAdmin") {
		t.Errorf("roles through the group: %s", r.Raw)
	}
	must(t, e, "DELETE", "/v1/suppliers/s1/usergroups/g1/assignments/su2", admin, nil, 204)
	// Deleting a user or a group removes its assignments.
	must(t, e, "DELETE", "/v1/suppliers/s1/users/su1", admin, nil, 204)
	must(t, e, "DELETE", "/v1/suppliers/s1/usergroups/g2", admin, nil, 204)
	if r := must(t, e, "GET", "/v1/suppliers/s1/usergroups/assignments", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("assignments after deletes: %s", r.Raw)
	}

	// Addresses.
	addr := map[string]any{"ID": "a1", "Street1": "1 Main St", "City": "Town", "State": "MN", "Zip": "55555", "Country": "US"}
	must(t, e, "POST", "/v1/suppliers/s1/addresses", admin, addr, 201)
	must(t, e, "PATCH", "/v1/suppliers/s1/addresses/a1", admin, map[string]any{"City": "City"}, 200)
	if a := must(t, e, "GET", "/v1/suppliers/s1/addresses/a1", admin, nil, 200); a.S("City") != "City" {
		t.Errorf("address: %s", a.Raw)
	}
	must(t, e, "PUT", "/v1/suppliers/s1/addresses/a2", admin, addr, 200)
	if l := ids(must(t, e, "GET", "/v1/suppliers/s1/addresses", admin, nil, 200)); !slices.Equal(l, []string{"a1", "a2"}) {
		t.Errorf("addresses %v", l)
	}
	wantErr(t, e.Do("GET", "/v1/suppliers/s2/addresses/a1", admin, nil), 404, "NotFound")
	must(t, e, "DELETE", "/v1/suppliers/s1/addresses/a2", admin, nil, 204)
}

func TestDeleteSupplierCascades(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	buyer(t, e, admin, "b1")
	supplierUser(t, e, admin, "s1", "su1", "supplier-one")
	must(t, e, "POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g1", "Name": "G"}, 201)
	must(t, e, "POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1", "UserID": "su1"}, 204)
	must(t, e, "POST", "/v1/suppliers/s1/addresses", admin, map[string]any{"ID": "a1", "Street1": "1 Main St", "City": "Town",
		"State": "MN", "Zip": "55555", "Country": "US"}, 201)
	must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	priceSchedule(t, e, admin, "ps", nil, 1, 5)
	product(t, e, admin, "p1", "ps", nil)
	must(t, e, "PUT", "/v1/products/p1/suppliers/s1", admin, nil, 204)
	profile(t, e, admin, "sp", "MeAdmin")
	assignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})

	must(t, e, "DELETE", "/v1/suppliers/s1", admin, nil, 204)
	// Recreated, the supplier starts empty, and the username is free again.
	supplierOrg(t, e, admin, "s1", nil)
	for _, path := range []string{"users", "usergroups", "addresses", "usergroups/assignments", "buyers"} {
		if r := must(t, e, "GET", "/v1/suppliers/s1/"+path, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
			t.Errorf("%s survived the delete: %s", path, r.Raw)
		}
	}
	if r := must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("product supplier survived: %s", r.Raw)
	}
	if r := must(t, e, "GET", "/v1/securityprofiles/assignments?supplierID=s1", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("security profile assignment survived: %s", r.Raw)
	}
	supplierUser(t, e, admin, "s1", "su9", "supplier-one")
}

func TestProductSuppliers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	supplierOrg(t, e, admin, "s2", nil)
	priceSchedule(t, e, admin, "mpo", nil, 1, 10)
	priceSchedule(t, e, admin, "s1-price", map[string]any{"OwnerID": "s1"}, 1, 8)
	priceSchedule(t, e, admin, "s2-price", map[string]any{"OwnerID": "s2"}, 1, 9)
	product(t, e, admin, "p1", "mpo", nil)

	wantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/nobody", admin, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/products/nothing/suppliers/s1", admin, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=missing", admin, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=s2-price", admin, nil), 400,
		"PriceSchedule.InvalidDefaultPriceScheduleID")
	must(t, e, "PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=s1-price", admin, nil, 204)
	must(t, e, "PUT", "/v1/products/p1/suppliers/s2", admin, nil, 204)
	r := must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200)
	if l := ids(r); !slices.Equal(l, []string{"s1", "s2"}) || r.S("Items.0.DefaultPriceScheduleID") != "s1-price" ||
		r.S("Items.0.Name") != "Supplier s1" || r.Get("Items.1.DefaultPriceScheduleID") != nil {
		t.Errorf("product suppliers: %s", r.Raw)
	}
	must(t, e, "DELETE", "/v1/products/p1/suppliers/s2", admin, nil, 204)
	if l := ids(must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200)); !slices.Equal(l, []string{"s1"}) {
		t.Errorf("after remove: %v", l)
	}
	// Deleting the product ends the relationship.
	must(t, e, "DELETE", "/v1/products/p1", admin, nil, 204)
	product(t, e, admin, "p1", "mpo", nil)
	if r := must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("relationship survived the product: %s", r.Raw)
	}
}

func TestMeProductSellers(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	e, admin := s.e, s.admin
	priceSchedule(t, e, admin, "mpo", nil, 1, 10)
	priceSchedule(t, e, admin, "s1-price", map[string]any{"OwnerID": "s1"}, 1, 8)
	product(t, e, admin, "p1", "mpo", nil)
	product(t, e, admin, "hidden", "mpo", nil)
	inCatalog(t, e, admin, "b1", "p1")
	supplierOrg(t, e, admin, "s1", nil)                                       // related to b1 below
	supplierOrg(t, e, admin, "s2", map[string]any{"AllBuyersCanOrder": true}) // open to every buyer
	supplierOrg(t, e, admin, "s3", nil)                                       // no relationship to b1
	supplierOrg(t, e, admin, "s4", map[string]any{"AllBuyersCanOrder": true, "Active": false})
	must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	for _, sup := range []string{"s1", "s2", "s3", "s4"} {
		path := "/v1/products/p1/suppliers/" + sup
		if sup == "s1" {
			path += "?defaultPriceScheduleID=s1-price"
		}
		must(t, e, "PUT", path, admin, nil, 204)
	}

	wantErr(t, e.Do("GET", "/v1/me/products/hidden/sellers", s.token, nil), 404, "NotFound")
	r := must(t, e, "GET", "/v1/me/products/p1/sellers", s.token, nil, 200)
	if l := ids(r); !slices.Equal(l, []string{"marketplace", "s1", "s2"}) {
		t.Fatalf("sellers %v: %s", l, r.Raw)
	}
	prices := map[string]string{}
	for i := range 3 {
		prices[r.S("Items."+string(rune('0'+i))+".ID")] = r.S("Items." + string(rune('0'+i)) + ".PriceSchedule.ID")
	}
	if prices["marketplace"] != "mpo" || prices["s1"] != "s1-price" || prices["s2"] != "mpo" {
		t.Errorf("seller prices %v: %s", prices, r.Raw)
	}
	// Admin users are not buyers.
	wantErr(t, e.Do("GET", "/v1/me/products/p1/sellers", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")
}

func TestSupplierUserScope(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	supplierOrg(t, e, admin, "s1", nil)
	supplierOrg(t, e, admin, "s2", nil)
	buyer(t, e, admin, "b1")
	must(t, e, "PUT", "/v1/suppliers/s2/buyers/b1", admin, nil, 204)
	supplierUser(t, e, admin, "s1", "su1", "supplier-one")
	profile(t, e, admin, "sp", "SupplierAdmin", "SupplierReader", "ProductAdmin")
	assignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})
	client := must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Suppliers", "Active": true, "AllowAnySupplier": true, "AccessTokenDuration": 600}, 201).S("ID")
	tok := e.Login(client, "supplier-one", buyerPassword, "SupplierAdmin", "SupplierReader", "ProductAdmin")

	// Only the marketplace owner manages supplier-buyer relationships; a
	// supplier sees only its own buyers.
	wantErr(t, e.Do("PUT", "/v1/suppliers/s1/buyers/b1", tok, nil), 403, "Auth.UserNotAuthorizedToAdmin")
	must(t, e, "GET", "/v1/suppliers/s1/buyers", tok, nil, 200)
	wantErr(t, e.Do("GET", "/v1/suppliers/s2/buyers", tok, nil), 404, "NotFound")

	// A supplier opts itself in only where every supplier may sell.
	priceSchedule(t, e, admin, "ps", nil, 1, 5)
	product(t, e, admin, "closed", "ps", nil)
	product(t, e, admin, "open", "ps", map[string]any{"AllSuppliersCanSell": true})
	// A product the supplier may not sell is one it cannot see.
	wantErr(t, e.Do("PUT", "/v1/products/closed/suppliers/s1", tok, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/products/open/suppliers/s2", tok, nil), 404, "NotFound")
	must(t, e, "PUT", "/v1/products/open/suppliers/s1", tok, nil, 204)
}

func supplierStrings(v any) []string {
	arr, _ := v.([]any)
	out := []string{}
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func supplierLoginForm(client, username, password string) map[string][]string {
	return map[string][]string{"grant_type": {"password"}, "client_id": {client}, "username": {username}, "password": {password}}
}
