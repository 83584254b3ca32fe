package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// declareSellerExt declares API client secrets, impersonation configs, OpenID Connects, locales, XP indices, buyer groups, user moves, impersonation tokens, token revocation and account unlock.
func declareSellerExt(r *resource.Registry) {
	declareSellerSecrets(r)
	declareSellerTokens(r)
	declareSellerUsers(r)

	r.Add(&resource.Resource{Name: "ImpersonationConfigs", Model: "ImpersonationConfig", IDParam: "impersonationConfigID",
		Prepare: prepareImpersonationConfig})
	r.Add(&resource.Resource{Name: "OpenIdConnects", Model: "OpenIdConnect", IDParam: "openidconnectID", Prepare: prepareOpenIDConnect})
	r.Add(&resource.Resource{Name: "BuyerGroups", Model: "BuyerGroup", IDParam: "buyerGroupID"})

	r.Add(&resource.Resource{Name: "Locales", Model: "Locale", IDParam: "localeID", Prepare: prepareLocale})
	// A party has one locale: saving another for the same buyer or group
	// replaces it, which is why the locale is not part of the key.
	r.AddAssignment(&resource.Assignment{Resource: "Locales", Save: "SaveAssignment", Delete: "DeleteAssignment", List: "ListAssignments",
		Model: "LocaleAssignment", Key: []string{"BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "LocaleID", Resource: "Locales"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Party: true})

	r.Handle("XpIndices.List", listXpIndices)
	r.Handle("XpIndices.Put", putXpIndex)
	r.Handle("XpIndices.Delete", deleteXpIndex)

	guardSellerDeletes(r)
}

// prepareLocale owns the locale by the marketplace and keeps each
// language/currency pair unique across the marketplace.
func prepareLocale(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if err := setOwner(c, old, doc, tx); err != nil {
		return err
	}
	all, err := c.Reg.All(c, c.Reg.Resource("Locales"), nil)
	if err != nil {
		return err
	}
	for _, l := range all {
		if api.Str(l, "ID") != api.Str(doc, "ID") && strings.EqualFold(api.Str(l, "Currency"), api.Str(doc, "Currency")) &&
			strings.EqualFold(api.Str(l, "Language"), api.Str(doc, "Language")) {
			return api.E(http.StatusBadRequest, "Locale.DuplicateLanguageAndCurrency", nil)
		}
	}
	return nil
}

// prepareOpenIDConnect checks the API client the configuration signs in to.
func prepareOpenIDConnect(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	_, err := c.Reg.Load(c, c.Reg.Resource("ApiClients"), nil, api.Str(doc, "OrderCloudApiClientID"))
	return err
}

// prepareImpersonationConfig checks every party the config names exists
// (impersonator and impersonatee: a buyer, one of its groups or users; an
// impersonator without a buyer is an admin user or group) and that no other
// config has the same client, profile and parties.
func prepareImpersonationConfig(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if _, err := c.Reg.Load(c, c.Reg.Resource("ApiClients"), nil, api.Str(doc, "ClientID")); err != nil {
		return err
	}
	if _, err := c.Reg.Load(c, c.Reg.Resource("SecurityProfiles"), nil, api.Str(doc, "SecurityProfileID")); err != nil {
		return err
	}
	if err := impersonationPartyExists(c, api.Str(doc, "ImpersonationBuyerID"), api.Str(doc, "ImpersonationGroupID"), api.Str(doc, "ImpersonationUserID"), true); err != nil {
		return err
	}
	if err := impersonationPartyExists(c, api.Str(doc, "BuyerID"), api.Str(doc, "GroupID"), api.Str(doc, "UserID"), false); err != nil {
		return err
	}
	all, err := c.Reg.All(c, c.Reg.Resource("ImpersonationConfigs"), nil)
	if err != nil {
		return err
	}
	fields := []string{"ClientID", "SecurityProfileID", "ImpersonationBuyerID", "ImpersonationGroupID", "ImpersonationUserID", "BuyerID", "GroupID", "UserID"}
	for _, other := range all {
		if api.Str(other, "ID") == api.Str(doc, "ID") {
			continue
		}
		same := true
		for _, f := range fields {
			same = same && api.Str(other, f) == api.Str(doc, f)
		}
		if same {
			return api.E(http.StatusBadRequest, "ImpersonationConfig.ConflictingImpersonationConfigExists", nil)
		}
	}
	return nil
}

// impersonationPartyExists loads the named buyer, group and user. Without
// a buyer, the impersonator's group and user are the marketplace's own.
func impersonationPartyExists(c *resource.Ctx, buyerID, groupID, userID string, adminWithoutBuyer bool) error {
	users, groups, scope := c.Reg.Resource("Users"), c.Reg.Resource("UserGroups"), []string{buyerID}
	if buyerID == "" {
		if !adminWithoutBuyer {
			return nil
		}
		users, groups, scope = c.Reg.Resource("AdminUsers"), c.Reg.Resource("AdminUserGroups"), nil
	} else if _, err := c.Reg.Load(c, c.Reg.Resource("Buyers"), nil, buyerID); err != nil {
		return err
	}
	if groupID != "" {
		if _, err := c.Reg.Load(c, groups, scope, groupID); err != nil {
			return err
		}
	}
	if userID != "" {
		if _, err := c.Reg.Load(c, users, scope, userID); err != nil {
			return err
		}
	}
	return nil
}

// guardSellerDeletes adds to the delete hooks of resources declared
// elsewhere what this file's resources need: an API client's secrets go
// with it, and a client or security profile that an impersonation config
// uses cannot be deleted.
func guardSellerDeletes(r *resource.Registry) {
	r.Resource("ApiClients").AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		if err := refusedByImpersonationConfig(c, "ClientID", api.Str(doc, "ID"), "ApiClient.UsedByImpersonationConfig"); err != nil {
			return err
		}
		return deleteScopedUnder(c, tx, "apiClientID", api.Str(doc, "ID"))
	})
	r.Resource("SecurityProfiles").AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		return refusedByImpersonationConfig(c, "SecurityProfileID", api.Str(doc, "ID"), "Impersonation.CannotDeleteSecurityProfile")
	})
}

