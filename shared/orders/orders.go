package orders

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Direction is the perspective an order is seen from: a buyer's outgoing
// orders, the incoming orders of the organization selling, or all.
type Direction string

const (
	Incoming Direction = "Incoming"
	Outgoing Direction = "Outgoing"
	All      Direction = "All"
)

// ParseDirection reads a direction (any letter case); anything else is no
// route.
func ParseDirection(s string) (Direction, error) {
	for _, d := range []Direction{Incoming, Outgoing, All} {
		if strings.EqualFold(s, string(d)) {
			return d, nil
		}
	}
	return "", api.RouteNotFound()
}

// orderItem is an order's item. It keeps _submitted, which order lists
// filter on (see submittedWorld), and, while the order is unsubmitted,
// when DynamoDB's time to live removes it if abandoned (see expiresAt).
func (s *Service) orderItem(d api.Doc, version int64) store.Item {
	d[fieldSubmitted] = worldOf(api.Str(d, "Status"))
	d["IsSubmitted"] = commerce.Submitted(api.Str(d, "Status"))
	it := s.Orders.Item(nil, d, version)
	it.Expires = expiresAt(d)
	return it
}

// expiresAt is when an unsubmitted order abandoned since its last change
// goes (epoch seconds; 0: never): every write of the order moves it, and
// submitting clears it. Readers treat an order past it as gone until
// DynamoDB deletes it; the stream then cleans up after it (CleanupExpired).
func expiresAt(d api.Doc) int64 {
	last := time.Now()
	if t := api.Time(d["LastUpdated"]); t != nil {
		last = *t
	}
	at, ok := commerce.AbandonedAt(api.Str(d, "Status"), api.Int(d["LineItemCount"]), d[anonymousField] == true, last)
	if !ok {
		return 0
	}
	return at.Unix()
}

// canSee applies OrderCloud's order perspectives: buyers see their
// company's outgoing orders (their own, or all with an order role); the
// marketplace sees the orders coming in to it.
func canSee(c *resource.Ctx, dir Direction, d api.Doc) bool {
	p := c.P
	switch p.UserType {
	case auth.Buyer:
		if p.Confined() {
			return dir != Incoming && confinedSees(p, d)
		}
		if dir == Incoming || api.Str(d, "FromCompanyID") != p.CompanyID {
			return false
		}
		return api.Str(d, "FromUserID") == p.UserID || slices.ContainsFunc([]string{"OrderAdmin", "OrderReader"}, p.Has)
	case auth.Admin:
		switch dir {
		case Outgoing:
			return api.Str(d, "FromCompanyID") == c.MarketplaceID()
		case Incoming:
			return api.Str(d, "ToCompanyID") == c.MarketplaceID()
		}
		return true
	}
	return dir != Outgoing && api.Str(d, "ToCompanyID") == p.CompanyID
}

// load reads an order the caller sees from dir.
func (s *Service) load(c *resource.Ctx, dir Direction, id string) (*resource.Entity, error) {
	e, err := c.Reg.Load(c, s.Orders, nil, id)
	if err != nil {
		return nil, err
	}
	if !canSee(c, dir, e.Doc) {
		return nil, api.NotFound("Order", id)
	}
	return e, nil
}

