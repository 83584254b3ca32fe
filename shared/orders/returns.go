package orders

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/shopspring/decimal"
)

// Order returns (order-returns.mdx, product-returns-refunds-credits.mdx,
// order-returns-handling-calculations.mdx).
//
// A return belongs to an order the caller sees: a shopper's own orders,
// its company's with an order role, the orders a supplier received, every
// order for the marketplace. Its ItemsToReturn name the order's line
// items, each at most once, with the units to take back: no more than
// the line's eligible units (commerce.ReturnEligible) less what the
// order's other live returns hold. The units every live return holds are
// kept on one ledger item per order (OrderReturnLedger#<orderID>),
// written version-conditioned with each change of a return, so two
// returns made at once cannot take back the same unit twice.
//
// Refund amounts: an order administrator may set an item's RefundAmount,
// or the return's (kept until it is written null again). The others are
// asked of the return calculator that applies to the caller (the
// OrderReturn integration event of its API client, registered by
// shared/integrations through OnReturnCalculate) at every create or
// change. Without one — where OrderCloud leaves them null — each item's
// RefundAmount is the default calculation of the calculations article
// (commerce.ReturnLine and ItemRefund: the line's total after its
// promotions, less its share of order-level promotions, plus its share of
// tax, in proportion to the units; a line's returns add up to the line's
// refund to the cent), and the return's RefundAmount the sum of its items'.
//
// Submitting evaluates the seller's approval rules (SellerApprovalRulesFor,
// the order's seller: the marketplace or a supplier) against the order and
// the lines returned; a rule that holds asks for an approval by its
// approving group and the return waits in AwaitingApproval, else it is
// Open. Approvals live in OrderReturnApproval#<returnID>; a pending one is
// indexed by group (GSI1 ReturnApprovalPending#<ownerID>#<groupID>) for
// the approvable list. Completing an Open return records its refund as a
// payment of the order (see Complete).

var (
	orderReturnModel         = contract.MustModel("OrderReturn")
	orderReturnItemModel     = contract.MustModel("OrderReturnItem")
	orderReturnApprovalModel = contract.MustModel("OrderReturnApproval")
	returnApprovalInfoModel  = contract.MustModel("ApprovalInfo")
)

// Internal fields of a stored return: the order's buyer, seller and user
// (what confines it and what its lists are indexed by), its approval
// round, and which refund amounts an order administrator set.
const (
	retBuyer        = "_buyer"
	retSeller       = "_seller"
	retUser         = "_user"
	retRound        = "_round"
	retOverride     = "_refundSet"
	retItemOverride = "_itemRefundSet"
)

// declareReturns registers OrderReturns.*.
func (s *Service) declareReturns(r *resource.Registry) {
	s.OrderReturns = r.Add(&resource.Resource{Name: "OrderReturns", Model: "OrderReturn", IDParam: "returnID", Ops: []string{},
		Reach: resource.Reach{Owners: []string{retBuyer, retSeller}},
		List: &resource.Listing{Equal: []string{"OrderID", "Status", retBuyer, retSeller, retBuyer + "+" + retUser},
			XP: true, Sorted: []string{"DateCreated"}, Search: true}})
	r.Handle("OrderReturns.Create", s.createReturnHTTP)
	r.Handle("OrderReturns.Get", s.getReturnHTTP)
	r.Handle("OrderReturns.List", s.listReturnsHTTP)
	r.Handle("OrderReturns.Save", s.saveReturnHTTP)
	r.Handle("OrderReturns.Patch", s.patchReturnHTTP)
	r.Handle("OrderReturns.Delete", s.deleteReturnHTTP)
	r.Handle("OrderReturns.DeleteItem", s.deleteReturnItemHTTP)
	r.Handle("OrderReturns.Submit", s.submitReturnHTTP)
	r.Handle("OrderReturns.Approve", s.approveReturnHTTP)
	r.Handle("OrderReturns.Decline", s.declineReturnHTTP)
	r.Handle("OrderReturns.Cancel", s.cancelReturnHTTP)
	r.Handle("OrderReturns.Complete", s.completeReturnHTTP)
	r.Handle("OrderReturns.ListApprovals", s.listReturnApprovalsHTTP)
	r.Handle("OrderReturns.ListEligibleApprovers", s.listReturnApproversHTTP)
}

