package catalog_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Product lists are served from the collection's indexes. Each query here
// is answered twice: by the API, and by filtering, searching, sorting and
// paging every product's document in the test; the two must agree on the
// items, their order and the meta. The products are built to reach every
// plan: equality filters on fields and xp (lists, numbers, nested), word
// search (with entities holding more words than the index keeps), sorts,
// ID ranges, and rows leaving fields out.
func TestProductListsMatchFilteringEveryDocument(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	rng := rand.New(rand.NewPCG(7, 9))
	colors := []string{"red", "Red", "blue", "green"}
	words := []string{"lamp", "lantern", "shirt", "shirts", "desk", "red", "oak", "steel", "blue"}
	for i := range 60 {
		id := fmt.Sprintf("p%02d", i)
		name := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		if i%13 == 0 {
			name = "0 " + name // sorts first
		}
		xp := map[string]any{"color": colors[rng.IntN(len(colors))], "size": rng.IntN(5),
			"tags": []any{words[rng.IntN(4)], words[4+rng.IntN(4)]}, "dims": map[string]any{"w": rng.IntN(3)}}
		if i%7 == 0 {
			xp["size"] = fmt.Sprint(rng.IntN(5)) // a number as text
		}
		if i%11 == 0 {
			for k := range 20 { // more xp paths than the index keeps
				xp[fmt.Sprintf("k%02d", k)] = k
			}
		}
		desc := "plain " + words[rng.IntN(len(words))]
		if i%9 == 0 {
			var long []string
			for k := range 60 { // more words than the index keeps
				long = append(long, fmt.Sprintf("word%d", k))
			}
			desc = strings.Join(long, " ")
		}
		body := map[string]any{"ID": id, "Name": name, "Description": desc, "Active": rng.IntN(3) > 0, "xp": xp}
		if i%5 == 0 {
			body["Inventory"] = map[string]any{"Enabled": true, "QuantityAvailable": i}
		}
		apptest.Must(t, e, "POST", "/v1/products", admin, body, 201)
	}
	// Some change after they are created: indexes follow.
	apptest.Must(t, e, "PATCH", "/v1/products/p03", admin, map[string]any{"Name": "oak lamp", "xp": map[string]any{"color": "blue"}}, 200)
	apptest.Must(t, e, "PATCH", "/v1/products/p04", admin, map[string]any{"Active": false}, 200)
	apptest.Must(t, e, "DELETE", "/v1/products/p05", admin, nil, 204)

	var docs []api.Doc
	for i := range 60 {
		r := e.Do("GET", fmt.Sprintf("/v1/products/p%02d", i), admin, nil)
		if r.Status == 200 {
			var d api.Doc
			dec := json.NewDecoder(strings.NewReader(r.Raw))
			dec.UseNumber()
			if err := dec.Decode(&d); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, d)
		}
	}
	op, _ := contract.Op("Products.List")
	spec := resource.ListSpec(op, contract.ModelByName("Product"))
	queries := []string{
		"", "page=2&pageSize=7", "pageSize=100", "page=9&pageSize=7",
		"sortBy=!ID", "sortBy=ID&ID=>p20", "sortBy=ID&ID=>p20&pageSize=5&page=2", "ID=<p10", "ID=<=p10&sortBy=!ID", "ID=p1*",
		"Active=true", "Active=false", "Active=true&pageSize=5&page=3", "Active=true&sortBy=!ID",
		"xp.color=red", "xp.Color=RED", "xp.color=red|blue", "xp.size=3", "xp.size=3&pageSize=3&page=2", "xp.size>2",
		"xp.tags=lamp", "xp.tags=lamp|shirt", "xp.color=!red", "xp.dims.w=2", "xp.k05=5", "xp.nothing=1",
		"sortBy=Name", "sortBy=!Name", "sortBy=!Name&page=2&pageSize=5", "sortBy=Name,ID", "sortBy=!Name,!ID",
		"Name=*lamp*", "Name=oak lamp", "Name=>m", "Name=>m&sortBy=Name",
		"search=lamp", "search=lam", "search=lamp red&searchType=AllTermsAnyField", "search=lamp red&searchType=AllTermsSameField",
		"search=shirts", "search=lamp&sortBy=Name", "search=lamp&Active=true", "search=lamp&searchOn=Name", "search=zzz",
		"search=word41", "search=word4&pageSize=3&page=2", "search=lamp&searchType=ExactPhrase", "search=p1",
		"Active=true&xp.color=red", "Active=true&sortBy=!Name", "xp.color=red&sortBy=Name", "Active=true&xp.color=red&search=oak",
		"Inventory.Enabled=true", "SpecCount=0", "Active=true&ID=>p30",
		// Ranges holding most of the collection are counted by their outside.
		"ID=>p02", "ID=>=p02", "ID=<p57", "ID=<=p57&sortBy=!ID", "ID=>=p05&pageSize=5&page=3", "Active=true&ID=>p01",
		"Name=>b&sortBy=Name", "Name=<t&sortBy=!Name", "Name=>=b&sortBy=Name&page=2&pageSize=9",
	}
	for _, q := range queries {
		listMatches(t, e, "/v1/products", admin, spec, docs, q)
	}
}

