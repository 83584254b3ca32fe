package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (a *Access) declareOAuth(r *resource.Registry) {
	r.HandleRoute(resource.Route{Pattern: "POST /oauth/token", Handler: r.Public(a.token)})
	r.HandleRoute(resource.Route{Pattern: "GET /oauth/certs/{kid}", Handler: r.Public(a.certs)})
	r.HandleRoute(resource.Route{Pattern: "GET /oauth/userinfo", Handler: r.Public(a.userinfo)})
}

func isAPIRole(r string) bool { return slices.Contains(contract.Enum("ApiRole"), r) }

// oauthError is a token endpoint failure: the OAuth2 fields plus
// OrderCloud's Errors array.
type oauthError struct {
	status    int
	oauthCode string
	err       *api.Error
}

func (e *oauthError) Error() string { return e.err.Error() }

// errBadCredentials is the grant's answer to an unknown user or a wrong
// password (the same, so it tells nothing).
func errBadCredentials() *oauthError {
	return tokenErr("invalid_grant", "Auth.InvalidUsernameOrPassword", nil)
}

// Codes the grants and impersonation share.
const (
	errUserNotActive   = "Auth.UserNotActive"
	errInvalidClientID = "ApiClient.InvalidClientID"
	errOAuth           = "Auth.OauthError"
)

func tokenErr(oauthCode, code string, data any) *oauthError {
	return &oauthError{status: http.StatusBadRequest, oauthCode: oauthCode, err: api.E(http.StatusBadRequest, code, data)}
}

func writeTokenError(w http.ResponseWriter, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		api.WriteError(w, err)
		return
	}
	body := api.Body(oe.err)
	body["error"] = oe.oauthCode
	body["error_description"] = oe.err.Message
	api.WriteJSON(w, oe.status, body)
}

// tokenResponse is OrderCloud's AccessToken model.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// refreshRecord is stored (under a hash of the token) for refresh grants.
type refreshRecord struct {
	ClientID string
	User     UserRef
	Scope    []string
	Expires  time.Time
	Issued   time.Time // checked against the user's token revocations
}

func (a *Access) token(c *resource.Ctx, w http.ResponseWriter) {
	mt, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		writeTokenError(w, tokenErr("invalid_request", "Request.InvalidContentType", nil))
		return
	}
	if err := c.R.ParseForm(); err != nil {
		writeTokenError(w, tokenErr("invalid_request", "Request.InvalidRequestBody", nil))
		return
	}
	resp, err := a.grant(c, c.R.PostForm)
	if err != nil {
		writeTokenError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	api.WriteJSON(w, http.StatusOK, resp)
}

