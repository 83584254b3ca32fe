package suppliers_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func TestSupplierCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	apptest.WantErr(t, e.Do("POST", "/v1/suppliers", admin, map[string]any{"ID": "nameless"}), 400, "ValidationFailure")
	apptest.SupplierOrg(t, e, admin, "s1", map[string]any{"AllBuyersCanOrder": true})
	got := apptest.Must(t, e, "GET", "/v1/suppliers/s1", admin, nil, 200)
	if got.S("Name") != "Supplier s1" || got.Get("AllBuyersCanOrder") != true || got.S("DateCreated") == "" {
		t.Errorf("get: %s", got.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/suppliers/s1", admin, map[string]any{"Name": "Renamed"}, 200)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s2", admin, map[string]any{"Name": "Two", "Active": true}, 200)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers?sortBy=ID", admin, nil, 200)); !slices.Equal(l, []string{"s1", "s2"}) {
		t.Errorf("list %v", l)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers?Name=Renamed", admin, nil, 200)); !slices.Equal(l, []string{"s1"}) {
		t.Errorf("filtered list %v", l)
	}
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s2", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/suppliers/s2", admin, nil), 404, "NotFound")
}

func TestSupplierBuyers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.Buyer(t, e, admin, "b1")
	apptest.Buyer(t, e, admin, "b2")

	apptest.WantErr(t, e.Do("PUT", "/v1/suppliers/s1/buyers/nobody", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/suppliers/nobody/buyers/b1", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b2", admin, nil, 204)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b2", admin, nil, 204) // again: no duplicate
	r := apptest.Must(t, e, "GET", "/v1/suppliers/s1/buyers", admin, nil, 200)
	if l := apptest.IDs(r); !slices.Equal(l, []string{"b1", "b2"}) || r.S("Items.0.Name") != "Buyer b1" {
		t.Errorf("supplier buyers: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	// Deleting the buyer ends its relationship too.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b2", admin, nil, 204)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s1/buyers", admin, nil, 200)); len(l) != 0 {
		t.Errorf("after deletes: %v", l)
	}
}

func TestSupplierUserLoginAndMe(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.Profile(t, e, admin, "sp", "MeAdmin", "OrderReader")
	apptest.AssignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})

	got := apptest.Must(t, e, "GET", "/v1/suppliers/s1/users/su1", admin, nil, 200)
	if got.S("CompanyID") != "s1" || got.Get("Password") != nil || !slices.Contains(apptest.Strings(got.Get("AvailableRoles")), "MeAdmin") {
		t.Errorf("supplier user: %s", got.Raw)
	}
	// Only clients open to suppliers may be used.
	closed := apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Buyers only", "Active": true, "AllowAnyBuyer": true, "AccessTokenDuration": 600}, 201).S("ID")
	r := e.Token(supplierLoginForm(closed, "supplier-one", apptest.BuyerPassword))
	apptest.WantErr(t, r, 400, "ApiClient.InvalidClientID")
	client := apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Suppliers", "Active": true, "AllowAnySupplier": true, "AccessTokenDuration": 600}, 201).S("ID")
	apptest.WantErr(t, e.Token(supplierLoginForm(client, "supplier-one", "wrong-Passw0rd")), 400, "Auth.InvalidUsernameOrPassword")

	tok := e.Login(client, "supplier-one", apptest.BuyerPassword)
	if c := apptest.Claims(t, tok); c["usrtype"] != "supplier" || c["cmp"] != "s1" {
		t.Errorf("claims %v", c)
	}
	me := apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200)
	if me.S("ID") != "su1" || me.S("Supplier.ID") != "s1" || me.Get("Buyer") != nil || me.S("Username") != "supplier-one" {
		t.Errorf("me: %s", me.Raw)
	}
	// A client assigned to the supplier works too.
	assigned := apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Assigned", "Active": true, "AccessTokenDuration": 600}, 201).S("ID")
	apptest.Must(t, e, "POST", "/v1/apiclients/assignments", admin, map[string]any{"ApiClientID": assigned, "SupplierID": "s1"}, 204)
	e.Login(assigned, "supplier-one", apptest.BuyerPassword)

	// Revoking the supplier user's tokens ends them; unlock answers too.
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/users/su1/tokens", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me", tok, nil), 401, "InvalidToken")
	apptest.Must(t, e, "GET", "/v1/me", e.Login(client, "supplier-one", apptest.BuyerPassword), nil, 200)
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/users/su1/unlock", admin, nil, 204)
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/s1/users/nobody/unlock", admin, nil), 404, "NotFound")

	// An inactive supplier cannot log in.
	apptest.Must(t, e, "PATCH", "/v1/suppliers/s1", admin, map[string]any{"Active": false}, 200)
	apptest.WantErr(t, e.Token(supplierLoginForm(client, "supplier-one", apptest.BuyerPassword)), 400, "Auth.CompanyNotActive")
}

