package app

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Orders live in one collection (IDs are unique across the marketplace);
// GSI1 finds a user's orders and GSI2 a buyer company's.
var (
	ordersRes = (&resource.Resource{Name: "Orders", Model: "Order", Kind: "Order", IDParam: "orderID", Ops: []string{},
		Index: func(d api.Doc) (string, string) { return "OrderFromUser#" + api.Str(d, "FromUserID"), api.Str(d, "ID") },
		// The buying company and the selling one both own an order.
		Reach: resource.Reach{Owners: []string{"FromCompanyID", "ToCompanyID"}}}).Init()
	lineItemsRes = (&resource.Resource{Name: "LineItems", Model: "LineItem", IDParam: "lineItemID", Scope: []string{"orderID"}, Ops: []string{}}).Init()
)

func declareOrders(r *resource.Registry) {
	r.Add(ordersRes)
	r.Add(lineItemsRes)
	r.Handle("Orders.Create", createOrder)
	r.Handle("Orders.Get", getOrder)
	r.Handle("Orders.List", listOrders)
	r.Handle("Orders.Patch", patchOrder)
	r.Handle("Orders.Delete", deleteOrder)
	r.Handle("Orders.Submit", submitOrder)
	r.Handle("Orders.SetShippingAddress", setShippingAddress)
	r.Handle("Orders.SetBillingAddress", setBillingAddress)
	r.Handle("LineItems.Create", createLineItem)
	r.Handle("LineItems.Get", getLineItem)
	r.Handle("LineItems.List", listLineItems)
	r.Handle("LineItems.Patch", patchLineItem)
	r.Handle("LineItems.Delete", deleteLineItem)

	// The shipping organization owns a shipment; the buyer it goes to sees it.
	r.Add(&resource.Resource{Name: "Shipments", Model: "Shipment", IDParam: "shipmentID", Prepare: setShipmentOwner,
		Reach: resource.Reach{Owners: []string{"OwnerID"}, Viewers: []string{"BuyerID"}},
		Refs:  []resource.Ref{{Field: "BuyerID", Resource: "Buyers"}}})
	r.Handle("Shipments.List", listShipments)
	r.Handle("Shipments.SaveItem", saveShipmentItem)
	r.Handle("Orders.ListShipments", listOrderShipments)
	r.Handle("Orders.Ship", shipOrder)
	r.Handle("Orders.Complete", completeOrder)
	r.Handle("Shipments.ListItems", listShipmentItems)
	r.Handle("Shipments.GetItem", getShipmentItem)
}

func orderItem(d api.Doc, version int64) store.Item {
	it := ordersRes.Item(nil, d, version)
	it.GSI2PK, it.GSI2SK = "OrderFromCompany#"+api.Str(d, "FromCompanyID"), api.Str(d, "ID")
	return it
}

func direction(c *resource.Ctx) (string, error) {
	for _, d := range []string{"Incoming", "Outgoing", "All"} {
		if strings.EqualFold(c.Param("direction"), d) {
			return d, nil
		}
	}
	return "", api.RouteNotFound()
}

// canSee applies OrderCloud's order perspectives: buyers see their
// company's outgoing orders (their own, or all with an order role); the
// marketplace sees the orders coming in to it.
func canSee(p *auth.Principal, dir string, d api.Doc) bool {
	switch p.UserType {
	case auth.Buyer:
		if dir == "Incoming" || api.Str(d, "FromCompanyID") != p.CompanyID {
			return false
		}
		return api.Str(d, "FromUserID") == p.UserID || slices.ContainsFunc([]string{"OrderAdmin", "OrderReader"}, p.Has)
	case auth.Admin:
		if dir == "Outgoing" {
			return api.Str(d, "FromCompanyID") == MarketplaceID()
		}
		return true
	}
	return dir != "Outgoing" && api.Str(d, "ToCompanyID") == p.CompanyID
}

func loadOrder(c *resource.Ctx, id string) (*resource.Entity, error) {
	dir, err := direction(c)
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, ordersRes, nil, id)
	if err != nil {
		return nil, err
	}
	if !canSee(c.P, dir, e.Doc) {
		return nil, api.NotFound("Order", id)
	}
	return e, nil
}

func outOrder(d api.Doc) any { return api.Ordered{Model: modelOf("Order"), Doc: d} }

