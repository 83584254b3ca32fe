package integrations

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Integration events: the marketplace's calls out to an integrator at
// given points — the order checkout (checkout.go), order returns, adding
// to the cart, OpenID Connect. An API client names the events its callers
// use (OrderCheckoutIntegrationEventID, …); an event in use cannot go.

// clientEventFields are the API client fields naming an integration event,
// with the EventType the event must have.
var clientEventFields = []struct{ Field, Name, Type string }{
	{"OrderCheckoutIntegrationEventID", "OrderCheckoutIntegrationEventName", "OrderCheckout"},
	{"OrderReturnIntegrationEventID", "OrderReturnIntegrationEventName", "OrderReturn"},
	{"AddToCartIntegrationEventID", "AddToCartIntegrationEventName", "AddToCart"},
}

// eventUseKind partitions the marks an API client leaves on the events it
// names (eventUseKind#<eventID>, sort key the client's ID): an event is in
// use while its partition holds any.
const eventUseKind = "IntegrationEventUse"

func eventUseKey(eventID, clientID string) store.Key {
	return store.Key{PK: eventUseKind + "#" + eventID, SK: clientID}
}

func (in *Integrations) declareIntegrationEvents(r *resource.Registry) {
	// A handful per marketplace: lists read the collection's partition.
	in.events = r.Add(&resource.Resource{Name: "IntegrationEvents", Model: "IntegrationEvent", IDParam: "integrationEventID",
		Prepare: prepareEvent, BeforeDelete: in.refuseEventInUse})
	clients := in.access.ApiClients
	clients.AlsoPrepare(in.useEvents)
	clients.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		for _, f := range clientEventFields {
			if id := api.Str(doc, f.Field); id != "" {
				tx.Delete(eventUseKey(id, api.Str(doc, "ID")))
			}
		}
		return nil
	})
	present := clients.Present
	clients.Present = func(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
		if present != nil {
			var err error
			if doc, err = present(c, doc); err != nil {
				return nil, err
			}
		}
		return in.presentEventNames(c, doc)
	}
}

// prepareEvent checks an event before it is written: a type that never
// changes, a URL the platform can post to, and the custom auth header's
// name and value given together.
func prepareEvent(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	typ := api.Str(doc, "EventType")
	if typ == "" {
		return api.Validation("EventType", "EventType is required.")
	}
	if old != nil && api.Str(old, "EventType") != typ {
		return api.E(http.StatusBadRequest, "IntegrationEvent.CannotEditType", nil)
	}
	u, err := url.Parse(api.Str(doc, "CustomImplementationUrl"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return api.Validation("CustomImplementationUrl", "CustomImplementationUrl must be an absolute http or https URL.")
	}
	name, value := api.Str(doc, "CustomAuthHeaderName"), api.Str(doc, "CustomAuthHeaderValue")
	switch {
	case value != "" && name == "":
		return api.E(http.StatusBadRequest, "Integration.CustomAuthHeaderNameRequired", nil)
	case name != "" && value == "":
		return api.E(http.StatusBadRequest, "Integration.CustomAuthHeaderValueRequired", nil)
	}
	return nil
}

// refuseEventInUse keeps an event an API client names.
func (in *Integrations) refuseEventInUse(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	items, err := c.Deps.Store.Query(c, store.Query{PK: eventUseKey(api.Str(doc, "ID"), "").PK, Limit: 1})
	if err != nil {
		return err
	}
	if len(items) > 0 {
		return api.E(http.StatusBadRequest, "IntegrationEvent.CannotDeleteInUse", map[string]any{"ApiClientID": items[0].SK})
	}
	return nil
}

// useEvents checks the events an API client names (each must exist and be
// of the field's type) and moves the client's marks to them.
func (in *Integrations) useEvents(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	clientID := api.Str(doc, "ID")
	for _, f := range clientEventFields {
		was, is := api.Str(old, f.Field), api.Str(doc, f.Field)
		if is != "" {
			ev, err := in.loadEvent(c, is)
			if err != nil {
				return err
			}
			if api.Str(ev, "EventType") != f.Type {
				return api.E(http.StatusBadRequest, "IntegrationEvent.IncompatibleEventType", map[string]any{"Field": f.Field, "EventType": f.Type})
			}
		}
		if was == is {
			continue
		}
		if was != "" {
			tx.Delete(eventUseKey(was, clientID))
		}
		if is != "" {
			k := eventUseKey(is, clientID)
			tx.Put(store.Item{PK: k.PK, SK: k.SK, Type: eventUseKind, ID: clientID, Doc: []byte("{}")}, store.Always)
		}
	}
	return nil
}

// loadEvent reads an integration event (a 404 in OrderCloud's shape when
// there is none).
func (in *Integrations) loadEvent(c *resource.Ctx, id string) (api.Doc, error) {
	e, err := c.Reg.Load(c, in.events, nil, id)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// presentEventNames fills an API client's read-only event names from the
// events it names (as they are named now).
func (in *Integrations) presentEventNames(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	for _, f := range clientEventFields {
		id := api.Str(doc, f.Field)
		if id == "" {
			doc[f.Name] = nil
			continue
		}
		v, err := c.Memo("integrationEvent:"+id, func() (any, error) {
			ev, err := in.loadEvent(c, id)
			var ae *api.Error
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				return api.Doc{}, nil
			}
			return ev, err
		})
		if err != nil {
			return nil, err
		}
		doc[f.Name] = v.(api.Doc)["Name"]
	}
	return doc, nil
}
