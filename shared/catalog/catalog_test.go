package catalog_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func TestBuyerGetsDefaultCatalog(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	b := apptest.Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": "acme", "Name": "Acme Corp", "Active": true}, 201)
	if b.S("DefaultCatalogID") != "acme" {
		t.Errorf("DefaultCatalogID = %q, want the buyer's ID: %s", b.S("DefaultCatalogID"), b.Raw)
	}
	cat := apptest.Must(t, e, "GET", "/v1/catalogs/acme", admin, nil, 200)
	if cat.S("ID") != "acme" || cat.S("Name") != "Acme Corp" {
		t.Errorf("default catalog: %s", cat.Raw)
	}
	asg := apptest.Must(t, e, "GET", "/v1/catalogs/assignments?buyerID=acme", admin, nil, 200)
	if asg.S("Meta.TotalCount") != "1" || asg.S("Items.0.CatalogID") != "acme" || asg.S("Items.0.BuyerID") != "acme" ||
		asg.Get("Items.0.ViewAllProducts") != true || asg.Get("Items.0.ViewAllCategories") != true {
		t.Errorf("default catalog assignment: %s", asg.Raw)
	}
	// A buyer with a generated ID gets a catalog of the same ID.
	g := apptest.Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"Name": "Generated", "Active": true}, 201)
	if g.S("ID") == "" || g.S("DefaultCatalogID") != g.S("ID") {
		t.Errorf("generated buyer: %s", g.Raw)
	}
	apptest.Must(t, e, "GET", "/v1/catalogs/"+g.S("ID"), admin, nil, 200)
}

func TestProductVisibilityAndPriceSchedules(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.PriceSchedule(t, e, admin, "special", nil, 1, 7)
	apptest.Product(t, e, admin, "p1", "list", nil)
	apptest.Product(t, e, admin, "off", "list", map[string]any{"Active": false})

	// Not in the buyer's catalog: invisible.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); slices.Contains(got, "p1") {
		t.Errorf("product outside the catalog is visible: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p1", s.Token, nil), 404, "NotFound")

	apptest.InCatalog(t, e, admin, "b1", "p1")
	apptest.InCatalog(t, e, admin, "b1", "off")
	r := apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"p1"}) {
		t.Errorf("visible products %v, want [p1] (inactive ones hidden)", got)
	}
	if r.S("Items.0.PriceSchedule.ID") != "list" || r.S("Items.0.PriceSchedule.PriceBreaks.0.Price") != "10" {
		t.Errorf("PriceSchedule from DefaultPriceScheduleID: %v", r.Get("Items.0.PriceSchedule"))
	}
	one := apptest.Must(t, e, "GET", "/v1/me/products/p1", s.Token, nil, 200)
	if one.S("PriceSchedule.ID") != "list" {
		t.Errorf("GET me/products/p1: %s", one.Raw)
	}

	// A product assignment to the buyer with another schedule overrides the default.
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p1", "BuyerID": "b1", "PriceScheduleID": "special"}, 204)
	one = apptest.Must(t, e, "GET", "/v1/me/products/p1", s.Token, nil, 200)
	if one.S("PriceSchedule.ID") != "special" || one.S("PriceSchedule.PriceBreaks.0.Price") != "7" {
		t.Errorf("buyer-level price schedule does not override the default: %v", one.Get("PriceSchedule"))
	}
	// Another buyer's users still get the default.
	apptest.Buyer(t, e, admin, "b2")
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "b2"})
	apptest.BuyerUser(t, e, admin, "b2", "v1", "other-buyer")
	apptest.InCatalog(t, e, admin, "b2", "p1")
	other := s.Login("other-buyer", "Shopper")
	if r := apptest.Must(t, e, "GET", "/v1/me/products/p1", other, nil, 200); r.S("PriceSchedule.ID") != "list" {
		t.Errorf("other buyer's price: %v", r.Get("PriceSchedule"))
	}
	// The admin's view of the product is unchanged.
	if r := apptest.Must(t, e, "GET", "/v1/products/p1", admin, nil, 200); r.S("DefaultPriceScheduleID") != "list" {
		t.Errorf("admin view: %s", r.Raw)
	}
}

