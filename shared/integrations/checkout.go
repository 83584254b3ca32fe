package integrations

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The order checkout integration: the OrderCheckout integration event of
// the caller's API client is called, synchronously and signed, at the
// checkout's steps — shipping rates (estimateshipping), the calculation
// (calculate: shipping, tax, fees and unit price overrides applied to the
// order), the submit (ordersubmit, or ordersubmitforapproval when the order
// awaits approval) and the approval (orderapproved). Each answer is kept in
// the order's worksheet with its HTTP status, and the error body when it
// failed.
//
// What an answer was computed from is kept with it as a fingerprint of the
// order's inputs (lines, quantities, prices, addresses, costs, xp): an
// order changed since no longer matches, so its ship estimates and
// calculation read as cleared, whichever path changed it (line items,
// addresses, a patch), and it cannot be submitted until calculated again.

// CheckoutTimeout bounds each call to the integrator, from the request
// sent to the answer read. A variable so tests (and a deployment that
// knows its integrator) can change it before serving.
var CheckoutTimeout = 10 * time.Second

// Bounds of what the platform takes from an integrator: an answer larger
// than maxAnswer is a failure; an error body is kept up to maxErrorBody.
const (
	maxAnswer    = 64 << 10
	maxErrorBody = 8 << 10
)

// Environment is what the calls' payloads name as the environment.
const Environment = "Production"

var (
	worksheetModel         = contract.MustModel("OrderWorksheet")
	shipEstimateRespModel  = contract.MustModel("ShipEstimateResponse")
	calculateRespModel     = contract.MustModel("OrderCalculateResponse")
	submitRespModel        = contract.MustModel("OrderSubmitResponse")
	submitForApprovalModel = contract.MustModel("OrderSubmitForApprovalResponse")
	approvedRespModel      = contract.MustModel("OrderApprovedResponse")
	selectionModel         = contract.MustModel("OrderShipMethodSelection")
)

// The keys of the checkout state (orders.CheckoutField).
const (
	keyShip     = "ShipEstimateResponse"
	keyShipFrom = "ShipKey"
	keyCalc     = "OrderCalculateResponse"
	keyCalcFrom = "CalcKey"
)

// errNotConfigured answers a checkout step of a caller whose API client
// has no OrderCheckout integration event.
var errNotConfigured = api.E(http.StatusBadRequest, "IntegrationEvent.ApiClientNotConfiguredForOrderCalculate", nil)

func (in *Integrations) declareCheckout(r *resource.Registry) {
	in.declareIntegrationEvents(r)
	r.Handle("IntegrationEvents.EstimateShipping", in.estimateShippingHTTP)
	r.Handle("IntegrationEvents.SelectShipmethods", in.selectShipMethodsHTTP)
	r.Handle("IntegrationEvents.Calculate", in.calculateHTTP)
	r.Handle("IntegrationEvents.GetWorksheet", in.worksheetHTTP)
	// Submitting needs a current calculation, and tells the integrator.
	in.orders.OnSubmit(in.checkoutSubmitStep)
	in.orders.OnApproved(in.checkoutApproved)
}

// checkoutEvent is the OrderCheckout integration event of the caller's
// API client (the token's cid).
func (in *Integrations) checkoutEvent(c *resource.Ctx) (api.Doc, error) {
	v, err := c.Memo("checkoutEvent", func() (any, error) {
		if c.P == nil || c.P.ClientID == "" {
			return nil, errNotConfigured
		}
		client, err := c.Reg.Load(c, in.access.ApiClients, nil, c.P.ClientID)
		if isNotFound(err) {
			return nil, errNotConfigured
		}
		if err != nil {
			return nil, err
		}
		id := api.Str(client.Doc, "OrderCheckoutIntegrationEventID")
		if id == "" {
			return nil, errNotConfigured
		}
		ev, err := in.loadEvent(c, id)
		if isNotFound(err) || (err == nil && api.Str(ev, "EventType") != "OrderCheckout") {
			return nil, errNotConfigured
		}
		return ev, err
	})
	if err != nil {
		return nil, err
	}
	return v.(api.Doc), nil
}

