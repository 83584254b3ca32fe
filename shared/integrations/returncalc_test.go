package integrations_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// returnCalcShop is an order shop with a submitted, shipped order of u1:
// line L1, 4 × p1 at 10 (40, no tax, no promotion), p1 returnable. An
// OrderReturn integration event posts to rc; the shopper's API client
// names it when withEvent.
type returnCalcShop struct {
	*apptest.Shop
	rc    *checkoutReceiver
	order string
}

const returnRoute = "calculateorderreturn"

func newReturnCalcShop(t *testing.T, withEvent bool) *returnCalcShop {
	t.Helper()
	s := &returnCalcShop{Shop: apptest.OrderShop(t), rc: newCheckoutReceiver(t)}
	apptest.Must(t, s.E, "PATCH", "/v1/products/p1", s.Admin, map[string]any{"Returnable": true}, 200)
	apptest.Must(t, s.E, "POST", "/v1/integrationEvents", s.Admin, map[string]any{"ID": "returns", "Name": "Returns",
		"EventType": "OrderReturn", "CustomImplementationUrl": s.rc.URL + "/hooks", "HashKey": hashKey,
		"CustomAuthHeaderName": "X-Custom-Auth", "CustomAuthHeaderValue": "let-me-in", "ConfigData": map[string]any{"Mode": "returns"}}, 201)
	if withEvent {
		apptest.Must(t, s.E, "PATCH", "/v1/apiclients/"+s.Client, s.Admin, map[string]any{"OrderReturnIntegrationEventID": "returns"}, 200)
	}
	s.order = s.NewOrder(t, s.Token)
	apptest.Must(t, s.E, "POST", apptest.Outgoing+"/"+s.order+"/lineitems", s.Token, map[string]any{"ID": "L1", "ProductID": "p1", "Quantity": 4}, 201)
	apptest.Submitted(t, s.E.Do("POST", apptest.Outgoing+"/"+s.order+"/submit", s.Token, nil))
	apptest.Must(t, s.E, "POST", "/v1/orders/Incoming/"+s.order+"/ship", s.Admin, map[string]any{}, 201)
	return s
}

// returnBody is a return of the order asking qty units of L1 back, with
// the item's RefundAmount when refund is not nil.
func (s *returnCalcShop) returnBody(id string, qty int, refund any) map[string]any {
	item := map[string]any{"LineItemID": "L1", "Quantity": qty}
	if refund != nil {
		item["RefundAmount"] = refund
	}
	return map[string]any{"ID": id, "OrderID": s.order, "ItemsToReturn": []any{item}}
}