// returnOrderView is the order a return's confinement is judged on.
func returnOrderView(ret api.Doc) api.Doc {
	return api.Doc{"FromCompanyID": ret[retBuyer], "ToCompanyID": ret[retSeller], "FromUserID": ret[retUser]}
}

// refuseAnonymous keeps anonymous shoppers and group order contributors
// (tokens of one order) away from returns, as the docs prohibit.
func refuseAnonymous(c *resource.Ctx) error {
	if c.P.Confined() {
		return api.NotForUserType("Anonymous users cannot create or change order returns.")
	}
	return nil
}

// returnAdmin reports whether the caller administers orders.
func returnAdmin(c *resource.Ctx) bool { return c.P.Has("OrderAdmin") }

// mayWriteReturn says whether the caller may make or change returns of an
// order it sees: an order administrator, or the shopper the order is from.
func mayWriteReturn(c *resource.Ctx, order api.Doc) error {
	if returnAdmin(c) {
		return nil
	}
	if c.P.UserType == auth.Buyer && c.P.Has("Shopper") && api.Str(order, "FromUserID") == c.P.UserID {
		return nil
	}
	return api.InsufficientRoles([]string{"OrderAdmin"})
}

// loadReturn reads a return the caller sees (404 otherwise).
func (s *Service) loadReturn(c *resource.Ctx, id string) (*resource.Entity, error) {
	if err := refuseAnonymous(c); err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, s.OrderReturns, nil, id)
	if err != nil {
		return nil, err
	}
	if !canSee(c, All, returnOrderView(e.Doc)) {
		return nil, api.NotFound("OrderReturn", id)
	}
	return e, nil
}

// --- the ledger of returned units ------------------------------------------

// returnLedger is, per order, the units and refunds each live return
// holds, by return and line item.
type returnLedger struct {
	item    store.Item
	Returns map[string]map[string]ledgerLine `json:"Returns"`
}

type ledgerLine struct {
	Quantity int    `json:"Quantity"`
	Refund   string `json:"Refund"`
}

func ledgerKey(orderID string) store.Key {
	return store.Key{PK: "OrderReturnLedger#" + orderID, SK: "ledger"}
}

func (s *Service) loadLedger(c *resource.Ctx, orderID string) (*returnLedger, error) {
	k := ledgerKey(orderID)
	l := &returnLedger{item: store.Item{PK: k.PK, SK: k.SK, Type: "OrderReturnLedger", ID: orderID}, Returns: map[string]map[string]ledgerLine{}}
	it, err := c.Deps.Store.Get(c, k)
	if errors.Is(err, store.ErrNotFound) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(it.Doc, l); err != nil {
		return nil, err
	}
	if l.Returns == nil {
		l.Returns = map[string]map[string]ledgerLine{}
	}
	l.item = it
	return l, nil
}

// others are the units and refunds of a line held by returns other than id.
func (l *returnLedger) others(id, lineID string) (int, decimal.Decimal) {
	qty, refund := 0, decimal.Zero
	for rid, lines := range l.Returns {
		if rid == id {
			continue
		}
		qty += lines[lineID].Quantity
		refund = refund.Add(api.Dec(json.Number(lines[lineID].Refund)))
	}
	return qty, refund
}

// put queues the ledger's write, conditioned on the version read.
func (l *returnLedger) put(tx *resource.Tx) {
	it := l.item
	it.Doc, _ = json.Marshal(struct {
		Returns map[string]map[string]ledgerLine
	}{l.Returns})
	if it.Version == 0 {
		tx.Put(it, store.IfAbsent)
		return
	}
	tx.Put(it, store.IfVersion)
}

// hold records what a return's items hold (nothing once it is not live).
func (l *returnLedger) hold(ret api.Doc) {
	id := api.Str(ret, "ID")
	if !commerce.LiveReturn(api.Str(ret, "Status")) {
		delete(l.Returns, id)
		return
	}
	lines := map[string]ledgerLine{}
	for _, it := range returnItems(ret) {
		lines[api.Str(it, "LineItemID")] = ledgerLine{Quantity: api.Int(it["Quantity"]), Refund: api.Dec(it["RefundAmount"]).String()}
	}
	l.Returns[id] = lines
}

