package subscriptions

import (
	"encoding/json"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Subscription items are line items to be. Each is priced when written,
// as a line item of an order its subscription's user would place now
// (visibility, schedule, specs, variant, stock), and the subscription's
// ProjectedSubtotal keeps their sum, changed in the item's transaction.
// A bundle item stands for a bundle with the items chosen of it; the
// order gets the bundle as BundleLineItems add it.

// bundleItemsField keeps, on a bundle's subscription item, the bundle's
// items chosen (each with its ID on the orders to come). Internal.
const bundleItemsField = "_bundleItems"

// prepareItem prices an item being written and moves the subscription's
// ProjectedSubtotal by the change of its subtotal.
func (s *Subscriptions) prepareItem(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	sub, err := c.Reg.Load(c, s.Subs, nil, c.Param("subscriptionID"))
	if err != nil {
		return err
	}
	if old != nil && api.Str(old, "ProductID") != api.Str(doc, "ProductID") {
		return api.E(http.StatusBadRequest, "LineItem.CannotChangeProductID", nil)
	}
	if old != nil && old[bundleItemsField] != nil {
		doc[bundleItemsField] = old[bundleItemsField]
	}
	if doc[bundleItemsField] != nil {
		doc["IsBundle"], doc["Quantity"] = true, json.Number("1")
		doc["UnitPrice"], doc["LineSubtotal"], doc["LineTotal"], doc["PromotionDiscount"] = api.Num(0), api.Num(0), api.Num(0), api.Num(0)
	} else {
		doc["IsBundle"] = false
		// Completing the doc wrote 0 for a missing quantity: as for a
		// line item, none means one.
		if api.Int(doc["Quantity"]) == 0 {
			doc["Quantity"] = json.Number("1")
		}
		// A price is overridden only by who may, and a change carrying
		// the computed price it read is priced again.
		override := c.P.Has("OverrideUnitPrice") && doc["UnitPrice"] != nil
		if old != nil && old["PriceOverridden"] != true && api.Dec(old["UnitPrice"]).Equal(api.Dec(doc["UnitPrice"])) {
			override = false
		}
		if !override {
			doc["UnitPrice"] = nil
		}
		if err := s.orders.PriceFor(c, c.P, api.Str(sub.Doc, "FromCompanyID"), api.Str(sub.Doc, "FromUserID"),
			api.Str(sub.Doc, "ToCompanyID"), doc); err != nil {
			return err
		}
	}
	if old == nil {
		doc["DateAdded"] = api.Now()
	}
	doc["QuantityShipped"] = api.Num(0)
	s.moveSubtotal(tx, sub, old, doc)
	return nil
}

// beforeDeleteItem takes a deleted item's subtotal off its subscription.
func (s *Subscriptions) beforeDeleteItem(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	sub, err := c.Reg.Load(c, s.Subs, nil, c.Param("subscriptionID"))
	if err != nil {
		return err
	}
	s.moveSubtotal(tx, sub, doc, nil)
	return nil
}

// moveSubtotal queues the subscription's write with ProjectedSubtotal
// less the old item's subtotal plus the new one's, conditioned on the
// version read (a concurrent change of it makes the request run again).
func (s *Subscriptions) moveSubtotal(tx *resource.Tx, sub *resource.Entity, old, doc api.Doc) {
	d := api.Clone(sub.Doc)
	total := api.Dec(d["ProjectedSubtotal"])
	if old != nil {
		total = total.Sub(api.Dec(old["LineSubtotal"]))
	}
	if doc != nil {
		total = total.Add(api.Dec(doc["LineSubtotal"]))
	}
	d["ProjectedSubtotal"] = api.Money(total)
	tx.Knows(sub.Item)
	tx.Put(s.Subs.Item(nil, d, sub.Item.Version), store.IfVersion)
}

// --- bundles ----------------------------------------------------------------

func (s *Subscriptions) addBundleHTTP(c *resource.Ctx) (any, error) {
	sub, err := c.Reg.LoadReachable(c, s.Subs, nil, c.Param("subscriptionID"), true)
	if err != nil {
		return nil, err
	}
	return s.addBundle(c, sub.Doc, c.Param("bundleID"))
}

func (s *Subscriptions) removeBundleHTTP(c *resource.Ctx) (any, error) {
	if _, err := c.Reg.LoadReachable(c, s.Subs, nil, c.Param("subscriptionID"), true); err != nil {
		return nil, err
	}
	return nil, s.removeBundle(c, c.Param("subscriptionID"), c.Param("bundleID"), c.Param("bundleItemID"))
}

// addBundle adds a bundle the subscription's user may buy, with the items
// the body chooses (none: the bundle's defaults, decided on each order).
func (s *Subscriptions) addBundle(c *resource.Ctx, sub api.Doc, bundleID string) (any, error) {
	body := api.Doc{}
	if c.R.ContentLength != 0 {
		var err error
		if body, err = c.Decode(bundleItemsModel, false); err != nil {
			return nil, err
		}
	}
	bundle, err := s.orders.BuyerBundle(c, c.P, api.Str(sub, "FromCompanyID"), api.Str(sub, "FromUserID"), bundleID)
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, l := range api.Maps(body["LineItems"]) {
		it := api.Doc(l)
		if err := c.Reg.AssignID(c, it); err != nil {
			return nil, err
		}
		items = append(items, map[string]any(it))
	}
	doc := api.Doc{"ProductID": bundleID, bundleItemsField: items,
		"Product": map[string]any{"ID": bundleID, "Name": bundle["Name"], "Description": bundle["Description"], "xp": bundle["xp"]}}
	return c.Reg.Insert(c, s.Items, []string{api.Str(sub, "ID")}, doc)
}

// removeBundle removes a bundle's item from a subscription.
func (s *Subscriptions) removeBundle(c *resource.Ctx, subID, bundleID, itemID string) error {
	e, err := c.Reg.Load(c, s.Items, []string{subID}, itemID)
	if err != nil {
		return err
	}
	if e.Doc[bundleItemsField] == nil || api.Str(e.Doc, "ProductID") != bundleID {
		return api.NotFound("SubscriptionItem", itemID)
	}
	return c.Reg.Remove(c, s.Items, []string{subID}, e)
}

// --- Me ----------------------------------------------------------------------

func (s *Subscriptions) declareMeItems(r *resource.Registry) {
	r.Handle("Me.ListSubscriptionItems", func(c *resource.Ctx) (any, error) {
		sub, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		docs, err := c.Reg.All(c, s.Items, []string{api.Str(sub.Doc, "ID")})
		if err != nil {
			return nil, err
		}
		return c.Reg.Page(c, lineItemModel, docs, nil)
	})
	r.Handle("Me.GetSubscriptionItem", func(c *resource.Ctx) (any, error) {
		e, err := s.myItem(c)
		if err != nil {
			return nil, err
		}
		return c.Reg.Out(c, s.Items, e.Doc)
	})
	r.Handle("Me.CreateSubscriptionItem", func(c *resource.Ctx) (any, error) {
		sub, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		doc, err := c.Decode(lineItemModel, false)
		if err != nil {
			return nil, err
		}
		return c.Reg.Insert(c, s.Items, []string{api.Str(sub.Doc, "ID")}, doc)
	})
	r.Handle("Me.SaveSubscriptionItem", func(c *resource.Ctx) (any, error) {
		sub, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		doc, err := c.Decode(lineItemModel, false)
		if err != nil {
			return nil, err
		}
		scope := []string{api.Str(sub.Doc, "ID")}
		doc["ID"] = c.Param("subscriptionItemID")
		old, err := c.Reg.Load(c, s.Items, scope, api.Str(doc, "ID"))
		if ae, ok := err.(*api.Error); ok && ae.Status == http.StatusNotFound {
			c.Status = http.StatusOK
			return c.Reg.Insert(c, s.Items, scope, doc)
		}
		if err != nil {
			return nil, err
		}
		return c.Reg.Replace(c, s.Items, scope, old, doc)
	})
	r.Handle("Me.PatchSubscriptionItem", func(c *resource.Ctx) (any, error) {
		patch, err := c.Decode(lineItemModel, true)
		if err != nil {
			return nil, err
		}
		delete(patch, "ID")
		e, err := s.myItem(c)
		if err != nil {
			return nil, err
		}
		return c.Reg.Replace(c, s.Items, []string{c.Param("subscriptionID")}, e, api.Merge(api.Clone(e.Doc), patch))
	})
	r.Handle("Me.DeleteSubscriptionItem", func(c *resource.Ctx) (any, error) {
		e, err := s.myItem(c)
		if err != nil {
			return nil, err
		}
		return nil, c.Reg.Remove(c, s.Items, []string{c.Param("subscriptionID")}, e)
	})
	r.Handle("Me.CreateSubscriptionBundleItem", func(c *resource.Ctx) (any, error) {
		sub, err := s.mine(c, c.Param("subscriptionID"))
		if err != nil {
			return nil, err
		}
		return s.addBundle(c, sub.Doc, c.Param("bundleID"))
	})
	r.Handle("Me.DeleteSubscriptionBundleItem", func(c *resource.Ctx) (any, error) {
		if _, err := s.mine(c, c.Param("subscriptionID")); err != nil {
			return nil, err
		}
		return nil, s.removeBundle(c, c.Param("subscriptionID"), c.Param("bundleID"), c.Param("bundleItemID"))
	})
}

// myItem loads an item of one of the caller's subscriptions.
func (s *Subscriptions) myItem(c *resource.Ctx) (*resource.Entity, error) {
	sub, err := s.mine(c, c.Param("subscriptionID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Load(c, s.Items, []string{api.Str(sub.Doc, "ID")}, c.Param("subscriptionItemID"))
}