func (a *Access) grant(c *resource.Ctx, form map[string][]string) (*tokenResponse, error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	clientID := get("client_id")
	client, err := c.Reg.Load(c, a.ApiClients, nil, clientID)
	if err != nil {
		return nil, tokenErr("invalid_client", errInvalidClientID, nil)
	}
	if active, _ := client.Doc["Active"].(bool); !active {
		return nil, tokenErr("invalid_client", "Auth.ClientNotActive", nil)
	}
	scope := strings.Fields(get("scope"))
	if isAnonymousGrant(client.Doc, get("grant_type"), get("client_secret")) {
		return a.anonymousGrant(c, client.Doc, scope)
	}
	// The client's ClientSecret and any of its unexpired named secrets
	// (seller_secrets.go) are accepted.
	secretOK, secretRequired, err := a.clientSecretCheck(c, client.Doc, get("client_secret"))
	if err != nil {
		return nil, err
	}
	if secretRequired && !secretOK {
		return nil, tokenErr("invalid_client", errOAuth, nil).withMessage("The client secret is missing or invalid.")
	}
	var ref UserRef
	var user api.Doc // nil: issue loads it
	switch get("grant_type") {
	case "password":
		username, password := get("username"), get("password")
		if username == "" || password == "" {
			return nil, tokenErr("invalid_grant", "Auth.UsernameAndPasswordRequired", nil)
		}
		u, r, err := a.findUser(c, username)
		if err != nil {
			return nil, err
		}
		if err := lockedOut(u); err != nil {
			return nil, err
		}
		if !auth.CheckPassword(api.Str(u, "_pw"), password) {
			if err := a.loginFailed(c, r); err != nil {
				return nil, err
			}
			return nil, errBadCredentials()
		}
		if err := a.loginSucceeded(c, r, u); err != nil {
			return nil, err
		}
		ref, user = r, u
	case "client_credentials":
		if !secretRequired {
			return nil, tokenErr("unauthorized_client", errOAuth, nil).withMessage("This API client has no client secret, so it cannot use the client_credentials grant.")
		}
		name := api.Str(client.Doc, "DefaultContextUserName")
		if name == "" {
			return nil, tokenErr("unauthorized_client", errOAuth, nil).withMessage("This API client has no DefaultContextUserName.")
		}
		u, r, err := a.findUser(c, name)
		if err != nil {
			return nil, err
		}
		ref, user = r, u
	case "refresh_token":
		invalid := tokenErr("invalid_grant", errOAuth, nil).withMessage("The refresh token is invalid or expired.")
		rec, err := loadRefresh(c, get("refresh_token"))
		if err != nil || rec.ClientID != clientID || time.Now().After(rec.Expires) {
			return nil, invalid
		}
		ref = rec.User
		// A user deactivated (or deleted) since the login gets no new
		// token, and says so; so does a token revoked since.
		if user, err = a.activeUser(c, ref); err != nil {
			return nil, err
		}
		revoked, err := a.refreshRevoked(c, rec)
		if err != nil {
			return nil, err
		}
		if revoked {
			return nil, invalid
		}
		if len(scope) == 0 {
			scope = rec.Scope
		}
	default:
		return nil, tokenErr("unsupported_grant_type", errOAuth, nil).withMessage("grant_type must be password, client_credentials or refresh_token.")
	}
	return a.issue(c, client.Doc, ref, user, scope)
}

func (e *oauthError) withMessage(m string) *oauthError { e.err.Message = m; return e }

// findUser resolves a username to its user doc, checking it is active and
// its company is active.
func (a *Access) findUser(c *resource.Ctx, username string) (api.Doc, UserRef, error) {
	var ref UserRef
	it, err := c.Deps.Store.Get(c, usernameKey(username))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ref, errBadCredentials()
	}
	if err != nil {
		return nil, ref, err
	}
	if err := json.Unmarshal(it.Doc, &ref); err != nil {
		return nil, ref, err
	}
	u, err := a.activeUser(c, ref)
	return u, ref, err
}

// activeUser loads the user a reference names for a grant, refusing a
// missing user, an inactive one, or one whose company is inactive.
func (a *Access) activeUser(c *resource.Ctx, ref UserRef) (api.Doc, error) {
	u, err := a.LoadUser(c, ref)
	if err != nil {
		return nil, errBadCredentials()
	}
	if active, _ := u["Active"].(bool); !active {
		return nil, tokenErr("invalid_grant", errUserNotActive, nil)
	}
	if k := a.kinds[ref.Kind]; k != nil && k.Companies != nil {
		b, err := c.Reg.Load(c, k.Companies, nil, ref.Company)
		if err != nil {
			return nil, err
		}
		if active, _ := b.Doc["Active"].(bool); !active {
			return nil, tokenErr("invalid_grant", "Auth.CompanyNotActive", nil)
		}
	}
	return u, nil
}

