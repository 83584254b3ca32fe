package orders

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Group orders (an OrderCloud beta): a buyer user invites others to add
// to one of its orders. An invitation (Me.CreateGroupOrderInvitation)
// names the order and an expiration; whoever holds its ID exchanges it for
// a group order token (GroupOrders.GetToken). That token acts as the
// order's user (its catalog and prices are the order's), with the Shopper
// role, and reaches that one order only (orderid claim, as an anonymous
// shopper's): its holder reads the order and the catalog, adds line items
// (marked with the invitation's ID) and changes or removes those it added,
// while the order is unsubmitted. Everything else is the order's user's
// (access.confinedCaller). Deleting or expiring the invitation ends its
// tokens.
//
// Storage: the invitations of a user live in their own partition,
// GroupOrderInvitation#<buyerID>#<userID> (listing them, counting an
// order's), and a pointer per invitation, GroupOrderInvitationID /
// <invitationID>, finds one by ID alone (the token exchange, and every
// request of a group order token).

const (
	maxInvitationsPerOrder = 100
	maxInvitationLife      = 365 * 24 * time.Hour
	invitationPointerPK    = "GroupOrderInvitationID"
)

var (
	invitationModel  = contract.MustModel("GroupOrderInvitation")
	accessTokenModel = contract.MustModel("AccessToken")
)

// invitationPointer finds an invitation by its ID.
type invitationPointer struct {
	BuyerID, UserID, OrderID string
	ExpirationDate           string
}

func invitationPointerItem(id string, ptr invitationPointer) store.Item {
	b, _ := json.Marshal(ptr)
	return store.Item{PK: invitationPointerPK, SK: id, Type: invitationPointerPK, ID: id, Doc: b}
}

func (s *Service) declareGroupOrders(r *resource.Registry) {
	s.Invitations = r.Add(&resource.Resource{Name: "GroupOrderInvitations", Model: "GroupOrderInvitation", ObjectType: "GroupOrderInvitation",
		IDParam: "invitationID", Scope: []string{"buyerID", "userID"}, Ops: []string{},
		ScopeFunc: func(c *resource.Ctx) []string { return []string{c.P.CompanyID, c.P.UserID} }})
	r.Handle("Me.ListGroupOrderInvitations", s.listInvitationsHTTP)
	r.Handle("Me.CreateGroupOrderInvitation", s.createInvitationHTTP)
	r.Handle("Me.GetGroupOrderInvitation", s.getInvitationHTTP)
	r.Handle("Me.PatchGroupOrderInvitation", s.patchInvitationHTTP)
	r.Handle("Me.DeleteGroupOrderInvitation", s.deleteInvitationHTTP)
	r.Handle("GroupOrders.GetToken", s.groupOrderTokenHTTP)
	r.Answers("GroupOrders.GetToken", http.StatusOK) // a token, not a new entity
	s.access.AlsoCheckToken(s.checkInvitationToken)
}

// myInvitations is the caller's invitation partition.
func myInvitations(c *resource.Ctx) ([]string, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	return []string{c.P.CompanyID, c.P.UserID}, nil
}

// checkExpiration refuses an expiration in the past or over a year away.
func checkExpiration(v any) error {
	t := api.Time(v)
	if t == nil || !t.After(time.Now()) || t.After(time.Now().Add(maxInvitationLife)) {
		return api.E(http.StatusBadRequest, "GroupOrderInvitation.InvalidExpiration", nil)
	}
	return nil
}

// withOrderStatus fills the invitations' OrderStatus from their orders.
func (s *Service) withOrderStatus(c *resource.Ctx, docs []api.Doc) error {
	keys := make([]store.Key, 0, len(docs))
	for _, d := range docs {
		keys = append(keys, s.Orders.Key(nil, api.Str(d, "OrderID")))
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return err
	}
	for i, d := range docs {
		d["OrderStatus"] = nil
		if it, ok := got[keys[i]]; ok {
			o, err := api.DecodeDoc(it.Doc)
			if err != nil {
				return err
			}
			d["OrderStatus"] = o["Status"]
		}
	}
	return nil
}

