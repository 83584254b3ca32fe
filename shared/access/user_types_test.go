package access_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// A security profile may list any role, but each user keeps only the roles
// of its user type: in AvailableRoles, in its tokens and in role checks.
func TestRolesApplyByUserType(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	// A profile mixing marketplace, buyer and supplier roles, given to the
	// buyer company, to a supplier, and to the marketplace's admin users.
	mixed := []string{"BuyerReader", "ProductAdmin", "Shopper", "OrderAdmin", "SupplierReader", "ApiClientAdmin", "BuyerUserReader"}
	apptest.Profile(t, e, admin, "mixed", mixed...)
	apptest.AssignProfile(t, e, admin, "mixed", map[string]any{"BuyerID": s.Buyer})
	apptest.SupplierOrg(t, e, admin, "s1", nil)
	apptest.SupplierUser(t, e, admin, "s1", "su1", "supplier-one")
	apptest.AssignProfile(t, e, admin, "mixed", map[string]any{"SupplierID": "s1"})

	// Buyer users: buyer roles only, whatever the profile says.
	u := apptest.Must(t, e, "GET", "/v1/buyers/b1/users/u1", admin, nil, 200)
	roles := apptest.Strings(u.Get("AvailableRoles"))
	for _, r := range []string{"BuyerReader", "ProductAdmin", "SupplierReader", "ApiClientAdmin"} {
		if slices.Contains(roles, r) {
			t.Errorf("buyer user AvailableRoles %v include %s", roles, r)
		}
	}
	for _, r := range []string{"Shopper", "OrderAdmin", "BuyerUserReader", "MeAdmin"} {
		if !slices.Contains(roles, r) {
			t.Errorf("buyer user AvailableRoles %v lack %s", roles, r)
		}
	}
	tok := s.Login("shopper-one")
	if got := apptest.TokenRoles(t, tok); slices.Contains(got, "BuyerReader") || slices.Contains(got, "ProductAdmin") {
		t.Errorf("buyer token roles %v", got)
	}
	// Asking for a role of another user type does not get it.
	if got := apptest.TokenRoles(t, s.Login("shopper-one", "BuyerReader", "Shopper")); !apptest.SameSet(got, []string{"Shopper"}) {
		t.Errorf("buyer asking for BuyerReader got %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/buyers", tok, nil), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("GET", "/v1/products", tok, nil), 403, "Auth.InsufficientRoles")
	me := apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200)
	if slices.Contains(apptest.Strings(me.Get("AvailableRoles")), "BuyerReader") {
		t.Errorf("Me.AvailableRoles: %s", me.Raw)
	}

	// Supplier users: supplier roles only.
	su := apptest.Must(t, e, "GET", "/v1/suppliers/s1/users/su1", admin, nil, 200)
	if got := apptest.Strings(su.Get("AvailableRoles")); !apptest.SameSet(got, []string{"ProductAdmin", "OrderAdmin", "SupplierReader"}) {
		t.Errorf("supplier user AvailableRoles %v", got)
	}

	// FullAccess given to a buyer stands for the buyer roles only: the
	// anonymous-looking storefront user cannot list every buyer with it.
	apptest.Profile(t, e, admin, "full", "FullAccess")
	apptest.AssignProfile(t, e, admin, "full", map[string]any{"BuyerID": s.Buyer, "UserID": "u1"})
	full := s.Login("shopper-one", "FullAccess")
	apptest.WantErr(t, e.Do("GET", "/v1/buyers", full, nil), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("GET", "/v1/apiclients", full, nil), 403, "Auth.InsufficientRoles")
	apptest.Must(t, e, "GET", "/v1/buyers/b1/users", full, nil, 200)
	apptest.Must(t, e, "GET", "/v1/me/products", full, nil, 200)

	// Admin users keep every role.
	adminUser := apptest.Must(t, e, "GET", "/v1/adminusers/"+marketplaceOwner(t, e, admin), admin, nil, 200)
	if !slices.Contains(apptest.Strings(adminUser.Get("AvailableRoles")), "FullAccess") {
		t.Errorf("admin AvailableRoles: %s", adminUser.Raw)
	}
}

// marketplaceOwner is the bootstrapped admin user's ID.
func marketplaceOwner(t *testing.T, e *apptest.Env, admin string) string {
	t.Helper()
	r := apptest.Must(t, e, "GET", "/v1/adminusers?Username="+apptest.AdminUsername, admin, nil, 200)
	return r.S("Items.0.ID")
}
