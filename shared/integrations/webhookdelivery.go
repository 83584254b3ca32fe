package integrations

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ordercloud-serverless/occ/shared/store"
)

// deliverWebhook turns a new outbox item into the delivery of its
// post-hook: the payload written in the request, to the webhook's Url as
// it is now, signed with its HashKey. The delivery ID is the outbox item's
// (the request's LogID and the webhook's ID), the same however often the
// event is delivered.
func (in *Integrations) deliverWebhook(ctx context.Context, ch Change) ([]Delivery, error) {
	if ch.Type != OutboxType || ch.Kind != "Created" {
		return nil, nil
	}
	doc := ch.New
	if doc == nil {
		// The event left the document out (too large for EventBridge):
		// read it.
		it, err := in.reg.Deps().Store.Get(ctx, store.Key{PK: ch.PK, SK: ch.SK})
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(it.Doc, &doc); err != nil {
			return nil, err
		}
	}
	id, _ := doc["ID"].(string)
	hookID, _ := doc["WebhookID"].(string)
	body, _ := doc["Payload"].(string)
	w, err := in.webhook(ctx, hookID)
	if err != nil || w == nil || w.Url == "" {
		return nil, err // deleted since: nothing to deliver
	}
	d := Delivery{ID: id, Kind: "webhook", Source: w.ID, URL: w.Url, Key: w.HashKey, Body: json.RawMessage(body)}
	if w.CustomAuthHeaderName != "" {
		d.Headers = map[string]string{w.CustomAuthHeaderName: w.CustomAuthHeaderValue}
	}
	return []Delivery{d}, nil
}