func TestSupplierUsersCRUDAndUniqueUsernames(t *testing.T) {
	t.Parallel()
	e, admin := twoSuppliers(t)
	apptest.Buyer(t, e, admin, "b1")
	apptest.BuyerUser(t, e, admin, "b1", "bu", "taken-by-buyer")
	apptest.Must(t, e, "POST", "/v1/adminusers", admin, map[string]any{"ID": "au", "Username": "taken-by-admin", "FirstName": "A",
		"LastName": "A", "Email": "a@example.com", "Active": true}, 201)

	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/s1/users", admin, map[string]any{"ID": "x", "FirstName": "F", "LastName": "L",
		"Email": "x@example.com"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/nobody/users", admin, map[string]any{"Username": "u", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 404, "NotFound")
	for _, name := range []string{"taken-by-buyer", "TAKEN-BY-ADMIN"} {
		r := e.Do("POST", "/v1/suppliers/s1/users", admin, map[string]any{"Username": name, "FirstName": "F", "LastName": "L",
			"Email": "x@example.com", "Active": true})
		apptest.WantErr(t, r, 409, "User.UsernameMustBeUnique")
	}
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.SupplierUser(t, e, admin, "s1", "su2", "supplier-two")
	// Unique across suppliers and against buyer users too.
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/s2/users", admin, map[string]any{"Username": "supplier-one", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 409, "User.UsernameMustBeUnique")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users", admin, map[string]any{"Username": "Supplier-Two", "FirstName": "F",
		"LastName": "L", "Email": "x@example.com", "Active": true}), 409, "User.UsernameMustBeUnique")

	// Renaming frees the old name.
	apptest.Must(t, e, "PATCH", "/v1/suppliers/s1/users/su1", admin, map[string]any{"Username": "renamed"}, 200)
	apptest.SupplierUser(t, e, admin, "s2", "other", "supplier-one")
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s1/users", admin, nil, 200)); !slices.Equal(l, []string{"su1", "su2"}) {
		t.Errorf("s1 users %v", l)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s2/users", admin, nil, 200)); !slices.Equal(l, []string{"other"}) {
		t.Errorf("s2 users %v", l)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/suppliers/s2/users/su1", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/users/su2", admin, map[string]any{"Username": "supplier-two", "FirstName": "New",
		"LastName": "L", "Email": "x@example.com", "Active": true}, 200)
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/users/su2", admin, nil, 204)
	apptest.SupplierUser(t, e, admin, "s2", "again", "supplier-two") // the name is free again
}

