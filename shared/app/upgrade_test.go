package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

// A table written before list indexes, shards, assignment index keys and
// product membership existed is brought up to date by Upgrade: the lists
// answer as before (same items, same counts), and a second run changes
// nothing.
func TestUpgradeBackfillsIndexes(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	ctx := context.Background()
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", s.Admin, map[string]any{"ID": "tools", "Name": "Tools", "Active": true}, 201)
	for i := range 6 {
		id := fmt.Sprintf("q%d", i)
		apptest.Product(t, e, s.Admin, id, "breaks", map[string]any{"xp": map[string]any{"color": []string{"red", "blue"}[i%2]}})
		apptest.InCatalog(t, e, s.Admin, "b1", id)
	}
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/productassignments", s.Admin, map[string]any{"CategoryID": "tools", "ProductID": "q0"}, 204)
	apptest.Must(t, e, "POST", "/v1/products/assignments", s.Admin, map[string]any{"ProductID": "q1", "BuyerID": "b1", "PriceScheduleID": "breaks"}, 204)
	for range 3 {
		o := s.NewOrder(t, s.Token)
		s.AddLine(t, s.Token, o, "p1", 1)
	}
	lists := []struct{ path, token string }{
		{"/v1/products?pageSize=5", s.Admin}, {"/v1/products?xp.color=red", s.Admin}, {"/v1/products?search=product", s.Admin},
		{"/v1/me/products", s.Token}, {"/v1/me/products?categoryID=tools", s.Token}, {"/v1/me/products/q0", s.Token},
		{"/v1/orders/Incoming", s.Admin}, {"/v1/me/orders", s.Token}, {"/v1/buyers/b1/users", s.Admin}, {"/v1/cart", s.Token},
	}
	before := map[string]string{}
	for _, l := range lists {
		before[l.path] = apptest.Must(t, e, "GET", l.path, l.token, nil, 200).Raw
	}

	oldFormat(t, e.Store)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/products", s.Token, nil, 200)); len(got) != 0 {
		t.Fatalf("the old format should hide membership: %v", got)
	}

	rep, err := e.App.Upgrade(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("upgrade: %+v", rep)
	// Extras: three carts, and buyer b1's company ID reservation.
	if rep.Generations == 0 || rep.Indexed == 0 || rep.Moved != 3 || rep.Reindexed == 0 || rep.Memberships == 0 || rep.Extras != 4 {
		t.Errorf("first upgrade: %+v", rep)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers", s.Admin, map[string]any{"ID": "b1", "Name": "Taken", "Active": true}), 409, "IdExists")
	for _, l := range lists {
		if got := apptest.Must(t, e, "GET", l.path, l.token, nil, 200).Raw; got != before[l.path] {
			t.Errorf("%s after the upgrade:\n%s\nbefore:\n%s", l.path, got, before[l.path])
		}
	}
	again, err := e.App.Upgrade(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Generations+again.Indexed+again.Moved+again.Reindexed+again.Memberships+again.Extras != 0 {
		t.Errorf("second upgrade changed things: %+v", again)
	}
	for _, l := range lists {
		if got := apptest.Must(t, e, "GET", l.path, l.token, nil, 200).Raw; got != before[l.path] {
			t.Errorf("%s after a second upgrade differs", l.path)
		}
	}
}

// oldFormat rewrites a table as the version before list indexes wrote it:
// no index items or tallies, no index entries on entities, orders under one
// partition, no assignment index keys, no generations or membership, no
// cart index, no company ID reservations.
func oldFormat(t *testing.T, st *dynamo.Store) {
	t.Helper()
	ctx := context.Background()
	var items []store.Item
	if err := st.Scan(ctx, func(page []store.Item) error { items = append(items, page...); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		k := store.Key{PK: it.PK, SK: it.SK}
		switch {
		case it.Type == store.IndexItemType || strings.HasPrefix(it.PK, "Tally#") || strings.HasPrefix(it.PK, "Cart#") || it.PK == "CompanyID":
			if err := st.Delete(ctx, k, store.Always); err != nil {
				t.Fatal(err)
			}
			continue
		case strings.HasPrefix(it.PK, "Asg#"):
			it.GSI1PK, it.GSI1SK, it.GSI2PK, it.GSI2SK = "", "", "", ""
		case it.Type == "Catalog" || it.Type == "Category" || it.Type == "Product":
			var d map[string]any
			if err := json.Unmarshal(it.Doc, &d); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"_gen", "_catalogs", "_categories", "_assigned", "_vis"} {
				delete(d, f)
			}
			it.Doc, _ = json.Marshal(d)
		}
		it.Index = nil
		if it.Type == "Order" {
			if err := st.Delete(ctx, k, store.Always); err != nil {
				t.Fatal(err)
			}
			it.PK = "Order"
		}
		it.Version--
		if _, err := st.Put(ctx, it, store.Always); err != nil {
			t.Fatal(err)
		}
	}
}

// An index a later version declares (the orders' FromCompanyID+ToCompanyID
// tuples) is backfilled on entities indexed before it existed: the lists
// it serves answer as before, and a second run changes nothing.
func TestUpgradeAddsDeclaredIndexes(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	ctx := context.Background()
	for range 3 {
		o := s.NewOrder(t, s.Token)
		s.AddLine(t, s.Token, o, "p1", 1)
	}
	path := "/v1/orders/Incoming?buyerID=b1&IsSubmitted=false"
	before := apptest.Must(t, e, "GET", path, s.Admin, nil, 200)
	if before.S("Meta.TotalCount") != "3" {
		t.Fatalf("before: %s", before.Raw)
	}

	// As the version before the tuple wrote the table: no index items or
	// tallies of it, no entries for it on the orders.
	const tuple = "FromCompanyID+ToCompanyID"
	var items []store.Item
	if err := e.Store.Scan(ctx, func(page []store.Item) error { items = append(items, page...); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		k := store.Key{PK: it.PK, SK: it.SK}
		switch {
		case (it.Type == store.IndexItemType && strings.Contains(it.PK, tuple)) || (strings.HasPrefix(it.PK, "Tally#") && strings.Contains(it.SK, tuple)):
			if err := e.Store.Delete(ctx, k, store.Always); err != nil {
				t.Fatal(err)
			}
		case it.Type == "Order":
			var kept []string
			for _, en := range it.Index {
				if !strings.Contains(en, tuple) {
					kept = append(kept, en)
				}
			}
			if len(kept) == len(it.Index) {
				t.Fatalf("order %s has no %s entries: %q", it.SK, tuple, it.Index)
			}
			it.Index = kept
			it.Version--
			if _, err := e.Store.Put(ctx, it, store.Always); err != nil {
				t.Fatal(err)
			}
		}
	}
	if l := apptest.Must(t, e, "GET", path, s.Admin, nil, 200); len(apptest.IDs(l)) != 0 {
		t.Fatalf("without the tuple's index the list should be empty: %s", l.Raw)
	}

	rep, err := e.App.Upgrade(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 3 {
		t.Errorf("upgrade: %+v, want the 3 orders indexed", rep)
	}
	if got := apptest.Must(t, e, "GET", path, s.Admin, nil, 200).Raw; got != before.Raw {
		t.Errorf("after the upgrade:\n%s\nbefore:\n%s", got, before.Raw)
	}
	again, err := e.App.Upgrade(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Generations+again.Indexed+again.Moved+again.Reindexed+again.Memberships+again.Extras != 0 {
		t.Errorf("second upgrade changed things: %+v", again)
	}
}
