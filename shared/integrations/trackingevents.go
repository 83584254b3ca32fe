package integrations

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Tracking events publish what shoppers do (an order submitted, a line
// added to or changed in a cart) to a delivery config, with the documents
// an analytics system needs. One event per type per API client.

// trackingTypePK is the partition of the (event type, client) pairs taken:
// one item per pair, holding the tracking event's ID, which keeps the pair
// unique and is what a change looks tracking events up by.
func trackingTypePK(eventType string) string { return "TrackingEventType#" + eventType }

func (s *syncs) declareTrackingEvents(r *resource.Registry) {
	s.trackingEvents = r.Add(&resource.Resource{Name: "TrackingEvents", Model: "TrackingEvent", IDParam: "eventID",
		Prepare: s.prepareTrackingEvent,
		BeforeDelete: func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
			tx.Delete(store.Key{PK: trackingTypePK(api.Str(doc, "EventType")), SK: api.Str(doc, "ClientID")})
			markUse(tx, "TrackingEvent#"+api.Str(doc, "ID"), doc, nil)
			return nil
		}})
	r.MarketplaceOnly("TrackingEvents.Get", "TrackingEvents.List", "TrackingEvents.Create", "TrackingEvents.Save",
		"TrackingEvents.Patch", "TrackingEvents.Delete")
}

func (s *syncs) prepareTrackingEvent(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	id := api.Str(doc, "ID")
	if old != nil && (api.Str(old, "ClientID") != api.Str(doc, "ClientID") || api.Str(old, "EventType") != api.Str(doc, "EventType")) {
		return api.E(http.StatusBadRequest, "TrackingEvent.CannotUpdateProperty", nil)
	}
	if old == nil {
		if _, err := s.reg.Load(c, s.in.access.ApiClients, nil, api.Str(doc, "ClientID")); isNotFound(err) {
			return api.E(http.StatusBadRequest, "TrackingEvent.InvalidClientID", map[string]any{"ClientID": api.Str(doc, "ClientID")})
		} else if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"ID": id})
		tx.PutOr(store.Item{PK: trackingTypePK(api.Str(doc, "EventType")), SK: api.Str(doc, "ClientID"), Type: "TrackingEventType",
			ID: id, Doc: body}, store.IfAbsent, api.E(http.StatusBadRequest, "TrackingEvent.CannotCreateMultipleEventsOfSameType", nil))
	}
	if api.Str(old, "DeliveryConfigID") != api.Str(doc, "DeliveryConfigID") {
		dc, err := s.loadDeliveryConfig(c, api.Str(doc, "DeliveryConfigID"))
		if err != nil {
			return err
		}
		if dc == nil {
			return api.E(http.StatusBadRequest, "TrackingEvent.InvalidDeliveryConfigID", map[string]any{"DeliveryConfigID": api.Str(doc, "DeliveryConfigID")})
		}
	}
	markUse(tx, "TrackingEvent#"+id, old, doc)
	return nil
}

// A TrackingMessage is the body of a tracking event delivery: the event and
// the documents it is about (beyond OrderCloud, whose Sitecore payloads
// are not documented).
type TrackingMessage struct {
	EventType  string
	ClientID   string
	Date       string
	ConfigData any `json:",omitempty"`
	Order      any `json:",omitempty"`
	LineItems  any `json:",omitempty"`
	LineItem   any `json:",omitempty"`
}

// trackingType is the tracking event type a change raises ("" for none).
func trackingType(ch Change) string {
	switch kind := changeKind(ch); {
	case ch.Type == "Order" && kind == "Submitted":
		return "OrderSubmitted"
	case ch.Type == "LineItem" && kind == "Created":
		return "LineItemAdded"
	case ch.Type == "LineItem" && kind == "Updated":
		return "LineItemUpdated"
	}
	return ""
}

// trackingChange delivers a change that raises a tracking event type to
// every tracking event of that type. The change does not say which API
// client the user acted through, so every client's event of the type is
// delivered (README).
func (s *syncs) trackingChange(ctx context.Context, ch Change) ([]Delivery, error) {
	typ := trackingType(ch)
	if typ == "" || ch.New == nil {
		return nil, nil
	}
	c := s.bgCtx(ctx)
	pairs, err := c.Deps.Store.Query(c, store.Query{PK: trackingTypePK(typ)})
	if err != nil || len(pairs) == 0 {
		return nil, err
	}
	msg, err := s.trackingMessage(c, ch, typ)
	if err != nil {
		return nil, err
	}
	var out []Delivery
	for _, p := range pairs {
		ev, err := s.reg.Load(c, s.trackingEvents, nil, p.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		dc, err := s.loadDeliveryConfig(c, api.Str(ev.Doc, "DeliveryConfigID"))
		if err != nil {
			return nil, err
		}
		if on, _ := dc["Enabled"].(bool); dc == nil || !on {
			continue
		}
		m := msg
		m.ClientID, m.ConfigData = api.Str(ev.Doc, "ClientID"), ev.Doc["ConfigData"]
		ds, err := deliveriesTo(dc, ch.EventID, "TrackingEvent#"+p.ID, m)
		if err != nil {
			return nil, err
		}
		for i := range ds {
			ds[i].Kind = "tracking"
		}
		out = append(out, ds...)
	}
	return out, nil
}

// trackingMessage hydrates a tracking event: a submitted order with its
// lines, a line with its order.
func (s *syncs) trackingMessage(c *resource.Ctx, ch Change, typ string) (TrackingMessage, error) {
	m := TrackingMessage{EventType: typ, Date: api.Now()}
	orderID := ch.ID
	if ch.Type == "LineItem" {
		m.LineItem = s.render("LineItem", ch.New)
		orderID, _ = strings.CutPrefix(ch.PK, "LineItem#")
	} else {
		m.Order = s.render("Order", ch.New)
	}
	lines := s.in.orders.LineItems
	if typ == "OrderSubmitted" {
		docs, err := s.reg.All(c, lines, []string{orderID})
		if err != nil {
			return m, err
		}
		out := make([]any, 0, len(docs))
		for _, d := range docs {
			out = append(out, api.Ordered{Model: lines.ContractModel(), Doc: d})
		}
		m.LineItems = out
		return m, nil
	}
	o, err := s.reg.Load(c, s.in.orders.Orders, nil, orderID)
	if isNotFound(err) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	m.Order = s.render("Order", o.Doc)
	return m, nil
}
