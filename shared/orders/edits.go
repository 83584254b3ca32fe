package orders

import (
	"context"
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Validating an order before submit, line items' own ship-to addresses and
// line items across orders. Replacing an order or a line item, and
// patching its user and addresses, are in counterparts.go.

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
	r.Handle("Orders.Validate", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		return nil, s.Validate(c, c.P, d, c.Param("orderID"))
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