func (s *Service) outInvitation(c *resource.Ctx, d api.Doc) (any, error) {
	if err := s.withOrderStatus(c, []api.Doc{d}); err != nil {
		return nil, err
	}
	return api.Ordered{Model: invitationModel, Doc: d}, nil
}

func (s *Service) listInvitationsHTTP(c *resource.Ctx) (any, error) {
	scope, err := myInvitations(c)
	if err != nil {
		return nil, err
	}
	docs, err := c.Reg.All(c, s.Invitations, scope)
	if err != nil {
		return nil, err
	}
	if err := s.withOrderStatus(c, docs); err != nil {
		return nil, err
	}
	return c.Reg.Page(c, invitationModel, docs, nil)
}

// createInvitationHTTP invites others to one of the caller's orders.
func (s *Service) createInvitationHTTP(c *resource.Ctx) (any, error) {
	scope, err := myInvitations(c)
	if err != nil {
		return nil, err
	}
	doc, err := c.Decode(invitationModel, false)
	if err != nil {
		return nil, err
	}
	if err := checkExpiration(doc["ExpirationDate"]); err != nil {
		return nil, err
	}
	orderID := api.Str(doc, "OrderID")
	o, err := s.load(c, Outgoing, orderID)
	if err != nil {
		return nil, err
	}
	if api.Str(o.Doc, "FromUserID") != c.P.UserID || o.Doc[anonymousField] == true {
		return nil, api.E(http.StatusForbidden, "GroupOrder.CannotModify", nil)
	}
	mine, err := c.Reg.All(c, s.Invitations, scope)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, d := range mine {
		if api.Str(d, "OrderID") == orderID {
			n++
		}
	}
	if n >= maxInvitationsPerOrder {
		return nil, api.E(http.StatusBadRequest, "GroupOrderInvitation.InvitationQuantityExceeded", nil)
	}
	// The ID is what admits a contributor: always a new random one.
	doc["ID"] = api.NewID()
	delete(doc, "OrderStatus")
	api.Complete(invitationModel, doc)
	tx := &resource.Tx{}
	tx.PutOr(s.Invitations.Item(scope, doc, 0), store.IfAbsent, api.IDExists("GroupOrderInvitation", api.Str(doc, "ID")))
	tx.Put(invitationPointerItem(api.Str(doc, "ID"), invitationPointer{BuyerID: scope[0], UserID: scope[1], OrderID: orderID,
		ExpirationDate: api.Str(doc, "ExpirationDate")}), store.IfAbsent)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return s.outInvitation(c, doc)
}

func (s *Service) loadInvitation(c *resource.Ctx) (*resource.Entity, []string, error) {
	scope, err := myInvitations(c)
	if err != nil {
		return nil, nil, err
	}
	e, err := c.Reg.Load(c, s.Invitations, scope, c.Param("invitationID"))
	return e, scope, err
}

func (s *Service) getInvitationHTTP(c *resource.Ctx) (any, error) {
	e, _, err := s.loadInvitation(c)
	if err != nil {
		return nil, err
	}
	return s.outInvitation(c, e.Doc)
}

// patchInvitationHTTP changes an invitation's name, expiration or xp; its
// order stays.
func (s *Service) patchInvitationHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(invitationModel, true)
	if err != nil {
		return nil, err
	}
	e, scope, err := s.loadInvitation(c)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"ID", "OrderID", "OrderStatus"} {
		delete(patch, k)
	}
	if v, ok := patch["ExpirationDate"]; ok {
		if err := checkExpiration(v); err != nil {
			return nil, err
		}
	}
	doc := api.Merge(api.Clone(e.Doc), patch)
	id := api.Str(doc, "ID")
	tx := &resource.Tx{}
	tx.Put(s.Invitations.Item(scope, doc, e.Item.Version), store.IfVersion)
	tx.Put(invitationPointerItem(id, invitationPointer{BuyerID: scope[0], UserID: scope[1], OrderID: api.Str(doc, "OrderID"),
		ExpirationDate: api.Str(doc, "ExpirationDate")}), store.Always)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return s.outInvitation(c, doc)
}

