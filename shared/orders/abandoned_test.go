package orders_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// orderKey is the store key of an order.
func orderKey(e *apptest.Env, id string) store.Key {
	return e.App.Registry().Resource("Orders").Key(nil, id)
}

// orderExpires reads the time to live of an order's item.
func orderExpires(t *testing.T, e *apptest.Env, id string) int64 {
	t.Helper()
	it, err := e.Store.Get(context.Background(), orderKey(e, id))
	if err != nil {
		t.Fatal(err)
	}
	return it.Expires
}

// wantAbout checks an expiry is d after now (within a minute).
func wantAbout(t *testing.T, what string, got int64, d time.Duration) {
	t.Helper()
	want := time.Now().Add(d).Unix()
	if got < want-60 || got > want+60 {
		t.Errorf("%s: expires %v, want about %v", what, time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
	}
}

// An unsubmitted order expires a day after its last change while empty,
// 90 days once it has line items; submitting clears it.
func TestAbandonedOrderExpiry(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	id := s.NewOrder(t, s.Token)
	wantAbout(t, "empty order", orderExpires(t, s.E, id), 24*time.Hour)
	line := s.AddLine(t, s.Token, id, "p1", 1)
	wantAbout(t, "order with a line", orderExpires(t, s.E, id), 90*24*time.Hour)
	apptest.Must(t, s.E, "DELETE", apptest.Outgoing+"/"+id+"/lineitems/"+line.S("ID"), s.Token, nil, 204)
	wantAbout(t, "emptied order", orderExpires(t, s.E, id), 24*time.Hour)
	s.AddLine(t, s.Token, id, "p1", 1)
	apptest.Submitted(t, s.E.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if got := orderExpires(t, s.E, id); got != 0 {
		t.Errorf("submitted order expires at %d", got)
	}
}

// An anonymous shopper's order with line items lasts a week.
func TestAbandonedAnonymousOrderExpiry(t *testing.T) {
	t.Parallel()
	s, client := anonShop(t)
	tok := anonToken(t, s.E, client).S("access_token")
	r := apptest.Must(t, s.E, "POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1", "Quantity": 1}, 201)
	id := apptest.Must(t, s.E, "GET", "/v1/cart", tok, nil, 200).S("ID")
	if id == "" {
		t.Fatalf("no cart after %s", r.Raw)
	}
	wantAbout(t, "anonymous order", orderExpires(t, s.E, id), 7*24*time.Hour)
}

// expire makes an order's time to live past, as if abandoned long ago
// (DynamoDB Local never deletes it).
func expire(t *testing.T, e *apptest.Env, id string) {
	t.Helper()
	ctx := context.Background()
	it, err := e.Store.Get(ctx, orderKey(e, id))
	if err != nil {
		t.Fatal(err)
	}
	it.Expires = time.Now().Add(-time.Minute).Unix()
	if _, err := e.Store.Put(ctx, it, store.IfVersion); err != nil {
		t.Fatal(err)
	}
}

// An order past its time to live is gone for readers before DynamoDB
// deletes it: Get, changes, lists and the cart.
func TestExpiredOrderIsGone(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	kept := s.NewOrder(t, s.Token)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	if got := apptest.Must(t, s.E, "GET", "/v1/cart", s.Token, nil, 200).S("ID"); got != id {
		t.Fatalf("cart %s, want %s", got, id)
	}
	expire(t, s.E, id)
	apptest.WantErr(t, s.E.Do("GET", apptest.Outgoing+"/"+id, s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, s.E.Do("GET", "/v1/orders/Incoming/"+id, s.Admin, nil), 404, "NotFound")
	apptest.WantErr(t, s.E.Do("PATCH", apptest.Outgoing+"/"+id, s.Token, map[string]any{"Comments": "x"}), 404, "NotFound")
	apptest.WantErr(t, s.E.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ProductID": "p1", "Quantity": 1}), 404, "NotFound")
	if ids := apptest.IDs(apptest.Must(t, s.E, "GET", "/v1/me/orders?IsSubmitted=false", s.Token, nil, 200)); len(ids) != 1 || ids[0] != kept {
		t.Errorf("my unsubmitted orders: %v, want [%s]", ids, kept)
	}
	if got := apptest.Must(t, s.E, "GET", "/v1/cart", s.Token, nil, 200).S("ID"); got == id {
		t.Errorf("the cart is the expired order")
	}
}

// When DynamoDB's time to live deletes an abandoned order, the stream's
// REMOVE record has its line items, cart entry, index items and counts
// cleaned up, once however often the record comes.
func TestExpiredOrderCleanup(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	ctx := context.Background()
	kept := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, kept, "p1", 1)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	s.AddLine(t, s.Token, id, "p1", 2)
	unsubmitted := func(token, path string) string {
		return apptest.Must(t, s.E, "GET", path+"?IsSubmitted=false", token, nil, 200).S("Meta.TotalCount")
	}
	if n := unsubmitted(s.Admin, "/v1/orders/Incoming"); n != "2" {
		t.Fatalf("incoming unsubmitted: %s, want 2", n)
	}
	// DynamoDB removes the expired order (the stream's old image is the
	// item as it was).
	gone, err := s.E.Store.Get(ctx, orderKey(s.E, id))
	if err != nil {
		t.Fatal(err)
	}
	if len(gone.Index) == 0 {
		t.Fatal("order item lists no index entries")
	}
	if err := s.E.Store.Delete(ctx, orderKey(s.E, id), store.Always); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a redelivered record changes nothing more
		if err := s.E.App.CleanupExpired(ctx, gone); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := s.E.Store.Query(ctx, store.Query{PK: s.E.App.Registry().Resource("LineItems").PK(id)})
	if err != nil || len(lines) != 0 {
		t.Errorf("line items left: %d %v", len(lines), err)
	}
	for _, path := range []string{"/v1/orders/Incoming", "/v1/orders/All"} {
		if n := unsubmitted(s.Admin, path); n != "1" {
			t.Errorf("%s unsubmitted after cleanup: %s, want 1", path, n)
		}
	}
	if n := unsubmitted(s.Token, "/v1/me/orders"); n != "1" {
		t.Errorf("my unsubmitted orders after cleanup: %s, want 1", n)
	}
	if ids := apptest.IDs(apptest.Must(t, s.E, "GET", "/v1/orders/Incoming?IsSubmitted=false&search="+id, s.Admin, nil, 200)); len(ids) != 0 {
		t.Errorf("search still finds the order: %v", ids)
	}
	if got := apptest.Must(t, s.E, "GET", "/v1/cart", s.Token, nil, 200).S("ID"); got != kept {
		t.Errorf("cart %s, want %s", got, kept)
	}
	cart, err := s.E.Store.Query(ctx, store.Query{PK: "Cart#b1#u1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range cart {
		if strings.HasSuffix(it.SK, "#"+id) {
			t.Errorf("cart entry left: %s", it.SK)
		}
	}
	// Index items of the order: none left under any list partition.
	if n := apptest.Must(t, s.E, "GET", "/v1/orders/Incoming?IsSubmitted=false&sortBy=!DateCreated", s.Admin, nil, 200); n.S("Meta.TotalCount") != "1" || n.S("Items.0.ID") != kept {
		t.Errorf("sorted list: %s", n.Raw)
	}
}
