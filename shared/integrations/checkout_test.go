package integrations_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

// Calls to a checkoutReceiver that does not answer end after this, so the
// hostile-checkoutReceiver tests stay short.
func init() { integrations.CheckoutTimeout = 2 * time.Second }

const hashKey = "checkout-hash-key"

// checkoutReceiver plays the integrator: it records every call (route, payload,
// whether its signature verified, the custom auth header) and answers
// each route as told (200 {} by default).
type checkoutReceiver struct {
	*httptest.Server
	mu      sync.Mutex
	calls   []checkoutReceived
	answers map[string]http.HandlerFunc
}

type checkoutReceived struct {
	Route, Auth string
	Signed      bool
	Payload     map[string]any
}

func newCheckoutReceiver(t *testing.T) *checkoutReceiver {
	rc := &checkoutReceiver{answers: map[string]http.HandlerFunc{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var payload map[string]any
		d := json.NewDecoder(strings.NewReader(string(body)))
		d.UseNumber()
		_ = d.Decode(&payload)
		route := strings.TrimPrefix(r.URL.Path, "/hooks/")
		rc.mu.Lock()
		rc.calls = append(rc.calls, checkoutReceived{Route: route, Auth: r.Header.Get("X-Custom-Auth"),
			Signed: integrations.Verify(hashKey, body, r.Header.Get(integrations.HashHeader)), Payload: payload})
		answer := rc.answers[route]
		rc.mu.Unlock()
		if answer == nil {
			w.Write([]byte("{}"))
			return
		}
		answer(w, r)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// answer sets a route's answer: status and raw body.
func (rc *checkoutReceiver) answer(route string, status int, body string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.answers[route] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// last is the last call to a route (failing the test when none).
func (rc *checkoutReceiver) last(t *testing.T, route string) checkoutReceived {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i := len(rc.calls) - 1; i >= 0; i-- {
		if rc.calls[i].Route == route {
			return rc.calls[i]
		}
	}
	t.Fatalf("no call to %s (calls: %v)", route, rc.routes())
	return checkoutReceived{}
}

func (rc *checkoutReceiver) routes() []string {
	var out []string
	for _, c := range rc.calls {
		out = append(out, c.Route)
	}
	return out
}

func (rc *checkoutReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls)
}

// checkoutShop is an order shop whose API client has an OrderCheckout
// integration event posting to a checkoutReceiver.
func checkoutShop(t *testing.T) (*apptest.Shop, *checkoutReceiver) {
	t.Helper()
	s := apptest.OrderShop(t)
	rc := newCheckoutReceiver(t)
	apptest.Must(t, s.E, "POST", "/v1/integrationEvents", s.Admin, map[string]any{"ID": "checkout", "Name": "Checkout",
		"EventType": "OrderCheckout", "CustomImplementationUrl": rc.URL + "/hooks", "HashKey": hashKey,
		"CustomAuthHeaderName": "X-Custom-Auth", "CustomAuthHeaderValue": "let-me-in",
		"ElevatedRoles": []string{"OverrideTax"}, "ConfigData": map[string]any{"Mode": "test"}}, 201)
	apptest.Must(t, s.E, "PATCH", "/v1/apiclients/"+s.Client, s.Admin, map[string]any{"OrderCheckoutIntegrationEventID": "checkout"}, 200)
	return s, rc
}

// wantDec checks a decimal amount exactly.
func wantDec(t *testing.T, r apptest.Resp, path, want string) {
	t.Helper()
	got, err := decimal.NewFromString(r.S(path))
	if err != nil || !got.Equal(decimal.RequireFromString(want)) {
		t.Errorf("%s = %q, want %s", path, r.S(path), want)
	}
}

const shipRates = `{"ShipEstimates":[{"ID":"SE1","ShipEstimateItems":[{"LineItemID":"L1","Quantity":2}],
	"ShipMethods":[{"ID":"GROUND","Name":"Ground","Cost":7.25,"EstimatedTransitDays":5},
	{"ID":"AIR","Name":"Air","Cost":19.99,"EstimatedTransitDays":1}]}],"xp":{"Carrier":"test"}}`

// orderWithLine is an order of u1 with line L1: 2 × p1 at 10.
func orderWithLine(t *testing.T, s *apptest.Shop) string {
	t.Helper()
	id := s.NewOrder(t, s.Token)
	apptest.Must(t, s.E, "POST", apptest.Outgoing+"/"+id+"/lineitems", s.Token, map[string]any{"ID": "L1", "ProductID": "p1", "Quantity": 2}, 201)
	return id
}

func TestCheckoutHappyPath(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id

	rc.answer("shippingrates", 200, shipRates)
	ws := apptest.Must(t, s.E, "POST", path+"/estimateshipping", s.Token, nil, 200)
	if ws.S("ShipEstimateResponse.ShipEstimates.0.ShipMethods.1.ID") != "AIR" || ws.S("ShipEstimateResponse.HttpStatusCode") != "200" ||
		ws.Get("ShipEstimateResponse.Succeeded") != true || ws.S("ShipEstimateResponse.xp.Carrier") != "test" {
		t.Fatalf("estimate: %s", ws.Raw)
	}
	wantDec(t, ws, "ShipEstimateResponse.ShipEstimates.0.ShipMethods.0.Cost", "7.25")
	call := rc.last(t, "shippingrates")
	if !call.Signed || call.Auth != "let-me-in" {
		t.Errorf("shippingrates: signed %v, auth header %q", call.Signed, call.Auth)
	}
	if ws := call.Payload["OrderWorksheet"].(map[string]any); ws["Order"].(map[string]any)["ID"] != id || len(ws["LineItems"].([]any)) != 1 {
		t.Errorf("shippingrates payload: %v", call.Payload)
	}
	if call.Payload["ConfigData"].(map[string]any)["Mode"] != "test" || call.Payload["Environment"] == nil {
		t.Errorf("payload ConfigData/Environment: %v", call.Payload)
	}
	tok, _ := call.Payload["OrderCloudAccessToken"].(string)
	if roles := apptest.TokenRoles(t, tok); !apptest.SameSet(roles, []string{"Shopper", "MeAdmin", "OverrideTax"}) {
		t.Errorf("elevated token roles %v", roles)
	}
	// The token works against the API.
	apptest.Must(t, s.E, "GET", path, tok, nil, 200)

	ws = apptest.Must(t, s.E, "POST", path+"/shipmethods", s.Token,
		map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "AIR"}}}, 200)
	if ws.S("ShipEstimateResponse.ShipEstimates.0.SelectedShipMethodID") != "AIR" {
		t.Fatalf("selection: %s", ws.Raw)
	}
	apptest.WantErr(t, s.E.Do("POST", path+"/shipmethods", s.Token,
		map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "BOAT"}}}), 404, "NotFound")

	// No ShippingTotal: shipping is the selected method's cost.
	rc.answer("ordercalculate", 200, `{"TaxTotal":1.23,"LineItemOverrides":[{"LineItemID":"L1","UnitPrice":9.95}],"xp":{"TaxRate":"0.0615"}}`)
	ws = apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	if ws.Get("OrderCalculateResponse.Succeeded") != true || ws.S("OrderCalculateResponse.xp.TaxRate") != "0.0615" {
		t.Fatalf("calculate: %s", ws.Raw)
	}
	calc := rc.last(t, "ordercalculate")
	sent := calc.Payload["OrderWorksheet"].(map[string]any)["ShipEstimateResponse"].(map[string]any)
	if !calc.Signed || sent["ShipEstimates"].([]any)[0].(map[string]any)["SelectedShipMethodID"] != "AIR" {
		t.Errorf("ordercalculate call: signed %v, sent %v", calc.Signed, sent)
	}
	o := apptest.Must(t, s.E, "GET", path, s.Token, nil, 200)
	wantDec(t, o, "ShippingCost", "19.99")
	wantDec(t, o, "TaxCost", "1.23")
	wantDec(t, o, "Subtotal", "19.9")
	wantDec(t, o, "Total", "41.12")
	l := apptest.Must(t, s.E, "GET", path+"/lineitems/L1", s.Token, nil, 200)
	wantDec(t, l, "UnitPrice", "9.95")
	wantDec(t, l, "LineTotal", "19.9")
	wantDec(t, ws, "Order.Total", "41.12")
	wantDec(t, ws, "LineItems.0.UnitPrice", "9.95")

	// A ShippingTotal given wins over the selection.
	rc.answer("ordercalculate", 200, `{"ShippingTotal":5.5,"TaxTotal":0.1}`)
	apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	o = apptest.Must(t, s.E, "GET", path, s.Token, nil, 200)
	wantDec(t, o, "ShippingCost", "5.5")
	wantDec(t, o, "Total", "25.5") // 19.9 + 5.5 + 0.1

	rc.answer("ordersubmit", 200, `{"xp":{"ERP":"42"}}`)
	apptest.Submitted(t, s.E.Do("POST", path+"/submit", s.Token, nil))
	sub := rc.last(t, "ordersubmit")
	if !sub.Signed || sub.Payload["OrderWorksheet"].(map[string]any)["Order"].(map[string]any)["Status"] != "Open" {
		t.Errorf("ordersubmit call: %+v", sub)
	}
	ws = apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
	if ws.S("OrderSubmitResponse.xp.ERP") != "42" || ws.S("OrderSubmitResponse.HttpStatusCode") != "200" || ws.S("Order.Status") != "Open" {
		t.Errorf("worksheet after submit: %s", ws.Raw)
	}
	if strings.Contains(ws.Raw, "_checkout") || strings.Contains(apptest.Must(t, s.E, "GET", path, s.Token, nil, 200).Raw, "_checkout") {
		t.Error("internal checkout state leaked")
	}
}

