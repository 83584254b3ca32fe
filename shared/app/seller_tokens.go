package app

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Token revocation.
//
// Access tokens are JWTs verified without a database read, so revoking
// them needs a list of revoked users that is cheap to consult:
//
//   - RevokeUserTokens writes one item per user, partition
//     "TokenRevocation", sort key usrtype#company#userID, holding the
//     revocation time in milliseconds. Revoking again overwrites it.
//   - Deactivating or deleting a user revokes its tokens the same way;
//     deactivating or deleting a buyer or supplier revokes every token of
//     its users (key usrtype#company#*), and deactivating or deleting an
//     API client every token issued through it (key client#clientID), in
//     the same transaction as the change.
//   - Each token's ID (jti) starts with its issue time in milliseconds
//     (tokenIDAt), since the iat claim only has whole seconds and a login
//     right after a revoke must not be mistaken for an older token.
//   - Every authenticated request checks the caller against an in-process
//     copy of the recent revocations (those younger than the longest access
//     token life; older ones cannot match a live token). The copy is
//     reloaded with one Query at most every revocationCacheTTL, and the
//     process that revokes updates its copy at once. Another process (a
//     different Lambda) therefore honours a revocation within
//     revocationCacheTTL.
//   - The refresh grant reads the user's item directly (refresh is rare
//     and its tokens live long), and refuses refresh tokens issued before
//     the revocation.
const (
	revocationPK       = "TokenRevocation"
	revocationCacheTTL = 15 * time.Second
	// maxAccessTokenLife bounds AccessTokenDuration (see prepareAPIClient).
	maxAccessTokenLife = 600 * time.Minute
)

// revocationCache is one registry's (one app's) copy of recent revocations.
type revocationCache struct {
	mu     sync.Mutex
	loaded time.Time
	at     map[string]int64 // revocation key → revoked at (ms)
}

// revocations is per registry, so apps built side by side (tests) with
// different tables never share one.
var revocations sync.Map // *resource.Registry → *revocationCache

func revocationsOf(r *resource.Registry) *revocationCache {
	v, _ := revocations.LoadOrStore(r, &revocationCache{})
	return v.(*revocationCache)
}

// revocationKey names a user as its tokens do (usrtype, cmp, u claims).
func revocationKey(userType, company, userID string) string {
	return userType + "#" + company + "#" + userID
}

// companyRevocationKey names every user of a company.
func companyRevocationKey(userType, company string) string {
	return revocationKey(userType, company, "*")
}

// clientRevocationKey names every token issued through an API client.
func clientRevocationKey(clientID string) string { return "client#" + clientID }

// revocationKeys are the keys any of which revokes a token.
func revocationKeys(userType, company, userID, clientID string) []string {
	return []string{revocationKey(userType, company, userID), companyRevocationKey(userType, company), clientRevocationKey(clientID)}
}

// userRevocationKey is revocationKey for the user a reference names.
func userRevocationKey(ref usernameRef) string {
	return revocationKey(userType(ref.Kind), tokenCompany(ref), ref.UserID)
}

// tokenIDAt is a token ID that starts with its issue time (ms, hex).
func tokenIDAt(t time.Time) string {
	return strconv.FormatInt(t.UnixMilli(), 16) + "-" + hex.EncodeToString(randBytes(8))
}

// issuedAtMs reads a token's issue time from its ID, falling back to the
// whole-second iat claim (earlier tokens), which errs towards revoking.
func issuedAtMs(c auth.Claims) int64 {
	if head, _, ok := strings.Cut(c.ID, "-"); ok {
		if ms, err := strconv.ParseInt(head, 16, 64); err == nil {
			return ms
		}
	}
	if c.IssuedAt == nil {
		return 0
	}
	return c.IssuedAt.UnixMilli()
}

