package orders_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// anonShop is an order shop with an anonymous shopping client whose
// default context user is "anon" of b1 (with b1's Shopper and MeAdmin).
func anonShop(t *testing.T) (*apptest.Shop, string) {
	t.Helper()
	s := apptest.OrderShop(t)
	apptest.BuyerUser(t, s.E, s.Admin, "b1", "anon", "anon-template")
	client := apptest.BuyerClient(t, s.E, s.Admin, map[string]any{"IsAnonBuyer": true, "DefaultContextUserName": "anon-template",
		"RefreshTokenDuration": 60})
	return s, client
}

// anonToken is an anonymous shopper's token: client credentials with the
// client ID alone (and no scope: every role of the context user).
func anonToken(t *testing.T, e *apptest.Env, client string) apptest.Resp {
	t.Helper()
	return e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {client}}).Must(t, 200)
}

func TestAnonymousToken(t *testing.T) {
	t.Parallel()
	s, client := anonShop(t)
	r := anonToken(t, s.E, client)
	if r.S("refresh_token") != "" || r.S("expires_in") != "604800" || r.S("token_type") != "bearer" {
		t.Errorf("anonymous token response: %s", r.Raw)
	}
	c := apptest.Claims(t, r.S("access_token"))
	exp, _ := c["exp"].(float64)
	if c["usr"] != "anon-template" || c["u"] != "anon" || c["usrtype"] != "buyer" || c["cid"] != client || c["cmp"] != "b1" ||
		c["orderid"] == nil || c["orderid"] == "" || time.Until(time.Unix(int64(exp), 0)) < 167*time.Hour {
		t.Errorf("anonymous claims: %v", c)
	}
	if roles := apptest.TokenRoles(t, r.S("access_token")); !apptest.SameSet(roles, []string{"Shopper", "MeAdmin"}) {
		t.Errorf("anonymous roles %v", roles)
	}
	// Each token is its own shopper.
	if c2 := apptest.Claims(t, anonToken(t, s.E, client).S("access_token")); c2["orderid"] == c["orderid"] {
		t.Errorf("two anonymous tokens share an order: %v", c2)
	}
	// userinfo says which order.
	info := apptest.Must(t, s.E, "GET", "/oauth/userinfo", r.S("access_token"), nil, 200)
	if info.S("orderid") != c["orderid"] {
		t.Errorf("userinfo: %s", info.Raw)
	}
	// With its client secret, an IsAnonBuyer client acts as its context
	// user like any client.
	apptest.Must(t, s.E, "PATCH", "/v1/apiclients/"+client, s.Admin, map[string]any{"ClientSecret": "sekret"}, 200)
	full := s.E.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {"sekret"}}).Must(t, 200)
	if c := apptest.Claims(t, full.S("access_token")); c["orderid"] != nil || c["u"] != "anon" {
		t.Errorf("client credentials with the secret: %v", c)
	}
	// A client whose context user is no buyer user cannot shop anonymously.
	adminCtx := apptest.BuyerClient(t, s.E, s.Admin, map[string]any{"IsAnonBuyer": true, "DefaultContextUserName": apptest.AdminUsername})
	bad := s.E.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {adminCtx}})
	if bad.Status != 400 || bad.Code() != "ApiClient.RequiredNotAnonBuyer" {
		t.Errorf("anonymous grant with an admin context user: %d %s", bad.Status, bad.Raw)
	}
	// An inactive context user gives no token.
	apptest.Must(t, s.E, "PATCH", "/v1/buyers/b1/users/anon", s.Admin, map[string]any{"Active": false}, 200)
	if r := s.E.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {client}}); r.Status != 400 || r.Code() != "Auth.UserNotActive" {
		t.Errorf("anonymous grant of an inactive context user: %d %s", r.Status, r.Raw)
	}
}

