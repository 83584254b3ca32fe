package orders

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Shipments.
//
// A shipment carries items of order lines: ShipmentItem#<shipmentID>, one
// item per order line (SK <orderID>|<lineItemID>). Two kinds of markers,
// kept in the same transactions, make the shipments of an order
// (OrderShipment#<orderID>) and of a buyer user (UserShipment#<buyerID>|
// <userID>, SK <shipmentID>|<orderID>) one Query away; both exist while
// the shipment carries items of the order.
//
// Saving an item raises its line's QuantityShipped; deleting it, or its
// shipment, lowers it again. As the contract's Shipment.DateShipped says,
// an order is Completed once all of its items are on shipments that have a
// DateShipped: when an item is saved on such a shipment, or when a
// shipment carrying the last items gets its DateShipped. Taking items off
// a completed order reopens it (Open), so they can ship again.

// declareShipments registers the shipment operations beyond the engine's
// CRUD and the first ones (Declare): deleting items, one-time addresses,
// and a buyer user's shipments through Me.
func (s *Service) declareShipments(r *resource.Registry) {
	r.Handle("Shipments.DeleteItem", s.deleteShipmentItemHTTP)
	r.Handle("Shipments.SetShipFromAddress", s.setShipFromHTTP)
	r.Handle("Shipments.SetShipToAddress", s.setShipToHTTP)
	r.Handle("Me.ListShipments", s.meListShipmentsHTTP)
	r.Handle("Me.GetShipment", s.meGetShipmentHTTP)
	r.Handle("Me.ListShipmentItems", s.meListShipmentItemsHTTP)
	s.Shipments.AlsoPrepare(s.prepareShipment)
	s.Shipments.AlsoBeforeDelete(s.unshipAll)
}

func shipmentItemKey(shipmentID, orderID, lineItemID string) store.Key {
	return store.Key{PK: "ShipmentItem#" + shipmentID, SK: orderID + "|" + lineItemID}
}

// shipmentUserField holds, on a stored shipment item, the buyer user whose
// order it ships ("<buyerID>|<userID>"), so that its marker can go with
// it. Internal: never served.
const shipmentUserField = "_user"

// userOf is the key of an order's buyer user among the markers.
func userOf(o api.Doc) string { return api.Str(o, "FromCompanyID") + "|" + api.Str(o, "FromUserID") }

// shipmentItem is the ShipmentItem for qty of a line on a shipment: the
// doc returned to the caller and the item stored. Its xp is the line's
// (the contract's ShipmentItem.xp is the line item's, read-only).
func shipmentItem(shipmentID string, o, line api.Doc, qty int) (api.Doc, store.Item) {
	orderID := api.Str(o, "ID")
	d := api.Doc{"OrderID": orderID, "LineItemID": line["ID"], "QuantityShipped": api.Num(int64(qty)),
		"UnitPrice": line["UnitPrice"], "CostCenter": line["CostCenter"], "DateNeeded": line["DateNeeded"], "Product": line["Product"],
		"Variant": line["Variant"], "Specs": line["Specs"], "xp": line["xp"], shipmentUserField: userOf(o)}
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

// userShipmentItem records that a shipment carries items of an order of a
// buyer user (user is userOf the order), for Me.ListShipments.
func userShipmentItem(user, shipmentID, orderID string) store.Item {
	return store.Item{PK: "UserShipment#" + user, SK: shipmentID + "|" + orderID, Type: "UserShipment", ID: shipmentID, Doc: []byte("{}")}
}

// markShipment queues both markers of a shipment carrying items of o.
func markShipment(tx *resource.Tx, o api.Doc, shipmentID string) {
	tx.Put(orderShipmentItem(api.Str(o, "ID"), shipmentID), store.Always)
	tx.Put(userShipmentItem(userOf(o), shipmentID, api.Str(o, "ID")), store.Always)
}

// unmarkShipment queues the deletion of both markers.
func unmarkShipment(tx *resource.Tx, orderID, user, shipmentID string) {
	tx.Delete(store.Key{PK: "OrderShipment#" + orderID, SK: shipmentID})
	tx.Delete(store.Key{PK: "UserShipment#" + user, SK: shipmentID + "|" + orderID})
}

// shipmentsOf loads the shipments carrying items of an order.
func (s *Service) shipmentsOf(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	refs, err := c.Deps.Store.Query(c, store.Query{PK: "OrderShipment#" + orderID})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.SK
	}
	return s.loadShipments(c, ids)
}