func TestSupplierUserGroupsAndAddresses(t *testing.T) {
	t.Parallel()
	e, admin := twoSuppliers(t)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.SupplierUser(t, e, admin, "s1", "su2", "supplier-two")
	apptest.SupplierUser(t, e, admin, "s2", "elsewhere", "supplier-three")

	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g"}), 400, "ValidationFailure")
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g1", "Name": "Group one"}, 201)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/usergroups/g2", admin, map[string]any{"Name": "Group two"}, 200)
	apptest.Must(t, e, "PATCH", "/v1/suppliers/s1/usergroups/g2", admin, map[string]any{"Description": "second"}, 200)
	if g := apptest.Must(t, e, "GET", "/v1/suppliers/s1/usergroups/g2", admin, nil, 200); g.S("Description") != "second" {
		t.Errorf("group: %s", g.Raw)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s1/usergroups", admin, nil, 200)); !slices.Equal(l, []string{"g1", "g2"}) {
		t.Errorf("groups %v", l)
	}

	asg := func(group, user string) apptest.Resp {
		return e.Do("POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": group, "UserID": user})
	}
	apptest.WantErr(t, asg("missing", "su1"), 404, "NotFound")
	apptest.WantErr(t, asg("g1", "elsewhere"), 404, "NotFound") // a user of another supplier
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1"}), 400, "ValidationFailure")
	asg("g1", "su1").Must(t, 204)
	asg("g1", "su2").Must(t, 204)
	asg("g2", "su1").Must(t, 204)
	if r := apptest.Must(t, e, "GET", "/v1/suppliers/s1/usergroups/assignments?userGroupID=g1", admin, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("g1 assignments: %s", r.Raw)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s1/users?userGroupID=g2", admin, nil, 200)); !slices.Equal(l, []string{"su1"}) {
		t.Errorf("users of g2 %v", l)
	}
	// A group-level security profile reaches its members.
	apptest.Profile(t, e, admin, "grp", "OrderAdmin")
	apptest.AssignProfile(t, e, admin, "grp", map[string]any{"SupplierID": "s1", "UserGroupID": "g2"})
	if r := apptest.Must(t, e, "GET", "/v1/suppliers/s1/users/su1", admin, nil, 200); !slices.Contains(apptest.Strings(r.Get("AvailableRoles")), "OrderAdmin") {
		t.Errorf("roles through the group: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/usergroups/g1/assignments/su2", admin, nil, 204)
	// Deleting a user or a group removes its assignments.
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/users/su1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/usergroups/g2", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/suppliers/s1/usergroups/assignments", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("assignments after deletes: %s", r.Raw)
	}

	// Addresses.
	addr := map[string]any{"ID": "a1", "Street1": "1 Main St", "City": "Town", "State": "MN", "Zip": "55555", "Country": "US"}
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/addresses", admin, addr, 201)
	apptest.Must(t, e, "PATCH", "/v1/suppliers/s1/addresses/a1", admin, map[string]any{"City": "City"}, 200)
	if a := apptest.Must(t, e, "GET", "/v1/suppliers/s1/addresses/a1", admin, nil, 200); a.S("City") != "City" {
		t.Errorf("address: %s", a.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/addresses/a2", admin, addr, 200)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/suppliers/s1/addresses", admin, nil, 200)); !slices.Equal(l, []string{"a1", "a2"}) {
		t.Errorf("addresses %v", l)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/suppliers/s2/addresses/a1", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1/addresses/a2", admin, nil, 204)
}

func TestDeleteSupplierCascades(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.Buyer(t, e, admin, "b1")
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/usergroups", admin, map[string]any{"ID": "g1", "Name": "G"}, 201)
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1", "UserID": "su1"}, 204)
	apptest.Must(t, e, "POST", "/v1/suppliers/s1/addresses", admin, map[string]any{"ID": "a1", "Street1": "1 Main St", "City": "Town",
		"State": "MN", "Zip": "55555", "Country": "US"}, 201)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	apptest.Product(t, e, admin, "p1", "ps", nil)
	apptest.Must(t, e, "PUT", "/v1/products/p1/suppliers/s1", admin, nil, 204)
	apptest.Profile(t, e, admin, "sp", "MeAdmin")
	apptest.AssignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})

	apptest.Must(t, e, "DELETE", "/v1/suppliers/s1", admin, nil, 204)
	// Recreated, the supplier starts empty, and the username is free again.
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	for _, path := range []string{"users", "usergroups", "addresses", "usergroups/assignments", "buyers"} {
		if r := apptest.Must(t, e, "GET", "/v1/suppliers/s1/"+path, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
			t.Errorf("%s survived the delete: %s", path, r.Raw)
		}
	}
	if r := apptest.Must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("product supplier survived: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/securityprofiles/assignments?supplierID=s1", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("security profile assignment survived: %s", r.Raw)
	}
	apptest.SupplierUser(t, e, admin, "s1", "su9", "supplier-one")
}

func TestProductSuppliers(t *testing.T) {
	t.Parallel()
	e, admin := twoSuppliers(t)
	apptest.PriceSchedule(t, e, admin, "mpo", nil, 1, 10)
	apptest.PriceSchedule(t, e, admin, "s1-price", map[string]any{"OwnerID": "s1"}, 1, 8)
	apptest.PriceSchedule(t, e, admin, "s2-price", map[string]any{"OwnerID": "s2"}, 1, 9)
	apptest.Product(t, e, admin, "p1", "mpo", nil)

	apptest.WantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/nobody", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/products/nothing/suppliers/s1", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=missing", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=s2-price", admin, nil), 400,
		"PriceSchedule.InvalidDefaultPriceScheduleID")
	apptest.Must(t, e, "PUT", "/v1/products/p1/suppliers/s1?defaultPriceScheduleID=s1-price", admin, nil, 204)
	apptest.Must(t, e, "PUT", "/v1/products/p1/suppliers/s2", admin, nil, 204)
	r := apptest.Must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200)
	if l := apptest.IDs(r); !slices.Equal(l, []string{"s1", "s2"}) || r.S("Items.0.DefaultPriceScheduleID") != "s1-price" ||
		r.S("Items.0.Name") != "Supplier s1" || r.Get("Items.1.DefaultPriceScheduleID") != nil {
		t.Errorf("product suppliers: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/products/p1/suppliers/s2", admin, nil, 204)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200)); !slices.Equal(l, []string{"s1"}) {
		t.Errorf("after remove: %v", l)
	}
	// Deleting the product ends the relationship.
	apptest.Must(t, e, "DELETE", "/v1/products/p1", admin, nil, 204)
	apptest.Product(t, e, admin, "p1", "mpo", nil)
	if r := apptest.Must(t, e, "GET", "/v1/products/p1/suppliers", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("relationship survived the product: %s", r.Raw)
	}
}

