package access_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// tokenForm is a password grant form.
func tokenForm(clientID, username, password, scope string) url.Values {
	return url.Values{"grant_type": {"password"}, "client_id": {clientID}, "username": {username}, "password": {password}, "scope": {scope}}
}

// wantTokenErr checks a token endpoint failure: status 400 (401 accepted
// for client failures), OAuth2's error and error_description and
// OrderCloud's Errors array with the code.
func wantTokenErr(t *testing.T, r apptest.Resp, oauthErr, code string) {
	t.Helper()
	if r.Status != 400 && !(oauthErr == "invalid_client" && r.Status == 401) {
		t.Errorf("status %d, want 400: %s", r.Status, r.Raw)
	}
	if r.S("error") != oauthErr {
		t.Errorf("error = %q, want %q: %s", r.S("error"), oauthErr, r.Raw)
	}
	if r.S("error_description") == "" {
		t.Errorf("no error_description: %s", r.Raw)
	}
	if code != "" && r.Code() != code {
		t.Errorf("ErrorCode = %q, want %q: %s", r.Code(), code, r.Raw)
	}
	if r.S("Errors.0.Message") == "" {
		t.Errorf("Errors[0] lacks a Message: %s", r.Raw)
	}
	if r.Get("access_token") != nil {
		t.Errorf("failure carries an access token: %s", r.Raw)
	}
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E

	r := e.Token(tokenForm(s.Client, "shopper-one", apptest.BuyerPassword, "Shopper"))
	r.Must(t, 200)
	if r.S("token_type") != "bearer" && r.S("token_type") != "Bearer" {
		t.Errorf("token_type = %q", r.S("token_type"))
	}
	if r.S("expires_in") != "36000" {
		t.Errorf("expires_in = %s, want 36000 (600 minutes)", r.S("expires_in"))
	}
	if r.Get("refresh_token") != nil {
		t.Errorf("refresh_token issued by a client with RefreshTokenDuration 0: %s", r.Raw)
	}
	c := apptest.Claims(t, r.S("access_token"))
	if c["usr"] != "shopper-one" || c["usrtype"] != "buyer" || c["cid"] != s.Client {
		t.Errorf("claims: %v", c)
	}
	if exp, ok := c["exp"].(float64); !ok || time.Until(time.Unix(int64(exp), 0)) < 590*time.Minute {
		t.Errorf("exp claim: %v", c["exp"])
	}
	// Usernames are case-insensitive.
	e.Token(tokenForm(s.Client, "SHOPPER-ONE", apptest.BuyerPassword, "Shopper")).Must(t, 200)

	t.Run("wrong password", func(t *testing.T) {
		wantTokenErr(t, e.Token(tokenForm(s.Client, "shopper-one", "Wr0ngPassword!", "Shopper")), "invalid_grant", "Auth.InvalidUsernameOrPassword")
	})
	t.Run("unknown user", func(t *testing.T) {
		wantTokenErr(t, e.Token(tokenForm(s.Client, "nobody", apptest.BuyerPassword, "Shopper")), "invalid_grant", "Auth.InvalidUsernameOrPassword")
	})
	t.Run("missing username or password", func(t *testing.T) {
		wantTokenErr(t, e.Token(tokenForm(s.Client, "", apptest.BuyerPassword, "Shopper")), "invalid_grant", "Auth.UsernameAndPasswordRequired")
		wantTokenErr(t, e.Token(tokenForm(s.Client, "shopper-one", "", "Shopper")), "invalid_grant", "Auth.UsernameAndPasswordRequired")
	})
	t.Run("unknown client", func(t *testing.T) {
		wantTokenErr(t, e.Token(tokenForm("NO-SUCH-CLIENT", "shopper-one", apptest.BuyerPassword, "Shopper")), "invalid_client", "")
	})
	t.Run("client not open to buyers", func(t *testing.T) {
		// The bootstrap client allows seller users only.
		f := tokenForm(apptest.ClientID, "shopper-one", apptest.BuyerPassword, "Shopper")
		f.Set("client_secret", apptest.ClientSecret)
		if r := e.Token(f); r.Status == 200 || r.Code() == "" {
			t.Errorf("buyer logged in through a seller-only client: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("unsupported grant type", func(t *testing.T) {
		f := tokenForm(s.Client, "shopper-one", apptest.BuyerPassword, "Shopper")
		f.Set("grant_type", "magic")
		wantTokenErr(t, e.Token(f), "unsupported_grant_type", "")
	})
}

func TestClientSecretRequiredWhenSet(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)

	// The bootstrap client has a secret: a password grant must send it.
	wantTokenErr(t, e.Token(tokenForm(apptest.ClientID, apptest.AdminUsername, apptest.AdminPassword, "FullAccess")), "invalid_client", "")
	f := tokenForm(apptest.ClientID, apptest.AdminUsername, apptest.AdminPassword, "FullAccess")
	f.Set("client_secret", "not-the-secret")
	wantTokenErr(t, e.Token(f), "invalid_client", "")
	f.Set("client_secret", apptest.ClientSecret)
	r := e.Token(f).Must(t, 200)
	if c := apptest.Claims(t, r.S("access_token")); c["usr"] != apptest.AdminUsername || c["usrtype"] != "admin" {
		t.Errorf("claims: %v", c)
	}
}

func TestInactiveClientAndUser(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, s.Buyer, "u2", "shopper-two")

	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/users/u2", s.Admin, map[string]any{"Active": false}, 200)
	wantTokenErr(t, e.Token(tokenForm(s.Client, "shopper-two", apptest.BuyerPassword, "Shopper")), "invalid_grant", "Auth.UserNotActive")

	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+s.Client, s.Admin, map[string]any{"Active": false}, 200)
	wantTokenErr(t, e.Token(tokenForm(s.Client, "shopper-one", apptest.BuyerPassword, "Shopper")), "invalid_client", "Auth.ClientNotActive")
}