// The storefront's common lists read their page, not the collection.
func TestProductListsReadTheirPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	for i := range 60 {
		apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"ID": fmt.Sprintf("p%03d", i),
			"Name": fmt.Sprintf("item %d", i), "Active": i%3 > 0, "xp": map[string]any{"color": []string{"red", "blue"}[i%2]}}, 201)
	}
	for _, q := range []string{"", "page=3", "Active=true", "xp.color=red", "sortBy=!Name", "search=item", "sortBy=ID&ID=>p040",
		"ID=>p005", "ID=>=p002&sortBy=!ID"} { // counted by the few keys outside the range
		e.Store.Calls.Reset()
		r := apptest.Must(t, e, "GET", "/v1/products?pageSize=10&"+q, admin, nil, 200)
		if n := len(apptest.IDs(r)); n == 0 {
			t.Fatalf("%s: no items", q)
		}
		// Documents: the page's. The rest are tallies and index keys.
		if docs := e.Store.Calls.Docs(); docs > 10 {
			t.Errorf("%s: read %d documents for a page of 10", q, docs)
		}
		if items := e.Store.Calls.Items(); q != "search=item" && items > 60 {
			t.Errorf("%s: read %d items", q, items)
		}
	}
}

// Products.List narrows to a catalog, or a category of it, by catalogID and
// categoryID.
func TestProductListByCatalogAndCategory(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Catalog(t, e, admin, "other")
	apptest.Category(t, e, admin, "other", "c1")
	for i := range 6 {
		id := fmt.Sprintf("p%d", i)
		apptest.Product(t, e, admin, id, "list", nil)
		if i%2 == 0 {
			apptest.InCatalog(t, e, admin, "other", id)
		}
		if i%3 == 0 {
			apptest.Must(t, e, "POST", "/v1/catalogs/other/categories/productassignments", admin, map[string]any{"CategoryID": "c1", "ProductID": id}, 204)
		}
	}
	for q, want := range map[string][]string{
		"catalogID=other":                     {"p0", "p2", "p3", "p4"},
		"catalogID=other&categoryID=c1":       {"p0", "p3"},
		"catalogID=other&sortBy=!ID":          {"p4", "p3", "p2", "p0"},
		"catalogID=b1":                        {},
		"catalogID=other&categoryID=c1&ID=p3": {"p3"},
	} {
		r := apptest.Must(t, e, "GET", "/v1/products?"+q, admin, nil, 200)
		if got := apptest.IDs(r); !slices.Equal(got, want) || r.S("Meta.TotalCount") != fmt.Sprint(len(want)) {
			t.Errorf("%s: %v (TotalCount %s), want %v", q, got, r.S("Meta.TotalCount"), want)
		}
	}
	apptest.WantErr(t, e.Do("GET", "/v1/products?catalogID=nope", admin, nil), 404, "NotFound")
	// Removing a product from the catalog takes it off the list.
	apptest.Must(t, e, "DELETE", "/v1/catalogs/other/productassignments/p2", admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/products?catalogID=other", admin, nil, 200)); !slices.Equal(got, []string{"p0", "p3", "p4"}) {
		t.Errorf("after removing p2: %v", got)
	}
}

