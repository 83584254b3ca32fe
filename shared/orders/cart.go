package orders

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// The cart is a view of one of a buyer user's unsubmitted orders: the one
// the user designated (Cart.SetActiveCart), else the most recently created
// one. Every cart operation is the order operation on that order.
//
// Finding it reads no order list. Each user has a small cart index, the
// partition Cart#<buyerID>#<userID>, holding
//
//   - one entry per unsubmitted order of the user, sort key
//     m#<creation time, ns, 20 digits>#<orderID>, so the most recent is
//     last; it is written in the transaction creating the order (or
//     returning it to Unsubmitted: every Service.update keeps it) and
//     removed in the one submitting, deleting or moving it away;
//   - the designation, sort key "active", naming an order.
//
// A cart read is one Query of that partition and one read of the order
// (more only when an entry is stale). Creating a cart (the first line item
// added, a PUT or PATCH of the cart) writes the designation with a
// condition on what the read found, in the order's transaction, so two
// first line items added at once make one cart: the loser's attempt fails
// and runs again, finding the cart the winner made.
//
// An anonymous shopper's cart is its token's order (orderid), and so is a
// group order contributor's: those orders are in no index.

const (
	cartEntryPrefix = "m#"
	cartActiveSK    = "active"
	cartItemType    = "CartEntry"
	// cartGuardMemo holds, while a request creates a cart, what the cart
	// index said (see joinCart).
	cartGuardMemo = "cart-guard"
)

func cartPK(buyerID, userID string) string { return "Cart#" + buyerID + "#" + userID }

