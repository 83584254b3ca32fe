package orders

import (
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The HTTP bindings: each reads the path and the body, calls the service
// and answers with what it returns.

func dir(c *resource.Ctx) (Direction, error) { return ParseDirection(c.Param("direction")) }

func outOrder(d api.Doc) any { return api.Ordered{Model: orderModel, Doc: d} }
func outLine(d api.Doc) any  { return api.Ordered{Model: lineItemModel, Doc: d} }

// orderCall reads the direction, calls f and answers with the order.
func orderCall(c *resource.Ctx, f func(d Direction) (api.Doc, error)) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	o, err := f(d)
	if err != nil {
		return nil, err
	}
	return outOrder(o), nil
}

func (s *Service) createHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(orderModel, false)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Create(c, c.P, d, body) })
}

func (s *Service) getHTTP(c *resource.Ctx) (any, error) {
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Get(c, c.P, d, c.Param("orderID")) })
}

func (s *Service) patchHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(orderModel, true)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Patch(c, c.P, d, c.Param("orderID"), patch) })
}

func (s *Service) deleteHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return nil, s.Delete(c, c.P, d, c.Param("orderID"))
}

func (s *Service) submitHTTP(c *resource.Ctx) (any, error) {
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Submit(c, c.P, d, c.Param("orderID")) })
}

func (s *Service) completeHTTP(c *resource.Ctx) (any, error) {
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Complete(c, c.P, d, c.Param("orderID")) })
}

func (s *Service) setShippingAddressHTTP(c *resource.Ctx) (any, error) {
	addr, err := c.Decode(addressModel, false)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.SetShippingAddress(c, c.P, d, c.Param("orderID"), addr) })
}

func (s *Service) setBillingAddressHTTP(c *resource.Ctx) (any, error) {
	addr, err := c.Decode(addressModel, false)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.SetBillingAddress(c, c.P, d, c.Param("orderID"), addr) })
}

// shipHTTP ships the order; the body, a Shipment, is optional.
func (s *Service) shipHTTP(c *resource.Ctx) (any, error) {
	shipment := api.Doc{}
	if c.R.ContentLength > 0 {
		body, err := c.Decode(shipmentModel, false)
		if err != nil {
			return nil, err
		}
		shipment = body
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Ship(c, c.P, d, c.Param("orderID"), shipment) })
}

// listHTTP lists the orders the caller sees from the direction.
func (s *Service) listHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	if c.P.Confined() {
		return s.confinedOrders(c, d, func(o api.Doc) bool { return inDateRange(c, o) && inCompanies(c, o) })
	}
	filters, none := perspective(c, d)
	if b := c.Query("buyerID"); b != "" {
		filters = append(filters, api.EqualFilter(orderSpec, "FromCompanyID", b))
	}
	if sup := c.Query("supplierID"); sup != "" {
		filters = append(filters, api.EqualFilter(orderSpec, "ToCompanyID", sup))
	}
	return s.listOrders(c, append(filters, dateRange(c)...), none, func(o api.Doc) bool {
		if b := c.Query("buyerID"); b != "" && api.Str(o, "FromCompanyID") != b {
			return false
		}
		if sup := c.Query("supplierID"); sup != "" && api.Str(o, "ToCompanyID") != sup {
			return false
		}
		return canSee(c, d, o) && inDateRange(c, o)
	})
}

// meListOrdersHTTP lists the caller's own orders (Me.ListOrders).
func (s *Service) meListOrdersHTTP(c *resource.Ctx) (any, error) {
	if c.P.Confined() {
		return s.confinedOrders(c, Outgoing, func(o api.Doc) bool { return inDateRange(c, o) })
	}
	filters := []api.Filter{api.EqualFilter(orderSpec, "FromCompanyID", c.P.CompanyID), api.EqualFilter(orderSpec, "FromUserID", c.P.UserID)}
	return s.listOrders(c, append(filters, dateRange(c)...), false, func(o api.Doc) bool {
		return api.Str(o, "FromCompanyID") == c.P.CompanyID && api.Str(o, "FromUserID") == c.P.UserID && inDateRange(c, o)
	})
}

var orderSpec = api.ListSpec{Model: orderModel}

// perspective are the filters keeping an order list to what canSee lets
// the caller see from d; none is true when it sees no order that way.
func perspective(c *resource.Ctx, d Direction) (filters []api.Filter, none bool) {
	p := c.P
	switch p.UserType {
	case auth.Buyer:
		if d == Incoming {
			return nil, true
		}
		filters = append(filters, api.EqualFilter(orderSpec, "FromCompanyID", p.CompanyID))
		if !slices.ContainsFunc([]string{"OrderAdmin", "OrderReader"}, p.Has) {
			filters = append(filters, api.EqualFilter(orderSpec, "FromUserID", p.UserID))
		}
	case auth.Admin:
		// The marketplace's incoming orders are those sent to it, its
		// outgoing ones those it sent (forwarded to suppliers); All is
		// every order of the marketplace, a buyer's straight to a
		// supplier included (orders.mdx).
		switch d {
		case Outgoing:
			filters = append(filters, api.EqualFilter(orderSpec, "FromCompanyID", c.MarketplaceID()))
		case Incoming:
			filters = append(filters, api.EqualFilter(orderSpec, "ToCompanyID", c.MarketplaceID()))
		}
	default:
		if d == Outgoing {
			return nil, true
		}
		filters = append(filters, api.EqualFilter(orderSpec, "ToCompanyID", p.CompanyID))
	}
	return filters, false
}

