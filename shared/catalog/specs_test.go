package catalog_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// specWithOptions creates a spec and its options (IDs in list order).
func specWithOptions(t *testing.T, e *apptest.Env, admin, specID string, extra map[string]any, options ...string) {
	t.Helper()
	body := map[string]any{"ID": specID, "Name": "Spec " + specID}
	for k, v := range extra {
		body[k] = v
	}
	apptest.Must(t, e, "POST", "/v1/specs", admin, body, 201)
	for i, o := range options {
		apptest.Must(t, e, "POST", "/v1/specs/"+specID+"/options", admin, map[string]any{"ID": o, "Value": "Value " + o, "ListOrder": i + 1}, 201)
	}
}

// specAssign assigns a spec to a product.
func specAssign(t *testing.T, e *apptest.Env, admin, specID, productID string) {
	t.Helper()
	apptest.Must(t, e, "POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": specID, "ProductID": productID}, 204)
}

var specVariantOpts = map[string]any{"DefinesVariant": true, "Required": true}

func TestSpecAndOptionCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	r := apptest.Must(t, e, "POST", "/v1/specs", admin, map[string]any{"ID": "size", "Name": "Size", "ListOrder": 2}, 201)
	if r.S("OwnerID") == "" || r.S("OptionCount") != "0" || r.Get("Options") == nil {
		t.Errorf("new spec: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/specs", admin, map[string]any{"ID": "x"}), 400, "ValidationFailure")

	// Options under the spec; a missing spec is a 404.
	apptest.WantErr(t, e.Do("POST", "/v1/specs/nope/options", admin, map[string]any{"Value": "S"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/specs/size/options", admin, map[string]any{"ID": "S"}), 400, "ValidationFailure")
	apptest.Must(t, e, "POST", "/v1/specs/size/options", admin, map[string]any{"ID": "L", "Value": "Large", "ListOrder": 3,
		"PriceMarkupType": "AmountPerQuantity", "PriceMarkup": 2.5}, 201)
	apptest.Must(t, e, "POST", "/v1/specs/size/options", admin, map[string]any{"ID": "S", "Value": "Small", "ListOrder": 1}, 201)
	gen := apptest.Must(t, e, "POST", "/v1/specs/size/options", admin, map[string]any{"Value": "Medium", "ListOrder": 2}, 201)
	if gen.S("ID") == "" {
		t.Errorf("option without generated ID: %s", gen.Raw)
	}
	o := apptest.Must(t, e, "GET", "/v1/specs/size/options/L", admin, nil, 200)
	if o.S("Value") != "Large" || o.S("PriceMarkup") != "2.5" || o.S("PriceMarkupType") != "AmountPerQuantity" {
		t.Errorf("option: %s", o.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/specs/size/options/L", admin, map[string]any{"Value": "Big"}, 200)
	apptest.Must(t, e, "PUT", "/v1/specs/size/options/XL", admin, map[string]any{"Value": "Extra", "ListOrder": 4}, 200)
	list := apptest.Must(t, e, "GET", "/v1/specs/size/options", admin, nil, 200)
	if got := apptest.IDs(list); !apptest.SameSet(got, []string{"S", gen.S("ID"), "L", "XL"}) || list.S("Meta.TotalCount") != "4" {
		t.Errorf("options %v", got)
	}
	if apptest.IDs(apptest.Must(t, e, "GET", "/v1/specs/size/options?search=Big", admin, nil, 200))[0] != "L" {
		t.Error("search on Value")
	}

	// The spec shows its options in list order and their count.
	s := apptest.Must(t, e, "GET", "/v1/specs/size", admin, nil, 200)
	if s.S("OptionCount") != "4" || s.S("Options.0.ID") != "S" || s.S("Options.2.Value") != "Big" || s.S("Options.3.ID") != "XL" {
		t.Errorf("spec options: %s", s.Raw)
	}
	// Options are read-only on the spec.
	apptest.Must(t, e, "PATCH", "/v1/specs/size", admin, map[string]any{"Options": []any{}, "Name": "Sizes"}, 200)
	if s := apptest.Must(t, e, "GET", "/v1/specs/size", admin, nil, 200); s.S("OptionCount") != "4" || s.S("Name") != "Sizes" {
		t.Errorf("after patch: %s", s.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/specs", admin, nil, 200)); !slices.Equal(got, []string{"size"}) {
		t.Errorf("specs %v", got)
	}

	apptest.Must(t, e, "DELETE", "/v1/specs/size/options/XL", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/specs/size/options/XL", admin, nil), 404, "NotFound")

	// Deleting the spec deletes its options.
	apptest.Must(t, e, "DELETE", "/v1/specs/size", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/specs/size", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/specs", admin, map[string]any{"ID": "size", "Name": "Size"}, 201)
	if n := apptest.Must(t, e, "GET", "/v1/specs/size/options", admin, nil, 200).S("Meta.TotalCount"); n != "0" {
		t.Errorf("options survived their spec: %s", n)
	}
}

func TestSpecDefaultOptionAndVariantRules(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	// DefaultOptionID cannot be set before the option exists.
	apptest.WantErr(t, e.Do("POST", "/v1/specs", admin, map[string]any{"ID": "c", "Name": "Color", "DefaultOptionID": "red"}),
		400, "Spec.OptionNotFound")
	specWithOptions(t, e, admin, "c", nil, "red", "blue")
	specWithOptions(t, e, admin, "other", nil, "green")
	r := apptest.Must(t, e, "PATCH", "/v1/specs/c", admin, map[string]any{"DefaultOptionID": "blue"}, 200)
	if r.S("DefaultOptionID") != "blue" {
		t.Errorf("DefaultOptionID: %s", r.Raw)
	}
	// Another spec's option is not one of its options.
	apptest.WantErr(t, e.Do("PATCH", "/v1/specs/c", admin, map[string]any{"DefaultOptionID": "green"}), 400, "Spec.OptionNotFound")
	// Deleting the default option clears it.
	apptest.Must(t, e, "DELETE", "/v1/specs/c/options/blue", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/specs/c", admin, nil, 200); r.Get("DefaultOptionID") != nil || r.S("OptionCount") != "1" {
		t.Errorf("after deleting the default option: %s", r.Raw)
	}

	// A variant spec must be required and closed.
	apptest.WantErr(t, e.Do("POST", "/v1/specs", admin, map[string]any{"Name": "V", "DefinesVariant": true}), 400, "Spec.MustBeRequired")
	apptest.WantErr(t, e.Do("POST", "/v1/specs", admin, map[string]any{"Name": "V", "DefinesVariant": true, "Required": true, "AllowOpenText": true}),
		400, "Spec.CannotAllowOpenText")
}

func TestSpecProductAssignments(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "p1", "ps", nil)
	apptest.Product(t, e, admin, "p2", "ps", nil)
	specWithOptions(t, e, admin, "color", nil, "red", "blue")
	specWithOptions(t, e, admin, "size", nil, "S")
	apptest.Must(t, e, "POST", "/v1/specs", admin, map[string]any{"ID": "engrave", "Name": "Engraving", "AllowOpenText": true}, 201)
	apptest.Must(t, e, "POST", "/v1/specs", admin, map[string]any{"ID": "empty", "Name": "Nothing to choose"}, 201)

	// Missing spec or product: 404; a spec with nothing to choose: 400.
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "nope", "ProductID": "p1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "color", "ProductID": "nope"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "color"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "empty", "ProductID": "p1"}),
		400, "Spec.InvalidSpecConfiguration")
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "color", "ProductID": "p1", "DefaultOptionID": "S"}),
		400, "Spec.OptionNotFound")

	apptest.Must(t, e, "POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "color", "ProductID": "p1", "DefaultOptionID": "red"}, 204)
	specAssign(t, e, admin, "engrave", "p1")
	specAssign(t, e, admin, "size", "p1")
	specAssign(t, e, admin, "color", "p2")
	// Saving again replaces.
	specAssign(t, e, admin, "color", "p2")

	if n := apptest.Must(t, e, "GET", "/v1/specs/productassignments", admin, nil, 200).S("Meta.TotalCount"); n != "4" {
		t.Errorf("assignments: %s", n)
	}
	if n := apptest.Must(t, e, "GET", "/v1/specs/productassignments?ProductID=p1", admin, nil, 200).S("Meta.TotalCount"); n != "3" {
		t.Errorf("filtered assignments: %s", n)
	}
	r := apptest.Must(t, e, "GET", "/v1/products/p1/specs", admin, nil, 200)
	if got := apptest.IDs(r); !apptest.SameSet(got, []string{"color", "engrave", "size"}) {
		t.Errorf("product specs %v", got)
	}
	for _, it := range r.Get("Items").([]any) {
		m := it.(map[string]any)
		if m["ID"] == "color" && (m["DefaultOptionID"] != "red" || m["OptionCount"].(any) == nil) {
			t.Errorf("assignment's DefaultOptionID does not show on the product's spec: %v", m)
		}
	}
	apptest.WantErr(t, e.Do("GET", "/v1/products/nope/specs", admin, nil), 404, "NotFound")

	// Buyer views: only for a visible product.
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p1/specs", s.Token, nil), 404, "NotFound")
	apptest.InCatalog(t, e, admin, "b1", "p1")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products/p1/specs", s.Token, nil, 200)); len(got) != 3 {
		t.Errorf("me specs %v", got)
	}
	if g := apptest.Must(t, e, "GET", "/v1/me/products/p1/specs/color", s.Token, nil, 200); g.S("Options.1.ID") != "blue" {
		t.Errorf("me spec: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p1/specs/nope", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/p2/specs/color", s.Token, nil), 404, "NotFound")

	// Unassign one; delete a spec and a product: their assignments go.
	apptest.Must(t, e, "DELETE", "/v1/specs/size/productassignments/p1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/specs/engrave", admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/products/p1/specs", admin, nil, 200)); !slices.Equal(got, []string{"color"}) {
		t.Errorf("after unassign and spec delete: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/products/p2", admin, nil, 204)
	r = apptest.Must(t, e, "GET", "/v1/specs/productassignments", admin, nil, 200)
	if r.S("Meta.TotalCount") != "1" || r.S("Items.0.ProductID") != "p1" {
		t.Errorf("assignments after deletes: %s", r.Raw)
	}
}

// variantIDs lists a product's variant IDs.
func specVariantIDs(t *testing.T, e *apptest.Env, token, productID string) []string {
	t.Helper()
	return apptest.IDs(apptest.Must(t, e, "GET", "/v1/products/"+productID+"/variants?pageSize=100", token, nil, 200))
}

func TestGenerateVariants(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Product(t, e, admin, "shirt", "", nil)
	specWithOptions(t, e, admin, "color", map[string]any{"DefinesVariant": true, "Required": true, "ListOrder": 1}, "red", "blue")
	specWithOptions(t, e, admin, "size", map[string]any{"DefinesVariant": true, "Required": true, "ListOrder": 2}, "S", "M", "L")
	specWithOptions(t, e, admin, "note", nil, "gift") // not a variant spec
	for _, sp := range []string{"color", "size", "note"} {
		specAssign(t, e, admin, sp, "shirt")
	}
	apptest.Must(t, e, "PATCH", "/v1/specs/size/options/M", admin, map[string]any{"PriceMarkupType": "AmountTotal", "PriceMarkup": 3}, 200)

	apptest.WantErr(t, e.Do("POST", "/v1/products/nope/variants/generate", admin, map[string]any{}), 404, "NotFound")
	p := apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, map[string]any{}, 201)
	if p.S("ID") != "shirt" || p.S("VariantCount") != "6" {
		t.Errorf("generate returns the product with its VariantCount: %s", p.Raw)
	}
	want := []string{"shirt-blue-L", "shirt-blue-M", "shirt-blue-S", "shirt-red-L", "shirt-red-M", "shirt-red-S"}
	if got := specVariantIDs(t, e, admin, "shirt"); !slices.Equal(got, want) {
		t.Errorf("variants %v, want %v", got, want)
	}
	if n := apptest.Must(t, e, "GET", "/v1/products/shirt", admin, nil, 200).S("VariantCount"); n != "6" {
		t.Errorf("Product.VariantCount = %s", n)
	}
	v := apptest.Must(t, e, "GET", "/v1/products/shirt/variants/shirt-red-M", admin, nil, 200)
	if v.Get("Active") != true || len(v.Get("Specs").([]any)) != 2 || v.S("Specs.0.SpecID") != "color" || v.S("Specs.0.OptionID") != "red" ||
		v.S("Specs.0.Name") != "Spec color" || v.S("Specs.1.Value") != "Value M" || v.S("Specs.1.PriceMarkupType") != "AmountTotal" ||
		v.S("Specs.1.PriceMarkup") != "3" {
		t.Errorf("variant: %s", v.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/products/shirt/variants/nope", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/products/nope/variants/shirt-red-M", admin, nil), 404, "NotFound")

	// Edit a variant (and rename one); regenerating keeps the edits.
	apptest.Must(t, e, "PATCH", "/v1/products/shirt/variants/shirt-red-M", admin, map[string]any{"Name": "Red M", "Description": "d",
		"ShipWeight": 1.5, "Active": false, "xp": map[string]any{"sku": 7}}, 200)
	ren := apptest.Must(t, e, "PUT", "/v1/products/shirt/variants/shirt-blue-S", admin, map[string]any{"ID": "SKU-BS", "Name": "Blue S", "Active": true}, 200)
	if ren.S("ID") != "SKU-BS" || ren.S("Specs.0.OptionID") != "blue" {
		t.Errorf("renamed variant: %s", ren.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/products/shirt/variants/shirt-blue-S", admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/shirt/variants/SKU-BS", admin, map[string]any{"ID": "shirt-red-L"}), 409, "IdExists")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/shirt/variants/nope", admin, map[string]any{"Name": "x"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/shirt/variants/SKU-BS", admin, map[string]any{"Name": string(make([]byte, 101))}), 400, "ValidationFailure")

	apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, map[string]any{}, 201)
	v = apptest.Must(t, e, "GET", "/v1/products/shirt/variants/shirt-red-M", admin, nil, 200)
	if v.S("Name") != "Red M" || v.S("Description") != "d" || v.S("ShipWeight") != "1.5" || v.Get("Active") != false || v.S("xp.sku") != "7" {
		t.Errorf("edits lost on regenerate: %s", v.Raw)
	}
	want = []string{"SKU-BS", "shirt-blue-L", "shirt-blue-M", "shirt-red-L", "shirt-red-M", "shirt-red-S"}
	if got := specVariantIDs(t, e, admin, "shirt"); !slices.Equal(got, want) {
		t.Errorf("after regenerate %v, want %v", got, want)
	}

	// Remove an option: its variants go on regenerate.
	apptest.Must(t, e, "DELETE", "/v1/specs/size/options/L", admin, nil, 204)
	p = apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, map[string]any{}, 201)
	want = []string{"SKU-BS", "shirt-blue-M", "shirt-red-M", "shirt-red-S"}
	if got := specVariantIDs(t, e, admin, "shirt"); !slices.Equal(got, want) || p.S("VariantCount") != "4" {
		t.Errorf("after removing L: %v (count %s), want %v", got, p.S("VariantCount"), want)
	}

	// overwriteExisting resets edits and generated IDs; Active from the overrides.
	apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate?overwriteExisting=true", admin, map[string]any{"Active": false}, 201)
	want = []string{"shirt-blue-M", "shirt-blue-S", "shirt-red-M", "shirt-red-S"}
	if got := specVariantIDs(t, e, admin, "shirt"); !slices.Equal(got, want) {
		t.Errorf("after overwrite %v, want %v", got, want)
	}
	v = apptest.Must(t, e, "GET", "/v1/products/shirt/variants/shirt-red-M", admin, nil, 200)
	if v.S("Name") != "shirt-red-M" || v.Get("Description") != nil || v.Get("ShipWeight") != nil || v.Get("Active") != false || v.Get("xp.sku") != nil {
		t.Errorf("overwrite did not reset: %s", v.Raw)
	}

	// No variant specs left: no variants.
	apptest.Must(t, e, "DELETE", "/v1/specs/color/productassignments/shirt", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/specs/size/productassignments/shirt", admin, nil, 204)
	p = apptest.Must(t, e, "POST", "/v1/products/shirt/variants/generate", admin, nil, 201)
	if got := specVariantIDs(t, e, admin, "shirt"); len(got) != 0 || p.S("VariantCount") != "0" {
		t.Errorf("variants without specs: %v %s", got, p.S("VariantCount"))
	}
}

