package marketplace_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Concurrent creates with an incrementor placeholder get distinct,
// consecutive, padded numbers; LastNumber reads back as the count handed
// out; setting LastNumber restarts the sequence from there.
func TestIncrementorFillsIDsAtomically(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/incrementors", admin, map[string]any{"ID": "prodInc", "Name": "Products", "LastNumber": 0, "LeftPaddingCount": 4}, 201)

	const n = 16
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": "P-{prodInc}", "Name": "Concurrent"})
			if r.Status != 201 {
				t.Errorf("create %d: %d %s", i, r.Status, r.Raw)
			}
			got[i] = r.S("ID")
		}()
	}
	wg.Wait()
	slices.Sort(got)
	for i, id := range got {
		if want := fmt.Sprintf("P-%04d", i+1); id != want {
			t.Fatalf("IDs %v: position %d is %q, want %q", got, i, id, want)
		}
	}
	apptest.Must(t, e, "GET", "/v1/products/P-0016", admin, nil, 200)
	if r := apptest.Must(t, e, "GET", "/v1/incrementors/prodInc", admin, nil, 200); r.S("LastNumber") != "16" {
		t.Errorf("LastNumber = %s, want 16", r.S("LastNumber"))
	}

	// Patching LastNumber sets where the sequence continues; patching
	// another field keeps the count.
	apptest.Must(t, e, "PATCH", "/v1/incrementors/prodInc", admin, map[string]any{"LastNumber": 100}, 200)
	apptest.Must(t, e, "PATCH", "/v1/incrementors/prodInc", admin, map[string]any{"Name": "Renamed"}, 200)
	if r := apptest.Must(t, e, "POST", "/v1/products", admin, map[string]any{"ID": "X{prodInc}", "Name": "After"}, 201); r.S("ID") != "X0101" {
		t.Errorf("after LastNumber 100 got %s, want X0101", r.S("ID"))
	}

	// Orders use the same placeholders ("SO-{orderIncrementor}").
	apptest.Must(t, e, "POST", "/v1/incrementors", admin, map[string]any{"ID": "orderIncrementor", "LastNumber": 41, "LeftPaddingCount": 0}, 201)
	if r := apptest.Must(t, e, "POST", apptest.Outgoing, s.Token, map[string]any{"ID": "SO-{orderIncrementor}"}, 201); r.S("ID") != "SO-42" {
		t.Errorf("order ID %s, want SO-42", r.S("ID"))
	}

	// An unknown incrementor is a 404 naming it; a lone brace is invalid.
	r := e.Do("POST", "/v1/products", admin, map[string]any{"ID": "P-{nope}", "Name": "x"})
	apptest.WantErr(t, r, 404, "NotFound")
	if r.S("Errors.0.Data.ObjectID") != "nope" {
		t.Errorf("404 data: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/products", admin, map[string]any{"ID": "P-{", "Name": "x"}), 400, "ValidationFailure")
}
