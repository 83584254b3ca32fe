package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// GET /v1/openapi/v3 describes exactly the operations the API serves. What
// is served is found out independently of the document: a request without
// a token to a served operation is refused (401, or for a public one
// anything but RouteNotFound), to any other path it is no route (404
// RouteNotFound).
func TestOpenAPIDescribesServedOperations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	r := e.Do("GET", "/v1/openapi/v3", "", nil)
	if r.Status != 200 {
		t.Fatalf("openapi: %d %s", r.Status, r.Raw)
	}
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Paths      map[string]map[string]struct{ OperationID string }
		Components struct{ Schemas map[string]json.RawMessage } `json:"components"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}

	// Where each operation ID appears in the document.
	seen := map[string][]string{}
	for path, item := range doc.Paths {
		for method, op := range item {
			seen[op.OperationID] = append(seen[op.OperationID], strings.ToUpper(method)+" "+path)
		}
	}
	served := 0
	for _, op := range contract.Operations() {
		probe := e.Do(op.Method, "/v1"+pathParam.ReplaceAllString(op.Path, "x"), "", nil)
		isServed := probe.Code() != "RouteNotFound"
		// Public operations (forgotten credentials) refuse the empty
		// request itself instead.
		if isServed && probe.Status != http.StatusUnauthorized && !e.App.Registry().IsPublic(op.ID()) {
			t.Errorf("%s without a token: %d %s", op.ID(), probe.Status, probe.Raw)
		}
		at := seen[op.ID()]
		switch {
		case isServed && !slices.Equal(at, []string{op.Method + " " + op.Path}):
			t.Errorf("served %s (%s %s) appears at %v", op.ID(), op.Method, op.Path, at)
		case !isServed && len(at) > 0:
			t.Errorf("unserved %s appears at %v", op.ID(), at)
		}
		if isServed {
			served++
		}
		delete(seen, op.ID())
	}
	for id, at := range seen {
		t.Errorf("%s at %v is no contract operation", id, at)
	}
	if served < 350 {
		t.Errorf("only %d operations served", served)
	}
	t.Logf("%d operations, %d schemas", served, len(doc.Components.Schemas))

	// Every $ref names a component that exists.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name, isSchema := strings.CutPrefix(ref, "#/components/schemas/")
				if isSchema && doc.Components.Schemas[name] == nil {
					t.Errorf("$ref %s resolves to nothing", ref)
				} else if !isSchema && ref != "#/components/responses/Error" {
					t.Errorf("unexpected $ref %s", ref)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var all any
	json.Unmarshal([]byte(r.Raw), &all)
	walk(all)

	// And an OpenAPI library agrees it is a valid 3.0 document.
	loaded, err := openapi3.NewLoader().LoadFromData([]byte(r.Raw))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		t.Errorf("invalid OpenAPI document: %v", err)
	}
}

// The description carries the contract's shapes and roles.
func TestOpenAPIShapes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	raw := e.Do("GET", "/v1/openapi/v3", "", nil).Must(t, 200).Raw
	doc, err := openapi3.NewLoader().LoadFromData([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	list := doc.Paths.Find("/products").Get
	if list.OperationID != "Products.List" || list.Parameters.GetByInAndName("query", "pageSize") == nil {
		t.Errorf("Products.List: %+v", list)
	}
	page := list.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	if page.Properties["Meta"] == nil || page.Properties["Items"].Value.Items.Ref != "#/components/schemas/Product" {
		t.Errorf("Products.List returns no list page of products")
	}
	create := doc.Paths.Find("/products").Post
	if create.RequestBody.Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/Product" ||
		create.Responses.Status(201) == nil {
		t.Errorf("Products.Create: body or 201 missing")
	}
	if scopes := (*create.Security)[0]["OAuth2"]; !slices.Contains(scopes, "ProductAdmin") || !slices.Contains(scopes, "FullAccess") {
		t.Errorf("Products.Create scopes %v", scopes)
	}
	del := doc.Paths.Find("/products/{productID}").Delete
	if del.Responses.Status(204) == nil || del.Parameters.GetByInAndName("path", "productID") == nil {
		t.Errorf("Products.Delete: %+v", del)
	}
	product := doc.Components.Schemas["Product"].Value
	if !product.Properties["SpecCount"].Value.ReadOnly || product.Properties["Name"].Value.MaxLength == nil ||
		!product.Properties["xp"].Value.Nullable || !slices.Contains(product.Required, "Name") {
		t.Errorf("Product schema: SpecCount %+v, Name %+v, xp %+v, required %v", product.Properties["SpecCount"].Value,
			product.Properties["Name"].Value, product.Properties["xp"].Value, product.Required)
	}
	if inv := product.Properties["Inventory"].Value; len(inv.AllOf) == 0 || inv.AllOf[0].Ref != "#/components/schemas/Inventory" {
		t.Errorf("Product.Inventory is no reference to Inventory")
	}
	if enum := doc.Components.Schemas["ApiRole"].Value.Enum; len(enum) < 50 {
		t.Errorf("ApiRole enum: %v", enum)
	}
}
