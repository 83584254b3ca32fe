package orders

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Order operations the cart mirrors that the order API did not serve yet:
// replacing an order (Orders.Save) or a line item (LineItems.Save),
// changing the order's user's name and email (Orders.PatchFromUser) and
// changing its one-time addresses (Orders.PatchShippingAddress,
// Orders.PatchBillingAddress).

// replacedOrderFields are what a PUT of an order replaces: absent from the
// body, they are cleared. Address IDs and costs, set by their own rules
// (and roles), change only when sent, as with PATCH.
var replacedOrderFields = []string{"Comments", "Gratuity", "xp"}

// Save replaces an order's writable fields, or creates the order under
// that ID when there is none (created is then true).
func (s *Service) Save(ctx context.Context, p *auth.Principal, dir Direction, id string, body api.Doc) (doc api.Doc, created bool, err error) {
	c := s.reg.Context(ctx, p)
	if _, err := c.Reg.Load(c, s.Orders, nil, id); isNotFound(err) {
		body["ID"] = id
		doc, err := s.Create(c, p, dir, body)
		return doc, true, err
	}
	for _, k := range []string{"ID", "FromUserID", "FromCompanyID", "ToCompanyID"} {
		delete(body, k)
	}
	if err := checkOverrides(c, body); err != nil {
		return nil, false, err
	}
	doc, err = s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		for k, v := range body {
			o[k] = v
		}
		for _, k := range replacedOrderFields {
			if _, sent := body[k]; !sent {
				o[k] = nil
			}
		}
		if o["xp"] == nil {
			o["xp"] = map[string]any{}
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if err := s.useAddresses(c, o, body, lines, tx); err != nil {
			return err
		}
		return s.settle(c, o, lines, tx)
	})
	return doc, false, err
}

// SaveLine replaces a line item of an unsubmitted order (its product
// cannot change), or adds it under that ID when there is none.
func (s *Service) SaveLine(ctx context.Context, p *auth.Principal, dir Direction, orderID, lineID string, line api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	if _, err := c.Reg.Load(c, s.LineItems, []string{api.Str(o.Doc, "ID")}, lineID); isNotFound(err) {
		line["ID"] = lineID
		return s.AddLine(c, p, dir, orderID, line)
	}
	if line["Quantity"] == nil {
		line["Quantity"] = json.Number("1")
	}
	var saved api.Doc
	err = s.changeLines(c, dir, orderID, func(o api.Doc, lines []api.Doc, tx *resource.Tx) error {
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
		if i < 0 {
			return api.NotFound("LineItem", lineID)
		}
		if err := contributorOwns(c, lines[i]); err != nil {
			return err
		}
		if api.Str(line, "ProductID") != api.Str(lines[i], "ProductID") {
			return api.E(http.StatusBadRequest, "LineItem.CannotChangeProductID", nil)
		}
		doc := api.Clone(line)
		doc["ID"] = lineID
		// Read-only fields and what the engine keeps on a line (its
		// bundle, its group order invitation) stay.
		for k, v := range lines[i] {
			if f, ok := lineItemModel.Field(k); (ok && f.ReadOnly) || strings.HasPrefix(k, "_") {
				doc[k] = v
			}
		}
		if !c.P.Has("OverrideUnitPrice") {
			doc["UnitPrice"] = nil
		}
		others := slices.Delete(slices.Clone(lines), i, i+1)
		if err := s.priceLine(c, o, doc, others); err != nil {
			return err
		}
		api.Complete(lineItemModel, doc)
		tx.Put(s.LineItems.Item([]string{api.Str(o, "ID")}, doc, 0), store.Always)
		saved = doc
		return s.settle(c, o, append(others, doc), tx)
	})
	return saved, err
}

// fromUserFields are the order's user's fields an order may change on its
// copy (a guest's contact details).
var fromUserFields = []string{"FirstName", "LastName", "Email", "Phone", "xp"}

// PatchFromUser changes the name and email of an unsubmitted order's
// FromUser (the order's copy, not the user): how a guest puts its own on
// an order of the anonymous context user. Other fields are ignored.
func (s *Service) PatchFromUser(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") != commerce.Unsubmitted {
			return errNotEditable("The order's user")
		}
		from, _ := o["FromUser"].(map[string]any)
		if from == nil {
			from = map[string]any{}
		}
		for _, k := range fromUserFields {
			if v, ok := patch[k]; ok {
				from[k] = v
			}
		}
		o["FromUser"] = from
		return nil
	})
}

// PatchShippingAddress changes the order's one-time shipping address (and
// every line's). An address saved in the address book (ShippingAddressID
// set) is changed through the Addresses resource instead.
func (s *Service) PatchShippingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return errNotEditable("The shipping address")
		}
		old, err := oneTimeOf(o, "ShippingAddressID", "_shipTo", "shipping")
		if err != nil {
			return err
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		s.shipTo(o, oneTimeAddress(api.Merge(old, patch)), lines, tx)
		return nil
	})
}

// PatchBillingAddress changes the order's one-time billing address.
func (s *Service) PatchBillingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	return s.update(s.reg.Context(ctx, p), dir, id, func(o api.Doc, tx *resource.Tx) error {
		old, err := oneTimeOf(o, "BillingAddressID", "BillingAddress", "billing")
		if err != nil {
			return err
		}
		addr := oneTimeAddress(api.Merge(old, patch))
		o["BillingAddress"], o["BillingAddressID"] = addr, addr["ID"]
		return nil
	})
}

// oneTimeOf is an order's one-time address held at field, refused when the
// order has none or uses a saved one (idField set).
func oneTimeOf(o api.Doc, idField, field, what string) (api.Doc, error) {
	if api.Str(o, idField) != "" {
		return nil, api.E(http.StatusBadRequest, "Address.CannotEditPublic", nil).
			WithMessage("The order's " + what + " address is a saved address (" + idField + "); change it through the Addresses resource.")
	}
	addr, _ := o[field].(map[string]any)
	if addr == nil {
		return nil, api.E(http.StatusBadRequest, "Address.CannotUpdateNotFound", nil).
			WithMessage("The order has no " + what + " address to update.")
	}
	return api.Clone(addr), nil
}