// readForCheckout reads the path's order for a checkout step: the caller
// must have the integration, and the order must still be open to change.
func (in *Integrations) readForCheckout(c *resource.Ctx) (api.Doc, *orders.CheckoutOrder, error) {
	ev, err := in.checkoutEvent(c)
	if err != nil {
		return nil, nil, err
	}
	dir, err := orders.ParseDirection(c.Param("direction"))
	if err != nil {
		return nil, nil, err
	}
	co, err := in.orders.ReadCheckout(c, c.P, dir, c.Param("orderID"))
	if err != nil {
		return nil, nil, err
	}
	if err := orders.CheckoutEditable(co.Order); err != nil {
		return nil, nil, err
	}
	return ev, co, nil
}

// estimateShippingHTTP asks the integrator for the order's shipping rates
// ({url}/shippingrates) and keeps them in the worksheet.
func (in *Integrations) estimateShippingHTTP(c *resource.Ctx) (any, error) {
	ev, co, err := in.readForCheckout(c)
	if err != nil {
		return nil, err
	}
	answer := in.call(c, ev, "shippingrates", worksheet(co.Order, co.Lines), shipEstimateRespModel)
	if succeeded(answer) {
		for _, e := range docs(answer["ShipEstimates"]) {
			if methodOf(e, api.Str(e, "SelectedShipMethodID")) == nil {
				e["SelectedShipMethodID"] = nil
			}
		}
	}
	st := stateFor(co.Order)
	st[keyShip], st[keyShipFrom] = answer, shipKey(co.Order, co.Lines)
	return in.saveAndAnswer(c, co, nil, false, answer)
}

// selectShipMethodsHTTP records the ship methods chosen among the current
// estimates.
func (in *Integrations) selectShipMethodsHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(selectionModel, false)
	if err != nil {
		return nil, err
	}
	_, co, err := in.readForCheckout(c)
	if err != nil {
		return nil, err
	}
	ship := currentShip(co.Order, co.Lines)
	if ship == nil || !succeeded(ship) {
		return nil, api.E(http.StatusBadRequest, "IntegrationEvent.MustCalculateShipping", nil)
	}
	estimates := docs(ship["ShipEstimates"])
	if len(estimates) == 0 {
		return nil, api.E(http.StatusBadRequest, "IntegrationEvent.MustHaveShipEstimates", nil)
	}
	for _, sel := range docs(body["ShipMethodSelections"]) {
		id, method := api.Str(sel, "ShipEstimateID"), api.Str(sel, "ShipMethodID")
		i := slices.IndexFunc(estimates, func(e api.Doc) bool { return api.Str(e, "ID") == id })
		if i < 0 {
			return nil, api.NotFound("ShipEstimate", id)
		}
		if methodOf(estimates[i], method) == nil {
			return nil, api.NotFound("ShipMethod", method)
		}
		estimates[i]["SelectedShipMethodID"] = method
	}
	return in.saveAndAnswer(c, co, nil, false, ship)
}

// calculateHTTP asks the integrator to calculate the order
// ({url}/ordercalculate) and applies its answer: the shipping total (or,
// without one, the selected ship methods' costs), the tax and fee totals,
// and the line items' unit price overrides.
func (in *Integrations) calculateHTTP(c *resource.Ctx) (any, error) {
	ev, co, err := in.readForCheckout(c)
	if err != nil {
		return nil, err
	}
	answer := in.call(c, ev, "ordercalculate", worksheet(co.Order, co.Lines), calculateRespModel)
	var repriced []api.Doc
	if succeeded(answer) {
		if repriced, err = applyCalculation(co, answer); err != nil {
			answer = failure(answer["HttpStatusCode"], err.Error())
		}
	}
	stateFor(co.Order)[keyCalc] = answer
	return in.saveAndAnswer(c, co, repriced, true, answer)
}