func TestMeProductSellers(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "mpo", nil, 1, 10)
	apptest.PriceSchedule(t, e, admin, "s1-price", map[string]any{"OwnerID": "s1"}, 1, 8)
	apptest.Product(t, e, admin, "p1", "mpo", nil)
	apptest.Product(t, e, admin, "hidden", "mpo", nil)
	apptest.InCatalog(t, e, admin, "b1", "p1")
	apptest.SupplierOrg(t, e, admin, "s1", nil)                                       // related to b1 below
	apptest.SupplierOrg(t, e, admin, "s2", map[string]any{"AllBuyersCanOrder": true}) // open to every buyer
	apptest.SupplierOrg(t, e, admin, "s3", nil)                                       // no relationship to b1
	apptest.SupplierOrg(t, e, admin, "s4", map[string]any{"AllBuyersCanOrder": true, "Active": false})
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	for _, sup := range []string{"s1", "s2", "s3", "s4"} {
		path := "/v1/products/p1/suppliers/" + sup
		if sup == "s1" {
			path += "?defaultPriceScheduleID=s1-price"
		}
		apptest.Must(t, e, "PUT", path, admin, nil, 204)
	}

	apptest.WantErr(t, e.Do("GET", "/v1/me/products/hidden/sellers", s.Token, nil), 404, "NotFound")
	r := apptest.Must(t, e, "GET", "/v1/me/products/p1/sellers", s.Token, nil, 200)
	if l := apptest.IDs(r); !slices.Equal(l, []string{"marketplace", "s1", "s2"}) {
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
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p1/sellers", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")
}

