package integrations

import (
	"context"
	"encoding/json"
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