// saveAndAnswer writes the order with its checkout state and answers with
// the worksheet; a failed answer is kept, then reported as the documented
// error with what the integrator said. calculated says the step was a
// calculation: the order then settles (when it succeeded) and the
// calculation records what it was made from.
func (in *Integrations) saveAndAnswer(c *resource.Ctx, co *orders.CheckoutOrder, repriced []api.Doc, calculated bool, answer api.Doc) (any, error) {
	var recorded func(o api.Doc, lines []api.Doc)
	if calculated {
		recorded = func(o api.Doc, lines []api.Doc) { stateFor(o)[keyCalcFrom] = calcKey(o, lines) }
	}
	if _, err := in.orders.WriteCheckout(c, c.P, co, repriced, calculated && succeeded(answer), recorded); err != nil {
		return nil, err
	}
	if !succeeded(answer) {
		return nil, callFailed(answer)
	}
	c.Status = http.StatusOK // a POST that creates nothing
	return api.Ordered{Model: worksheetModel, Doc: worksheet(co.Order, co.Lines)}, nil
}

// callFailed is the error answering a step whose call failed.
func callFailed(answer api.Doc) error {
	return api.E(http.StatusBadRequest, "IntegrationEvent.BadRequest",
		map[string]any{"HttpStatusCode": answer["HttpStatusCode"], "UnhandledErrorBody": answer["UnhandledErrorBody"]})
}

// applyCalculation applies a calculation's answer to the order read,
// returning the lines whose price it overrode. An answer naming a line the
// order lacks, or a negative amount, is refused whole.
func applyCalculation(co *orders.CheckoutOrder, answer api.Doc) ([]api.Doc, error) {
	for _, k := range []string{"ShippingTotal", "TaxTotal", "FeeTotal"} {
		if answer[k] != nil && api.Dec(answer[k]).IsNegative() {
			return nil, fmt.Errorf("%s cannot be negative.", k)
		}
	}
	prices := map[string]decimal.Decimal{}
	for _, o := range docs(answer["LineItemOverrides"]) {
		id := api.Str(o, "LineItemID")
		if !slices.ContainsFunc(co.Lines, func(l api.Doc) bool { return api.Str(l, "ID") == id }) {
			return nil, fmt.Errorf("LineItemOverrides names line item %q, which the order does not have.", id)
		}
		if o["UnitPrice"] == nil {
			continue
		}
		if p := api.Dec(o["UnitPrice"]); p.IsNegative() {
			return nil, fmt.Errorf("The UnitPrice of line item %q cannot be negative.", id)
		} else {
			prices[id] = p
		}
	}
	shipping := answer["ShippingTotal"]
	if shipping == nil {
		if sum, ok := selectedCost(currentShip(co.Order, co.Lines)); ok {
			shipping = api.Money(sum)
		}
	}
	if shipping != nil {
		co.Order["ShippingCost"] = api.Money(api.Dec(shipping))
	}
	if answer["TaxTotal"] != nil {
		co.Order["TaxCost"] = api.Money(api.Dec(answer["TaxTotal"]))
	}
	if answer["FeeTotal"] != nil {
		co.Order["Fees"] = api.Money(api.Dec(answer["FeeTotal"]))
	}
	var repriced []api.Doc
	for _, l := range co.Lines {
		if p, ok := prices[api.Str(l, "ID")]; ok {
			orders.OverridePrice(l, p)
			repriced = append(repriced, l)
		}
	}
	return repriced, nil
}

// selectedCost is the sum of the selected ship methods' costs, when every
// estimate has one selected.
func selectedCost(ship api.Doc) (decimal.Decimal, bool) {
	sum := decimal.Zero
	estimates := docs(ship["ShipEstimates"])
	if ship == nil || !succeeded(ship) || len(estimates) == 0 {
		return sum, false
	}
	for _, e := range estimates {
		m := methodOf(e, api.Str(e, "SelectedShipMethodID"))
		if m == nil {
			return sum, false
		}
		sum = sum.Add(api.Dec(m["Cost"]))
	}
	return sum, true
}