func TestSupplierUserScope(t *testing.T) {
	t.Parallel()
	e, admin := twoSuppliers(t)
	apptest.Buyer(t, e, admin, "b1")
	apptest.Must(t, e, "PUT", "/v1/suppliers/s2/buyers/b1", admin, nil, 204)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.Profile(t, e, admin, "sp", "SupplierAdmin", "SupplierReader", "ProductAdmin")
	apptest.AssignProfile(t, e, admin, "sp", map[string]any{"SupplierID": "s1"})
	client := apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Suppliers", "Active": true, "AllowAnySupplier": true, "AccessTokenDuration": 600}, 201).S("ID")
	tok := e.Login(client, "supplier-one", apptest.BuyerPassword, "SupplierAdmin", "SupplierReader", "ProductAdmin")

	// Only the marketplace owner manages supplier-buyer relationships; a
	// supplier sees only its own buyers.
	apptest.WantErr(t, e.Do("PUT", "/v1/suppliers/s1/buyers/b1", tok, nil), 403, "Auth.UserNotAuthorizedToAdmin")
	apptest.Must(t, e, "GET", "/v1/suppliers/s1/buyers", tok, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/suppliers/s2/buyers", tok, nil), 404, "NotFound")

	// A supplier opts itself in only where every supplier may sell.
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	apptest.Product(t, e, admin, "closed", "ps", nil)
	apptest.Product(t, e, admin, "open", "ps", map[string]any{"AllSuppliersCanSell": true})
	// A product the supplier may not sell is one it cannot see.
	apptest.WantErr(t, e.Do("PUT", "/v1/products/closed/suppliers/s1", tok, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/products/open/suppliers/s2", tok, nil), 404, "NotFound")
	apptest.Must(t, e, "PUT", "/v1/products/open/suppliers/s1", tok, nil, 204)
}

func supplierLoginForm(client, username, password string) map[string][]string {
	return map[string][]string{"grant_type": {"password"}, "client_id": {client}, "username": {username}, "password": {password}}
}

// Buyers, suppliers and the marketplace share one namespace of company IDs:
// orders and shipments name companies by ID alone, and a user reaches what
// names its company's ID, so a supplier sharing a buyer's ID would read the
// buyer's orders. A taken ID is a 409 IdExists, whichever kind took it; a
// deleted company frees it; concurrent creates of one ID leave one company.
func TestCompanyIDsAreOneNamespace(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	marketplace := apptest.Must(t, e, "GET", "/v1/me", admin, nil, 200).S("CompanyID")
	if marketplace == "" {
		t.Fatal("the admin user names no company")
	}
	apptest.Buyer(t, e, admin, "acme")
	apptest.SupplierOrg(t, e, admin, "globex", nil)
	for _, c := range []struct{ method, path string }{
		{"POST", "/v1/suppliers"}, {"PUT", "/v1/suppliers/acme"}, {"POST", "/v1/buyers"}, {"PUT", "/v1/buyers/globex"},
	} {
		for _, id := range []string{"acme", "globex", marketplace} {
			path := c.path
			if c.method == "PUT" {
				path = path[:strings.LastIndex(path, "/")+1] + id
			}
			r := e.Do(c.method, path, admin, map[string]any{"ID": id, "Name": "Taken", "Active": true})
			if id == "acme" && strings.HasPrefix(path, "/v1/buyers") || id == "globex" && strings.HasPrefix(path, "/v1/suppliers") {
				continue // the company itself: a PUT replaces it, a POST is a plain duplicate
			}
			apptest.WantErr(t, r, 409, "IdExists")
		}
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/acme", admin, nil, 204)
	apptest.SupplierOrg(t, e, admin, "acme", nil)
	again := map[string]any{"ID": "acme", "Name": "Again", "Active": true, "DefaultCatalogID": "acme"} // its catalog outlived it
	apptest.WantErr(t, e.Do("POST", "/v1/buyers", admin, again), 409, "IdExists")

	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := []string{"/v1/buyers", "/v1/suppliers"}[i%2]
			statuses[i] = e.Do("POST", path, admin, map[string]any{"ID": "race", "Name": "Race", "Active": true}).Status
		}()
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("concurrent create: %d", s)
		}
	}
	b, s := e.Do("GET", "/v1/buyers/race", admin, nil).Status, e.Do("GET", "/v1/suppliers/race", admin, nil).Status
	if created != 1 || (b == 200) == (s == 200) {
		t.Errorf("concurrent creates of one ID: %d created; buyer %d, supplier %d", created, b, s)
	}
}

// A supplier user's product list shows the products it owns, names it their
// default supplier, invite every supplier, or it opted in to sell — and no
// other — reading its opt-ins once, not once per product.
func TestSupplierSeesProductsItMaySell(t *testing.T) {
	t.Parallel()
	e, admin := twoSuppliers(t)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.Profile(t, e, admin, "reader", "ProductReader")
	apptest.AssignProfile(t, e, admin, "reader", map[string]any{"SupplierID": "s1"})
	client := apptest.BuyerClient(t, e, admin, map[string]any{"AllowAnySupplier": true})
	tok := e.Login(client, "supplier-one", apptest.BuyerPassword, "ProductReader")
	apptest.PriceSchedule(t, e, admin, "mpo", nil, 1, 10)
	apptest.Product(t, e, admin, "owned", "", map[string]any{"OwnerID": "s1"})
	apptest.Product(t, e, admin, "default", "mpo", map[string]any{"DefaultSupplierID": "s1"})
	apptest.Product(t, e, admin, "open", "mpo", map[string]any{"AllSuppliersCanSell": true})
	apptest.Product(t, e, admin, "opted", "mpo", nil)
	apptest.Must(t, e, "PUT", "/v1/products/opted/suppliers/s1", admin, nil, 204)
	apptest.Product(t, e, admin, "theirs", "mpo", nil)
	apptest.Must(t, e, "PUT", "/v1/products/theirs/suppliers/s2", admin, nil, 204)
	for i := range 30 {
		apptest.Product(t, e, admin, fmt.Sprintf("other%02d", i), "mpo", nil)
	}
	e.Store.Calls.Reset()
	r := apptest.Must(t, e, "GET", "/v1/products?sortBy=ID", tok, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"default", "open", "opted", "owned"}) || r.S("Meta.TotalCount") != "4" {
		t.Errorf("supplier's products: %v %s", got, r.Raw)
	}
	if n := e.Store.Calls.N(); n > 10 {
		t.Errorf("a supplier's list of 35 products made %d DynamoDB calls", n)
	}
	apptest.Must(t, e, "GET", "/v1/products/opted", tok, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/products/theirs", tok, nil), 404, "NotFound")
}

// twoSuppliers is a marketplace with suppliers s1 and s2, and its admin
// token.
func twoSuppliers(t *testing.T) (*apptest.Env, string) {
	t.Helper()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.SupplierOrg(t, e, admin, "s2", nil)
	return e, admin
}
