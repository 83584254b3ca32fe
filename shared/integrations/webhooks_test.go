package integrations_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/integrations"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

// call is one request a receiver got.
type call struct {
	Header http.Header
	Body   []byte
}

// receiver is an integrator's endpoint: it records every call and answers
// with answer (200 {"proceed":true} when nil).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []call
	answer func(n int) (status int, body string, delay time.Duration)
	got    chan struct{}
}

func newReceiver(t *testing.T, answer func(n int) (int, string, time.Duration)) *receiver {
	rc := &receiver{answer: answer, got: make(chan struct{}, 64)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.calls = append(rc.calls, call{Header: r.Header.Clone(), Body: b})
		n := len(rc.calls)
		rc.mu.Unlock()
		status, body, delay := 200, `{"proceed":true}`, time.Duration(0)
		if rc.answer != nil {
			status, body, delay = rc.answer(n)
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		rc.got <- struct{}{}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) Calls() []call {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.calls)
}

// wait waits for n calls in all.
func (rc *receiver) wait(t *testing.T, n int) []call {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for len(rc.Calls()) < n {
		select {
		case <-rc.got:
		case <-deadline:
			t.Fatalf("receiver got %d calls, want %d", len(rc.Calls()), n)
		}
	}
	return rc.Calls()
}

// verified decodes a call's payload after checking its signature.
func verified(t *testing.T, c call, key string) map[string]any {
	t.Helper()
	if !integrations.Verify(key, c.Body, c.Header.Get(integrations.HashHeader)) {
		t.Fatalf("signature %q does not verify the body %s", c.Header.Get(integrations.HashHeader), c.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func hook(url string, pre bool, verb, route string, clients ...string) map[string]any {
	return map[string]any{"Name": "hook", "Url": url, "HashKey": "s3cret", "BeforeProcessRequest": pre,
		"ConfigData": map[string]any{"tenant": "t1"}, "ApiClientIDs": clients,
		"WebhookRoutes": []any{map[string]any{"Route": route, "Verb": verb}}}
}

// pipeline runs the table's stream into the local bus, with the
// integrations target delivering through d (as the target Lambda does).
func pipeline(t *testing.T, e *apptest.Env, d integrations.Deliverer) <-chan events.Published {
	t.Helper()
	e.EnableStream()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	client, err := dynamo.NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	streams, err := events.NewStreamsClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	in := e.App.Integrations()
	bus, err := events.RunLocalWith(ctx, client, streams, e.Table, nil, func(ctx context.Context, ev events.Envelope, dt events.EntityDetail) error {
		ch, err := integrations.NewChange(ev.ID, ev.DetailType, dt.Type, dt.ID, dt.Change, dt.PK, dt.SK, dt.Old, dt.New)
		if err != nil {
			return err
		}
		return in.Process(ctx, ch, d)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen, stop := bus.Subscribe(256)
	t.Cleanup(stop)
	return seen
}

func TestWebhooksCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	body := hook("https://hooks.example.com/oc", false, "PUT", "v1/buyers/{buyerID}", apptest.ClientID)
	body["ID"], body["ElevatedRoles"] = "wh1", []string{"BuyerAdmin"}
	r := apptest.Must(t, e, "POST", "/v1/webhooks", admin, body, 201)
	if r.Get("HashKey") != nil || r.S("Url") != "https://hooks.example.com/oc" || r.S("ElevatedRoles.0") != "BuyerAdmin" ||
		r.S("WebhookRoutes.0.Route") != "v1/buyers/{buyerID}" || r.S("ApiClientIDs.0") != apptest.ClientID || r.S("ConfigData.tenant") != "t1" {
		t.Fatalf("created %s", r.Raw)
	}
	apptest.Must(t, e, "PATCH", "/v1/webhooks/wh1", admin, map[string]any{"Name": "renamed"}, 200)
	got := apptest.Must(t, e, "GET", "/v1/webhooks/wh1", admin, nil, 200)
	if got.S("Name") != "renamed" || got.Get("HashKey") != nil {
		t.Fatalf("got %s", got.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/webhooks", admin, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Fatalf("list %s", l.Raw)
	}
	// The key stays after a patch that does not name it.
	stored, err := e.Store.Get(context.Background(), e.App.Integrations().Webhooks.Key(nil, "wh1"))
	if err != nil || !json.Valid(stored.Doc) || !contains(string(stored.Doc), `"HashKey":"s3cret"`) {
		t.Fatalf("stored %s %v", stored.Doc, err)
	}
	insecure := hook("http://hooks.example.com/oc", false, "PUT", "v1/buyers/{buyerID}")
	apptest.WantErr(t, e.Do("POST", "/v1/webhooks", admin, insecure), 400, "Webhook.UrlSchemeHttps")
	pre := hook("https://hooks.example.com/oc", true, "PUT", "v1/buyers/{buyerID}")
	pre["DeliveryConfigID"] = "dc1"
	apptest.WantErr(t, e.Do("POST", "/v1/webhooks", admin, pre), 400, "Webhook.InvalidDeliveryConfig")
	apptest.Must(t, e, "PUT", "/v1/webhooks/wh1", admin, hook("https://hooks.example.com/2", false, "POST", "v1/buyers"), 200)
	apptest.Must(t, e, "DELETE", "/v1/webhooks/wh1", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/webhooks/wh1", admin, nil), 404, "NotFound")
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestPreHookProceedsAndBlocks(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	proceed := true
	var mu sync.Mutex
	rc := newReceiver(t, func(int) (int, string, time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if proceed {
			return 200, `{"proceed":true}`, 0
		}
		return 200, `{"proceed":false,"body":{"customMessage":"Not a valid buyer","suggestions":["x"]}}`, 0
	})
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(rc.URL, true, "POST", "v1/buyers", apptest.ClientID), 201)

	apptest.Must(t, e, "POST", "/v1/buyers?x=1", admin, map[string]any{"ID": "ok", "Name": "Fine", "Active": true}, 201)
	p := verified(t, rc.wait(t, 1)[0], "s3cret")
	req, _ := p["Request"].(map[string]any)
	reqBody, _ := req["Body"].(map[string]any)
	if p["Route"] != "v1/buyers" || p["Verb"] != "POST" || p["LogID"] == "" || p["UserToken"] == "" || p["Date"] == "" ||
		reqBody["Name"] != "Fine" || p["Response"] != nil || p["QueryParams"].(map[string]any)["x"] != "1" ||
		p["ConfigData"].(map[string]any)["tenant"] != "t1" {
		t.Fatalf("pre-hook payload %v", p)
	}

	mu.Lock()
	proceed = false
	mu.Unlock()
	r := e.Do("POST", "/v1/buyers", admin, map[string]any{"ID": "blocked", "Name": "No", "Active": true})
	apptest.WantErr(t, r, 400, "Webhook.PreHookRejected")
	if r.S("Errors.0.Data.customMessage") != "Not a valid buyer" {
		t.Fatalf("blocked: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/blocked", admin, nil), 404, "NotFound")

	// Other routes and verbs do not call it.
	apptest.Must(t, e, "PATCH", "/v1/buyers/ok", admin, map[string]any{"Name": "Patched"}, 200)
	if n := len(rc.Calls()); n != 2 {
		t.Fatalf("pre-hook called %d times, want 2", n)
	}
}

func TestPreHookTimeoutAndFailure(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	e.App.Integrations().PreHookTimeout = 300 * time.Millisecond
	slow := newReceiver(t, func(int) (int, string, time.Duration) { return 200, `{"proceed":true}`, 3 * time.Second })
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(slow.URL, true, "POST", "v1/buyers", apptest.ClientID), 201)
	r := e.Do("POST", "/v1/buyers", admin, map[string]any{"ID": "late", "Name": "Late", "Active": true})
	apptest.WantErr(t, r, 502, "Webhook.PreHookFailed")
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/late", admin, nil), 404, "NotFound")

	broken := newReceiver(t, func(int) (int, string, time.Duration) { return 500, `oops`, 0 })
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(broken.URL, true, "POST", "v1/suppliers", apptest.ClientID), 201)
	apptest.WantErr(t, e.Do("POST", "/v1/suppliers", admin, map[string]any{"ID": "s1", "Name": "S", "Active": true}), 502, "Webhook.PreHookFailed")
	apptest.WantErr(t, e.Do("GET", "/v1/suppliers/s1", admin, nil), 404, "NotFound")
}

// fastPolicy retries quickly, for tests.
var fastPolicy = integrations.RetryPolicy{Budget: 3 * time.Second, BaseDelay: 50 * time.Millisecond, MaxDelay: 400 * time.Millisecond}

func TestPostHookDeliveredFromTheStream(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	in := e.App.Integrations()
	d := &integrations.RetryingDeliverer{Next: integrations.HTTPDeliverer{}, Policy: fastPolicy, Log: in.DeliveryLog()}
	pipeline(t, e, d)

	rc := newReceiver(t, func(int) (int, string, time.Duration) { return 200, ``, 0 })
	other := newReceiver(t, nil)
	h := hook(rc.URL, false, "PATCH", "v1/buyers/{buyerID}", apptest.ClientID)
	h["ElevatedRoles"] = []string{"ProductReader"}
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, h, 201)
	// Not fired: another API client, another verb.
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(other.URL, false, "PATCH", "v1/buyers/{buyerID}", s.Client), 201)
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(other.URL, false, "PUT", "v1/buyers/{buyerID}", apptest.ClientID), 201)

	apptest.Must(t, e, "PATCH", "/v1/buyers/b1", admin, `{"Name":"Renamed","xp":{"price":1.10}}`, 200)
	calls := rc.wait(t, 1)
	p := verified(t, calls[0], "s3cret")
	if calls[0].Header.Get(integrations.DeliveryIDHeader) == "" {
		t.Fatal("no delivery ID")
	}
	resp, _ := p["Response"].(map[string]any)
	respBody, _ := resp["Body"].(map[string]any)
	params, _ := p["RouteParams"].(map[string]any)
	if p["Route"] != "v1/buyers/{buyerID}" || p["Verb"] != "PATCH" || params["buyerID"] != "b1" || respBody["Name"] != "Renamed" ||
		respBody["ID"] != "b1" || p["ConfigData"].(map[string]any)["tenant"] != "t1" {
		t.Fatalf("post-hook payload %s", calls[0].Body)
	}
	if !contains(string(calls[0].Body), `"price":1.10`) {
		t.Errorf("request decimal not kept exactly: %s", calls[0].Body)
	}
	roles := apptest.TokenRoles(t, p["UserToken"].(string))
	if !slices.Contains(roles, "ProductReader") || !slices.Contains(roles, "FullAccess") {
		t.Errorf("elevated token roles %v", roles)
	}
	// A buyer user's write through its own client does not fire the hook
	// registered for the admin client (nor the other's PATCH route).
	apptest.Must(t, e, "PATCH", "/v1/me", s.Token, map[string]any{"FirstName": "Z"}, 200)
	time.Sleep(1500 * time.Millisecond)
	if n := len(rc.Calls()); n != 1 {
		t.Errorf("hook called %d times", n)
	}
	if n := len(other.Calls()); n != 0 {
		t.Errorf("non-matching hooks called %d times", n)
	}
	// The log shows the delivery to the admin, not to a buyer.
	log := apptest.Must(t, e, "GET", integrations.DeliveriesPath, admin, nil, 200)
	if log.S("Items.0.Status") != integrations.StatusDelivered || log.S("Items.0.Attempts") != "1" ||
		log.S("Items.0.DeliveryID") != calls[0].Header.Get(integrations.DeliveryIDHeader) {
		t.Fatalf("log %s", log.Raw)
	}
	apptest.WantErr(t, e.Do("GET", integrations.DeliveriesPath, s.Token, nil), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("GET", integrations.DeliveriesPath, "", nil), 401, "InvalidToken")
}

func TestPostHookRetriesThenDeadLetters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	in := e.App.Integrations()
	var deadMu sync.Mutex
	var dead []integrations.Delivery
	d := &integrations.RetryingDeliverer{Next: integrations.HTTPDeliverer{}, Policy: fastPolicy, Log: in.DeliveryLog(),
		DeadLetter: func(_ context.Context, d integrations.Delivery, _ error) {
			deadMu.Lock()
			dead = append(dead, d)
			deadMu.Unlock()
		}}
	pipeline(t, e, d)

	flaky := newReceiver(t, func(n int) (int, string, time.Duration) {
		if n <= 2 {
			return 503, "", 0
		}
		return 200, "", 0
	})
	down := newReceiver(t, func(int) (int, string, time.Duration) { return 500, "", 0 })
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(flaky.URL, false, "POST", "v1/buyers", apptest.ClientID), 201)
	apptest.Must(t, e, "POST", "/v1/webhooks", admin, hook(down.URL, false, "POST", "v1/suppliers", apptest.ClientID), 201)

	apptest.Must(t, e, "POST", "/v1/buyers", admin, map[string]any{"ID": "b9", "Name": "B", "Active": true}, 201)
	calls := flaky.wait(t, 3)
	id := calls[0].Header.Get(integrations.DeliveryIDHeader)
	for _, c := range calls {
		if c.Header.Get(integrations.DeliveryIDHeader) != id || string(c.Body) != string(calls[0].Body) {
			t.Fatal("a retry changed the delivery ID or body")
		}
	}

	apptest.Must(t, e, "POST", "/v1/suppliers", admin, map[string]any{"ID": "s9", "Name": "S", "Active": true}, 201)
	deadline := time.Now().Add(15 * time.Second)
	for {
		deadMu.Lock()
		n := len(dead)
		deadMu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead-lettered %d", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(down.Calls()); n < 3 {
		t.Errorf("down receiver tried %d times", n)
	}
	log := apptest.Must(t, e, "GET", integrations.DeliveriesPath+"?pageSize=10", admin, nil, 200)
	byStatus := map[string]string{}
	for i := range 2 {
		byStatus[log.S("Items."+itoa(i)+".Status")] = log.S("Items." + itoa(i) + ".Attempts")
	}
	if byStatus[integrations.StatusDelivered] != "3" || byStatus[integrations.StatusDeadLettered] == "" {
		t.Fatalf("log %s", log.Raw)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }
