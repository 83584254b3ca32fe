package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/localdynamo"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

// endpoint is DynamoDB Local's, started once for the package (or taken
// from DYNAMODB_ENDPOINT); skipReason is set when it is unavailable.
var endpoint, skipReason string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	endpoint = os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		if _, err := localdynamo.FindJar(""); err != nil {
			skipReason = err.Error()
			return m.Run()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		in, err := localdynamo.Start(ctx, localdynamo.Options{})
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting DynamoDB Local:", err)
			return 1
		}
		defer in.Stop()
		endpoint = in.Endpoint
	}
	return m.Run()
}

// syncBuffer is a log sink safe for the poller's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var tableSeq atomic.Int64

// pipeline creates a fresh table and runs the local event pipeline on it.
func pipeline(t *testing.T) (*dynamo.Store, <-chan events.Published, *syncBuffer) {
	t.Helper()
	if skipReason != "" {
		t.Skip("DynamoDB Local unavailable:", skipReason)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	table := fmt.Sprintf("events-it-%d-%d", time.Now().UnixNano(), tableSeq.Add(1))
	ddb, err := dynamo.NewClient(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dynamo.EnsureTable(ctx, ddb, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = ddb.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	streams, err := events.NewStreamsClient(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bus, err := events.RunLocal(ctx, ddb, streams, table, log)
	if err != nil {
		t.Fatal(err)
	}
	obs, stop := bus.Subscribe(64)
	t.Cleanup(stop)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("EVENTS_IT_LOG") != "" {
			t.Logf("pipeline log:\n%s", logs.String())
		}
	})
	return dynamo.New(ddb, table), obs, logs
}

// next waits for the next observed event.
func next(t *testing.T, obs <-chan events.Published) (events.Published, events.EntityDetail) {
	t.Helper()
	select {
	case p := <-obs:
		d, err := events.DecodeDetail(p.Envelope.Detail)
		if err != nil {
			t.Fatalf("detail %s: %v", p.Envelope.Detail, err)
		}
		return p, d
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	panic("unreachable")
}

func docField(t *testing.T, raw json.RawMessage, field string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("document %s: %v", raw, err)
	}
	return m[field]
}

func checkDelivered(t *testing.T, p events.Published, rule string) {
	t.Helper()
	if len(p.Deliveries) != 1 || p.Deliveries[0].Rule != rule || p.Deliveries[0].Target != events.TargetIntegrations ||
		p.Deliveries[0].Err != nil {
		t.Fatalf("%s deliveries %+v", p.Envelope.DetailType, p.Deliveries)
	}
}

func productLifecycle(t *testing.T) {
	st, obs, logs := pipeline(t)
	ctx := context.Background()
	start := time.Now()

	item := store.Item{PK: "Product", SK: "p1", Type: "Product", ID: "p1", Doc: []byte(`{"ID":"p1","Name":"x"}`)}
	v, err := st.Put(ctx, item, store.IfAbsent)
	if err != nil {
		t.Fatal(err)
	}
	p, d := next(t, obs)
	if p.Envelope.DetailType != "Product.Created" || p.Envelope.Source != events.Source {
		t.Fatalf("got %s from %s", p.Envelope.DetailType, p.Envelope.Source)
	}
	if d.Type != "Product" || d.ID != "p1" || d.Change != events.Created || d.PK != "Product" || d.SK != "p1" ||
		d.HasOld() || docField(t, d.New, "Name") != "x" {
		t.Fatalf("created detail %+v", d)
	}
	checkDelivered(t, p, "CatalogChanges")
	t.Logf("Product.Created delivered %v after the write", time.Since(start).Round(time.Millisecond))

	// A counter changes no entity: no event.
	if _, err := st.Increment(ctx, store.Key{PK: "Counter", SK: "orders"}, 1); err != nil {
		t.Fatal(err)
	}

	item.Doc, item.Version = []byte(`{"ID":"p1","Name":"y"}`), v
	if _, err := st.Put(ctx, item, store.IfVersion); err != nil {
		t.Fatal(err)
	}
	p, d = next(t, obs)
	if p.Envelope.DetailType != "Product.Updated" || d.Change != events.Updated ||
		docField(t, d.Old, "Name") != "x" || docField(t, d.New, "Name") != "y" {
		t.Fatalf("updated: %s %+v", p.Envelope.DetailType, d)
	}
	checkDelivered(t, p, "CatalogChanges")

	if err := st.Delete(ctx, store.Key{PK: "Product", SK: "p1"}, store.IfPresent); err != nil {
		t.Fatal(err)
	}
	p, d = next(t, obs)
	if p.Envelope.DetailType != "Product.Deleted" || d.Change != events.Deleted ||
		docField(t, d.Old, "Name") != "y" || d.HasNew() {
		t.Fatalf("deleted: %s %+v", p.Envelope.DetailType, d)
	}
	checkDelivered(t, p, "CatalogChanges")

	// The integrations target (the Lambda's own handler) logged each one.
	for _, change := range []string{"Created", "Updated", "Deleted"} {
		if !strings.Contains(logs.String(), `"msg":"integration event"`) ||
			!strings.Contains(logs.String(), `"change":"`+change+`"`) {
			t.Errorf("integrations target did not log %s", change)
		}
	}
}

func TestStreamToLocalBus(t *testing.T) {
	// Two tables at once: each pipeline sees only its own table.
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			productLifecycle(t)
		})
	}
}

func TestUnroutedAndOrderEvents(t *testing.T) {
	t.Parallel()
	st, obs, _ := pipeline(t)
	ctx := context.Background()
	user := store.Item{PK: "Buyer#b1", SK: "User#u1", Type: "User", ID: "u1", Doc: []byte(`{"ID":"u1"}`)}
	if _, err := st.Put(ctx, user, store.IfAbsent); err != nil {
		t.Fatal(err)
	}
	p, d := next(t, obs)
	if p.Envelope.DetailType != "User.Created" || len(p.Deliveries) != 0 || d.PK != "Buyer#b1" {
		t.Fatalf("user event %s deliveries %+v", p.Envelope.DetailType, p.Deliveries)
	}
	order := store.Item{PK: "Order#o1", SK: "Order", Type: "Order", ID: "o1", Doc: []byte(`{"ID":"o1","Status":"Unsubmitted"}`)}
	if _, err := st.Put(ctx, order, store.IfAbsent); err != nil {
		t.Fatal(err)
	}
	if p, _ = next(t, obs); p.Envelope.DetailType != "Order.Created" {
		t.Fatalf("order created %s %+v", p.Envelope.DetailType, p.Deliveries)
	}
	checkDelivered(t, p, "EntityChanges")
	order.Doc = []byte(`{"ID":"o1","Status":"Open"}`)
	if _, err := st.Put(ctx, order, store.Always); err != nil {
		t.Fatal(err)
	}
	p, d = next(t, obs)
	if p.Envelope.DetailType != "Order.Submitted" || docField(t, d.New, "Status") != "Open" {
		t.Fatalf("order updated %s %+v", p.Envelope.DetailType, d)
	}
	checkDelivered(t, p, "OrderLifecycle")
}

func TestRunLocalFailsForMissingTable(t *testing.T) {
	t.Parallel()
	if skipReason != "" {
		t.Skip("DynamoDB Local unavailable:", skipReason)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ddb, _ := dynamo.NewClient(ctx, endpoint)
	streams, _ := events.NewStreamsClient(ctx, endpoint)
	_, err := events.RunLocal(ctx, ddb, streams, "no-such-table-"+fmt.Sprint(time.Now().UnixNano()), slog.New(slog.DiscardHandler))
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a prompt error, got %v", err)
	}
}
