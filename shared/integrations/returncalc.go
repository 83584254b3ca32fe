package integrations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The OrderReturn integration event (order-returns.mdx,
// order-returns-handling-calculations.mdx): when a return is created or
// changed with refunds left to calculate, and the caller's API client names
// such an event, the integrator is asked for them — a signed, synchronous
// POST of the return and its order's worksheet to
// {CustomImplementationUrl}/calculateorderreturn, made as the checkout's
// calls are (timeout, custom auth header, elevated token). Its answer,
// {"RefundAmount": n, "ItemsToReturnCalcs": [{"LineItemID", "RefundAmount"}]},
// sets the refunds; an answer that fails, or names amounts the return cannot
// refund, refuses the write whole, as a failed checkout calculation does.

var returnModel = contract.MustModel("OrderReturn")

// returnRoute is where the return's calculation is posted.
const returnRoute = "calculateorderreturn"

func (in *Integrations) declareReturnCalc(*resource.Registry) {
	in.orders.OnReturnCalculate(in.calculateReturn)
}

// returnEvent is the OrderReturn integration event of the caller's API
// client (the token's cid); nil when it names none.
func (in *Integrations) returnEvent(c *resource.Ctx) (api.Doc, error) {
	if c.P == nil || c.P.ClientID == "" {
		return nil, nil
	}
	client, err := c.Reg.Load(c, in.access.ApiClients, nil, c.P.ClientID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	id := api.Str(client.Doc, "OrderReturnIntegrationEventID")
	if id == "" {
		return nil, nil
	}
	ev, err := in.loadEvent(c, id)
	if isNotFound(err) || (err == nil && api.Str(ev, "EventType") != "OrderReturn") {
		return nil, nil
	}
	return ev, err
}

// calculateReturn asks the integrator for a return's refunds; it does not
// apply to a caller whose API client has no OrderReturn event.
func (in *Integrations) calculateReturn(c *resource.Ctx, r *orders.ReturnToCalculate) (*orders.ReturnCalculation, bool, error) {
	ev, err := in.returnEvent(c)
	if err != nil || ev == nil {
		return nil, false, err
	}
	body, err := json.Marshal(map[string]any{
		"ConfigData":            ev["ConfigData"],
		"Environment":           Environment,
		"OrderCloudAccessToken": in.elevatedToken(c, ev),
		"OrderReturn":           api.Ordered{Model: returnModel, Doc: r.Return},
		"OrderWorksheet":        api.Ordered{Model: worksheetModel, Doc: worksheet(r.Order, r.Lines)},
	})
	if err != nil {
		return nil, true, callFailed(failure(nil, "The order return could not be encoded."))
	}
	status, raw, err := post(c, ev, returnRoute, body)
	if err != nil {
		return nil, true, callFailed(failure(nil, err.Error()))
	}
	code := api.Num(int64(status))
	switch {
	case len(raw) > maxAnswer:
		return nil, true, callFailed(failure(code, fmt.Sprintf("The answer is larger than %d bytes.", maxAnswer)))
	case status/100 != 2:
		return nil, true, callFailed(failure(code, clip(raw)))
	}
	calc, err := readReturnAnswer(raw, r)
	if err != nil {
		return nil, true, callFailed(failure(code, err.Error()))
	}
	return calc, true, nil
}

// readReturnAnswer reads the integrator's answer and checks it against the
// return: amounts are numbers, none negative; each item calculation names
// an item of the return once and refunds at most what its line has left to
// refund; the return's refund is at most the order's Total. An item whose
// refund an order administrator set keeps it, whatever the answer says.
func readReturnAnswer(raw []byte, r *orders.ReturnToCalculate) (*orders.ReturnCalculation, error) {
	d := api.Doc{}
	if len(bytes.TrimSpace(raw)) > 0 {
		var err error
		if d, err = api.DecodeDoc(raw); err != nil {
			return nil, fmt.Errorf("The answer is not a JSON object: %s", clip(raw))
		}
	}
	calc := &orders.ReturnCalculation{Items: map[string]decimal.Decimal{}}
	refund, err := amount(d["RefundAmount"], "RefundAmount")
	if err != nil {
		return nil, err
	}
	if refund != nil && refund.GreaterThan(api.Dec(r.Order["Total"])) {
		return nil, fmt.Errorf("RefundAmount %s exceeds the order's Total.", refund)
	}
	calc.RefundAmount = refund
	list, ok := d["ItemsToReturnCalcs"].([]any)
	if d["ItemsToReturnCalcs"] != nil && !ok {
		return nil, fmt.Errorf("ItemsToReturnCalcs must be a list.")
	}
	seen := map[string]bool{}
	for i, v := range list {
		it, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("ItemsToReturnCalcs[%d] is not an object.", i)
		}
		id := api.Str(it, "LineItemID")
		most, ok := r.Refundable[id]
		if !ok {
			return nil, fmt.Errorf("ItemsToReturnCalcs names line item %q, which the return does not.", id)
		}
		if seen[id] {
			return nil, fmt.Errorf("ItemsToReturnCalcs names line item %q twice.", id)
		}
		seen[id] = true
		item, err := amount(it["RefundAmount"], fmt.Sprintf("ItemsToReturnCalcs[%d].RefundAmount", i))
		if err != nil {
			return nil, err
		}
		if item == nil || r.Fixed[id] {
			continue
		}
		if item.GreaterThan(most) {
			return nil, fmt.Errorf("The refund of line item %q (%s) exceeds what the line has left to refund (%s).", id, item, most)
		}
		calc.Items[id] = *item
	}
	return calc, nil
}

// amount reads an amount of the answer: null, or a number (also written as
// a string, as the docs' example has it) that is not negative.
func amount(v any, name string) (*decimal.Decimal, error) {
	var s string
	switch n := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		s = n.String()
	case string:
		if s = strings.TrimSpace(n); s == "" {
			return nil, nil
		}
	default:
		return nil, fmt.Errorf("%s is not a number.", name)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil, fmt.Errorf("%s is not a number.", name)
	}
	if d.IsNegative() {
		return nil, fmt.Errorf("%s cannot be negative.", name)
	}
	return &d, nil
}