// returnItems are a return's ItemsToReturn.
func returnItems(ret api.Doc) []api.Doc {
	raw, _ := ret["ItemsToReturn"].([]any)
	out := make([]api.Doc, 0, len(raw))
	for _, v := range raw {
		if m, ok := v.(map[string]any); ok {
			out = append(out, api.Doc(m))
		}
	}
	return out
}

func setReturnItems(ret api.Doc, items []api.Doc) {
	raw := make([]any, len(items))
	for i, it := range items {
		raw[i] = map[string]any(it)
	}
	ret["ItemsToReturn"] = raw
}

// --- writing a return -------------------------------------------------------

// returnChange is a write of a return: the doc as it will be (writable
// fields merged), and whether the body named the return's RefundAmount
// and which items' RefundAmounts.
type returnChange struct {
	doc         api.Doc
	refundNamed bool
	itemsNamed  map[string]bool // line item ID → the body named its RefundAmount
}

// CreateReturn starts a return of an order (Unsubmitted).
func (s *Service) CreateReturn(c *resource.Ctx, body api.Doc) (api.Doc, error) {
	if err := refuseAnonymous(c); err != nil {
		return nil, err
	}
	if err := c.Reg.AssignID(c, body); err != nil {
		return nil, err
	}
	return s.writeReturn(c, nil, changeOf(body, body))
}

// SaveReturn creates a return under id or replaces its writable fields.
func (s *Service) SaveReturn(c *resource.Ctx, id string, body api.Doc) (api.Doc, error) {
	if err := refuseAnonymous(c); err != nil {
		return nil, err
	}
	e, err := s.loadReturn(c, id)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound && ae.Code == "NotFound" {
		if _, err := c.Reg.Load(c, s.OrderReturns, nil, id); err == nil {
			return nil, api.NotFound("OrderReturn", id) // another's
		}
		body["ID"] = id
		return s.writeReturn(c, nil, changeOf(body, body))
	}
	if err != nil {
		return nil, err
	}
	next := api.Clone(e.Doc)
	for _, f := range []string{"OrderID", "RefundAmount", "Comments", "xp"} {
		next[f] = body[f]
	}
	if body["xp"] == nil {
		if _, sent := body["xp"]; !sent {
			next["xp"] = map[string]any{}
		}
	}
	next["ItemsToReturn"] = body["ItemsToReturn"]
	if next["ItemsToReturn"] == nil {
		next["ItemsToReturn"] = []any{}
	}
	ch := changeOf(next, body)
	ch.refundNamed = true
	return s.writeReturn(c, e, ch)
}

// PatchReturn changes the fields the patch names; its ItemsToReturn add
// or change items by LineItemID (DeleteItem removes one).
func (s *Service) PatchReturn(c *resource.Ctx, id string, patch api.Doc) (api.Doc, error) {
	e, err := s.loadReturn(c, id)
	if err != nil {
		return nil, err
	}
	rest := api.Clone(patch)
	delete(rest, "ItemsToReturn")
	delete(rest, "ID")
	next := api.Merge(api.Clone(e.Doc), rest)
	if raw, ok := patch["ItemsToReturn"].([]any); ok {
		items := returnItems(next)
		for _, v := range raw {
			p, _ := v.(map[string]any)
			i := slices.IndexFunc(items, func(it api.Doc) bool { return api.Str(it, "LineItemID") == api.Str(p, "LineItemID") })
			if i < 0 {
				items = append(items, api.Doc(p))
				continue
			}
			merged := api.Clone(items[i])
			for k, val := range p {
				merged[k] = val
			}
			items[i] = merged
		}
		setReturnItems(next, items)
	}
	return s.writeReturn(c, e, changeOf(next, patch))
}

// DeleteReturnItem removes the item of a line from a return.
func (s *Service) DeleteReturnItem(c *resource.Ctx, id, lineID string) (api.Doc, error) {
	e, err := s.loadReturn(c, id)
	if err != nil {
		return nil, err
	}
	items := returnItems(e.Doc)
	i := slices.IndexFunc(items, func(it api.Doc) bool { return api.Str(it, "LineItemID") == lineID })
	if i < 0 {
		return nil, api.NotFound("OrderReturnItem", lineID)
	}
	next := api.Clone(e.Doc)
	setReturnItems(next, slices.Delete(items, i, i+1))
	return s.writeReturn(c, e, changeOf(next, api.Doc{}))
}