func TestVariantsForBuyersAndLimits(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "ps", nil, 1, 10)
	apptest.Product(t, e, admin, "mug", "ps", nil)
	specWithOptions(t, e, admin, "color", specVariantOpts, "red", "blue")
	specAssign(t, e, admin, "color", "mug")
	apptest.Must(t, e, "POST", "/v1/products/mug/variants/generate", admin, nil, 201)
	apptest.Must(t, e, "PATCH", "/v1/products/mug/variants/mug-blue", admin, map[string]any{"Active": false}, 200)

	apptest.WantErr(t, e.Do("GET", "/v1/me/products/mug/variants", s.Token, nil), 404, "NotFound")
	apptest.InCatalog(t, e, admin, "b1", "mug")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products/mug/variants", s.Token, nil, 200)); !slices.Equal(got, []string{"mug-red"}) {
		t.Errorf("buyer sees variants %v (inactive ones hidden)", got)
	}
	apptest.Must(t, e, "GET", "/v1/me/products/mug/variants/mug-red", s.Token, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/me/products/mug/variants/mug-blue", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/mug/variants/mug-red", s.Token, map[string]any{"Active": false}), 403, "Auth.InsufficientRoles")

	// Parent products cannot have variants; variant specs cannot go on them.
	apptest.Product(t, e, admin, "parent", "", map[string]any{"IsParent": true})
	apptest.WantErr(t, e.Do("POST", "/v1/specs/productassignments", admin, map[string]any{"SpecID": "color", "ProductID": "parent"}),
		400, "ProductAssigment.ParentChildProductCannotBeAssignedToVariantSpec")
	apptest.WantErr(t, e.Do("POST", "/v1/products/parent/variants/generate", admin, nil), 400, "Product.ParentChildProductsCannotHaveVariants")

	// Too many combinations.
	apptest.Product(t, e, admin, "big", "", nil)
	var opts []string
	for i := 0; i < 32; i++ {
		opts = append(opts, string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	specWithOptions(t, e, admin, "x", specVariantOpts, opts...)
	specWithOptions(t, e, admin, "y", specVariantOpts, opts...)
	specAssign(t, e, admin, "x", "big")
	specAssign(t, e, admin, "y", "big")
	apptest.WantErr(t, e.Do("POST", "/v1/products/big/variants/generate", admin, nil), 400, "Variant.ExceededLimit")

	// Deleting the product deletes its variants.
	apptest.Must(t, e, "DELETE", "/v1/products/mug", admin, nil, 204)
	apptest.Product(t, e, admin, "mug", "ps", nil)
	if got := specVariantIDs(t, e, admin, "mug"); len(got) != 0 {
		t.Errorf("variants survived their product: %v", got)
	}
}