func TestCheckoutFailedCalculationIsKept(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	rc.answer("ordercalculate", 502, `tax service down`)
	r := s.E.Do("POST", path+"/calculate", s.Token, nil)
	apptest.WantErr(t, r, 400, "IntegrationEvent.BadRequest")
	ws := apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
	if ws.S("OrderCalculateResponse.HttpStatusCode") != "502" || ws.S("OrderCalculateResponse.UnhandledErrorBody") != "tax service down" ||
		ws.Get("OrderCalculateResponse.Succeeded") != false {
		t.Fatalf("worksheet: %s", ws.Raw)
	}
	o := apptest.Must(t, s.E, "GET", path, s.Token, nil, 200)
	wantDec(t, o, "TaxCost", "0")
	wantDec(t, o, "Total", "20")
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
}

func TestCheckoutChangeClearsCalculation(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	// Never calculated: no submit.
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
	apptest.WantErr(t, s.E.Do("POST", path+"/validate", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")

	rc.answer("shippingrates", 200, shipRates)
	rc.answer("ordercalculate", 200, `{"TaxTotal":2}`)
	apptest.Must(t, s.E, "POST", path+"/estimateshipping", s.Token, nil, 200)
	apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	// A change of quantity clears the estimates and the calculation.
	apptest.Must(t, s.E, "PATCH", path+"/lineitems/L1", s.Token, map[string]any{"Quantity": 3}, 200)
	ws := apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
	if ws.Get("OrderCalculateResponse") != nil || ws.Get("ShipEstimateResponse") != nil {
		t.Fatalf("stale answers shown: %s", ws.Raw)
	}
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
	apptest.WantErr(t, s.E.Do("POST", path+"/shipmethods", s.Token,
		map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "AIR"}}}), 400, "IntegrationEvent.MustCalculateShipping")

	// Calculated again, then the shipping address changes: stale again.
	apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	apptest.Must(t, s.E, "PUT", path+"/shipto", s.Token, map[string]any{"Street1": "1 Main St", "City": "Springfield",
		"State": "IL", "Zip": "62701", "Country": "US"}, 200)
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
	// So does an order xp change.
	apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	apptest.Must(t, s.E, "PATCH", path, s.Token, map[string]any{"xp": map[string]any{"Gift": true}}, 200)
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
	// Calculated as it is now: it goes.
	apptest.Must(t, s.E, "POST", path+"/calculate", s.Token, nil, 200)
	apptest.Submitted(t, s.E.Do("POST", path+"/submit", s.Token, nil))
}

