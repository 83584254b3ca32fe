package orders

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// The order side of the checkout integration (shared/integrations): it
// reads an order with its lines, calls the integrator outside any
// transaction (a slow receiver must not hold a write open), and writes back
// what the call decided only if the order is still as it was read — a
// change in between makes the write conflict and the request start again,
// so a calculation always matches the order it was made for.

// CheckoutField is the order's internal field (never rendered) holding the
// checkout integration's state: the integrator's responses and what they
// were computed from.
const CheckoutField = "_checkout"

// CheckoutOrder is an order and its lines as read for the checkout
// integration; Order and Lines are the caller's to change before
// WriteCheckout.
type CheckoutOrder struct {
	Order api.Doc
	Lines []api.Doc
	old   api.Doc
	item  store.Item
	lines []store.Item
}

// ReadCheckout reads an order the caller sees from dir, with its lines.
func (s *Service) ReadCheckout(ctx context.Context, p *auth.Principal, dir Direction, id string) (*CheckoutOrder, error) {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, id)
	if err != nil {
		return nil, err
	}
	return s.readCheckout(c, e)
}

// ReadCheckoutAfter reads an order, with its lines, after a change the
// caller was allowed to make to it (its submit, its approval), to record
// what the integrator answered: whether the caller may still read the
// order is not asked (an approver need not see the orders it approves).
func (s *Service) ReadCheckoutAfter(ctx context.Context, p *auth.Principal, id string) (*CheckoutOrder, error) {
	c := s.reg.Context(ctx, p)
	e, err := c.Reg.Load(c, s.Orders, nil, id)
	if err != nil {
		return nil, err
	}
	return s.readCheckout(c, e)
}

func (s *Service) readCheckout(c *resource.Ctx, e *resource.Entity) (*CheckoutOrder, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: s.LineItems.PK(api.Str(e.Doc, "ID"))})
	if err != nil {
		return nil, err
	}
	co := &CheckoutOrder{Order: e.Doc, old: api.Clone(e.Doc), item: e.Item, lines: items}
	for _, it := range items {
		l, err := resource.DecodeItem(it)
		if err != nil {
			return nil, err
		}
		co.Lines = append(co.Lines, l)
	}
	return co, nil
}

// CheckoutEditable refuses a checkout step (estimate, ship method
// selection, calculation) on an order that can no longer change.
func CheckoutEditable(order api.Doc) error {
	if !commerce.Editable(api.Str(order, "Status")) {
		return errNotEditable("The checkout")
	}
	return nil
}

// WriteCheckout writes back an order read by ReadCheckout, on condition
// that it has not changed since. With repriced (lines of co.Lines whose
// prices the caller changed, possibly none) the order settles first, as
// after any change: adjusters, then totals. recorded, when set, runs last
// on the settled order and lines, to record what the result was computed
// from.
func (s *Service) WriteCheckout(ctx context.Context, p *auth.Principal, co *CheckoutOrder, repriced []api.Doc, settle bool,
	recorded func(order api.Doc, lines []api.Doc)) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	tx := &resource.Tx{}
	tx.Knows(co.item)
	for _, it := range co.lines {
		tx.Knows(it)
	}
	for _, l := range repriced {
		s.putLine(tx, co.Order, l)
	}
	if settle {
		if err := s.settle(c, co.Order, co.Lines, tx); err != nil {
			return nil, err
		}
		co.Order["LastUpdated"] = api.Now()
	}
	if recorded != nil {
		recorded(co.Order, co.Lines)
	}
	s.keepCartIndex(c, tx, co.old, co.Order)
	it := s.orderItem(co.Order, co.item.Version)
	tx.Lead(store.Op{Put: &it, Cond: store.IfVersion}, nil)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return co.Order, nil
}

// OverridePrice sets a line's unit price as an integration decided it
// (the checkout's LineItemOverrides): its subtotal and total follow, and it
// counts as overridden, so repricing leaves it alone until the line changes.
func OverridePrice(line api.Doc, unit decimal.Decimal) {
	setPrice(line, unit, unit.Mul(decimal.NewFromInt(int64(api.Int(line["Quantity"])))), false)
	line["PriceOverridden"] = true
	delete(line, cumulativeField)
}

// RenderOrder and RenderLine are an order and a line as the API renders
// them (contract fields only, in contract order).
func RenderOrder(d api.Doc) json.Marshaler { return api.Ordered{Model: orderModel, Doc: d} }
func RenderLine(d api.Doc) json.Marshaler  { return api.Ordered{Model: lineItemModel, Doc: d} }
