package subscriptions_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/subscriptions"
)

// due is a subscription's first order date in the tests: the clock the
// runs are given is set around it, never slept for.
var due = time.Date(2030, 5, 1, 9, 30, 0, 0, time.UTC)

func orderID(subID string, at time.Time) string {
	return subID + "-" + at.UTC().Format("20060102T1504")
}

// subscribed creates s1 for u1 ordering p1 ×2 daily from due.
func subscribed(t *testing.T, s *subShop, extra map[string]any) {
	t.Helper()
	body := sub("s1", due, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"})
	for k, v := range extra {
		body[k] = v
	}
	apptest.Must(t, s.E, "POST", "/v1/subscriptions", s.Admin, body, 201)
	apptest.Must(t, s.E, "POST", "/v1/subscriptions/s1/items", s.Admin, map[string]any{"ID": "i1", "ProductID": "p1", "Quantity": 2}, 201)
}

func run(t *testing.T, s *subShop, now time.Time) subscriptions.Result {
	t.Helper()
	res, err := s.E.App.RunSubscriptions(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestScheduledOrderPlacedAndAdvanced(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	subscribed(t, s, nil)

	if res := run(t, s, due.Add(-time.Minute)); res.Ordered != 0 {
		t.Fatalf("ordered before its date: %+v", res)
	}
	if res := run(t, s, due.Add(time.Minute)); res.Ordered != 1 {
		t.Fatalf("due run: %+v", res)
	}
	o := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due), admin, nil, 200)
	if o.S("SubscriptionID") != "s1" || o.S("FromUserID") != "u1" || o.S("Status") != "Open" || o.S("Total") != "20" {
		t.Errorf("subscription order: %s", o.Raw)
	}
	lines := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due)+"/lineitems", admin, nil, 200)
	if ids := apptest.IDs(lines); len(ids) != 1 || ids[0] != "i1" {
		t.Errorf("lines: %s", lines.Raw)
	}
	// The user sees it among their orders.
	if ids := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders", s.u1, nil, 200)); len(ids) != 1 {
		t.Errorf("u1's orders: %v", ids)
	}
	r := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200)
	if r.S("NextOrderDate") != api.FormatTime(due.AddDate(0, 0, 1)) || r.S("LastOrderDate") != api.FormatTime(due.Add(time.Minute)) {
		t.Errorf("advanced: %s", r.Raw)
	}
	// Run again at the same time, and a later one before the next date:
	// nothing more.
	for _, at := range []time.Time{due.Add(time.Minute), due.Add(2 * time.Hour)} {
		if res := run(t, s, at); res.Ordered != 0 {
			t.Errorf("ordered twice: %+v", res)
		}
	}
	// The next day's order, priced as now (p1's break for 2 is still 10).
	if res := run(t, s, due.AddDate(0, 0, 1)); res.Ordered != 1 {
		t.Errorf("second date: %+v", res)
	}
	apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due.AddDate(0, 0, 1)), admin, nil, 200)
}

func TestScheduledOrderExactlyOnceUnderConcurrentRuns(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	subscribed(t, s, nil)
	hook := &countingHook{}
	s.E.App.Subscriptions().SetIntegrationHook(hook)

	var ordered atomic.Int64
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.E.App.RunSubscriptions(context.Background(), due.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			ordered.Add(int64(res.Ordered))
		}()
	}
	wg.Wait()
	if ordered.Load() != 1 || hook.created.Load() != 1 {
		t.Errorf("%d runs ordered, hook told %d times; want 1", ordered.Load(), hook.created.Load())
	}
	page := apptest.Must(t, s.E, "GET", "/v1/orders/Incoming?FromCompanyID=b1", s.Admin, nil, 200)
	if ids := apptest.IDs(page); len(ids) != 1 {
		t.Fatalf("orders: %v", ids)
	}
	o := apptest.Must(t, s.E, "GET", "/v1/orders/Incoming/"+orderID("s1", due), s.Admin, nil, 200)
	if o.S("LineItemCount") != "1" || o.S("Total") != "20" || o.S("Status") != "Open" {
		t.Errorf("order: %s", o.Raw)
	}
	// Advanced once: no run skipped the next date.
	if got := apptest.Must(t, s.E, "GET", "/v1/subscriptions/s1", s.Admin, nil, 200).S("NextOrderDate"); got != api.FormatTime(due.AddDate(0, 0, 1)) {
		t.Errorf("NextOrderDate %s, want %s", got, api.FormatTime(due.AddDate(0, 0, 1)))
	}
}

