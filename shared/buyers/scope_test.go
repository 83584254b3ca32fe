package buyers_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Buyer users given admin-style roles still only reach their own company
// through buyer-addressed routes.
func TestBuyerUserConfinedToOwnCompany(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.Buyer(t, e, admin, "b2")
	apptest.BuyerUser(t, e, admin, "b2", "other", "other-user")
	apptest.Profile(t, e, admin, "user-admin", "BuyerUserAdmin", "Shopper")
	apptest.AssignProfile(t, e, admin, "user-admin", map[string]any{"BuyerID": "b1"})
	tok := s.Login("shopper-one", "BuyerUserAdmin")
	apptest.Must(t, e, "GET", "/v1/buyers/b1/users/u1", tok, nil, 200)
	r := e.Do("GET", "/v1/buyers/b2/users/other", tok, nil)
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != "Buyer" {
		t.Errorf("404 should name the buyer: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/buyers/b2/users/other", tok, map[string]any{"FirstName": "X"}), 404, "NotFound")
}

// Assignments living under a parent answer 404 when the parent is missing.
func TestAssignmentParentsMustExist(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	for _, path := range []string{"/v1/buyers/nope/usergroups/assignments", "/v1/products/nope/inventoryrecords/assignments",
		"/v1/catalogs/nope/categories/assignments", "/v1/catalogs/nope/categories/productassignments"} {
		r := e.Do("GET", path, admin, nil)
		apptest.WantErr(t, r, 404, "NotFound")
		if r.S("Errors.0.Data.ObjectID") != "nope" {
			t.Errorf("%s: %s", path, r.Raw)
		}
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/nope/usergroups/assignments", admin, map[string]any{"UserGroupID": "g", "UserID": "u"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/nope/usergroups/g/assignments/u", admin, nil), 404, "NotFound")
}

// A user group assignment needs the group and the user to exist in the buyer.
func TestUserGroupAssignmentRefsExist(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g", "Name": "G"}, 201)
	for _, body := range []map[string]any{{"UserGroupID": "nope", "UserID": "u1"}, {"UserGroupID": "g", "UserID": "nope"}} {
		r := e.Do("POST", "/v1/buyers/b1/usergroups/assignments", admin, body)
		apptest.WantErr(t, r, 404, "NotFound")
		if r.S("Errors.0.Data.ObjectID") != "nope" {
			t.Errorf("404 data: %s", r.Raw)
		}
	}
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g", "UserID": "u1"}, 204)
}