// A group-level product assignment prices the product for users in the
// group over the company-level one.
func TestGroupPriceOverridesCompanyPrice(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.BuyerUser(t, e, admin, s.Buyer, "u2", "shopper-two")
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.PriceSchedule(t, e, admin, "company", nil, 1, 8)
	apptest.PriceSchedule(t, e, admin, "group", nil, 1, 6)
	apptest.Product(t, e, admin, "p1", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "p1")

	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "vip", "Name": "VIP"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "vip", "UserID": "u2"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p1", "BuyerID": "b1", "PriceScheduleID": "company"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p1", "BuyerID": "b1", "UserGroupID": "vip", "PriceScheduleID": "group"}, 204)

	if r := apptest.Must(t, e, "GET", "/v1/me/products/p1", s.Login("shopper-two", "Shopper"), nil, 200); r.S("PriceSchedule.ID") != "group" {
		t.Errorf("user in the group: PriceSchedule %v, want group", r.Get("PriceSchedule.ID"))
	}
	if r := apptest.Must(t, e, "GET", "/v1/me/products/p1", s.Token, nil, 200); r.S("PriceSchedule.ID") != "company" {
		t.Errorf("user outside the group: PriceSchedule %v, want company", r.Get("PriceSchedule.ID"))
	}
}

func TestViewAllProductsFalseNeedsAssignment(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p1", "list", nil)
	apptest.Product(t, e, admin, "p2", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "p1")
	apptest.InCatalog(t, e, admin, "b1", "p2")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Fatalf("with ViewAllProducts: %v", got)
	}

	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "b1", "BuyerID": "b1", "ViewAllProducts": false, "ViewAllCategories": true}, 204)
	asg := apptest.Must(t, e, "GET", "/v1/catalogs/assignments?buyerID=b1", admin, nil, 200)
	if asg.S("Meta.TotalCount") != "1" || asg.Get("Items.0.ViewAllProducts") != false {
		t.Errorf("saving the assignment again should replace it: %s", asg.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("ViewAllProducts false, nothing assigned, yet visible: %v", got)
	}
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p1", "BuyerID": "b1"}, 204)
	r := apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"p1"}) {
		t.Errorf("only the assigned product should show: %v", got)
	}
	if r.S("Items.0.PriceSchedule.ID") != "list" {
		t.Errorf("an assignment without a schedule keeps the default: %v", r.Get("Items.0.PriceSchedule"))
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p2", s.Token, nil), 404, "NotFound")
}

