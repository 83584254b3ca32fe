package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// OrderCloud's REST conventions, checked on Products (an engine-served resource).

func TestCreateAppliesDefaultsAndIgnoresReadOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	r := apptest.Must(t, e, "POST", "/v1/products", admin, `{"Name":"Plain","SpecCount":7,"VariantCount":3,"IsBundle":true}`, 201)
	if r.S("ID") == "" {
		t.Errorf("no generated ID: %s", r.Raw)
	}
	if r.S("QuantityMultiplier") != "1" {
		t.Errorf("QuantityMultiplier = %q, want default 1", r.S("QuantityMultiplier"))
	}
	if r.Get("Active") != false {
		t.Errorf("Active = %v, want false", r.Get("Active"))
	}
	if xp, ok := r.Get("xp").(map[string]any); !ok || len(xp) != 0 {
		t.Errorf("xp = %v, want {}", r.Get("xp"))
	}
	if r.S("SpecCount") != "0" || r.S("VariantCount") != "0" || r.Get("IsBundle") != false {
		t.Errorf("read-only fields were written: SpecCount=%s VariantCount=%s IsBundle=%v", r.S("SpecCount"), r.S("VariantCount"), r.Get("IsBundle"))
	}
	// Dates are ISO 8601 in UTC.
	created := r.S("DateCreated")
	if ts, err := time.Parse(time.RFC3339Nano, created); err != nil || !strings.HasSuffix(created, "Z") || time.Since(ts) > time.Minute {
		t.Errorf("DateCreated %q is not a recent ISO 8601 UTC date", created)
	}
	// The generated ID reads back.
	got := apptest.Must(t, e, "GET", "/v1/products/"+r.S("ID"), admin, nil, 200)
	if got.S("Name") != "Plain" || got.S("SpecCount") != "0" {
		t.Errorf("read back: %s", got.Raw)
	}
	// Two generated IDs differ.
	r2 := apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"Name": "Plain"}, 201)
	if r2.S("ID") == r.S("ID") {
		t.Errorf("generated IDs collide: %s", r.S("ID"))
	}
	// Dates sent with an offset come back in UTC.
	ps := apptest.Must(t, e, "POST", "/v1/priceschedules", admin, map[string]any{"ID": "sale", "Name": "Sale",
		"SaleStart": "2030-01-01T10:00:00+02:00", "SaleEnd": "2030-01-02T00:00:00-05:00"}, 201)
	if ps.S("SaleStart") != "2030-01-01T08:00:00Z" || ps.S("SaleEnd") != "2030-01-02T05:00:00Z" {
		t.Errorf("dates not normalised to UTC: SaleStart=%s SaleEnd=%s", ps.S("SaleStart"), ps.S("SaleEnd"))
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	t.Run("required field missing", func(t *testing.T) {
		r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": "noname"})
		apptest.WantErr(t, r, 400, "ValidationFailure")
		if !strings.Contains(r.Raw, "Name") {
			t.Errorf("error does not name the missing field: %s", r.Raw)
		}
		e.Do("GET", "/v1/products/noname", admin, nil).Must(t, 404)
	})
	t.Run("maxLength exceeded", func(t *testing.T) {
		r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": "long", "Name": strings.Repeat("x", 101)})
		apptest.WantErr(t, r, 400, "ValidationFailure")
		if !strings.Contains(r.Raw, "Name") {
			t.Errorf("error does not name the field: %s", r.Raw)
		}
		// Exactly 100 characters is fine.
		e.Do("POST", "/v1/products", admin, map[string]any{"ID": "long", "Name": strings.Repeat("x", 100)}).Must(t, 201)
	})
	t.Run("malformed JSON", func(t *testing.T) {
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `{"Name": "x",`), 400, "Request.InvalidRequestBody")
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `not json`), 400, "Request.InvalidRequestBody")
	})
	t.Run("wrong types", func(t *testing.T) {
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `{"Name": 5}`), 400, "Request.InvalidRequestBody")
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `{"Name": "x", "Active": "yes"}`), 400, "Request.InvalidRequestBody")
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `{"Name": "x", "QuantityMultiplier": "two"}`), 400, "Request.InvalidRequestBody")
		apptest.WantErr(t, e.Do("POST", "/v1/products", admin, `{"Name": "x", "Inventory": {"QuantityAvailable": "lots"}}`), 400, "Request.InvalidRequestBody")
	})
	t.Run("invalid ID characters", func(t *testing.T) {
		for _, id := range []string{"has space", "semi;colon", "dollar$", "dot.ted"} {
			r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": id, "Name": "x"})
			if r.Status != 400 {
				t.Errorf("ID %q: status %d, want 400: %s", id, r.Status, r.Raw)
			}
		}
		e.Do("POST", "/v1/products", admin, map[string]any{"ID": "Ok_id-09", "Name": "x"}).Must(t, 201)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		e.Do("POST", "/v1/products", admin, map[string]any{"ID": "dup", "Name": "first"}).Must(t, 201)
		r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": "dup", "Name": "second"})
		if r.Status != 409 {
			t.Errorf("duplicate: status %d, want 409: %s", r.Status, r.Raw)
		}
		if got := e.Do("GET", "/v1/products/dup", admin, nil).Must(t, 200); got.S("Name") != "first" {
			t.Errorf("duplicate overwrote the original: %s", got.Raw)
		}
	})
}