func TestOrderReturnIntegrationRefunds(t *testing.T) {
	t.Parallel()
	s := newReturnCalcShop(t, true)
	s.rc.answer(returnRoute, 200, `{"RefundAmount": 27.5, "ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 17.505}]}`)
	r := apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r1", 2, nil), 201)
	wantDec(t, r, "RefundAmount", "27.5")
	wantDec(t, r, "ItemsToReturn.0.RefundAmount", "17.505")
	g := apptest.Must(t, s.E, "GET", "/v1/orderreturns/r1", s.Token, nil, 200)
	wantDec(t, g, "RefundAmount", "27.5")
	wantDec(t, g, "ItemsToReturn.0.RefundAmount", "17.505")

	call := s.rc.last(t, returnRoute)
	if !call.Signed || call.Auth != "let-me-in" {
		t.Errorf("call: signed %v, auth header %q", call.Signed, call.Auth)
	}
	ret, _ := call.Payload["OrderReturn"].(map[string]any)
	ws, _ := call.Payload["OrderWorksheet"].(map[string]any)
	if ret["ID"] != "r1" || ret["OrderID"] != s.order || ret["RefundAmount"] != nil ||
		ret["ItemsToReturn"].([]any)[0].(map[string]any)["RefundAmount"] != nil {
		t.Errorf("payload OrderReturn: %v", ret)
	}
	if ws["Order"].(map[string]any)["ID"] != s.order || len(ws["LineItems"].([]any)) != 1 || ws["LineItems"].([]any)[0].(map[string]any)["ID"] != "L1" {
		t.Errorf("payload OrderWorksheet: %v", ws)
	}
	if call.Payload["ConfigData"].(map[string]any)["Mode"] != "returns" || call.Payload["Environment"] == nil || call.Payload["OrderCloudAccessToken"] == "" {
		t.Errorf("payload: %v", call.Payload)
	}
	if raw, _ := json.Marshal(call.Payload); len(apptest.InternalFields(string(raw))) > 0 {
		t.Errorf("internal fields sent: %s", raw)
	}

	// Every change asks again; an item the answer leaves out has no
	// refund, and without a return RefundAmount the items' sum is used.
	s.rc.answer(returnRoute, 200, `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": "12.25"}]}`)
	p := apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "changed my mind"}, 200)
	wantDec(t, p, "RefundAmount", "12.25")
	wantDec(t, p, "ItemsToReturn.0.RefundAmount", "12.25")
	s.rc.answer(returnRoute, 200, `{}`)
	p = apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "again"}, 200)
	if p.Get("RefundAmount") != nil || p.Get("ItemsToReturn.0.RefundAmount") != nil {
		t.Errorf("empty answer: %s", p.Raw)
	}

	// What a line may still refund is its full refund (40) less what the
	// other returns hold of it.
	s.rc.answer(returnRoute, 200, `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 30}]}`)
	apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "thirty"}, 200)
	s.rc.answer(returnRoute, 200, `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 10.01}]}`)
	apptest.WantErr(t, s.E.Do("POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 2, nil)), 400, "IntegrationEvent.BadRequest")
	s.rc.answer(returnRoute, 200, `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 10}]}`)
	r2 := apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 2, nil), 201)
	wantDec(t, r2, "RefundAmount", "10")
}

func TestOrderReturnIntegrationSkippedForAdminRefunds(t *testing.T) {
	t.Parallel()
	s := newReturnCalcShop(t, true)
	apptest.Must(t, s.E, "PATCH", "/v1/apiclients/"+apptest.ClientID, s.Admin, map[string]any{"OrderReturnIntegrationEventID": "returns"}, 200)
	s.rc.answer(returnRoute, 200, `{"RefundAmount": 1, "ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 1}]}`)

	// An order administrator giving every item's refund: no call.
	r := apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Admin, s.returnBody("r1", 1, 12), 201)
	wantDec(t, r, "RefundAmount", "12")
	wantDec(t, r, "ItemsToReturn.0.RefundAmount", "12")
	// Or, with no items, the return's.
	r = apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Admin, map[string]any{"ID": "r2", "OrderID": s.order, "RefundAmount": 3}, 201)
	wantDec(t, r, "RefundAmount", "3")
	if n := s.rc.count(); n != 0 {
		t.Fatalf("%d calls for refunds an order administrator gave", n)
	}
	// The refund set stays the administrator's when the shopper changes
	// the return: still nothing to ask.
	apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "thanks"}, 200)
	if n := s.rc.count(); n != 0 {
		t.Fatalf("%d calls after a change of a return whose refunds are set", n)
	}
	// An administrator who leaves the item's refund out is answered by
	// the integration.
	r = apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Admin, s.returnBody("r3", 1, nil), 201)
	wantDec(t, r, "RefundAmount", "1")
	if n := s.rc.count(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	// A shopper's refund amounts are not the administrator's: asked.
	r = apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r4", 1, 9), 201)
	wantDec(t, r, "ItemsToReturn.0.RefundAmount", "1")
}