// accessToken signs an access token for a user with roles, living as long
// as the client's AccessTokenDuration says.
func (a *Access) accessToken(c *resource.Ctx, client api.Doc, ref UserRef, username string, roles []string) (*tokenResponse, error) {
	minutes := intField(client, "AccessTokenDuration", 600)
	claims := auth.Claims{Usr: username, Cid: api.Str(client, "ID"), U: ref.UserID, UsrType: a.userType(ref.Kind),
		Role: roles, Cmp: tokenCompany(c, ref)}
	claims.ID = tokenIDAt(time.Now())
	tok, err := c.Deps.Signer.Issue(claims, time.Duration(minutes)*time.Minute)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: tok, ExpiresIn: minutes * 60, TokenType: "bearer"}, nil
}

// issue grants a token (and a refresh token when the client allows) to the
// user ref names; u is its doc when the grant has loaded it already.
func (a *Access) issue(c *resource.Ctx, client api.Doc, ref UserRef, u api.Doc, scope []string) (*tokenResponse, error) {
	ok, err := a.clientAllows(c, client, ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, tokenErr("invalid_grant", errInvalidClientID, nil).withMessage("This API client is not available to this user.")
	}
	if u == nil {
		if u, err = a.LoadUser(c, ref); err != nil {
			return nil, err
		}
	}
	rs, err := a.grantedRoles(c, ref)
	if err != nil {
		return nil, err
	}
	if len(scope) == 0 {
		// No scope asks for every role the user has, as the SDKs document.
		scope = append(append([]string{}, rs.Roles...), rs.CustomRoles...)
	}
	resp, err := a.accessToken(c, client, ref, api.Str(u, "Username"), tokenRoles(scope, rs))
	if err != nil {
		return nil, err
	}
	if rmin := intField(client, "RefreshTokenDuration", 0); rmin > 0 {
		rt := hex.EncodeToString(randBytes(24))
		rec, _ := json.Marshal(refreshRecord{ClientID: api.Str(client, "ID"), User: ref, Scope: scope, Issued: time.Now(),
			Expires: time.Now().Add(time.Duration(rmin) * time.Minute)})
		k := refreshKey(rt)
		if _, err := c.Deps.Store.Put(c, store.Item{PK: k.PK, SK: k.SK, Type: "RefreshToken", ID: k.SK, Doc: rec}, store.Always); err != nil {
			return nil, err
		}
		resp.RefreshToken = rt
	}
	return resp, nil
}

// intField is a positive number field of d, or def.
func intField(d api.Doc, k string, def int) int {
	if v := api.Int(d[k]); v > 0 {
		return v
	}
	return def
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// refreshKey stores refresh tokens by hash, so a table read does not reveal them.
func refreshKey(t string) store.Key {
	sum := sha256.Sum256([]byte(t))
	return store.Key{PK: "RefreshToken", SK: hex.EncodeToString(sum[:])}
}

func loadRefresh(c *resource.Ctx, t string) (*refreshRecord, error) {
	it, err := c.Deps.Store.Get(c, refreshKey(t))
	if err != nil {
		return nil, err
	}
	var rec refreshRecord
	return &rec, json.Unmarshal(it.Doc, &rec)
}

func (a *Access) certs(c *resource.Ctx, w http.ResponseWriter) {
	if c.R.PathValue("kid") != c.Deps.Signer.KeyID() {
		api.WriteError(w, api.NotFound("PublicKey", c.R.PathValue("kid")))
		return
	}
	api.WriteJSON(w, http.StatusOK, c.Deps.Signer.PublicJWK())
}

func (a *Access) userinfo(c *resource.Ctx, w http.ResponseWriter) {
	p, err := resource.Authenticate(c.Deps.Signer, c.R)
	if err == nil {
		err = a.checkToken(c, c.Deps, p)
	}
	if err != nil {
		api.WriteError(w, err)
		return
	}
	info := map[string]any{"sub": p.UserID, "usr": p.Username, "usrtype": p.UserType,
		"cid": p.ClientID, "company": p.CompanyID, "role": p.Roles}
	if p.Claims.OrderID != "" {
		info["orderid"] = p.Claims.OrderID
	}
	api.WriteJSON(w, http.StatusOK, info)
}