func TestCategoriesCRUDAndBuyerView(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin

	c1 := apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c1", "Name": "Clothes", "Active": true}, 201)
	if c1.S("ID") != "c1" || c1.Get("xp") == nil {
		t.Errorf("create category: %s", c1.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c2", "Name": "Shirts", "ParentID": "c1", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "hidden", "Name": "Hidden", "Active": false}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c1", "Name": "Again"}), 409, "IdExists")
	apptest.WantErr(t, e.Do("POST", "/v1/catalogs/nocat/categories", admin, map[string]any{"ID": "x", "Name": "X"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "orphan", "Name": "X", "ParentID": "missing"}), 404, "NotFound")

	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories?depth=all", admin, nil, 200)); !slices.Equal(got, []string{"c1", "c2", "hidden"}) {
		t.Errorf("admin list: %v", got)
	}
	apptest.Must(t, e, "PATCH", "/v1/catalogs/b1/categories/c1", admin, map[string]any{"Description": "All clothes"}, 200)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories/c1", admin, nil, 200); r.S("Description") != "All clothes" || r.S("Name") != "Clothes" {
		t.Errorf("after PATCH: %s", r.Raw)
	}
	if r := e.Do("PUT", "/v1/catalogs/b1/categories/c3", admin, map[string]any{"Name": "Hats", "Active": true}); r.Status != 200 && r.Status != 201 {
		t.Errorf("PUT create category: %d %s", r.Status, r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/catalogs/b1/categories/c3", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/catalogs/b1/categories/c3", admin, nil), 404, "NotFound")

	// The buyer sees the active categories of its catalog: top level by default.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories", s.Token, nil, 200)); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("me/categories: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories?depth=all", s.Token, nil, 200)); !slices.Equal(got, []string{"c1", "c2"}) {
		t.Errorf("me/categories?depth=all: %v", got)
	}
	apptest.Must(t, e, "GET", "/v1/me/categories/c2", s.Token, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/me/categories/hidden", s.Token, nil), 404, "NotFound")

	// With ViewAllCategories false, only categories assigned to the party show.
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "b1", "BuyerID": "b1", "ViewAllProducts": true, "ViewAllCategories": false}, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("ViewAllCategories false, nothing assigned, yet visible: %v", got)
	}
	// An assignment whose Visible is null inherits (from the catalog: hidden).
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/assignments", admin, map[string]any{"CategoryID": "c1", "BuyerID": "b1"}, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories", s.Token, nil, 200)); len(got) != 0 {
		t.Errorf("null Visible should inherit hidden: %v", got)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/assignments", admin, map[string]any{"CategoryID": "c1", "BuyerID": "b1", "Visible": true}, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/categories", s.Token, nil, 200)); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("assigned category: %v", got)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "b1", "BuyerID": "b1", "ViewAllProducts": true, "ViewAllCategories": true}, 204)

	// Products in a category: assigning one puts it in the catalog, and
	// me/products filters by category.
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "shirt", "list", nil)
	apptest.Product(t, e, admin, "sock", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "sock")
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/productassignments", admin, map[string]any{"CategoryID": "c2", "ProductID": "shirt"}, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products?categoryID=c2", s.Token, nil, 200)); !slices.Equal(got, []string{"shirt"}) {
		t.Errorf("me/products?categoryID=c2: %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); !slices.Equal(got, []string{"shirt", "sock"}) {
		t.Errorf("me/products: %v", got)
	}
}

// Category.ChildCount is the number of immediate children.
func TestCategoryChildCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c1", "Name": "Parent", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c2", "Name": "Child A", "ParentID": "c1", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", admin, map[string]any{"ID": "c3", "Name": "Child B", "ParentID": "c1", "Active": true}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/b1/categories/c1", admin, nil, 200); r.S("ChildCount") != "2" {
		t.Errorf("ChildCount = %s, want 2", r.S("ChildCount"))
	}
}

func TestDeletingProductRemovesItsAssignments(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p1", "list", nil)
	apptest.Product(t, e, admin, "keep", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "p1")
	apptest.InCatalog(t, e, admin, "b1", "keep")
	apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": "p1", "BuyerID": "b1", "PriceScheduleID": "list"}, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/productassignments?productID=p1", admin, nil, 200); r.S("Meta.TotalCount") != "1" {
		t.Fatalf("catalog assignment not listed: %s", r.Raw)
	}

	apptest.Must(t, e, "DELETE", "/v1/products/p1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/productassignments?productID=p1", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("catalog assignments survive the product: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/products/assignments?productID=p1", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("product assignments survive the product: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/catalogs/productassignments?catalogID=b1", admin, nil, 200); r.S("Meta.TotalCount") != "1" || r.S("Items.0.ProductID") != "keep" {
		t.Errorf("other products' assignments were touched: %s", r.Raw)
	}
	// A new product with the same ID starts outside the catalog.
	apptest.Product(t, e, admin, "p1", "list", nil)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); !slices.Equal(got, []string{"keep"}) {
		t.Errorf("recreated product inherited old assignments: %v", got)
	}
}
