package orders

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Orders of confined tokens (see access/anonymous.go): an anonymous
// shopper's token and a group order contributor's reach one order, the
// one their orderid claim names, while it is the order of the user the
// token acts as. An anonymous shopper's order is created with that ID,
// belongs to the client's default context user (whose catalog and prices
// it has) and is marked anonymous: it is in no cart index, and no other
// token of the context user has it as its cart. Registering (Me.Register)
// or logging in (Me.TransferAnonUserOrder) hands it to a real user.

// anonymousField marks an anonymous shopper's order (internal).
const anonymousField = "_anonymous"

var (
	meUserModel           = contract.MustModel("MeUser")
	accessTokenBasicModel = contract.MustModel("AccessTokenBasic")
)

// confinedSees says whether a confined token reaches an order.
func confinedSees(p *auth.Principal, d api.Doc) bool {
	return api.Str(d, "ID") == p.Claims.OrderID && api.Str(d, "FromCompanyID") == p.CompanyID && api.Str(d, "FromUserID") == p.UserID
}

// claimConfinedOrder gives an order an anonymous shopper creates its
// token's order ID, and marks it anonymous. A contributor creates no
// order: it adds to the one it was invited to.
func claimConfinedOrder(p *auth.Principal, doc api.Doc) error {
	switch {
	case !p.Confined():
		return nil
	case !p.Anonymous():
		return api.E(http.StatusForbidden, "GroupOrder.CannotModifySubmittedOrder", nil)
	}
	if id := api.Str(doc, "ID"); id != "" && id != p.Claims.OrderID {
		return api.E(http.StatusForbidden, "Auth.AnonUserProhibited", nil).
			WithMessage("An anonymous shopper's order takes the ID its token names (the orderid claim).")
	}
	doc["ID"], doc[anonymousField] = p.Claims.OrderID, true
	return nil
}

// confinedOrders answers an order list for a confined token: its order,
// when the token sees it from d and keep keeps it.
func (s *Service) confinedOrders(c *resource.Ctx, d Direction, keep func(api.Doc) bool) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, orderModel))
	if aerr != nil {
		return nil, aerr
	}
	var docs []api.Doc
	e, err := c.Reg.Load(c, s.Orders, nil, c.P.Claims.OrderID)
	switch {
	case err == nil && canSee(c, d, e.Doc) && keep(e.Doc):
		docs = append(docs, e.Doc)
	case err != nil && !isNotFound(err):
		return nil, err
	}
	page, meta := lq.Apply(docs)
	return api.NewPage(orderModel, page, meta), nil
}

// handOver gives an anonymous shopper's order to a user, in tx: the order
// becomes the user's, leaves the anonymous state and, unsubmitted, joins
// the user's cart index.
func (s *Service) handOver(c *resource.Ctx, tx *resource.Tx, e *resource.Entity, user api.Doc) api.Doc {
	doc := api.Clone(e.Doc)
	from := api.Clone(user)
	delete(from, "_pw")
	doc["FromUserID"], doc["FromUser"], doc["LastUpdated"] = user["ID"], from, api.Now()
	delete(doc, anonymousField)
	tx.Knows(e.Item)
	tx.Put(s.orderItem(doc, e.Item.Version), store.IfVersion)
	s.moveCart(c, tx, e.Doc, doc)
	return doc
}