// cartEntryKey is an order's entry in its user's cart index.
func cartEntryKey(order api.Doc) store.Key {
	var created int64
	if t := api.Time(order["DateCreated"]); t != nil {
		created = t.UnixNano()
	}
	return store.Key{PK: cartPK(api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID")),
		SK: fmt.Sprintf("%s%020d#%s", cartEntryPrefix, created, api.Str(order, "ID"))}
}

type cartItemDoc struct{ OrderID string }

func cartItem(k store.Key, orderID string) store.Item {
	b, _ := json.Marshal(cartItemDoc{OrderID: orderID})
	return store.Item{PK: k.PK, SK: k.SK, Type: cartItemType, ID: k.SK, Doc: b}
}

// inCartIndex says whether an order belongs in its user's cart index: an
// unsubmitted order of a user, not an anonymous shopper's.
func inCartIndex(order api.Doc) bool {
	return api.Str(order, "Status") == commerce.Unsubmitted && api.Str(order, "FromUserID") != "" && order[anonymousField] != true
}

// cartGuard is what the cart index said when a request set out to create
// a cart: its designation's version (0: none).
type cartGuard struct {
	pk      string
	version int64
}

// joinCart adds an order to its user's cart index, in the order's
// transaction. While the request creates the user's cart, it also makes
// the order the designated cart, on the condition that the designation is
// still what the request read.
func (s *Service) joinCart(c *resource.Ctx, order api.Doc, tx *resource.Tx) {
	if !inCartIndex(order) {
		return
	}
	k := cartEntryKey(order)
	tx.Put(cartItem(k, api.Str(order, "ID")), store.Always)
	g, _ := c.Recall(cartGuardMemo)
	guard, ok := g.(cartGuard)
	if !ok || guard.pk != k.PK {
		return
	}
	it := cartItem(store.Key{PK: k.PK, SK: cartActiveSK}, api.Str(order, "ID"))
	cond := store.IfAbsent
	if guard.version != 0 {
		it.Version, cond = guard.version, store.IfVersion
	}
	tx.Put(it, cond)
}

// leaveCart removes an order from its user's cart index, in the
// transaction submitting, deleting or moving it.
func (s *Service) leaveCart(tx *resource.Tx, order api.Doc) {
	if api.Str(order, "FromUserID") != "" {
		tx.Delete(cartEntryKey(order))
	}
}

// moveCart moves an order's cart index entry with the order (a user moved
// to another buyer, an anonymous order transferred).
func (s *Service) moveCart(c *resource.Ctx, tx *resource.Tx, from, to api.Doc) {
	if cartEntryKey(from) != cartEntryKey(to) {
		s.leaveCart(tx, from)
	}
	s.joinCart(c, to, tx)
}

// keepCartIndex keeps an order's cart index entry right across a change
// of it (an order declined back to Unsubmitted joins again, one leaving
// Unsubmitted leaves).
func (s *Service) keepCartIndex(c *resource.Ctx, tx *resource.Tx, old, doc api.Doc) {
	was, is := inCartIndex(old), inCartIndex(doc)
	if was && (!is || cartEntryKey(old) != cartEntryKey(doc)) {
		s.leaveCart(tx, old)
	}
	if is && (!was || cartEntryKey(old) != cartEntryKey(doc)) {
		s.joinCart(c, doc, tx)
	}
}

// leaveCartStep is the submit step taking the order out of the cart index.
func (s *Service) leaveCartStep(_ *resource.Ctx, sub *Submission) error {
	s.leaveCart(sub.Tx, sub.Order)
	return nil
}

// cartIndex is what a user's cart index holds.
type cartIndex struct {
	pk            string
	active        string // the designated order ("" when none)
	activeVersion int64
	entries       []string // order IDs, most recently created first
}

func (s *Service) readCartIndex(c *resource.Ctx, buyerID, userID string) (cartIndex, error) {
	idx := cartIndex{pk: cartPK(buyerID, userID)}
	items, err := c.Deps.Store.Query(c, store.Query{PK: idx.pk})
	if err != nil {
		return idx, err
	}
	for _, it := range items {
		var d cartItemDoc
		if err := json.Unmarshal(it.Doc, &d); err != nil {
			return idx, err
		}
		switch {
		case it.SK == cartActiveSK:
			idx.active, idx.activeVersion = d.OrderID, it.Version
		case strings.HasPrefix(it.SK, cartEntryPrefix):
			idx.entries = append(idx.entries, d.OrderID)
		}
	}
	slices.Reverse(idx.entries)
	return idx, nil
}

// candidates are the orders that may be the cart, best first: the
// designated one (while it is an unsubmitted order of the user), then the
// most recently created.
func (idx cartIndex) candidates() []string {
	if idx.active == "" || !slices.Contains(idx.entries, idx.active) {
		return idx.entries
	}
	out := []string{idx.active}
	for _, id := range idx.entries {
		if id != idx.active {
			out = append(out, id)
		}
	}
	return out
}

// isCartOf says whether an order can be the caller's cart.
func isCartOf(c *resource.Ctx, order api.Doc) bool {
	p := c.P
	if api.Str(order, "Status") != commerce.Unsubmitted {
		return false
	}
	if p.Confined() {
		return confinedSees(p, order)
	}
	return api.Str(order, "FromCompanyID") == p.CompanyID && api.Str(order, "FromUserID") == p.UserID && order[anonymousField] != true
}

// activeCart finds the caller's cart (nil when it has none) and the cart
// index it read.
func (s *Service) activeCart(c *resource.Ctx) (*resource.Entity, cartIndex, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, cartIndex{}, err
	}
	var idx cartIndex
	ids := []string{c.P.Claims.OrderID}
	if !c.P.Confined() {
		var err error
		if idx, err = s.readCartIndex(c, c.P.CompanyID, c.P.UserID); err != nil {
			return nil, idx, err
		}
		ids = idx.candidates()
	}
	for _, id := range ids {
		e, err := c.Reg.Load(c, s.Orders, nil, id)
		if isNotFound(err) {
			continue // an entry its order outlived (a cascade): skip it
		}
		if err != nil {
			return nil, idx, err
		}
		if isCartOf(c, e.Doc) {
			return e, idx, nil
		}
	}
	return nil, idx, nil
}