func TestPutCreatesThenReplaces(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	r := e.Do("PUT", "/v1/products/put1", admin, map[string]any{"Name": "First", "Description": "d", "xp": map[string]any{"a": 1, "b": 2}})
	if r.Status != 200 && r.Status != 201 {
		t.Fatalf("PUT create: %d %s", r.Status, r.Raw)
	}
	if r.S("ID") != "put1" || r.S("xp.a") != "1" {
		t.Errorf("PUT create body: %s", r.Raw)
	}
	created := r.S("DateCreated")

	r = apptest.Must(t, e, "PUT", "/v1/products/put1", admin, map[string]any{"Name": "Second"}, 200)
	if r.S("Name") != "Second" {
		t.Errorf("Name not replaced: %s", r.Raw)
	}
	if r.Get("Description") != nil {
		t.Errorf("unsent Description kept on replace: %v", r.Get("Description"))
	}
	if xp, _ := r.Get("xp").(map[string]any); len(xp) != 0 {
		t.Errorf("unsent xp kept on replace: %v", r.Get("xp"))
	}
	if r.S("DateCreated") != created {
		t.Errorf("read-only DateCreated changed on replace: %q → %q", created, r.S("DateCreated"))
	}
	got := apptest.Must(t, e, "GET", "/v1/products/put1", admin, nil, 200)
	if got.S("Name") != "Second" || len(got.Get("xp").(map[string]any)) != 0 {
		t.Errorf("read back after replace: %s", got.Raw)
	}
	// A required field is required on PUT too.
	apptest.WantErr(t, e.Do("PUT", "/v1/products/put1", admin, map[string]any{"Description": "no name"}), 400, "ValidationFailure")
}

func TestPatchDeepMergesXp(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"ID": "px", "Name": "Patch me", "Description": "keep", "xp": map[string]any{"a": map[string]any{"b": 1}, "top": "x"}}, 201)
	r := apptest.Must(t, e, "PATCH", "/v1/products/px", admin, `{"xp":{"a":{"c":2}}}`, 200)
	if r.S("xp.a.b") != "1" || r.S("xp.a.c") != "2" || r.S("xp.top") != "x" {
		t.Errorf("xp not deep-merged: %v", r.Get("xp"))
	}
	if r.S("Description") != "keep" || r.S("Name") != "Patch me" {
		t.Errorf("PATCH touched unsent fields: %s", r.Raw)
	}
	got := apptest.Must(t, e, "GET", "/v1/products/px", admin, nil, 200)
	if got.S("xp.a.b") != "1" || got.S("xp.a.c") != "2" {
		t.Errorf("merged xp not stored: %v", got.Get("xp"))
	}
	// Read-only fields are ignored on PATCH too.
	if r := apptest.Must(t, e, "PATCH", "/v1/products/px", admin, map[string]any{"SpecCount": 9, "DateCreated": "2000-01-01T00:00:00Z"}, 200); r.S("SpecCount") != "0" || r.S("DateCreated") != got.S("DateCreated") {
		t.Errorf("PATCH wrote read-only fields: SpecCount=%s DateCreated=%s", r.S("SpecCount"), r.S("DateCreated"))
	}
	// A PATCH cannot clear a required field or send a wrong type.
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/px", admin, map[string]any{"Name": ""}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/px", admin, `{"Active":"no"}`), 400, "Request.InvalidRequestBody")
	// PATCH of a missing entity is a 404.
	r = e.Do("PATCH", "/v1/products/ghost", admin, map[string]any{"Name": "x"})
	apptest.WantErr(t, r, 404, "NotFound")
}

