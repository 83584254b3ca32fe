package access

import (
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

var impersonateTokenRequest = contract.MustModel("ImpersonateTokenRequest")

func (a *Access) declareImpersonation(r *resource.Registry) {
	a.ImpersonationConfigs = r.Add(&resource.Resource{Name: "ImpersonationConfigs", Model: "ImpersonationConfig",
		IDParam: "impersonationConfigID", Prepare: a.prepareImpersonationConfig})
}

// prepareImpersonationConfig checks every party the config names exists
// (impersonator and impersonatee: a buyer, one of its groups or users; an
// impersonator without a buyer is an admin user or group) and that no other
// config has the same client, profile and parties.
func (a *Access) prepareImpersonationConfig(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if _, err := c.Reg.Load(c, a.ApiClients, nil, api.Str(doc, "ClientID")); err != nil {
		return err
	}
	if _, err := c.Reg.Load(c, a.SecurityProfiles, nil, api.Str(doc, "SecurityProfileID")); err != nil {
		return err
	}
	if err := a.impersonationPartyExists(c, api.Str(doc, "ImpersonationBuyerID"), api.Str(doc, "ImpersonationGroupID"), api.Str(doc, "ImpersonationUserID"), true); err != nil {
		return err
	}
	if err := a.impersonationPartyExists(c, api.Str(doc, "BuyerID"), api.Str(doc, "GroupID"), api.Str(doc, "UserID"), false); err != nil {
		return err
	}
	all, err := c.Reg.All(c, a.ImpersonationConfigs, nil)
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
func (a *Access) impersonationPartyExists(c *resource.Ctx, buyerID, groupID, userID string, adminWithoutBuyer bool) error {
	buyers := a.kinds["BuyerUser"]
	users, groups, scope := buyers.Users, buyers.Groups, []string{buyerID}
	if buyerID == "" {
		if !adminWithoutBuyer {
			return nil
		}
		users, groups, scope = a.Admin.Users, a.Admin.Groups, nil
	} else if _, err := c.Reg.Load(c, buyers.Companies, nil, buyerID); err != nil {
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

func (a *Access) refusedByImpersonationConfig(c *resource.Ctx, field, id, code string) error {
	all, err := c.Reg.All(c, a.ImpersonationConfigs, nil)
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

// impersonationToken issues a token for a buyer user to a caller allowed
// to impersonate them by an impersonation config: one naming the client,
// a party containing the user (or any buyer) and a party containing the
// caller. The token carries the requested roles that the configs'
// security profiles grant (all of them when none are requested).
func (a *Access) impersonationToken(c *resource.Ctx) (any, error) {
	req, err := c.Decode(impersonateTokenRequest, false)
	if err != nil {
		return nil, err
	}
	e, target, err := a.loadPathUser(c, a.kinds["BuyerUser"])
	if err != nil {
		return nil, err
	}
	user := e.Doc
	client, err := c.Reg.Load(c, a.ApiClients, nil, api.Str(req, "ClientID"))
	if err != nil {
		return nil, api.E(http.StatusNotFound, "Impersonation.ClientIDNotFound", map[string]any{"ClientID": req["ClientID"]})
	}
	if ok, err := a.clientAllows(c, client.Doc, target); err != nil {
		return nil, err
	} else if !ok {
		return nil, api.E(http.StatusBadRequest, "Impersonation.BuyerNotAssigned", nil)
	}
	if user["Active"] != true {
		return nil, api.E(http.StatusBadRequest, errUserNotActive, nil)
	}
	rs, err := a.impersonationRoles(c, api.Str(req, "ClientID"), target)
	if err != nil {
		return nil, err
	}
	if len(rs.Roles) == 0 && len(rs.CustomRoles) == 0 {
		return nil, api.E(http.StatusBadRequest, "Impersonation.ConfigError", nil)
	}
	requested := append(api.Strings(req["Roles"]), api.Strings(req["CustomRoles"])...)
	if len(requested) == 0 {
		requested = append(slices.Clone(rs.Roles), rs.CustomRoles...)
	}
	resp, err := a.accessToken(c, client.Doc, target, api.Str(user, "Username"), tokenRoles(requested, rs))
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// impersonationRoles unions the roles of the security profiles of the
// impersonation configs that let the caller impersonate target with clientID.
func (a *Access) impersonationRoles(c *resource.Ctx, clientID string, target UserRef) (roleSet, error) {
	switch {
	case c.P.UserType == auth.Supplier:
		// Impersonators are marketplace admins or buyer users.
		return roleSet{}, nil
	case c.P.UserType == auth.Buyer && c.P.CompanyID != target.Company:
		// Buyer users impersonate only within their own company.
		return roleSet{}, nil
	}
	configs, err := c.Reg.All(c, a.ImpersonationConfigs, nil)
	if err != nil {
		return roleSet{}, err
	}
	caller := a.Caller(c)
	callerGroups, err := a.UserGroups(c, caller)
	if err != nil {
		return roleSet{}, err
	}
	targetGroups, err := a.UserGroups(c, target)
	if err != nil {
		return roleSet{}, err
	}
	var keys []store.Key
	for _, d := range configs {
		impersonatee := api.Str(d, "ClientID") == clientID &&
			(api.Str(d, "BuyerID") == "" || api.Str(d, "BuyerID") == target.Company) &&
			(api.Str(d, "GroupID") == "" || slices.Contains(targetGroups, api.Str(d, "GroupID"))) &&
			(api.Str(d, "UserID") == "" || api.Str(d, "UserID") == target.UserID)
		impersonator := api.Str(d, "ImpersonationBuyerID") == caller.Company &&
			(api.Str(d, "ImpersonationGroupID") == "" || slices.Contains(callerGroups, api.Str(d, "ImpersonationGroupID"))) &&
			(api.Str(d, "ImpersonationUserID") == "" || api.Str(d, "ImpersonationUserID") == caller.UserID)
		if impersonatee && impersonator {
			keys = append(keys, store.Key{PK: a.SecurityProfiles.PK(), SK: api.Str(d, "SecurityProfileID")})
		}
	}
	profiles, err := loadDocs(c, keys)
	return profileRoles(profiles).ofType(a.userType(target.Kind)), err
}