// update reads the order, applies change and writes it with the change's
// other writes, conditioned on the version read: a concurrent edit makes
// the attempt fail and the request try again (resource.Retry), so none is
// lost.
func (s *Service) update(c *resource.Ctx, dir Direction, id string, change func(order api.Doc, tx *resource.Tx) error) (api.Doc, error) {
	e, err := s.load(c, dir, id)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	if err := change(doc, tx); err != nil {
		return nil, err
	}
	s.keepCartIndex(c, tx, e.Doc, doc)
	doc["LastUpdated"] = api.Now()
	it := s.orderItem(doc, e.Item.Version)
	tx.Lead(store.Op{Put: &it, Cond: store.IfVersion}, nil)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

// lines loads an order's line items.
func (s *Service) lines(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	return c.Reg.All(c, s.LineItems, []string{orderID})
}

// Create starts an order: a buyer user's own (Outgoing), or one the
// marketplace creates for a buyer user (Incoming, naming FromCompanyID and
// FromUserID).
func (s *Service) Create(ctx context.Context, p *auth.Principal, dir Direction, doc api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if err := checkOverrides(c, doc); err != nil {
		return nil, err
	}
	ref := access.UserRef{Kind: s.buyers.Kind.Kind}
	switch {
	case p.UserType == auth.Buyer && dir != Incoming:
		ref.Company, ref.UserID = p.CompanyID, p.UserID
	case p.UserType == auth.Admin && dir == Incoming:
		if api.Str(doc, "FromCompanyID") == "" || api.Str(doc, "FromUserID") == "" {
			return nil, api.E(http.StatusBadRequest, "Order.CreateIncomingRequiresFromUser", nil)
		}
		ref.Company, ref.UserID = api.Str(doc, "FromCompanyID"), api.Str(doc, "FromUserID")
	default:
		return nil, api.NotForUserType("This user cannot create orders in this direction.")
	}
	user, err := s.access.LoadUser(c, ref)
	if err != nil {
		return nil, api.NotFound("User", ref.UserID)
	}
	from := api.Clone(user)
	delete(from, "_pw")
	to, err := s.orderSeller(c, doc, ref.Company)
	if err != nil {
		return nil, err
	}
	now := api.Now()
	doc["FromUserID"], doc["FromCompanyID"], doc["ToCompanyID"] = ref.UserID, ref.Company, to
	doc["FromUser"] = from
	doc["Status"], doc["IsSubmitted"] = commerce.Unsubmitted, false
	doc["DateCreated"], doc["LastUpdated"] = now, now
	doc["Currency"] = "USD"
	if err := s.useAddresses(c, doc, doc, nil, nil); err != nil {
		return nil, err
	}
	applyTotals(doc, nil)
	if err := claimConfinedOrder(p, doc); err != nil {
		return nil, err
	}
	if err := c.Reg.AssignID(c, doc); err != nil {
		return nil, err
	}
	api.Complete(orderModel, doc)
	tx := &resource.Tx{}
	tx.PutOr(s.orderItem(doc, 0), store.IfAbsent, api.IDExists("Order", api.Str(doc, "ID")))
	s.joinCart(c, doc, tx)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

// Get reads an order the caller sees from dir.
func (s *Service) Get(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	e, err := s.load(s.reg.Context(ctx, p), dir, id)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// Patch changes an order's writable fields (shipping and tax need their
// override roles) and recomputes its totals.
func (s *Service) Patch(ctx context.Context, p *auth.Principal, dir Direction, id string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	for _, k := range []string{"ID", "FromUserID", "FromCompanyID", "ToCompanyID"} {
		delete(patch, k)
	}
	if err := checkOverrides(c, patch); err != nil {
		return nil, err
	}
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		for k, v := range api.Merge(o, patch) {
			o[k] = v
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		if err := s.useAddresses(c, o, patch, lines, tx); err != nil {
			return err
		}
		return s.settle(c, o, lines, tx)
	})
}

// Delete removes an order with its line items and payments (spending
// accounts get back what its payments drew); a buyer user only an
// unsubmitted one.
func (s *Service) Delete(ctx context.Context, p *auth.Principal, dir Direction, id string) error {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, id)
	if err != nil {
		return err
	}
	if api.Str(e.Doc, "Status") != commerce.Unsubmitted && p.UserType == auth.Buyer {
		return api.E(http.StatusBadRequest, commerce.ErrCannotSubmit.ContractCode(), nil).WithMessage("Only unsubmitted orders can be deleted.")
	}
	if err := s.refuseForwardedDelete(c, e.Doc); err != nil {
		return err
	}
	tx := &resource.Tx{}
	tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
	s.leaveCart(tx, e.Doc)
	if err := tx.DeleteFound(c, store.Query{PK: s.LineItems.PK(api.Str(e.Doc, "ID"))}); err != nil {
		return err
	}
	if err := s.releasePayments(c, e.Doc, tx); err != nil {
		return err
	}
	return tx.Commit(c)
}

// Complete marks an open order completed.
func (s *Service) Complete(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	return s.update(s.reg.Context(ctx, p), dir, id, func(o api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") != commerce.Open {
			return commerce.ErrCannotComplete
		}
		o["Status"], o["DateCompleted"] = commerce.Completed, api.Now()
		return nil
	})
}

// checkOverrides refuses a write setting the shipping or tax cost without
// the role that allows overriding it, on create as on update. (Negative
// amounts never get this far: the contract refuses them.)
func checkOverrides(c *resource.Ctx, body api.Doc) error {
	if _, ok := body["ShippingCost"]; ok && !c.P.Has("OverrideShipping") {
		return api.E(http.StatusForbidden, "Order.OverrideShippingPermission", nil)
	}
	if _, ok := body["TaxCost"]; ok && !c.P.Has("OverrideTax") {
		return api.E(http.StatusForbidden, "Order.OverrideTaxPermission", nil)
	}
	return nil
}

// applyTotals recomputes the order's money fields from its lines.
func applyTotals(order api.Doc, lines []api.Doc) {
	var ls []commerce.Line
	for _, l := range lines {
		if l["IsBundle"] == true {
			continue // a bundle's own line: no price, not counted
		}
		ls = append(ls, commerce.Line{Quantity: api.Int(l["Quantity"]), UnitPrice: api.Dec(l["UnitPrice"]), PromotionDiscount: api.Dec(l["PromotionDiscount"]),
			LineSubtotal: api.DecPtr(l["LineSubtotal"])})
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

// errNotEditable refuses a change a submitted order no longer takes.
func errNotEditable(what string) error {
	return api.E(http.StatusBadRequest, commerce.ErrCannotSubmit.ContractCode(), nil).WithMessage(what + " can only change on an unsubmitted order.")
}
