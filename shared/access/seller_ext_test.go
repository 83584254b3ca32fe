package access_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// sellerCRUD runs create/get/list/patch/put/delete on one resource,
// starting with a create that lacks a required field.
type sellerCRUD struct {
	path     string         // collection path
	body     map[string]any // a valid body with an "ID"
	missing  string         // a required field, dropped for the 400
	patch    map[string]any // field → value checked after PATCH
	putField string         // a field changed by the PUT ("": none)
}

func runSellerCRUD(t *testing.T, e *apptest.Env, admin string, c sellerCRUD) {
	t.Helper()
	id := c.body["ID"].(string)
	bad := map[string]any{}
	for k, v := range c.body {
		if k != c.missing {
			bad[k] = v
		}
	}
	r := e.Do("POST", c.path, admin, bad)
	apptest.WantErr(t, r, 400, "ValidationFailure")
	if r.S("Errors.0.Data.Property") != c.missing {
		t.Errorf("%s: missing %s reported as %s", c.path, c.missing, r.Raw)
	}
	apptest.Must(t, e, "POST", c.path, admin, c.body, 201)
	apptest.WantErr(t, e.Do("POST", c.path, admin, c.body), 409, "IdExists")
	if g := apptest.Must(t, e, "GET", c.path+"/"+id, admin, nil, 200); g.S("ID") != id {
		t.Errorf("%s get: %s", c.path, g.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", c.path, admin, nil, 200)); !slices.Contains(got, id) {
		t.Errorf("%s list %v lacks %s", c.path, got, id)
	}
	p := apptest.Must(t, e, "PATCH", c.path+"/"+id, admin, c.patch, 200)
	for k, v := range c.patch {
		if p.Get(k) != v {
			t.Errorf("%s patch %s: %s", c.path, k, p.Raw)
		}
	}
	put := map[string]any{}
	for k, v := range c.body {
		put[k] = v
	}
	if c.putField != "" {
		put[c.putField] = "replaced"
	}
	if r := apptest.Must(t, e, "PUT", c.path+"/"+id, admin, put, 200); c.putField != "" && r.S(c.putField) != "replaced" {
		t.Errorf("%s put: %s", c.path, r.Raw)
	}
	apptest.Must(t, e, "DELETE", c.path+"/"+id, admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", c.path+"/"+id, admin, nil), 404, "NotFound")
}

func TestSellerResourcesCRUD(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	apptest.Profile(t, e, admin, "imp", "Shopper")
	client := apptest.BuyerClient(t, e, admin, nil)

	runSellerCRUD(t, e, admin, sellerCRUD{path: "/v1/buyergroups", body: map[string]any{"ID": "bg1", "Name": "Group"},
		missing: "Name", patch: map[string]any{"Description": "d"}, putField: "Name"})
	runSellerCRUD(t, e, admin, sellerCRUD{path: "/v1/locales", body: map[string]any{"ID": "en-us", "Currency": "USD", "Language": "en-US"},
		missing: "Currency", patch: map[string]any{"Language": "en-GB"}, putField: "Language"})
	runSellerCRUD(t, e, admin, sellerCRUD{path: "/v1/openidconnects", body: map[string]any{"ID": "oidc", "OrderCloudApiClientID": client,
		"ConnectClientID": "idp-app", "ConnectClientSecret": "s", "AppStartUrl": "https://shop/{token}",
		"AuthorizationEndpoint": "https://idp/auth", "TokenEndpoint": "https://idp/token"},
		missing: "TokenEndpoint", patch: map[string]any{"UrlEncoded": true}, putField: "AppStartUrl"})
	runSellerCRUD(t, e, admin, sellerCRUD{path: "/v1/impersonationconfig", body: map[string]any{"ID": "ic", "ClientID": client,
		"SecurityProfileID": "imp", "BuyerID": "b1"},
		missing: "SecurityProfileID", patch: map[string]any{"BuyerID": nil}})

	// References must exist.
	apptest.WantErr(t, e.Do("POST", "/v1/openidconnects", admin, map[string]any{"OrderCloudApiClientID": "nope", "ConnectClientID": "a",
		"ConnectClientSecret": "s", "AppStartUrl": "u", "AuthorizationEndpoint": "a", "TokenEndpoint": "t"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/impersonationconfig", admin, map[string]any{"ClientID": client, "SecurityProfileID": "nope"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/impersonationconfig", admin, map[string]any{"ClientID": client, "SecurityProfileID": "imp",
		"BuyerID": "b1", "UserID": "ghost"}), 404, "NotFound")

	// One language/currency pair per marketplace.
	apptest.Must(t, e, "POST", "/v1/locales", admin, map[string]any{"ID": "fr", "Currency": "EUR", "Language": "fr-FR"}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/locales", admin, map[string]any{"ID": "fr2", "Currency": "eur", "Language": "fr-FR"}), 400, "Locale.DuplicateLanguageAndCurrency")

	// A config pins its client and security profile; a second identical config conflicts.
	apptest.Must(t, e, "POST", "/v1/impersonationconfig", admin, map[string]any{"ID": "ic2", "ClientID": client, "SecurityProfileID": "imp"}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/impersonationconfig", admin, map[string]any{"ID": "ic3", "ClientID": client, "SecurityProfileID": "imp"}),
		400, "ImpersonationConfig.ConflictingImpersonationConfigExists")
	apptest.WantErr(t, e.Do("DELETE", "/v1/securityprofiles/imp", admin, nil), 400, "Impersonation.CannotDeleteSecurityProfile")
	apptest.WantErr(t, e.Do("DELETE", "/v1/apiclients/"+client, admin, nil), 400, "ApiClient.UsedByImpersonationConfig")
	apptest.Must(t, e, "DELETE", "/v1/impersonationconfig/ic2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/securityprofiles/imp", admin, nil, 204)
}

func TestLocaleAssignments(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.Buyer(t, e, admin, "b1")
	apptest.Buyer(t, e, admin, "b2")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "G1"}, 201)
	apptest.Must(t, e, "POST", "/v1/locales", admin, map[string]any{"ID": "us", "Currency": "USD", "Language": "en-US"}, 201)
	apptest.Must(t, e, "POST", "/v1/locales", admin, map[string]any{"ID": "ca", "Currency": "CAD", "Language": "en-CA"}, 201)

	apptest.WantErr(t, e.Do("POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "us"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "xx", "BuyerID": "b1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "us", "BuyerID": "b1", "UserGroupID": "nope"}), 404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "us", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "ca", "BuyerID": "b1", "UserGroupID": "g1"}, 204)
	apptest.Must(t, e, "POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "ca", "BuyerID": "b2"}, 204)

	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments?buyerID=b1", admin, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("b1 assignments: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments?buyerID=b1&level=Group", admin, nil, 200); r.S("Meta.TotalCount") != "1" || r.S("Items.0.LocaleID") != "ca" {
		t.Errorf("b1 group-level assignments: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments?localeID=ca", admin, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("ca assignments: %s", r.Raw)
	}
	// A buyer has one company-level locale: saving another replaces it.
	apptest.Must(t, e, "POST", "/v1/locales/assignments", admin, map[string]any{"LocaleID": "ca", "BuyerID": "b1"}, 204)
	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments?buyerID=b1&level=Company", admin, nil, 200); r.S("Meta.TotalCount") != "1" || r.S("Items.0.LocaleID") != "ca" {
		t.Errorf("b1 company-level after replace: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/locales/ca/assignments?buyerID=b1&userGroupID=g1", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments?buyerID=b1", admin, nil, 200); r.S("Meta.TotalCount") != "1" {
		t.Errorf("b1 after delete: %s", r.Raw)
	}
	// Deleting a locale removes its assignments.
	apptest.Must(t, e, "DELETE", "/v1/locales/ca", admin, nil, 204)
	if r := apptest.Must(t, e, "GET", "/v1/locales/assignments", admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("assignments outlive their locale: %s", r.Raw)
	}
}

func TestApiClientSecrets(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	base := "/v1/apiclients/" + apptest.ClientID + "/secrets"
	ccForm := func(secret string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {apptest.ClientID}, "client_secret": {secret}, "scope": {"FullAccess"}}
	}

	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", base, admin, map[string]any{"Name": "old", "Expiration": "2001-01-01T00:00:00Z"}), 400, "ApiClientSecret.InvalidExpirationDate")
	apptest.WantErr(t, e.Do("POST", "/v1/apiclients/nope/secrets", admin, map[string]any{"Name": "x"}), 404, "NotFound")

	c := apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "rotation", "Name": "Rotation"}, 201)
	value := c.S("ClientSecret")
	if value == "" || c.S("ID") != "rotation" || c.S("Name") != "Rotation" {
		t.Fatalf("create secret: %s", c.Raw)
	}
	g := apptest.Must(t, e, "GET", base+"/rotation", admin, nil, 200)
	if _, shown := g.Body["ClientSecret"]; shown || g.S("Name") != "Rotation" {
		t.Errorf("get shows the value or lacks the name: %s", g.Raw)
	}
	l := apptest.Must(t, e, "GET", base, admin, nil, 200)
	if got := apptest.IDs(l); !slices.Equal(got, []string{"rotation"}) {
		t.Errorf("list %v", got)
	}
	if p := apptest.Must(t, e, "PATCH", base+"/rotation", admin, map[string]any{"Name": "Renamed"}, 200); p.S("Name") != "Renamed" {
		t.Errorf("patch: %s", p.Raw)
	}

	// Both the ClientSecret and the named secret sign in; a wrong one does not.
	e.Token(ccForm(value)).Must(t, 200)
	e.Token(ccForm(apptest.ClientSecret)).Must(t, 200)
	if r := e.Token(ccForm("wrong")); r.Status == 200 {
		t.Errorf("wrong secret accepted: %s", r.Raw)
	}
	// A password login on the client needs a secret too.
	pw := url.Values{"grant_type": {"password"}, "client_id": {apptest.ClientID}, "username": {apptest.AdminUsername}, "password": {apptest.AdminPassword}}
	if r := e.Token(pw); r.Status == 200 {
		t.Errorf("password grant without the client secret succeeded: %s", r.Raw)
	}
	pw.Set("client_secret", value)
	e.Token(pw).Must(t, 200)

	apptest.Must(t, e, "DELETE", base+"/rotation", admin, nil, 204)
	if r := e.Token(ccForm(value)); r.Status == 200 {
		t.Errorf("deleted secret still signs in: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", base+"/rotation", admin, nil), 404, "NotFound")

	// A client whose only secret is a named one requires it, and expired ones stop working.
	id := apptest.BuyerClient(t, e, admin, map[string]any{"DefaultContextUserName": apptest.AdminUsername})
	s := apptest.Must(t, e, "POST", "/v1/apiclients/"+id+"/secrets", admin, map[string]any{"Name": "only", "Expiration": "2999-01-01T00:00:00Z"}, 201)
	cc := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {s.S("ClientSecret")}, "scope": {"FullAccess"}}
	e.Token(cc).Must(t, 200)
	apptest.Must(t, e, "PATCH", "/v1/apiclients/"+id+"/secrets/"+s.S("ID"), admin, map[string]any{"Expiration": "2001-01-01T00:00:00Z"}, 200)
	if r := e.Token(cc); r.Status == 200 {
		t.Errorf("expired secret signs in: %s", r.Raw)
	}
	// Deleting the client deletes its secrets.
	apptest.Must(t, e, "DELETE", "/v1/apiclients/"+id, admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "x", "AccessTokenDuration": 60}, 201)
}

