package orders

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/shopspring/decimal"
)

// Bundle line items. Adding a bundle to an order adds, in one change, a
// line standing for the bundle (IsBundle: no price, not counted in
// LineItemCount) and a line for each of its items (BundleItemID naming
// the bundle's line), each priced as any line but at the price break's
// BundlePrice when it has one. The bundle goes as a whole: its line and
// its required items cannot be removed one by one.

var bundleItemsModel = contract.MustModel("BundleItems")

// bundleRequiredField marks a bundle's item the bundle requires.
const bundleRequiredField = "_bundleRequired"

// AddBundle adds a bundle to an unsubmitted order with the items given
// (each a product of the bundle; its quantity defaults to the bundle's
// DefaultQuantity). With no items given, the bundle's items that have a
// default quantity are added, and a required one without one is refused;
// with items given, every required item must be among them. It returns
// the bundle's line.
func (s *Service) AddBundle(ctx context.Context, p *auth.Principal, dir Direction, orderID, bundleID string, items []api.Doc) (api.Doc, error) {
	return s.addBundle(ctx, p, dir, orderID, bundleID, "", items)
}

// addBundle is AddBundle with the bundle line's ID given ("" generates
// one): a caller adding the same bundle again with the same ID is refused
// (IdExists) rather than adding it twice.
func (s *Service) addBundle(ctx context.Context, p *auth.Principal, dir Direction, orderID, bundleID, lineID string, items []api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	bundleLine := api.Doc{"ProductID": bundleID}
	if lineID != "" {
		bundleLine["ID"] = lineID
	}
	if err := c.Reg.AssignID(c, bundleLine); err != nil {
		return nil, err
	}
	for _, it := range items {
		if err := c.Reg.AssignID(c, it); err != nil {
			return nil, err
		}
	}
	var saved api.Doc
	err := s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		bundle, assigned, err := s.catalog.BuyerBundle(c, api.Str(o, "FromCompanyID"), api.Str(o, "FromUserID"), bundleID)
		if err != nil {
			return err
		}
		wanted, err := bundleItems(assigned, items)
		if err != nil {
			return err
		}
		now := api.Now()
		bl := api.Clone(bundleLine)
		bl["Quantity"], bl["IsBundle"], bl["DateAdded"], bl["QuantityShipped"] = json.Number("1"), true, now, json.Number("0")
		bl["Product"] = api.Doc{"ID": bundleID, "Name": bundle["Name"], "Description": bundle["Description"], "xp": bundle["xp"]}
		setPrice(bl, decimal.Zero, decimal.Zero, false)
		api.Complete(lineItemModel, bl)
		all := append(slices.Clone(lines), bl)
		tx.PutOr(s.LineItems.Item([]string{orderID}, bl, 0), store.IfAbsent, api.IDExists("LineItem", api.Str(bl, "ID")))
		for _, w := range wanted {
			doc := api.Clone(w)
			if err := c.Reg.AssignID(c, doc); err != nil {
				return err
			}
			doc["BundleItemID"] = bl["ID"]
			if err := s.priceLine(c, o, doc, all); err != nil {
				return err
			}
			doc["DateAdded"], doc["QuantityShipped"] = now, json.Number("0")
			if ship, ok := o["_shipTo"].(map[string]any); ok && doc["ShippingAddress"] == nil {
				doc["ShippingAddress"], doc["ShippingAddressID"] = ship, ship["ID"]
			}
			api.Complete(lineItemModel, doc)
			tx.PutOr(s.LineItems.Item([]string{orderID}, doc, 0), store.IfAbsent, api.IDExists("LineItem", api.Str(doc, "ID")))
			all = append(all, doc)
		}
		saved = bl
		return s.settle(c, o, all, tx)
	})
	return saved, err
}