// loadShipments reads shipments by ID (those that exist), in ID order.
func (s *Service) loadShipments(c *resource.Ctx, ids []string) ([]api.Doc, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: s.Shipments.PK(), SK: id}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, k := range keys {
		it, ok := got[k]
		if !ok {
			continue
		}
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// shippedOut reports whether every shipment carrying items of an order has
// shipped (has a DateShipped); dated gives the DateShipped of shipments
// being written, over what is stored.
func (s *Service) shippedOut(c *resource.Ctx, orderID string, dated map[string]any) (bool, error) {
	refs, err := c.Deps.Store.Query(c, store.Query{PK: "OrderShipment#" + orderID})
	if err != nil {
		return false, err
	}
	var stored []string
	for _, r := range refs {
		if _, ok := dated[r.SK]; !ok {
			stored = append(stored, r.SK)
		}
	}
	for _, d := range dated {
		if d == nil {
			return false, nil
		}
	}
	docs, err := s.loadShipments(c, stored)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if d["DateShipped"] == nil {
			return false, nil
		}
	}
	return true, nil
}

// fullyShipped reports whether every line of an order is fully shipped.
func fullyShipped(lines []api.Doc) bool {
	return !slices.ContainsFunc(lines, func(l api.Doc) bool { return api.Int(l["QuantityShipped"]) < api.Int(l["Quantity"]) })
}

// complete marks an order completed now.
func complete(o api.Doc) { o["Status"], o["DateCompleted"] = commerce.Completed, api.Now() }

// Ship ships everything of an open order in one new shipment and
// completes the order. An order some of whose lines are already on other
// shipments is refused, with those lines (Order.ConflictsWithOtherShipments).
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
			return api.E(http.StatusBadRequest, "Order.CannotShipWithNoLineItems", nil)
		}
		var conflicts []any
		for _, l := range lines {
			if api.Int(l["QuantityShipped"]) > 0 {
				conflicts = append(conflicts, outLine(l))
			}
		}
		if len(conflicts) > 0 {
			return api.E(http.StatusBadRequest, "Order.ConflictsWithOtherShipments", conflicts)
		}
		sd := api.Clone(shipment)
		sd["BuyerID"], sd["DateCreated"] = o["FromCompanyID"], api.Now()
		// Only the marketplace names another owner.
		if api.Str(sd, "OwnerID") == "" || c.P.UserType != auth.Admin {
			sd["OwnerID"] = ownerOf(c)
		}
		if sd["DateShipped"] == nil {
			sd["DateShipped"] = api.Now()
		}
		if err := s.shipmentAddresses(c, nil, sd); err != nil {
			return err
		}
		// Without a ship-to address of its own, it goes where the order does.
		if ship, ok := o["_shipTo"].(map[string]any); ok && sd["ToAddress"] == nil {
			sd["ToAddress"], sd["ToAddressID"] = ship, o["ShippingAddressID"]
		}
		api.Complete(shipmentModel, sd)
		shipmentID := api.Str(sd, "ID")
		tx.PutOr(s.Shipments.Item(nil, sd, 0), store.IfAbsent, api.IDExists("Shipment", shipmentID))
		markShipment(tx, o, shipmentID)
		for _, l := range lines {
			if l["IsBundle"] == true {
				continue // a bundle's own line is never shipped
			}
			l["QuantityShipped"] = l["Quantity"]
			s.putLine(tx, o, l)
			_, item := shipmentItem(shipmentID, o, l, api.Int(l["Quantity"]))
			tx.Put(item, store.Always)
		}
		complete(o)
		return nil
	})
}

// ownerOf is the organization a caller's new shipment belongs to: its own
// company, the marketplace for marketplace users.
func ownerOf(c *resource.Ctx) string {
	if c.P.UserType == auth.Admin {
		return c.MarketplaceID()
	}
	return c.P.CompanyID
}