func TestCheckoutWithoutIntegrationEvent(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	for _, step := range []string{"calculate", "estimateshipping"} {
		apptest.WantErr(t, s.E.Do("POST", path+"/"+step, s.Token, nil), 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
		apptest.WantErr(t, s.E.Do("POST", "/v1/cart/"+step, s.Token, nil), 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
	}
	sel := map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "AIR"}}}
	apptest.WantErr(t, s.E.Do("POST", path+"/shipmethods", s.Token, sel), 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
	apptest.WantErr(t, s.E.Do("POST", "/v1/cart/shipmethods", s.Token, sel), 400, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate")
	// The worksheet is the order and its lines; submitting needs no calculation.
	ws := apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
	if ws.S("Order.ID") != id || ws.S("LineItems.0.ID") != "L1" || ws.Get("OrderCalculateResponse") != nil {
		t.Fatalf("worksheet: %s", ws.Raw)
	}
	apptest.Submitted(t, s.E.Do("POST", path+"/submit", s.Token, nil))
}

func TestCheckoutThroughCart(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	apptest.Must(t, s.E, "POST", "/v1/cart/lineitems", s.Token, map[string]any{"ID": "L1", "ProductID": "p1", "Quantity": 1}, 201)
	rc.answer("shippingrates", 200, shipRates)
	rc.answer("ordercalculate", 200, `{"TaxTotal":0.8}`)
	apptest.Must(t, s.E, "POST", "/v1/cart/estimateshipping", s.Token, nil, 200)
	apptest.Must(t, s.E, "POST", "/v1/cart/shipmethods", s.Token,
		map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "GROUND"}}}, 200)
	ws := apptest.Must(t, s.E, "POST", "/v1/cart/calculate", s.Token, nil, 200)
	wantDec(t, ws, "Order.Total", "18.05") // 10 + 7.25 + 0.8
	ws = apptest.Must(t, s.E, "GET", "/v1/cart/worksheet", s.Token, nil, 200)
	if ws.S("OrderCalculateResponse.HttpStatusCode") != "200" || ws.S("ShipEstimateResponse.ShipEstimates.0.SelectedShipMethodID") != "GROUND" {
		t.Fatalf("cart worksheet: %s", ws.Raw)
	}
	apptest.Submitted(t, s.E.Do("POST", "/v1/cart/submit", s.Token, nil))
	rc.last(t, "ordersubmit")
}

