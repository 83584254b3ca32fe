package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// The due-date run. A schedule calls RunDue at least once a minute (one
// EventBridge Scheduler schedule deployed, a ticker in `make run`). A run
// reads the due-date index (GSI1, one partition per shard, the sort keys
// between now less the lookback and now) and orders each subscription it
// finds, a few at once.
//
// Exactly once per due date, however many runs overlap or repeat: every
// step is keyed by the subscription and the due date, so a second run
// doing it again finds it done rather than doing it twice.
//   - The order's ID is derived from the subscription's ID and the due
//     date, created IfAbsent: one order per due date.
//   - Its lines take the items' IDs (IfAbsent again), its payment a fixed
//     one; a run finding them there goes on.
//   - Submitting is guarded by the order's status and version.
//   - NextOrderDate advances in a write conditioned on the version read
//     after checking it is still the due date being processed: only one
//     run commits it, and only that run calls the integration hook.
// A run that dies half-way leaves the due date in the index; the next run
// finishes the same order.

// Lookback is how long after its due date a subscription is still
// ordered (a run missed or failing meanwhile); OrderCloud's is five hours.
const Lookback = 5 * time.Hour

// maxPerRun bounds the subscriptions one run orders (the rest are still
// due for the next run, a minute later), keeping a run well inside a
// function's time limit.
const maxPerRun = 500

// workers are the subscriptions ordered at once.
const workers = 8

// Result counts what a run did.
type Result struct {
	Ordered, Failed, Ended, Skipped, Reminded int
}

// RunDue orders every subscription due at now (within the lookback) and
// sends the reminders due at now. It is safe to run any number of times
// at once.
func (s *Subscriptions) RunDue(ctx context.Context, now time.Time) (Result, error) {
	var res Result
	var mu sync.Mutex
	ids, err := s.dueIDs(ctx, now.Add(-Lookback), now)
	if err != nil {
		return res, err
	}
	var errs []error
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				outcome, err := s.orderDue(ctx, id, now)
				mu.Lock()
				switch {
				case err != nil:
					errs = append(errs, fmt.Errorf("subscription %s: %w", id, err))
				case outcome == ordered:
					res.Ordered++
				case outcome == failed:
					res.Failed++
				case outcome == ended:
					res.Ended++
				default:
					res.Skipped++
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		if !timeFor(ctx) {
			break // the rest stay due for the next run
		}
		work <- id
	}
	close(work)
	wg.Wait()
	n, err := s.remind(ctx, now)
	res.Reminded = n
	return res, errors.Join(append(errs, err)...)
}

// stopBefore is how long before its deadline a run takes no more
// subscriptions: enough to place one order and make the integration's
// call (bounded by the checkout timeout), so a run is not cut off between
// advancing a date and telling the integration of it.
const stopBefore = 20 * time.Second

// timeFor reports whether the run has time left for one more
// subscription (always, without a deadline).
func timeFor(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > stopBefore
}

// dueIDs reads the IDs of the subscriptions whose NextOrderDate is in
// [from, to] from the due-date index, earliest first.
func (s *Subscriptions) dueIDs(ctx context.Context, from, to time.Time) ([]string, error) {
	var ids []string
	for shard := range dueShards {
		items, err := s.reg.Deps().Store.Query(ctx, store.Query{Index: "GSI1", PK: duePK(shard), Min: dueKey(from),
			Max: dueKey(to) + "|\uffff", Limit: maxPerRun, KeysOnly: true})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) > maxPerRun {
		ids = ids[:maxPerRun]
	}
	return ids, nil
}

type outcome int

const (
	skipped outcome = iota
	ordered
	failed
	ended
)