func TestSubscriptionEndDate(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	// Ends before its second date: one order, then inactive.
	subscribed(t, s, map[string]any{"EndDate": api.FormatTime(due.Add(12 * time.Hour))})
	if res := run(t, s, due); res.Ordered != 1 {
		t.Fatalf("due run: %+v", res)
	}
	r := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200)
	if r.Get("Active") != false {
		t.Errorf("still active past its end: %s", r.Raw)
	}
	if res := run(t, s, due.AddDate(0, 0, 1)); res.Ordered != 0 {
		t.Errorf("ordered past its end: %+v", res)
	}
	// Already past its end on its first date: no order, inactive.
	body := sub("s2", due, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1", "EndDate": api.FormatTime(due.Add(-time.Hour))})
	apptest.Must(t, e, "POST", "/v1/subscriptions", admin, body, 201)
	apptest.Must(t, e, "POST", "/v1/subscriptions/s2/items", admin, map[string]any{"ProductID": "p1"}, 201)
	if res := run(t, s, due); res.Ordered != 0 {
		t.Errorf("ended subscription ordered: %+v", res)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/orders/Incoming/"+orderID("s2", due), admin, nil), 404, "NotFound")
	// A paused one is not ordered either.
	apptest.Must(t, e, "POST", "/v1/subscriptions", admin, sub("s3", due, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1", "Active": false}), 201)
	apptest.Must(t, e, "POST", "/v1/subscriptions/s3/items", admin, map[string]any{"ProductID": "p1"}, 201)
	run(t, s, due.Add(time.Minute))
	apptest.WantErr(t, e.Do("GET", "/v1/orders/Incoming/"+orderID("s3", due), admin, nil), 404, "NotFound")
}

func TestScheduledOrderHandedToIntegrationAndFailures(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	hook := &countingHook{takes: true}
	s.E.App.Subscriptions().SetIntegrationHook(hook)
	subscribed(t, s, nil)
	// An integration that submits: the order waits for it, unsubmitted.
	if res := run(t, s, due); res.Ordered != 1 || hook.created.Load() != 1 {
		t.Fatalf("run: %+v, hook %d", res, hook.created.Load())
	}
	if st := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+orderID("s1", due), admin, nil, 200).S("Status"); st != "Unsubmitted" {
		t.Errorf("status %s, want Unsubmitted", st)
	}
	// An item no longer sold to the user: the date fails, is told, and
	// the subscription moves on.
	apptest.Must(t, e, "PATCH", "/v1/products/p1", admin, map[string]any{"Active": false}, 200)
	next := due.AddDate(0, 0, 1)
	if res := run(t, s, next); res.Failed != 1 || hook.failed.Load() != 1 {
		t.Fatalf("run: %+v, failed told %d", res, hook.failed.Load())
	}
	if got := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200).S("NextOrderDate"); got != api.FormatTime(next.AddDate(0, 0, 1)) {
		t.Errorf("NextOrderDate %s after a failed date", got)
	}
}

func TestSubscriptionReminders(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	n := &countingNotifier{days: 3}
	s.E.App.Subscriptions().SetNotifier(n)
	subscribed(t, s, nil)
	if got := apptest.Must(t, s.E, "GET", "/v1/subscriptions/s1", s.Admin, nil, 200).S("NotificationDate"); got != api.FormatTime(due.AddDate(0, 0, -3)) {
		t.Errorf("NotificationDate %s", got)
	}
	run(t, s, due.AddDate(0, 0, -4))
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); run(t, s, due.AddDate(0, 0, -3)) }()
	}
	wg.Wait()
	if n.sent.Load() != 1 {
		t.Errorf("%d reminders, want 1", n.sent.Load())
	}
}

type countingHook struct {
	takes           bool
	created, failed atomic.Int64
}

func (h *countingHook) TakesOrders(context.Context) (bool, error) { return h.takes, nil }
func (h *countingHook) Created(_ context.Context, r subscriptions.Run) error {
	h.created.Add(1)
	return nil
}
func (h *countingHook) Failed(_ context.Context, r subscriptions.Run) error {
	h.failed.Add(1)
	return nil
}

type countingNotifier struct {
	days int
	sent atomic.Int64
}

func (n *countingNotifier) NotificationDays(context.Context) (int, error) { return n.days, nil }
func (n *countingNotifier) Remind(context.Context, api.Doc, time.Time) error {
	n.sent.Add(1)
	return nil
}
