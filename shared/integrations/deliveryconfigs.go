package integrations

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Delivery configurations say where syncs, tracking events and error
// reports go. OrderCloud's targets are mostly Azure services; this API
// keeps the contract's JSON shape and accepts the destinations that suit
// AWS in the targets that fit them (README, "Delivery configurations"):
//
//   - Http: a signed POST to Endpoint (X-oc-hash with Secret), with the
//     custom auth header when set.
//   - MessageSender: the same, to Endpoint with Secret.
//   - EventHub: an Amazon EventBridge bus or an Amazon SQS queue, named by
//     its ARN in ConnectionString (arn:aws:events:…:event-bus/NAME or
//     arn:aws:sqs:…:NAME); EventHubName repeats NAME, so reads (where the
//     write-only ConnectionString is hidden) still say where it goes.
//
// Every other target (Kafka, Azure blob/table, Cosmos DB, Sitecore Send,
// Discover, Search, Content Hub, Mandrill) is refused with a 400.

// supportedTargets are the DeliveryTargets this API delivers to.
var supportedTargets = map[string]bool{"Http": true, "MessageSender": true, "EventHub": true}

// A destination is one place a delivery config sends to.
type destination struct {
	Target  string // the DeliveryTargets field it comes from
	URL     string // an http(s) URL or an events/sqs ARN
	Key     string // signs HTTP bodies
	Headers map[string]string
}

// destinations reads a delivery config's targets, or says why they are
// unusable (a 400 naming the property).
func destinations(cfg api.Doc) ([]destination, error) {
	targets, _ := cfg["DeliveryTargets"].(map[string]any)
	var out []destination
	for name, v := range targets {
		t, _ := v.(map[string]any)
		if t == nil {
			continue
		}
		if !supportedTargets[name] {
			return nil, api.Validation("DeliveryTargets."+name, "DeliveryTargets."+name+" is not supported by this API: use Http (a signed POST), MessageSender, or EventHub with an Amazon EventBridge bus or SQS queue ARN as ConnectionString.")
		}
		d, err := destinationOf(name, t)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, api.Validation("DeliveryTargets", "DeliveryTargets needs one supported target: Http, MessageSender or EventHub.")
	}
	return out, nil
}

func destinationOf(name string, t map[string]any) (destination, error) {
	prop := "DeliveryTargets." + name
	switch name {
	case "Http", "MessageSender":
		endpoint := api.Str(t, "Endpoint")
		if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return destination{}, api.Validation(prop+".Endpoint", prop+".Endpoint must be an absolute http(s) URL.")
		}
		d := destination{Target: name, URL: endpoint, Key: api.Str(t, "Secret")}
		hn, hv := api.Str(t, "CustomAuthHeaderName"), api.Str(t, "CustomAuthHeaderValue")
		switch {
		case hn != "" && hv == "":
			return destination{}, api.E(http.StatusBadRequest, "Integration.CustomAuthHeaderValueRequired", map[string]any{"Property": prop + ".CustomAuthHeaderValue"})
		case hn == "" && hv != "":
			return destination{}, api.E(http.StatusBadRequest, "Integration.CustomAuthHeaderNameRequired", map[string]any{"Property": prop + ".CustomAuthHeaderName"})
		case hn != "":
			d.Headers = map[string]string{hn: hv}
		}
		return d, nil
	default: // EventHub
		arn := strings.TrimSpace(api.Str(t, "ConnectionString"))
		service, resourceName, ok := parseARN(arn)
		if !ok || (service != "events" && service != "sqs") {
			return destination{}, api.Validation(prop+".ConnectionString", prop+".ConnectionString must be the ARN of an Amazon EventBridge event bus (arn:aws:events:REGION:ACCOUNT:event-bus/NAME) or an Amazon SQS queue (arn:aws:sqs:REGION:ACCOUNT:NAME).")
		}
		if service == "events" {
			var found bool
			if resourceName, found = strings.CutPrefix(resourceName, "event-bus/"); !found {
				return destination{}, api.Validation(prop+".ConnectionString", prop+".ConnectionString must name an event bus (…:event-bus/NAME).")
			}
		}
		if !strings.HasPrefix(resourceName, AWSDestinationPrefix) {
			return destination{}, api.Validation(prop+".ConnectionString", fmt.Sprintf(
				"%s.ConnectionString must name a bus or queue whose name starts with %q: the stack may send only to those.", prop, AWSDestinationPrefix))
		}
		if hub := api.Str(t, "EventHubName"); hub != resourceName {
			return destination{}, api.Validation(prop+".EventHubName", fmt.Sprintf("%s.EventHubName must be %q, the name in the ConnectionString ARN.", prop, resourceName))
		}
		return destination{Target: name, URL: arn}, nil
	}
}

// AWSDestinationPrefix starts the name of every EventBridge bus and SQS
// queue a delivery config may name: the deployed functions may put events
// on and send messages to those of their account only (least privilege
// for destinations chosen at run time).
const AWSDestinationPrefix = "ordercloud-"

// parseARN splits arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func parseARN(arn string) (service, resource string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] == "" || parts[4] == "" || parts[5] == "" {
		return "", "", false
	}
	return parts[2], parts[5], true
}