func TestRevokeUserTokens(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	rc := apptest.BuyerClient(t, e, s.Admin, map[string]any{"RefreshTokenDuration": 60})
	r := e.Token(url.Values{"grant_type": {"password"}, "client_id": {rc}, "username": {"shopper-one"}, "password": {apptest.BuyerPassword},
		"scope": {"Shopper MeAdmin"}}).Must(t, 200)
	refresh := r.S("refresh_token")
	apptest.Must(t, e, "GET", "/v1/me", s.Token, nil, 200)

	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/users/ghost/tokens", s.Admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/users/u1/tokens", s.Token, nil), 403, "Auth.InsufficientRoles")
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/u1/tokens", s.Admin, nil, 204)

	apptest.WantErr(t, e.Do("GET", "/v1/me", s.Token, nil), 401, "InvalidToken")
	apptest.WantErr(t, e.Do("GET", "/v1/me", r.S("access_token"), nil), 401, "InvalidToken")
	if rr := e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {refresh}}); rr.Status == 200 {
		t.Errorf("refresh token issued before the revoke still works: %s", rr.Raw)
	}
	// A fresh login right away works, as does its refresh token.
	fresh := e.Token(url.Values{"grant_type": {"password"}, "client_id": {rc}, "username": {"shopper-one"}, "password": {apptest.BuyerPassword},
		"scope": {"Shopper MeAdmin"}}).Must(t, 200)
	apptest.Must(t, e, "GET", "/v1/me", fresh.S("access_token"), nil, 200)
	e.Token(url.Values{"grant_type": {"refresh_token"}, "client_id": {rc}, "refresh_token": {fresh.S("refresh_token")}}).Must(t, 200)
	// Other users and the admin are untouched.
	apptest.Must(t, e, "GET", "/v1/me", s.Admin, nil, 200)

	// Admin users: an admin revoking another admin's tokens.
	apptest.Must(t, e, "POST", "/v1/adminusers", s.Admin, map[string]any{"ID": "ops", "Username": "ops", "Password": apptest.BuyerPassword,
		"FirstName": "O", "LastName": "P", "Email": "ops@example.com", "Active": true}, 201)
	apptest.AssignProfile(t, e, s.Admin, "shopper", map[string]any{"UserID": "ops"})
	ops := e.Login(rc, "ops", apptest.BuyerPassword, "MeAdmin")
	apptest.Must(t, e, "GET", "/v1/me", ops, nil, 200)
	apptest.WantErr(t, e.Do("DELETE", "/v1/adminusers/nobody/tokens", s.Admin, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/adminusers/ops/tokens", s.Admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me", ops, nil), 401, "InvalidToken")
	apptest.Must(t, e, "GET", "/v1/me", s.Admin, nil, 200)
}