func isNotFound(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// cartOrNew finds the caller's cart, creating it from body when it has
// none. created is the new order (nil when the cart existed).
func (s *Service) cartOrNew(c *resource.Ctx, body api.Doc) (id string, created api.Doc, err error) {
	e, idx, err := s.activeCart(c)
	if err != nil {
		return "", nil, err
	}
	if e != nil {
		return api.Str(e.Doc, "ID"), nil, nil
	}
	if body == nil {
		body = api.Doc{}
	}
	if !c.P.Confined() {
		c.Remember(cartGuardMemo, cartGuard{pk: idx.pk, version: idx.activeVersion})
		defer c.Remember(cartGuardMemo, nil)
	}
	doc, err := s.Create(c, c.P, Outgoing, body)
	var ae *api.Error
	if c.P.Confined() && errors.As(err, &ae) && ae.Code == "IdExists" {
		// The token's order exists: made by a request at the same time
		// (then it is the cart), or submitted (then the token is done).
		e, _, err := s.activeCart(c)
		if err != nil {
			return "", nil, err
		}
		if e != nil {
			return api.Str(e.Doc, "ID"), nil, nil
		}
		return "", nil, api.E(http.StatusForbidden, "Auth.AnonUserProhibited", nil).
			WithMessage("This token's order was submitted; an anonymous shopper gets a new token to shop again.")
	}
	if err != nil {
		return "", nil, err
	}
	return api.Str(doc, "ID"), doc, nil
}

// emptyCart is Cart.Get's answer when the caller has no cart yet: an
// order that does not exist (its ID null), for a cart icon's count.
func emptyCart(c *resource.Ctx) api.Doc {
	d := api.Doc{"ID": nil, "FromCompanyID": c.P.CompanyID, "FromUserID": c.P.UserID, "ToCompanyID": c.MarketplaceID(),
		"Status": commerce.Unsubmitted, "IsSubmitted": false, "Currency": "USD"}
	applyTotals(d, nil)
	return api.Complete(orderModel, d)
}

// SetActiveCart designates one of the caller's unsubmitted orders as its
// cart (multi-cart shopping). An anonymous shopper or a contributor has
// one cart, its token's order.
func (s *Service) SetActiveCart(c *resource.Ctx, orderID string) error {
	if err := access.RequireBuyer(c); err != nil {
		return err
	}
	if c.P.Confined() && orderID != c.P.Claims.OrderID {
		return api.E(http.StatusForbidden, "Auth.AnonUserProhibited", nil).WithMessage("Multi-cart shopping is not available to anonymous shoppers.")
	}
	e, err := s.load(c, Outgoing, orderID)
	if err != nil {
		return err
	}
	o := e.Doc
	if !c.P.Confined() && (api.Str(o, "FromUserID") != c.P.UserID || o[anonymousField] == true) {
		// An order admin sees colleagues' orders; none is its cart.
		return api.NotFound("Order", orderID)
	}
	if api.Str(o, "Status") != commerce.Unsubmitted {
		return api.E(http.StatusBadRequest, commerce.ErrCannotSubmit.ContractCode(), nil).WithMessage("Only an unsubmitted order can be the cart.")
	}
	if c.P.Confined() {
		return nil
	}
	k := cartEntryKey(o)
	tx := &resource.Tx{}
	tx.Put(cartItem(k, orderID), store.Always) // entries predating the index join here
	tx.Put(cartItem(store.Key{PK: k.PK, SK: cartActiveSK}, orderID), store.Always)
	return tx.Commit(c)
}

// upgradeCartEntry gives an unsubmitted order written before the cart
// index its entry (an upgrade hook: idempotent).
func (s *Service) upgradeCartEntry(c *resource.Ctx, it store.Item) (bool, error) {
	if it.Type != s.Orders.Kind {
		return false, nil
	}
	order, err := resource.DecodeItem(it)
	if err != nil || !inCartIndex(order) {
		return false, err
	}
	k := cartEntryKey(order)
	if _, err := c.Deps.Store.Get(c, k); !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	_, err = c.Deps.Store.Put(c, cartItem(k, api.Str(order, "ID")), store.IfAbsent)
	if errors.Is(err, store.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
