package integrations

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// A Delivery is one call the platform makes to an integrator, built from
// an entity change (a post-webhook, a message, a sync) and sent by a
// Deliverer at least once, signed with Key.
type Delivery struct {
	// ID is stable across attempts (the X-oc-delivery-id header), so a
	// receiver can drop a repeat. Derive it from the change's event ID and
	// what is delivered, so a redelivered event yields the same ID.
	ID string
	// Kind says what delivers it: "webhook", "message", "sync".
	Kind string
	// Source names the configuration that asked for it (a webhook's,
	// message sender's or delivery config's ID), for the delivery log.
	Source string
	// URL is where it goes (HTTP POST), or a destination a Deliverer
	// knows (an EventBridge bus, an SQS queue: see DeliveryConfigs).
	URL string
	// Key signs Body into HashHeader; empty: unsigned.
	Key     string
	Headers map[string]string
	Body    json.RawMessage
}

// DeliveryIDHeader carries Delivery.ID (beyond OrderCloud, which
// documents no de-duplication).
const DeliveryIDHeader = "X-oc-delivery-id"

// A Deliverer sends deliveries with the retry policy: at least once,
// retried with backoff for a bounded time, then dead-lettered.
type Deliverer interface {
	Deliver(ctx context.Context, d Delivery) error
}

// A Change is one entity change from the table's stream, as integrations
// read it: the entity type ("Order"), its ID, the change ("Created",
// "Updated", "Deleted" or a transition such as "Submitted"), the event's
// detail-type ("Order.Submitted") and ID, and the documents before and
// after (nil when absent).
type Change struct {
	EventID    string
	DetailType string
	Type, ID   string
	Kind       string
	PK, SK     string
	Old, New   map[string]any
}

// A ChangeHandler turns a change into the deliveries it asks for
// (webhooks, messages, syncs). Handlers read configuration through the
// store; they never send: the Deliverer does.
type ChangeHandler func(ctx context.Context, ch Change) ([]Delivery, error)

// HTTPDeliverer posts a delivery once: its body, signed, with its ID. The
// retry policy wraps it (a non-2xx answer or a failed call is an error).
type HTTPDeliverer struct {
	Client *http.Client // nil: a client with a 10 s timeout
}

// Deliver posts d to d.URL.
func (h HTTPDeliverer) Deliver(ctx context.Context, d Delivery) error {
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return fmt.Errorf("delivery %s: %w", d.ID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(DeliveryIDHeader, d.ID)
	if d.Key != "" {
		req.Header.Set(HashHeader, Sign(d.Key, d.Body))
	}
	for k, v := range d.Headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("delivery %s: %w", d.ID, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("delivery %s: %s answered %d", d.ID, d.URL, resp.StatusCode)
	}
	return nil
}
