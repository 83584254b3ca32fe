package subscriptions

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// fromFields name the user a subscription orders for and the seller it
// orders from: set when it is created, never changed.
var fromFields = []string{"FromCompanyID", "FromUserID", "ToCompanyID"}

// prepare checks a subscription being created or changed: who it is for
// (on create), how often it orders, and its payment.
func (s *Subscriptions) prepare(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if c.P != nil && c.P.UserType == auth.Supplier {
		return api.NotForUserType("Subscriptions are for buyer users and the marketplace.")
	}
	if old == nil {
		if err := s.fromUser(c, doc); err != nil {
			return err
		}
		if err := s.seller(c, doc); err != nil {
			return err
		}
		if doc["ProjectedSubtotal"] == nil {
			doc["ProjectedSubtotal"] = api.Num(0)
		}
	} else {
		for _, f := range fromFields {
			doc[f] = old[f]
		}
	}
	if api.Int(doc["Frequency"]) < 1 {
		return api.Validation("Frequency", "Frequency must be at least 1.")
	}
	if api.Time(doc["NextOrderDate"]) == nil {
		return api.Validation("NextOrderDate", "NextOrderDate is required.")
	}
	return checkPayment(doc)
}

// fromUser settles, on create, the buyer user a subscription orders for:
// the caller itself through Me or when a buyer user names nobody; the
// marketplace must name both the buyer and the user, and a buyer user
// naming another user of its company needs the roles to order for them.
func (s *Subscriptions) fromUser(c *resource.Ctx, doc api.Doc) error {
	company, user := api.Str(doc, "FromCompanyID"), api.Str(doc, "FromUserID")
	switch c.P.UserType {
	case auth.Buyer:
		if user == "" {
			user = c.P.UserID
		}
		if user != c.P.UserID && !(c.P.Has("OrderAdmin") && c.P.Has("UnsubmittedOrderReader")) {
			return api.InsufficientRoles([]string{"OrderAdmin", "UnsubmittedOrderReader"})
		}
	default:
		if company == "" || user == "" || company == c.MarketplaceID() {
			return api.E(http.StatusBadRequest, "Subscription.CreateRequiresFromUser", nil)
		}
	}
	if _, err := s.access.LoadUser(c, access.UserRef{Kind: s.buyers.Kind.Kind, Company: company, UserID: user}); err != nil {
		return api.NotFound("User", user)
	}
	doc["FromCompanyID"], doc["FromUserID"] = company, user
	return nil
}

// seller checks the organization a subscription orders from: the
// marketplace unless it names a supplier selling to the buyer.
func (s *Subscriptions) seller(c *resource.Ctx, doc api.Doc) error {
	to := api.Str(doc, "ToCompanyID")
	if to == "" || to == c.MarketplaceID() {
		doc["ToCompanyID"] = c.MarketplaceID()
		return nil
	}
	return s.catalog.Seller(c, to, api.Str(doc, "FromCompanyID"))
}

// checkPayment refuses a payment naming no card or account of its type.
func checkPayment(doc api.Doc) error {
	pay, _ := doc["Payment"].(map[string]any)
	if pay == nil {
		return nil
	}
	switch pay["Type"] {
	case "CreditCard":
		if api.Str(pay, "CreditCardID") == "" {
			return api.Validation("Payment.CreditCardID", "A CreditCard payment needs its CreditCardID.")
		}
	case "SpendingAccount":
		if api.Str(pay, "SpendingAccountID") == "" {
			return api.Validation("Payment.SpendingAccountID", "A SpendingAccount payment needs its SpendingAccountID.")
		}
	}
	return nil
}

// beforeDelete takes a subscription's items with it.
func (s *Subscriptions) beforeDelete(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return tx.DeleteFound(c, store.Query{PK: s.Items.PK(api.Str(doc, "ID"))})
}

// present adds the reminder's date (NextOrderDate less the notification
// days) when reminders are sent.
func (s *Subscriptions) present(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	v, err := c.Memo("subscription-notification-days", func() (any, error) { return s.notifier.NotificationDays(c) })
	if err != nil {
		return nil, err
	}
	out := api.Clone(doc)
	out["NotificationDate"] = nil
	if days := v.(int); days > 0 {
		if next := api.Time(doc["NextOrderDate"]); next != nil {
			out["NotificationDate"] = api.FormatTime(next.AddDate(0, 0, -days))
		}
	}
	return out, nil
}

// --- the due-date index ------------------------------------------------

// dueShards spreads the due-date index over this many GSI1 partitions,
// so that no one partition takes every subscription's writes.
const dueShards = 4

