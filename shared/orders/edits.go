package orders

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Replacing and patching parts of an order and its line items, and
// validating an order before submit.

// Save replaces an order's writable fields (PUT): those the body leaves out
// return to their defaults; IDs of the parties, the status and the amounts
// the order derives stay.
func (s *Service) Save(ctx context.Context, p *auth.Principal, dir Direction, id string, body api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if err := checkOverrides(c, body); err != nil {
		return nil, err
	}
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		for _, f := range orderModel.Fields {
			if f.ReadOnly || keptOnReplace[f.Name] {
				continue
			}
			if v, ok := body[f.Name]; ok {
				o[f.Name] = v
			} else {
				delete(o, f.Name)
			}
		}
		api.Complete(orderModel, o)
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if err := s.useAddresses(c, o, body, lines, tx); err != nil {
			return err
		}
		return s.settle(c, o, lines, tx)
	})
}

// keptOnReplace are writable order fields a replace does not clear: who
// the order is from and to (set at creation) and the addresses (set by
// their own routes or by ID).
var keptOnReplace = map[string]bool{"ID": true, "FromUserID": true, "FromCompanyID": true, "ToCompanyID": true,
	"BillingAddressID": true, "ShippingAddressID": true}

// PatchShippingAddress changes fields of the order's shipping address (and
// so every line's).
func (s *Service) PatchShippingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return errNotEditable("The shipping address")
		}
		cur, _ := o["_shipTo"].(map[string]any)
		if cur == nil {
			return api.E(http.StatusBadRequest, "LineItem.CannotPatchShippingAddressIfMissing", nil).
				WithMessage("The order has no shipping address to change; use PUT to set one.")
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		s.shipTo(o, oneTimeAddress(api.Merge(api.Clone(cur), patch)), lines, tx)
		return nil
	})
}

// PatchBillingAddress changes fields of the order's billing address.
func (s *Service) PatchBillingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	return s.update(s.reg.Context(ctx, p), dir, id, func(o api.Doc, tx *resource.Tx) error {
		cur, _ := o["BillingAddress"].(map[string]any)
		if cur == nil {
			return api.Validation("BillingAddress", "The order has no billing address to change; use PUT to set one.")
		}
		addr := oneTimeAddress(api.Merge(api.Clone(cur), patch))
		o["BillingAddress"], o["BillingAddressID"] = addr, addr["ID"]
		return nil
	})
}

// fromUserFields are what PatchFromUser may change on the order's copy of
// its user: the contact details an anonymous shopper gives at checkout.
var fromUserFields = []string{"FirstName", "LastName", "Email", "Phone", "xp"}

// PatchFromUser changes the contact details of the order's FromUser (the
// order's copy, not the user).
func (s *Service) PatchFromUser(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	for k := range patch {
		if !slices.Contains(fromUserFields, k) {
			return nil, api.Validation(k, "Only "+strings.Join(fromUserFields, ", ")+" of the order's user can change.")
		}
	}
	return s.update(s.reg.Context(ctx, p), dir, id, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return errNotEditable("The order's user")
		}
		from, _ := o["FromUser"].(map[string]any)
		if from == nil {
			from = map[string]any{}
		}
		o["FromUser"] = api.Merge(from, patch)
		return nil
	})
}

// Validate checks an order as submitting it would, without submitting: the
// same steps run in a dry run (nothing is written).
func (s *Service) Validate(ctx context.Context, p *auth.Principal, dir Direction, id string) error {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, id)
	if err != nil {
		return err
	}
	lines, err := s.lines(c, id)
	if err != nil {
		return err
	}
	status, err := commerce.Submit(api.Str(e.Doc, "Status"), len(lines))
	if err != nil {
		return err
	}
	doc := api.Clone(e.Doc)
	doc["Status"] = status
	sub := &Submission{Order: doc, Lines: lines, Tx: &resource.Tx{}, DryRun: true}
	for _, step := range s.submitSteps {
		if err := step(c, sub); err != nil {
			return err
		}
	}
	return nil
}