// bundleItems are the lines to add for a bundle: the items given (each
// naming a product of the bundle, its quantity defaulting to the bundle's
// default), or the bundle's defaults.
func bundleItems(assigned []api.Doc, given []api.Doc) ([]api.Doc, error) {
	byProduct := map[string]api.Doc{}
	for _, a := range assigned {
		byProduct[api.Str(a, "ProductID")] = a
	}
	var out []api.Doc
	if len(given) == 0 {
		for _, a := range assigned {
			if a["DefaultQuantity"] == nil {
				if a["Required"] == true {
					return nil, api.E(http.StatusBadRequest, "Bundle.DefaultQuantityMissing", map[string]any{"ProductID": a["ProductID"]})
				}
				continue
			}
			out = append(out, api.Doc{"ProductID": a["ProductID"], "Quantity": a["DefaultQuantity"], bundleRequiredField: a["Required"] == true})
		}
		return out, nil
	}
	present := map[string]bool{}
	for _, g := range given {
		pid := api.Str(g, "ProductID")
		a, ok := byProduct[pid]
		if !ok {
			return nil, api.E(http.StatusBadRequest, "Bundle.ProductNotAssigned", map[string]any{"ProductID": pid})
		}
		line := api.Clone(g)
		if line["Quantity"] == nil {
			line["Quantity"] = json.Number("1")
			if a["DefaultQuantity"] != nil {
				line["Quantity"] = a["DefaultQuantity"]
			}
		}
		line[bundleRequiredField] = a["Required"] == true
		present[pid] = true
		out = append(out, line)
	}
	for _, a := range assigned {
		if a["Required"] == true && !present[api.Str(a, "ProductID")] {
			return nil, api.E(http.StatusBadRequest, "Bundle.RequiredBundleItemMissing", map[string]any{"ProductID": a["ProductID"]})
		}
	}
	return out, nil
}

// RemoveBundle removes a bundle from an unsubmitted order: the bundle's
// line and every item of it.
func (s *Service) RemoveBundle(ctx context.Context, p *auth.Principal, dir Direction, orderID, bundleID, bundleLineID string) error {
	c := s.reg.Context(ctx, p)
	return s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == bundleLineID })
		if i < 0 {
			return api.NotFound("LineItem", bundleLineID)
		}
		if lines[i]["IsBundle"] != true {
			if api.Str(lines[i], "BundleItemID") != "" {
				return api.E(http.StatusBadRequest, "LineItem.CannotRemoveBundleItem", nil)
			}
			return api.NotFound("LineItem", bundleLineID)
		}
		if api.Str(lines[i], "ProductID") != bundleID {
			return api.NotFound("Bundle", bundleID)
		}
		kept := lines[:0:0]
		for _, l := range lines {
			if id := api.Str(l, "ID"); id == bundleLineID || api.Str(l, "BundleItemID") == bundleLineID {
				tx.Delete(store.Key{PK: s.LineItems.PK(orderID), SK: id})
				continue
			}
			kept = append(kept, l)
		}
		return s.settle(c, o, kept, tx)
	})
}

// lineRemovable refuses removing a bundle's line, or an item its bundle
// requires, on its own (LineItems.Delete).
func lineRemovable(line api.Doc) error {
	switch {
	case line["IsBundle"] == true:
		return api.E(http.StatusBadRequest, "LineItem.CannotRemoveBundle", nil)
	case line[bundleRequiredField] == true:
		return api.E(http.StatusBadRequest, "LineItem.CannotRemoveRequiredBundleItem", nil)
	}
	return nil
}

func (s *Service) addBundleHTTP(c *resource.Ctx) (any, error) {
	body := api.Doc{}
	if c.R.ContentLength != 0 {
		var err error
		if body, err = c.Decode(bundleItemsModel, false); err != nil {
			return nil, err
		}
	}
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	var items []api.Doc
	for _, l := range api.Maps(body["LineItems"]) {
		items = append(items, l)
	}
	saved, err := s.AddBundle(c, c.P, d, c.Param("orderID"), c.Param("bundleID"), items)
	if err != nil {
		return nil, err
	}
	return outLine(saved), nil
}

func (s *Service) removeBundleHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return nil, s.RemoveBundle(c, c.P, d, c.Param("orderID"), c.Param("bundleID"), c.Param("bundleItemID"))
}
