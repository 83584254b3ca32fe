package access

import (
	"net/http"
	"slices"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Anonymous shopping (guest checkout).
//
// An API client with IsAnonBuyer and a buyer user as DefaultContextUserName
// grants client_credentials with its client ID alone (no secret: the
// client lives in browsers). The token acts as the context user: its
// claims name that user (usr, u, cmp), so the shopper sees the catalog,
// prices and roles the context user has (the scope asks for some of them,
// as in any grant). What sets the shopper apart is the orderid claim, a
// new order ID per token: the shopper's order gets that ID when it is
// created, and the token reaches that order only (orders.canSee), never
// the context user's other orders or another shopper's. Me is read-only
// to the shopper, so one shopper cannot change the context user every
// shopper shares (Auth.AnonUserProhibited); the shopper registers instead
// (Me.Register) or hands its order to the user it logs in as
// (Me.TransferAnonUserOrder), both in the orders package.
//
// A group order token (orders/grouporders.go) is confined the same way to
// the order it was issued for, with its invitation in a claim of its own.

// anonTokenLife is the fixed life of anonymous tokens (OrderCloud's: one
// week, whatever the client's AccessTokenDuration). They get no refresh
// token.
const anonTokenLife = 7 * 24 * time.Hour

// longestTokenLife bounds every access token's life: revocations older
// than it can match no live token.
const longestTokenLife = max(maxAccessTokenLife, anonTokenLife)

// Codes of anonymous shopping.
const (
	errAnonProhibited   = "Auth.AnonUserProhibited"
	errMustPassAnon     = "Auth.MustPassAnonUserToken"
	errNotAnonBuyer     = "ApiClient.RequiredNotAnonBuyer"
	errGroupOrderAccess = "GroupOrder.CannotModifySubmittedOrder"
)

// isAnonymousGrant reports whether a token request asks for an anonymous
// shopper's token: client_credentials without a client secret, from an
// IsAnonBuyer client. (With its secret, such a client acts as its context
// user, as any client does.)
func isAnonymousGrant(client api.Doc, grantType, secret string) bool {
	return grantType == "client_credentials" && secret == "" && client["IsAnonBuyer"] == true
}

// anonymousGrant issues an anonymous shopper's token for an IsAnonBuyer
// client.
func (a *Access) anonymousGrant(c *resource.Ctx, client api.Doc, scope []string) (*tokenResponse, error) {
	name := api.Str(client, "DefaultContextUserName")
	if name == "" {
		return nil, tokenErr("unauthorized_client", errNotAnonBuyer, nil)
	}
	u, ref, err := a.findUser(c, name)
	if err != nil {
		return nil, err
	}
	if ref.Kind != "BuyerUser" {
		return nil, tokenErr("unauthorized_client", errNotAnonBuyer, nil)
	}
	ok, err := a.clientAllows(c, client, ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, tokenErr("invalid_grant", errInvalidClientID, nil).withMessage("This API client is not available to its default context user.")
	}
	rs, err := a.grantedRoles(c, ref)
	if err != nil {
		return nil, err
	}
	if len(scope) == 0 {
		scope = append(append([]string{}, rs.Roles...), rs.CustomRoles...)
	}
	claims := auth.Claims{Usr: api.Str(u, "Username"), Cid: api.Str(client, "ID"), U: ref.UserID, UsrType: auth.Buyer,
		Role: tokenRoles(scope, rs), Cmp: ref.Company, OrderID: api.NewID()}
	return a.sign(c, claims, anonTokenLife)
}

// sign issues a token with claims living for life.
func (a *Access) sign(c *resource.Ctx, claims auth.Claims, life time.Duration) (*tokenResponse, error) {
	claims.ID = tokenIDAt(time.Now())
	tok, err := c.Deps.Signer.Issue(claims, life)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: tok, ExpiresIn: int(life.Seconds()), TokenType: "bearer"}, nil
}

// AnonymousShopper verifies an anonymous shopper's token passed as a
// parameter (Me.Register's and Me.TransferAnonUserOrder's anonUserToken):
// signed by us, live, not revoked, and anonymous.
func (a *Access) AnonymousShopper(c *resource.Ctx, token string) (*auth.Principal, error) {
	bad := api.E(http.StatusBadRequest, errMustPassAnon, nil)
	if token == "" {
		return nil, bad
	}
	p, err := c.Deps.Signer.Verify(token)
	if err != nil || !p.Anonymous() || p.UserType != auth.Buyer {
		return nil, bad
	}
	if err := a.checkToken(c, c.Deps, p); err != nil {
		return nil, bad.WithMessage("The anonymous user token has been revoked or is no longer valid.")
	}
	return p, nil
}