// worksheetHTTP is the order's worksheet: the order, its lines and the
// integrator's current answers.
func (in *Integrations) worksheetHTTP(c *resource.Ctx) (any, error) {
	dir, err := orders.ParseDirection(c.Param("direction"))
	if err != nil {
		return nil, err
	}
	co, err := in.orders.ReadCheckout(c, c.P, dir, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: worksheetModel, Doc: worksheet(co.Order, co.Lines)}, nil
}

// checkoutSubmitStep refuses to submit, for a caller whose API client has
// the integration, an order not calculated since it last changed; once the
// order is submitted, the integrator hears of it.
func (in *Integrations) checkoutSubmitStep(c *resource.Ctx, sub *orders.Submission) error {
	ev, err := in.checkoutEvent(c)
	if errors.Is(err, errNotConfigured) {
		return nil
	}
	if err != nil {
		return err
	}
	if calc := currentCalc(sub.Order, sub.Lines); calc == nil || !succeeded(calc) {
		return api.E(http.StatusBadRequest, "Order.CannotSubmitUncalculatedOrder", nil)
	}
	if sub.DryRun {
		return nil
	}
	order, lines := sub.Order, sub.Lines
	sub.Tx.AfterCommit(func() {
		route, key, m := "ordersubmit", "OrderSubmitResponse", submitRespModel
		if api.Str(order, "Status") == commerce.AwaitingApproval {
			route, key, m = "ordersubmitforapproval", "OrderSubmitForApprovalResponse", submitForApprovalModel
		}
		in.notify(c, ev, api.Str(order, "ID"), route, key, m, worksheet(order, lines))
	})
	return nil
}

// checkoutApproved tells the integrator of an order an approval opened.
func (in *Integrations) checkoutApproved(c *resource.Ctx, order api.Doc) {
	ev, err := in.checkoutEvent(c)
	if err != nil {
		return
	}
	co, err := in.orders.ReadCheckoutAfter(c, c.P, api.Str(order, "ID"))
	if err != nil {
		slog.Warn("checkout integration: reading the approved order", "order", order["ID"], "err", err)
		return
	}
	in.notify(c, ev, api.Str(order, "ID"), "orderapproved", "OrderApprovedResponse", approvedRespModel, worksheet(co.Order, co.Lines))
}

// notify makes a call that reports what happened to an order (submitted,
// approved) and keeps the answer in its worksheet. The order's change is
// done: a failed call is recorded, never undone.
func (in *Integrations) notify(c *resource.Ctx, ev api.Doc, orderID, route, key string, m *contract.Model, ws api.Doc) {
	answer := in.call(c, ev, route, ws, m)
	err := resource.RetryFor(c, 5*time.Second, func() error {
		co, err := in.orders.ReadCheckoutAfter(c, c.P, orderID)
		if err != nil {
			return err
		}
		stateFor(co.Order)[key] = answer
		_, err = in.orders.WriteCheckout(c, c.P, co, nil, false, nil)
		return err
	})
	if err != nil {
		slog.Warn("checkout integration: recording the answer", "order", orderID, "route", route, "err", err)
	}
}

// The calls.

// checkoutClient follows no redirects: the integrator's URL is where the
// signed order goes, nowhere else.
var checkoutClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// call posts the worksheet to the event's route and returns the answer as
// a doc of model m, with HttpStatusCode, UnhandledErrorBody and Succeeded
// set by the platform. It never fails: a failed call is a failed answer.
func (in *Integrations) call(c *resource.Ctx, ev api.Doc, route string, ws api.Doc, m *contract.Model) api.Doc {
	body, err := json.Marshal(map[string]any{
		"ConfigData":            ev["ConfigData"],
		"Environment":           Environment,
		"OrderCloudAccessToken": in.elevatedToken(c, ev),
		"OrderWorksheet":        api.Ordered{Model: worksheetModel, Doc: ws},
	})
	if err != nil {
		return failure(nil, "The worksheet could not be encoded.")
	}
	status, raw, err := post(c, ev, route, body)
	if err != nil {
		return failure(nil, err.Error())
	}
	return answerOf(m, status, raw)
}