func TestLockoutAndUnlock(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.Must(t, e, "POST", "/v1/securityprofiles", s.Admin, map[string]any{"ID": "strict", "Name": "Strict",
		"PasswordConfig": map[string]any{"AllowedFailedAttempts": 3, "LockoutDuration": 10}}, 201)
	apptest.AssignProfile(t, e, s.Admin, "strict", map[string]any{"BuyerID": "b1"})
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")

	bad := tokenForm(s.Client, "shopper-two", "Wrong-Passw0rd", "")
	for i := 0; i < 3; i++ {
		wantTokenErr(t, e.Token(bad), "invalid_grant", "Auth.InvalidUsernameOrPassword")
	}
	if u := apptest.Must(t, e, "GET", "/v1/buyers/b1/users/u2", s.Admin, nil, 200); u.S("FailedLoginAttempts") != "3" {
		t.Errorf("FailedLoginAttempts after 3 failures: %s", u.Raw)
	}
	// Locked: even the right password is refused.
	wantTokenErr(t, e.Token(tokenForm(s.Client, "shopper-two", apptest.BuyerPassword, "Shopper")), "invalid_grant", "Auth.LockedOut")
	// Another user of the buyer is not locked.
	s.Login("shopper-one", "Shopper")

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/ghost/unlock", s.Admin, nil), 404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/users/u2/unlock", s.Admin, nil, 204)
	if u := apptest.Must(t, e, "GET", "/v1/buyers/b1/users/u2", s.Admin, nil, 200); u.S("FailedLoginAttempts") != "0" {
		t.Errorf("FailedLoginAttempts after unlock: %s", u.Raw)
	}
	s.Login("shopper-two", "Shopper")

	// A success clears earlier failures.
	wantTokenErr(t, e.Token(bad), "invalid_grant", "Auth.InvalidUsernameOrPassword")
	s.Login("shopper-two", "Shopper")
	if u := apptest.Must(t, e, "GET", "/v1/buyers/b1/users/u2", s.Admin, nil, 200); u.S("FailedLoginAttempts") != "0" {
		t.Errorf("FailedLoginAttempts after a success: %s", u.Raw)
	}

	apptest.WantErr(t, e.Do("POST", "/v1/adminusers/nobody/unlock", s.Admin, nil), 404, "NotFound")
}

func TestMoveBuyerUser(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.Buyer(t, e, s.Admin, "b2")
	apptest.AssignProfile(t, e, s.Admin, "shopper", map[string]any{"BuyerID": "b2"})
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", s.Admin, map[string]any{"ID": "g1", "Name": "G1"}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", s.Admin, map[string]any{"UserGroupID": "g1", "UserID": "u1"}, 204)
	order := apptest.Must(t, e, "POST", "/v1/orders/Outgoing", s.Token, map[string]any{}, 201)

	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/u1/moveto/nope", s.Admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/ghost/moveto/b2", s.Admin, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/u1/moveto/b2?orders=Some", s.Admin, nil), 400, "ValidationFailure")

	m := apptest.Must(t, e, "POST", "/v1/buyers/b1/users/u1/moveto/b2?orders=Unsubmitted", s.Admin, nil, 200)
	if m.S("ID") != "u1" || m.S("CompanyID") != "b2" || m.S("Username") != "shopper-one" {
		t.Errorf("moved user: %s", m.Raw)
	}
	apptest.Must(t, e, "GET", "/v1/buyers/b2/users/u1", s.Admin, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/b1/users/u1", s.Admin, nil), 404, "NotFound")
	if r := apptest.Must(t, e, "GET", "/v1/buyers/b1/usergroups/assignments?userID=u1", s.Admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("old buyer's group assignments remain: %s", r.Raw)
	}
	// Tokens naming the old company are void; the username signs in to the new one.
	apptest.WantErr(t, e.Do("GET", "/v1/me", s.Token, nil), 401, "InvalidToken")
	tok := s.Login("shopper-one", "Shopper", "MeAdmin")
	if me := apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200); me.S("Buyer.ID") != "b2" {
		t.Errorf("me after move: %s", me.Raw)
	}
	if o := apptest.Must(t, e, "GET", "/v1/orders/Incoming/"+order.S("ID"), s.Admin, nil, 200); o.S("FromCompanyID") != "b2" || o.S("FromUser.CompanyID") != "b2" {
		t.Errorf("unsubmitted order did not follow the user: %s", o.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/orders?IsSubmitted=false", tok, nil, 200)); !slices.Equal(got, []string{order.S("ID")}) {
		t.Errorf("moved user's orders %v", got)
	}
	// An ID taken in the target buyer conflicts.
	apptest.BuyerUser(t, e, s.Admin, "b1", "u1", "another-one")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/u1/moveto/b2", s.Admin, nil), 409, "IdExists")
}