// ShipItem ships a quantity of a line item on a shipment. In one
// transaction it records the item, raises the line's QuantityShipped and,
// once every line is fully shipped on shipments that have shipped,
// completes the order.
func (s *Service) ShipItem(ctx context.Context, p *auth.Principal, shipmentID string, si api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	sh, err := c.Reg.Load(c, s.Shipments, nil, shipmentID)
	if err != nil {
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
		return nil, api.E(http.StatusBadRequest, "ShipmentItem.CannotBeBundle", map[string]any{"LineItemID": lineID})
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
	shipped, allLines, err := commerce.Ship(api.Str(o.Doc, "Status"), commerce.ShippedLine{Quantity: api.Int(line["Quantity"]),
		Shipped: api.Int(line["QuantityShipped"]) - already}, qty, others)
	if err != nil {
		return nil, api.Refused(err, map[string]any{"LineItemID": lineID})
	}
	line = api.Clone(line)
	line["QuantityShipped"] = api.Num(int64(shipped))
	out, item := shipmentItem(shipmentID, o.Doc, line, qty)
	order := api.Clone(o.Doc)
	order["LastUpdated"] = api.Now()
	if allLines {
		done, err := s.shippedOut(c, orderID, map[string]any{shipmentID: sh.Doc["DateShipped"]})
		if err != nil {
			return nil, err
		}
		if done {
			complete(order)
		}
	}
	tx := &resource.Tx{}
	tx.Knows(o.Item)
	tx.Put(s.orderItem(order, o.Item.Version), store.IfVersion)
	s.putLine(tx, order, line)
	tx.Put(item, store.Always)
	markShipment(tx, order, shipmentID)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return out, nil
}

// UnshipItem deletes an item of a shipment: its line's QuantityShipped goes
// back down (and a completed order reopens), and when the shipment carries
// no more items of the order, the markers go.
func (s *Service) UnshipItem(ctx context.Context, p *auth.Principal, shipmentID, orderID, lineID string) error {
	c := s.reg.Context(ctx, p)
	if _, err := c.Reg.Load(c, s.Shipments, nil, shipmentID); err != nil {
		return err
	}
	k := shipmentItemKey(shipmentID, orderID, lineID)
	it, err := c.Deps.Store.Get(c, k)
	if errors.Is(err, store.ErrNotFound) {
		return api.NotFound("ShipmentItem", lineID)
	}
	if err != nil {
		return err
	}
	d, err := api.DecodeDoc(it.Doc)
	if err != nil {
		return err
	}
	tx := &resource.Tx{}
	tx.Knows(it)
	tx.Add(store.Op{Delete: &k, Cond: store.IfVersion, Version: it.Version})
	if err := s.unship(c, tx, orderID, map[string]int{lineID: api.Int(d["QuantityShipped"])}); err != nil {
		return err
	}
	rest, err := c.Deps.Store.Query(c, store.Query{PK: k.PK, SKPrefix: orderID + "|", Limit: 2, KeysOnly: true})
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(rest, func(r store.Item) bool { return r.SK != k.SK }) {
		unmarkShipment(tx, orderID, api.Str(d, shipmentUserField), shipmentID)
	}
	return tx.Commit(c)
}

// unship queues the writes taking quantities (line ID → quantity) off an
// order's shipped lines; a completed order reopens. An order deleted since
// has nothing to take off.
func (s *Service) unship(c *resource.Ctx, tx *resource.Tx, orderID string, qty map[string]int) error {
	o, err := c.Reg.Load(c, s.Orders, nil, orderID)
	if notFoundIsNil(err) != nil {
		return err
	}
	if err != nil {
		return nil
	}
	lines, err := s.lines(c, orderID)
	if err != nil {
		return err
	}
	order := api.Clone(o.Doc)
	for _, l := range lines {
		if q, ok := qty[api.Str(l, "ID")]; ok {
			l["QuantityShipped"] = api.Num(int64(max(api.Int(l["QuantityShipped"])-q, 0)))
			s.putLine(tx, order, l)
		}
	}
	if api.Str(order, "Status") == commerce.Completed {
		order["Status"], order["DateCompleted"] = commerce.Open, nil
	}
	order["LastUpdated"] = api.Now()
	tx.Knows(o.Item)
	tx.Put(s.orderItem(order, o.Item.Version), store.IfVersion)
	return nil
}

// unshipAll is the shipment's BeforeDelete: its items go, their lines'
// QuantityShipped goes back down (completed orders reopen), and the
// markers go.
func (s *Service) unshipAll(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	shipmentID := api.Str(doc, "ID")
	items, err := c.Deps.Store.Query(c, store.Query{PK: "ShipmentItem#" + shipmentID})
	if err != nil {
		return err
	}
	qty := map[string]map[string]int{}
	users := map[string]string{}
	var orderIDs []string
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return err
		}
		orderID := api.Str(d, "OrderID")
		if qty[orderID] == nil {
			qty[orderID] = map[string]int{}
			orderIDs = append(orderIDs, orderID)
		}
		qty[orderID][api.Str(d, "LineItemID")] += api.Int(d["QuantityShipped"])
		users[orderID] = api.Str(d, shipmentUserField)
		tx.Knows(it)
		tx.Delete(store.Key{PK: it.PK, SK: it.SK})
	}
	for _, orderID := range orderIDs {
		if err := s.unship(c, tx, orderID, qty[orderID]); err != nil {
			return err
		}
		unmarkShipment(tx, orderID, users[orderID], shipmentID)
	}
	return nil
}

