package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/localdynamo"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

func TestMain(m *testing.M) {
	if os.Getenv("DYNAMODB_ENDPOINT") == "" {
		in, err := localdynamo.Start(context.Background(), localdynamo.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Setenv("DYNAMODB_ENDPOINT", in.Endpoint)
		code := m.Run()
		in.Stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func newStore(t *testing.T) *dynamo.Store {
	t.Helper()
	ctx := context.Background()
	c, err := dynamo.NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("store_%s_%d", t.Name(), time.Now().UnixNano())
	if _, err := dynamo.EnsureStreamlessTable(ctx, c, name); err != nil {
		t.Fatal(err)
	}
	return dynamo.New(c, name)
}

func TestConditionsAndVersions(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	it := store.Item{PK: "Product", SK: "p1", Type: "Product", ID: "p1", Doc: []byte(`{"ID":"p1","Price":0.10}`)}
	v, err := st.Put(ctx, it, store.IfAbsent)
	if err != nil || v != 1 {
		t.Fatal(v, err)
	}
	if _, err := st.Put(ctx, it, store.IfAbsent); !errors.Is(err, store.ErrConflict) {
		t.Fatal("create over an existing item must conflict", err)
	}
	got, err := st.Get(ctx, store.Key{PK: "Product", SK: "p1"})
	if err != nil || string(got.Doc) != `{"ID":"p1","Price":0.10}` || got.Version != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := st.Put(ctx, got, store.IfVersion); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, got, store.IfVersion); !errors.Is(err, store.ErrConflict) {
		t.Fatal("stale version must conflict", err)
	}
	if _, err := st.Get(ctx, store.Key{PK: "Product", SK: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		st.Put(ctx, store.Item{PK: "Product", SK: fmt.Sprintf("q%d", i), Doc: []byte(`{}`)}, store.Always)
	}
	items, err := st.Query(ctx, store.Query{PK: "Product", SKPrefix: "q"})
	if err != nil || len(items) != 5 || items[0].SK != "q0" {
		t.Fatal(len(items), err)
	}
	m, err := st.BatchGet(ctx, []store.Key{{PK: "Product", SK: "q1"}, {PK: "Product", SK: "missing"}})
	if err != nil || len(m) != 1 {
		t.Fatal(m, err)
	}
}

func TestTransactStockAndConflictIndex(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	stock := int64(3)
	st.Put(ctx, store.Item{PK: "Product", SK: "p", Doc: []byte(`{}`), Stock: &stock}, store.Always)
	order := store.Item{PK: "Order", SK: "o", Doc: []byte(`{}`)}
	ok := []store.Op{{Put: &order, Cond: store.IfAbsent}, {Decrement: &store.Key{PK: "Product", SK: "p"}, Amount: 2}}
	if err := st.Transact(ctx, ok); err != nil {
		t.Fatal(err)
	}
	order2 := store.Item{PK: "Order", SK: "o2", Doc: []byte(`{}`)}
	err := st.Transact(ctx, []store.Op{{Put: &order2, Cond: store.IfAbsent}, {Decrement: &store.Key{PK: "Product", SK: "p"}, Amount: 2}})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Index != 1 {
		t.Fatalf("want conflict on op 1, got %v", err)
	}
	if _, err := st.Get(ctx, store.Key{PK: "Order", SK: "o2"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a failed transaction must write nothing")
	}
	p, _ := st.Get(ctx, store.Key{PK: "Product", SK: "p"})
	if *p.Stock != 1 {
		t.Fatal(*p.Stock)
	}
	if err := st.Transact(ctx, []store.Op{{Decrement: &store.Key{PK: "Product", SK: "p"}, Amount: 5, Floorless: true}}); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Get(ctx, store.Key{PK: "Product", SK: "p"}); *p.Stock != -4 {
		t.Fatal(*p.Stock)
	}
	n, err := st.Increment(ctx, store.Key{PK: "Counter", SK: "c"}, 1)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
}

// Writes the table cannot hold are refused with ErrTooLarge before they
// are sent (DynamoDB's validation error would surface as a 500); reads of
// keys no item can have find nothing.
// A tally with a ceiling counts only up to it, and a transaction holding
// one that would pass it writes nothing.
func TestTallyCeiling(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	k := store.Key{PK: "Limited", SK: "*"}
	two := int64(2)
	for i := range 2 {
		if err := st.Transact(ctx, []store.Op{{Tally: &k, Amount: 1, Ceiling: &two}}); err != nil {
			t.Fatal(i, err)
		}
	}
	order := store.Item{PK: "Order", SK: "o", Doc: []byte(`{}`)}
	err := st.Transact(ctx, []store.Op{{Put: &order, Cond: store.IfAbsent}, {Tally: &k, Amount: 1, Ceiling: &two}})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Index != 1 {
		t.Fatalf("want conflict on op 1, got %v", err)
	}
	if _, err := st.Get(ctx, store.Key{PK: "Order", SK: "o"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a failed transaction must write nothing")
	}
	if got, _ := st.Tallies(ctx, []store.Key{k}); got[k] != 2 {
		t.Fatal(got)
	}
	// A ceiling below the amount refuses even a counter never written.
	zero, fresh := int64(0), store.Key{PK: "Limited", SK: "none"}
	if err := st.Transact(ctx, []store.Op{{Tally: &fresh, Amount: 1, Ceiling: &zero}}); !errors.As(err, &ce) || ce.Index != 0 {
		t.Fatalf("ceiling 0: %v", err)
	}
	// Giving back is unconditional.
	if err := st.Transact(ctx, []store.Op{{Tally: &k, Amount: -1}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Tallies(ctx, []store.Key{k}); got[k] != 1 {
		t.Fatal(got)
	}
}

func TestSizeAndKeyBounds(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	doc := func(n int) []byte { return []byte(`{"x":"` + strings.Repeat("x", n) + `"}`) }
	long := func(n int) string { return strings.Repeat("k", n) }

	if _, err := st.Put(ctx, store.Item{PK: "P", SK: "fits", Doc: doc(300 * 1024)}, store.Always); err != nil {
		t.Fatalf("an item under MaxItemBytes is written: %v", err)
	}
	refused := []struct {
		name string
		it   store.Item
		what string
	}{
		{"doc over MaxItemBytes", store.Item{PK: "P", SK: "big", Doc: doc(store.MaxItemBytes)}, "item"},
		{"doc over DynamoDB's 400 KB", store.Item{PK: "P", SK: "huge", Doc: doc(600 * 1024)}, "item"},
		{"sort key over 1024 bytes", store.Item{PK: "P", SK: long(1025), Doc: doc(1)}, "SK"},
		{"partition key over 2048 bytes", store.Item{PK: long(2049), SK: "s", Doc: doc(1)}, "PK"},
		{"index sort key over 1024 bytes", store.Item{PK: "P", SK: "g", GSI1PK: "G", GSI1SK: long(1025), Doc: doc(1)}, "GSI1SK"},
	}
	for _, c := range refused {
		_, err := st.Put(ctx, c.it, store.Always)
		var tl *store.TooLargeError
		if !errors.Is(err, store.ErrTooLarge) || !errors.As(err, &tl) || tl.What != c.what {
			t.Errorf("Put %s: got %v, want ErrTooLarge of %s", c.name, err, c.what)
		}
		err = st.Transact(ctx, []store.Op{{Put: &store.Item{PK: "P", SK: "tx", Doc: doc(1)}}, {Put: &c.it}})
		if !errors.Is(err, store.ErrTooLarge) {
			t.Errorf("Transact %s: got %v, want ErrTooLarge", c.name, err)
		}
	}
	if _, err := st.Get(ctx, store.Key{PK: "P", SK: "tx"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused transaction writes nothing: %v", err)
	}
	if err := st.Delete(ctx, store.Key{PK: "P", SK: long(1025)}, store.Always); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("Delete of an over-long key: %v", err)
	}
	if _, err := st.Increment(ctx, store.Key{PK: long(2049), SK: "c"}, 1); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("Increment of an over-long key: %v", err)
	}

	for _, k := range []store.Key{{PK: "P", SK: long(1025)}, {PK: long(2049), SK: "s"}, {PK: "P", SK: ""}, {PK: "", SK: "s"}} {
		if _, err := st.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get of key %d/%d bytes: %v, want ErrNotFound", len(k.PK), len(k.SK), err)
		}
	}
	for _, q := range []store.Query{{PK: long(2049)}, {PK: ""}, {PK: "P", SKPrefix: long(1025)}, {Index: "GSI1", PK: long(2049)}} {
		if items, err := st.Query(ctx, q); err != nil || len(items) != 0 {
			t.Errorf("Query %d/%d bytes: %d items, %v", len(q.PK), len(q.SKPrefix), len(items), err)
		}
	}
	got, err := st.BatchGet(ctx, []store.Key{{PK: "P", SK: "fits"}, {PK: "P", SK: long(1025)}, {PK: "P", SK: ""}})
	if err != nil || len(got) != 1 {
		t.Errorf("BatchGet skips keys no item can have: %d items, %v", len(got), err)
	}
}

func TestCountsAndVersionedDelete(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	k := store.Key{PK: "Product", SK: "p"}
	if _, err := st.Put(ctx, store.Item{PK: k.PK, SK: k.SK, Doc: []byte(`{}`), Counts: map[string]int64{"SpecCount": 2}}, store.IfAbsent); err != nil {
		t.Fatal(err)
	}
	add := func(key store.Key, counts map[string]int64) error {
		return st.Transact(ctx, []store.Op{{Count: &key, Counts: counts}})
	}
	if err := add(k, map[string]int64{"SpecCount": 1, "VariantCount": 4}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get(ctx, k)
	if got.Counts["SpecCount"] != 3 || got.Counts["VariantCount"] != 4 || got.Version != 2 {
		t.Fatalf("counts %v version %d, want SpecCount 3, VariantCount 4 (added from none), version 2", got.Counts, got.Version)
	}
	// A count never creates an item.
	var ce *store.ConflictError
	if err := add(store.Key{PK: "Product", SK: "gone"}, map[string]int64{"SpecCount": -1}); !errors.As(err, &ce) || ce.Index != 0 {
		t.Fatalf("count on a missing item: %v", err)
	}
	if _, err := st.Get(ctx, store.Key{PK: "Product", SK: "gone"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a count created an item")
	}
	// A versioned delete fails once the item changed since it was read.
	stale := []store.Op{{Delete: &k, Cond: store.IfVersion, Version: 1}}
	if err := st.Transact(ctx, stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale versioned delete: %v", err)
	}
	if err := st.Transact(ctx, []store.Op{{Delete: &k, Cond: store.IfVersion, Version: 2}}); err != nil {
		t.Fatal(err)
	}
}

// Parallel transactions counting on one item all land: DynamoDB cancels
// a transaction that meets another on an item, and the store retries it.
func TestParallelCounts(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t), context.Background()
	k := store.Key{PK: "Product", SK: "p"}
	st.Put(ctx, store.Item{PK: k.PK, SK: k.SK, Doc: []byte(`{}`)}, store.IfAbsent)
	errs := make(chan error, 10)
	for i := range 10 {
		go func() {
			asg := store.Item{PK: "Asg", SK: fmt.Sprint(i), Doc: []byte(`{}`)}
			errs <- st.Transact(ctx, []store.Op{{Put: &asg, Cond: store.IfAbsent}, {Count: &k, Counts: map[string]int64{"SpecCount": 1}}})
		}()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if got, _ := st.Get(ctx, k); got.Counts["SpecCount"] != 10 {
		t.Errorf("SpecCount %d, want 10", got.Counts["SpecCount"])
	}
}
