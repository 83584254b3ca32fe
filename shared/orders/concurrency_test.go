package orders_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Concurrent writes to one object succeed (the engine tries a losing
// write again) or, when retrying cannot help, answer 409 — never a 500 —
// and nothing is lost: the order's totals count exactly the lines created.
func TestConcurrentWritesToOneObject(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	id := s.NewOrder(t, s.Token)

	lines := apptest.Parallel(20, func(i int) apptest.Resp {
		return e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ID": fmt.Sprintf("line%d", i), "ProductID": "p1", "Quantity": 1})
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
	o := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id, s.Token, nil, 200)
	list := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems?pageSize=100", s.Token, nil, 200)
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
	patches := apptest.Parallel(10, func(i int) apptest.Resp {
		return e.Do("PATCH", "/v1/products/p1", s.Admin, map[string]any{"xp": map[string]any{fmt.Sprintf("k%d", i): i}})
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
	p := apptest.Must(t, e, "GET", "/v1/products/p1", s.Admin, nil, 200)
	xp, _ := p.Get("xp").(map[string]any)
	if len(xp) != patched || patched < 9 {
		t.Errorf("%d of 10 patches succeeded, xp holds %d keys: %v", patched, len(xp), xp)
	}
}
