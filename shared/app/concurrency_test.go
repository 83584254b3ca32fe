package app_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// parallel sends n requests at once and returns their responses.
func parallel(n int, send func(i int) apptest.Resp) []apptest.Resp {
	out := make([]apptest.Resp, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = send(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

// Concurrent writes to one object succeed (the engine tries a losing
// write again) or, when retrying cannot help, answer 409 — never a 500 —
// and nothing is lost: the order's totals count exactly the lines created.
func TestConcurrentWritesToOneObject(t *testing.T) {
	t.Parallel()
	s := orderShop(t)
	e := s.e
	id := s.newOrder(t, s.token)

	lines := parallel(20, func(i int) apptest.Resp {
		return e.Do("POST", outgoing+"/"+id+"/lineitems", s.token, map[string]any{"ID": fmt.Sprintf("line%d", i), "ProductID": "p1", "Quantity": 1})
	})
	created := 0
	for i, r := range lines {
		switch r.Status {
		case 201:
			created++
		case 409:
			if r.Code() != "Conflict" {
				t.Errorf("line %d: %d %s", i, r.Status, r.Raw)
			}
		default:
			t.Errorf("line %d: %d %s", i, r.Status, r.Raw)
		}
	}
	o := must(t, e, "GET", outgoing+"/"+id, s.token, nil, 200)
	list := must(t, e, "GET", outgoing+"/"+id+"/lineitems?pageSize=100", s.token, nil, 200)
	// Each line is one unit at 10.
	if o.S("LineItemCount") != strconv.Itoa(created) || list.S("Meta.TotalCount") != strconv.Itoa(created) ||
		o.S("Subtotal") != strconv.Itoa(10*created) {
		t.Errorf("%d lines created; order LineItemCount=%s Subtotal=%s, %s lines listed", created, o.S("LineItemCount"), o.S("Subtotal"), list.S("Meta.TotalCount"))
	}
	t.Logf("%d of 20 concurrent line items created", created)
	if created < 18 {
		t.Errorf("only %d of 20 concurrent line items were created", created)
	}

	patched := 0
	patches := parallel(10, func(i int) apptest.Resp {
		return e.Do("PATCH", "/v1/products/p1", s.admin, map[string]any{"xp": map[string]any{fmt.Sprintf("k%d", i): i}})
	})
	for i, r := range patches {
		switch r.Status {
		case 200:
			patched++
		case 409:
		default:
			t.Errorf("patch %d: %d %s", i, r.Status, r.Raw)
		}
	}
	t.Logf("%d of 10 concurrent patches applied", patched)
	p := must(t, e, "GET", "/v1/products/p1", s.admin, nil, 200)
	xp, _ := p.Get("xp").(map[string]any)
	if len(xp) != patched || patched < 9 {
		t.Errorf("%d of 10 patches succeeded, xp holds %d keys: %v", patched, len(xp), xp)
	}
}
