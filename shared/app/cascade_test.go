package app_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Deleting a buyer removes everything that lives under it and every
// assignment that names it; its usernames become free again.
func TestDeleteBuyerCascades(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.Buyer(t, e, admin, "gone")
	apptest.BuyerUser(t, e, admin, "gone", "gu", "gone-user")
	apptest.Must(t, e, "POST", "/v1/buyers/gone/usergroups", admin, map[string]any{"ID": "g", "Name": "G"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/gone/usergroups/assignments", admin, map[string]any{"UserGroupID": "g", "UserID": "gu"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/gone/addresses", admin, map[string]any{"ID": "a", "Street1": "1 Main", "City": "X", "State": "MN", "Zip": "1", "Country": "US"}, 201)
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "gone", "UserID": "gu"})
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "p")
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "b1", "BuyerID": "gone"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p", "BuyerID": "gone", "UserGroupID": "g"}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c", "Name": "C", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/assignments", admin, map[string]any{"CategoryID": "c", "BuyerID": "gone", "Visible": true}, 204)

	// The user keeps a product collection with an entry.
	apptest.InCatalog(t, e, admin, "gone", "p")
	gu := s.Login("gone-user", "Shopper")
	apptest.Must(t, e, "POST", "/v1/me/productcollections", gu, map[string]any{"ID": "wish", "Name": "Wish"}, 201)
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/wish/p", gu, nil, 204)

	apptest.Must(t, e, "DELETE", "/v1/buyers/gone", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/gone/users/gu", admin, nil), 404, "NotFound")
	for _, path := range []string{
		"/v1/securityprofiles/assignments?buyerID=gone",
		"/v1/catalogs/assignments?buyerID=gone",
		"/v1/products/assignments?buyerID=gone",
		"/v1/catalogs/b1/categories/assignments?buyerID=gone",
	} {
		if r := apptest.Must(t, e, "GET", path, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
			t.Errorf("%s left behind: %s", path, r.Raw)
		}
	}
	// The buyer's catalog assignment to its own default catalog went too,
	// and the catalog itself stays (it may be shared).
	apptest.Must(t, e, "GET", "/v1/catalogs/gone", admin, nil, 200)
	// Recreating the buyer (on its old catalog) starts empty, and the
	// username is free.
	apptest.Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": "gone", "Name": "Again", "Active": true, "DefaultCatalogID": "gone"}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/buyers/gone/users", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("users survived: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/buyers/gone/productcollections", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("collections survived: %s", r.Raw)
	}
	apptest.BuyerUser(t, e, admin, "gone", "gu", "gone-user2")
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "gone"})
	gu = s.Login("gone-user2", "Shopper")
	apptest.Must(t, e, "POST", "/v1/me/productcollections", gu, map[string]any{"ID": "wish", "Name": "Wish"}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/buyers/gone/productcollections/wish/products", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("collection entries survived: %s", r.Raw)
	}
	apptest.BuyerUser(t, e, admin, "b1", "again", "gone-user")
}

// Deleting a product removes its catalog, category and party assignments.
func TestDeleteProductCascades(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p", "list", nil)
	apptest.Must(t, e, "POST", "/v1/catalogs", admin, map[string]any{"ID": "other", "Name": "Other", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/other/categories", admin, map[string]any{"ID": "c", "Name": "C", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/other/categories/productassignments", admin, map[string]any{"CategoryID": "c", "ProductID": "p"}, 204)
	apptest.InCatalog(t, e, admin, "b1", "p")
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p", "BuyerID": "b1", "PriceScheduleID": "list"}, 204)

	apptest.Must(t, e, "DELETE", "/v1/products/p", admin, nil, 204)
	for _, path := range []string{
		"/v1/catalogs/productassignments?productID=p",
		"/v1/catalogs/other/categories/productassignments?productID=p",
		"/v1/products/assignments?productID=p",
	} {
		if r := apptest.Must(t, e, "GET", path, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
			t.Errorf("%s left behind: %s", path, r.Raw)
		}
	}
	// Recreated with the same ID, the product is not visible through old assignments.
	apptest.Product(t, e, admin, "p", "list", nil)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("recreated product visible through stale assignments: %v", got)
	}
}