func TestDeleteThenNotFound(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"ID": "gone", "Name": "Gone"}, 201)
	r := apptest.Must(t, e, "DELETE", "/v1/products/gone", admin, nil, 204)
	if r.Raw != "" {
		t.Errorf("204 with a body: %q", r.Raw)
	}
	r = e.Do("GET", "/v1/products/gone", admin, nil)
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectType") != "Product" || r.S("Errors.0.Data.ObjectID") != "gone" {
		t.Errorf("404 Data: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("DELETE", "/v1/products/gone", admin, nil), 404, "NotFound")

	// An unknown route is a 404 in the same error shape, without Data (its
	// code is not "NotFound", which SDKs expect to carry Data.ObjectType).
	for _, path := range []string{"/v1/nothing-here", "/v1/products/x/nothing/y/z", "/nope"} {
		r = e.Do("GET", path, admin, nil)
		if r.Status != 404 || r.Code() == "" || r.Code() == "NotFound" {
			t.Errorf("%s: %d %q, want a 404 with an ErrorCode other than NotFound: %s", path, r.Status, r.Code(), r.Raw)
		}
		if errs, _ := r.Body["Errors"].([]any); len(errs) == 1 {
			if d := errs[0].(map[string]any)["Data"]; d != nil {
				t.Errorf("%s: route 404 carries Data %v", path, d)
			}
		}
	}
}

