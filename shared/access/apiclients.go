package access

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

var secretCreateResponse = contract.MustModel("ApiClientSecretCreateResponse")

func (a *Access) declareAPIClients(r *resource.Registry) {
	a.ApiClients = r.Add(&resource.Resource{Name: "ApiClients", Model: "ApiClient", IDParam: "apiClientID", Prepare: a.prepareAPIClient})
	a.ApiClientAssignments = r.AddAssignment(&resource.Assignment{Resource: "ApiClients", Save: "SaveAssignment", List: "ListAssignments",
		Delete: "DeleteBuyerAssignment", MoreDeletes: []string{"DeleteSupplierAssignment"}, Model: "ApiClientAssignment",
		Key: []string{"ApiClientID", "BuyerID", "SupplierID"},
		Refs: []resource.Ref{{Field: "ApiClientID", Resource: "ApiClients"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"}},
		Counts: []resource.Counter{{Field: "AssignedBuyerCount", Resource: "ApiClients", By: "ApiClientID", If: "BuyerID"},
			{Field: "AssignedSupplierCount", Resource: "ApiClients", By: "ApiClientID", If: "SupplierID"}}})
	// An API client may hold several named secrets besides its
	// ClientSecret field, so a secret can be rotated without downtime:
	// create a new one, move the integrations over, delete the old one. A
	// secret's value is shown once, in the create response; only its
	// SHA-256 is stored (the values are random and long, so a fast hash is
	// enough).
	a.ApiClientSecrets = r.Add(&resource.Resource{Name: "ApiClientSecrets", Model: "ApiClientSecret", ObjectType: "ApiClientSecret",
		IDParam: "apiClientSecretID", Scope: []string{"apiClientID"}, Parents: []resource.Parent{{Param: "apiClientID", Resource: "ApiClients"}},
		OpIDs: map[string]string{"List": "ApiClients.ListSecrets", "Get": "ApiClients.GetSecret", "Patch": "ApiClients.PatchSecret",
			"Delete": "ApiClients.DeleteSecret", "Create": "", "Save": ""}})
	r.Handle("ApiClients.CreateSecret", a.createClientSecret)
	// A client's secrets go with it; one an impersonation config uses
	// cannot go.
	a.ApiClients.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		if err := a.refusedByImpersonationConfig(c, "ClientID", api.Str(doc, "ID"), "ApiClient.UsedByImpersonationConfig"); err != nil {
			return err
		}
		return c.Reg.DeleteScopedUnder(c, tx, "apiClientID", api.Str(doc, "ID"), nil)
	})
	a.revokeWhenGone(a.ApiClients, func(_ *resource.Ctx, cl api.Doc) string { return clientRevocationKey(api.Str(cl, "ID")) })
}

func (a *Access) prepareAPIClient(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if n, ok := doc["AccessTokenDuration"].(json.Number); ok {
		if v, _ := n.Int64(); v < 10 || v > 600 {
			return api.Validation("AccessTokenDuration", "AccessTokenDuration must be between 10 and 600 minutes.")
		}
	}
	if doc["IsAnonBuyer"] == true && api.Str(doc, "DefaultContextUserName") == "" {
		return api.E(http.StatusBadRequest, "ApiClient.RequiredNotAnonBuyer", nil)
	}
	return nil
}

func secretHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// createClientSecret stores a new secret and answers with its value.
func (a *Access) createClientSecret(c *resource.Ctx) (any, error) {
	res := a.ApiClientSecrets
	clientID := c.Param("apiClientID")
	if _, err := c.Reg.Load(c, a.ApiClients, nil, clientID); err != nil {
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
	return api.Ordered{Model: secretCreateResponse, Doc: out}, nil
}

// clientSecretCheck compares a presented client secret with the client's
// ClientSecret and its unexpired named secrets. required says whether the
// client has any secret at all (then every grant must present one).
func (a *Access) clientSecretCheck(c *resource.Ctx, client api.Doc, presented string) (ok, required bool, err error) {
	if s := api.Str(client, "ClientSecret"); s != "" {
		required = true
		if subtle.ConstantTimeCompare([]byte(s), []byte(presented)) == 1 {
			return true, true, nil
		}
	}
	docs, err := c.Reg.All(c, a.ApiClientSecrets, []string{api.Str(client, "ID")})
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

// clientAllows says whether an API client may be used by a user's kind and company.
func (a *Access) clientAllows(c *resource.Ctx, client api.Doc, ref UserRef) (bool, error) {
	switch ref.Kind {
	case "AdminUser":
		return client["AllowSeller"] == true, nil
	case "BuyerUser":
		if client["AllowAnyBuyer"] == true {
			return true, nil
		}
	default:
		if client["AllowAnySupplier"] == true {
			return true, nil
		}
	}
	field := map[string]string{"BuyerUser": "BuyerID", "SupplierUser": "SupplierID"}[ref.Kind]
	docs, err := c.Reg.AssignmentsWith(c, a.ApiClientAssignments, "ApiClientID", api.Str(client, "ID"))
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if api.Str(d, field) == ref.Company {
			return true, nil
		}
	}
	return false, nil
}
