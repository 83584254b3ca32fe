package events

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

func ruleNames(rs []Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestRulesMatchTheirEvents(t *testing.T) {
	bus, err := NewLocalBus(Rules, nil, nil)
	if err != nil {
		t.Fatal(err) // every pattern compiles with quamina (incl. "prefix")
	}
	cases := []struct {
		source, detailType string
		want               []string
	}{
		{Source, "Product.Created", []string{"CatalogChanges"}},
		{Source, "Product.Deleted", []string{"CatalogChanges"}},
		{Source, "PriceSchedule.Updated", []string{"CatalogChanges"}},
		{Source, "Catalog.Created", []string{"CatalogChanges"}},
		{Source, "Category.Deleted", []string{"CatalogChanges"}},
		{Source, "Order.Submitted", []string{"OrderLifecycle"}},
		{Source, "Order.Approved", []string{"OrderLifecycle"}},
		{Source, "OrderReturn.Completed", []string{"OrderLifecycle"}},
		{Source, "Order.Updated", []string{"EntityChanges"}}, // a change without a status change
		{Source, "Order.Created", []string{"EntityChanges"}},
		{Source, "Order.Deleted", []string{"EntityChanges"}},
		{Source, "BuyerUser.Created", []string{"EntityChanges"}},
		{Source, "Shipment.Updated", []string{"EntityChanges"}},
		{Source, "WebhookOutbox.Created", []string{"Webhooks"}},
		{Source, "WebhookOutbox.Deleted", nil}, // TTL removal
		{Source, "Webhook.Created", nil},
		{Source, "BuyerUserAssignment.Created", nil},
		{Source, "User.Created", nil},
		{Source, "ProductFacet.Created", nil},          // prefix is "Product." with the dot
		{Source, "CatalogAssignment.Created", nil},     // likewise "Catalog."
		{Source, "SpecProductAssignment.Created", nil}, // prefix, not substring
		{"other.source", "Product.Created", nil},
		{"other.source", "Order.Submitted", nil},
	}
	for _, c := range cases {
		env := bus.Envelope(Event{Source: c.source, DetailType: c.detailType, Detail: json.RawMessage(`{"Type":"x","Change":"Created"}`)})
		got, err := bus.Match(env)
		if err != nil {
			t.Fatal(err)
		}
		if names := ruleNames(got); !reflect.DeepEqual(names, c.want) {
			t.Errorf("%s %s matched %v, want %v", c.source, c.detailType, names, c.want)
		}
	}
}

func TestEnvelopeHasEventBridgeShape(t *testing.T) {
	bus, _ := NewLocalBus(Rules, nil, nil)
	raw, err := json.Marshal(bus.Envelope(Event{Source: Source, DetailType: "Product.Created", Detail: json.RawMessage(`{"a":1}`)}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} {
		if _, ok := m[k]; !ok {
			t.Errorf("envelope lacks %q: %s", k, raw)
		}
	}
	if m["id"] == "" || m["resources"] == nil {
		t.Errorf("envelope %s", raw)
	}
}

func TestLocalBusDeliversAndReports(t *testing.T) {
	var mu sync.Mutex
	var got []Envelope
	targets := map[string]TargetFunc{TargetIntegrations: func(_ context.Context, ev Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
		if ev.DetailType == "Order.Submitted" {
			return errors.New("target down")
		}
		return nil
	}}
	bus, err := NewLocalBus(Rules, targets, nil)
	if err != nil {
		t.Fatal(err)
	}
	obs, stop := bus.Subscribe(0)
	defer stop()
	evs := []Event{
		{ID: "a", Source: Source, DetailType: "Product.Created", Detail: json.RawMessage(`{"Type":"Product","Change":"Created"}`), Time: time.Unix(5, 0)},
		{ID: "b", Source: Source, DetailType: "User.Created", Detail: json.RawMessage(`{"Type":"User","Change":"Created"}`)},
		{ID: "c", Source: Source, DetailType: "Order.Submitted", Detail: json.RawMessage(`{"Type":"Order","Change":"Updated"}`)},
	}
	failed, err := bus.Publish(context.Background(), evs)
	if failed != nil || err != nil {
		t.Fatal(failed, err) // target errors do not fail the publish
	}
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "c" || !got[0].Time.Equal(time.Unix(5, 0)) {
		t.Fatalf("delivered %+v", got)
	}
	want := []struct {
		id, rule string
		err      bool
	}{{"a", "CatalogChanges", false}, {"b", "", false}, {"c", "OrderLifecycle", true}}
	for _, w := range want {
		p := <-obs
		if p.Envelope.ID != w.id {
			t.Fatalf("observed %s, want %s", p.Envelope.ID, w.id)
		}
		if w.rule == "" {
			if len(p.Deliveries) != 0 {
				t.Errorf("%s delivered %+v", w.id, p.Deliveries)
			}
			continue
		}
		if len(p.Deliveries) != 1 || p.Deliveries[0].Rule != w.rule || p.Deliveries[0].Target != TargetIntegrations ||
			(p.Deliveries[0].Err != nil) != w.err {
			t.Errorf("%s deliveries %+v", w.id, p.Deliveries)
		}
	}
}

func TestLocalBusMissingTargetIsObserved(t *testing.T) {
	bus, _ := NewLocalBus(Rules, map[string]TargetFunc{}, nil)
	obs, stop := bus.Subscribe(1)
	defer stop()
	if _, err := bus.Publish(context.Background(), []Event{{Source: Source, DetailType: "Product.Created", Detail: json.RawMessage(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	p := <-obs
	if len(p.Deliveries) != 1 || !errors.Is(p.Deliveries[0].Err, ErrNoTarget) {
		t.Fatalf("%+v", p.Deliveries)
	}
}

func TestBadPatternIsRejected(t *testing.T) {
	if _, err := NewLocalBus([]Rule{{Name: "bad", Pattern: `{"source":`}}, nil, nil); err == nil {
		t.Fatal("want error")
	}
}

func TestIntegrationsTargetDecodes(t *testing.T) {
	h := Integrations(nil)
	ok := Envelope{ID: "1", DetailType: "Product.Created", Detail: json.RawMessage(`{"Type":"Product","ID":"p1","Change":"Created","PK":"Product","SK":"p1","Old":null,"New":{"ID":"p1"}}`)}
	if err := h(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	if err := h(context.Background(), Envelope{Detail: json.RawMessage(`[1]`)}); err == nil {
		t.Fatal("want error for a bad detail")
	}
	d, _ := DecodeDetail(ok.Detail)
	if d.HasOld() || !d.HasNew() || d.ID != "p1" {
		t.Fatalf("%+v", d)
	}
}

func TestHandlersAreValidLambdaHandlers(t *testing.T) {
	ctx := context.Background()
	target := lambda.NewHandler(Integrations(slog.New(slog.DiscardHandler)))
	payload := `{"version":"0","id":"1","detail-type":"Product.Created","source":"ordercloud.store","account":"1","time":"2024-01-01T00:00:00Z","region":"us-east-1","resources":[],
		"detail":{"Type":"Product","ID":"p1","Change":"Created","PK":"Product","SK":"p1","Old":null,"New":{"ID":"p1"}}}`
	if _, err := target.Invoke(ctx, []byte(payload)); err != nil {
		t.Fatal(err)
	}
	pub := &recordingPublisher{failed: func([]Event) []int { return []int{0} }}
	stream := lambda.NewHandler((&StreamHandler{Publisher: pub, Log: slog.New(slog.DiscardHandler)}).Handle)
	out, err := stream.Invoke(ctx, []byte(streamPayload))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"batchItemFailures":[{"itemIdentifier":"100"}]`) {
		t.Fatalf("response %s", out)
	}
}
