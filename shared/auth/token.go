// Package auth issues and verifies OrderCloud-style access tokens (RS256 JWTs
// whose claims the SDKs decode), hashes passwords, and decides whether a
// caller's roles allow an operation. It does no I/O besides reading or
// creating the signing key through a KeyStore.
package auth

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// User types carried in the usrtype claim.
const (
	Admin    = "admin"
	Buyer    = "buyer"
	Supplier = "supplier"
)

// Issuer and Audience of tokens.
const (
	Issuer   = "ordercloud-serverless"
	Audience = "ordercloud-serverless-api"
)

// Roles is the role claim: a string for one role, an array for more, as
// OrderCloud emits it; either form is accepted when reading.
type Roles []string

func (r Roles) MarshalJSON() ([]byte, error) {
	if len(r) == 1 {
		return json.Marshal(r[0])
	}
	return json.Marshal([]string(r))
}

func (r *Roles) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*r = Roles{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*r = many
	return nil
}

// Claims of an access token.
type Claims struct {
	Usr     string `json:"usr"`
	Cid     string `json:"cid"`
	U       string `json:"u"`
	UsrType string `json:"usrtype"`
	Role    Roles  `json:"role"`
	// Cmp is the user's company (buyer or supplier ID; the marketplace for admins).
	Cmp string `json:"cmp,omitempty"`
	// OrderID is set on anonymous shoppers' tokens (their order) and on
	// group order tokens (the order they contribute to): either token
	// reaches that one order only.
	OrderID string `json:"orderid,omitempty"`
	// Invitation is the group order invitation a group order token was
	// issued for (not an OrderCloud claim).
	Invitation string `json:"invitationid,omitempty"`
	jwt.RegisteredClaims
}

// Principal is the verified caller of a request.
type Principal struct {
	UserID, Username, UserType, CompanyID, ClientID string
	Roles                                           []string
	Claims                                          Claims
}

// Has reports whether the caller holds role (FullAccess holds every role).
// Only roles that apply to the caller's user type count, so a token
// minted before a profile changed cannot carry a role its user may not hold.
func (p *Principal) Has(role string) bool {
	if !RoleApplies(p.UserType, role) {
		return false
	}
	return slices.Contains(p.Roles, role) || slices.Contains(p.Roles, "FullAccess")
}

// Confined reports whether the caller's token reaches one order only: an
// anonymous shopper's or a group order contributor's.
func (p *Principal) Confined() bool { return p.Claims.OrderID != "" }

// Anonymous reports whether the caller is an anonymous shopper (a token
// of an IsAnonBuyer API client, acting as its default context user).
func (p *Principal) Anonymous() bool { return p.Claims.OrderID != "" && p.Claims.Invitation == "" }

// HasAny reports whether the caller holds at least one of roles.
func (p *Principal) HasAny(roles []string) bool {
	for _, r := range roles {
		if r != "FullAccess" && p.Has(r) {
			return true
		}
	}
	// An operation only FullAccess allows needs FullAccess itself, and is
	// the marketplace's.
	return slices.Contains(roles, "FullAccess") && p.UserType == Admin && slices.Contains(p.Roles, "FullAccess")
}

// Signer signs and verifies tokens with one RSA key.
type Signer struct {
	key *rsa.PrivateKey
	kid string
}

// NewSigner wraps a key; its kid is derived from the public key.
func NewSigner(key *rsa.PrivateKey) *Signer {
	sum := sha256.Sum256(key.PublicKey.N.Bytes())
	return &Signer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:12])}
}

// KeyID is the kid of tokens this signer makes.
func (s *Signer) KeyID() string { return s.kid }

// Issue signs claims valid from now for d.
func (s *Signer) Issue(c Claims, d time.Duration) (string, error) {
	now := time.Now()
	c.Issuer, c.Audience = Issuer, jwt.ClaimStrings{Audience}
	c.NotBefore = jwt.NewNumericDate(now.Add(-time.Second))
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(d))
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = s.kid
	return t.SignedString(s.key)
}

// ErrBadToken covers malformed, wrongly signed and expired tokens.
var ErrBadToken = errors.New("invalid or expired token")

// Verify checks a token's signature and times, without any database call.
func (s *Signer) Verify(token string) (*Principal, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return &s.key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(Audience), jwt.WithIssuer(Issuer), jwt.WithExpirationRequired())
	if err != nil {
		return nil, ErrBadToken
	}
	return &Principal{UserID: c.U, Username: c.Usr, UserType: c.UsrType, CompanyID: c.Cmp, ClientID: c.Cid,
		Roles: c.Role, Claims: c}, nil
}

// PublicJWK is the signing key as a JSON Web Key, served at
// /oauth/certs/{kid} so middleware can verify tokens itself.
func (s *Signer) PublicJWK() map[string]any {
	pub := s.key.PublicKey
	return map[string]any{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())}
}