// orderDue places the order of one subscription's due date, if it is
// still due, and advances it.
func (s *Subscriptions) orderDue(ctx context.Context, id string, now time.Time) (outcome, error) {
	c := s.reg.Context(ctx, nil)
	e, err := c.Reg.Load(c, s.Subs, nil, id)
	if err != nil {
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return skipped, nil // deleted since the index was read
		}
		return skipped, err
	}
	sub := e.Doc
	due := api.Time(sub["NextOrderDate"])
	if sub["Active"] != true || due == nil || due.After(now) || due.Before(now.Add(-Lookback)) {
		return skipped, nil // advanced, paused or changed since the index was read
	}
	if commerce.SubscriptionEnded(*due, api.Time(sub["EndDate"])) {
		return s.advance(c, id, *due, now, false)
	}
	run := Run{Subscription: sub, Due: *due, OrderID: orderIDFor(id, *due)}
	run.Err = s.placeOrder(ctx, &run)
	if run.Err != nil && !refusal(run.Err) {
		return skipped, run.Err // the store failing: the next run tries again
	}
	out, err := s.advance(c, id, *due, now, true)
	if err != nil || out != ordered {
		return out, err
	}
	// This run advanced the subscription: it alone tells the integration.
	if run.Err != nil {
		return failed, s.hook.Failed(ctx, run)
	}
	return ordered, s.hook.Created(ctx, run)
}

// orderIDFor is the ID of a subscription's order for a due date.
func orderIDFor(subID string, due time.Time) string {
	return subID + "-" + due.UTC().Format("20060102T1504")
}

