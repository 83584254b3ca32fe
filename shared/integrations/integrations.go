// Package integrations is how the marketplace talks to the systems around
// it: webhooks, checkout integration events, message senders and
// forgotten credentials, delivery configurations and the syncs that use
// them. Calls out are signed (signing.go); what the stream's changes ask
// to send is built by ChangeHandlers and sent by a Deliverer (delivery.go).
package integrations

import (
	"context"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Integrations holds the integration resources and what reacts to changes.
type Integrations struct {
	reg      *resource.Registry
	access   *access.Access
	buyers   *buyers.Buyers
	catalog  *catalog.Catalog
	orders   *orders.Service
	handlers []ChangeHandler

	// Webhooks is the webhooks resource; hooks caches its entities.
	Webhooks *resource.Resource
	hooks    webhookCache
	// PreHookTimeout bounds a pre-hook call (0: DefaultPreHookTimeout).
	PreHookTimeout time.Duration
	// HTTPClient calls pre-hooks (nil: http.DefaultClient).
	HTTPClient *http.Client
	// Deliverer sends what the API itself sends at once (a forced sync, an
	// error config's test, a forgotten-credentials message). It defaults to Destinations with HTTPDeliverer;
	// the deployed API swaps in the retrying one (wrapping Destinations, so
	// EventBridge and SQS destinations are reached too).
	Deliverer Deliverer
	syncs     *syncs
	messages  *messages
	// events are the integration events (integrationevents.go).
	events *resource.Resource
}

// Declare declares the integration resources and operations on r.
func Declare(r *resource.Registry, acc *access.Access, b *buyers.Buyers, cat *catalog.Catalog, o *orders.Service) *Integrations {
	in := &Integrations{reg: r, access: acc, buyers: b, catalog: cat, orders: o, Deliverer: Destinations{HTTP: HTTPDeliverer{}}}
	in.declareWebhooks(r)
	in.declareSyncs(r)
	in.declareMessages(r)
	in.declareCheckout(r)
	in.declareReturnCalc(r)
	return in
}

// OnChange adds a handler every stream change is given to.
func (in *Integrations) OnChange(h ChangeHandler) { in.handlers = append(in.handlers, h) }

// HandleChange runs every handler on a change and returns the deliveries
// they ask for, in handler order. A handler's error stops it: the event is
// then delivered again by the bus (handlers must be safe to run twice).
func (in *Integrations) HandleChange(ctx context.Context, ch Change) ([]Delivery, error) {
	var out []Delivery
	for _, h := range in.handlers {
		ds, err := h(ctx, ch)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