func createOrder(c *resource.Ctx) (any, error) {
	dir, err := direction(c)
	if err != nil {
		return nil, err
	}
	doc, err := c.Decode(modelOf("Order"), false)
	if err != nil {
		return nil, err
	}
	if err := checkOrderOverrides(c, doc); err != nil {
		return nil, err
	}
	var ref usernameRef
	switch {
	case c.P.UserType == auth.Buyer && dir != "Incoming":
		ref = usernameRef{Kind: "BuyerUser", Company: c.P.CompanyID, UserID: c.P.UserID}
	case c.P.UserType == auth.Admin && dir == "Incoming":
		if api.Str(doc, "FromCompanyID") == "" || api.Str(doc, "FromUserID") == "" {
			return nil, api.E(http.StatusBadRequest, "Order.CreateIncomingRequiresFromUser", nil)
		}
		ref = usernameRef{Kind: "BuyerUser", Company: api.Str(doc, "FromCompanyID"), UserID: api.Str(doc, "FromUserID")}
	default:
		return nil, api.E(http.StatusForbidden, "Auth.UserNotAuthorizedToAdmin", nil).WithMessage("This user cannot create orders in this direction.")
	}
	user, err := loadUser(c, ref)
	if err != nil {
		return nil, api.NotFound("User", ref.UserID)
	}
	from := api.Clone(user)
	delete(from, "_pw")
	now := api.Now()
	doc["FromUserID"], doc["FromCompanyID"], doc["ToCompanyID"] = ref.UserID, ref.Company, MarketplaceID()
	doc["FromUser"] = from
	doc["Status"], doc["IsSubmitted"] = commerce.Unsubmitted, false
	doc["DateCreated"], doc["LastUpdated"] = now, now
	doc["Currency"] = "USD"
	if err := useOrderAddresses(c, doc, doc, nil, nil); err != nil {
		return nil, err
	}
	applyTotals(doc, nil)
	if err := c.Reg.AssignID(c, doc); err != nil {
		return nil, err
	}
	api.Complete(modelOf("Order"), doc)
	_, err = c.Deps.Store.Put(c, orderItem(doc, 0), store.IfAbsent)
	if errors.Is(err, store.ErrConflict) {
		return nil, api.IDExists("Order", api.Str(doc, "ID"))
	}
	if err != nil {
		return nil, err
	}
	return outOrder(doc), nil
}

