package access_test

import (
	"net/url"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// Tokens end with what they were issued for: deactivating or deleting the
// user, its company or the API client revokes every token issued before,
// at once in this process (and within the revocation cache's 15 seconds in
// any other).
func TestTokensEndWithUserCompanyAndClient(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	alive := func(tok string) { t.Helper(); apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200) }
	dead := func(tok string) { t.Helper(); apptest.WantErr(t, e.Do("GET", "/v1/me", tok, nil), 401, "InvalidToken") }

	// The user: deactivated, then active again — old tokens stay dead,
	// new logins work.
	tok := s.Login("shopper-one")
	alive(tok)
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/users/u1", admin, map[string]any{"Active": false}, 200)
	dead(tok)
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/users/u1", admin, map[string]any{"Active": true}, 200)
	dead(tok)
	tok = s.Login("shopper-one")
	alive(tok)

	// The company: every user's tokens end.
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	tok2 := s.Login("shopper-two")
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1", admin, map[string]any{"Active": false}, 200)
	dead(tok)
	dead(tok2)
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1", admin, map[string]any{"Active": true}, 200)
	tok = s.Login("shopper-one")
	alive(tok)

	// The API client: tokens issued through it end, others do not.
	other := apptest.BuyerClient(t, e, admin, nil)
	viaOther := e.Login(other, "shopper-one", apptest.BuyerPassword)
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+s.Client, admin, map[string]any{"Active": false}, 200)
	dead(tok)
	alive(viaOther)
	apptest.Must(t, e, "DELETE", "/v1/apiclients/"+other, admin, nil, 204)
	dead(viaOther)

	// Deleting the user ends its tokens too.
	tok2 = e.Login(apptest.BuyerClient(t, e, admin, nil), "shopper-two", apptest.BuyerPassword)
	alive(tok2)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/u2", admin, nil, 204)
	dead(tok2)
}

// A refresh token dies with its user's company and its client, like the
// access tokens issued with it.
func TestRefreshTokensEndWithCompanyAndClient(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	rc := apptest.BuyerClient(t, e, admin, map[string]any{"RefreshTokenDuration": 60})
	login := func() string {
		r := e.Token(url.Values{"grant_type": {"password"}, "client_id": {rc}, "username": {"shopper-one"}, "password": {apptest.BuyerPassword}}).Must(t, 200)
		return r.S("refresh_token")
	}
	refresh := func(rt string) int {
		return e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {rt}}).Status
	}
	rt := login()
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1", admin, map[string]any{"Active": false}, 200)
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1", admin, map[string]any{"Active": true}, 200)
	if st := refresh(rt); st != 400 {
		t.Errorf("refresh after the company was deactivated: %d", st)
	}
	rt = login()
	if st := refresh(rt); st != 200 {
		t.Errorf("fresh refresh token: %d", st)
	}
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+rc, admin, map[string]any{"Active": false}, 200)
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+rc, admin, map[string]any{"Active": true}, 200)
	if st := refresh(rt); st != 400 {
		t.Errorf("refresh after the client was deactivated: %d", st)
	}
}
