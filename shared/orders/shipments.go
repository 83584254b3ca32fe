package orders

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func shipmentItemKey(shipmentID, orderID, lineItemID string) store.Key {
	return store.Key{PK: "ShipmentItem#" + shipmentID, SK: orderID + "|" + lineItemID}
}

// shipmentItem is the ShipmentItem for qty of a line on a shipment: the
// doc returned to the caller and the item stored.
func shipmentItem(shipmentID, orderID string, line api.Doc, qty int, xp any) (api.Doc, store.Item) {
	d := api.Doc{"OrderID": orderID, "LineItemID": line["ID"], "QuantityShipped": api.Num(int64(qty)),
		"UnitPrice": line["UnitPrice"], "CostCenter": line["CostCenter"], "DateNeeded": line["DateNeeded"], "Product": line["Product"],
		"Variant": line["Variant"]}
	if xp != nil {
		d["xp"] = xp // else {}, as for any xp not written
	}
	api.Complete(shipmentItemModel, d)
	b, _ := json.Marshal(d)
	k := shipmentItemKey(shipmentID, orderID, api.Str(line, "ID"))
	return d, store.Item{PK: k.PK, SK: k.SK, Type: "ShipmentItem", ID: k.SK, Doc: b}
}

// orderShipmentItem records that a shipment carries items of an order, so
// an order's shipments are one Query away.
func orderShipmentItem(orderID, shipmentID string) store.Item {
	return store.Item{PK: "OrderShipment#" + orderID, SK: shipmentID, Type: "OrderShipment", ID: shipmentID, Doc: []byte("{}")}
}

// shipmentsOf loads the shipments carrying items of an order.
func (s *Service) shipmentsOf(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	refs, err := c.Deps.Store.Query(c, store.Query{PK: "OrderShipment#" + orderID})
	if err != nil {
		return nil, err
	}
	keys := make([]store.Key, len(refs))
	for i, r := range refs {
		keys[i] = store.Key{PK: s.Shipments.PK(), SK: r.SK}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// Ship ships everything of an open order not yet shipped in one new
// shipment and completes the order.
func (s *Service) Ship(ctx context.Context, p *auth.Principal, dir Direction, id string, shipment api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if err := c.Reg.AssignID(c, shipment); err != nil {
		return nil, err
	}
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") != commerce.Open {
			return commerce.ErrCannotShip
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return api.E(400, "Order.CannotShipWithNoLineItems", nil)
		}
		sd := api.Clone(shipment)
		sd["BuyerID"], sd["OwnerID"], sd["DateCreated"] = o["FromCompanyID"], c.MarketplaceID(), api.Now()
		if sd["DateShipped"] == nil {
			sd["DateShipped"] = api.Now()
		}
		api.Complete(shipmentModel, sd)
		tx.PutOr(s.Shipments.Item(nil, sd, 0), store.IfAbsent, api.IDExists("Shipment", api.Str(sd, "ID")))
		tx.Put(orderShipmentItem(api.Str(o, "ID"), api.Str(sd, "ID")), store.Always)
		for _, l := range lines {
			left := api.Int(l["Quantity"]) - api.Int(l["QuantityShipped"])
			if left <= 0 || l["IsBundle"] == true {
				continue
			}
			l["QuantityShipped"] = l["Quantity"]
			tx.Put(s.LineItems.Item([]string{api.Str(o, "ID")}, l, 0), store.Always)
			_, item := shipmentItem(api.Str(sd, "ID"), api.Str(o, "ID"), l, left, nil)
			tx.Put(item, store.Always)
		}
		o["Status"], o["DateCompleted"] = commerce.Completed, api.Now()
		return nil
	})
}

// ShipItem ships a quantity of a line item on a shipment. In one
// transaction it records the item, raises the line's QuantityShipped and,
// once every line is fully shipped, completes the order.
func (s *Service) ShipItem(ctx context.Context, p *auth.Principal, shipmentID string, si api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if _, err := c.Reg.Load(c, s.Shipments, nil, shipmentID); err != nil {
		return nil, err
	}
	orderID, lineID, qty := api.Str(si, "OrderID"), api.Str(si, "LineItemID"), api.Int(si["QuantityShipped"])
	// The order is named by the body: it must be one the caller ships.
	o, err := c.Reg.LoadReachable(c, s.Orders, nil, orderID, true)
	if err != nil {
		return nil, err
	}
	lines, err := s.lines(c, orderID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
	if i < 0 {
		return nil, api.NotFound("LineItem", lineID)
	}
	line := lines[i]
	if line["IsBundle"] == true {
		return nil, api.E(400, "ShipmentItem.CannotBeBundle", map[string]any{"LineItemID": lineID})
	}
	// Saving an item again replaces its quantity on this shipment.
	already := 0
	if prev, err := c.Deps.Store.Get(c, shipmentItemKey(shipmentID, orderID, lineID)); err == nil {
		pd, _ := api.DecodeDoc(prev.Doc)
		already = api.Int(pd["QuantityShipped"])
	}
	var others []commerce.ShippedLine
	for j, l := range lines {
		if j != i && l["IsBundle"] != true { // a bundle's own line is never shipped
			others = append(others, commerce.ShippedLine{Quantity: api.Int(l["Quantity"]), Shipped: api.Int(l["QuantityShipped"])})
		}
	}
	shipped, complete, err := commerce.Ship(api.Str(o.Doc, "Status"), commerce.ShippedLine{Quantity: api.Int(line["Quantity"]),
		Shipped: api.Int(line["QuantityShipped"]) - already}, qty, others)
	if err != nil {
		return nil, api.Refused(err, map[string]any{"LineItemID": lineID})
	}
	line = api.Clone(line)
	line["QuantityShipped"] = api.Num(int64(shipped))
	out, item := shipmentItem(shipmentID, orderID, line, qty, si["xp"])
	order := api.Clone(o.Doc)
	now := api.Now()
	order["LastUpdated"] = now
	if complete {
		order["Status"], order["DateCompleted"] = commerce.Completed, now
	}
	tx := &resource.Tx{}
	tx.Put(s.orderItem(order, o.Item.Version), store.IfVersion)
	tx.Put(s.LineItems.Item([]string{orderID}, line, 0), store.Always)
	tx.Put(item, store.Always)
	tx.Put(orderShipmentItem(orderID, shipmentID), store.Always)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return out, nil
}

// shipmentItems lists a shipment's items.
func (s *Service) shipmentItems(c *resource.Ctx, shipmentID string) ([]api.Doc, error) {
	if _, err := c.Reg.Load(c, s.Shipments, nil, shipmentID); err != nil {
		return nil, err
	}
	items, err := c.Deps.Store.Query(c, store.Query{PK: "ShipmentItem#" + shipmentID})
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// shipmentItem reads one item of a shipment.
func (s *Service) loadShipmentItem(c *resource.Ctx, shipmentID, orderID, lineItemID string) (api.Doc, error) {
	it, err := c.Deps.Store.Get(c, shipmentItemKey(shipmentID, orderID, lineItemID))
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.NotFound("ShipmentItem", lineItemID)
	}
	if err != nil {
		return nil, err
	}
	return api.DecodeDoc(it.Doc)
}