// prepareShipment runs before a shipment is written: it resolves the
// address IDs into the addresses, and when the shipment gets its
// DateShipped, completes the orders it finishes shipping.
func (s *Service) prepareShipment(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if err := s.shipmentAddresses(c, old, doc); err != nil {
		return err
	}
	if old != nil && old["DateShipped"] == nil && doc["DateShipped"] != nil {
		return s.completeShipped(c, doc, tx)
	}
	return nil
}

// shipmentAddresses fills FromAddress and ToAddress from the IDs a write
// sets (cleared with them): the ship-from address is one of the owner's
// (the marketplace's admin addresses, or the supplier's), the ship-to one
// of the buyer's.
func (s *Service) shipmentAddresses(c *resource.Ctx, old, doc api.Doc) error {
	for _, side := range []struct {
		idField, field string
		res            *resource.Resource
		scope          []string
	}{
		{"FromAddressID", "FromAddress", s.shipFromAddresses(c, doc), s.shipFromScope(c, doc)},
		{"ToAddressID", "ToAddress", s.buyers.Addresses, []string{api.Str(doc, "BuyerID")}},
	} {
		id := api.Str(doc, side.idField)
		switch {
		case id != "" && (old == nil || id != api.Str(old, side.idField)):
			e, err := c.Reg.Load(c, side.res, side.scope, id)
			if err != nil {
				return err
			}
			doc[side.field] = api.Complete(addressModel, addressOf(e.Doc))
		case id == "" && old != nil && api.Str(old, side.idField) != "":
			doc[side.field] = nil
		}
	}
	return nil
}

// shipFromAddresses and shipFromScope name where a shipment's ship-from
// addresses live: the supplier's addresses for a supplier's shipment, the
// marketplace's admin addresses otherwise.
func (s *Service) shipFromAddresses(c *resource.Ctx, doc api.Doc) *resource.Resource {
	return s.catalog.SellerAddresses(c, api.Str(doc, "OwnerID"))
}

func (s *Service) shipFromScope(c *resource.Ctx, doc api.Doc) []string {
	if owner := api.Str(doc, "OwnerID"); owner != "" && owner != c.MarketplaceID() {
		return []string{owner}
	}
	return nil
}

// addressOf keeps an address's own fields (not the assignment flags or
// internal fields of where it is stored).
func addressOf(d api.Doc) api.Doc {
	out := api.Doc{}
	for _, f := range addressModel.Fields {
		out[f.Name] = d[f.Name]
	}
	return out
}

// completeShipped completes the open orders a shipment that just got its
// DateShipped finishes shipping.
func (s *Service) completeShipped(c *resource.Ctx, sh api.Doc, tx *resource.Tx) error {
	shipmentID := api.Str(sh, "ID")
	items, err := c.Deps.Store.Query(c, store.Query{PK: "ShipmentItem#" + shipmentID, KeysOnly: true})
	if err != nil {
		return err
	}
	var orderIDs []string
	for _, it := range items {
		orderID, _, _ := strings.Cut(it.SK, "|")
		if !slices.Contains(orderIDs, orderID) {
			orderIDs = append(orderIDs, orderID)
		}
	}
	for _, orderID := range orderIDs {
		o, err := c.Reg.Load(c, s.Orders, nil, orderID)
		if notFoundIsNil(err) != nil {
			return err
		}
		if err != nil || api.Str(o.Doc, "Status") != commerce.Open {
			continue
		}
		lines, err := s.lines(c, orderID)
		if err != nil {
			return err
		}
		if !fullyShipped(lines) {
			continue
		}
		done, err := s.shippedOut(c, orderID, map[string]any{shipmentID: sh["DateShipped"]})
		if err != nil {
			return err
		}
		if !done {
			continue
		}
		order := api.Clone(o.Doc)
		complete(order)
		order["LastUpdated"] = api.Now()
		tx.Knows(o.Item)
		tx.Put(s.orderItem(order, o.Item.Version), store.IfVersion)
	}
	return nil
}

