package access_test

import (
	"net/url"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// A user changes its own profile: PATCH what it sends, PUT the whole of
// it; never its ID or whether it is active.
func TestMeSaveAndPatch(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E

	p := apptest.Must(t, e, "PATCH", "/v1/me", s.Token, map[string]any{"Phone": "555", "xp": map[string]any{"a": 1}, "Active": false, "ID": "other"}, 200)
	if p.S("Phone") != "555" || p.S("xp.a") != "1" || p.S("ID") != "u1" || p.Get("Active") != true || p.S("FirstName") != "F" || p.S("Buyer.ID") != "b1" {
		t.Errorf("patched me: %s", p.Raw)
	}
	full := map[string]any{"ID": "other", "Username": "shopper-renamed", "FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
		"Active": false, "xp": map[string]any{"b": 2}}
	r := apptest.Must(t, e, "PUT", "/v1/me", s.Token, full, 200)
	if r.S("ID") != "u1" || r.Get("Active") != true || r.S("Username") != "shopper-renamed" || r.S("FirstName") != "Ada" ||
		r.Get("Phone") != nil || r.S("xp.b") != "2" || r.S("xp.a") != "" || r.S("Buyer.ID") != "b1" || len(apptest.Strings(r.Get("AvailableRoles"))) == 0 {
		t.Errorf("saved me: %s", r.Raw)
	}
	// The password stays (a PUT without one keeps it), under the new name.
	e.Login(s.Client, "shopper-renamed", apptest.BuyerPassword)
	if bad := e.Token(tokenForm(s.Client, "shopper-one", apptest.BuyerPassword, "")); bad.Status == 200 {
		t.Errorf("the old username still logs in: %s", bad.Raw)
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/me", s.Token, map[string]any{"Username": "x", "FirstName": "A"}), 400, "ValidationFailure")
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "taken")
	full["Username"] = "taken"
	apptest.WantErr(t, e.Do("PUT", "/v1/me", s.Token, full), 409, "User.UsernameMustBeUnique")
	apptest.WantErr(t, e.Do("PUT", "/v1/me", s.Token, `{"Username":`), 400, "Request.InvalidRequestBody")
	// MeAdmin is needed to change oneself.
	apptest.WantErr(t, e.Do("PUT", "/v1/me", s.Login("taken", "Shopper"), full), 403, "Auth.InsufficientRoles")
	// The marketplace's own users change themselves too.
	admin := e.AdminToken()
	if r := apptest.Must(t, e, "PATCH", "/v1/me", admin, map[string]any{"FirstName": "Boss"}, 200); r.S("FirstName") != "Boss" || r.S("Seller.ID") == "" {
		t.Errorf("admin patched me: %s", r.Raw)
	}
}

// DELETE /me/tokens ends every session of the caller, its own token's too.
func TestMeRevokeTokens(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	other := s.Login("shopper-one", "Shopper")
	apptest.Must(t, e, "DELETE", "/v1/me/tokens", s.Token, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me", s.Token, nil), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("GET", "/v1/me", other, nil), 401, "InvalidToken")
	apptest.Must(t, e, "GET", "/v1/me", s.Login("shopper-one", "Shopper"), nil, 200)
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/tokens", "garbage", nil), 401, "InvalidToken")
}

// POST /me/password sets a new password with a token holding the
// PasswordReset role (a forgotten-password message's); the token serves
// once.
func TestMeResetPasswordByToken(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.Profile(t, e, s.Admin, "reset", "PasswordReset")
	apptest.AssignProfile(t, e, s.Admin, "reset", map[string]any{"BuyerID": "b1"})
	tok := s.Login("shopper-one", "PasswordReset")

	apptest.WantErr(t, e.Do("POST", "/v1/me/password", s.Token, map[string]any{"NewPassword": "Brand-new-1234"}), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("POST", "/v1/me/password", tok, map[string]any{}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/me/password", tok, map[string]any{"NewPassword": "short"}), 400, "PasswordReset.InsecurePassword")
	apptest.WantErr(t, e.Do("POST", "/v1/me/password", tok, map[string]any{"NewPassword": apptest.BuyerPassword}), 400, "PasswordReset.CannotReusePassword")
	apptest.Must(t, e, "POST", "/v1/me/password", tok, map[string]any{"NewPassword": "Brand-new-1234"}, 204)

	apptest.WantErr(t, e.Do("POST", "/v1/me/password", tok, map[string]any{"NewPassword": "Another-one-987"}), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("GET", "/v1/me", s.Token, nil), 401, "InvalidToken")
	if r := e.Token(tokenForm(s.Client, "shopper-one", apptest.BuyerPassword, "Shopper")); r.Status == 200 {
		t.Errorf("the old password still logs in: %s", r.Raw)
	}
	e.Login(s.Client, "shopper-one", "Brand-new-1234", "Shopper")
}

// The anonymous grant, from the token endpoint's side.
func TestAnonymousGrant(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, "b1", "anon", "anon-template")
	anon := apptest.BuyerClient(t, e, s.Admin, map[string]any{"IsAnonBuyer": true, "DefaultContextUserName": "anon-template"})
	r := e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {anon}, "scope": {"Shopper ProductAdmin"}}).Must(t, 200)
	c := apptest.Claims(t, r.S("access_token"))
	if c["usr"] != "anon-template" || c["orderid"] == nil || c["usrtype"] != "buyer" {
		t.Errorf("anonymous claims: %v", c)
	}
	// Roles the context user lacks are left out, as in any grant.
	if got := apptest.TokenRoles(t, r.S("access_token")); !apptest.SameSet(got, []string{"Shopper"}) {
		t.Errorf("anonymous roles: %v", got)
	}
	// Sending a secret asks for the context user itself, which a client
	// without a secret cannot give; a client that is not IsAnonBuyer
	// still needs its secret.
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {anon}, "client_secret": {"nope"}}), "unauthorized_client", "")
	plain := apptest.BuyerClient(t, e, s.Admin, map[string]any{"DefaultContextUserName": "anon-template"})
	if r := e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {plain}}); r.Status == 200 {
		t.Errorf("client_credentials without a secret from a client that is not IsAnonBuyer: %s", r.Raw)
	}
	// The password grant through an anonymous client is an ordinary login.
	if c := apptest.Claims(t, e.Login(anon, "shopper-one", apptest.BuyerPassword)); c["orderid"] != nil {
		t.Errorf("login through an anonymous client: %v", c)
	}
	// An inactive anonymous client gives nothing.
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+anon, s.Admin, map[string]any{"Active": false}, 200)
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {anon}}), "invalid_client", "Auth.ClientNotActive")
}
