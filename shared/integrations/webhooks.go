package integrations

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Webhooks are OrderCloud's user-defined HTTP callbacks on write requests:
// pre-hooks (BeforeProcessRequest) are called in the request and may stop
// it; post-hooks are written to an outbox in the request and delivered
// from the table's stream (webhookhooks.go, webhookdelivery.go).

// webhook is a stored webhook as the hooks read it.
type webhook struct {
	ID                    string
	Url                   string
	HashKey               string
	ConfigData            json.RawMessage
	BeforeProcessRequest  bool
	DeliveryConfigID      string
	CustomAuthHeaderName  string
	CustomAuthHeaderValue string
	ApiClientIDs          []string
	ElevatedRoles         []string
	WebhookRoutes         []struct{ Route, Verb string }
}

// fires reports whether the webhook is registered for a request's route
// template and verb, made through one of its API clients (OrderCloud fires
// a webhook only for the API clients it lists).
func (w *webhook) fires(route, verb, clientID string) bool {
	if !containsFold(w.ApiClientIDs, clientID) {
		return false
	}
	route = normRoute(route)
	for _, r := range w.WebhookRoutes {
		if strings.EqualFold(r.Verb, verb) && normRoute(r.Route) == route {
			return true
		}
	}
	return false
}

// normRoute makes route templates comparable: "/v1/Buyers/{buyerID}/" and
// "v1/buyers/{buyerid}" are one route.
func normRoute(r string) string {
	r = strings.ToLower(strings.Trim(strings.TrimSpace(r), "/"))
	return strings.TrimPrefix(r, "v1/")
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// webhookCacheTTL bounds how long an instance serves requests from the
// webhooks it read: a webhook saved through another Lambda fires on this
// one's requests at most this late. Saves through this instance refresh
// it at once.
const webhookCacheTTL = 5 * time.Second

// webhookCache holds the marketplace's webhooks (they are few: one query
// of their partition per TTL per instance, never per request).
type webhookCache struct {
	mu   sync.Mutex
	at   time.Time
	list []*webhook
}

func (wc *webhookCache) invalidate() {
	wc.mu.Lock()
	wc.at = time.Time{}
	wc.mu.Unlock()
}

// all returns the webhooks, read again once the cache is older than its TTL.
func (in *Integrations) webhooks(ctx context.Context) ([]*webhook, error) {
	wc := &in.hooks
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if !wc.at.IsZero() && time.Since(wc.at) < webhookCacheTTL {
		return wc.list, nil
	}
	items, err := in.reg.Deps().Store.Query(ctx, store.Query{PK: in.Webhooks.PK()})
	if err != nil {
		return nil, err
	}
	list := make([]*webhook, 0, len(items))
	for _, it := range items {
		var w webhook
		if json.Unmarshal(it.Doc, &w) == nil {
			list = append(list, &w)
		}
	}
	wc.list, wc.at = list, time.Now()
	return list, nil
}

// webhook reads one webhook (nil when it is gone).
func (in *Integrations) webhook(ctx context.Context, id string) (*webhook, error) {
	it, err := in.reg.Deps().Store.Get(ctx, in.Webhooks.Key(nil, id))
	if err == store.ErrNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var w webhook
	if err := json.Unmarshal(it.Doc, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// declareWebhooks declares the Webhooks resource, the hooks every write
// request runs, the stream handler delivering post-hooks and the delivery
// log's admin route.
func (in *Integrations) declareWebhooks(r *resource.Registry) {
	in.Webhooks = r.Add(&resource.Resource{Name: "Webhooks", Model: "Webhook", IDParam: "webhookID",
		Prepare: in.prepareWebhook, Present: presentWebhook,
		BeforeDelete: func(c *resource.Ctx, _ api.Doc, tx *resource.Tx) error {
			tx.AfterCommit(in.hooks.invalidate)
			return nil
		}})
	r.OnWrite(resource.WriteHook{Before: in.preHooks, After: in.postHooks})
	in.OnChange(in.deliverWebhook)
	in.declareDeliveryLog(r)
}

// prepareWebhook checks a webhook before it is written.
func (in *Integrations) prepareWebhook(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	u := api.Str(doc, "Url")
	switch {
	case u == "" && api.Str(doc, "DeliveryConfigID") == "":
		return api.Validation("Url", "Url is required unless the webhook has a DeliveryConfigID.")
	case u != "" && !secureURL(u):
		return api.E(http.StatusBadRequest, "Webhook.UrlSchemeHttps", map[string]any{"Url": u})
	case api.Str(doc, "DeliveryConfigID") != "" && doc["BeforeProcessRequest"] == true:
		return api.E(http.StatusBadRequest, "Webhook.InvalidDeliveryConfig", nil)
	}
	tx.AfterCommit(in.hooks.invalidate)
	return nil
}

// secureURL accepts https URLs, and http ones to this machine (local
// receivers in development and tests): OrderCloud requires https.
func secureURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// presentWebhook keeps the HashKey (the signing secret) write-only.
func presentWebhook(_ *resource.Ctx, doc api.Doc) (api.Doc, error) {
	delete(doc, "HashKey")
	return doc, nil
}