// dueIndex gives an active subscription that has an order date to come
// its entry in the due-date index (GSI1): partition SubscriptionDue#<n>,
// sort key its NextOrderDate (fixed-width UTC, so text order is time
// order) and ID. Inactive and ended ones have none: the index holds only
// what a run may have to order.
func dueIndex(doc api.Doc) (pk, sk string) {
	next := api.Time(doc["NextOrderDate"])
	if doc["Active"] != true || next == nil || commerce.SubscriptionEnded(*next, api.Time(doc["EndDate"])) {
		return "", ""
	}
	id := api.Str(doc, "ID")
	return duePK(shardOf(id)), dueKey(*next) + "|" + id
}

func duePK(shard int) string { return fmt.Sprintf("SubscriptionDue#%d", shard) }

// dueKey is a date as the index sorts it.
func dueKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % dueShards)
}

// --- Me --------------------------------------------------------------------

func (s *Subscriptions) declareMe(r *resource.Registry) {
	r.Handle("Me.ListSubscriptions", s.meList)
	r.Handle("Me.GetSubscription", func(c *resource.Ctx) (any, error) {
		e, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		return c.Reg.Out(c, s.Subs, e.Doc)
	})
	r.Handle("Me.CreateSubscription", s.meCreate)
	r.Handle("Me.SaveSubscription", s.meSave)
	r.Handle("Me.PatchSubscription", s.mePatch)
	r.Handle("Me.DeleteSubscription", func(c *resource.Ctx) (any, error) {
		e, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		return nil, c.Reg.Remove(c, s.Subs, nil, e)
	})
	s.declareMeItems(r)
}

// mine loads a subscription of the calling buyer user (404 for anyone
// else's).
func (s *Subscriptions) mine(c *resource.Ctx, id string) (*resource.Entity, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, s.Subs, nil, id)
	if err != nil {
		return nil, err
	}
	if !isMine(c, e.Doc) {
		return nil, api.NotFound("Subscription", id)
	}
	return e, nil
}

func isMine(c *resource.Ctx, d api.Doc) bool {
	return api.Str(d, "FromCompanyID") == c.P.CompanyID && api.Str(d, "FromUserID") == c.P.UserID
}

// meList lists the caller's own subscriptions from the pair's index.
func (s *Subscriptions) meList(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, subscriptionModel))
	if aerr != nil {
		return nil, aerr
	}
	spec := api.ListSpec{Model: subscriptionModel}
	lq.Filters = append(lq.Filters, api.EqualFilter(spec, "FromCompanyID", c.P.CompanyID), api.EqualFilter(spec, "FromUserID", c.P.UserID))
	docs, meta, ok, err := c.Reg.ListIndexed(c, s.Subs, nil, lq)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("subscriptions: the user's list is not indexed")
	}
	for i, d := range docs {
		if !isMine(c, d) {
			return nil, errors.New("subscriptions: the index listed another user's subscription")
		}
		if docs[i], err = s.present(c, d); err != nil {
			return nil, err
		}
	}
	return api.NewPage(subscriptionModel, docs, meta), nil
}

func (s *Subscriptions) meCreate(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	doc, err := c.Decode(subscriptionModel, false)
	if err != nil {
		return nil, err
	}
	doc["FromCompanyID"], doc["FromUserID"] = c.P.CompanyID, c.P.UserID
	return c.Reg.Insert(c, s.Subs, nil, doc)
}

func (s *Subscriptions) meSave(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	doc, err := c.Decode(subscriptionModel, false)
	if err != nil {
		return nil, err
	}
	id := c.Param("subscriptionID")
	doc["ID"] = id
	old, err := c.Reg.Load(c, s.Subs, nil, id)
	var nf *api.Error
	if errors.As(err, &nf) && nf.Status == http.StatusNotFound {
		doc["FromCompanyID"], doc["FromUserID"] = c.P.CompanyID, c.P.UserID
		c.Status = http.StatusOK
		return c.Reg.Insert(c, s.Subs, nil, doc)
	}
	if err != nil {
		return nil, err
	}
	if !isMine(c, old.Doc) {
		return nil, api.NotFound("Subscription", id)
	}
	return c.Reg.Replace(c, s.Subs, nil, old, doc)
}

func (s *Subscriptions) mePatch(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(subscriptionModel, true)
	if err != nil {
		return nil, err
	}
	delete(patch, "ID")
	e, err := s.mine(c, c.Param("subscriptionID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Replace(c, s.Subs, nil, e, api.Merge(api.Clone(e.Doc), patch))
}