// A buyer's product lists filtered on xp read the partition of what the
// buyer sees with that value, not every product holding it, and answer
// exactly what filtering the buyer's whole list in the test gives: through
// a catalog, a category opened to a group and a product assignment, with
// list-valued xp, alternatives, paging, sorts, and products whose xp is too
// large for the indexes (listed in overflow partitions, still found).
func TestMeProductListsByXPMatchFilteringVisibleProducts(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	apptest.Catalog(t, e, admin, "cat")
	apptest.Must(t, e, "POST", "/v1/catalogs/assignments", admin, map[string]any{"CatalogID": "cat", "BuyerID": "b1", "ViewAllProducts": false, "ViewAllCategories": false}, 204)
	apptest.Category(t, e, admin, "cat", "tools")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "vip", "Name": "VIP"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "vip", "UserID": "u1"}, 204)
	apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/assignments", admin, map[string]any{"CategoryID": "tools", "BuyerID": "b1", "UserGroupID": "vip", "Visible": true, "ViewAllProducts": true}, 204)

	colors := []string{"red", "Red", "blue", "green"}
	for i := range 48 {
		id := fmt.Sprintf("p%02d", i)
		xp := map[string]any{"color": colors[i%4], "size": i % 3, "tags": []any{[]string{"a", "b"}[i%2], "c"}}
		apptest.Product(t, e, admin, id, "list", map[string]any{"Name": fmt.Sprintf("item %d", 100-i), "Active": i%5 != 4, "xp": xp})
		switch {
		case i < 16: // the buyer's own catalog
			apptest.InCatalog(t, e, admin, "b1", id)
		case i < 22: // a category of cat opened to the user's group
			apptest.InCatalog(t, e, admin, "cat", id)
			apptest.Must(t, e, "POST", "/v1/catalogs/cat/categories/productassignments", admin, map[string]any{"CategoryID": "tools", "ProductID": id}, 204)
		case i < 25: // assigned to the company within cat
			apptest.InCatalog(t, e, admin, "cat", id)
			apptest.Must(t, e, "POST", "/v1/products/assignments", admin, map[string]any{"ProductID": id, "BuyerID": "b1"}, 204)
		default: // seen by no one: red products the buyer must not pay to skip
		}
	}

	// Through the buyer's catalog alone (one visibility key), the green
	// products it sees are one partition: the page's documents and a few
	// keys, not every green product.
	e.Store.Calls.Reset()
	r := apptest.Must(t, e, "GET", "/v1/me/products?catalogID=b1&xp.color=green&pageSize=2", s.Token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"p03", "p07"}) || r.S("Meta.TotalCount") != "4" {
		t.Errorf("green in b1: %v %v", got, r.Body["Meta"])
	}
	// Without the tuple: 44 items (every green product's row).
	if docs, items := e.Store.Calls.Docs(), e.Store.Calls.Items(); docs > 2+6 || items > 30 {
		t.Errorf("green in b1, a page of 2: read %d documents, %d items", docs, items)
	}

	// Products whose xp is too large for the indexes are listed in
	// overflow partitions, and still found.
	big := map[string]any{"color": "green", "size": 1, "tags": []any{"b", "c"}}
	for k := range 20 { // more xp paths than the index keeps
		big[fmt.Sprintf("k%02d", k)] = k
	}
	apptest.Must(t, e, "PATCH", "/v1/products/p07", admin, map[string]any{"xp": big}, 200)
	var many []any
	for k := range 30 { // more xp values than the visibility tuple keeps
		many = append(many, fmt.Sprintf("t%d", k))
	}
	apptest.Must(t, e, "PATCH", "/v1/products/p10", admin, map[string]any{"xp": map[string]any{"color": "blue", "tags": append(many, "a")}}, 200)

	var visible []api.Doc
	r = apptest.Must(t, e, "GET", "/v1/me/products?pageSize=100", s.Token, nil, 200)
	for _, it := range r.Body["Items"].([]any) {
		b, _ := json.Marshal(it)
		d, err := api.DecodeDoc(b)
		if err != nil {
			t.Fatal(err)
		}
		visible = append(visible, d)
	}
	if len(visible) < 15 {
		t.Fatalf("the buyer sees %d products", len(visible))
	}
	op, _ := contract.Op("Me.ListProducts")
	spec := resource.ListSpec(op, contract.ModelByName("BuyerProduct"))
	for _, q := range []string{
		"xp.color=red", "xp.Color=RED", "xp.color=red|blue", "xp.color=red&pageSize=2&page=2", "xp.color=red&sortBy=!ID",
		"xp.color=red&sortBy=Name", "xp.tags=a", "xp.tags=a|b", "xp.size=2", "xp.size=2&xp.color=blue", "xp.k05=5", "xp.tags=t7", "xp.color=green&sortBy=!Name",
		"xp.color=!red", "xp.color=red&search=item", "xp.color=red&ID=>p03", "xp.color=green&pageSize=3",
		"search=item", "search=item&pageSize=4&page=3", "search=item 9&searchType=AllTermsAnyField", "search=99&sortBy=!Name",
		"search=item&sortBy=ID&Active=true",
	} {
		listMatches(t, e, "/v1/me/products", s.Token, spec, visible, q)
	}
}

