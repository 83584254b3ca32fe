package subscriptions_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

// hostedApp is a subscription integration's (or message sender's)
// receiver: it records each call whose signature verifies with key, and
// answers with answer.
type hostedApp struct {
	t   *testing.T
	key string
	srv *httptest.Server

	mu     sync.Mutex
	calls  []hostedCall
	answer string
}

type hostedCall struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

func newHostedApp(t *testing.T, key string) *hostedApp {
	h := &hostedApp{t: t, key: key, answer: `{"HttpStatusCode":200,"UnhandledErrorBody":null}`}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if !integrations.Verify(h.key, raw, r.Header.Get(integrations.HashHeader)) {
			t.Errorf("%s: signature does not verify", r.URL.Path)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("%s: %v", r.URL.Path, err)
		}
		h.mu.Lock()
		h.calls = append(h.calls, hostedCall{Path: r.URL.Path, Header: r.Header, Body: body})
		answer := h.answer
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hostedApp) all() []hostedCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hostedCall(nil), h.calls...)
}

func (h *hostedApp) setAnswer(a string) {
	h.mu.Lock()
	h.answer = a
	h.mu.Unlock()
}

// integrated configures an active subscription integration posting to
// app, whose API client's default context user is the marketplace owner.
func integrated(t *testing.T, s *subShop, app *hostedApp, extra map[string]any) {
	t.Helper()
	client := apptest.BuyerClient(t, s.E, s.Admin, map[string]any{"DefaultContextUserName": apptest.AdminUsername})
	body := map[string]any{"ApiClientID": client, "HashKey": app.key, "Active": true, "Url": app.srv.URL + "/api/subscriptions",
		"CustomAuthHeaderName": "X-App-Auth", "CustomAuthHeaderValue": "let-me-in"}
	for k, v := range extra {
		body[k] = v
	}
	apptest.Must(t, s.E, "PUT", "/v1/integrations/subscription", s.Admin, body, 200)
}