func TestClientCredentialsGrant(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)

	r := e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {apptest.ClientID}, "client_secret": {apptest.ClientSecret}, "scope": {"ProductAdmin"}}).Must(t, 200)
	c := apptest.Claims(t, r.S("access_token"))
	if c["usr"] != apptest.AdminUsername || c["usrtype"] != "admin" {
		t.Errorf("client_credentials acts as the DefaultContextUserName: %v", c)
	}
	if got := apptest.TokenRoles(t, r.S("access_token")); !apptest.SameSet(got, []string{"ProductAdmin"}) {
		t.Errorf("roles %v, want [ProductAdmin]", got)
	}
	e.Do("GET", "/v1/products", r.S("access_token"), nil).Must(t, 200)
	// Wrong secret.
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {apptest.ClientID}, "client_secret": {"nope"}}), "invalid_client", "")
	// A client without a secret cannot use client_credentials.
	admin := e.AdminToken()
	id := apptest.BuyerClient(t, e, admin, map[string]any{"DefaultContextUserName": apptest.AdminUsername})
	r = e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "scope": {"FullAccess"}})
	if r.Status == 200 {
		t.Errorf("client_credentials without a client secret succeeded: %s", r.Raw)
	}
}

func TestRefreshTokenGrant(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	rc := apptest.BuyerClient(t, e, s.Admin, map[string]any{"RefreshTokenDuration": 60})

	r := e.Token(tokenForm(rc, "shopper-one", apptest.BuyerPassword, "Shopper MeAdmin")).Must(t, 200)
	rt := r.S("refresh_token")
	if rt == "" {
		t.Fatalf("no refresh_token from a client with RefreshTokenDuration 60: %s", r.Raw)
	}
	r2 := e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {rt}}).Must(t, 200)
	if r2.S("access_token") == "" || r2.S("access_token") == r.S("access_token") {
		t.Errorf("refresh did not issue a new access token: %s", r2.Raw)
	}
	if c := apptest.Claims(t, r2.S("access_token")); c["usr"] != "shopper-one" || c["usrtype"] != "buyer" {
		t.Errorf("refreshed claims: %v", c)
	}
	if got := apptest.TokenRoles(t, r2.S("access_token")); !apptest.SameSet(got, []string{"Shopper", "MeAdmin"}) {
		t.Errorf("refreshed token roles %v, want the original scope", got)
	}
	e.Do("GET", "/v1/me", r2.S("access_token"), nil).Must(t, 200)

	// Unknown refresh token, or one presented by another client.
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {"bogus"}}), "invalid_grant", "")
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {s.Client}, "refresh_token": {rt}}), "invalid_grant", "")

	// A user deactivated since the login cannot refresh.
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/users/u1", s.Admin, map[string]any{"Active": false}, 200)
	wantTokenErr(t, e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {rt}}), "invalid_grant", "Auth.UserNotActive")
}

