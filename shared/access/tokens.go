package access

import (
	"context"
	"encoding/hex"
	"encoding/json"
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
//     token life, an anonymous shopper's week; older ones cannot match a
//     live token). The copy is
//     reloaded with one Query at most every revocationCacheTTL, and the
//     process that revokes updates its copy at once. Another process (a
//     different Lambda) therefore honours a revocation within
//     revocationCacheTTL.
//   - The refresh grant reads the keys that could revoke its token directly
//     (refresh is rare and its tokens live long), and refuses refresh
//     tokens issued before the revocation.
const (
	revocationPK       = "TokenRevocation"
	revocationCacheTTL = 15 * time.Second
	// maxAccessTokenLife bounds AccessTokenDuration (see prepareAPIClient).
	maxAccessTokenLife = 600 * time.Minute
)

// revocationCache is one app's copy of recent revocations.
type revocationCache struct {
	mu     sync.Mutex
	loaded time.Time
	at     map[string]int64 // revocation key → revoked at (ms)
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
func (a *Access) userRevocationKey(c *resource.Ctx, ref UserRef) string {
	return revocationKey(a.userType(ref.Kind), tokenCompany(c, ref), ref.UserID)
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
	oldest := time.Now().Add(-longestTokenLife).UnixMilli()
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

// RevokeUser voids every token of a user issued until now.
func (a *Access) RevokeUser(c *resource.Ctx, ref UserRef) error {
	return a.revokeTokens(c, a.userRevocationKey(c, ref))
}

// revokeTokens records that every token a key names issued until now is void.
func (a *Access) revokeTokens(c *resource.Ctx, key string) error {
	tx := &resource.Tx{}
	a.revokeInTx(c, tx, key)
	return tx.Commit(c)
}

// revokeInTx adds a revocation to a transaction; this process learns of it
// once the transaction commits, the others within revocationCacheTTL.
func (a *Access) revokeInTx(c *resource.Ctx, tx *resource.Tx, key string) {
	ms := time.Now().UnixMilli()
	b, _ := json.Marshal(revocationDoc{RevokedAt: ms})
	tx.Put(store.Item{PK: revocationPK, SK: key, Type: revocationPK, ID: key, Doc: b}, store.Always)
	tx.AfterCommit(func() { a.revocations.remember(key, ms) })
}

// revokeOnDeactivate revokes the tokens keyOf names when an entity's
// Active turns false (a Prepare hook) ...
func (a *Access) revokeOnDeactivate(keyOf func(c *resource.Ctx, doc api.Doc) string) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if old != nil && old["Active"] == true && doc["Active"] != true {
			a.revokeInTx(c, tx, keyOf(c, doc))
		}
		return nil
	}
}

// ... or when it is deleted (a BeforeDelete hook).
func (a *Access) revokeOnDelete(keyOf func(c *resource.Ctx, doc api.Doc) string) func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		a.revokeInTx(c, tx, keyOf(c, doc))
		return nil
	}
}

// revokeWhenGone makes deactivating or deleting an entity of res revoke
// the tokens keyOf names.
func (a *Access) revokeWhenGone(res *resource.Resource, keyOf func(c *resource.Ctx, doc api.Doc) string) {
	res.AlsoPrepare(a.revokeOnDeactivate(keyOf))
	res.AlsoBeforeDelete(a.revokeOnDelete(keyOf))
}

// refreshRevoked says whether a refresh token predates a revocation of
// its user, the user's company or its API client.
func (a *Access) refreshRevoked(c *resource.Ctx, rec *refreshRecord) (bool, error) {
	var keys []store.Key
	for _, k := range revocationKeys(a.userType(rec.User.Kind), tokenCompany(c, rec.User), rec.User.UserID, rec.ClientID) {
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

// loadPathUser loads the user of kind k a path names (its company must
// exist).
func (a *Access) loadPathUser(c *resource.Ctx, k *UserKind) (*resource.Entity, UserRef, error) {
	ref := UserRef{Kind: k.Kind, UserID: c.Param(k.Users.IDParam)}
	var scope []string
	if k.Companies != nil {
		ref.Company = c.Param(k.CompanyParam)
		scope = []string{ref.Company}
		if _, err := c.Reg.Load(c, k.Companies, nil, ref.Company); err != nil {
			return nil, ref, err
		}
	}
	e, err := c.Reg.Load(c, k.Users, scope, ref.UserID)
	return e, ref, err
}

// revokeUserTokens serves RevokeUserTokens for a user resource.
func (a *Access) revokeUserTokens(k *UserKind) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		_, ref, err := a.loadPathUser(c, k)
		if err != nil {
			return nil, err
		}
		return nil, a.RevokeUser(c, ref)
	}
}