// deleteInvitationHTTP withdraws an invitation (its tokens stop working);
// not while line items its contributors added are on the order.
func (s *Service) deleteInvitationHTTP(c *resource.Ctx) (any, error) {
	e, _, err := s.loadInvitation(c)
	if err != nil {
		return nil, err
	}
	id := api.Str(e.Doc, "ID")
	lines, err := s.lines(c, api.Str(e.Doc, "OrderID"))
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if api.Str(l, "InvitationID") == id {
			return nil, api.E(http.StatusBadRequest, "GroupOrder.CannotDeleteWithLineItems", map[string]any{"LineItemID": l["ID"]})
		}
	}
	tx := &resource.Tx{}
	tx.Add(store.Op{Delete: &store.Key{PK: e.Item.PK, SK: e.Item.SK}, Cond: store.IfVersion, Version: e.Item.Version})
	tx.Delete(store.Key{PK: invitationPointerPK, SK: id})
	return nil, tx.Commit(c)
}

// loadPointer reads the pointer of an invitation (nil when there is none).
func loadPointer(ctx context.Context, st store.Store, id string) (*invitationPointer, error) {
	if id == "" {
		return nil, nil
	}
	it, err := st.Get(ctx, store.Key{PK: invitationPointerPK, SK: id})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ptr invitationPointer
	return &ptr, json.Unmarshal(it.Doc, &ptr)
}

// groupOrderTokenHTTP exchanges an invitation's ID for a group order
// token (any buyer user may hold an invitation).
func (s *Service) groupOrderTokenHTTP(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	id := c.Param("invitationID")
	ptr, err := loadPointer(c, c.Deps.Store, id)
	if err != nil {
		return nil, err
	}
	if ptr == nil {
		return nil, api.NotFound("GroupOrderInvitation", id)
	}
	until := api.Time(ptr.ExpirationDate)
	if until == nil || !until.After(time.Now()) {
		return nil, api.E(http.StatusBadRequest, "GroupOrderInvitation.InvitationExpired", nil)
	}
	o, err := c.Reg.Load(c, s.Orders, nil, ptr.OrderID)
	if err != nil {
		return nil, err
	}
	tok, expiresIn, err := s.access.GroupOrderToken(c, api.Str(o.Doc, "FromCompanyID"), api.Str(o.Doc, "FromUserID"), ptr.OrderID, id, *until)
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: accessTokenModel, Doc: api.Doc{"access_token": tok, "expires_in": api.Num(int64(expiresIn)),
		"token_type": "bearer"}}, nil
}

// checkInvitationToken ends a group order token whose invitation was
// deleted or has expired.
func (s *Service) checkInvitationToken(ctx context.Context, deps *resource.Deps, p *auth.Principal) error {
	if p.Claims.Invitation == "" {
		return nil
	}
	ptr, err := loadPointer(ctx, deps.Store, p.Claims.Invitation)
	if err != nil {
		return err
	}
	if ptr == nil || ptr.OrderID != p.Claims.OrderID {
		return api.Unauthorized("The group order invitation of this token was withdrawn.")
	}
	if t := api.Time(ptr.ExpirationDate); t == nil || !t.After(time.Now()) {
		return api.Unauthorized("The group order invitation of this token has expired.")
	}
	return nil
}

// contributorGate refuses a group order contributor any change of its
// order's lines once the order is submitted.
func contributorGate(c *resource.Ctx, order api.Doc) error {
	if c.P.Claims.Invitation != "" && api.Str(order, "Status") != "Unsubmitted" {
		return api.E(http.StatusForbidden, "GroupOrder.CannotModifySubmittedOrder", nil)
	}
	return nil
}

// stampContributor marks a line item a contributor adds with its
// invitation.
func stampContributor(c *resource.Ctx, line api.Doc) {
	if inv := c.P.Claims.Invitation; inv != "" {
		line["InvitationID"] = inv
	}
}

// contributorOwns refuses a contributor a line item it did not add.
func contributorOwns(c *resource.Ctx, line api.Doc) error {
	if inv := c.P.Claims.Invitation; inv != "" && api.Str(line, "InvitationID") != inv {
		return api.E(http.StatusForbidden, "GroupOrder.CannotModify", nil).WithMessage("A group order contributor changes only the line items it added.")
	}
	return nil
}