// post sends one signed call and reads at most maxAnswer+1 bytes back.
func post(ctx context.Context, ev api.Doc, route string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, CheckoutTimeout)
	defer cancel()
	url := strings.TrimRight(api.Str(ev, "CustomImplementationUrl"), "/") + "/" + route
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("The integration event's URL cannot be called.")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HashHeader, Sign(api.Str(ev, "HashKey"), body))
	if name := api.Str(ev, "CustomAuthHeaderName"); name != "" {
		req.Header.Set(name, api.Str(ev, "CustomAuthHeaderValue"))
	}
	resp, err := checkoutClient.Do(req)
	if err != nil {
		return 0, nil, callError(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return 0, nil, callError(ctx, err)
	}
	return resp.StatusCode, raw, nil
}

// callError says why a call failed without exposing the platform's
// internals.
func callError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("The integration did not answer within %s.", CheckoutTimeout)
	}
	return fmt.Errorf("The integration could not be reached.")
}

// answerOf reads an integrator's answer as a doc of model m.
func answerOf(m *contract.Model, status int, raw []byte) api.Doc {
	code := api.Num(int64(status))
	switch {
	case len(raw) > maxAnswer:
		return failure(code, fmt.Sprintf("The answer is larger than %d bytes.", maxAnswer))
	case status/100 != 2:
		return failure(code, clip(raw))
	}
	d := api.Doc{}
	if len(bytes.TrimSpace(raw)) > 0 {
		var err error
		if d, err = api.DecodeDoc(raw); err != nil {
			return failure(code, "The answer is not a JSON object: "+clip(raw))
		}
	}
	out, aerr := api.Clean(m, d, true)
	if aerr != nil {
		return failure(code, "The answer is not a valid "+m.Name+": "+aerr.Message)
	}
	out["HttpStatusCode"], out["UnhandledErrorBody"], out["Succeeded"] = code, nil, true
	return out
}

// failure is a failed answer.
func failure(status any, body string) api.Doc {
	return api.Doc{"HttpStatusCode": status, "UnhandledErrorBody": body, "Succeeded": false}
}

