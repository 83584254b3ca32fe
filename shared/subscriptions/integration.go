package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

// UseIntegrations installs the marketplace's subscription integration as
// the run's hook and its message senders as the reminders' notifier.
func (s *Subscriptions) UseIntegrations(in *integrations.Integrations) {
	s.SetIntegrationHook(integrationHook{in: in})
	s.SetNotifier(messageNotifier{s: s, in: in})
}

// integrationHook hands orders to the subscription integration: with one
// active, the run leaves each order unsubmitted and posts it to the
// hosted app's /success (or the date's failure to /failure), which then
// checks out and submits it.
type integrationHook struct{ in *integrations.Integrations }

func (h integrationHook) TakesOrders(ctx context.Context) (bool, error) {
	cfg, err := h.in.SubscriptionIntegration(ctx)
	return cfg != nil, err
}

func (h integrationHook) Created(ctx context.Context, run Run) error { return h.call(ctx, run, true) }
func (h integrationHook) Failed(ctx context.Context, run Run) error  { return h.call(ctx, run, false) }

// call tells the integration (if one is active) of a due date. An answer
// reporting failure is kept on the order's worksheet and returned as an
// error, for the run's log; the date stays advanced (see README).
func (h integrationHook) call(ctx context.Context, run Run, success bool) error {
	cfg, err := h.in.SubscriptionIntegration(ctx)
	if err != nil || cfg == nil {
		return err
	}
	var code string
	var ae *api.Error
	if errors.As(run.Err, &ae) {
		code = ae.Code
	}
	orderID := ""
	if run.Order != nil {
		orderID = run.OrderID
	}
	answer, err := h.in.CallSubscription(ctx, cfg, integrations.SubscriptionCall{Success: success,
		Subscription: run.Subscription, OrderID: orderID,
		UnavailableProductIDs: run.UnavailableProductIDs, ErrorCode: code})
	if err != nil {
		return err
	}
	if answer["Succeeded"] != true {
		return fmt.Errorf("subscription integration answered %v: %v", answer["HttpStatusCode"], answer["UnhandledErrorBody"])
	}
	return nil
}

// messageNotifier sends the SubscriptionReminder message through the
// message senders assigned to the subscription's user, NotificationDays
// (the active subscription integration's) before each order date.
type messageNotifier struct {
	s  *Subscriptions
	in *integrations.Integrations
}

func (n messageNotifier) NotificationDays(ctx context.Context) (int, error) {
	cfg, err := n.in.SubscriptionIntegration(ctx)
	if err != nil || cfg == nil {
		return 0, err
	}
	return api.Int(cfg["NotificationDays"]), nil
}

func (n messageNotifier) Remind(ctx context.Context, sub api.Doc, orderDate time.Time) error {
	c := n.s.reg.Context(ctx, nil)
	items, err := n.s.reg.All(c, n.s.Items, []string{api.Str(sub, "ID")})
	if err != nil {
		return err
	}
	lines := make([]any, len(items))
	for i, it := range items {
		lines[i] = api.Ordered{Model: lineItemModel, Doc: it}
	}
	body := map[string]any{"Subscription": api.Ordered{Model: subscriptionModel, Doc: sub}, "SubscriptionItems": lines,
		"NextOrderDate": api.FormatTime(orderDate)}
	ref := access.UserRef{Kind: n.s.buyers.Kind.Kind, Company: api.Str(sub, "FromCompanyID"), UserID: api.Str(sub, "FromUserID")}
	return n.in.SendMessage(ctx, "SubscriptionReminder", ref, body, "subscription-reminder|"+api.Str(sub, "ID")+"|"+api.FormatTime(orderDate))
}
