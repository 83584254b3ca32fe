package catalog_test

import (
	"fmt"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// The read-only counts entities keep (SpecCount, VariantCount,
// AssignedBuyerCount, AssignedSupplierCount, ChildCount, CategoryCount,
// OptionCount) follow creates, duplicate saves, deletes and cascades.

// wantCount checks a count field of the entity at path.
func wantCount(t *testing.T, e *apptest.Env, admin, path, field, want string) {
	t.Helper()
	if got := apptest.Must(t, e, "GET", path, admin, nil, 200).S(field); got != want {
		t.Errorf("%s %s = %s, want %s", path, field, got, want)
	}
}

func TestSpecCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Product(t, e, admin, "p1", "", nil)
	apptest.Product(t, e, admin, "p2", "", nil)
	for _, s := range []string{"s1", "s2", "s3"} {
		specWithOptions(t, e, admin, s, map[string]any{"AllowOpenText": true})
	}
	specAssign(t, e, admin, "s1", "p1")
	specAssign(t, e, admin, "s2", "p1")
	specAssign(t, e, admin, "s3", "p1")
	specAssign(t, e, admin, "s1", "p2")
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "3")
	wantCount(t, e, admin, "/v1/products/p2", "SpecCount", "1")

	// Saving an assignment again replaces it; it still counts once.
	apptest.Must(t, e, "POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "s1", "ProductID": "p1", "DefaultValue": "x"}, 204)
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "3")
	if r := apptest.Must(t, e, "GET", "/v1/products?ID=p1", admin, nil, 200); r.S("Items.0.SpecCount") != "3" {
		t.Errorf("list: %s", r.Raw)
	}

	// Deleting one, twice: counted off once.
	apptest.Must(t, e, "DELETE", "/v1/specs/s2/productassignments/p1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/specs/s2/productassignments/p1", admin, nil, 204)
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "2")

	// Deleting a spec removes its assignments, and every product's count falls.
	apptest.Must(t, e, "DELETE", "/v1/specs/s1", admin, nil, 204)
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "1")
	wantCount(t, e, admin, "/v1/products/p2", "SpecCount", "0")

	// The count survives writes of the product, which cannot set it.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Name": "Renamed", "SpecCount": 9}, 200)
	apptest.Must(t, e, "PUT", "/v1/products/p1", admin, map[string]any{"Name": "Again", "SpecCount": 9}, 200)
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "1")

	// Deleting the product takes its assignments (and count) with it; a
	// product of the same ID starts at 0.
	apptest.Must(t, e, "DELETE", "/v1/products/p1", admin, nil, 204)
	apptest.Product(t, e, admin, "p1", "", nil)
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "0")
	specAssign(t, e, admin, "s3", "p1")
	wantCount(t, e, admin, "/v1/products/p1", "SpecCount", "1")
}

// Ten different specs assigned to one product at once: no assignment is
// lost and none counted twice; then all removed at once.
func TestSpecCountConcurrent(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Product(t, e, admin, "p", "", nil)
	for i := range 10 {
		specWithOptions(t, e, admin, fmt.Sprintf("s%d", i), map[string]any{"AllowOpenText": true})
	}
	all204 := func(req func(i int) apptest.Resp) {
		for i, r := range apptest.Parallel(10, req) {
			if r.Status != 204 {
				t.Errorf("request %d: %d %s", i, r.Status, r.Raw)
			}
		}
	}
	all204(func(i int) apptest.Resp {
		return e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": fmt.Sprintf("s%d", i), "ProductID": "p"})
	})
	wantCount(t, e, admin, "/v1/products/p", "SpecCount", "10")
	// The same assignment saved ten times at once counts once.
	apptest.Product(t, e, admin, "q", "", nil)
	all204(func(int) apptest.Resp {
		return e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "s0", "ProductID": "q"})
	})
	wantCount(t, e, admin, "/v1/products/q", "SpecCount", "1")
	all204(func(i int) apptest.Resp {
		return e.Do("DELETE", fmt.Sprintf("/v1/specs/s%d/productassignments/p", i), admin, nil)
	})
	wantCount(t, e, admin, "/v1/products/p", "SpecCount", "0")
}

func TestVariantCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Product(t, e, admin, "shirt", "", nil)
	specWithOptions(t, e, admin, "size", specVariantOpts, "S", "M", "L")
	specWithOptions(t, e, admin, "color", specVariantOpts, "red", "blue")
	specAssign(t, e, admin, "size", "shirt")
	specAssign(t, e, admin, "color", "shirt")
	if r := apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, nil, 201); r.S("VariantCount") != "6" {
		t.Errorf("generate: %s", r.Raw)
	}
	wantCount(t, e, admin, "/v1/products/shirt", "VariantCount", "6")
	wantCount(t, e, admin, "/v1/products/shirt", "SpecCount", "2")

	// Regeneration after an option went removes its variants.
	apptest.Must(t, e, "DELETE", "/v1/specs/size/options/L", admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, nil, 201)
	wantCount(t, e, admin, "/v1/products/shirt", "VariantCount", "4")
	if r := apptest.Must(t, e, "GET", "/v1/products/shirt/variants", admin, nil, 200); r.S("Meta.TotalCount") != "4" {
		t.Errorf("variants: %s", r.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/products/shirt", admin, map[string]any{"Name": "Shirt"}, 200)
	wantCount(t, e, admin, "/v1/products/shirt", "VariantCount", "4")
}

func TestApiClientAssignedCounts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	client := apptest.BuyerClient(t, e, admin, nil)
	path := "/v1/apiclients/" + client
	apptest.Buyer(t, e, admin, "b1")
	apptest.Buyer(t, e, admin, "b2")
	apptest.Must(t, e, "POST", "/v1/suppliers", admin, map[string]any{"ID": "sup", "Name": "Supplier", "Active": true}, 201)
	assign := func(party map[string]any) {
		t.Helper()
		party["ApiClientID"] = client
		apptest.Must(t, e, "POST", "/v1/apiclients/assignments", admin, party, 204)
	}
	assign(map[string]any{"BuyerID": "b1"})
	assign(map[string]any{"BuyerID": "b2"})
	assign(map[string]any{"BuyerID": "b2"}) // again: replaces
	assign(map[string]any{"SupplierID": "sup"})
	wantCount(t, e, admin, path, "AssignedBuyerCount", "2")
	wantCount(t, e, admin, path, "AssignedSupplierCount", "1")

	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/ApiClients/Assignments/"+client, admin, nil, 204)
	wantCount(t, e, admin, path, "AssignedBuyerCount", "1")
	// Deleting the buyer and the supplier removes their assignments.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/suppliers/sup", admin, nil, 204)
	wantCount(t, e, admin, path, "AssignedBuyerCount", "0")
	wantCount(t, e, admin, path, "AssignedSupplierCount", "0")
	if r := apptest.Must(t, e, "GET", "/v1/apiclients/assignments?apiClientID="+client, admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("assignments left: %s", r.Raw)
	}
}

