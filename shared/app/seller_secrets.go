package app

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// An API client may hold several named secrets besides its ClientSecret
// field, so a secret can be rotated without downtime: create a new one,
// move the integrations over, delete the old one. A secret's value is
// shown once, in the create response; only its SHA-256 is stored (the
// values are random and long, so a fast hash is enough).
func declareSellerSecrets(r *resource.Registry) {
	r.Add(&resource.Resource{Name: "ApiClientSecrets", Model: "ApiClientSecret", ObjectType: "ApiClientSecret", IDParam: "apiClientSecretID",
		Scope: []string{"apiClientID"}, Parents: []resource.Parent{{Param: "apiClientID", Resource: "ApiClients"}},
		OpIDs: map[string]string{"List": "ApiClients.ListSecrets", "Get": "ApiClients.GetSecret", "Patch": "ApiClients.PatchSecret",
			"Delete": "ApiClients.DeleteSecret", "Create": "", "Save": ""}})
	r.Handle("ApiClients.CreateSecret", createClientSecret)
}

func secretHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// createClientSecret stores a new secret and answers with its value.
func createClientSecret(c *resource.Ctx) (any, error) {
	res := c.Reg.Resource("ApiClientSecrets")
	clientID := c.Param("apiClientID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("ApiClients"), nil, clientID); err != nil {
		return nil, err
	}
	doc, err := c.Decode(res.ContractModel(), false)
	if err != nil {
		return nil, err
	}
	if exp := api.Time(doc["Expiration"]); exp != nil && !exp.After(time.Now()) {
		return nil, api.E(http.StatusBadRequest, "ApiClientSecret.InvalidExpirationDate", nil)
	}
	value := base64.RawURLEncoding.EncodeToString(randBytes(32))
	doc["_hash"] = secretHash(value)
	// Insert gives doc its ID and defaults in place.
	if _, err := c.Reg.Insert(c, res, []string{clientID}, doc); err != nil {
		return nil, err
	}
	out := api.Clone(doc)
	out["ClientSecret"] = value
	return api.Ordered{Model: modelOf("ApiClientSecretCreateResponse"), Doc: out}, nil
}

// clientSecretCheck compares a presented client secret with the client's
// ClientSecret and its unexpired named secrets. required says whether the
// client has any secret at all (then every grant must present one).
func clientSecretCheck(c *resource.Ctx, client api.Doc, presented string) (ok, required bool, err error) {
	if s := api.Str(client, "ClientSecret"); s != "" {
		required = true
		if subtle.ConstantTimeCompare([]byte(s), []byte(presented)) == 1 {
			return true, true, nil
		}
	}
	docs, err := c.Reg.All(c, c.Reg.Resource("ApiClientSecrets"), []string{api.Str(client, "ID")})
	if err != nil {
		return false, required, err
	}
	h := secretHash(presented)
	now := time.Now()
	for _, d := range docs {
		if exp := api.Time(d["Expiration"]); exp != nil && !exp.After(now) {
			continue
		}
		required = true
		if presented != "" && subtle.ConstantTimeCompare([]byte(api.Str(d, "_hash")), []byte(h)) == 1 {
			ok = true
		}
	}
	return ok, required, nil
}