// declareDeliveryConfigs serves delivery configurations through the engine;
// targets are checked on every write, and a config still named by a sync,
// an error config or a tracking event cannot be deleted.
func (s *syncs) declareDeliveryConfigs(r *resource.Registry) {
	s.deliveryConfigs = r.Add(&resource.Resource{Name: "DeliveryConfigurations", Model: "DeliveryConfig",
		IDParam: "deliveryConfigID",
		Prepare: func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
			_, err := destinations(doc)
			return err
		},
		BeforeDelete: func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
			users, err := c.Deps.Store.Query(c, store.Query{PK: usePK(api.Str(doc, "ID")), Limit: 1})
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return api.E(http.StatusBadRequest, "DeliveryConfig.CannotDeleteConfigInUse", map[string]any{"UsedBy": users[0].SK})
			}
			return nil
		}})
	ops := []string{"DeliveryConfigurations.Get", "DeliveryConfigurations.List", "DeliveryConfigurations.Create",
		"DeliveryConfigurations.Save", "DeliveryConfigurations.Patch", "DeliveryConfigurations.Delete"}
	r.MarketplaceOnly(ops...)
}

// usePK is the partition of the markers saying what uses a delivery config
// (one item per user: "EntitySyncConfig#Buyers", "TrackingEvent#te1").
func usePK(configID string) string { return "DeliveryConfigUse#" + configID }

// markUse keeps the use marker of a config that names a delivery config in
// field DeliveryConfigID: moved when it changes, removed with it (doc nil).
func markUse(tx *resource.Tx, user string, old, doc api.Doc) {
	was, is := api.Str(old, "DeliveryConfigID"), api.Str(doc, "DeliveryConfigID")
	if was == is {
		return
	}
	if was != "" {
		tx.Delete(store.Key{PK: usePK(was), SK: user})
	}
	if is != "" {
		tx.Put(store.Item{PK: usePK(is), SK: user, Type: "DeliveryConfigUse", ID: user, Doc: []byte(`{}`)}, store.Always)
	}
}

// loadDeliveryConfig reads a delivery config (nil when missing).
func (s *syncs) loadDeliveryConfig(c *resource.Ctx, id string) (api.Doc, error) {
	if id == "" {
		return nil, nil
	}
	e, err := s.reg.Load(c, s.deliveryConfigs, nil, id)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// deliveriesTo builds the deliveries of body to every destination of a
// delivery config; IDs are stable per event, config and destination.
func deliveriesTo(cfg api.Doc, eventID, source string, body any) ([]Delivery, error) {
	dests, err := destinations(cfg)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(dests))
	for _, d := range dests {
		out = append(out, Delivery{ID: deliveryID(eventID, source, api.Str(cfg, "ID"), d.Target), Kind: "sync", Source: source,
			URL: d.URL, Key: d.Key, Headers: d.Headers, Body: raw})
	}
	return out, nil
}

// deliveryID is a stable ID for what an event asks one config to send to
// one destination: the same event delivered twice yields the same ID.
func deliveryID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}

// A BusSender puts an event on an Amazon EventBridge bus (the adapter
// lives in a package allowed to import the AWS SDK: events).
type BusSender interface {
	PutEvent(ctx context.Context, busARN, source, detailType string, detail json.RawMessage) error
}

// A QueueSender sends a message to an Amazon SQS queue (adapter in events).
type QueueSender interface {
	SendMessage(ctx context.Context, queueARN, dedupID string, body json.RawMessage) error
}

// DeliverySource and DeliveryDetailType are the source and detail-type of
// the events a delivery puts on an EventBridge bus.
const (
	DeliverySource     = "ordercloud.integrations"
	DeliveryDetailType = "OrderCloud.Delivery"
)

// Destinations is the Deliverer that reaches every kind of destination a
// delivery config may name: http(s) URLs through HTTP, EventBridge bus ARNs
// through Bus, SQS queue ARNs through Queue. It sends once; the retry policy
// wraps it.
type Destinations struct {
	HTTP  Deliverer
	Bus   BusSender
	Queue QueueSender
}

// Deliver sends d to its destination.
func (ds Destinations) Deliver(ctx context.Context, d Delivery) error {
	service, _, isARN := parseARN(d.URL)
	switch {
	case !isARN:
		if ds.HTTP == nil {
			return fmt.Errorf("delivery %s: no HTTP deliverer", d.ID)
		}
		return ds.HTTP.Deliver(ctx, d)
	case service == "events" && ds.Bus != nil:
		return ds.Bus.PutEvent(ctx, d.URL, DeliverySource, DeliveryDetailType, envelope(d))
	case service == "sqs" && ds.Queue != nil:
		return ds.Queue.SendMessage(ctx, d.URL, d.ID, envelope(d))
	}
	return fmt.Errorf("delivery %s: no sender configured for %s", d.ID, d.URL)
}

// envelope wraps a delivery for a bus or queue: there are no headers, so
// the delivery ID and kind travel with the body.
func envelope(d Delivery) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"DeliveryID": d.ID, "Kind": d.Kind, "Source": d.Source, "Body": d.Body})
	return b
}