func changeOf(doc, body api.Doc) returnChange {
	ch := returnChange{doc: doc, itemsNamed: map[string]bool{}}
	_, ch.refundNamed = body["RefundAmount"]
	if raw, ok := body["ItemsToReturn"].([]any); ok {
		for _, v := range raw {
			if m, ok := v.(map[string]any); ok {
				if _, named := m["RefundAmount"]; named {
					ch.itemsNamed[api.Str(m, "LineItemID")] = true
				}
			}
		}
	}
	return ch
}

// writeReturn checks and writes a return (old nil: a new one).
func (s *Service) writeReturn(c *resource.Ctx, old *resource.Entity, ch returnChange) (api.Doc, error) {
	doc := ch.doc
	id := api.Str(doc, "ID")
	orderID := api.Str(doc, "OrderID")
	if orderID == "" {
		return nil, api.Validation("OrderID", "OrderID is required.")
	}
	if old != nil && orderID != api.Str(old.Doc, "OrderID") {
		return nil, api.Validation("OrderID", "The order of a return cannot change.")
	}
	if len([]rune(api.Str(doc, "Comments"))) > 2000 {
		return nil, api.Validation("Comments", "Comments can be at most 2000 characters.")
	}
	order, err := s.load(c, All, orderID)
	if err != nil {
		return nil, err
	}
	o := order.Doc
	if err := mayWriteReturn(c, o); err != nil {
		return nil, err
	}
	admin := returnAdmin(c)
	if old == nil {
		if !commerce.ReturnableOrder(api.Str(o, "Status")) {
			return nil, api.Refused(commerce.ErrReturnBadOrderStatus, nil)
		}
	} else if st := api.Str(old.Doc, "Status"); !commerce.ReturnEditable(st, admin) {
		if st == commerce.AwaitingApproval || st == commerce.Open {
			return nil, api.InsufficientRoles([]string{"OrderAdmin"})
		}
		return nil, api.Validation("Status", "A "+st+" order return cannot change.")
	}
	lines, err := s.lines(c, orderID)
	if err != nil {
		return nil, err
	}
	ledger, err := s.loadLedger(c, orderID)
	if err != nil {
		return nil, err
	}
	priced, err := s.priceReturn(c, o, lines, ledger, old, ch, admin)
	if err != nil {
		return nil, err
	}
	now := api.Now()
	if old == nil {
		doc["Status"], doc["DateCreated"], doc["PaymentIDs"] = commerce.Unsubmitted, now, []any{}
		for _, f := range []string{"DateSubmitted", "DateApproved", "DateDeclined", "DateCanceled", "DateCompleted"} {
			doc[f] = nil
		}
		doc[retBuyer], doc[retSeller], doc[retUser] = o["FromCompanyID"], o["ToCompanyID"], o["FromUserID"]
	}
	doc["LastUpdated"] = now
	api.Complete(orderReturnModel, doc)
	if err := s.calculateReturn(c, o, lines, doc, priced); err != nil {
		return nil, err
	}
	tx := &resource.Tx{}
	ledger.hold(doc)
	ledger.put(tx)
	if old == nil {
		tx.PutOr(s.OrderReturns.Item(nil, doc, 0), store.IfAbsent, api.IDExists("OrderReturn", id))
	} else {
		tx.Knows(old.Item)
		tx.Lead(store.Op{Put: ptr(s.OrderReturns.Item(nil, doc, old.Item.Version)), Cond: store.IfVersion}, nil)
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

// pricedReturn is what pricing a return found out besides its amounts:
// which refunds an order administrator set, and the most each item may
// refund (its line's full refund less what the order's other live returns
// hold of it).
type pricedReturn struct {
	kept       map[string]bool // line item IDs of the items whose refund was set
	refundSet  bool            // the return's RefundAmount was set
	refundable map[string]decimal.Decimal
}

// priceReturn checks a return's items against the order's lines and the
// ledger, and sets the refund amounts: those an order administrator named
// are kept, the others computed.
func (s *Service) priceReturn(c *resource.Ctx, o api.Doc, lines []api.Doc, ledger *returnLedger, old *resource.Entity, ch returnChange, admin bool) (*pricedReturn, error) {
	pr := &pricedReturn{kept: map[string]bool{}, refundable: map[string]decimal.Decimal{}}
	doc := ch.doc
	id := api.Str(doc, "ID")
	byID := map[string]api.Doc{}
	linesTotal, linePromos := decimal.Zero, decimal.Zero
	for _, l := range lines {
		byID[api.Str(l, "ID")] = l
		linesTotal = linesTotal.Add(api.Dec(l["LineTotal"]))
		linePromos = linePromos.Add(api.Dec(l["PromotionDiscount"]))
	}
	orderPromo := decimal.Max(decimal.Zero, api.Dec(o["PromotionDiscount"]).Sub(linePromos))
	orderTotal := api.Dec(o["Total"])
	overridden := map[string]bool{}
	if old != nil {
		for _, lid := range api.Strings(old.Doc[retItemOverride]) {
			overridden[lid] = true
		}
	}
	items := returnItems(doc)
	seen := map[string]bool{}
	sum := decimal.Zero
	var kept []string
	for i, it := range items {
		it = api.Clone(it)
		items[i] = it
		lid := api.Str(it, "LineItemID")
		path := fmt.Sprintf("ItemsToReturn[%d]", i)
		if lid == "" {
			return nil, api.Validation(path+".LineItemID", "LineItemID is required.")
		}
		if seen[lid] {
			return nil, api.Refused(commerce.ErrReturnDuplicateItem, map[string]any{"LineItemID": lid})
		}
		seen[lid] = true
		line, ok := byID[lid]
		if !ok {
			return nil, api.Validation(path+".LineItemID", fmt.Sprintf("%s is not a line item of order %s.", lid, api.Str(o, "ID")))
		}
		qty := api.Int(it["Quantity"])
		if qty < 0 {
			return nil, api.Validation(path+".Quantity", "Quantity must be at least 0.")
		}
		if len([]rune(api.Str(it, "Comments"))) > 500 {
			return nil, api.Validation(path+".Comments", "Comments can be at most 500 characters.")
		}
		if qty > 0 && !admin {
			if p, _ := line["Product"].(map[string]any); p == nil || p["Returnable"] != true {
				return nil, api.Refused(commerce.ErrReturnNotReturnable, map[string]any{"LineItemID": lid, "ProductID": line["ProductID"]})
			}
		}
		othersQty, othersRefund := ledger.others(id, lid)
		lineQty := api.Int(line["Quantity"])
		eligible := commerce.ReturnEligible(api.Str(o, "Status"), lineQty, api.Int(line["QuantityShipped"])) - othersQty
		if qty > eligible {
			return nil, api.Refused(commerce.ErrReturnQuantityExceeded, map[string]any{"LineItemID": lid, "QuantityEligible": max(eligible, 0)})
		}
		it["Quantity"] = api.Num(int64(qty))
		named := admin && ch.itemsNamed[lid] && it["RefundAmount"] != nil
		if named || (overridden[lid] && !(admin && ch.itemsNamed[lid])) {
			r := api.Dec(it["RefundAmount"])
			if r.GreaterThan(orderTotal) {
				return nil, api.Validation(path+".RefundAmount", "A refund cannot exceed the order's Total.")
			}
			it["RefundAmount"] = api.Money(r)
			kept = append(kept, lid)
			pr.kept[lid] = true
		}
		full := commerce.ReturnLine(api.Dec(line["LineTotal"]), linesTotal, orderPromo, api.Dec(o["TaxCost"]))
		pr.refundable[lid] = decimal.Max(decimal.Zero, full.Sub(othersRefund).RoundCeil(2))
		if !pr.kept[lid] {
			it["RefundAmount"] = api.Money(commerce.ItemRefund(full, lineQty, qty, othersQty, othersRefund))
		}
		sum = sum.Add(api.Dec(it["RefundAmount"]))
		api.Complete(orderReturnItemModel, it)
	}
	setReturnItems(doc, items)
	doc[retItemOverride] = toAny(kept)
	set := old != nil && old.Doc[retOverride] == true
	if admin && ch.refundNamed {
		set = doc["RefundAmount"] != nil
	} else if old != nil {
		doc["RefundAmount"] = old.Doc["RefundAmount"]
	}
	doc[retOverride] = set
	pr.refundSet = set
	switch {
	case set:
		r := api.Dec(doc["RefundAmount"])
		if r.GreaterThan(orderTotal) {
			return nil, api.Validation("RefundAmount", "A refund cannot exceed the order's Total.")
		}
		doc["RefundAmount"] = api.Money(r)
	case len(items) > 0:
		doc["RefundAmount"] = api.Money(sum)
	default:
		doc["RefundAmount"] = nil
	}
	return pr, nil
}

// calculateReturn hands the refunds no order administrator set to the
// return calculator that applies to the caller (the OrderReturn
// integration event of its API client), in place of the default
// calculation priceReturn made. When every refund is set — each item's,
// or the return's when it has no items — there is nothing to ask.
func (s *Service) calculateReturn(c *resource.Ctx, o api.Doc, lines []api.Doc, doc api.Doc, pr *pricedReturn) error {
	items := returnItems(doc)
	if len(s.returnCalculators) == 0 || (len(items) > 0 && len(pr.kept) == len(items)) || (len(items) == 0 && pr.refundSet) {
		return nil
	}
	asked := api.Clone(doc)
	askedItems := make([]api.Doc, len(items))
	for i, it := range items {
		it = api.Clone(it)
		if !pr.kept[api.Str(it, "LineItemID")] {
			it["RefundAmount"] = nil
		}
		askedItems[i] = it
	}
	setReturnItems(asked, askedItems)
	if !pr.refundSet {
		asked["RefundAmount"] = nil
	}
	q := &ReturnToCalculate{Return: asked, Order: o, Lines: lines, Refundable: pr.refundable, Fixed: pr.kept}
	for _, calculate := range s.returnCalculators {
		calc, applies, err := calculate(c, q)
		if err != nil {
			return err
		}
		if applies {
			applyReturnCalculation(doc, items, pr, calc)
			return nil
		}
	}
	return nil
}

// applyReturnCalculation sets the refunds a calculation decided: each
// item's not set by an order administrator (null when not named), and the
// return's unless set (the calculation's, else the items' sum).
func applyReturnCalculation(doc api.Doc, items []api.Doc, pr *pricedReturn, calc *ReturnCalculation) {
	if calc == nil {
		calc = &ReturnCalculation{}
	}
	sum, refunded := decimal.Zero, false
	for _, it := range items {
		lid := api.Str(it, "LineItemID")
		if !pr.kept[lid] {
			it["RefundAmount"] = nil
			if r, ok := calc.Items[lid]; ok {
				it["RefundAmount"] = api.Money(r)
			}
		}
		if it["RefundAmount"] != nil {
			sum, refunded = sum.Add(api.Dec(it["RefundAmount"])), true
		}
	}
	setReturnItems(doc, items)
	switch {
	case pr.refundSet:
	case calc.RefundAmount != nil:
		doc["RefundAmount"] = api.Money(*calc.RefundAmount)
	case refunded:
		doc["RefundAmount"] = api.Money(sum)
	default:
		doc["RefundAmount"] = nil
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// DeleteReturn deletes a return: its own shopper's while Unsubmitted, any
// by an order administrator. Its units go back to the order's lines.
func (s *Service) DeleteReturn(c *resource.Ctx, id string) error {
	e, err := s.loadReturn(c, id)
	if err != nil {
		return err
	}
	if err := mayWriteReturn(c, returnOrderView(e.Doc)); err != nil {
		return err
	}
	if api.Str(e.Doc, "Status") != commerce.Unsubmitted && !returnAdmin(c) {
		return api.E(http.StatusForbidden, commerce.ErrReturnNotAuthorized.ContractCode(), nil)
	}
	ledger, err := s.loadLedger(c, api.Str(e.Doc, "OrderID"))
	if err != nil {
		return err
	}
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
	delete(ledger.Returns, id)
	ledger.put(tx)
	if err := tx.DeleteFound(c, store.Query{PK: returnApprovalsPK(id)}); err != nil {
		return err
	}
	return tx.Commit(c)
}