func TestListMetaPagingSortSearchFilters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()

	type p struct {
		id, name, desc string
		xp             map[string]any
	}
	for _, x := range []p{
		{"p1", "Blue Shirt", "cotton", map[string]any{"price": 5, "a": map[string]any{"b": "one"}}},
		{"p2", "Red Shirt", "linen", map[string]any{"price": 15, "a": map[string]any{"b": "two"}}},
		{"p3", "Blue Hat", "wool", map[string]any{"price": 25}},
		{"p4", "Green Scarf", "silk blue dye", map[string]any{"price": 10, "a": map[string]any{"b": "one"}}},
		{"p5", "Yellow Sock", "cotton", map[string]any{"price": 1}},
	} {
		apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"ID": x.id, "Name": x.name, "Description": x.desc, "xp": x.xp}, 201)
	}
	list := func(q string) apptest.Resp {
		t.Helper()
		return apptest.Must(t, e, "GET", "/v1/products?"+q, admin, nil, 200)
	}

	t.Run("meta shape", func(t *testing.T) {
		r := list("")
		meta, _ := r.Body["Meta"].(map[string]any)
		for _, k := range []string{"Page", "PageSize", "TotalCount", "TotalPages", "ItemRange"} {
			if _, ok := meta[k]; !ok {
				t.Errorf("Meta lacks %s: %s", k, r.Raw)
			}
		}
		if r.S("Meta.Page") != "1" || r.S("Meta.PageSize") != "20" || r.S("Meta.TotalCount") != "5" || r.S("Meta.TotalPages") != "1" ||
			r.S("Meta.ItemRange.0") != "1" || r.S("Meta.ItemRange.1") != "5" {
			t.Errorf("Meta: %v", r.Body["Meta"])
		}
		if len(apptest.IDs(r)) != 5 {
			t.Errorf("Items: %v", apptest.IDs(r))
		}
	})
	t.Run("paging", func(t *testing.T) {
		seen := []string{}
		for page, want := range map[int][3]string{1: {"2", "1", "2"}, 2: {"2", "3", "4"}, 3: {"1", "5", "5"}} {
			r := list(fmt.Sprintf("pageSize=2&page=%d", page))
			if n := len(apptest.IDs(r)); fmt.Sprint(n) != want[0] {
				t.Errorf("page %d: %d items", page, n)
			}
			if r.S("Meta.TotalCount") != "5" || r.S("Meta.TotalPages") != "3" || r.S("Meta.PageSize") != "2" ||
				r.S("Meta.ItemRange.0") != want[1] || r.S("Meta.ItemRange.1") != want[2] {
				t.Errorf("page %d Meta: %v", page, r.Body["Meta"])
			}
			seen = append(seen, apptest.IDs(r)...)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, []string{"p1", "p2", "p3", "p4", "p5"}) {
			t.Errorf("pages do not cover every item exactly once: %v", seen)
		}
		// A page past the end is empty, not an error.
		if r := list("pageSize=2&page=9"); len(apptest.IDs(r)) != 0 || r.S("Meta.TotalCount") != "5" {
			t.Errorf("page past the end: %s", r.Raw)
		}
	})
	t.Run("sort", func(t *testing.T) {
		if got := apptest.IDs(list("sortBy=!Name")); !slices.Equal(got, []string{"p5", "p2", "p4", "p1", "p3"}) {
			t.Errorf("sortBy=!Name: %v", got)
		}
		if got := apptest.IDs(list("sortBy=Name")); !slices.Equal(got, []string{"p3", "p1", "p4", "p2", "p5"}) {
			t.Errorf("sortBy=Name: %v", got)
		}
		if got := apptest.IDs(list("sortBy=xp.price")); !slices.Equal(got, []string{"p5", "p1", "p4", "p2", "p3"}) {
			t.Errorf("sortBy=xp.price: %v", got)
		}
	})
	t.Run("search", func(t *testing.T) {
		got := apptest.IDs(list("search=blue"))
		slices.Sort(got)
		if !slices.Equal(got, []string{"p1", "p3", "p4"}) { // p4 by its Description
			t.Errorf("search=blue: %v", got)
		}
		got = apptest.IDs(list("search=blue&searchOn=Name"))
		slices.Sort(got)
		if !slices.Equal(got, []string{"p1", "p3"}) {
			t.Errorf("search=blue&searchOn=Name: %v", got)
		}
	})
	t.Run("filters", func(t *testing.T) {
		cases := map[string][]string{
			"Name=Blue Hat":           {"p3"},
			"Name=Blue*":              {"p1", "p3"},
			"Name=*Shirt":             {"p1", "p2"},
			"Name=!Blue*":             {"p2", "p4", "p5"},
			"ID=p1|p5":                {"p1", "p5"},
			"xp.price=>10":            {"p2", "p3"},
			"xp.price=<10":            {"p1", "p5"},
			"xp.price=>=10":           {"p2", "p3", "p4"},
			"xp.a.b=one":              {"p1", "p4"},
			"xp.a.b=one|two":          {"p1", "p2", "p4"},
			"Name=Blue*&xp.price=>10": {"p3"},
			"Description=cotton":      {"p1", "p5"},
			"Active=false":            {"p1", "p2", "p3", "p4", "p5"},
			"Active=true":             nil,
			"DateCreated=>2000-01-01": {"p1", "p2", "p3", "p4", "p5"},
			"DateCreated=<2000-01-01": nil,
		}
		for q, want := range cases {
			parts := strings.SplitN(q, "&", 2)
			enc := ""
			for i, part := range parts {
				k, v, _ := strings.Cut(part, "=")
				if i > 0 {
					enc += "&"
				}
				enc += k + "=" + strings.NewReplacer(" ", "%20", "|", "%7C", "<", "%3C", ">", "%3E", "!", "%21", "*", "%2A").Replace(v)
			}
			got := apptest.IDs(list(enc))
			slices.Sort(got)
			if len(got) != len(want) || (len(want) > 0 && !slices.Equal(got, want)) {
				t.Errorf("%s: got %v, want %v", q, got, want)
			}
		}
	})
	t.Run("invalid parameters", func(t *testing.T) {
		for q, code := range map[string]string{
			"pageSize=101":       "List.InvalidPageSize",
			"pageSize=0":         "List.InvalidPageSize",
			"NoSuchField=1":      "List.InvalidProperty",
			"sortBy=NoSuchField": "List.InvalidSortProperty",
			"sortBy=Description": "List.InvalidSortProperty", // Description is not sortable
		} {
			apptest.WantErr(t, e.Do("GET", "/v1/products?"+q, admin, nil), 400, code)
		}
	})
}
