package orders_test

import (
	"context"
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