func TestCheckoutConfined(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	apptest.BuyerUser(t, s.E, s.Admin, "b1", "u2", "shopper-two")
	other := s.Login("shopper-two", "Shopper")
	for _, step := range []string{"calculate", "estimateshipping"} {
		apptest.WantErr(t, s.E.Do("POST", path+"/"+step, other, nil), 404, "NotFound")
	}
	apptest.WantErr(t, s.E.Do("POST", path+"/shipmethods", other,
		map[string]any{"ShipMethodSelections": []any{map[string]any{"ShipEstimateID": "SE1", "ShipMethodID": "AIR"}}}), 404, "NotFound")
	apptest.WantErr(t, s.E.Do("GET", path+"/worksheet", other, nil), 404, "NotFound")
	if n := rc.count(); n != 0 {
		t.Errorf("the integration was called %d times for another user's order", n)
	}
}

func TestCheckoutHostileReceiver(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	huge := `{"xp":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"garbage", `not json{`, 200, "not a JSON object"},
		{"array", `[1,2]`, 200, "not a JSON object"},
		{"wrong type", `{"TaxTotal":"lots"}`, 200, "TaxTotal"},
		{"negative", `{"TaxTotal":-1}`, 200, "negative"},
		{"unknown line", `{"LineItemOverrides":[{"LineItemID":"nope","UnitPrice":1}]}`, 200, "nope"},
		{"huge", huge, 200, "larger than"},
		{"huge error", strings.Repeat("e", 1<<20), 500, "larger than"},
		{"binary error", "\xff\xfe boom", 500, "boom"},
	} {
		rc.answer("ordercalculate", tc.status, tc.body)
		r := s.E.Do("POST", path+"/calculate", s.Token, nil)
		apptest.WantErr(t, r, 400, "IntegrationEvent.BadRequest")
		ws := apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
		if !strings.Contains(ws.S("OrderCalculateResponse.UnhandledErrorBody"), tc.want) || ws.Get("OrderCalculateResponse.Succeeded") != false {
			t.Errorf("%s: worksheet %.400s", tc.name, ws.Raw)
		}
	}
	o := apptest.Must(t, s.E, "GET", path, s.Token, nil, 200)
	wantDec(t, o, "Total", "20")

	// A checkoutReceiver that never answers: the call ends at the timeout.
	rc.mu.Lock()
	rc.answers["ordercalculate"] = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}
	rc.mu.Unlock()
	start := time.Now()
	apptest.WantErr(t, s.E.Do("POST", path+"/calculate", s.Token, nil), 400, "IntegrationEvent.BadRequest")
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("slow checkoutReceiver held the request %s", d)
	}
	ws := apptest.Must(t, s.E, "GET", path+"/worksheet", s.Token, nil, 200)
	if !strings.Contains(ws.S("OrderCalculateResponse.UnhandledErrorBody"), "did not answer") {
		t.Errorf("timeout: %s", ws.Raw)
	}
	// An unreachable checkoutReceiver.
	apptest.Must(t, s.E, "PATCH", "/v1/integrationEvents/checkout", s.Admin, map[string]any{"CustomImplementationUrl": "http://127.0.0.1:1/hooks"}, 200)
	apptest.WantErr(t, s.E.Do("POST", path+"/estimateshipping", s.Token, nil), 400, "IntegrationEvent.BadRequest")
	apptest.WantErr(t, s.E.Do("POST", path+"/submit", s.Token, nil), 400, "Order.CannotSubmitUncalculatedOrder")
}

func TestIntegrationEvents(t *testing.T) {
	t.Parallel()
	s, _ := checkoutShop(t)
	e, admin := s.E, s.Admin
	ev := apptest.Must(t, e, "GET", "/v1/integrationEvents/checkout", admin, nil, 200)
	if ev.S("EventType") != "OrderCheckout" || ev.S("HashKey") != hashKey || ev.Get("CustomAuthHeaderValue") != nil ||
		strings.Contains(ev.Raw, "let-me-in") || ev.S("ElevatedRoles.0") != "OverrideTax" {
		t.Fatalf("event: %s", ev.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/integrationEvents?search=Checkout", admin, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Errorf("list: %s", l.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/integrationEvents/checkout", admin, map[string]any{"EventType": "OrderReturn"}), 400, "IntegrationEvent.CannotEditType")
	apptest.WantErr(t, e.Do("POST", "/v1/integrationEvents", admin, map[string]any{"Name": "x", "EventType": "OrderCheckout",
		"CustomImplementationUrl": "https://example.com", "HashKey": "k", "CustomAuthHeaderName": "X-A"}), 400, "Integration.CustomAuthHeaderValueRequired")
	apptest.WantErr(t, e.Do("POST", "/v1/integrationEvents", admin, map[string]any{"Name": "x", "EventType": "OrderCheckout",
		"CustomImplementationUrl": "not a url", "HashKey": "k"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/integrationEvents", admin, map[string]any{"Name": "x", "EventType": "OrderCheckout",
		"CustomImplementationUrl": "https://example.com"}), 400, "ValidationFailure")
	// A buyer user cannot read them.
	apptest.WantErr(t, e.Do("GET", "/v1/integrationEvents/checkout", s.Token, nil), 403, "Auth.InsufficientRoles")

	// The API client shows the event's name; it must name an event of the right type.
	cl := apptest.Must(t, e, "GET", "/v1/apiclients/"+s.Client, admin, nil, 200)
	if cl.S("OrderCheckoutIntegrationEventName") != "Checkout" {
		t.Errorf("client: %s", cl.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/apiclients/"+s.Client, admin, map[string]any{"OrderCheckoutIntegrationEventID": "nope"}), 404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/integrationEvents", admin, map[string]any{"ID": "returns", "Name": "Returns", "EventType": "OrderReturn",
		"CustomImplementationUrl": "https://example.com/returns", "HashKey": "k"}, 201)
	apptest.WantErr(t, e.Do("PATCH", "/v1/apiclients/"+s.Client, admin, map[string]any{"OrderCheckoutIntegrationEventID": "returns"}), 400, "IntegrationEvent.IncompatibleEventType")
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+s.Client, admin, map[string]any{"OrderReturnIntegrationEventID": "returns"}, 200)

	// An event in use stays.
	apptest.WantErr(t, e.Do("DELETE", "/v1/integrationEvents/checkout", admin, nil), 400, "IntegrationEvent.CannotDeleteInUse")
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+s.Client, admin, map[string]any{"OrderCheckoutIntegrationEventID": nil}, 200)
	apptest.Must(t, e, "DELETE", "/v1/integrationEvents/checkout", admin, nil, 204)
	apptest.WantErr(t, e.Do("DELETE", "/v1/integrationEvents/returns", admin, nil), 400, "IntegrationEvent.CannotDeleteInUse")
	// Deleting the client frees it.
	apptest.Must(t, e, "DELETE", "/v1/apiclients/"+s.Client, admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/integrationEvents/returns", admin, nil, 204)
}

func TestCheckoutApproval(t *testing.T) {
	t.Parallel()
	s, rc := checkoutShop(t)
	e, admin := s.E, s.Admin
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "managers", "Name": "managers"}, 201)
	apptest.BuyerUser(t, e, admin, "b1", "m1", "manager-one")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "managers", "UserID": "m1"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ID": "all", "Name": "all",
		"ApprovingGroupID": "managers", "RuleExpression": "order.Total > 1"}, 201)
	manager := s.Login("manager-one", "Shopper")

	id := orderWithLine(t, s)
	path := apptest.Outgoing + "/" + id
	rc.answer("ordercalculate", 200, `{"TaxTotal":1}`)
	rc.answer("ordersubmitforapproval", 200, `{"xp":{"Held":true}}`)
	rc.answer("orderapproved", 202, `{"xp":{"Imported":"yes"}}`)
	apptest.Must(t, e, "POST", path+"/calculate", s.Token, nil, 200)
	if r := apptest.Submitted(t, e.Do("POST", path+"/submit", s.Token, nil)); r.S("Status") != "AwaitingApproval" {
		t.Fatalf("submit: %s", r.Raw)
	}
	if c := rc.last(t, "ordersubmitforapproval"); !c.Signed {
		t.Error("ordersubmitforapproval unsigned")
	}
	apptest.Must(t, e, "POST", path+"/approve", manager, map[string]any{"Comments": "fine"}, 201)
	if c := rc.last(t, "orderapproved"); !c.Signed || c.Payload["OrderWorksheet"].(map[string]any)["Order"].(map[string]any)["Status"] != "Open" {
		t.Errorf("orderapproved call: %+v", c)
	}
	ws := apptest.Must(t, e, "GET", path+"/worksheet", s.Token, nil, 200)
	if ws.Get("OrderSubmitForApprovalResponse.xp.Held") != true || ws.S("OrderApprovedResponse.xp.Imported") != "yes" ||
		ws.S("OrderApprovedResponse.HttpStatusCode") != "202" || ws.Get("OrderSubmitResponse") != nil {
		t.Errorf("worksheet: %s", ws.Raw)
	}
}