// check rejects a caller whose token was issued before their user's
// tokens were revoked.
func (rc *revocationCache) check(ctx context.Context, deps *resource.Deps, p *auth.Principal) error {
	if p.UserID == "" {
		return nil
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if time.Since(rc.loaded) > revocationCacheTTL {
		if err := rc.load(ctx, deps.Store); err != nil {
			return err
		}
	}
	issued := issuedAtMs(p.Claims)
	for _, k := range revocationKeys(p.UserType, p.CompanyID, p.UserID, p.ClientID) {
		if at, ok := rc.at[k]; ok && issued <= at {
			return api.Unauthorized("Access token has been revoked.")
		}
	}
	return nil
}

// load replaces the copy with the revocations a live token could predate.
func (rc *revocationCache) load(ctx context.Context, st store.Store) error {
	items, err := st.Query(ctx, store.Query{PK: revocationPK})
	if err != nil {
		return err
	}
	oldest := time.Now().Add(-maxAccessTokenLife).UnixMilli()
	at := map[string]int64{}
	for _, it := range items {
		ms := revokedAtOf(it)
		if ms >= oldest {
			at[it.SK] = ms
		}
	}
	rc.at, rc.loaded = at, time.Now()
	return nil
}

func (rc *revocationCache) remember(key string, ms int64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.at == nil {
		rc.at = map[string]int64{}
	}
	rc.at[key] = ms
}

type revocationDoc struct {
	RevokedAt int64 // ms since the epoch
}

func revokedAtOf(it store.Item) int64 {
	var d revocationDoc
	_ = json.Unmarshal(it.Doc, &d)
	return d.RevokedAt
}

// revokeTokens records that every token a key names issued until now is void.
func revokeTokens(c *resource.Ctx, key string) error {
	tx := &resource.Tx{}
	revokeInTx(c, tx, key)
	return tx.Commit(c)
}

// revokeInTx adds a revocation to a transaction; this process learns of it
// once the transaction commits, the others within revocationCacheTTL.
func revokeInTx(c *resource.Ctx, tx *resource.Tx, key string) {
	ms := time.Now().UnixMilli()
	b, _ := json.Marshal(revocationDoc{RevokedAt: ms})
	tx.Put(store.Item{PK: revocationPK, SK: key, Type: revocationPK, ID: key, Doc: b}, store.Always)
	rc := revocationsOf(c.Reg)
	tx.AfterCommit(func() { rc.remember(key, ms) })
}

// revokeOnDeactivate revokes the tokens keyOf names when an entity's
// Active turns false (a Prepare hook) ...
func revokeOnDeactivate(keyOf func(c *resource.Ctx, doc api.Doc) string) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if old != nil && old["Active"] == true && doc["Active"] != true {
			revokeInTx(c, tx, keyOf(c, doc))
		}
		return nil
	}
}

// ... or when it is deleted (a BeforeDelete hook).
func revokeOnDelete(keyOf func(c *resource.Ctx, doc api.Doc) string) func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		revokeInTx(c, tx, keyOf(c, doc))
		return nil
	}
}

// revokeWhenGone makes deactivating or deleting an entity of res revoke
// the tokens keyOf names.
func revokeWhenGone(res *resource.Resource, keyOf func(c *resource.Ctx, doc api.Doc) string) {
	res.AlsoPrepare(revokeOnDeactivate(keyOf))
	res.AlsoBeforeDelete(revokeOnDelete(keyOf))
}

// refreshRevoked says whether a refresh token predates a revocation of
// its user, the user's company or its API client.
func refreshRevoked(c *resource.Ctx, rec *refreshRecord) (bool, error) {
	var keys []store.Key
	for _, k := range revocationKeys(userType(rec.User.Kind), tokenCompany(rec.User), rec.User.UserID, rec.ClientID) {
		keys = append(keys, store.Key{PK: revocationPK, SK: k})
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return false, err
	}
	for _, it := range got {
		if rec.Issued.UnixMilli() <= revokedAtOf(it) {
			return true, nil
		}
	}
	return false, nil
}

func declareSellerTokens(r *resource.Registry) {
	rc := revocationsOf(r)
	r.SetTokenCheck(rc.check)
	r.Handle("AdminUsers.RevokeUserTokens", revokeUserTokens("AdminUsers"))
	r.Handle("Users.RevokeUserTokens", revokeUserTokens("Users"))
	r.Handle("AdminUsers.UnlockUserAccount", unlockUserAccount("AdminUsers"))
	r.Handle("Users.UnlockUserAccount", unlockUserAccount("Users"))
	r.Handle("SupplierUsers.RevokeUserTokens", revokeUserTokens("SupplierUsers"))
	r.Handle("SupplierUsers.UnlockUserAccount", unlockUserAccount("SupplierUsers"))
}