func refusedByImpersonationConfig(c *resource.Ctx, field, id, code string) error {
	all, err := c.Reg.All(c, c.Reg.Resource("ImpersonationConfigs"), nil)
	if err != nil {
		return err
	}
	for _, d := range all {
		if api.Str(d, field) == id {
			return api.E(http.StatusBadRequest, code, map[string]any{"ImpersonationConfigID": d["ID"]})
		}
	}
	return nil
}

// --- XP indices ------------------------------------------------------------

// XP indices are stored one item per (thing type, key) in one partition.
const xpIndexPK = "XpIndex"

func xpIndexSK(thingType, key string) string { return thingType + "|" + key }

func listXpIndices(c *resource.Ctx) (any, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: xpIndexPK})
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return c.Reg.Page(c, modelOf("XpIndex"), docs, nil)
}

// putXpIndex saves an index; both fields are needed to name it, though
// the contract marks neither required.
func putXpIndex(c *resource.Ctx) (any, error) {
	doc, err := c.Decode(modelOf("XpIndex"), false)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"ThingType", "Key"} {
		if api.Str(doc, f) == "" {
			return nil, api.Validation(f, f+" is required.")
		}
	}
	sk := xpIndexSK(api.Str(doc, "ThingType"), api.Str(doc, "Key"))
	b, _ := api.Ordered{Model: modelOf("XpIndex"), Doc: doc}.MarshalJSON()
	_, err = c.Deps.Store.Put(c, store.Item{PK: xpIndexPK, SK: sk, Type: xpIndexPK, ID: sk, Doc: b}, store.Always)
	return nil, err
}

func deleteXpIndex(c *resource.Ctx) (any, error) {
	thing, key := c.Param("thingType"), c.Param("key")
	for _, t := range contract.Enum("XpThingType") {
		if strings.EqualFold(t, thing) {
			thing = t
		}
	}
	k := store.Key{PK: xpIndexPK, SK: xpIndexSK(thing, key)}
	if _, err := c.Deps.Store.Get(c, k); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, api.NotFound("XpIndex", thing+"/"+key)
		}
		return nil, err
	}
	return nil, c.Deps.Store.Delete(c, k, store.Always)
}