func TestTokenRolesAreRequestedIntersectGranted(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E

	// The buyer's profile grants Shopper and MeAdmin only.
	tok := s.Login("shopper-one", "Shopper", "ProductAdmin", "OrderAdmin", "FullAccess")
	if got := apptest.TokenRoles(t, tok); !apptest.SameSet(got, []string{"Shopper"}) {
		t.Errorf("buyer roles %v, want [Shopper]", got)
	}
	// No scope at all asks for every role the user has.
	if got := apptest.TokenRoles(t, s.Login("shopper-one")); !apptest.SameSet(got, []string{"Shopper", "MeAdmin"}) {
		t.Errorf("no scope requested, got roles %v, want every granted role", got)
	}
	// FullAccess grants whatever role is requested.
	f := tokenForm(apptest.ClientID, apptest.AdminUsername, apptest.AdminPassword, "ProductAdmin OrderReader")
	f.Set("client_secret", apptest.ClientSecret)
	r := e.Token(f).Must(t, 200)
	if got := apptest.TokenRoles(t, r.S("access_token")); !apptest.SameSet(got, []string{"ProductAdmin", "OrderReader"}) {
		t.Errorf("FullAccess user asking for ProductAdmin OrderReader got %v", got)
	}
	// ...and with only those roles, other endpoints are closed.
	e.Do("GET", "/v1/products", r.S("access_token"), nil).Must(t, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers", r.S("access_token"), nil), 403, "Auth.InsufficientRoles")
}

func TestSecurityProfileLevels(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.BuyerUser(t, e, admin, s.Buyer, "u2", "shopper-two")

	// Company level (newShop): Shopper and MeAdmin for every user of b1.
	// User level: u1's own profile grants AddressReader.
	apptest.Profile(t, e, admin, "usr", "AddressReader")
	apptest.AssignProfile(t, e, admin, "usr", map[string]any{"BuyerID": "b1", "UserID": "u1"})

	ask := []string{"Shopper", "OrderReader", "AddressReader"}
	if got := apptest.TokenRoles(t, s.Login("shopper-one", ask...)); !apptest.SameSet(got, []string{"Shopper", "AddressReader"}) {
		t.Errorf("u1 (company + user profiles) got %v", got)
	}
	if got := apptest.TokenRoles(t, s.Login("shopper-two", ask...)); !apptest.SameSet(got, []string{"Shopper"}) {
		t.Errorf("u2 (company profile only) got %v", got)
	}

	// Marketplace level: a profile assigned to no party reaches every admin user.
	apptest.Must(t, e, "POST", "/v1/adminusers", admin, map[string]any{"ID": "a2", "Username": "admin-two", "Password": apptest.BuyerPassword,
		"FirstName": "A", "LastName": "Two", "Email": "a2@example.com", "Active": true}, 201)
	adminLogin := func() string {
		r := e.Token(tokenForm(s.Client, "admin-two", apptest.BuyerPassword, "ProductReader CatalogReader")).Must(t, 200)
		return r.S("access_token")
	}
	if got := apptest.TokenRoles(t, adminLogin()); len(got) != 0 {
		t.Errorf("admin user with no profile got roles %v", got)
	}
	apptest.Profile(t, e, admin, "mkt", "ProductReader")
	apptest.AssignProfile(t, e, admin, "mkt", nil)
	if got := apptest.TokenRoles(t, adminLogin()); !apptest.SameSet(got, []string{"ProductReader"}) {
		t.Errorf("admin user with a marketplace-level profile got %v", got)
	}
	// A marketplace-level profile does not reach buyer users.
	if got := apptest.TokenRoles(t, s.Login("shopper-one", "ProductReader")); len(got) != 0 {
		t.Errorf("buyer user got marketplace-level roles %v", got)
	}
}

// A buyer user in a user group gets the roles of the group's profile.
func TestGroupLevelSecurityProfile(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.BuyerUser(t, e, admin, s.Buyer, "u2", "shopper-two")

	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "Group 1"}, 201)
	apptest.Profile(t, e, admin, "grp", "OrderReader")
	apptest.AssignProfile(t, e, admin, "grp", map[string]any{"BuyerID": "b1", "UserGroupID": "g1"})
	// Putting a user in a group is an assignment naming both the group and the user.
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "g1", "UserID": "u2"}, 204)
	asg := apptest.Must(t, e, "GET", "/v1/buyers/b1/usergroups/assignments?userID=u2", admin, nil, 200)
	if asg.S("Items.0.UserGroupID") != "g1" {
		t.Errorf("user group assignment not listed: %s", asg.Raw)
	}

	ask := []string{"Shopper", "OrderReader"}
	if got := apptest.TokenRoles(t, s.Login("shopper-two", ask...)); !apptest.SameSet(got, []string{"Shopper", "OrderReader"}) {
		t.Errorf("u2 (company + group profiles) got %v", got)
	}
	if got := apptest.TokenRoles(t, s.Login("shopper-one", ask...)); !apptest.SameSet(got, []string{"Shopper"}) {
		t.Errorf("u1 (not in the group) got %v", got)
	}
	me := apptest.Must(t, e, "GET", "/v1/me", s.Login("shopper-two", "Shopper"), nil, 200)
	if !slices.Contains(apptest.Strings(me.Get("AvailableRoles")), "OrderReader") {
		t.Errorf("u2's AvailableRoles %v lack the group's OrderReader", me.Get("AvailableRoles"))
	}
}

