package catalog_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Buyer product visibility is the union of catalog, category and product
// assignments at the company, the user's groups and the user, and the Me
// lists reflect each assignment change on the next request.
func TestVisibilityUnionOfAssignments(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	me := func() []string {
		t.Helper()
		got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products?sortBy=ID", s.Token, nil, 200))
		return got
	}
	want := func(label string, exp ...string) {
		t.Helper()
		if exp == nil {
			exp = []string{}
		}
		if got := me(); !slices.Equal(got, exp) {
			t.Errorf("%s: me/products = %v, want %v", label, got, exp)
		}
	}
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Catalog(t, e, admin, "cat")
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "cat", "BuyerID": "b1", "ViewAllProducts": false, "ViewAllCategories": false}, 204)
	for _, id := range []string{"by-company", "by-group", "by-user", "by-category", "in-subcategory", "nobody"} {
		apptest.Product(t, e, admin, id, "list", nil)
		apptest.InCatalog(t, e, admin, "cat", id)
	}
	// The buyer's default catalog (b1) shows everything in it; keep it empty.
	want("nothing assigned")

	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "by-company", "BuyerID": "b1"}, 204)
	want("company assignment", "by-company")

	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "vip", "Name": "VIP"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "vip", "UserID": "u1"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "by-group", "BuyerID": "b1", "UserGroupID": "vip"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "by-user", "BuyerID": "b1", "UserID": "u1"}, 204)
	want("group and user assignments", "by-company", "by-group", "by-user")

	// A category opened to the group with ViewAllProducts shows its
	// products and those of its subcategories.
	apptest.Category(t, e, admin, "cat", "tools")
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories", admin, map[string]any{"ID": "saws", "Name": "Saws", "ParentID": "tools", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/productassignments", admin, map[string]any{"CategoryID": "tools", "ProductID": "by-category"}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/productassignments", admin, map[string]any{"CategoryID": "saws", "ProductID": "in-subcategory"}, 204)
	want("category not assigned", "by-company", "by-group", "by-user")
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/assignments", admin, map[string]any{"CategoryID": "tools", "BuyerID": "b1", "UserGroupID": "vip", "Visible": true, "ViewAllProducts": true}, 204)
	want("category assigned to group", "by-category", "by-company", "by-group", "by-user", "in-subcategory")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories?depth=all&catalogID=cat", s.Token, nil, 200)); !slices.Equal(got, []string{"saws", "tools"}) {
		t.Errorf("me/categories: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products?categoryID=tools&depth=1", s.Token, nil, 200)); !slices.Equal(got, []string{"by-category"}) {
		t.Errorf("categoryID=tools&depth=1: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products?categoryID=tools&sortBy=ID", s.Token, nil, 200)); !slices.Equal(got, []string{"by-category", "in-subcategory"}) {
		t.Errorf("categoryID=tools (depth all): %v", got)
	}

	// Leaving the group takes away what came through it.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/usergroups/vip/assignments/u1", admin, nil, 204)
	want("left the group", "by-company", "by-user")

	// Everything through the catalog, except a category switched off for
	// the company (its products and subcategories disappear).
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "cat", "BuyerID": "b1", "ViewAllProducts": true, "ViewAllCategories": true}, 204)
	want("view all", "by-category", "by-company", "by-group", "by-user", "in-subcategory", "nobody")
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/assignments", admin, map[string]any{"CategoryID": "tools", "BuyerID": "b1", "Visible": false, "ViewAllProducts": false}, 204)
	want("category switched off", "by-company", "by-group", "by-user", "nobody")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories?depth=all&catalogID=cat", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("hidden categories listed: %v", got)
	}

	// An inactive catalog hides all of it.
	apptest.Must(t, e, "PATCH", "/v1/catalogs/cat", admin, map[string]any{"Active": false}, 200)
	want("inactive catalog")
}

// A sale price applies inside its window only, both in what the buyer sees
// and in what a line item costs.
func TestSalePriceWindow(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	past, future := "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"
	apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "now", "Name": "On sale now", "SaleStart": past, "SaleEnd": future,
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 10, "SalePrice": 7.5}}}, 201)
	apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "later", "Name": "Sale later", "SaleStart": "2998-01-01T00:00:00Z", "SaleEnd": future,
		"PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 10, "SalePrice": 7.5}}}, 201)
	apptest.Product(t, e, admin, "on-sale", "now", nil)
	apptest.Product(t, e, admin, "not-yet", "later", nil)
	apptest.InCatalog(t, e, admin, "b1", "on-sale")
	apptest.InCatalog(t, e, admin, "b1", "not-yet")

	if r := apptest.Must(t, e, "GET", "/v1/me/products/on-sale", s.Token, nil, 200); r.Get("PriceSchedule.IsOnSale") != true {
		t.Errorf("on-sale: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/me/products/not-yet", s.Token, nil, 200); r.Get("PriceSchedule.IsOnSale") != false {
		t.Errorf("not-yet: %s", r.Raw)
	}
	order := apptest.Must(t, e, "POST", apptest.Outgoing, s.Token, map[string]any{}, 201).S("ID")
	for product, want := range map[string]string{"on-sale": "7.5", "not-yet": "10"} {
		li := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+order+"/lineitems", s.Token, map[string]any{"ProductID": product, "Quantity": 2}, 201)
		if li.S("UnitPrice") != want {
			t.Errorf("%s UnitPrice = %s, want %s", product, li.S("UnitPrice"), want)
		}
	}
}
