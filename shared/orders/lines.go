package orders

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// changeLines applies a change to an order's line items, trying again
// right here when a concurrent change of the order wins the race: lines
// of one order are often added at once, and re-running only the order's
// read and write (not the catalog reads that priced the line, which the
// context remembers) lets many writers through quickly. Clients add an
// order's lines in parallel, and each waits its turn on the order (for the
// engine's whole retry budget) rather than fail.
func (s *Service) changeLines(c *resource.Ctx, dir Direction, orderID string, change func(order api.Doc, lines []api.Doc, tx *resource.Tx) error) error {
	release, err := s.lineTurns.take(c, orderID)
	if err != nil {
		return err
	}
	defer release()
	return resource.RetryDo(c, func() error {
		_, err := s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
			if err := contributorGate(c, o); err != nil {
				return err
			}
			if !commerce.Editable(api.Str(o, "Status")) {
				return errNotEditable("Line items")
			}
			items, err := c.Deps.Store.Query(c, store.Query{PK: s.LineItems.PK(api.Str(o, "ID"))})
			if err != nil {
				return err
			}
			lines := make([]api.Doc, len(items))
			for i, it := range items {
				if lines[i], err = resource.DecodeItem(it); err != nil {
					return err
				}
				tx.Knows(it) // rewritten lines keep their indexes without reading them again
			}
			return change(o, lines, tx)
		})
		return err
	})
}

// AddLine adds a line item to an unsubmitted order, priced for the order's
// user.
func (s *Service) AddLine(ctx context.Context, p *auth.Principal, dir Direction, orderID string, line api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if line["Quantity"] == nil {
		line["Quantity"] = json.Number("1")
	}
	if err := c.Reg.AssignID(c, line); err != nil {
		return nil, err
	}
	var saved api.Doc
	err := s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		doc := api.Clone(line)
		if err := s.priceLine(c, o, doc, lines); err != nil {
			return err
		}
		doc["DateAdded"], doc["QuantityShipped"] = api.Now(), json.Number("0")
		stampContributor(c, doc)
		if ship, ok := o["_shipTo"].(map[string]any); ok && doc["ShippingAddress"] == nil {
			doc["ShippingAddress"], doc["ShippingAddressID"] = ship, ship["ID"]
		}
		api.Complete(lineItemModel, doc)
		all := append(lines, doc)
		tx.PutOr(s.LineItems.Item([]string{api.Str(o, "ID")}, doc, 0), store.IfAbsent, api.IDExists("LineItem", api.Str(doc, "ID")))
		saved = doc
		return s.settle(c, o, all, tx)
	})
	return saved, err
}

// ChangeLine changes a line item of an unsubmitted order and prices it
// again; its product cannot change.
func (s *Service) ChangeLine(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	var saved api.Doc
	err := s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
		if i < 0 {
			return api.NotFound("LineItem", lineID)
		}
		if err := contributorOwns(c, lines[i]); err != nil {
			return err
		}
		if pid, ok := patch["ProductID"]; ok && pid != lines[i]["ProductID"] {
			return api.E(http.StatusBadRequest, "LineItem.CannotChangeProductID", nil)
		}
		doc := api.Merge(lines[i], patch)
		if _, set := patch["UnitPrice"]; !set {
			doc["UnitPrice"] = nil
		}
		others := slices.Delete(slices.Clone(lines), i, i+1)
		if err := s.priceLine(c, o, doc, others); err != nil {
			return err
		}
		tx.Put(s.LineItems.Item([]string{api.Str(o, "ID")}, doc, 0), store.Always)
		saved = doc
		return s.settle(c, o, append(others, doc), tx)
	})
	return saved, err
}

// RemoveLine removes a line item from an unsubmitted order.
func (s *Service) RemoveLine(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string) error {
	c := s.reg.Context(ctx, p)
	return s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
		if i < 0 {
			return api.NotFound("LineItem", lineID)
		}
		if err := lineRemovable(lines[i]); err != nil {
			return err
		}
		if err := contributorOwns(c, lines[i]); err != nil {
			return err
		}
		tx.Delete(store.Key{PK: s.LineItems.PK(api.Str(o, "ID")), SK: lineID})
		return s.settle(c, o, slices.Delete(lines, i, i+1), tx)
	})
}

// Lines lists an order's line items.
func (s *Service) Lines(ctx context.Context, p *auth.Principal, dir Direction, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	return s.lines(c, api.Str(o.Doc, "ID"))
}

// Line reads one line item of an order.
func (s *Service) Line(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, s.LineItems, []string{api.Str(o.Doc, "ID")}, lineID)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}
