package integrations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The subscription integration as the subscriptions run uses it (the run
// itself is shared/subscriptions'; it imports this package, never the
// reverse): the marketplace's configuration, the signed call telling the
// hosted app of a due date's order ({Url}/success or {Url}/failure), and
// the reminder message of an upcoming order.

var subscriptionRespModel = contract.MustModel("SubscriptionIntegrationResponse")

// keySubscription is where the integration's answer is kept in the
// order's checkout state (shown in its worksheet).
const keySubscription = "SubscriptionIntegrationResponse"

// SubscriptionIntegration returns the marketplace's subscription
// integration when it is active (nil when there is none, or it is not).
func (in *Integrations) SubscriptionIntegration(ctx context.Context) (api.Doc, error) {
	c := in.background(ctx)
	e, err := c.Reg.Load(c, in.syncs.configs["SubscriptionIntegration"], nil, "SubscriptionIntegration")
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if e.Doc["Active"] != true {
		return nil, nil
	}
	return e.Doc, nil
}

// SubscriptionCall is one due date of a subscription told to its
// integration.
type SubscriptionCall struct {
	// Success names the route: success (an order with its lines and
	// payment was placed) or failure.
	Success               bool
	Subscription          api.Doc
	OrderID               string // the order's ID ("" or missing: none)
	UnavailableProductIDs []string
	ErrorCode             string
}

// CallSubscription posts a due date to the integration cfg (as
// SubscriptionIntegration returned it), signed with its HashKey and with
// its custom auth header, within CheckoutTimeout, and keeps the answer in
// the order's worksheet as SubscriptionIntegrationResponse. It returns the
// answer (Succeeded false when the call failed, answered an error status
// or said it failed); the error is only for the store failing.
func (in *Integrations) CallSubscription(ctx context.Context, cfg api.Doc, call SubscriptionCall) (api.Doc, error) {
	c := in.background(ctx)
	ws := api.Doc{}
	if call.OrderID != "" {
		co, err := in.orders.ReadCheckoutAfter(c, in.system(c), call.OrderID)
		switch {
		case err == nil:
			ws = worksheet(co.Order, co.Lines)
		case !isNotFound(err):
			return nil, err
		}
	}
	ws["Subscription"] = call.Subscription
	unavailable := call.UnavailableProductIDs
	if unavailable == nil {
		unavailable = []string{}
	}
	body, err := json.Marshal(map[string]any{
		"Environment":           Environment,
		"OrderCloudAccessToken": in.subscriptionToken(c, cfg, call.Subscription),
		"OrderWorksheet":        api.Ordered{Model: worksheetModel, Doc: ws},
		"UnavailableProductIDs": unavailable,
		"ErrorCode":             nilIfEmpty(call.ErrorCode),
	})
	if err != nil {
		return nil, err
	}
	route := "failure"
	if call.Success {
		route = "success"
	}
	target := api.Doc{"CustomImplementationUrl": cfg["Url"], "HashKey": cfg["HashKey"],
		"CustomAuthHeaderName": cfg["CustomAuthHeaderName"], "CustomAuthHeaderValue": cfg["CustomAuthHeaderValue"]}
	var answer api.Doc
	if status, raw, err := post(c, target, route, body); err != nil {
		answer = failure(nil, err.Error())
	} else {
		answer = subscriptionAnswer(status, raw)
	}
	if call.OrderID == "" || ws["Order"] == nil {
		return answer, nil
	}
	err = resource.RetryFor(c, 5*time.Second, func() error {
		co, err := in.orders.ReadCheckoutAfter(c, in.system(c), call.OrderID)
		if err != nil {
			return err
		}
		stateFor(co.Order)[keySubscription] = answer
		_, err = in.orders.WriteCheckout(c, in.system(c), co, nil, false, nil)
		return err
	})
	if err != nil {
		slog.WarnContext(ctx, "subscription integration: recording the answer", "order", call.OrderID, "err", err)
	}
	return answer, nil
}

// subscriptionAnswer reads the hosted app's answer: it succeeded when the
// call's status is 2xx and the body, if it reports its own HttpStatusCode
// and UnhandledErrorBody, reports a 2xx code and no error body.
func subscriptionAnswer(status int, raw []byte) api.Doc {
	answer := answerOf(subscriptionRespModel, status, raw)
	if !succeeded(answer) {
		return answer
	}
	said, _ := api.DecodeDoc(raw)
	if code, ok := number(said["HttpStatusCode"]); ok && code/100 != 2 {
		return failure(api.Num(code), api.Str(said, "UnhandledErrorBody"))
	}
	if e := said["UnhandledErrorBody"]; e != nil && e != "" {
		return failure(answer["HttpStatusCode"], fmt.Sprint(e))
	}
	return answer
}

// subscriptionToken is the token the hosted app calls back with: one for
// the integration's API client's DefaultContextUserName, with the API
// roles that user holds; when the client names none (or it cannot be
// used), the subscription's user's, through the same client. "" when no
// token can be issued.
func (in *Integrations) subscriptionToken(c *resource.Ctx, cfg, sub api.Doc) string {
	if c.Deps.Signer == nil {
		return ""
	}
	clientID := api.Str(cfg, "ApiClientID")
	roles := contract.Enum("ApiRole")
	if client, err := c.Reg.Load(c, in.access.ApiClients, nil, clientID); err == nil {
		if name := api.Str(client.Doc, "DefaultContextUserName"); name != "" {
			if ref, found, err := in.access.FindByUsername(c, name); err == nil && found {
				if tok, err := in.access.UserToken(c, clientID, ref, roles, nil); err == nil {
					return tok
				}
			}
		}
	}
	ref := access.UserRef{Kind: "BuyerUser", Company: api.Str(sub, "FromCompanyID"), UserID: api.Str(sub, "FromUserID")}
	tok, err := in.access.UserToken(c, clientID, ref, roles, nil)
	if err != nil {
		return ""
	}
	return tok
}

// SendMessage sends a message of a type to a user through every message
// sender of that type assigned to the user (its company or one of its
// groups), with the CC lists of their listeners, each signed and sent by
// the Deliverer. key identifies the message (stable across repeats: it
// derives the deliveries' IDs). A user inactive, gone or reached by no
// sender gets nothing.
func (in *Integrations) SendMessage(ctx context.Context, typ string, ref access.UserRef, eventBody map[string]any, key string) error {
	c := in.background(ctx)
	u, err := in.access.LoadUser(c, ref)
	if err != nil {
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return nil
		}
		return err
	}
	m := message{Type: typ, Recipients: []recipient{{Ref: ref, User: u}}, EventBody: eventBody}
	ds, err := in.requestDeliveries(c, m, key)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range ds {
		errs = append(errs, in.Deliverer.Deliver(ctx, d))
	}
	return errors.Join(errs...)
}
