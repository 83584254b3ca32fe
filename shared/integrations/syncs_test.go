package integrations_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

// syncReceiver is an integrator's endpoint: it keeps what it receives after
// checking the signature under its secret, and answers status.
type syncReceiver struct {
	t      *testing.T
	secret string
	URL    string
	mu     sync.Mutex
	got    []syncReceived
	status int
}

type syncReceived struct {
	Path       string
	DeliveryID string
	Header     http.Header
	Body       map[string]any
}

func newSyncReceiver(t *testing.T, secret string) *syncReceiver {
	rc := &syncReceiver{t: t, secret: secret, status: http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if !integrations.Verify(rc.secret, raw, r.Header.Get(integrations.HashHeader)) {
			t.Errorf("syncReceiver: bad signature %q on %s", r.Header.Get(integrations.HashHeader), raw)
		}
		var body map[string]any
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.UseNumber()
		_ = d.Decode(&body)
		rc.mu.Lock()
		rc.got = append(rc.got, syncReceived{Path: r.URL.Path, DeliveryID: r.Header.Get(integrations.DeliveryIDHeader), Header: r.Header, Body: body})
		status := rc.status
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

func (rc *syncReceiver) all() []syncReceived {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]syncReceived(nil), rc.got...)
}

func (rc *syncReceiver) fail(status int) {
	rc.mu.Lock()
	rc.status = status
	rc.mu.Unlock()
}

// httpConfig creates an enabled delivery config posting to rc.
func httpConfig(t *testing.T, e *apptest.Env, admin, id string, rc *syncReceiver) {
	t.Helper()
	apptest.Must(t, e, "PUT", "/v1/integrations/deliveryconfig/"+id, admin, map[string]any{"Name": id, "Enabled": true,
		"DeliveryTargets": map[string]any{"Http": map[string]any{"Endpoint": rc.URL + "/hook", "Secret": rc.secret,
			"CustomAuthHeaderName": "X-Auth", "CustomAuthHeaderValue": "letmein"}}}, 200)
}