// An anonymous shopper builds a cart and checks out as a guest; its order
// is its token's alone.
func TestAnonymousCheckout(t *testing.T) {
	t.Parallel()
	s, client := anonShop(t)
	e := s.E
	// The context user may change its addresses and password; its
	// shoppers may not.
	apptest.Profile(t, e, s.Admin, "me-more", "MeAddressAdmin", "PasswordReset")
	apptest.AssignProfile(t, e, s.Admin, "me-more", map[string]any{"BuyerID": "b1", "UserID": "anon"})
	tok := anonToken(t, e, client).S("access_token")
	orderID := apptest.Claims(t, tok)["orderid"].(string)

	if g := apptest.Must(t, e, "GET", "/v1/cart", tok, nil, 200); g.Get("ID") != nil {
		t.Errorf("anonymous cart before shopping: %s", g.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1", "Quantity": 2}, 201)
	g := apptest.Must(t, e, "GET", "/v1/cart", tok, nil, 200)
	if g.S("ID") != orderID || g.S("FromUserID") != "anon" || g.S("LineItemCount") != "1" || g.S("Total") != "20" {
		t.Errorf("anonymous cart: %s", g.Raw)
	}
	apptest.Must(t, e, "GET", apptest.Outgoing+"/"+orderID, tok, nil, 200)
	if ids := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", tok, nil, 200)); !slices.Equal(ids, []string{orderID}) {
		t.Errorf("anonymous me/orders: %v", ids)
	}
	// The guest names itself on the order, not on the shared context user.
	apptest.Must(t, e, "PATCH", "/v1/cart/fromuser", tok, map[string]any{"FirstName": "Guest", "LastName": "Shopper", "Email": "g@example.com"}, 200)
	apptest.Must(t, e, "PUT", "/v1/cart/shipto", tok, map[string]any{"Street1": "1 Main", "City": "X", "Country": "US"}, 200)
	if u := apptest.Must(t, e, "GET", "/v1/buyers/b1/users/anon", s.Admin, nil, 200); u.S("FirstName") == "Guest" {
		t.Errorf("the context user changed: %s", u.Raw)
	}

	// Another shopper of the same client sees none of it.
	other := anonToken(t, e, client).S("access_token")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+orderID, other, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+orderID+"/lineitems", other, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", apptest.Outgoing+"/"+orderID, other, map[string]any{"Comments": "x"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+orderID, other, nil), 403, "Auth.AnonUserProhibited")
	if g := apptest.Must(t, e, "GET", "/v1/cart", other, nil, 200); g.Get("ID") != nil {
		t.Errorf("another shopper's cart: %s", g.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", other, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("another shopper lists: %s", r.Raw)
	}
	// An anonymous shopper's order takes its token's ID.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, other, map[string]any{"ID": orderID}), 403, "Auth.AnonUserProhibited")
	o2 := apptest.Must(t, e, "POST", apptest.Outgoing, other, map[string]any{}, 201)
	if o2.S("ID") != apptest.Claims(t, other)["orderid"] {
		t.Errorf("anonymous order ID %s", o2.S("ID"))
	}
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, other, map[string]any{}), 409, "IdExists")

	// Me is read-only to anonymous shoppers.
	apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200)
	for _, call := range [][2]string{{"PATCH", "/v1/me"}, {"PUT", "/v1/me"}, {"DELETE", "/v1/me/tokens"}, {"POST", "/v1/me/password"},
		{"POST", "/v1/me/addresses"}, {"POST", "/v1/me/orderinvitations"}, {"PUT", "/v1/me/orders?anonUserToken=" + tok}} {
		apptest.WantErr(t, e.Do(call[0], call[1], tok, map[string]any{"FirstName": "Hijack"}), 403, "Auth.AnonUserProhibited")
	}

	sub := apptest.Submitted(t, e.Do("POST", "/v1/cart/submit", tok, nil))
	if sub.S("Status") != "Open" || sub.S("FromUser.FirstName") != "Guest" || sub.S("FromUser.Email") != "g@example.com" {
		t.Errorf("guest order submitted: %s", sub.Raw)
	}
	// The token's one order is done: no cart, and no second one.
	if g := apptest.Must(t, e, "GET", "/v1/cart", tok, nil, 200); g.Get("ID") != nil {
		t.Errorf("cart after checkout: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1"}), 403, "Auth.AnonUserProhibited")
	apptest.Must(t, e, "GET", apptest.Outgoing+"/"+orderID, tok, nil, 200)

	// The context user's own cart ignores anonymous orders.
	ctxTok := s.Login("anon-template", "Shopper")
	if g := apptest.Must(t, e, "GET", "/v1/cart", ctxTok, nil, 200); g.Get("ID") != nil {
		t.Errorf("the context user has a shopper's order as its cart: %s", g.Raw)
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/cart/"+o2.S("ID"), ctxTok, nil), 404, "NotFound")
}