func TestAuthenticationAndRoleChecks(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E

	wantStatus := func(name string, r apptest.Resp, status int) {
		t.Helper()
		if r.Status != status {
			t.Errorf("%s: status %d, want %d: %s", name, r.Status, status, r.Raw)
		}
		if r.Code() == "" {
			t.Errorf("%s: no Errors array: %s", name, r.Raw)
		}
	}
	wantStatus("no token", e.Do("GET", "/v1/me", "", nil), 401)
	wantStatus("garbage token", e.Do("GET", "/v1/me", "not-a-jwt", nil), 401)
	tampered := s.Token[:len(s.Token)-4] + "AAAA"
	if tampered == s.Token {
		tampered = s.Token[:len(s.Token)-4] + "BBBB"
	}
	wantStatus("bad signature", e.Do("GET", "/v1/me", tampered, nil), 401)

	// A token signed with another key, even under the right kid, is refused.
	hdr := strings.Split(s.Token, ".")[0]
	hb, _ := base64.RawURLEncoding.DecodeString(hdr)
	kid := claimsOf(hb)["kid"]
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(apptest.Claims(t, s.Token)))
	forged.Header["kid"] = kid
	ft, _ := forged.SignedString(other)
	wantStatus("forged token", e.Do("GET", "/v1/me", ft, nil), 401)

	// Signed in, but without a role the operation needs.
	r := e.Do("GET", "/v1/products", s.Token, nil)
	apptest.WantErr(t, r, 403, "Auth.InsufficientRoles")
	sufficient := apptest.Strings(r.Get("Errors.0.Data.SufficientRoles"))
	for _, want := range []string{"ProductAdmin", "ProductReader", "FullAccess"} {
		if !slices.Contains(sufficient, want) {
			t.Errorf("SufficientRoles %v lacks %s", sufficient, want)
		}
	}
	apptest.WantErr(t, e.Do("POST", "/v1/buyers", s.Token, map[string]any{"Name": "x"}), 403, "Auth.InsufficientRoles")
	// The roles it has work.
	e.Do("GET", "/v1/me", s.Token, nil).Must(t, 200)
	e.Do("GET", "/v1/me/products", s.Token, nil).Must(t, 200)
	// A token without Shopper cannot list the buyer's products.
	apptest.WantErr(t, e.Do("GET", "/v1/me/products", s.Login("shopper-one", "MeAdmin"), nil), 403, "Auth.InsufficientRoles")
}

func claimsOf(b []byte) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func TestCertsVerifyTokensAndUserinfo(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E

	parts := strings.Split(s.Token, ".")
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	hdr := claimsOf(hb)
	kid, _ := hdr["kid"].(string)
	if kid == "" || hdr["alg"] != "RS256" {
		t.Fatalf("token header: %v", hdr)
	}
	jwk := apptest.Must(t, e, "GET", "/oauth/certs/"+kid, "", nil, 200)
	if jwk.S("kid") != kid || jwk.S("kty") != "RSA" {
		t.Fatalf("JWK: %s", jwk.Raw)
	}
	nb, err1 := base64.RawURLEncoding.DecodeString(jwk.S("n"))
	eb, err2 := base64.RawURLEncoding.DecodeString(jwk.S("e"))
	if err1 != nil || err2 != nil || len(nb) < 256 {
		t.Fatalf("JWK n/e not base64url: %s", jwk.Raw)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	parsed, err := jwt.Parse(s.Token, func(tk *jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"RS256"}))
	if err != nil || !parsed.Valid {
		t.Fatalf("token does not verify with the published key: %v", err)
	}
	if mc, _ := parsed.Claims.(jwt.MapClaims); mc["usr"] != "shopper-one" {
		t.Errorf("verified claims: %v", parsed.Claims)
	}
	// The published key does not verify a token signed by another one.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	ft, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"usr": "x"}).SignedString(other)
	if _, err := jwt.Parse(ft, func(tk *jwt.Token) (any, error) { return pub, nil }); err == nil {
		t.Errorf("foreign token verified with the published key")
	}
	apptest.WantErr(t, e.Do("GET", "/oauth/certs/no-such-kid", "", nil), 404, "NotFound")

	ui := apptest.Must(t, e, "GET", "/oauth/userinfo", s.Token, nil, 200)
	if !strings.Contains(ui.Raw, "shopper-one") || !strings.Contains(ui.Raw, "u1") {
		t.Errorf("userinfo does not describe the user: %s", ui.Raw)
	}
	if r := e.Do("GET", "/oauth/userinfo", "", nil); r.Status != 401 {
		t.Errorf("userinfo without a token: %d %s", r.Status, r.Raw)
	}
}