func TestCategoryAndCatalogCounts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Must(t, e, "POST", "/v1/catalogs", admin, map[string]any{"ID": "cat", "Name": "Catalog"}, 201)
	base := "/v1/catalogs/cat/categories"
	category := func(id, parent string) {
		t.Helper()
		body := map[string]any{"ID": id, "Name": id}
		if parent != "" {
			body["ParentID"] = parent
		}
		apptest.Must(t, e, "POST", base, admin, body, 201)
	}
	category("a", "")
	category("b", "")
	category("a1", "a")
	category("a2", "a")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"ID": "a1", "Name": "again", "ParentID": "a"}), 409, "IdExists")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"ID": "x", "Name": "x", "ParentID": "nope"}), 404, "NotFound")
	wantCount(t, e, admin, "/v1/catalogs/cat", "CategoryCount", "4")
	wantCount(t, e, admin, base+"/a", "ChildCount", "2")
	if r := apptest.Must(t, e, "GET", "/v1/catalogs?ID=cat", admin, nil, 200); r.S("Items.0.CategoryCount") != "4" {
		t.Errorf("catalog list: %s", r.Raw)
	}

	// Moving a category moves its count: PATCH to b, PUT back to the top.
	apptest.Must(t, e, "PATCH", base+"/a2", admin, map[string]any{"ParentID": "b"}, 200)
	wantCount(t, e, admin, base+"/a", "ChildCount", "1")
	wantCount(t, e, admin, base+"/b", "ChildCount", "1")
	if r := apptest.Must(t, e, "GET", base+"?depth=all&sortBy=ID", admin, nil, 200); r.S("Items.0.ID") != "a" || r.S("Items.0.ChildCount") != "1" ||
		r.S("Items.3.ID") != "b" || r.S("Items.3.ChildCount") != "1" {
		t.Errorf("category list: %s", r.Raw)
	}
	apptest.Must(t, e, "PUT", base+"/a2", admin, map[string]any{"Name": "top"}, 200)
	wantCount(t, e, admin, base+"/b", "ChildCount", "0")
	// A PUT that creates counts like a POST.
	apptest.Must(t, e, "PUT", base+"/b1", admin, map[string]any{"Name": "b1", "ParentID": "b"}, 200)
	wantCount(t, e, admin, base+"/b", "ChildCount", "1")
	wantCount(t, e, admin, "/v1/catalogs/cat", "CategoryCount", "5")

	apptest.Must(t, e, "DELETE", base+"/a1", admin, nil, 204)
	wantCount(t, e, admin, base+"/a", "ChildCount", "0")
	wantCount(t, e, admin, "/v1/catalogs/cat", "CategoryCount", "4")
	// A child outliving its parent can still be deleted.
	apptest.Must(t, e, "DELETE", base+"/b", admin, nil, 204)
	apptest.Must(t, e, "DELETE", base+"/b1", admin, nil, 204)
	wantCount(t, e, admin, "/v1/catalogs/cat", "CategoryCount", "2")
}

func TestSpecOptionCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	specWithOptions(t, e, admin, "size", nil, "S", "M", "L")
	wantCount(t, e, admin, "/v1/specs/size", "OptionCount", "3")
	apptest.Must(t, e, "PUT", "/v1/specs/size/options/M", admin, map[string]any{"Value": "Medium"}, 200)
	apptest.WantErr(t, e.Do("POST", "/v1/specs/size/options", admin, map[string]any{"ID": "S", "Value": "again"}), 409, "IdExists")
	wantCount(t, e, admin, "/v1/specs/size", "OptionCount", "3")

	apptest.Must(t, e, "DELETE", "/v1/specs/size/options/S", admin, nil, 204)
	wantCount(t, e, admin, "/v1/specs/size", "OptionCount", "2")
	// Deleting the default option rewrites the spec in the same
	// transaction; the count follows.
	apptest.Must(t, e, "PATCH", "/v1/specs/size", admin, map[string]any{"DefaultOptionID": "L"}, 200)
	apptest.Must(t, e, "DELETE", "/v1/specs/size/options/L", admin, nil, 204)
	r := apptest.Must(t, e, "GET", "/v1/specs/size", admin, nil, 200)
	if r.S("OptionCount") != "1" || r.S("DefaultOptionID") != "" || r.S("Options.0.ID") != "M" {
		t.Errorf("spec after deleting its default option: %s", r.Raw)
	}
}

// Buyers see the counts the product keeps.
func TestBuyerProductCounts(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Product(t, e, admin, "p", "list", nil)
	apptest.InCatalog(t, e, admin, "b1", "p")
	specWithOptions(t, e, admin, "size", specVariantOpts, "S", "M")
	specAssign(t, e, admin, "size", "p")
	apptest.Must(t, e, "POST", "/v1/products/p/variants/generate", admin, nil, 201)
	r := apptest.Must(t, e, "GET", "/v1/me/products/p", s.Token, nil, 200)
	if r.S("SpecCount") != "1" || r.S("VariantCount") != "2" {
		t.Errorf("buyer product: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200); r.S("Items.0.SpecCount") != "1" {
		t.Errorf("buyer product list: %s", r.Raw)
	}
}
