package integrations_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/integrations"
)

type sent struct{ dest, kind string }

type recorder struct{ got []sent }

func (r *recorder) PutEvent(_ context.Context, bus, source, detailType string, _ json.RawMessage) error {
	r.got = append(r.got, sent{bus, "bus"})
	return nil
}

func (r *recorder) SendMessage(_ context.Context, queue, dedup string, _ json.RawMessage) error {
	r.got = append(r.got, sent{queue, "queue"})
	return nil
}

func (r *recorder) Deliver(_ context.Context, d integrations.Delivery) error {
	r.got = append(r.got, sent{d.URL, "http"})
	return nil
}

// Destinations sends each delivery to the sender its destination needs,
// and fails when none is configured for it.
func TestDestinationsRoute(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	ds := integrations.Destinations{HTTP: rec, Bus: rec, Queue: rec}
	for _, url := range []string{"https://example.com/x", "arn:aws:events:eu-west-1:1:event-bus/b", "arn:aws:sqs:eu-west-1:1:q"} {
		if err := ds.Deliver(context.Background(), integrations.Delivery{ID: "d", URL: url, Body: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	want := []sent{{"https://example.com/x", "http"}, {"arn:aws:events:eu-west-1:1:event-bus/b", "bus"}, {"arn:aws:sqs:eu-west-1:1:q", "queue"}}
	for i, w := range want {
		if i >= len(rec.got) || rec.got[i] != w {
			t.Fatalf("sent %+v, want %+v", rec.got, want)
		}
	}
	if err := (integrations.Destinations{HTTP: rec}).Deliver(context.Background(), integrations.Delivery{URL: "arn:aws:sqs:eu-west-1:1:q"}); err == nil {
		t.Fatal("no queue sender: want an error")
	}
}