// Categories.List honours depth: 1 by default, n levels, or all.
func TestCategoryListDepth(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	for _, c := range [][2]string{{"a", ""}, {"a1", "a"}, {"a11", "a1"}, {"b", ""}} {
		apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": c[0], "Name": c[0], "ParentID": c[1], "Active": true}, 201)
	}
	cases := map[string][]string{"": {"a", "b"}, "?depth=1": {"a", "b"}, "?depth=2": {"a", "a1", "b"},
		"?depth=all": {"a", "a1", "a11", "b"}, "?ParentID=a1": {"a11"}}
	for q, want := range cases {
		if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories"+q, admin, nil, 200)); !slices.Equal(got, want) {
			t.Errorf("categories%s = %v, want %v", q, got, want)
		}
		if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories"+q, s.Token, nil, 200)); !slices.Equal(got, want) {
			t.Errorf("me/categories%s = %v, want %v", q, got, want)
		}
	}
	apptest.WantErr(t, e.Do("GET", "/v1/catalogs/b1/categories?depth=zero", admin, nil), 400, "Category.InvalidDepth")
	apptest.WantErr(t, e.Do("GET", "/v1/me/categories?depth=-1", s.Token, nil), 400, "Category.InvalidDepth")
	apptest.WantErr(t, e.Do("PATCH", "/v1/catalogs/b1/categories/a", admin, map[string]any{"ParentID": "a11"}), 400, "Category.CircularReference")

	// Assignments to a missing category are 404s; deleting a category
	// removes its party and product assignments.
	apptest.WantErr(t, e.Do("POST", "/v1/catalogs/b1/categories/assignments", admin, map[string]any{"CategoryID": "nope", "BuyerID": "b1"}), 404, "NotFound")
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p", "list", nil)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/assignments", admin, map[string]any{"CategoryID": "b", "BuyerID": "b1", "Visible": true}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/productassignments", admin, map[string]any{"CategoryID": "b", "ProductID": "p"}, 204)
	apptest.Must(t, e, "DELETE", "/v1/catalogs/b1/categories/b", admin, nil, 204)
	for _, path := range []string{"/v1/catalogs/b1/categories/assignments?categoryID=b", "/v1/catalogs/b1/categories/productassignments?categoryID=b"} {
		if r := apptest.Must(t, e, "GET", path, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
			t.Errorf("%s left behind: %s", path, r.Raw)
		}
	}
}

// Changes that would break what uses an entity fail with the contract's codes.
func TestInUseRules(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", map[string]any{"Currency": "USD"}, 1, 10)
	apptest.Product(t, e, admin, "p", "", nil)
	// Not in any of the buyer's catalogs yet.
	apptest.WantErr(t, e.Do("POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p", "BuyerID": "b1", "PriceScheduleID": "ps"}), 400, "Product.CannotAssignNotInBuyerCatalog")
	apptest.WantErr(t, e.Do("POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "nope", "BuyerID": "b1"}), 404, "NotFound")
	apptest.InCatalog(t, e, admin, "b1", "p")
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p", "BuyerID": "b1", "PriceScheduleID": "ps"}, 204)

	apptest.WantErr(t, e.Do("PATCH", "/v1/priceschedules/ps", admin, map[string]any{"Currency": "EUR"}), 400, "PriceSchedule.CannotModifyCurrency")
	apptest.WantErr(t, e.Do("PATCH", "/v1/priceschedules/ps", admin, map[string]any{"PriceBreaks": []any{}}), 400, "PriceSchedule.CannotClearPriceBreaks")
	apptest.WantErr(t, e.Do("DELETE", "/v1/priceschedules/ps/PriceBreaks?quantity=1", admin, nil), 400, "PriceSchedule.CannotDeleteLastPriceBreak")
	apptest.Must(t, e, "PATCH", "/v1/priceschedules/ps", admin, map[string]any{"Name": "Renamed"}, 200)
	// Unassigned, the schedule may change freely.
	apptest.Must(t, e, "DELETE", "/v1/products/p/assignments/b1", admin, nil, 204)
	apptest.Must(t, e, "PATCH", "/v1/priceschedules/ps", admin, map[string]any{"Currency": "EUR"}, 200)

	// A default context user cannot be deleted while a client uses it.
	apptest.BuyerUser(t, e, admin, "b1", "anon", "anon-user")
	apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Anon", "Active": true, "AccessTokenDuration": 600, "AllowAnyBuyer": true, "IsAnonBuyer": true, "DefaultContextUserName": "anon-user"}, 201)
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/users/anon", admin, nil), 400, "User.CannotDeleteDefaultContextUser")
}
