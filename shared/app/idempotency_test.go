package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func withKey(key string) http.Header { return http.Header{"Idempotency-Key": {key}} }

// myUnsubmitted counts the caller's unsubmitted orders.
func myUnsubmitted(t *testing.T, s *apptest.Shop, token string) string {
	t.Helper()
	return apptest.Must(t, s.E, "GET", "/v1/me/orders?IsSubmitted=false", token, nil, 200).S("Meta.TotalCount")
}

// A retried create with the same key and body answers the first response
// again and creates nothing more; another body under the key is refused.
func TestIdempotentCreateReplays(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	body := map[string]any{"Comments": "first"}
	first := s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("k-1"), body).Must(t, 201)
	again := s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("k-1"), body).Must(t, 201)
	if again.S("ID") != first.S("ID") || again.Raw != first.Raw {
		t.Fatalf("replay differs:\n%s\n%s", first.Raw, again.Raw)
	}
	if again.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("replayed header: first %q, again %q", first.Header.Get("Idempotent-Replayed"), again.Header.Get("Idempotent-Replayed"))
	}
	if n := myUnsubmitted(t, s, s.Token); n != "1" {
		t.Fatalf("orders after replay: %s, want 1", n)
	}
	other := s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("k-1"), map[string]any{"Comments": "second"})
	apptest.WantErr(t, other, 409, "IdempotencyKey.Reused")
	// The same body on another path is another request.
	apptest.WantErr(t, s.E.DoWith("POST", apptest.Outgoing+"/"+first.S("ID")+"/lineitems", s.Token, withKey("k-1"), body), 409, "IdempotencyKey.Reused")
	// Without a key, or with a new one, a create runs.
	s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("k-2"), body).Must(t, 201)
	s.E.Do("POST", apptest.Outgoing, s.Token, body).Must(t, 201)
	if n := myUnsubmitted(t, s, s.Token); n != "3" {
		t.Fatalf("orders: %s, want 3", n)
	}
}

// A refusal is replayed too: the retry does not run again.
func TestIdempotentRefusalReplays(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	orderID := s.NewOrder(t, s.Token)
	path := apptest.Outgoing + "/" + orderID + "/lineitems"
	bad := map[string]any{"ProductID": "nope", "Quantity": 1}
	first := s.E.DoWith("POST", path, s.Token, withKey("line"), bad)
	if first.Status != 400 && first.Status != 404 {
		t.Fatalf("unknown product: %d %s", first.Status, first.Raw)
	}
	again := s.E.DoWith("POST", path, s.Token, withKey("line"), bad)
	if again.Status != first.Status || again.Raw != first.Raw || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("refusal not replayed: %d %s", again.Status, again.Raw)
	}
}

// Keys belong to their caller: another user sending the same key and
// body runs its own request.
func TestIdempotencyKeysPerCaller(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	apptest.BuyerUser(t, s.E, s.Admin, s.Buyer, "u2", "shopper-two")
	u2 := s.Login("shopper-two", "Shopper", "MeAdmin")
	body := map[string]any{}
	a := s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("shared"), body).Must(t, 201)
	b := s.E.DoWith("POST", apptest.Outgoing, u2, withKey("shared"), body).Must(t, 201)
	if a.S("ID") == b.S("ID") || b.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("u2 got u1's answer: %s", b.Raw)
	}
	if a.S("FromUserID") != "u1" || b.S("FromUserID") != "u2" {
		t.Fatalf("FromUserID %s / %s", a.S("FromUserID"), b.S("FromUserID"))
	}
}

// Concurrent requests with one key create one object: the others replay
// its answer, or are told it is still running.
func TestIdempotentConcurrentCreates(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	rs := apptest.Parallel(8, func(int) apptest.Resp {
		return s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("race"), map[string]any{})
	})
	id := ""
	for _, r := range rs {
		switch {
		case r.Status == 201 && (id == "" || r.S("ID") == id):
			id = r.S("ID")
		case r.Status == 409 && r.Code() == "IdempotencyKey.InProgress":
		default:
			t.Fatalf("concurrent create: %d %s", r.Status, r.Raw)
		}
	}
	if id == "" {
		t.Fatal("no request created the order")
	}
	if n := myUnsubmitted(t, s, s.Token); n != "1" {
		t.Fatalf("orders: %s, want 1", n)
	}
}

// Keys are bounded; reads ignore the header.
func TestIdempotencyKeyBounds(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	apptest.WantErr(t, s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey(strings.Repeat("k", 256)), map[string]any{}), 400, "IdempotencyKey.Invalid")
	s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey(strings.Repeat("k", 255)), map[string]any{}).Must(t, 201)
	id := s.NewOrder(t, s.Token)
	for range 2 {
		r := s.E.DoWith("GET", apptest.Outgoing+"/"+id, s.Token, withKey("read"), nil).Must(t, 200)
		if r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatal("a read was replayed")
		}
	}
	// A read with a key leaves it free for a create.
	s.E.DoWith("POST", apptest.Outgoing, s.Token, withKey("read"), map[string]any{}).Must(t, 201)
}
