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

// Marketplace orders (marketplaces-in-ordercloud.mdx,
// products-pricing-ordering-in-marketplaces.mdx). A buyer's order goes to
// the marketplace owner or, naming it as ToCompanyID, straight to a
// supplier it may order from. The marketplace owner splits a submitted
// incoming order into one outgoing order per supplier (the products'
// DefaultSupplierID), or forwards it: splits and submits them. The
// suppliers see those orders as incoming.

var orderSplitResultModel = contract.MustModel("OrderSplitResult")

// outgoingField lists the orders an incoming order was split into, so
// deleting it can tell whether they still exist.
const outgoingField = "_outgoing"

// orderSeller is the company a new order goes to: the ToCompanyID given,
// which must be a seller the buyer may order from, else the marketplace
// owner.
func (s *Service) orderSeller(c *resource.Ctx, doc api.Doc, buyerID string) (string, error) {
	to := api.Str(doc, "ToCompanyID")
	if to == "" {
		return c.MarketplaceID(), nil
	}
	return to, s.catalog.Seller(c, to, buyerID)
}

// Split creates, unsubmitted, an outgoing order to each supplier of the
// products on a submitted incoming order; Forward creates and submits
// them. Lines of products without a default supplier stay with the
// marketplace (RemainingLineItemIDs); lines already on an outgoing order
// that still exists are not split again.
func (s *Service) Split(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	return s.split(s.reg.Context(ctx, p), dir, id, false)
}

// Forward is Split with the outgoing orders submitted.
func (s *Service) Forward(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	return s.split(s.reg.Context(ctx, p), dir, id, true)
}

func (s *Service) split(c *resource.Ctx, dir Direction, id string, submit bool) (api.Doc, error) {
	if c.P.UserType != auth.Admin {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSplitWrongUserType", nil)
	}
	if dir == Outgoing {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSplitOutgoing", nil)
	}
	e, err := s.load(c, dir, id)
	if err != nil {
		return nil, err
	}
	if api.Str(e.Doc, "ToCompanyID") != c.MarketplaceID() {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSplitOutgoing", nil)
	}
	if api.Str(e.Doc, "Status") == commerce.Unsubmitted {
		return nil, api.E(http.StatusBadRequest, "Order.AllowedOnSubmittedOnly", nil)
	}
	lines, err := s.lines(c, id)
	if err != nil {
		return nil, err
	}
	forwarded, err := s.existingOrders(c, lines)
	if err != nil {
		return nil, err
	}
	bySupplier := map[string][]api.Doc{}
	remaining := []string{}
	for _, l := range lines {
		if forwarded[api.Str(l, "OutgoingOrderID")] {
			continue
		}
		sup := api.Str(l, "SupplierID")
		if sup == "" {
			remaining = append(remaining, api.Str(l, "ID"))
			continue
		}
		bySupplier[sup] = append(bySupplier[sup], l)
	}
	from, err := s.access.LoadUser(c, s.access.Caller(c))
	if err != nil {
		return nil, err
	}
	from = api.Clone(from)
	delete(from, "_pw")
	incoming := api.Clone(e.Doc)
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	outgoing := []any{}
	suppliers := make([]string, 0, len(bySupplier))
	for sup := range bySupplier {
		suppliers = append(suppliers, sup)
	}
	slices.Sort(suppliers)
	for _, sup := range suppliers {
		od := s.outgoingOrder(c, incoming, from, sup, bySupplier[sup], submit, tx)
		outgoing = append(outgoing, od)
		ids, _ := incoming[outgoingField].([]any)
		incoming[outgoingField] = append(ids, od["ID"])
	}
	if len(suppliers) > 0 {
		incoming["LastUpdated"] = api.Now()
		tx.Lead(store.Op{Put: ptr(s.orderItem(incoming, e.Item.Version)), Cond: store.IfVersion}, nil)
		if err := tx.Commit(c); err != nil {
			return nil, err
		}
	}
	return api.Doc{"OutgoingOrders": outgoing, "RemainingLineItemIDs": remaining}, nil
}

// outgoingOrder queues the order from the marketplace owner to a supplier
// carrying lines of an incoming order, and marks those lines forwarded.
func (s *Service) outgoingOrder(c *resource.Ctx, incoming, from api.Doc, supplierID string, lines []api.Doc, submit bool, tx *resource.Tx) api.Doc {
	incomingID := api.Str(incoming, "ID")
	now := api.Now()
	od := api.Doc{"ID": incomingID + "-" + supplierID, "FromCompanyID": c.MarketplaceID(), "FromUserID": c.P.UserID, "FromUser": from,
		"ToCompanyID": supplierID, "Status": commerce.Unsubmitted, "IsSubmitted": false, "DateCreated": now, "LastUpdated": now,
		"Currency": incoming["Currency"], "ShippingAddressID": incoming["ShippingAddressID"], "_shipTo": incoming["_shipTo"]}
	if submit {
		od["Status"], od["IsSubmitted"], od["DateSubmitted"] = commerce.Open, true, now
	}
	copies := make([]api.Doc, len(lines))
	for i, l := range lines {
		cp := api.Clone(l)
		cp["IncomingOrderID"], cp["OutgoingOrderID"] = incomingID, nil
		copies[i] = cp
		tx.Put(s.LineItems.Item([]string{api.Str(od, "ID")}, cp, 0), store.Always)
		forwarded := api.Clone(l)
		forwarded["OutgoingOrderID"] = od["ID"]
		s.putLine(tx, incoming, forwarded)
	}
	applyTotals(od, copies)
	api.Complete(orderModel, od)
	tx.PutOr(s.orderItem(od, 0), store.IfAbsent, api.IDExists("Order", api.Str(od, "ID")))
	return od
}

// existingOrders reports which of the outgoing orders lines name still
// exist (one BatchGetItem).
func (s *Service) existingOrders(c *resource.Ctx, lines []api.Doc) (map[string]bool, error) {
	var keys []store.Key
	seen := map[string]bool{}
	for _, l := range lines {
		if id := api.Str(l, "OutgoingOrderID"); id != "" && !seen[id] {
			seen[id] = true
			keys = append(keys, s.Orders.Key(nil, id))
		}
	}
	return s.ordersExist(c, keys)
}

func (s *Service) ordersExist(c *resource.Ctx, keys []store.Key) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	for _, it := range got {
		out[it.ID] = true
	}
	return out, nil
}

// refuseForwardedDelete refuses deleting an order whose outgoing orders
// still exist.
func (s *Service) refuseForwardedDelete(c *resource.Ctx, order api.Doc) error {
	var keys []store.Key
	for _, id := range api.Strings(order[outgoingField]) {
		keys = append(keys, s.Orders.Key(nil, id))
	}
	exist, err := s.ordersExist(c, keys)
	if err != nil {
		return err
	}
	if len(exist) > 0 {
		return api.E(http.StatusBadRequest, "Order.CannotDeleteForwardedOrder", map[string]any{"OrderIDs": api.SortedKeys(exist)})
	}
	return nil
}

func (s *Service) splitHTTP(c *resource.Ctx) (any, error) {
	return s.splitCall(c, s.Split)
}

func (s *Service) forwardHTTP(c *resource.Ctx) (any, error) {
	return s.splitCall(c, s.Forward)
}

func (s *Service) splitCall(c *resource.Ctx, f func(context.Context, *auth.Principal, Direction, string) (api.Doc, error)) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	res, err := f(c, c.P, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: orderSplitResultModel, Doc: res}, nil
}