func TestSubscriptionIntegrationSuccessAndFailure(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	app := newHostedApp(t, "hk")
	integrated(t, s, app, nil)
	subscribed(t, s, nil)

	// Due: the order is placed, left unsubmitted, and posted to /success.
	if res := run(t, s, due.Add(time.Minute)); res.Ordered != 1 {
		t.Fatalf("run: %+v", res)
	}
	run(t, s, due.Add(2*time.Minute)) // a later run: nothing more
	calls := app.all()
	if len(calls) != 1 || calls[0].Path != "/api/subscriptions/success" {
		t.Fatalf("calls: %+v", calls)
	}
	c := calls[0]
	if c.Header.Get("X-App-Auth") != "let-me-in" {
		t.Errorf("custom auth header: %q", c.Header.Get("X-App-Auth"))
	}
	ws, _ := c.Body["OrderWorksheet"].(map[string]any)
	order, _ := ws["Order"].(map[string]any)
	lines, _ := ws["LineItems"].([]any)
	subDoc, _ := ws["Subscription"].(map[string]any)
	if c.Body["Environment"] != "Production" || api.Str(order, "ID") != orderID("s1", due) || api.Str(order, "Status") != "Unsubmitted" ||
		len(lines) != 1 || api.Str(subDoc, "ID") != "s1" || c.Body["ErrorCode"] != nil || len(c.Body["UnavailableProductIDs"].([]any)) != 0 {
		t.Errorf("success payload: %v", c.Body)
	}
	// The token is the API client's default context user's, and works.
	tok, _ := c.Body["OrderCloudAccessToken"].(string)
	if tok == "" || apptest.Claims(t, tok)["usr"] != apptest.AdminUsername {
		t.Fatalf("token: %q", tok)
	}
	apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due), tok, nil, 200)
	// The order waits for the hosted app, with its answer in the worksheet.
	w := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due)+"/worksheet", admin, nil, 200)
	if w.S("Order.Status") != "Unsubmitted" || w.Get("SubscriptionIntegrationResponse.Succeeded") != true ||
		w.S("SubscriptionIntegrationResponse.HttpStatusCode") != "200" {
		t.Errorf("worksheet: %s", w.Raw)
	}
	if got := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200).S("NextOrderDate"); got != api.FormatTime(due.AddDate(0, 0, 1)) {
		t.Errorf("NextOrderDate %s", got)
	}

	// The next date's only item is no longer sold: /failure, with why.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Active": false}, 200)
	next := due.AddDate(0, 0, 1)
	if res := run(t, s, next); res.Failed != 1 {
		t.Fatalf("run: %+v", res)
	}
	calls = app.all()
	if len(calls) != 2 || calls[1].Path != "/api/subscriptions/failure" {
		t.Fatalf("calls: %+v", calls)
	}
	f := calls[1].Body
	if ids := apptest.Strings(f["UnavailableProductIDs"]); len(ids) != 1 || ids[0] != "p1" || f["ErrorCode"] != "Order.CannotSubmitWithNoLineItems" {
		t.Errorf("failure payload: %v", f)
	}

	// An answer saying it failed is kept in the worksheet and reported.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Active": true}, 200)
	app.setAnswer(`{"HttpStatusCode":502,"UnhandledErrorBody":"card declined"}`)
	third := next.AddDate(0, 0, 1)
	if _, err := e.App.RunSubscriptions(context.Background(), third); err == nil {
		t.Errorf("a failed answer was not reported")
	}
	w = apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", third)+"/worksheet", admin, nil, 200)
	if w.Get("SubscriptionIntegrationResponse.Succeeded") != false || w.S("SubscriptionIntegrationResponse.UnhandledErrorBody") != "card declined" {
		t.Errorf("worksheet after a failed answer: %s", w.Raw)
	}

	// An inactive integration takes nothing: the run submits itself.
	apptest.Must(t, e, "PATCH", "/v1/integrations/subscription", admin, map[string]any{"Active": false}, 200)
	fourth := third.AddDate(0, 0, 1)
	if res := run(t, s, fourth); res.Ordered != 1 {
		t.Fatalf("run: %+v", res)
	}
	if st := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", fourth), admin, nil, 200).S("Status"); st != "Open" {
		t.Errorf("status %s without an active integration, want Open", st)
	}
	if n := len(app.all()); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestSubscriptionReminderMessage(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	app := newHostedApp(t, "hk")
	integrated(t, s, app, map[string]any{"NotificationDays": 3})
	mail := newHostedApp(t, "mk")
	apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "ms1", "Name": "Mail", "Description": "d",
		"URL": mail.srv.URL + "/msg/{messagetype}", "SharedKey": "mk", "MessageTypes": []string{"SubscriptionReminder"}}, 201)
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"}, 204)
	subscribed(t, s, nil)

	if got := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200).S("NotificationDate"); got != api.FormatTime(due.AddDate(0, 0, -3)) {
		t.Errorf("NotificationDate %s", got)
	}
	run(t, s, due.AddDate(0, 0, -4)) // too early
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); run(t, s, due.AddDate(0, 0, -3)) }()
	}
	wg.Wait()
	got := mail.all()
	if len(got) != 1 || got[0].Path != "/msg/subscriptionreminder" {
		t.Fatalf("messages: %+v", got)
	}
	m := got[0].Body
	rcpt, _ := m["Recipient"].(map[string]any)
	body, _ := m["EventBody"].(map[string]any)
	subDoc, _ := body["Subscription"].(map[string]any)
	if m["MessageType"] != "SubscriptionReminder" || api.Str(rcpt, "ID") != "u1" || api.Str(subDoc, "ID") != "s1" ||
		len(body["SubscriptionItems"].([]any)) != 1 {
		t.Errorf("reminder: %v", m)
	}
	if n := len(app.all()); n != 0 {
		t.Errorf("the integration was called %d times before the order date", n)
	}
}

func TestRunNearItsDeadlineLeavesDatesDue(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	subscribed(t, s, nil)
	// Too little time left to place an order and tell the integration: the
	// date stays due for the next run rather than being cut off half-way.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if res, err := s.E.App.RunSubscriptions(ctx, due); err != nil || res.Ordered != 0 {
		t.Fatalf("run near its deadline: %+v %v", res, err)
	}
	if res := run(t, s, due.Add(time.Minute)); res.Ordered != 1 {
		t.Errorf("next run: %+v", res)
	}
}