// UserToken signs an access token for a buyer or supplier user through an
// API client, carrying the requested roles the user holds. groups are the
// user's groups when they were just written (their index may not show them
// yet); nil reads them.
func (a *Access) UserToken(c *resource.Ctx, clientID string, ref UserRef, requested, groups []string) (string, error) {
	client, err := c.Reg.Load(c, a.ApiClients, nil, clientID)
	if err != nil {
		return "", err
	}
	u, err := a.LoadUser(c, ref)
	if err != nil {
		return "", err
	}
	if groups == nil {
		if groups, err = a.UserGroups(c, ref); err != nil {
			return "", err
		}
	}
	profiles, err := a.profilesOf(c, ref, groups)
	if err != nil {
		return "", err
	}
	rs := profileRoles(profiles).ofType(a.userType(ref.Kind))
	resp, err := a.accessToken(c, client.Doc, ref, api.Str(u, "Username"), tokenRoles(requested, rs))
	if err != nil {
		return "", err
	}
	return resp.AccessToken, nil
}

// GroupOrderToken signs a group order contributor's token: it acts as the
// order's user (whose catalog and prices the order has), with the Shopper
// role only, reaches that order only (orderid) and names the invitation;
// it lives until the invitation expires, at most a day.
func (a *Access) GroupOrderToken(c *resource.Ctx, buyerID, userID, orderID, invitationID string, until time.Time) (token string, expiresIn int, err error) {
	ref := UserRef{Kind: "BuyerUser", Company: buyerID, UserID: userID}
	u, err := a.LoadUser(c, ref)
	if err != nil {
		return "", 0, err
	}
	life := min(time.Until(until), 24*time.Hour)
	if life <= 0 {
		return "", 0, api.E(http.StatusBadRequest, "GroupOrderInvitation.InvitationExpired", nil)
	}
	life = life.Truncate(time.Second)
	claims := auth.Claims{Usr: api.Str(u, "Username"), Cid: c.P.ClientID, U: userID, UsrType: auth.Buyer, Role: auth.Roles{"Shopper"},
		Cmp: buyerID, OrderID: orderID, Invitation: invitationID}
	resp, err := a.sign(c, claims, life)
	if err != nil {
		return "", 0, err
	}
	return resp.AccessToken, resp.ExpiresIn, nil
}

// contributorOps are what a group order contributor may do: read the
// catalog as the order's user, read the order, and add, change and remove
// its own line items (orders checks which).
var contributorOps = []string{
	"Me.Get", "Me.ListProducts", "Me.GetProduct", "Me.ListCatalogs", "Me.GetCatalog", "Me.ListCategories", "Me.GetCategory",
	"Me.ListSpecs", "Me.GetSpec", "Me.ListVariants", "Me.GetVariant", "Me.ListProductInventoryRecords", "Me.ListVariantInventoryRecords",
	"Me.ListOrders", "Orders.Get", "Orders.List",
	"LineItems.Get", "LineItems.List", "LineItems.Create", "LineItems.Save", "LineItems.Patch", "LineItems.Delete",
	"Cart.Get", "Cart.ListLineItems", "Cart.GetLineItem", "Cart.CreateLineItem", "Cart.SaveLineItem", "Cart.PatchLineItem",
	"Cart.DeleteLineItem",
}

// confinedCaller is the caller check of confined tokens. An anonymous
// shopper only reads through Me (besides registering): what it would write
// there is the context user's, which every shopper shares. A group order
// contributor does only what contributorOps lists.
func confinedCaller(p *auth.Principal, op contract.Operation) error {
	switch {
	case !p.Confined():
		return nil
	case p.Anonymous():
		if op.Resource == "Me" && op.Method != http.MethodGet && op.ID() != "Me.Register" {
			return api.E(http.StatusForbidden, errAnonProhibited, nil)
		}
		return nil
	case slices.Contains(contributorOps, op.ID()):
		return nil
	}
	return api.E(http.StatusForbidden, errGroupOrderAccess, nil).WithMessage("This action is restricted to the order's from user.")
}

// AlsoCheckToken adds a check every authenticated request runs after the
// revocation check (a group order token's invitation must still stand).
func (a *Access) AlsoCheckToken(f resource.TokenCheck) { a.tokenChecks = append(a.tokenChecks, f) }