func getOrder(c *resource.Ctx) (any, error) {
	e, err := loadOrder(c, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return outOrder(e.Doc), nil
}

func listOrders(c *resource.Ctx) (any, error) {
	dir, err := direction(c)
	if err != nil {
		return nil, err
	}
	var q store.Query
	switch c.P.UserType {
	case auth.Buyer:
		q = store.Query{Index: "GSI2", PK: "OrderFromCompany#" + c.P.CompanyID}
	default:
		q = store.Query{PK: ordersRes.PK()}
	}
	return pageOrders(c, q, func(d api.Doc) bool {
		if b := c.Query("buyerID"); b != "" && api.Str(d, "FromCompanyID") != b {
			return false
		}
		return canSee(c.P, dir, d) && inDateRange(c, d)
	})
}

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

func pageOrders(c *resource.Ctx, q store.Query, keep func(api.Doc) bool) (any, error) {
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
	return c.Reg.Page(c, modelOf("Order"), docs, nil)
}

func meListOrders(c *resource.Ctx) (any, error) {
	return pageOrders(c, store.Query{Index: "GSI1", PK: "OrderFromUser#" + c.P.UserID}, func(d api.Doc) bool {
		return api.Str(d, "FromCompanyID") == c.P.CompanyID && inDateRange(c, d)
	})
}

// updateOrder reads the order, applies change and writes it with the
// change's other writes, conditioned on the version read: a concurrent
// edit makes the request try again (resource.Retry), so none is lost.
func updateOrder(c *resource.Ctx, id string, change func(order api.Doc, tx *resource.Tx) error) (api.Doc, error) {
	e, err := loadOrder(c, id)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	tx := &resource.Tx{}
	if err := change(doc, tx); err != nil {
		return nil, err
	}
	doc["LastUpdated"] = api.Now()
	tx.Lead(store.Op{Put: ptr(orderItem(doc, e.Item.Version)), Cond: store.IfVersion}, nil)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

func ptr[T any](v T) *T { return &v }

// orderAction applies change to the order in the path and responds with
// the updated order.
func orderAction(c *resource.Ctx, change func(order api.Doc, tx *resource.Tx) error) (any, error) {
	doc, err := updateOrder(c, c.Param("orderID"), change)
	if err != nil {
		return nil, err
	}
	return outOrder(doc), nil
}

func patchOrder(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(modelOf("Order"), true)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"ID", "FromUserID", "FromCompanyID", "ToCompanyID"} {
		delete(patch, k)
	}
	if err := checkOrderOverrides(c, patch); err != nil {
		return nil, err
	}
	return orderAction(c, func(o api.Doc, tx *resource.Tx) error {
		for k, v := range api.Merge(o, patch) {
			o[k] = v
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if err := useOrderAddresses(c, o, patch, lines, tx); err != nil {
			return err
		}
		applyTotals(o, lines)
		return nil
	})
}

// useOrderAddresses resolves the address IDs a body sets on an order into
// the addresses themselves: each must be one the order's user may use.
func useOrderAddresses(c *resource.Ctx, o, body api.Doc, lines []api.Doc, tx *resource.Tx) error {
	if id := api.Str(body, "BillingAddressID"); id != "" {
		addr, err := orderAddress(c, o, id, false)
		if err != nil {
			return err
		}
		o["BillingAddress"] = addr
	}
	if id := api.Str(body, "ShippingAddressID"); id != "" {
		addr, err := orderAddress(c, o, id, true)
		if err != nil {
			return err
		}
		shipTo(c, o, addr, lines, tx)
	}
	return nil
}

// orderAddress finds, by ID, an address the order's user may use: for a
// buyer user, one it sees through Me (assigned to it, one of its groups or
// its company, or its own) and usable for shipping or billing as asked;
// for the marketplace, one of the order's buyer's addresses.
func orderAddress(c *resource.Ctx, o api.Doc, id string, shipping bool) (api.Doc, error) {
	address := modelOf("Address")
	if c.P.UserType != auth.Buyer {
		e, err := c.Reg.Load(c, c.Reg.Resource("Addresses"), []string{api.Str(o, "FromCompanyID")}, id)
		if err != nil {
			return nil, err
		}
		return api.Complete(address, api.Clone(e.Doc)), nil
	}
	mine, err := buyersMeAddresses.all(c)
	if err != nil {
		return nil, err
	}
	for _, d := range mine {
		if api.Str(d, "ID") != id {
			continue
		}
		if shipping && d["Shipping"] != true {
			return nil, api.E(http.StatusBadRequest, "Address.IsNotShippingAddress", map[string]any{"AddressID": id})
		}
		if !shipping && d["Billing"] != true {
			return nil, api.Validation("BillingAddressID", "This address cannot be used for billing.")
		}
		out := api.Doc{}
		for _, f := range address.Fields {
			out[f.Name] = d[f.Name]
		}
		return api.Complete(address, out), nil
	}
	return nil, api.NotFound("Address", id)
}

// shipTo makes addr the order's ship-to address and every line item's.
func shipTo(c *resource.Ctx, o, addr api.Doc, lines []api.Doc, tx *resource.Tx) {
	o["ShippingAddressID"] = addr["ID"]
	o["_shipTo"] = addr
	for _, l := range lines {
		l["ShippingAddress"], l["ShippingAddressID"] = addr, addr["ID"]
		tx.Put(lineItemsRes.Item([]string{api.Str(o, "ID")}, l, 0), store.Always)
	}
}

// checkOrderOverrides refuses a write setting the shipping or tax cost
// without the role that allows overriding it, on create as on update.
// (Negative amounts never get this far: the contract refuses them.)
func checkOrderOverrides(c *resource.Ctx, body api.Doc) error {
	if _, ok := body["ShippingCost"]; ok && !c.P.Has("OverrideShipping") {
		return api.E(http.StatusForbidden, "Order.OverrideShippingPermission", nil)
	}
	if _, ok := body["TaxCost"]; ok && !c.P.Has("OverrideTax") {
		return api.E(http.StatusForbidden, "Order.OverrideTaxPermission", nil)
	}
	return nil
}

func deleteOrder(c *resource.Ctx) (any, error) {
	e, err := loadOrder(c, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	if api.Str(e.Doc, "Status") != commerce.Unsubmitted && c.P.UserType == auth.Buyer {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSubmitBadStatus", nil).WithMessage("Only unsubmitted orders can be deleted.")
	}
	tx := &resource.Tx{}
	tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
	items, err := c.Deps.Store.Query(c, store.Query{PK: lineItemsRes.PK(api.Str(e.Doc, "ID"))})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		tx.Delete(store.Key{PK: it.PK, SK: it.SK})
	}
	return nil, tx.Commit(c)
}

// orderLines loads an order's line items.
func orderLines(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	return c.Reg.All(c, lineItemsRes, []string{orderID})
}

// applyTotals recomputes the order's money fields from its lines.
func applyTotals(order api.Doc, lines []api.Doc) {
	var ls []commerce.Line
	for _, l := range lines {
		ls = append(ls, commerce.Line{Quantity: api.Int(l["Quantity"]), UnitPrice: api.Dec(l["UnitPrice"]), PromotionDiscount: api.Dec(l["PromotionDiscount"])})
	}
	t := commerce.OrderTotals(ls, commerce.Totals{ShippingCost: api.Dec(order["ShippingCost"]), TaxCost: api.Dec(order["TaxCost"]),
		Gratuity: api.Dec(order["Gratuity"]), Fees: api.Dec(order["Fees"]), PromotionDiscount: api.Dec(order["PromotionDiscount"])})
	order["Subtotal"], order["Total"], order["LineItemCount"] = api.Money(t.Subtotal), api.Money(t.Total), api.Num(int64(t.LineItemCount))
	for _, k := range []string{"ShippingCost", "TaxCost", "Gratuity", "Fees", "PromotionDiscount"} {
		if order[k] == nil {
			order[k] = json.Number("0")
		}
	}
}

var codeOf = map[error]string{
	commerce.ErrBelowMin: "PriceSchedule.CannotBeLessThanMin", commerce.ErrAboveMax: "PriceSchedule.CannotExceedMax",
	commerce.ErrQuantityNotAllowed: "PriceSchedule.QuantityNotAllowed", commerce.ErrNoPriceBreaks: "PriceSchedule.NoPriceBreaks",
	commerce.ErrQuantityPositive: "LineItem.QuantityMustBePositive", commerce.ErrCannotSubmit: "Order.CannotSubmitBadStatus",
	commerce.ErrNoLineItems: "Order.CannotSubmitWithNoLineItems", commerce.ErrCannotShip: "Order.CannotShipBadStatus",
	commerce.ErrQuantityExceeded: "ShipmentItem.QuantityExceeded",
}

// domainErr maps a commerce error to the contract's 400.
func domainErr(err error, data any) error {
	if code, ok := codeOf[err]; ok {
		return api.E(http.StatusBadRequest, code, data)
	}
	return err
}

func setShippingAddress(c *resource.Ctx) (any, error) {
	addr, err := addressBody(c)
	if err != nil {
		return nil, err
	}
	return orderAction(c, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitBadStatus", nil).WithMessage("The shipping address of a submitted order cannot change.")
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		shipTo(c, o, addr, lines, tx)
		return nil
	})
}

func setBillingAddress(c *resource.Ctx) (any, error) {
	addr, err := addressBody(c)
	if err != nil {
		return nil, err
	}
	return orderAction(c, func(o api.Doc, tx *resource.Tx) error {
		o["BillingAddress"], o["BillingAddressID"] = addr, addr["ID"]
		return nil
	})
}

// addressBody reads a one-time address from the body. It is no stored
// address, so it carries no ID: an ID in the body could name anybody's.
func addressBody(c *resource.Ctx) (api.Doc, error) {
	addr, err := c.Decode(modelOf("Address"), false)
	if err != nil {
		return nil, err
	}
	addr["ID"] = nil
	return api.Complete(modelOf("Address"), addr), nil
}

// --- line items ------------------------------------------------------------

func getLineItem(c *resource.Ctx) (any, error) {
	o, err := loadOrder(c, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, lineItemsRes, []string{api.Str(o.Doc, "ID")}, c.Param("lineItemID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: modelOf("LineItem"), Doc: e.Doc}, nil
}

func listLineItems(c *resource.Ctx) (any, error) {
	o, err := loadOrder(c, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	lines, err := orderLines(c, api.Str(o.Doc, "ID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, modelOf("LineItem"), lines, nil)
}

// priceLine prices a line item for the order's buyer: the product must be
// visible to the order's user, priced by the schedule resolved for them,
// and in stock unless the product may be oversold.
func priceLine(c *resource.Ctx, order api.Doc, line api.Doc, others []api.Doc) error {
	qty := api.Int(line["Quantity"])
	if qty <= 0 {
		return api.E(http.StatusBadRequest, "LineItem.QuantityMustBePositive", nil)
	}
	pid := api.Str(line, "ProductID")
	p, err := visibleProduct(c, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"), pid)
	if err != nil {
		return err
	}
	if p["IsParent"] == true {
		return api.E(http.StatusBadRequest, "LineItem.CannotPurchaseParentProduct", nil)
	}
	ps, _ := p["PriceSchedule"].(map[string]any)
	if ps == nil {
		return api.E(http.StatusBadRequest, "PriceSchedule.MissingOrConflicting", map[string]any{"ProductID": pid})
	}
	override := line["UnitPrice"] != nil && c.P.Has("OverrideUnitPrice")
	unit, onSale, err := scheduleOf(ps).UnitPrice(qty, time.Now())
	if err != nil && !override {
		return domainErr(err, map[string]any{"ProductID": pid, "Quantity": qty})
	}
	if override {
		unit, onSale = api.Dec(line["UnitPrice"]), false
	}
	if inv, _ := p["Inventory"].(map[string]any); inv != nil && inv["Enabled"] == true && inv["OrderCanExceed"] != true {
		want := qty
		for _, o := range others {
			if api.Str(o, "ProductID") == pid {
				want += api.Int(o["Quantity"])
			}
		}
		if avail := api.Int(inv["QuantityAvailable"]); want > avail {
			return api.E(http.StatusBadRequest, "Inventory.Insufficient", map[string]any{"ProductID": pid, "QuantityAvailable": avail, "QuantityRequested": want})
		}
	}
	l := commerce.Line{Quantity: qty, UnitPrice: unit, PromotionDiscount: api.Dec(line["PromotionDiscount"])}
	line["UnitPrice"], line["LineSubtotal"], line["LineTotal"] = api.Money(unit), api.Money(l.Subtotal()), api.Money(l.Total())
	line["PriceScheduleID"], line["IsOnSale"], line["PriceOverridden"] = ps["ID"], onSale, override
	if line["PromotionDiscount"] == nil {
		line["PromotionDiscount"] = json.Number("0")
	}
	lp := api.Doc{}
	for _, f := range modelOf("LineItemProduct").Fields {
		lp[f.Name] = p[f.Name]
	}
	line["Product"] = lp
	return nil
}

// visibleProduct is a product as a buyer user sees it (with the price
// schedule that applies to them), or a 404 when they cannot see it. It is
// read once per request: a line item retried after losing a race to a
// concurrent change of its order is priced again without re-reading the
// catalog.
func visibleProduct(c *resource.Ctx, buyerID, userID, productID string) (api.Doc, error) {
	v, err := c.Memo("visible-product#"+buyerID+"#"+userID+"#"+productID, func() (any, error) {
		v, err := visibility(c, buyerID, userID)
		if err != nil {
			return nil, err
		}
		products, err := buyerProducts(c, v, []string{productID})
		if err != nil {
			return nil, err
		}
		if len(products) == 0 {
			return nil, api.NotFound("Product", productID)
		}
		return products[0], nil
	})
	if err != nil {
		return nil, err
	}
	return api.Clone(v.(api.Doc)), nil
}

// changeLines applies a change to an order's line items, trying again
// right here when a concurrent change of the order wins the race: lines
// of one order are often added at once, and re-running only the order's
// read and write (not the catalog reads that priced the line) lets many
// writers through quickly.
func changeLines(c *resource.Ctx, change func(order api.Doc, tx *resource.Tx) error) error {
	return resource.RetryDo(c, func() error {
		_, err := updateOrder(c, c.Param("orderID"), change)
		return err
	})
}

func createLineItem(c *resource.Ctx) (any, error) {
	line, err := c.Decode(modelOf("LineItem"), false)
	if err != nil {
		return nil, err
	}
	if line["Quantity"] == nil {
		line["Quantity"] = json.Number("1")
	}
	if err := c.Reg.AssignID(c, line); err != nil {
		return nil, err
	}
	var saved api.Doc
	err = changeLines(c, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitBadStatus", nil).WithMessage("Line items can only change on an unsubmitted order.")
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		doc := api.Clone(line)
		if err := priceLine(c, o, doc, lines); err != nil {
			return err
		}
		doc["DateAdded"], doc["QuantityShipped"] = api.Now(), json.Number("0")
		if ship, ok := o["_shipTo"].(map[string]any); ok && doc["ShippingAddress"] == nil {
			doc["ShippingAddress"], doc["ShippingAddressID"] = ship, ship["ID"]
		}
		api.Complete(modelOf("LineItem"), doc)
		applyTotals(o, append(lines, doc))
		tx.PutOr(lineItemsRes.Item([]string{api.Str(o, "ID")}, doc, 0), store.IfAbsent, api.IDExists("LineItem", api.Str(doc, "ID")))
		saved = doc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: modelOf("LineItem"), Doc: saved}, nil
}

func patchLineItem(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(modelOf("LineItem"), true)
	if err != nil {
		return nil, err
	}
	var saved api.Doc
	err = changeLines(c, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitBadStatus", nil).WithMessage("Line items can only change on an unsubmitted order.")
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		id := c.Param("lineItemID")
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == id })
		if i < 0 {
			return api.NotFound("LineItem", id)
		}
		if pid, ok := patch["ProductID"]; ok && pid != lines[i]["ProductID"] {
			return api.E(http.StatusBadRequest, "LineItem.CannotChangeProductID", nil)
		}
		doc := api.Merge(lines[i], patch)
		if _, set := patch["UnitPrice"]; !set {
			doc["UnitPrice"] = nil
		}
		others := slices.Delete(slices.Clone(lines), i, i+1)
		if err := priceLine(c, o, doc, others); err != nil {
			return err
		}
		applyTotals(o, append(others, doc))
		tx.Put(lineItemsRes.Item([]string{api.Str(o, "ID")}, doc, 0), store.Always)
		saved = doc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: modelOf("LineItem"), Doc: saved}, nil
}

func deleteLineItem(c *resource.Ctx) (any, error) {
	err := changeLines(c, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitBadStatus", nil).WithMessage("Line items can only change on an unsubmitted order.")
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		id := c.Param("lineItemID")
		i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == id })
		if i < 0 {
			return api.NotFound("LineItem", id)
		}
		applyTotals(o, slices.Delete(lines, i, i+1))
		tx.Delete(store.Key{PK: lineItemsRes.PK(api.Str(o, "ID")), SK: id})
		return nil
	})
	return nil, err
}

// --- submit ----------------------------------------------------------------

// submitOrder opens the order in one transaction with the conditional
// decrement of every tracked product's stock: either the order is
// submitted and all stock taken, or nothing changes.
func submitOrder(c *resource.Ctx) (any, error) {
	id := c.Param("orderID")
	e, err := loadOrder(c, id)
	if err != nil {
		return nil, err
	}
	lines, err := orderLines(c, id)
	if err != nil {
		return nil, err
	}
	status, err := commerce.Submit(api.Str(e.Doc, "Status"), len(lines))
	if err != nil {
		return nil, domainErr(err, nil)
	}
	need := map[string]int64{}
	var order []string
	for _, l := range lines {
		pid := api.Str(l, "ProductID")
		if _, seen := need[pid]; !seen {
			order = append(order, pid)
		}
		need[pid] += int64(api.Int(l["Quantity"]))
	}
	products := c.Reg.Resource("Products")
	keys := make([]store.Key, len(order))
	for i, pid := range order {
		keys[i] = store.Key{PK: products.PK(), SK: pid}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	now := api.Now()
	doc["Status"], doc["IsSubmitted"], doc["DateSubmitted"], doc["LastUpdated"] = status, true, now, now
	tx := &resource.Tx{}
	tx.Put(orderItem(doc, e.Item.Version), store.IfVersion)
	for _, pid := range order {
		it, ok := got[store.Key{PK: products.PK(), SK: pid}]
		if !ok {
			return nil, api.E(http.StatusBadRequest, "Order.ProductsNotFound", map[string]any{"ProductIDs": []string{pid}})
		}
		pd, _ := api.DecodeDoc(it.Doc)
		if pd["Active"] != true {
			return nil, api.E(http.StatusBadRequest, "Order.CannotSubmitWithInactiveProduct", map[string]any{"ProductID": pid})
		}
		inv, _ := pd["Inventory"].(map[string]any)
		if it.Stock == nil || inv == nil {
			continue
		}
		// Taking the stock fails the whole submit when it ran out.
		tx.AddOr(store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: need[pid], Floorless: inv["OrderCanExceed"] == true},
			api.E(http.StatusBadRequest, "Inventory.Insufficient", map[string]any{"ProductID": pid,
				"QuantityAvailable": *it.Stock, "QuantityRequested": need[pid]}))
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return outOrder(doc), nil
}

// --- shipments -------------------------------------------------------------

func setShipmentOwner(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if api.Str(doc, "OwnerID") == "" {
		doc["OwnerID"] = MarketplaceID()
	}
	return nil
}

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
	api.Complete(modelOf("ShipmentItem"), d)
	b, _ := json.Marshal(d)
	k := shipmentItemKey(shipmentID, orderID, api.Str(line, "ID"))
	return d, store.Item{PK: k.PK, SK: k.SK, Type: "ShipmentItem", ID: k.SK, Doc: b}
}

// orderShipmentKey records that a shipment carries items of an order, so
// an order's shipments are one Query away.
func orderShipmentKey(orderID, shipmentID string) store.Key {
	return store.Key{PK: "OrderShipment#" + orderID, SK: shipmentID}
}

func orderShipmentItem(orderID, shipmentID string) store.Item {
	k := orderShipmentKey(orderID, shipmentID)
	return store.Item{PK: k.PK, SK: k.SK, Type: "OrderShipment", ID: shipmentID, Doc: []byte("{}")}
}

// shipmentsOf loads the shipments carrying items of an order.
func shipmentsOf(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	refs, err := c.Deps.Store.Query(c, store.Query{PK: "OrderShipment#" + orderID})
	if err != nil {
		return nil, err
	}
	res := c.Reg.Resource("Shipments")
	keys := make([]store.Key, len(refs))
	for i, r := range refs {
		keys[i] = store.Key{PK: res.PK(), SK: r.SK}
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

// listShipments is the engine's list, narrowed to one order's shipments
// when orderID is given.
func listShipments(c *resource.Ctx) (any, error) {
	orderID := c.Query("orderID")
	if orderID == "" {
		docs, err := c.Reg.All(c, c.Reg.Resource("Shipments"), nil)
		if err != nil {
			return nil, err
		}
		return c.Reg.Page(c, modelOf("Shipment"), docs, nil)
	}
	docs, err := shipmentsOf(c, orderID)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, modelOf("Shipment"), docs, nil)
}

func listOrderShipments(c *resource.Ctx) (any, error) {
	o, err := loadOrder(c, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	docs, err := shipmentsOf(c, api.Str(o.Doc, "ID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, modelOf("Shipment"), docs, nil)
}

// completeOrder marks an open order completed.
func completeOrder(c *resource.Ctx) (any, error) {
	return orderAction(c, func(o api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") != commerce.Open {
			return api.E(http.StatusBadRequest, "Order.CannotCompleteBadStatus", nil)
		}
		o["Status"], o["DateCompleted"] = commerce.Completed, api.Now()
		return nil
	})
}

// shipOrder ships everything not yet shipped in one new shipment (the body,
// a Shipment, is optional) and completes the order.
func shipOrder(c *resource.Ctx) (any, error) {
	shipment := api.Doc{}
	if c.R.ContentLength > 0 {
		s, err := c.Decode(modelOf("Shipment"), false)
		if err != nil {
			return nil, err
		}
		shipment = s
	}
	if err := c.Reg.AssignID(c, shipment); err != nil {
		return nil, err
	}
	shipments := c.Reg.Resource("Shipments")
	return orderAction(c, func(o api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") != commerce.Open {
			return api.E(http.StatusBadRequest, "Order.CannotShipBadStatus", nil)
		}
		lines, err := orderLines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return api.E(http.StatusBadRequest, "Order.CannotShipWithNoLineItems", nil)
		}
		sd := api.Clone(shipment)
		sd["BuyerID"], sd["OwnerID"], sd["DateCreated"] = o["FromCompanyID"], MarketplaceID(), api.Now()
		if sd["DateShipped"] == nil {
			sd["DateShipped"] = api.Now()
		}
		api.Complete(modelOf("Shipment"), sd)
		tx.PutOr(shipments.Item(nil, sd, 0), store.IfAbsent, api.IDExists("Shipment", api.Str(sd, "ID")))
		tx.Put(orderShipmentItem(api.Str(o, "ID"), api.Str(sd, "ID")), store.Always)
		for _, l := range lines {
			left := api.Int(l["Quantity"]) - api.Int(l["QuantityShipped"])
			if left <= 0 {
				continue
			}
			l["QuantityShipped"] = l["Quantity"]
			tx.Put(lineItemsRes.Item([]string{api.Str(o, "ID")}, l, 0), store.Always)
			_, item := shipmentItem(api.Str(sd, "ID"), api.Str(o, "ID"), l, left, nil)
			tx.Put(item, store.Always)
		}
		o["Status"], o["DateCompleted"] = commerce.Completed, api.Now()
		return nil
	})
}

// saveShipmentItem ships a quantity of a line item. In one transaction it
// records the item, raises the line's QuantityShipped and, once every line
// is fully shipped, completes the order.
func saveShipmentItem(c *resource.Ctx) (any, error) {
	shipmentID := c.Param("shipmentID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("Shipments"), nil, shipmentID); err != nil {
		return nil, err
	}
	si, err := c.Decode(modelOf("ShipmentItem"), false)
	if err != nil {
		return nil, err
	}
	orderID, lineID, qty := api.Str(si, "OrderID"), api.Str(si, "LineItemID"), api.Int(si["QuantityShipped"])
	// The order is named by the body: it must be one the caller ships.
	o, err := c.Reg.LoadReachable(c, ordersRes, nil, orderID, true)
	if err != nil {
		return nil, err
	}
	lines, err := orderLines(c, orderID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(lines, func(l api.Doc) bool { return api.Str(l, "ID") == lineID })
	if i < 0 {
		return nil, api.NotFound("LineItem", lineID)
	}
	line := lines[i]
	// Saving an item again replaces its quantity on this shipment.
	already := 0
	k := shipmentItemKey(shipmentID, orderID, lineID)
	if prev, err := c.Deps.Store.Get(c, k); err == nil {
		pd, _ := api.DecodeDoc(prev.Doc)
		already = api.Int(pd["QuantityShipped"])
	}
	var others []commerce.ShippedLine
	for j, l := range lines {
		if j != i {
			others = append(others, commerce.ShippedLine{Quantity: api.Int(l["Quantity"]), Shipped: api.Int(l["QuantityShipped"])})
		}
	}
	shipped, complete, err := commerce.Ship(api.Str(o.Doc, "Status"), commerce.ShippedLine{Quantity: api.Int(line["Quantity"]),
		Shipped: api.Int(line["QuantityShipped"]) - already}, qty, others)
	if err != nil {
		return nil, domainErr(err, map[string]any{"LineItemID": lineID})
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
	lineItem := c.Reg.Resource("LineItems").Item([]string{orderID}, line, 0)
	ops := []store.Op{
		{Put: ptr(orderItem(order, o.Item.Version)), Cond: store.IfVersion},
		{Put: &lineItem, Cond: store.Always},
		{Put: &item, Cond: store.Always},
		{Put: ptr(orderShipmentItem(orderID, shipmentID)), Cond: store.Always},
	}
	if err := c.Deps.Store.Transact(c, ops); err != nil {
		return nil, err
	}
	return api.Ordered{Model: modelOf("ShipmentItem"), Doc: out}, nil
}

func listShipmentItems(c *resource.Ctx) (any, error) {
	id := c.Param("shipmentID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("Shipments"), nil, id); err != nil {
		return nil, err
	}
	items, err := c.Deps.Store.Query(c, store.Query{PK: "ShipmentItem#" + id})
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, it := range items {
		d, _ := api.DecodeDoc(it.Doc)
		docs = append(docs, d)
	}
	return c.Reg.Page(c, modelOf("ShipmentItem"), docs, nil)
}

func getShipmentItem(c *resource.Ctx) (any, error) {
	it, err := c.Deps.Store.Get(c, shipmentItemKey(c.Param("shipmentID"), c.Param("orderID"), c.Param("lineItemID")))
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.NotFound("ShipmentItem", c.Param("lineItemID"))
	}
	if err != nil {
		return nil, err
	}
	d, _ := api.DecodeDoc(it.Doc)
	return api.Ordered{Model: modelOf("ShipmentItem"), Doc: d}, nil
}