// A buyer's word search checks what the buyer sees on the rows of the
// visibility pair's items, not on the documents of every product holding
// the word: of 10 lamps the buyer sees 2, and only their documents are
// read.
func TestMeProductSearchReadsVisibleDocuments(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	for i := range 52 {
		id := fmt.Sprintf("p%02d", i)
		name := "item"
		if i < 10 {
			name = "lamp"
		}
		apptest.Product(t, e, admin, id, "list", map[string]any{"Name": name, "Active": true})
		if i < 2 || i >= 10 { // lamps p02-p09 are seen by no one
			apptest.InCatalog(t, e, admin, "b1", id)
		}
	}
	e.Store.Calls.Reset()
	r := apptest.Must(t, e, "GET", "/v1/me/products?search=lamp", s.Token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"p00", "p01"}) || r.S("Meta.TotalCount") != "2" {
		t.Errorf("lamps: %v %v", got, r.Body["Meta"])
	}
	// The page's 2 documents and the 3 any storefront page reads; not the
	// 8 unseen lamps' (13 documents when they were read).
	if docs := e.Store.Calls.Docs(); docs > 5 {
		t.Errorf("lamps: read %d documents", docs)
	}
}

// listMatches asks path for the list query q as token, and checks the
// answer against applying q to docs in the test: the same items in the
// same order, and the same meta.
func listMatches(t *testing.T, e *apptest.Env, path, token string, spec api.ListSpec, docs []api.Doc, q string) {
	t.Helper()
	vals, _ := url.ParseQuery(q)
	lq, aerr := api.ParseList(vals, spec)
	if aerr != nil {
		t.Fatalf("%s: %v", q, aerr)
	}
	want, meta := lq.Apply(slices.Clone(docs))
	wantIDs := []string{}
	for _, d := range want {
		wantIDs = append(wantIDs, api.Str(d, "ID"))
	}
	r := apptest.Must(t, e, "GET", path+"?"+vals.Encode(), token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, wantIDs) {
		t.Errorf("%s:\n got %v\nwant %v", q, got, wantIDs)
	}
	if r.S("Meta.TotalCount") != fmt.Sprint(meta.TotalCount) || r.S("Meta.TotalPages") != fmt.Sprint(meta.TotalPages) ||
		r.S("Meta.ItemRange.0") != fmt.Sprint(meta.ItemRange[0]) || r.S("Meta.ItemRange.1") != fmt.Sprint(meta.ItemRange[1]) {
		t.Errorf("%s: meta %s, want %+v", q, r.Raw[:min(len(r.Raw), 160)], meta)
	}
}