// SetShipmentAddress gives a shipment a one-time ship-from (from) or
// ship-to address, replacing any set by ID.
func (s *Service) SetShipmentAddress(ctx context.Context, p *auth.Principal, shipmentID string, from bool, addr api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	e, err := c.Reg.LoadReachable(c, s.Shipments, nil, shipmentID, true)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	addr = oneTimeAddress(addr)
	if from {
		doc["FromAddress"], doc["FromAddressID"] = addr, nil
	} else {
		doc["ToAddress"], doc["ToAddressID"] = addr, nil
	}
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	tx.Put(s.Shipments.Item(nil, doc, e.Item.Version), store.IfVersion)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

// shipmentItems lists a shipment's items.
func (s *Service) shipmentItems(c *resource.Ctx, shipmentID string) ([]api.Doc, error) {
	if _, err := c.Reg.Load(c, s.Shipments, nil, shipmentID); err != nil {
		return nil, err
	}
	return s.itemsOf(c, store.Query{PK: "ShipmentItem#" + shipmentID})
}

// itemsOf reads the shipment items a query selects.
func (s *Service) itemsOf(c *resource.Ctx, q store.Query) ([]api.Doc, error) {
	items, err := c.Deps.Store.Query(c, q)
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

// loadShipmentItem reads one item of a shipment.
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

// myShipmentOrders reads the calling buyer user's shipment markers (of one
// shipment when shipmentID is given) and returns the shipment → orders
// they name, in shipment ID order; orderID, when given, keeps that order.
func (s *Service) myShipmentOrders(c *resource.Ctx, shipmentID, orderID string) ([]string, map[string][]string, error) {
	if c.P.UserType != auth.Buyer {
		return nil, nil, api.NotForUserType("This endpoint is for buyer users.")
	}
	q := store.Query{PK: "UserShipment#" + c.P.CompanyID + "|" + c.P.UserID, KeysOnly: true}
	if shipmentID != "" {
		q.SKPrefix = shipmentID + "|"
	}
	marks, err := c.Deps.Store.Query(c, q)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	orders := map[string][]string{}
	for _, m := range marks {
		sid, oid, _ := strings.Cut(m.SK, "|")
		if orderID != "" && oid != orderID {
			continue
		}
		if orders[sid] == nil {
			ids = append(ids, sid)
		}
		orders[sid] = append(orders[sid], oid)
	}
	return ids, orders, nil
}

// MyShipments lists the shipments carrying items of the calling buyer
// user's orders (of one order when orderID is given).
func (s *Service) MyShipments(ctx context.Context, p *auth.Principal, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	ids, _, err := s.myShipmentOrders(c, "", orderID)
	if err != nil {
		return nil, err
	}
	return s.loadShipments(c, ids)
}

// MyShipment reads a shipment carrying items of the calling buyer user's
// orders.
func (s *Service) MyShipment(ctx context.Context, p *auth.Principal, shipmentID string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	ids, _, err := s.myShipmentOrders(c, shipmentID, "")
	if err != nil {
		return nil, err
	}
	docs, err := s.loadShipments(c, ids)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, api.NotFound("Shipment", shipmentID)
	}
	return docs[0], nil
}

// MyShipmentItems lists the items of a shipment that ship the calling
// buyer user's orders (of one order when orderID is given).
func (s *Service) MyShipmentItems(ctx context.Context, p *auth.Principal, shipmentID, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	ids, orders, err := s.myShipmentOrders(c, shipmentID, "")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, api.NotFound("Shipment", shipmentID)
	}
	docs := []api.Doc{}
	for _, oid := range orders[shipmentID] {
		if orderID != "" && oid != orderID {
			continue
		}
		items, err := s.itemsOf(c, store.Query{PK: "ShipmentItem#" + shipmentID, SKPrefix: oid + "|"})
		if err != nil {
			return nil, err
		}
		docs = append(docs, items...)
	}
	return docs, nil
}