// SaveLine replaces a line item (PUT): its product cannot change, fields the
// body leaves out return to their defaults, and it is priced again.
func (s *Service) SaveLine(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string, body api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	var saved api.Doc
	err := s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
		if i < 0 {
			return api.NotFound("LineItem", lineID)
		}
		old := lines[i]
		if pid := api.Str(body, "ProductID"); pid != "" && pid != api.Str(old, "ProductID") {
			return api.E(http.StatusBadRequest, "LineItem.CannotChangeProductID", nil)
		}
		doc := api.Doc{}
		for k, v := range old {
			if f, ok := lineItemModel.Field(k); (ok && f.ReadOnly) || strings.HasPrefix(k, "_") {
				doc[k] = v
			}
		}
		for k, v := range body {
			doc[k] = v
		}
		doc["ID"], doc["ProductID"] = lineID, old["ProductID"]
		if doc["Quantity"] == nil {
			doc["Quantity"] = old["Quantity"]
		}
		api.Complete(lineItemModel, doc)
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

// SetLineShippingAddress ships one line item to a one-time address; with
// patch, it changes fields of the line's current address.
func (s *Service) SetLineShippingAddress(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string, addr api.Doc, patch bool) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	var saved api.Doc
	err := s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
		if i < 0 {
			return api.NotFound("LineItem", lineID)
		}
		doc := api.Clone(lines[i])
		if patch {
			cur, _ := doc["ShippingAddress"].(map[string]any)
			if cur == nil {
				return api.E(http.StatusBadRequest, "LineItem.CannotPatchShippingAddressIfMissing", nil)
			}
			addr = api.Merge(api.Clone(cur), addr)
		}
		a := oneTimeAddress(addr)
		doc["ShippingAddress"], doc["ShippingAddressID"] = a, a["ID"]
		tx.Put(s.LineItems.Item([]string{api.Str(o, "ID")}, doc, 0), store.Always)
		lines[i] = doc
		saved = doc
		return s.settle(c, o, lines, tx)
	})
	return saved, err
}

var extendedLineItemModel = contract.MustModel("ExtendedLineItem")

// HTTP bindings of the edits.

func (s *Service) declareEdits(r *resource.Registry) {
	r.Handle("Orders.Save", func(c *resource.Ctx) (any, error) {
		body, err := c.Decode(orderModel, false)
		if err != nil {
			return nil, err
		}
		return orderCall(c, func(d Direction) (api.Doc, error) { return s.Save(c, c.P, d, c.Param("orderID"), body) })
	})
	r.Handle("Orders.PatchShippingAddress", func(c *resource.Ctx) (any, error) {
		patch, err := c.Decode(addressModel, true)
		if err != nil {
			return nil, err
		}
		return orderCall(c, func(d Direction) (api.Doc, error) {
			return s.PatchShippingAddress(c, c.P, d, c.Param("orderID"), patch)
		})
	})
	r.Handle("Orders.PatchBillingAddress", func(c *resource.Ctx) (any, error) {
		patch, err := c.Decode(addressModel, true)
		if err != nil {
			return nil, err
		}
		return orderCall(c, func(d Direction) (api.Doc, error) { return s.PatchBillingAddress(c, c.P, d, c.Param("orderID"), patch) })
	})
	r.Handle("Orders.PatchFromUser", func(c *resource.Ctx) (any, error) {
		patch, err := c.Body()
		if err != nil {
			return nil, err
		}
		return orderCall(c, func(d Direction) (api.Doc, error) { return s.PatchFromUser(c, c.P, d, c.Param("orderID"), patch) })
	})
	r.Handle("Orders.Validate", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		return nil, s.Validate(c, c.P, d, c.Param("orderID"))
	})
	r.Handle("LineItems.Save", func(c *resource.Ctx) (any, error) {
		body, err := c.Decode(lineItemModel, false)
		if err != nil {
			return nil, err
		}
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		saved, err := s.SaveLine(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"), body)
		if err != nil {
			return nil, err
		}
		return outLine(saved), nil
	})
	for op, patch := range map[string]bool{"LineItems.SetShippingAddress": false, "LineItems.PatchShippingAddress": true} {
		r.Handle(op, func(c *resource.Ctx) (any, error) {
			addr, err := c.Decode(addressModel, patch)
			if err != nil {
				return nil, err
			}
			d, err := dir(c)
			if err != nil {
				return nil, err
			}
			saved, err := s.SetLineShippingAddress(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"), addr, patch)
			if err != nil {
				return nil, err
			}
			return outLine(saved), nil
		})
	}
	r.Handle("LineItems.ListAcrossOrders", s.listLinesAcrossOrders)
}