func TestOrderReturnIntegrationRefused(t *testing.T) {
	t.Parallel()
	s := newReturnCalcShop(t, true)
	s.rc.answer(returnRoute, 200, `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 5}]}`)
	before := apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r1", 1, nil), 201)

	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"error status", `tax service down`, 502, "tax service down"},
		{"not JSON", `<html>`, 200, "not a JSON object"},
		{"a list", `[1]`, 200, "not a JSON object"},
		{"negative return refund", `{"RefundAmount": -1}`, 200, "cannot be negative"},
		{"negative item refund", `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": -0.01}]}`, 200, "cannot be negative"},
		{"refund not a number", `{"RefundAmount": "lots"}`, 200, "not a number"},
		{"refund an object", `{"RefundAmount": {"n": 1}}`, 200, "not a number"},
		{"unknown line", `{"ItemsToReturnCalcs": [{"LineItemID": "L9", "RefundAmount": 1}]}`, 200, "L9"},
		{"line twice", `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 1}, {"LineItemID": "L1", "RefundAmount": 1}]}`, 200, "twice"},
		{"calcs not a list", `{"ItemsToReturnCalcs": {"LineItemID": "L1"}}`, 200, "must be a list"},
		{"item above the line", `{"ItemsToReturnCalcs": [{"LineItemID": "L1", "RefundAmount": 40.01}]}`, 200, "exceeds"},
		{"return above the order", `{"RefundAmount": 1e300}`, 200, "exceeds"},
	} {
		s.rc.answer(returnRoute, tc.status, tc.body)
		r := s.E.Do("POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 3, nil))
		apptest.WantErr(t, r, 400, "IntegrationEvent.BadRequest")
		if !strings.Contains(r.S("Errors.0.Data.UnhandledErrorBody"), tc.want) || r.S("Errors.0.Data.HttpStatusCode") != strconv.Itoa(tc.status) {
			t.Errorf("%s: %s", tc.name, r.Raw)
		}
		apptest.WantErr(t, s.E.Do("GET", "/v1/orderreturns/r2", s.Token, nil), 404, "NotFound")
		apptest.WantErr(t, s.E.Do("PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "x", "ItemsToReturn": []any{map[string]any{"LineItemID": "L1", "Quantity": 2}}}),
			400, "IntegrationEvent.BadRequest")
	}
	after := apptest.Must(t, s.E, "GET", "/v1/orderreturns/r1", s.Token, nil, 200)
	if after.S("LastUpdated") != before.S("LastUpdated") || after.S("ItemsToReturn.0.Quantity") != "1" || after.Get("Comments") != nil {
		t.Errorf("refused changes written: %s", after.Raw)
	}

	// A receiver that does not answer in time, and one that cannot be
	// reached: refused alike.
	s.rc.mu.Lock()
	s.rc.answers[returnRoute] = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}
	s.rc.mu.Unlock()
	start := time.Now()
	r := s.E.Do("POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 3, nil))
	apptest.WantErr(t, r, 400, "IntegrationEvent.BadRequest")
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("slow receiver held the request %s", d)
	}
	apptest.Must(t, s.E, "PATCH", "/v1/integrationEvents/returns", s.Admin, map[string]any{"CustomImplementationUrl": "http://127.0.0.1:1/hooks"}, 200)
	apptest.WantErr(t, s.E.Do("POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 3, nil)), 400, "IntegrationEvent.BadRequest")
	apptest.WantErr(t, s.E.Do("GET", "/v1/orderreturns/r2", s.Token, nil), 404, "NotFound")

	// Nothing refused holds units: the three left can still come back.
	apptest.Must(t, s.E, "PATCH", "/v1/apiclients/"+s.Client, s.Admin, map[string]any{"OrderReturnIntegrationEventID": nil}, 200)
	apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 3, nil), 201)
}

func TestOrderReturnWithoutIntegrationUsesDefault(t *testing.T) {
	t.Parallel()
	s := newReturnCalcShop(t, false)
	r := apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r1", 2, nil), 201)
	wantDec(t, r, "RefundAmount", "20")
	wantDec(t, r, "ItemsToReturn.0.RefundAmount", "20")
	apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Token, map[string]any{"Comments": "still"}, 200)
	if n := s.rc.count(); n != 0 {
		t.Errorf("%d calls for a client without the event", n)
	}
	// The units that complete the line refund what the other returns
	// left of its 40 (here after an administrator's 25 for one unit).
	apptest.Must(t, s.E, "PATCH", "/v1/orderreturns/r1", s.Admin, map[string]any{"ItemsToReturn": []any{map[string]any{"LineItemID": "L1", "Quantity": 1, "RefundAmount": 25}}}, 200)
	r = apptest.Must(t, s.E, "POST", "/v1/orderreturns", s.Token, s.returnBody("r2", 3, nil), 201)
	wantDec(t, r, "ItemsToReturn.0.RefundAmount", "15")
}
