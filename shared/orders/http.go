package orders

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
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

// listHTTP lists the orders the caller sees from the direction: a buyer's
// through its company's index, everyone else's from the collection.
func (s *Service) listHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	q := store.Query{PK: s.Orders.PK()}
	if c.P.UserType == auth.Buyer {
		q = store.Query{Index: "GSI2", PK: "OrderFromCompany#" + c.P.CompanyID}
	}
	return s.pageOrders(c, q, func(o api.Doc) bool {
		if b := c.Query("buyerID"); b != "" && api.Str(o, "FromCompanyID") != b {
			return false
		}
		return canSee(c, d, o) && inDateRange(c, o)
	})
}

// meListOrdersHTTP lists the caller's own orders (Me.ListOrders).
func (s *Service) meListOrdersHTTP(c *resource.Ctx) (any, error) {
	return s.pageOrders(c, store.Query{Index: "GSI1", PK: "OrderFromUser#" + c.P.UserID}, func(o api.Doc) bool {
		return api.Str(o, "FromCompanyID") == c.P.CompanyID && inDateRange(c, o)
	})
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

func (s *Service) pageOrders(c *resource.Ctx, q store.Query, keep func(api.Doc) bool) (any, error) {
	items, err := c.Deps.Store.Query(c, q)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		if keep(d) {
			docs = append(docs, d)
		}
	}
	return c.Reg.Page(c, orderModel, docs, nil)
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
	lines, err := s.Lines(c, c.P, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, lineItemModel, lines, nil)
}

// listShipmentsHTTP is the engine's list, narrowed to one order's
// shipments when orderID is given.
func (s *Service) listShipmentsHTTP(c *resource.Ctx) (any, error) {
	var docs []api.Doc
	var err error
	if orderID := c.Query("orderID"); orderID != "" {
		docs, err = s.shipmentsOf(c, orderID)
	} else {
		docs, err = c.Reg.All(c, s.Shipments, nil)
	}
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