// placeOrder creates (or finds) the run's order for the subscription's
// user, puts the items on it, its payment, and submits it unless the
// integration does. A refusal (an item no longer sold to the user, stock
// short) leaves the order as far as it got and is returned.
func (s *Subscriptions) placeOrder(ctx context.Context, run *Run) error {
	sub := run.Subscription
	p, err := s.userPrincipal(ctx, sub)
	if err != nil {
		return err
	}
	o := s.orders
	order, err := o.Create(ctx, p, orders.Outgoing, api.Doc{"ID": run.OrderID, "SubscriptionID": sub["ID"],
		"ToCompanyID": sub["ToCompanyID"], "ShippingAddressID": sub["ShippingAddressID"], "BillingAddressID": sub["BillingAddressID"],
		"xp": map[string]any{}})
	if isCode(err, "IdExists") {
		order, err = o.Get(ctx, p, orders.Outgoing, run.OrderID)
	}
	if err != nil {
		return err
	}
	run.Order = order
	if api.Str(order, "Status") != commerce.Unsubmitted {
		run.Submitted = true
		return nil // a run before this one finished it
	}
	items, err := s.reg.All(s.reg.Context(ctx, p), s.Items, []string{api.Str(sub, "ID")})
	if err != nil {
		return err
	}
	slices.SortFunc(items, func(a, b api.Doc) int { return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID")) })
	var added int
	for _, it := range items {
		err := s.addItem(ctx, p, run.OrderID, it)
		switch {
		case err == nil || isCode(err, "IdExists"):
			added++
		case refusal(err):
			if s.finishedElsewhere(ctx, p, run) {
				return nil // another run submitted it meanwhile: lines are no longer added
			}
			run.UnavailableProductIDs = append(run.UnavailableProductIDs, api.Str(it, "ProductID"))
		default:
			return err
		}
	}
	if added == 0 {
		return api.E(http.StatusBadRequest, "Order.CannotSubmitWithNoLineItems", nil).WithMessage("None of the subscription's items could be ordered.")
	}
	if err := s.addPayment(ctx, p, run.OrderID, sub); err != nil {
		return err
	}
	takes, err := s.hook.TakesOrders(ctx)
	if err != nil || takes {
		run.Order, _ = o.Get(ctx, p, orders.Outgoing, run.OrderID)
		return err
	}
	submitted, err := o.Submit(ctx, p, orders.Outgoing, run.OrderID)
	if err != nil {
		if s.finishedElsewhere(ctx, p, run) {
			return nil
		}
		return err
	}
	run.Order, run.Submitted = submitted, true
	if len(run.UnavailableProductIDs) > 0 {
		return api.E(http.StatusBadRequest, "Order.CannotSubmitWithInactiveProduct", map[string]any{"ProductIDs": run.UnavailableProductIDs}).
			WithMessage("Some of the subscription's items could not be ordered.")
	}
	return nil
}

// finishedElsewhere reports whether another run has submitted the run's
// order (so what this run could not add or submit is no failure).
func (s *Subscriptions) finishedElsewhere(ctx context.Context, p *auth.Principal, run *Run) bool {
	got, err := s.orders.Get(ctx, p, orders.Outgoing, run.OrderID)
	if err != nil || api.Str(got, "Status") == commerce.Unsubmitted {
		return false
	}
	run.Order, run.Submitted, run.UnavailableProductIDs = got, true, nil
	return true
}

// addItem puts one item on the order under the item's own ID.
func (s *Subscriptions) addItem(ctx context.Context, p *auth.Principal, orderID string, it api.Doc) error {
	if chosen, ok := it[bundleItemsField].([]any); ok {
		var items []api.Doc
		for _, x := range chosen {
			if m, ok := x.(map[string]any); ok {
				d := api.Clone(m)
				d["ID"] = api.Str(it, "ID") + "-" + api.Str(d, "ID")
				items = append(items, d)
			}
		}
		_, err := s.orders.AddBundleAs(ctx, p, orders.Outgoing, orderID, api.Str(it, "ProductID"), api.Str(it, "ID"), items)
		return err
	}
	line := api.Doc{"ID": it["ID"], "ProductID": it["ProductID"], "Quantity": it["Quantity"], "xp": it["xp"]}
	for _, f := range []string{"Specs", "ShippingAddressID", "CostCenter", "DateNeeded", "ShippingAccount", "ShipFromAddressID", "InventoryRecordID"} {
		if v, ok := it[f]; ok && v != nil {
			line[f] = v
		}
	}
	_, err := s.orders.AddLine(ctx, p, orders.Outgoing, orderID, line)
	return err
}

// addPayment adds the subscription's payment (for what is left to pay),
// once: its ID is fixed.
func (s *Subscriptions) addPayment(ctx context.Context, p *auth.Principal, orderID string, sub api.Doc) error {
	pay, _ := sub["Payment"].(map[string]any)
	if pay == nil || api.Str(pay, "Type") == "" {
		return nil
	}
	doc := api.Doc{"ID": "subscription", "Type": pay["Type"], "CreditCardID": pay["CreditCardID"], "SpendingAccountID": pay["SpendingAccountID"],
		"xp": map[string]any{}}
	_, err := s.orders.CreatePayment(ctx, p, orders.Outgoing, orderID, doc)
	if err == nil || isCode(err, "IdExists") {
		return nil
	}
	if pays, lerr := s.orders.ListPayments(ctx, p, orders.Outgoing, orderID); lerr == nil &&
		slices.ContainsFunc(pays, func(d api.Doc) bool { return api.Str(d, "ID") == "subscription" }) {
		return nil
	}
	return err
}

// userPrincipal is the subscription's user acting as a shopper, as the
// order service sees any caller: the order is theirs, priced and stocked
// for them. An inactive or deleted user is a refusal.
func (s *Subscriptions) userPrincipal(ctx context.Context, sub api.Doc) (*auth.Principal, error) {
	c := s.reg.Context(ctx, nil)
	u, err := s.access.LoadUser(c, access.UserRef{Kind: s.buyers.Kind.Kind, Company: api.Str(sub, "FromCompanyID"), UserID: api.Str(sub, "FromUserID")})
	if err != nil {
		return nil, err
	}
	if u["Active"] != true {
		return nil, api.E(http.StatusBadRequest, "Auth.UserNotActive", nil).WithMessage("The subscription's user is not active.")
	}
	return &auth.Principal{UserID: api.Str(u, "ID"), Username: api.Str(u, "Username"), UserType: auth.Buyer,
		CompanyID: api.Str(sub, "FromCompanyID"), Roles: []string{"Shopper"}}, nil
}

// advance moves a subscription past a due date: NextOrderDate to the date
// after it (or, with order false, nowhere: it ended), LastOrderDate to now
// when an order was placed, Active to false once past EndDate. It commits
// only while NextOrderDate is still due, conditioned on the version read,
// so of any number of runs one advances it; the others answer skipped.
func (s *Subscriptions) advance(c *resource.Ctx, id string, due, now time.Time, order bool) (outcome, error) {
	return resource.Retry(c, func() (outcome, error) {
		e, err := c.Reg.Load(c, s.Subs, nil, id)
		if err != nil {
			return skipped, err
		}
		d := api.Clone(e.Doc)
		if cur := api.Time(d["NextOrderDate"]); cur == nil || !cur.Equal(due) || d["Active"] != true {
			return skipped, nil
		}
		// upcoming is a variable of the attempt: a retried attempt must
		// compare with the due date, never with what an earlier attempt
		// computed.
		out, upcoming := ended, due
		if order {
			next, err := commerce.NextOrderDate(due, api.Int(d["Frequency"]), api.Str(d, "Interval"))
			if err != nil {
				return skipped, err
			}
			d["NextOrderDate"], d["LastOrderDate"] = api.FormatTime(next), api.FormatTime(now)
			out, upcoming = ordered, next
		}
		if commerce.SubscriptionEnded(upcoming, api.Time(d["EndDate"])) {
			d["Active"] = false
		}
		tx := &resource.Tx{}
		tx.Knows(e.Item)
		tx.Put(s.Subs.Item(nil, d, e.Item.Version), store.IfVersion)
		return out, tx.Commit(c)
	})
}

// refusal reports whether err is the API refusing the work (an item not
// sold, stock short, a user gone), which waiting will not change, rather
// than the store failing or losing a race.
func refusal(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Status < 500 && ae.Code != "Conflict"
}

func isCode(err error, code string) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Code == code
}

// --- reminders ---------------------------------------------------------------

// remindedField holds the order date a subscription's reminder went for.
const remindedField = "_remindedFor"

// remind sends the reminders of the orders due NotificationDays from now
// (within the lookback), once per subscription and order date: the
// subscription records the date reminded in a versioned write, and only
// the run committing it sends.
func (s *Subscriptions) remind(ctx context.Context, now time.Time) (int, error) {
	days, err := s.notifier.NotificationDays(ctx)
	if err != nil || days <= 0 {
		return 0, err
	}
	at := now.AddDate(0, 0, days)
	ids, err := s.dueIDs(ctx, at.Add(-Lookback), at)
	if err != nil {
		return 0, err
	}
	c := s.reg.Context(ctx, nil)
	sent := 0
	var errs []error
	for _, id := range ids {
		if !timeFor(ctx) {
			break // the rest are reminded by the next run
		}
		var doc api.Doc
		won, err := resource.Retry(c, func() (bool, error) {
			e, err := c.Reg.Load(c, s.Subs, nil, id)
			if err != nil {
				return false, err
			}
			next := api.Str(e.Doc, "NextOrderDate")
			if e.Doc["Active"] != true || next == "" || e.Doc[remindedField] == next {
				return false, nil
			}
			doc = api.Clone(e.Doc)
			doc[remindedField] = next
			tx := &resource.Tx{}
			tx.Knows(e.Item)
			tx.Put(s.Subs.Item(nil, doc, e.Item.Version), store.IfVersion)
			return true, tx.Commit(c)
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if won {
			sent++
			errs = append(errs, s.notifier.Remind(ctx, doc, *api.Time(doc["NextOrderDate"])))
		}
	}
	return sent, errors.Join(errs...)
}