// Registering turns the shopper into a user of the context user's buyer,
// with the shopper's cart.
func TestAnonymousRegister(t *testing.T) {
	t.Parallel()
	s, client := anonShop(t)
	e := s.E
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", s.Admin, map[string]any{"ID": "guests", "Name": "Guests"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", s.Admin, map[string]any{"UserGroupID": "guests", "UserID": "anon"}, 204)
	tok := anonToken(t, e, client).S("access_token")
	orderID := apptest.Claims(t, tok)["orderid"].(string)
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1", "Quantity": 1}, 201)

	user := map[string]any{"ID": "newbie", "Username": "newbie", "Password": "Passw0rdNEW!", "FirstName": "New", "LastName": "Bie",
		"Email": "n@example.com", "Active": true}
	apptest.WantErr(t, e.Do("PUT", "/v1/me/register", tok, user), 400, "Auth.MustPassAnonUserToken")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/register?anonUserToken=garbage", tok, user), 400, "Auth.MustPassAnonUserToken")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/register?anonUserToken="+s.Token, tok, user), 400, "Auth.MustPassAnonUserToken")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/register?anonUserToken="+tok, tok, map[string]any{"Username": "x"}), 400, "ValidationFailure")
	taken := map[string]any{"Username": "shopper-one", "FirstName": "A", "LastName": "B", "Email": "a@example.com", "Active": true}
	apptest.WantErr(t, e.Do("PUT", "/v1/me/register?anonUserToken="+tok, tok, taken), 409, "User.UsernameMustBeUnique")

	r := apptest.Must(t, e, "PUT", "/v1/me/register?anonUserToken="+tok, tok, user, 200)
	newTok := r.S("access_token")
	if c := apptest.Claims(t, newTok); c["usr"] != "newbie" || c["u"] != "newbie" || c["cmp"] != "b1" || c["orderid"] != nil {
		t.Errorf("registered user's token: %v", c)
	}
	if roles := apptest.TokenRoles(t, newTok); !apptest.SameSet(roles, []string{"Shopper", "MeAdmin"}) {
		t.Errorf("registered user's roles %v", roles)
	}
	if me := apptest.Must(t, e, "GET", "/v1/me", newTok, nil, 200); me.S("Email") != "n@example.com" || me.S("Buyer.ID") != "b1" {
		t.Errorf("registered user: %s", me.Raw)
	}
	if g := apptest.Must(t, e, "GET", "/v1/cart", newTok, nil, 200); g.S("ID") != orderID || g.S("FromUserID") != "newbie" || g.S("LineItemCount") != "1" {
		t.Errorf("registered user's cart: %s", g.Raw)
	}
	if groups := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/usergroups", newTok, nil, 200)); !slices.Equal(groups, []string{"guests"}) {
		t.Errorf("registered user's groups: %v", groups)
	}
	// The anonymous token no longer reaches the order; the user logs in.
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+orderID, tok, nil), 404, "NotFound")
	e.Login(s.Client, "newbie", "Passw0rdNEW!", "Shopper")
}

// A shopper who logs in takes its anonymous order with it.
func TestTransferAnonUserOrder(t *testing.T) {
	t.Parallel()
	s, client := anonShop(t)
	e := s.E
	tok := anonToken(t, e, client).S("access_token")
	orderID := apptest.Claims(t, tok)["orderid"].(string)
	existing := s.NewOrder(t, s.Token)

	// Nothing to transfer yet.
	apptest.Must(t, e, "PUT", "/v1/me/orders?anonUserToken="+tok, s.Token, nil, 204)
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", tok, map[string]any{"ProductID": "p1", "Quantity": 3}, 201)
	apptest.WantErr(t, e.Do("PUT", "/v1/me/orders", s.Token, nil), 400, "Auth.MustPassAnonUserToken")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/orders?anonUserToken="+s.Token, s.Token, nil), 400, "Auth.MustPassAnonUserToken")

	apptest.Must(t, e, "PUT", "/v1/me/orders?anonUserToken="+tok, s.Token, nil, 204)
	if g := apptest.Must(t, e, "GET", "/v1/cart", s.Token, nil, 200); g.S("ID") != orderID || g.S("FromUser.Username") != "shopper-one" || g.S("LineItemCount") != "1" {
		t.Errorf("cart after the transfer: %s", g.Raw)
	}
	ids := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false&sortBy=ID", s.Token, nil, 200))
	if !slices.Contains(ids, orderID) || !slices.Contains(ids, existing) {
		t.Errorf("user's orders after the transfer: %v", ids)
	}
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+orderID, tok, nil), 404, "NotFound")
	// Again: nothing happens. Another user cannot take it.
	apptest.Must(t, e, "PUT", "/v1/me/orders?anonUserToken="+tok, s.Token, nil, 204)
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/orders?anonUserToken="+tok, s.Login("shopper-two", "Shopper"), nil), 404, "NotFound")
	// A user of another buyer cannot take an anonymous order of b1.
	tok2 := anonToken(t, e, client).S("access_token")
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", tok2, map[string]any{"ProductID": "p1", "Quantity": 1}, 201)
	s.OtherBuyer(t, "b2", "w1", "buyer-two")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/orders?anonUserToken="+tok2, s.Login("buyer-two", "Shopper"), nil), 404, "NotFound")
	// Revoking the context user's tokens ends the shopper's token too.
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/anon/tokens", s.Admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/cart", tok2, nil), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/orders?anonUserToken="+tok2, s.Token, nil), 400, "Auth.MustPassAnonUserToken")
}