// dateRange turns the from and to parameters of order lists into filters
// on DateCreated.
func dateRange(c *resource.Ctx) []api.Filter {
	var out []api.Filter
	if from := api.Time(c.Query("from")); from != nil {
		out = append(out, api.RangeFilter(orderSpec, "DateCreated", ">=", api.FormatTime(*from)))
	}
	if to := api.Time(c.Query("to")); to != nil {
		out = append(out, api.RangeFilter(orderSpec, "DateCreated", "<=", api.FormatTime(*to)))
	}
	return out
}

// inDateRange applies the from and to parameters of order lists to
// DateCreated.
func inDateRange(c *resource.Ctx, d api.Doc) bool {
	created := api.Time(d["DateCreated"])
	if from := api.Time(c.Query("from")); from != nil && created != nil && created.Before(*from) {
		return false
	}
	if to := api.Time(c.Query("to")); to != nil && created != nil && created.After(*to) {
		return false
	}
	return true
}

// listOrders serves an order list from the orders' indexes, with filters
// saying what the caller sees (and keep, the same as a check of one
// order); when the indexes cannot answer the query it reads every order.
func (s *Service) listOrders(c *resource.Ctx, filters []api.Filter, none bool, keep func(api.Doc) bool) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, orderModel))
	if aerr != nil {
		return nil, aerr
	}
	if none {
		meta, _, _ := lq.PageOf(0)
		return api.NewPage(orderModel, nil, meta), nil
	}
	world, err := submittedWorld(lq) // refuses a mix of worlds
	if err != nil {
		return nil, err
	}
	byStatus(&lq)
	lq.Filters = append(lq.Filters, filters...)
	if world.Path != "" {
		lq.Filters = append(lq.Filters, world)
	}
	docs, meta, ok, err := c.Reg.ListIndexed(c, s.Orders, nil, lq)
	if err != nil {
		return nil, err
	}
	if ok && !slices.ContainsFunc(docs, func(d api.Doc) bool { return !keep(d) }) {
		return api.NewPage(orderModel, docs, meta), nil
	}
	all, err := c.Reg.All(c, s.Orders, nil)
	if err != nil {
		return nil, err
	}
	inWorld := api.ListQuery{}
	if world.Path != "" {
		inWorld.Filters = []api.Filter{world}
	}
	return c.Reg.Page(c, orderModel, slices.DeleteFunc(all, func(d api.Doc) bool { return !keep(d) || !inWorld.Matches(d) }), nil)
}

func (s *Service) addLineHTTP(c *resource.Ctx) (any, error) {
	line, err := c.Decode(lineItemModel, false)
	if err != nil {
		return nil, err
	}
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	saved, err := s.AddLine(c, c.P, d, c.Param("orderID"), line)
	if err != nil {
		return nil, err
	}
	return outLine(saved), nil
}

func (s *Service) changeLineHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(lineItemModel, true)
	if err != nil {
		return nil, err
	}
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	saved, err := s.ChangeLine(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"), patch)
	if err != nil {
		return nil, err
	}
	return outLine(saved), nil
}

func (s *Service) removeLineHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return nil, s.RemoveLine(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"))
}

func (s *Service) getLineHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	line, err := s.Line(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"))
	if err != nil {
		return nil, err
	}
	return outLine(line), nil
}

func (s *Service) listLinesHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return s.listLines(c, d, c.Param("orderID"))
}

// listLines lists the line items of an order the caller sees from d.
func (s *Service) listLines(c *resource.Ctx, d Direction, orderID string) (any, error) {
	o, err := s.load(c, d, orderID)
	if err != nil {
		return nil, err
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, lineItemModel))
	if aerr != nil {
		return nil, aerr
	}
	scope := []string{api.Str(o.Doc, "ID")}
	docs, meta, ok, err := c.Reg.ListIndexed(c, s.LineItems, scope, lq)
	if err != nil || ok {
		return api.NewPage(lineItemModel, docs, meta), err
	}
	lines, err := s.lines(c, scope[0])
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, lineItemModel, lines, nil)
}

// listShipmentsHTTP is the engine's list, narrowed to one order's
// shipments when orderID is given.
func (s *Service) listShipmentsHTTP(c *resource.Ctx) (any, error) {
	orderID := c.Query("orderID")
	if orderID == "" {
		return c.Reg.List(c, s.Shipments)
	}
	docs, err := s.shipmentsOf(c, orderID)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, shipmentModel, docs, nil)
}

func (s *Service) listOrderShipmentsHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	o, err := s.load(c, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	docs, err := s.shipmentsOf(c, api.Str(o.Doc, "ID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, shipmentModel, docs, nil)
}

func (s *Service) shipItemHTTP(c *resource.Ctx) (any, error) {
	si, err := c.Decode(shipmentItemModel, false)
	if err != nil {
		return nil, err
	}
	out, err := s.ShipItem(c, c.P, c.Param("shipmentID"), si)
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: shipmentItemModel, Doc: out}, nil
}

func (s *Service) listShipmentItemsHTTP(c *resource.Ctx) (any, error) {
	docs, err := s.shipmentItems(c, c.Param("shipmentID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, shipmentItemModel, docs, nil)
}

func (s *Service) getShipmentItemHTTP(c *resource.Ctx) (any, error) {
	d, err := s.loadShipmentItem(c, c.Param("shipmentID"), c.Param("orderID"), c.Param("lineItemID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: shipmentItemModel, Doc: d}, nil
}