// clip is an error body as kept: valid text, at most maxErrorBody bytes.
func clip(raw []byte) string {
	if len(raw) > maxErrorBody {
		raw = raw[:maxErrorBody]
		for len(raw) > 0 && !utf8.Valid(raw) {
			raw = raw[:len(raw)-1]
		}
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// elevatedToken is the token the payload carries for the integrator to
// call back: the caller's, with the event's ElevatedRoles (those the
// caller's user type may hold), for a few minutes.
func (in *Integrations) elevatedToken(c *resource.Ctx, ev api.Doc) string {
	if c.P == nil || c.Deps.Signer == nil {
		return ""
	}
	claims := c.P.Claims
	roles := slices.Clone(c.P.Roles)
	for _, r := range api.Strings(ev["ElevatedRoles"]) {
		if auth.RoleApplies(c.P.UserType, r) && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	claims.Role = roles
	tok, err := c.Deps.Signer.Issue(claims, 10*time.Minute)
	if err != nil {
		return ""
	}
	return tok
}

// The worksheet and the checkout state.

// worksheet is the order's worksheet: the order, its lines, and the
// integrator's answers still current.
func worksheet(order api.Doc, lines []api.Doc) api.Doc {
	ls := make([]any, len(lines))
	for i, l := range lines {
		ls[i] = map[string]any(l)
	}
	ws := api.Doc{"Order": order, "LineItems": ls, "OrderPromotions": []any{}}
	if r := currentShip(order, lines); r != nil {
		ws[keyShip] = r
	}
	if r := currentCalc(order, lines); r != nil {
		ws[keyCalc] = r
	}
	st := stateOf(order)
	for _, k := range []string{"OrderSubmitResponse", "OrderSubmitForApprovalResponse", "OrderApprovedResponse", keySubscription} {
		if st[k] != nil {
			ws[k] = st[k]
		}
	}
	return ws
}

// stateOf is the order's checkout state (empty when it has none).
func stateOf(order api.Doc) api.Doc {
	st, _ := order[orders.CheckoutField].(map[string]any)
	return st
}

// stateFor is the order's checkout state, made when absent.
func stateFor(order api.Doc) api.Doc {
	st := stateOf(order)
	if st == nil {
		st = api.Doc{}
		order[orders.CheckoutField] = st
	}
	return st
}

// currentShip is the ship estimate answer, unless the order has changed
// since.
func currentShip(order api.Doc, lines []api.Doc) api.Doc {
	st := stateOf(order)
	r, _ := st[keyShip].(map[string]any)
	if r == nil || api.Str(st, keyShipFrom) != shipKey(order, lines) {
		return nil
	}
	return r
}

// currentCalc is the calculation's answer, unless the order (or its ship
// method selection) has changed since.
func currentCalc(order api.Doc, lines []api.Doc) api.Doc {
	st := stateOf(order)
	r, _ := st[keyCalc].(map[string]any)
	if r == nil || api.Str(st, keyCalcFrom) != calcKey(order, lines) {
		return nil
	}
	return r
}

// What shipping rates depend on: which products in what quantities, with
// what options, shipped from and to where, and the order's and lines' xp.
var (
	shipOrderFields = []string{"ShippingAddressID", "xp"}
	shipLineFields  = []string{"ID", "ProductID", "Quantity", "Specs", "ShippingAddress", "ShippingAddressID", "ShipFromAddress",
		"ShipFromAddressID", "CostCenter", "DateNeeded", "xp"}
	// What a calculation depends on besides: prices, discounts, costs, the
	// billing address and the ship methods selected.
	calcOrderFields = []string{"BillingAddress", "ShippingCost", "TaxCost", "Fees", "Gratuity", "PromotionDiscount"}
	calcLineFields  = []string{"UnitPrice", "PromotionDiscount"}
)

func shipKey(order api.Doc, lines []api.Doc) string {
	return fingerprint(pick(order, shipOrderFields), pickLines(lines, shipLineFields))
}

func calcKey(order api.Doc, lines []api.Doc) string {
	var selected []string
	if ship := currentShip(order, lines); ship != nil {
		for _, e := range docs(ship["ShipEstimates"]) {
			selected = append(selected, api.Str(e, "ID")+"="+api.Str(e, "SelectedShipMethodID"))
		}
	}
	return fingerprint(shipKey(order, lines), pick(order, calcOrderFields), pickLines(lines, calcLineFields), selected)
}

func pick(d api.Doc, fields []string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f] = d[f]
	}
	return out
}

func pickLines(lines []api.Doc, fields []string) []any {
	sorted := slices.Clone(lines)
	slices.SortFunc(sorted, func(a, b api.Doc) int { return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID")) })
	out := make([]any, len(sorted))
	for i, l := range sorted {
		out[i] = pick(l, append([]string{"ID"}, fields...))
	}
	return out
}

// fingerprint is a short hash of values' JSON (maps encode with sorted
// keys, numbers as written).
func fingerprint(parts ...any) string {
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func succeeded(answer api.Doc) bool { return answer != nil && answer["Succeeded"] == true }

// docs reads a list of objects.
func docs(v any) []api.Doc {
	arr, _ := v.([]any)
	out := make([]api.Doc, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// methodOf is the ship estimate's method with the ID (nil when none).
func methodOf(estimate api.Doc, id string) api.Doc {
	if id == "" {
		return nil
	}
	for _, m := range docs(estimate["ShipMethods"]) {
		if api.Str(m, "ID") == id {
			return m
		}
	}
	return nil
}
