// Package subscriptions serves subscriptions: a buyer user's standing
// order of items, placed once every Frequency Interval from NextOrderDate
// until EndDate. A schedule runs RunDue (schedule.go) at least once a
// minute; it finds the subscriptions due through a sparse index of their
// next order dates and places each one's order through the order service,
// exactly once per due date.
package subscriptions

import (
	"context"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Subscriptions holds the subscription resources and the due-date run.
type Subscriptions struct {
	Subs, Items *resource.Resource

	reg     *resource.Registry
	access  *access.Access
	buyers  *buyers.Buyers
	catalog *catalog.Catalog
	orders  *orders.Service

	hook     IntegrationHook
	notifier Notifier
}

var (
	subscriptionModel = contract.MustModel("Subscription")
	lineItemModel     = contract.MustModel("LineItem")
	bundleItemsModel  = contract.MustModel("BundleItems")
)

// IntegrationHook hands a subscription's orders to the Subscription
// integration (built elsewhere; the default does nothing). Each method is
// called once per subscription and due date, by the run whose advance of
// NextOrderDate committed.
type IntegrationHook interface {
	// TakesOrders reports whether an integration submits the orders
	// itself (its hosted app, once told of them by Created); when false
	// the run submits each order as soon as its lines are on it.
	TakesOrders(ctx context.Context) (bool, error)
	// Created tells of an order placed for a due date.
	Created(ctx context.Context, run Run) error
	// Failed tells of a due date whose order could not be placed whole
	// (run.Err says why; run.OrderID names the order when one exists).
	Failed(ctx context.Context, run Run) error
}

// Notifier sends the reminder of an upcoming subscription order (the
// message senders, built elsewhere; the default sends nothing).
type Notifier interface {
	// NotificationDays is how many days before an order date its reminder
	// goes (0: no reminders).
	NotificationDays(ctx context.Context) (int, error)
	// Remind is called once per subscription and order date.
	Remind(ctx context.Context, subscription api.Doc, orderDate time.Time) error
}

// Run is one due date of one subscription.
type Run struct {
	Subscription          api.Doc
	Due                   time.Time
	OrderID               string
	Order                 api.Doc // the order as the run left it (nil if none)
	Submitted             bool
	UnavailableProductIDs []string
	Err                   error // why the order is not whole, for Failed
}

type noHook struct{}

func (noHook) TakesOrders(context.Context) (bool, error) { return false, nil }
func (noHook) Created(context.Context, Run) error        { return nil }
func (noHook) Failed(context.Context, Run) error         { return nil }

type noNotifier struct{}

func (noNotifier) NotificationDays(context.Context) (int, error)    { return 0, nil }
func (noNotifier) Remind(context.Context, api.Doc, time.Time) error { return nil }

// SetIntegrationHook installs the Subscription integration's hand-off.
func (s *Subscriptions) SetIntegrationHook(h IntegrationHook) { s.hook = h }

// SetNotifier installs the reminders' sender.
func (s *Subscriptions) SetNotifier(n Notifier) { s.notifier = n }

// Declare registers Subscriptions.*, SubscriptionItems.*,
// BundleSubscriptionItems.* and the Me subscription operations.
func Declare(r *resource.Registry, acc *access.Access, b *buyers.Buyers, cat *catalog.Catalog, o *orders.Service) *Subscriptions {
	s := &Subscriptions{reg: r, access: acc, buyers: b, catalog: cat, orders: o, hook: noHook{}, notifier: noNotifier{}}
	// Subscriptions live in one collection (IDs are unique across the
	// marketplace); the buyer owns its users' subscriptions. Lists of a
	// buyer and of one of its users read their own index partitions; the
	// due-date index is the sparse GSI1 entry of each active one.
	s.Subs = r.Add(&resource.Resource{Name: "Subscriptions", Model: "Subscription", Kind: "Subscription", IDParam: "subscriptionID",
		Reach: resource.Reach{Owners: []string{"FromCompanyID"}},
		List: &resource.Listing{Equal: []string{"FromCompanyID", "FromCompanyID+FromUserID"}, Sorted: []string{"DateCreated"},
			Search: true},
		Index: dueIndex, Prepare: s.prepare, BeforeDelete: s.beforeDelete, Present: s.present})
	// Items are line items to be: priced when written, placed on each
	// order the subscription makes.
	s.Items = r.Add(&resource.Resource{Name: "SubscriptionItems", Model: "LineItem", Kind: "SubscriptionItem",
		ObjectType: "SubscriptionItem", IDParam: "subscriptionItemID", Scope: []string{"subscriptionID"},
		Parents: []resource.Parent{{Param: "subscriptionID", Resource: "Subscriptions"}},
		Prepare: s.prepareItem, BeforeDelete: s.beforeDeleteItem})
	r.Handle("BundleSubscriptionItems.Create", s.addBundleHTTP)
	r.Handle("BundleSubscriptionItems.Delete", s.removeBundleHTTP)
	s.declareMe(r)
	return s
}