// send delivers what a change asks for with the plain HTTP deliverer.
func send(t *testing.T, ds []integrations.Delivery) {
	t.Helper()
	for _, d := range ds {
		if err := (integrations.HTTPDeliverer{}).Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDeliveryConfigs(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	rc := newSyncReceiver(t, "s3cret")
	r := apptest.Must(t, e, "POST", "/v1/integrations/deliveryconfig", admin, map[string]any{"ID": "dc1", "Name": "One", "Enabled": true,
		"DeliveryTargets": map[string]any{"Http": map[string]any{"Endpoint": rc.URL, "Secret": "s3cret"}}}, 201)
	if r.S("DeliveryTargets.Http.Endpoint") != rc.URL || strings.Contains(r.Raw, "s3cret") {
		t.Fatalf("created: %s", r.Raw)
	}
	got := apptest.Must(t, e, "GET", "/v1/integrations/deliveryconfig/dc1", admin, nil, 200)
	if strings.Contains(got.Raw, "Secret") {
		t.Errorf("the secret is write-only: %s", got.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/integrations/deliveryconfig/dc1", admin, map[string]any{"Name": "Renamed"}, 200)
	if l := apptest.Must(t, e, "GET", "/v1/integrations/deliveryconfig?search=Renamed", admin, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Errorf("list: %s", l.Raw)
	}
	// AWS destinations go in the EventHub target, by ARN.
	for _, arn := range []string{"arn:aws:events:eu-west-1:123456789012:event-bus/ordercloud-orders", "arn:aws:sqs:eu-west-1:123456789012:ordercloud-orders"} {
		apptest.Must(t, e, "PUT", "/v1/integrations/deliveryconfig/aws", admin, map[string]any{"Name": "AWS", "Enabled": true,
			"DeliveryTargets": map[string]any{"EventHub": map[string]any{"EventHubName": "ordercloud-orders", "ConnectionString": arn}}}, 200)
	}
	// The stack may only send to buses and queues named ordercloud-…
	for _, arn := range []string{"arn:aws:events:eu-west-1:123456789012:event-bus/default", "arn:aws:sqs:eu-west-1:123456789012:orders"} {
		name := arn[strings.LastIndexAny(arn, ":/")+1:]
		apptest.WantErr(t, e.Do("PUT", "/v1/integrations/deliveryconfig/aws2", admin, map[string]any{"Name": "AWS", "Enabled": true,
			"DeliveryTargets": map[string]any{"EventHub": map[string]any{"EventHubName": name, "ConnectionString": arn}}}), 400, "ValidationFailure")
	}
	// Azure-only and unknown destinations are refused in the contract's error shape.
	for name, target := range map[string]map[string]any{
		"AzureBlob": {"AzureBlob": map[string]any{"ConnectionString": "DefaultEndpointsProtocol=https;AccountName=x"}},
		"EventHub":  {"EventHub": map[string]any{"EventHubName": "hub", "ConnectionString": "Endpoint=sb://x.servicebus.windows.net/"}},
		"Kafka":     {"Kafka": map[string]any{"BootstrapServers": "k:9092", "SaslUsername": "u", "SaslPassword": "p", "Topic": "t"}},
		"Http":      {"Http": map[string]any{"Endpoint": "not a url", "Secret": "x"}},
		"none":      {},
	} {
		r := e.Do("POST", "/v1/integrations/deliveryconfig", admin, map[string]any{"Name": name, "DeliveryTargets": target})
		apptest.WantErr(t, r, 400, "ValidationFailure")
	}
	r = e.Do("POST", "/v1/integrations/deliveryconfig", admin, map[string]any{"Name": "bad", "DeliveryTargets": map[string]any{
		"EventHub": map[string]any{"EventHubName": "other", "ConnectionString": "arn:aws:sqs:eu-west-1:123456789012:ordercloud-orders"}}})
	apptest.WantErr(t, r, 400, "ValidationFailure")
	r = e.Do("POST", "/v1/integrations/deliveryconfig", admin, map[string]any{"Name": "hdr", "DeliveryTargets": map[string]any{
		"Http": map[string]any{"Endpoint": rc.URL, "Secret": "x", "CustomAuthHeaderName": "X-Auth"}}})
	apptest.WantErr(t, r, 400, "Integration.CustomAuthHeaderValueRequired")

	// In use by a sync: not deleted.
	apptest.Must(t, e, "PUT", "/v1/integrations/OrderSync", admin, map[string]any{"DeliveryConfigID": "dc1"}, 200)
	apptest.WantErr(t, e.Do("DELETE", "/v1/integrations/deliveryconfig/dc1", admin, nil), 400, "DeliveryConfig.CannotDeleteConfigInUse")
	apptest.Must(t, e, "PUT", "/v1/integrations/OrderSync", admin, map[string]any{"DeliveryConfigID": "aws"}, 200)
	apptest.Must(t, e, "DELETE", "/v1/integrations/deliveryconfig/dc1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/integrations/OrderSync", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/integrations/deliveryconfig/aws", admin, nil, 204)

	// Marketplace-only: a buyer user holding the role is still refused.
	apptest.Profile(t, e, admin, "dcadmin", "DeliveryConfigAdmin", "EntitySyncConfigAdmin", "ErrorConfigAdmin", "TrackingEventAdmin", "Shopper")
	apptest.AssignProfile(t, e, admin, "dcadmin", map[string]any{"BuyerID": s.Buyer, "UserID": "u1"})
	buyer := s.Login("shopper-one", "DeliveryConfigAdmin", "EntitySyncConfigAdmin", "ErrorConfigAdmin", "TrackingEventAdmin")
	for _, p := range []string{"/v1/integrations/deliveryconfig", "/v1/integrations/entitysync/buyers", "/v1/integrations/ErrorConfig",
		"/v1/integrations/trackingEvents", "/v1/integrations/productsync"} {
		if r := e.Do("GET", p, buyer, nil); r.Status != 403 {
			t.Errorf("buyer user GET %s: %d %s", p, r.Status, r.Raw)
		}
	}
}

// Every entity sync config: saved, read, patched and deleted at its path.
func TestEntitySyncConfigs(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	rc := newSyncReceiver(t, "k")
	httpConfig(t, e, admin, "dc", rc)
	for _, p := range []string{"adminusers", "buyers", "buyers/usergroups", "buyers/users", "categories", "products/inventoryrecords",
		"suppliers", "suppliers/users"} {
		path := "/v1/integrations/entitysync/" + p
		apptest.WantErr(t, e.Do("GET", path, admin, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("PUT", path, admin, map[string]any{"DeliveryConfigID": "nope", "SyncEntityChanged": true, "SyncEntityDeleted": true}), 404, "NotFound")
		apptest.Must(t, e, "PUT", path, admin, map[string]any{"DeliveryConfigID": "dc", "SyncEntityChanged": true, "SyncEntityDeleted": false}, 200)
		r := apptest.Must(t, e, "PATCH", path, admin, map[string]any{"Paused": true}, 200)
		if r.S("DeliveryConfigID") != "dc" || r.S("Paused") != "true" || r.S("SyncEntityChanged") != "true" || r.Get("ID") != nil {
			t.Errorf("%s patched: %s", p, r.Raw)
		}
		apptest.Must(t, e, "GET", path, admin, nil, 200)
		apptest.Must(t, e, "DELETE", path, admin, nil, 204)
		apptest.WantErr(t, e.Do("GET", path, admin, nil), 404, "NotFound")
	}
	for _, p := range []string{"productsync", "OrderSync", "ErrorConfig", "inventory"} {
		path := "/v1/integrations/" + p
		body := map[string]any{"DeliveryConfigID": "dc", "SyncProductChanged": true, "SyncProductDeleted": true}
		apptest.Must(t, e, "PUT", path, admin, body, 200)
		apptest.Must(t, e, "GET", path, admin, nil, 200)
		apptest.Must(t, e, "DELETE", path, admin, nil, 204)
	}
	apptest.Must(t, e, "DELETE", "/v1/integrations/deliveryconfig/dc", admin, nil, 204)
}

// A change of a synced entity becomes a signed delivery to the sync's
// destination, with an ID stable across redeliveries of the event.
func TestSyncChangesDeliver(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	in := e.App.Integrations()
	ctx := context.Background()
	rc := newSyncReceiver(t, "pk")
	httpConfig(t, e, admin, "dc", rc)
	apptest.Must(t, e, "PUT", "/v1/integrations/productsync", admin, map[string]any{"DeliveryConfigID": "dc",
		"SyncProductChanged": true, "SyncProductDeleted": false, "ConfigData": map[string]any{"shop": "eu"}}, 200)
	apptest.Must(t, e, "PUT", "/v1/integrations/entitysync/buyers", admin, map[string]any{"DeliveryConfigID": "dc",
		"SyncEntityChanged": false, "SyncEntityDeleted": true}, 200)
	apptest.Must(t, e, "PUT", "/v1/integrations/OrderSync", admin, map[string]any{"DeliveryConfigID": "dc"}, 200)

	product := apptest.Must(t, e, "GET", "/v1/products/p1", admin, nil, 200).Body
	ch := integrations.Change{EventID: "ev-1", DetailType: "Product.Updated", Type: "Product", ID: "p1", Kind: "Updated", New: product}
	ds, err := in.HandleChange(ctx, ch)
	if err != nil || len(ds) != 1 {
		t.Fatalf("product change: %v %+v", err, ds)
	}
	again, _ := in.HandleChange(ctx, ch)
	if len(again) != 1 || again[0].ID != ds[0].ID {
		t.Errorf("delivery ID not stable: %v vs %v", ds, again)
	}
	send(t, ds)
	got := rc.all()
	if len(got) != 1 || got[0].Body["Action"] != "Update" || got[0].Body["EntityID"] != "p1" || got[0].DeliveryID != ds[0].ID ||
		got[0].Header.Get("X-Auth") != "letmein" {
		t.Fatalf("syncReceived: %+v", got)
	}
	if ent, _ := got[0].Body["Entity"].(map[string]any); ent["ID"] != "p1" || got[0].Body["ConfigData"].(map[string]any)["shop"] != "eu" {
		t.Errorf("body: %+v", got[0].Body)
	}
	// Deletes of products are not synced (SyncProductDeleted false); buyer
	// deletes are, buyer updates are not.
	for _, c := range []struct {
		ch   integrations.Change
		want int
	}{
		{integrations.Change{EventID: "ev-2", DetailType: "Product.Deleted", Type: "Product", ID: "p1", Kind: "Deleted", Old: product}, 0},
		{integrations.Change{EventID: "ev-3", DetailType: "Buyer.Updated", Type: "Buyer", ID: "b1", Kind: "Updated", New: map[string]any{"ID": "b1"}}, 0},
		{integrations.Change{EventID: "ev-4", DetailType: "Buyer.Deleted", Type: "Buyer", ID: "b1", Kind: "Deleted", Old: map[string]any{"ID": "b1", "Name": "B"}}, 1},
		{integrations.Change{EventID: "ev-5", DetailType: "Order.Updated", Type: "Order", ID: "o1", Kind: "Updated", New: map[string]any{"ID": "o1"}}, 0},
		{integrations.Change{EventID: "ev-6", DetailType: "Order.Submitted", Type: "Order", ID: "o1", Kind: "Submitted", New: map[string]any{"ID": "o1", "Status": "Open"}}, 1},
		{integrations.Change{EventID: "ev-7", DetailType: "PriceSchedule.Created", Type: "PriceSchedule", ID: "breaks", Kind: "Created", New: map[string]any{"ID": "breaks"}}, 1},
	} {
		ds, err := in.HandleChange(ctx, c.ch)
		if err != nil || len(ds) != c.want {
			t.Errorf("%s: %v %d deliveries, want %d", c.ch.DetailType, err, len(ds), c.want)
		}
		send(t, ds)
	}
	got = rc.all()
	if len(got) != 4 || got[1].Body["Action"] != "Delete" || got[1].Body["EntityType"] != "Buyer" || got[2].Body["Action"] != "Submitted" ||
		got[3].Body["EntityType"] != "PriceSchedule" {
		t.Errorf("syncReceived: %+v", got)
	}
	// A disabled delivery config delivers nothing; a paused sync neither.
	apptest.Must(t, e, "PATCH", "/v1/integrations/deliveryconfig/dc", admin, map[string]any{"Enabled": false}, 200)
	if ds, _ := in.HandleChange(ctx, ch); len(ds) != 0 {
		t.Errorf("disabled: %v", ds)
	}
	apptest.Must(t, e, "PATCH", "/v1/integrations/deliveryconfig/dc", admin, map[string]any{"Enabled": true}, 200)
	apptest.Must(t, e, "PATCH", "/v1/integrations/productsync", admin, map[string]any{"Paused": true}, 200)
	if ds, _ := in.HandleChange(ctx, ch); len(ds) != 0 {
		t.Errorf("paused: %v", ds)
	}
}

// Sync endpoints deliver one entity now; a failed delivery is reported to
// the error config; Validate tests the error config.
func TestForcedSyncAndErrorConfig(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	rc := newSyncReceiver(t, "fk")
	errs := newSyncReceiver(t, "ek")
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/entitysync/buyers/sync", admin, map[string]any{"BuyerID": "b1"}), 400,
		"Synchronize.EntitySyncForBuyerNotEnabled")
	httpConfig(t, e, admin, "dc", rc)
	httpConfig(t, e, admin, "errors", errs)
	apptest.Must(t, e, "PUT", "/v1/integrations/entitysync/buyers/users", admin, map[string]any{"DeliveryConfigID": "dc",
		"SyncEntityChanged": true, "SyncEntityDeleted": true, "Paused": true}, 200)
	apptest.Must(t, e, "POST", "/v1/integrations/entitysync/buyers/users/sync", admin, map[string]any{"BuyerID": "b1", "UserID": "u1"}, 204)
	got := rc.all()
	if len(got) != 1 || got[0].Body["Action"] != "Sync" || got[0].Body["EntityType"] != "BuyerUser" {
		t.Fatalf("syncReceived: %+v", got)
	}
	if ent, _ := got[0].Body["Entity"].(map[string]any); ent["Username"] != "shopper-one" || ent["Password"] != nil {
		t.Errorf("entity: %+v", ent)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/entitysync/buyers/users/sync", admin, map[string]any{"BuyerID": "b1", "UserID": "nobody"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/entitysync/buyers/users/sync", admin, map[string]any{"BuyerID": "b1"}), 400, "ValidationFailure")

	apptest.Must(t, e, "PUT", "/v1/integrations/productsync", admin, map[string]any{"DeliveryConfigID": "dc",
		"SyncProductChanged": false, "SyncProductDeleted": false}, 200)
	apptest.Must(t, e, "POST", "/v1/integrations/productsync/sync", admin, map[string]any{"ProductID": "p1"}, 204)
	if got := rc.all(); len(got) != 2 || got[1].Body["EntityID"] != "p1" {
		t.Fatalf("product sync: %+v", got)
	}

	// The error config: validated by a test message.
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/ErrorConfig/validate", admin, nil), 404, "NotFound")
	apptest.Must(t, e, "PUT", "/v1/integrations/ErrorConfig", admin, map[string]any{"DeliveryConfigID": "errors"}, 200)
	apptest.Must(t, e, "POST", "/v1/integrations/ErrorConfig/validate", admin, nil, 204)
	if got := errs.all(); len(got) != 1 || got[0].Body["Type"] != "Validation" {
		t.Fatalf("validation message: %+v", got)
	}
	errs.fail(http.StatusInternalServerError)
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/ErrorConfig/validate", admin, nil), 400, "ErrorConfig.ValidationFailed")
	errs.fail(http.StatusOK)

	// A forced sync the destination refuses is reported there.
	rc.fail(http.StatusServiceUnavailable)
	apptest.Must(t, e, "POST", "/v1/integrations/productsync/sync", admin, map[string]any{"ProductID": "p1"}, 204)
	got = errs.all()
	if len(got) != 3 || got[2].Body["Type"] != "DeliveryFailed" || got[2].Body["Source"] != "ProductSync" ||
		!strings.Contains(got[2].Body["Error"].(string), "503") {
		t.Fatalf("failure report: %+v", got)
	}
	// A disabled delivery config refuses forced syncs and validation.
	apptest.Must(t, e, "PATCH", "/v1/integrations/deliveryconfig/dc", admin, map[string]any{"Enabled": false}, 200)
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/productsync/sync", admin, map[string]any{"ProductID": "p1"}), 400, "DeliveryConfig.ConfigurationDisabled")
	apptest.Must(t, e, "PATCH", "/v1/integrations/deliveryconfig/errors", admin, map[string]any{"Enabled": false}, 200)
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/ErrorConfig/validate", admin, nil), 400, "ErrorConfig.DeliveryConfigDisabled")
}

func TestTrackingEvents(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	in := e.App.Integrations()
	rc := newSyncReceiver(t, "tk")
	httpConfig(t, e, admin, "dc", rc)
	ev := map[string]any{"ID": "te1", "EventType": "OrderSubmitted", "ClientID": s.Client, "Name": "Submitted", "DeliveryConfigID": "dc",
		"ConfigData": map[string]any{"site": "s1"}}
	apptest.Must(t, e, "POST", "/v1/integrations/trackingEvents", admin, ev, 201)
	dup := map[string]any{"ID": "te2", "EventType": "OrderSubmitted", "ClientID": s.Client, "Name": "Again", "DeliveryConfigID": "dc"}
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/trackingEvents", admin, dup), 400, "TrackingEvent.CannotCreateMultipleEventsOfSameType")
	dup["ClientID"] = "no-such-client"
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/trackingEvents", admin, dup), 400, "TrackingEvent.InvalidClientID")
	dup["ClientID"], dup["EventType"], dup["DeliveryConfigID"] = s.Client, "LineItemAdded", "nope"
	apptest.WantErr(t, e.Do("POST", "/v1/integrations/trackingEvents", admin, dup), 400, "TrackingEvent.InvalidDeliveryConfigID")
	apptest.WantErr(t, e.Do("PATCH", "/v1/integrations/trackingEvents/te1", admin, map[string]any{"EventType": "LineItemAdded"}), 400,
		"TrackingEvent.CannotUpdateProperty")
	apptest.Must(t, e, "PATCH", "/v1/integrations/trackingEvents/te1", admin, map[string]any{"Name": "Orders"}, 200)
	if l := apptest.Must(t, e, "GET", "/v1/integrations/trackingEvents", admin, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Errorf("list: %s", l.Raw)
	}

	orderID := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, orderID, "p1", 2)
	order := apptest.Must(t, e, "GET", "/v1/orders/Outgoing/"+orderID, s.Token, nil, 200).Body
	ds, err := in.HandleChange(context.Background(), integrations.Change{EventID: "ev-sub", DetailType: "Order.Submitted", Type: "Order",
		ID: orderID, Kind: "Submitted", New: order})
	if err != nil || len(ds) != 1 {
		t.Fatalf("submitted: %v %v", err, ds)
	}
	send(t, ds)
	got := rc.all()
	if len(got) != 1 || got[0].Body["EventType"] != "OrderSubmitted" || got[0].Body["ClientID"] != s.Client {
		t.Fatalf("syncReceived: %+v", got)
	}
	if lines, _ := got[0].Body["LineItems"].([]any); len(lines) != 1 || got[0].Body["Order"].(map[string]any)["ID"] != orderID {
		t.Errorf("hydrated: %+v", got[0].Body)
	}
	// A line added raises nothing until a LineItemAdded event exists.
	line := map[string]any{"ID": "l1", "ProductID": "p1"}
	added := integrations.Change{EventID: "ev-line", DetailType: "LineItem.Created", Type: "LineItem", ID: "l1", Kind: "Created",
		PK: "LineItem#" + orderID, New: line}
	if ds, _ := in.HandleChange(context.Background(), added); len(ds) != 0 {
		t.Errorf("no LineItemAdded event: %v", ds)
	}
	apptest.Must(t, e, "PUT", "/v1/integrations/trackingEvents/te2", admin, map[string]any{"EventType": "LineItemAdded", "ClientID": s.Client,
		"Name": "Added", "DeliveryConfigID": "dc"}, 200)
	if ds, _ := in.HandleChange(context.Background(), added); len(ds) != 1 {
		t.Errorf("LineItemAdded: %v", ds)
	}
	apptest.Must(t, e, "DELETE", "/v1/integrations/trackingEvents/te1", admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/integrations/trackingEvents", admin, map[string]any{"ID": "te3", "EventType": "OrderSubmitted",
		"ClientID": s.Client, "Name": "Back", "DeliveryConfigID": "dc"}, 201)
}

func TestIntegrationConfigs(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	in := e.App.Integrations()
	rc := newSyncReceiver(t, "ik")
	httpConfig(t, e, admin, "dc", rc)
	apptest.Must(t, e, "PUT", "/v1/integrations/promotion", admin, map[string]any{"HashKey": "h", "Url": "https://example.com/promo",
		"CustomAuthHeaderName": "A", "CustomAuthHeaderValue": "secret"}, 200)
	if r := apptest.Must(t, e, "PATCH", "/v1/integrations/promotion", admin, map[string]any{"Url": "https://example.com/p2"}, 200); strings.Contains(r.Raw, "secret") || r.S("Url") != "https://example.com/p2" {
		t.Errorf("promotion: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/integrations/promotion", admin, nil, 204)
	client := apptest.BuyerClient(t, e, admin, nil)
	apptest.WantErr(t, e.Do("PUT", "/v1/integrations/subscription", admin, map[string]any{"ApiClientID": "nope", "HashKey": "h"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/integrations/subscription", admin, map[string]any{"ApiClientID": client, "HashKey": "h", "NotificationDays": 0}), 400, "ValidationFailure")
	apptest.Must(t, e, "PUT", "/v1/integrations/subscription", admin, map[string]any{"ApiClientID": client, "HashKey": "h", "Active": true, "NotificationDays": 3}, 200)
	apptest.WantErr(t, e.Do("DELETE", "/v1/apiclients/"+client, admin, nil), 400, "ApiClient.UsedByIntegration")
	apptest.Must(t, e, "GET", "/v1/integrations/subscription", admin, nil, 200)

	apptest.Must(t, e, "PUT", "/v1/integrations/inventory", admin, map[string]any{"DeliveryConfigID": "dc", "LimitNotifications": true}, 200)
	stock := func(q, point int) map[string]any {
		return map[string]any{"ID": "p1", "Inventory": map[string]any{"Enabled": true, "QuantityAvailable": json.Number(strconv.Itoa(q)), "NotificationPoint": json.Number(strconv.Itoa(point))}}
	}
	for _, c := range []struct {
		from, to int
		want     int
	}{{10, 9, 0}, {10, 5, 1}, {6, 0, 1}, {0, 3, 1}, {3, 8, 1}, {9, 9, 0}} {
		ds, err := in.HandleChange(context.Background(), integrations.Change{EventID: "inv", DetailType: "Product.Updated", Type: "Product",
			ID: "p1", Kind: "Updated", Old: stock(c.from, 5), New: stock(c.to, 5)})
		if err != nil || len(ds) != c.want {
			t.Errorf("%d → %d: %v %d deliveries, want %d", c.from, c.to, err, len(ds), c.want)
		}
		send(t, ds)
	}
	if got := rc.all(); len(got) != 4 || got[0].Body["Action"] != "InventoryChanged" {
		t.Errorf("syncReceived: %+v", got)
	}
}