func TestImpersonationToken(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.Buyer(t, e, s.Admin, "b2")
	apptest.BuyerUser(t, e, s.Admin, "b2", "x1", "other-buyer")
	apptest.Profile(t, e, s.Admin, "imp", "Shopper", "MeAdmin")
	path := "/v1/buyers/b1/users/u1/accesstoken"

	apptest.WantErr(t, e.Do("POST", path, s.Admin, map[string]any{}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", path, s.Admin, map[string]any{"ClientID": s.Client}), 400, "Impersonation.ConfigError")
	apptest.Must(t, e, "POST", "/v1/impersonationconfig", s.Admin, map[string]any{"ClientID": s.Client, "SecurityProfileID": "imp", "BuyerID": "b1"}, 201)
	apptest.WantErr(t, e.Do("POST", path, s.Token, map[string]any{"ClientID": s.Client}), 403, "Auth.InsufficientRoles")
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b1/users/ghost/accesstoken", s.Admin, map[string]any{"ClientID": s.Client}), 404, "NotFound")

	r := apptest.Must(t, e, "POST", path, s.Admin, map[string]any{"ClientID": s.Client, "Roles": []string{"MeAdmin", "OrderAdmin"}}, 200)
	tok := r.S("access_token")
	if tok == "" || r.S("token_type") != "bearer" {
		t.Fatalf("impersonation token: %s", r.Raw)
	}
	if got := apptest.TokenRoles(t, tok); !slices.Equal(got, []string{"MeAdmin"}) {
		t.Errorf("roles %v, want the requested ones the config grants", got)
	}
	if me := apptest.Must(t, e, "GET", "/v1/me", tok, nil, 200); me.S("ID") != "u1" || me.S("Buyer.ID") != "b1" {
		t.Errorf("me with the impersonation token: %s", me.Raw)
	}
	// The config covers buyer b1 only.
	apptest.WantErr(t, e.Do("POST", "/v1/buyers/b2/users/x1/accesstoken", s.Admin, map[string]any{"ClientID": s.Client}), 400, "Impersonation.ConfigError")
}

func TestUsersAcrossBuyersAndBuyerSellers(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	apptest.Buyer(t, e, s.Admin, "b2")
	apptest.BuyerUser(t, e, s.Admin, "b2", "x1", "other-buyer")

	r := apptest.Must(t, e, "GET", "/v1/buyerusers", s.Admin, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"u1", "x1"}) && !slices.Equal(got, []string{"x1", "u1"}) {
		t.Errorf("users across buyers %v", got)
	}
	if r := apptest.Must(t, e, "GET", "/v1/buyerusers?CompanyID=b2", s.Admin, nil, 200); !slices.Equal(apptest.IDs(r), []string{"x1"}) {
		t.Errorf("filtered by company: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/buyerusers?ID=u1", s.Admin, nil, 200); r.S("Items.0.AvailableRoles.0") == "" {
		t.Errorf("AvailableRoles missing: %s", r.Raw)
	}

	sel := apptest.Must(t, e, "GET", "/v1/buyers/b1/sellers", s.Admin, nil, 200)
	if sel.S("Meta.TotalCount") != "1" || sel.S("Items.0.ID") == "" {
		t.Errorf("buyer sellers: %s", sel.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/nope/sellers", s.Admin, nil), 404, "NotFound")
}

func TestMeUserGroups(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e := s.E
	for _, g := range []string{"g1", "g2"} {
		apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", s.Admin, map[string]any{"ID": g, "Name": g}, 201)
	}
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", s.Admin, map[string]any{"UserGroupID": "g2", "UserID": "u1"}, 204)
	if r := apptest.Must(t, e, "GET", "/v1/me/usergroups", s.Token, nil, 200); !slices.Equal(apptest.IDs(r), []string{"g2"}) {
		t.Errorf("me/usergroups: %s", r.Raw)
	}
}

func TestXpIndices(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	apptest.WantErr(t, e.Do("PUT", "/v1/xpindices", admin, map[string]any{"ThingType": "Order"}), 400, "ValidationFailure")
	if r := e.Do("PUT", "/v1/xpindices", admin, map[string]any{"ThingType": "Nope", "Key": "xp.a"}); r.Status != 400 {
		t.Errorf("unknown thing type: %d %s", r.Status, r.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/xpindices", admin, map[string]any{"ThingType": "Order", "Key": "xp.Color"}, 204)
	apptest.Must(t, e, "PUT", "/v1/xpindices", admin, map[string]any{"ThingType": "User", "Key": "xp.Dept"}, 204)
	apptest.Must(t, e, "PUT", "/v1/xpindices", admin, map[string]any{"ThingType": "User", "Key": "xp.Dept"}, 204)
	r := apptest.Must(t, e, "GET", "/v1/xpindices", admin, nil, 200)
	if r.S("Meta.TotalCount") != "2" {
		t.Errorf("xp indices: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/xpindices?ThingType=User", admin, nil, 200); r.S("Meta.TotalCount") != "1" || r.S("Items.0.Key") != "xp.Dept" {
		t.Errorf("filtered xp indices: %s", r.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/xpindices/Order/xp.Color", admin, nil, 204)
	apptest.WantErr(t, e.Do("DELETE", "/v1/xpindices/Order/xp.Color", admin, nil), 404, "NotFound")
	if r := apptest.Must(t, e, "GET", "/v1/xpindices", admin, nil, 200); r.S("Meta.TotalCount") != "1" {
		t.Errorf("after delete: %s", r.Raw)
	}
}