// declareTokenLifetimes makes tokens end with their user, its company or
// their API client: deactivating or deleting one revokes them. It runs
// once every user, company and client resource is declared.
func declareTokenLifetimes(r *resource.Registry) {
	userKey := func(userType string) func(*resource.Ctx, api.Doc) string {
		return func(_ *resource.Ctx, u api.Doc) string {
			return revocationKey(userType, api.Str(u, "CompanyID"), api.Str(u, "ID"))
		}
	}
	revokeWhenGone(r.Resource("AdminUsers"), userKey(auth.Admin))
	revokeWhenGone(r.Resource("Users"), userKey(auth.Buyer))
	revokeWhenGone(r.Resource("SupplierUsers"), userKey(auth.Supplier))
	revokeWhenGone(r.Resource("Buyers"), func(_ *resource.Ctx, b api.Doc) string { return companyRevocationKey(auth.Buyer, api.Str(b, "ID")) })
	revokeWhenGone(r.Resource("Suppliers"), func(_ *resource.Ctx, s api.Doc) string { return companyRevocationKey(auth.Supplier, api.Str(s, "ID")) })
	revokeWhenGone(r.Resource("ApiClients"), func(_ *resource.Ctx, cl api.Doc) string { return clientRevocationKey(api.Str(cl, "ID")) })
}

// loadPathUser loads the user a path names (its parents must exist) of a
// user resource (AdminUsers, Users, SupplierUsers: the stored kind is the
// user's, its scope's first value, if any, the user's company).
func loadPathUser(c *resource.Ctx, res *resource.Resource) (*resource.Entity, usernameRef, error) {
	ref := usernameRef{Kind: res.Kind, UserID: c.Param(res.IDParam)}
	var scope []string
	for _, p := range res.Scope {
		scope = append(scope, c.Param(p))
	}
	if len(scope) > 0 {
		ref.Company = scope[0]
	}
	for _, p := range res.Parents {
		if _, err := c.Reg.Load(c, c.Reg.Resource(p.Resource), nil, c.Param(p.Param)); err != nil {
			return nil, ref, err
		}
	}
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	return e, ref, err
}

// revokeUserTokens serves RevokeUserTokens for a user resource.
func revokeUserTokens(resName string) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		_, ref, err := loadPathUser(c, c.Reg.Resource(resName))
		if err != nil {
			return nil, err
		}
		return nil, revokeTokens(c, userRevocationKey(ref))
	}
}

// --- failed logins and lockout ---------------------------------------------

// Without a security profile saying otherwise, ten failed logins lock an
// account for two minutes (OrderCloud's documented default policy).
const (
	defaultAllowedFailedAttempts = 10
	defaultLockoutMinutes        = 2
	lockedIndefinitely           = "indefinite"
)

// lockoutPolicy is the strictest PasswordConfig of the user's security
// profiles: fewest attempts, longest lockout (0 minutes = until unlocked).
type lockoutPolicy struct {
	attempts   int
	minutes    int
	indefinite bool
}

func userLockoutPolicy(c *resource.Ctx, ref usernameRef) (lockoutPolicy, error) {
	pol := lockoutPolicy{attempts: defaultAllowedFailedAttempts, minutes: defaultLockoutMinutes}
	profiles, err := userSecurityProfiles(c, ref)
	if err != nil {
		return pol, err
	}
	set := false
	for _, p := range profiles {
		cfg, _ := p["PasswordConfig"].(map[string]any)
		a := api.Int(cfg["AllowedFailedAttempts"])
		if a < 1 {
			continue
		}
		if !set || a < pol.attempts {
			pol.attempts = a
		}
		if d, ok := cfg["LockoutDuration"].(json.Number); ok {
			m, _ := d.Int64()
			pol.indefinite = pol.indefinite || m == 0
			if !set || int(m) > pol.minutes {
				pol.minutes = int(m)
			}
		}
		set = true
	}
	return pol, nil
}

