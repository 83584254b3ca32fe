package catalog_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// merchCount is a list response's Meta.TotalCount.
func merchCount(r apptest.Resp) string { return r.S("Meta.TotalCount") }

// merchNotFound checks a 404 names the missing object's type and ID.
func merchNotFound(t *testing.T, r apptest.Resp, objectType, id string) {
	t.Helper()
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != objectType || r.S("Errors.0.Data.ObjectID") != id {
		t.Errorf("404 names %s %s, want %s %s: %s", r.S("Errors.0.Data.ObjectType"), r.S("Errors.0.Data.ObjectID"), objectType, id, r.Raw)
	}
}

// merchFacets renders Meta.Facets as "Color: Red=2 Blue=1; Size: M=1".
func merchFacets(r apptest.Resp) string {
	facets, _ := r.Get("Meta.Facets").([]any)
	var out []string
	for _, f := range facets {
		m, _ := f.(map[string]any)
		s := fmt.Sprint(m["Name"]) + ":"
		vals, _ := m["Values"].([]any)
		for _, v := range vals {
			vm, _ := v.(map[string]any)
			s += fmt.Sprintf(" %v=%v", vm["Value"], vm["Count"])
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// merchGroup creates a user group of a buyer, optionally with members.
func merchGroup(t *testing.T, e *apptest.Env, admin, buyerID, groupID string, members ...string) {
	t.Helper()
	apptest.Must(t, e, "POST", "/v1/buyers/"+buyerID+"/usergroups", admin, map[string]any{"ID": groupID, "Name": "Group " + groupID}, 201)
	for _, u := range members {
		apptest.Must(t, e, "POST", "/v1/buyers/"+buyerID+"/usergroups/assignments", admin, map[string]any{"UserGroupID": groupID, "UserID": u}, 204)
	}
}

func TestBundleCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	b := apptest.Must(t, e, "POST", "/v1/bundles", admin, map[string]any{"ID": "kit", "Name": "Starter kit", "Active": true, "xp": map[string]any{"Theme": "Garden"}}, 201)
	if b.S("OwnerID") == "" || b.S("xp.Theme") != "Garden" {
		t.Errorf("created bundle: %s", b.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/bundles", admin, map[string]any{"ID": "nameless"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/bundles", admin, map[string]any{"ID": "kit", "Name": "Again"}), 409, "IdExists")
	if r := apptest.Must(t, e, "PATCH", "/v1/bundles/kit", admin, map[string]any{"Name": "Kit"}, 200); r.S("Name") != "Kit" || r.S("xp.Theme") != "Garden" {
		t.Errorf("patched bundle: %s", r.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/bundles/other", admin, map[string]any{"Name": "Other"}, 200)
	list := apptest.Must(t, e, "GET", "/v1/bundles?sortBy=Name", admin, nil, 200)
	if got := apptest.IDs(list); !slices.Equal(got, []string{"kit", "other"}) {
		t.Errorf("bundles %v", got)
	}
	if f, ok := list.Get("Meta.Facets").([]any); !ok || len(f) != 0 {
		t.Errorf("bundle list is a ListPageWithFacets with no facets configured: %s", list.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/bundles/other", admin, nil, 204)
	merchNotFound(t, e.Do("GET", "/v1/bundles/other", admin, nil), "Bundle", "other")
}

func TestBundleAssignments(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	merchGroup(t, e, admin, "b1", "g1")
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	apptest.Product(t, e, admin, "p1", "ps", nil)
	apptest.Product(t, e, admin, "p2", "ps", nil)
	apptest.Must(t, e, "POST", "/v1/bundles", admin, map[string]any{"ID": "kit", "Name": "Kit"}, 201)
	apptest.Category(t, e, admin, "b1", "c1")
	apptest.Catalog(t, e, admin, "cat2")

	// Buyer and user group assignments.
	apptest.Must(t, e, "POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit", "BuyerID": "b1", "UserGroupID": "g1"}, 204)
	apptest.Must(t, e, "POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit", "BuyerID": "b1", "UserGroupID": "g1"}, 204)
	if r := apptest.Must(t, e, "GET", "/v1/bundles/assignments?bundleID=kit", admin, nil, 200); merchCount(r) != "2" {
		t.Errorf("saving again replaces: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/bundles/assignments?level=Group", admin, nil, 200); merchCount(r) != "1" || r.S("Items.0.UserGroupID") != "g1" {
		t.Errorf("group level: %s", r.Raw)
	}
	merchNotFound(t, e.Do("POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "nope", "BuyerID": "b1"}), "Bundle", "nope")
	merchNotFound(t, e.Do("POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit", "BuyerID": "nope"}), "Buyer", "nope")
	merchNotFound(t, e.Do("POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit", "BuyerID": "b1", "UserGroupID": "nope"}), "UserGroup", "nope")
	apptest.WantErr(t, e.Do("POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": "kit"}), 400, "ValidationFailure")
	apptest.Must(t, e, "DELETE", "/v1/bundles/kit/assignments/b1?userGroupID=g1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/bundles/assignments?bundleID=kit", admin, nil, 200); merchCount(r) != "1" || r.S("Items.0.UserGroupID") != "" {
		t.Errorf("after deleting the group assignment: %s", r.Raw)
	}

	// Product assignments.
	apptest.Must(t, e, "POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "kit", "ProductID": "p1", "Required": true, "DefaultQuantity": 2}, 204)
	apptest.Must(t, e, "POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "kit", "ProductID": "p1", "Required": true, "DefaultQuantity": 3}, 204)
	apptest.Must(t, e, "POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "kit", "ProductID": "p2", "Required": false}, 204)
	r := apptest.Must(t, e, "GET", "/v1/bundles/productassignments?bundleID=kit&productID=p1", admin, nil, 200)
	if merchCount(r) != "1" || r.S("Items.0.DefaultQuantity") != "3" {
		t.Errorf("product assignment replaced: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "kit", "ProductID": "p1"}), 400, "ValidationFailure")
	merchNotFound(t, e.Do("POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "kit", "ProductID": "nope", "Required": true}), "Product", "nope")
	merchNotFound(t, e.Do("POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": "nope", "ProductID": "p1", "Required": true}), "Bundle", "nope")
	// A product in a bundle cannot be deleted.
	apptest.WantErr(t, e.Do("DELETE", "/v1/products/p2", admin, nil), 400, "Product.CannotDeleteProductAssingedToBundle")
	apptest.Must(t, e, "DELETE", "/v1/bundles/kit/productassignments/p2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/products/p2", admin, nil, 204)

	// Catalog assignments narrow Bundles.List by catalogID.
	apptest.Must(t, e, "POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "cat2", "BundleID": "kit"}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "cat2", "BundleID": "kit"}, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/bundleassignments?bundleID=kit", admin, nil, 200); merchCount(r) != "1" || r.S("Items.0.CatalogID") != "cat2" {
		t.Errorf("catalog bundle assignments: %s", r.Raw)
	}
	merchNotFound(t, e.Do("POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "nope", "BundleID": "kit"}), "Catalog", "nope")
	merchNotFound(t, e.Do("POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "cat2", "BundleID": "nope"}), "Bundle", "nope")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/bundles?catalogID=cat2", admin, nil, 200)); !slices.Equal(got, []string{"kit"}) {
		t.Errorf("bundles in cat2: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/bundles?catalogID=b1", admin, nil, 200)); len(got) != 0 {
		t.Errorf("bundles in b1 before any assignment: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/catalogs/cat2/bundleassignments/kit", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/bundleassignments", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("after delete: %s", r.Raw)
	}

	// Category assignments live under the catalog and put the bundle in it.
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "c1", "BundleID": "kit", "ListOrder": 1}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "c1", "BundleID": "kit", "ListOrder": 4}, 204)
	r = apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories/bundleassignments?categoryID=c1", admin, nil, 200)
	if merchCount(r) != "1" || r.S("Items.0.ListOrder") != "4" {
		t.Errorf("category bundle assignments: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/cat2/categories/bundleassignments", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("another catalog's category assignments: %s", r.Raw)
	}
	merchNotFound(t, e.Do("POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "nope", "BundleID": "kit"}), "Category", "nope")
	merchNotFound(t, e.Do("POST", "/v1/catalogs/nope/categories/bundleassignments", admin, map[string]any{"CategoryID": "c1", "BundleID": "kit"}), "Catalog", "nope")
	merchNotFound(t, e.Do("POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "c1", "BundleID": "nope"}), "Bundle", "nope")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/bundles?catalogID=b1&categoryID=c1", admin, nil, 200)); !slices.Equal(got, []string{"kit"}) {
		t.Errorf("bundles in category c1: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/bundles?catalogID=b1", admin, nil, 200)); !slices.Equal(got, []string{"kit"}) {
		t.Errorf("a category assignment puts the bundle in the catalog: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/catalogs/b1/categories/c1/bundleassignments/kit", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories/bundleassignments", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("after delete: %s", r.Raw)
	}
}

func TestBundleDeleteCascades(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	merchGroup(t, e, admin, "b1", "g1")
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	apptest.Product(t, e, admin, "p1", "ps", nil)
	apptest.Category(t, e, admin, "b1", "c1")
	apptest.Category(t, e, admin, "b1", "c2")
	for _, id := range []string{"kit", "keep"} {
		apptest.Must(t, e, "POST", "/v1/bundles", admin, map[string]any{"ID": id, "Name": id}, 201)
		apptest.Must(t, e, "POST", "/v1/bundles/assignments", admin, map[string]any{"BundleID": id, "BuyerID": "b1", "UserGroupID": "g1"}, 204)
		apptest.Must(t, e, "POST", "/v1/bundles/productassignments", admin, map[string]any{"BundleID": id, "ProductID": "p1", "Required": true}, 204)
		apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "c1", "BundleID": id}, 204)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/bundleassignments", admin, map[string]any{"CategoryID": "c2", "BundleID": "kit"}, 204)

	apptest.Must(t, e, "DELETE", "/v1/bundles/kit", admin, nil, 204)
	for _, path := range []string{"/v1/bundles/assignments", "/v1/bundles/productassignments", "/v1/catalogs/bundleassignments",
		"/v1/catalogs/b1/categories/bundleassignments"} {
		r := apptest.Must(t, e, "GET", path+"?bundleID=kit", admin, nil, 200)
		if merchCount(r) != "0" {
			t.Errorf("%s keeps the deleted bundle's assignments: %s", path, r.Raw)
		}
		if r := apptest.Must(t, e, "GET", path+"?bundleID=keep", admin, nil, 200); merchCount(r) != "1" {
			t.Errorf("%s lost another bundle's assignments: %s", path, r.Raw)
		}
	}
	// Deleting the group, the category or the catalog's buyer removes what points at them.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/g1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/bundles/assignments", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("group deleted, assignment kept: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/catalogs/b1/categories/c1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories/bundleassignments", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("category deleted, assignment kept: %s", r.Raw)
	}
	apptest.Catalog(t, e, admin, "gone")
	apptest.Must(t, e, "POST", "/v1/catalogs/bundleassignments", admin, map[string]any{"CatalogID": "gone", "BundleID": "keep"}, 204)
	apptest.Must(t, e, "DELETE", "/v1/catalogs/gone", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/bundleassignments?catalogID=gone", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("catalog deleted, assignment kept: %s", r.Raw)
	}
}

func TestDiscounts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	merchGroup(t, e, admin, "b1", "g1")
	apptest.BuyerUser(t, e, admin, "b1", "u1", "discount-user")
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	apptest.Product(t, e, admin, "p1", "ps", nil)
	apptest.Category(t, e, admin, "b1", "c1")

	d := apptest.Must(t, e, "POST", "/v1/discounts", admin, map[string]any{"ID": "d1", "Name": "Fifteen off", "Level": "Product",
		"ProductID": "p1", "DiscountType": "Percentage", "Amount": 12.345, "StartDate": "2030-01-01T00:00:00Z", "EndDate": "2030-02-01"}, 201)
	if d.S("Amount") != "12.345" || d.Get("Active") != true || d.S("EndDate") != "2030-02-01T00:00:00Z" {
		t.Errorf("created discount: %s", d.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/discounts", admin, map[string]any{"ID": "d2", "Name": "Catalog", "Level": "catalog", "CatalogID": "b1",
		"DiscountType": "FlatAmount", "Amount": 150}, 201)
	apptest.Must(t, e, "PUT", "/v1/discounts/d3", admin, map[string]any{"Name": "Category", "Level": "Category", "CatalogID": "b1",
		"CategoryID": "c1", "DiscountType": "FlatPerQuantity", "Amount": 2}, 200)
	if r := apptest.Must(t, e, "GET", "/v1/discounts?Level=Product", admin, nil, 200); !slices.Equal(apptest.IDs(r), []string{"d1"}) {
		t.Errorf("filter by Level: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "PATCH", "/v1/discounts/d1", admin, map[string]any{"Amount": 20}, 200); r.S("Amount") != "20" || r.S("ProductID") != "p1" {
		t.Errorf("patched discount: %s", r.Raw)
	}

	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"Name": "x", "Level": "Product", "ProductID": "p1", "DiscountType": "Percentage", "Amount": 10}
		for k, v := range extra {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	for name, body := range map[string]map[string]any{
		"no name":              base(map[string]any{"Name": nil}),
		"no level":             base(map[string]any{"Level": nil}),
		"bad level":            base(map[string]any{"Level": "Order"}),
		"no type":              base(map[string]any{"DiscountType": nil}),
		"no amount":            base(map[string]any{"Amount": nil}),
		"product level, no ID": base(map[string]any{"ProductID": nil}),
		"catalog level, no ID": base(map[string]any{"Level": "Catalog"}),
		"category, no catalog": base(map[string]any{"Level": "Category", "CategoryID": "c1"}),
		"percentage over 100":  base(map[string]any{"Amount": 100.5}),
		"negative amount":      base(map[string]any{"DiscountType": "FlatAmount", "Amount": -1}),
		"end before start":     base(map[string]any{"StartDate": "2030-02-01", "EndDate": "2030-01-01"}),
		"end equals start":     base(map[string]any{"StartDate": "2030-02-01", "EndDate": "2030-02-01"}),
	} {
		r := e.Do("POST", "/v1/discounts", admin, body)
		if r.Status != 400 || r.Code() != "ValidationFailure" {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	apptest.Must(t, e, "POST", "/v1/discounts", admin, base(map[string]any{"ID": "full", "Amount": 100}), 201)
	merchNotFound(t, e.Do("POST", "/v1/discounts", admin, base(map[string]any{"ProductID": "nope"})), "Product", "nope")
	merchNotFound(t, e.Do("POST", "/v1/discounts", admin, base(map[string]any{"Level": "Catalog", "CatalogID": "nope"})), "Catalog", "nope")
	merchNotFound(t, e.Do("POST", "/v1/discounts", admin, base(map[string]any{"Level": "Category", "CatalogID": "b1", "CategoryID": "nope"})), "Category", "nope")
	apptest.WantErr(t, e.Do("PATCH", "/v1/discounts/d1", admin, map[string]any{"Amount": 101}), 400, "ValidationFailure")

	// Assignments to the company, a group and a user.
	for _, party := range []map[string]any{{}, {"UserGroupID": "g1"}, {"UserID": "u1"}, {"UserID": "u1"}} {
		body := map[string]any{"DiscountID": "d1", "BuyerID": "b1"}
		for k, v := range party {
			body[k] = v
		}
		apptest.Must(t, e, "POST", "/v1/discounts/assignments", admin, body, 204)
	}
	if r := apptest.Must(t, e, "GET", "/v1/discounts/assignments?discountID=d1", admin, nil, 200); merchCount(r) != "3" {
		t.Errorf("discount assignments: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/discounts/assignments?level=User", admin, nil, 200); merchCount(r) != "1" || r.S("Items.0.UserID") != "u1" {
		t.Errorf("user level: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "d1", "BuyerID": "b1", "UserID": "u1", "UserGroupID": "g1"}),
		400, "PartyAssignment.CannotSpecifyGroupAndUser")
	apptest.WantErr(t, e.Do("POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "d1"}), 400, "ValidationFailure")
	merchNotFound(t, e.Do("POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "nope", "BuyerID": "b1"}), "Discount", "nope")
	merchNotFound(t, e.Do("POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "d1", "BuyerID": "nope"}), "Buyer", "nope")
	merchNotFound(t, e.Do("POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "d1", "BuyerID": "b1", "UserID": "nope"}), "User", "nope")
	apptest.Must(t, e, "DELETE", "/v1/discounts/d1/assignments?buyerID=b1&userID=u1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/discounts/assignments?discountID=d1", admin, nil, 200); merchCount(r) != "2" {
		t.Errorf("after deleting the user assignment: %s", r.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/discounts/assignments", admin, map[string]any{"DiscountID": "d2", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "DELETE", "/v1/discounts/d1", admin, nil, 204)
	merchNotFound(t, e.Do("GET", "/v1/discounts/d1", admin, nil), "Discount", "d1")
	if r := apptest.Must(t, e, "GET", "/v1/discounts/assignments", admin, nil, 200); merchCount(r) != "1" || r.S("Items.0.DiscountID") != "d2" {
		t.Errorf("deleting a discount removes its assignments only: %s", r.Raw)
	}
}

func TestPromotionConfiguration(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	promo := func(id, code string, extra map[string]any) map[string]any {
		b := map[string]any{"ID": id, "Code": code, "Name": "Promo " + id, "EligibleExpression": "true", "ValueExpression": "order.Subtotal * .1"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	p := apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("p10", "SAVE10", nil), 201)
	if p.S("RedemptionCount") != "0" || p.Get("Active") != true || p.Get("AutoApply") != false || p.S("OwnerID") == "" {
		t.Errorf("created promotion: %s", p.Raw)
	}
	// Codes are unique across promotions, whatever their case.
	apptest.WantErr(t, e.Do("POST", "/v1/promotions", admin, promo("dup", "save10", nil)), 409, "Promotion.CodeInUse")
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("p20", "SAVE20", nil), 201)
	apptest.WantErr(t, e.Do("PATCH", "/v1/promotions/p20", admin, map[string]any{"Code": "Save10"}), 409, "Promotion.CodeInUse")
	apptest.Must(t, e, "PUT", "/v1/promotions/p10", admin, promo("p10", "SAVE10", map[string]any{"Name": "Ten"}), 200)
	apptest.Must(t, e, "PATCH", "/v1/promotions/p10", admin, map[string]any{"Code": "TEN"}, 200)
	apptest.Must(t, e, "PATCH", "/v1/promotions/p20", admin, map[string]any{"Code": "SAVE10"}, 200)
	apptest.Must(t, e, "DELETE", "/v1/promotions/p20", admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("again", "SAVE10", nil), 201)
	if r := apptest.Must(t, e, "GET", "/v1/promotions?Code=TEN", admin, nil, 200); !slices.Equal(apptest.IDs(r), []string{"p10"}) {
		t.Errorf("filter by Code: %s", r.Raw)
	}

	for code, body := range map[string]map[string]any{
		"ValidationFailure":                                  {"Name": "No code", "EligibleExpression": "true", "ValueExpression": "1"},
		"Promotion.ExpirationPrecedsStart":                   promo("x1", "X1", map[string]any{"StartDate": "2030-02-01", "ExpirationDate": "2030-01-01"}),
		"Promotion.CannotSetItemLimitPerOrder":               promo("x2", "X2", map[string]any{"ItemLimitPerOrder": 1}),
		"Promotion.CannotSetQuantityLimitPerOrder":           promo("x3", "X3", map[string]any{"QuantityLimitPerOrder": 1}),
		"Promotion.CannotSetQuantityAndItemLimitPerOrder":    promo("x4", "X4", map[string]any{"LineItemLevel": true, "ItemLimitPerOrder": 1, "QuantityLimitPerOrder": 1}),
		"Promotion.CannotSetItemSortBy":                      promo("x5", "X5", map[string]any{"LineItemLevel": true, "ItemSortBy": "LineSubtotal"}),
		"Promotion.ValueExpressionCanBeNullIfUseIntegration": {"Code": "X6", "EligibleExpression": "true"},
		"Promotion.UseIntegrationMustBeFalse":                promo("x7", "X7", map[string]any{"UseIntegration": true}),
	} {
		apptest.WantErr(t, e.Do("POST", "/v1/promotions", admin, body), 400, code)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/promotions", admin, promo("x8", "X8", map[string]any{"EligibleExpression": strings.Repeat("a", 401)})), 400, "ValidationFailure")
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("line", "LINE", map[string]any{"LineItemLevel": true, "ItemLimitPerOrder": 2,
		"ItemSortBy": "!LineSubtotal", "StartDate": "2030-01-01", "ExpirationDate": "2030-01-01",
		"EligibleExpression": "item.ProductID = 'p1'", "ValueExpression": "item.LineSubtotal * .1"}), 201)
	// No promotion integration is served, so nothing could value a
	// promotion without a ValueExpression.
	apptest.WantErr(t, e.Do("POST", "/v1/promotions", admin, map[string]any{"ID": "integrated", "Code": "INT", "EligibleExpression": "true", "UseIntegration": true}),
		400, "Promotion.ValueExpressionCannotBeNull")
	// A failed promotion left no code reserved.
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("x2", "X2", nil), 201)
}

// Both expressions are parsed when a promotion is saved, by the rules of
// its level: a line-item promotion selects its items with item, an
// order-level one may not name one item.
func TestPromotionExpressionsCheckedOnSave(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	n := 0
	promo := func(eligible, value string, lineLevel bool) map[string]any {
		n++
		return map[string]any{"ID": fmt.Sprintf("e%d", n), "Code": fmt.Sprintf("E%d", n), "EligibleExpression": eligible, "ValueExpression": value, "LineItemLevel": lineLevel}
	}
	for _, c := range []struct {
		eligible, value string
		lineLevel       bool
		code            string
	}{
		{"order.Subtotal >", "10", false, "Expression.InvalidSyntax"},
		{"order.Subtotal > 10", "10 !", false, "Expression.InvalidToken"},
		{"items.sum(Quantity) > 1", "10", false, "Expression.InvalidFunction"},
		{"min(order.Subtotal) > 1", "10", false, "Expression.InvalidArguments"},
		{"item.ProductID = 'p1'", "10", false, "Expression.ItemNotAllowed"},
		{"order.Subtotal > 1", "item.LineSubtotal", false, "Expression.ItemNotAllowed"},
		{"order.Subtotal > 1", "5", true, "Expression.ItemRequired"},
	} {
		r := e.Do("POST", "/v1/promotions", admin, promo(c.eligible, c.value, c.lineLevel))
		apptest.WantErr(t, r, 400, c.code)
		if !strings.Contains(r.Raw, "Expression") {
			t.Errorf("the error names the expression: %s", r.Raw)
		}
	}
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("item.ProductID = 'p1' and items.any(ProductID = 'p2')", "item.UnitPrice", true), 201)
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("item.product.incategory('Bikes')", "5", true), 201)
	apptest.Must(t, e, "POST", "/v1/promotions", admin, promo("order.xp.Tags.any(item = 'x')", "min(order.Subtotal * .1, 20)", false), 201)
	// A patch is checked against the promotion it makes.
	apptest.WantErr(t, e.Do("PATCH", "/v1/promotions/e10", admin, map[string]any{"LineItemLevel": true}), 400, "Expression.ItemRequired")
}

func TestPromotionAssignmentsAndMe(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	merchGroup(t, e, admin, "b1", "vip", "u1")
	merchGroup(t, e, admin, "b1", "staff")
	apptest.Buyer(t, e, admin, "b2")
	for _, id := range []string{"company", "group", "othergroup", "otherbuyer", "unassigned"} {
		apptest.Must(t, e, "POST", "/v1/promotions", admin, map[string]any{"ID": id, "Code": strings.ToUpper(id), "EligibleExpression": "true", "ValueExpression": "5"}, 201)
	}
	apptest.Must(t, e, "POST", "/v1/promotions", admin, map[string]any{"ID": "everyone", "Code": "ALL", "AllowAllBuyers": true, "EligibleExpression": "true", "ValueExpression": "5"}, 201)
	apptest.Must(t, e, "POST", "/v1/promotions", admin, map[string]any{"ID": "off", "Code": "OFF", "AllowAllBuyers": true, "Active": false, "EligibleExpression": "true", "ValueExpression": "5"}, 201)
	assign := func(promotionID, buyerID, groupID string) {
		t.Helper()
		body := map[string]any{"PromotionID": promotionID, "BuyerID": buyerID}
		if groupID != "" {
			body["UserGroupID"] = groupID
		}
		apptest.Must(t, e, "POST", "/v1/promotions/assignments", admin, body, 204)
	}
	assign("company", "b1", "")
	assign("company", "b1", "")
	assign("group", "b1", "vip")
	assign("othergroup", "b1", "staff")
	assign("otherbuyer", "b2", "")
	assign("off", "b1", "")

	if r := apptest.Must(t, e, "GET", "/v1/promotions/assignments?buyerID=b1", admin, nil, 200); merchCount(r) != "4" {
		t.Errorf("b1's promotion assignments (saving again replaces): %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/promotions/assignments?level=Group", admin, nil, 200); merchCount(r) != "2" {
		t.Errorf("group level: %s", r.Raw)
	}
	merchNotFound(t, e.Do("POST", "/v1/promotions/assignments", admin, map[string]any{"PromotionID": "nope", "BuyerID": "b1"}), "Promotion", "nope")
	merchNotFound(t, e.Do("POST", "/v1/promotions/assignments", admin, map[string]any{"PromotionID": "group", "BuyerID": "nope"}), "Buyer", "nope")
	merchNotFound(t, e.Do("POST", "/v1/promotions/assignments", admin, map[string]any{"PromotionID": "group", "BuyerID": "b1", "UserGroupID": "nope"}), "UserGroup", "nope")
	apptest.WantErr(t, e.Do("POST", "/v1/promotions/assignments", admin, map[string]any{"PromotionID": "group"}), 400, "ValidationFailure")

	// The buyer user sees active promotions open to all, or assigned to
	// the company or to one of the user's groups.
	mine := apptest.Must(t, e, "GET", "/v1/me/promotions", s.Token, nil, 200)
	if got := apptest.IDs(mine); !slices.Equal(got, []string{"company", "everyone", "group"}) {
		t.Errorf("me/promotions %v", got)
	}
	if r := apptest.Must(t, e, "GET", "/v1/me/promotions/group", s.Token, nil, 200); r.S("Code") != "GROUP" {
		t.Errorf("me/promotions/group: %s", r.Raw)
	}
	for _, id := range []string{"unassigned", "othergroup", "otherbuyer", "off", "nope"} {
		merchNotFound(t, e.Do("GET", "/v1/me/promotions/"+id, s.Token, nil), "Promotion", id)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/promotions?search=every", s.Token, nil, 200)); !slices.Equal(got, []string{"everyone"}) {
		t.Errorf("me/promotions search %v", got)
	}

	apptest.Must(t, e, "DELETE", "/v1/promotions/group/assignments?buyerID=b1&userGroupID=vip", admin, nil, 204)
	merchNotFound(t, e.Do("GET", "/v1/me/promotions/group", s.Token, nil), "Promotion", "group")
	apptest.Must(t, e, "DELETE", "/v1/promotions/company", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/promotions/assignments?promotionID=company", admin, nil, 200); merchCount(r) != "0" {
		t.Errorf("deleting a promotion removes its assignments: %s", r.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/promotions", s.Token, nil, 200)); !slices.Equal(got, []string{"everyone"}) {
		t.Errorf("me/promotions after deletes %v", got)
	}
}

func TestProductFacets(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin

	f := apptest.Must(t, e, "POST", "/v1/productfacets", admin, map[string]any{"ID": "color", "Name": "Color", "XpPath": "Color", "ListOrder": 1}, 201)
	if f.S("MinCount") != "1" {
		t.Errorf("MinCount defaults to 1: %s", f.Raw)
	}
	// No XpPath: the values live at xp.<ID>.
	apptest.Must(t, e, "POST", "/v1/productfacets", admin, map[string]any{"ID": "Size", "Name": "Size", "ListOrder": 2}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/productfacets", admin, map[string]any{"ID": "x"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/productfacets", admin, map[string]any{"ID": "colour", "Name": "Colour", "XpPath": "color"}), 409, "ProductFacet.XpPathInUse")
	apptest.WantErr(t, e.Do("POST", "/v1/productfacets", admin, map[string]any{"ID": "size2", "Name": "Size again", "XpPath": "Size"}), 409, "ProductFacet.XpPathInUse")
	if r := apptest.Must(t, e, "PATCH", "/v1/productfacets/color", admin, map[string]any{"xp": map[string]any{"Widget": "swatch"}}, 200); r.S("XpPath") != "Color" {
		t.Errorf("patched facet: %s", r.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/productfacets?sortBy=ListOrder", admin, nil, 200)); !slices.Equal(got, []string{"color", "Size"}) {
		t.Errorf("facets %v", got)
	}

	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 5)
	xp := func(color, size string) map[string]any {
		m := map[string]any{}
		if color != "" {
			m["Color"] = color
		}
		if size != "" {
			m["Size"] = size
		}
		return map[string]any{"xp": m}
	}
	apptest.Product(t, e, admin, "p1", "ps", xp("Red", "M"))
	apptest.Product(t, e, admin, "p2", "ps", xp("Red", "L"))
	apptest.Product(t, e, admin, "p3", "ps", xp("Blue", "M"))
	apptest.Product(t, e, admin, "p4", "ps", xp("", "S"))
	apptest.Product(t, e, admin, "hidden", "ps", xp("Green", ""))
	for _, id := range []string{"p1", "p2", "p3", "p4"} {
		apptest.InCatalog(t, e, admin, "b1", id)
	}

	for _, c := range []struct{ query, facets, total string }{
		{"", "Color: Red=2 Blue=1; Size: M=2 L=1 S=1", "4"},
		{"?pageSize=1", "Color: Red=2 Blue=1; Size: M=2 L=1 S=1", "4"},
		{"?xp.Color=Red", "Color: Red=2; Size: L=1 M=1", "2"},
		{"?xp.Size=M&xp.Color=Blue", "Color: Blue=1; Size: M=1", "1"},
		{"?search=p4&searchOn=ID", "Color:; Size: S=1", "1"},
	} {
		r := apptest.Must(t, e, "GET", "/v1/me/products"+c.query, s.Token, nil, 200)
		if got := merchFacets(r); got != c.facets || merchCount(r) != c.total {
			t.Errorf("me/products%s: facets %q total %s, want %q total %s", c.query, got, merchCount(r), c.facets, c.total)
		}
	}
	r := apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)
	if r.S("Meta.Facets.0.XpPath") != "Color" || r.S("Meta.Facets.0.xp.Widget") != "swatch" || r.S("Meta.Facets.1.XpPath") != "Size" {
		t.Errorf("facet XpPath and xp: %v", r.Get("Meta.Facets"))
	}
	// The admin list counts every product.
	for _, c := range []struct{ query, facets string }{
		{"", "Color: Red=2 Blue=1 Green=1; Size: M=2 L=1 S=1"},
		{"?xp.Color=Red|Green", "Color: Red=2 Green=1; Size: L=1 M=1"},
	} {
		r := apptest.Must(t, e, "GET", "/v1/products"+c.query, admin, nil, 200)
		if got := merchFacets(r); got != c.facets {
			t.Errorf("products%s: facets %q, want %q", c.query, got, c.facets)
		}
	}
	// MinCount 0 keeps values no matching product holds; a higher one drops rare values.
	apptest.Must(t, e, "PATCH", "/v1/productfacets/color", admin, map[string]any{"MinCount": 0}, 200)
	apptest.Must(t, e, "PATCH", "/v1/productfacets/Size", admin, map[string]any{"MinCount": 2}, 200)
	r = apptest.Must(t, e, "GET", "/v1/me/products?xp.Color=Blue", s.Token, nil, 200)
	if got := merchFacets(r); got != "Color: Blue=1 Red=0; Size:" {
		t.Errorf("MinCount: %q", got)
	}
	// Renaming or deleting a facet frees its path.
	apptest.Must(t, e, "PATCH", "/v1/productfacets/Size", admin, map[string]any{"XpPath": "Sizes"}, 200)
	apptest.Must(t, e, "POST", "/v1/productfacets", admin, map[string]any{"ID": "size2", "Name": "Size again", "XpPath": "Size"}, 201)
	apptest.Must(t, e, "DELETE", "/v1/productfacets/color", admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/productfacets", admin, map[string]any{"ID": "colour", "Name": "Colour", "XpPath": "color", "ListOrder": 9}, 201)
	if got := merchFacets(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); got != "Size again: M=2 L=1 S=1; Size:; Colour: Red=2 Blue=1" {
		t.Errorf("after changes: %q", got)
	}
}