// anonymousOrder loads the order of an anonymous shopper's token while it
// is still the shopper's (nil when there is none).
func (s *Service) anonymousOrder(c *resource.Ctx, anon *auth.Principal) (*resource.Entity, error) {
	e, err := c.Reg.Load(c, s.Orders, nil, anon.Claims.OrderID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !confinedSees(anon, e.Doc) || e.Doc[anonymousField] != true {
		return nil, nil
	}
	return e, nil
}

// registerHTTP serves Me.Register: the anonymous shopper whose token is
// anonUserToken becomes a buyer user of the context user's buyer, in the
// context user's user groups (so it sees what the shopper saw), with the
// shopper's order (if any) handed to it, in one transaction. The answer
// is an access token of the new user with the roles the shopper's token
// had, those the user holds.
func (s *Service) registerHTTP(c *resource.Ctx) (any, error) {
	anon, err := s.access.AnonymousShopper(c, c.Query("anonUserToken"))
	if err != nil {
		return nil, err
	}
	body, err := c.Decode(meUserModel, false)
	if err != nil {
		return nil, err
	}
	if body["Active"] != true {
		return nil, api.Validation("Active", "A user registers active: Active must be true.")
	}
	buyerID := anon.CompanyID
	contextUser := access.UserRef{Kind: s.buyers.Kind.Kind, Company: buyerID, UserID: anon.UserID}
	groups, err := s.access.UserGroups(c, contextUser)
	if err != nil {
		return nil, err
	}
	order, err := s.anonymousOrder(c, anon)
	if err != nil {
		return nil, err
	}
	// The user lives under the shopper's buyer, as if created at
	// /buyers/{buyerID}/users.
	req := c.R.Clone(c)
	req.SetPathValue("buyerID", buyerID)
	uc := &resource.Ctx{Context: c.Context, R: req, Op: c.Op, P: c.P, Deps: c.Deps, Reg: c.Reg}
	var userID string
	_, err = c.Reg.InsertWith(uc, s.buyers.Users, []string{buyerID}, body, func(u api.Doc, tx *resource.Tx) error {
		userID = api.Str(u, "ID")
		for _, g := range groups {
			tx.Put(s.buyers.Members.Item(api.Doc{"UserGroupID": g, "UserID": userID}, buyerID), store.Always)
		}
		if order != nil {
			s.handOver(c, tx, order, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ref := access.UserRef{Kind: s.buyers.Kind.Kind, Company: buyerID, UserID: userID}
	tok, err := s.access.UserToken(c, anon.ClientID, ref, anon.Roles, groups)
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: accessTokenBasicModel, Doc: api.Doc{"access_token": tok}}, nil
}

// transferHTTP serves Me.TransferAnonUserOrder: the order of the anonymous
// token anonUserToken becomes the caller's, and its cart when unsubmitted.
// Nothing happens when the shopper made no order or the caller has it
// already; an order of another buyer (another catalog, other prices) or
// handed to someone else is not found.
func (s *Service) transferHTTP(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	anon, err := s.access.AnonymousShopper(c, c.Query("anonUserToken"))
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, s.Orders, nil, anon.Claims.OrderID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o := e.Doc
	if api.Str(o, "FromCompanyID") == c.P.CompanyID && api.Str(o, "FromUserID") == c.P.UserID {
		return nil, nil
	}
	if o[anonymousField] != true || !confinedSees(anon, o) || api.Str(o, "FromCompanyID") != c.P.CompanyID {
		return nil, api.NotFound("Order", anon.Claims.OrderID)
	}
	user, err := s.access.LoadUser(c, s.access.Caller(c))
	if err != nil {
		return nil, err
	}
	tx := &resource.Tx{}
	doc := s.handOver(c, tx, e, user)
	if api.Str(doc, "Status") == commerce.Unsubmitted {
		k := cartEntryKey(doc)
		tx.Put(cartItem(store.Key{PK: k.PK, SK: cartActiveSK}, api.Str(doc, "ID")), store.Always)
	}
	return nil, tx.Commit(c)
}

// inCompanies applies Orders.List's buyerID and supplierID parameters.
func inCompanies(c *resource.Ctx, o api.Doc) bool {
	if b := c.Query("buyerID"); b != "" && api.Str(o, "FromCompanyID") != b {
		return false
	}
	if sup := c.Query("supplierID"); sup != "" && api.Str(o, "ToCompanyID") != sup {
		return false
	}
	return true
}