// userSecurityProfiles loads the security profiles that apply to a user
// (assigned to it, one of its groups, its company, or the marketplace for
// admin users), by the rules grantedRoles applies.
func userSecurityProfiles(c *resource.Ctx, ref usernameRef) ([]api.Doc, error) {
	groups, err := userGroups(c, ref.Kind, ref.Company, ref.UserID)
	if err != nil {
		return nil, err
	}
	docs, err := c.Reg.AllAssignments(c, c.Reg.Assignments("SecurityProfileAssignment"))
	if err != nil {
		return nil, err
	}
	profiles := c.Reg.Resource("SecurityProfiles")
	var keys []store.Key
	for _, d := range docs {
		company := api.Str(d, "BuyerID")
		if ref.Kind == "SupplierUser" {
			company = api.Str(d, "SupplierID")
		} else if api.Str(d, "SupplierID") != "" {
			continue
		}
		user, group := api.Str(d, "UserID"), api.Str(d, "UserGroupID")
		if company != ref.Company {
			continue
		}
		if (user == "" && group == "") || user == ref.UserID || (group != "" && slices.Contains(groups, group)) {
			keys = append(keys, store.Key{PK: profiles.PK(), SK: api.Str(d, "SecurityProfileID")})
		}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	out := make([]api.Doc, 0, len(got))
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// lockedOut refuses a login while the account is locked.
func lockedOut(u api.Doc) error {
	until := api.Str(u, "_lockedUntil")
	if until == "" {
		return nil
	}
	if t := api.Time(until); until == lockedIndefinitely || (t != nil && time.Now().Before(*t)) {
		return tokenErr("invalid_grant", "Auth.LockedOut", nil)
	}
	return nil
}

// editUser re-reads a user and writes change's result, trying again when a
// concurrent write wins (the token endpoint is no registry operation, so
// it retries here). It bypasses the resource's Prepare (which reads the
// company from the request path): only lockout fields change.
func editUser(c *resource.Ctx, ref usernameRef, change func(u api.Doc) bool) error {
	res, scope := userAt(c, ref)
	return resource.RetryDo(c, func() error {
		e, err := c.Reg.Load(c, res, scope, ref.UserID)
		if err != nil {
			return err
		}
		doc := api.Clone(e.Doc)
		if !change(doc) {
			return nil
		}
		_, err = c.Deps.Store.Put(c, res.Item(scope, doc, e.Item.Version), store.IfVersion)
		return err
	})
}

// loginFailed counts a failed password and locks the account when the
// user's policy allows no more attempts.
func loginFailed(c *resource.Ctx, ref usernameRef) error {
	pol, err := userLockoutPolicy(c, ref)
	if err != nil {
		return err
	}
	return editUser(c, ref, func(u api.Doc) bool {
		n := int64(api.Int(u["FailedLoginAttempts"]))
		if api.Str(u, "_lockedUntil") != "" {
			// A lockout that ran out starts the count afresh.
			n = 0
			delete(u, "_lockedUntil")
		}
		n++
		u["FailedLoginAttempts"] = api.Num(n)
		if n >= int64(pol.attempts) {
			if pol.indefinite {
				u["_lockedUntil"] = lockedIndefinitely
			} else {
				u["_lockedUntil"] = api.FormatTime(time.Now().Add(time.Duration(pol.minutes) * time.Minute))
			}
		}
		return true
	})
}

// loginSucceeded clears the failure count.
func loginSucceeded(c *resource.Ctx, ref usernameRef, u api.Doc) error {
	if api.Int(u["FailedLoginAttempts"]) == 0 && api.Str(u, "_lockedUntil") == "" {
		return nil
	}
	return editUser(c, ref, clearLockout)
}

func clearLockout(u api.Doc) bool {
	u["FailedLoginAttempts"] = api.Num(0)
	delete(u, "_lockedUntil")
	return true
}

// unlockUserAccount serves UnlockUserAccount for a user resource.
func unlockUserAccount(resName string) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		_, ref, err := loadPathUser(c, c.Reg.Resource(resName))
		if err != nil {
			return nil, err
		}
		return nil, editUser(c, ref, clearLockout)
	}
}
