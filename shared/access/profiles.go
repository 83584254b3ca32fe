package access

import (
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (a *Access) declareProfiles(r *resource.Registry) {
	a.SecurityProfiles = r.Add(&resource.Resource{Name: "SecurityProfiles", Model: "SecurityProfile", IDParam: "securityProfileID"})
	a.SecurityProfileAssignments = r.AddAssignment(&resource.Assignment{Resource: "SecurityProfiles", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "SecurityProfileAssignment",
		Key: []string{"SecurityProfileID", "BuyerID", "SupplierID", "UserGroupID", "UserID"}, IndexBy: []string{"BuyerID", "SupplierID"},
		Refs: []resource.Ref{{Field: "SecurityProfileID", Resource: "SecurityProfiles"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"},
			{Field: "UserID", Resource: "Users", ScopeFields: []string{"BuyerID"}},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Prepare: a.prepareSecurityProfileAssignment, Party: true})
	// A profile an impersonation config uses cannot go.
	a.SecurityProfiles.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		return a.refusedByImpersonationConfig(c, "SecurityProfileID", api.Str(doc, "ID"), "Impersonation.CannotDeleteSecurityProfile")
	})
}

// prepareSecurityProfileAssignment checks parties that have no company:
// a user or group without BuyerID/SupplierID is an admin user or group.
func (a *Access) prepareSecurityProfileAssignment(c *resource.Ctx, doc api.Doc) error {
	if api.Str(doc, "BuyerID") != "" || api.Str(doc, "SupplierID") != "" {
		return nil
	}
	if id := api.Str(doc, "UserID"); id != "" {
		if _, err := c.Reg.Load(c, a.Admin.Users, nil, id); err != nil {
			return err
		}
	}
	if id := api.Str(doc, "UserGroupID"); id != "" {
		if _, err := c.Reg.Load(c, a.Admin.Groups, nil, id); err != nil {
			return err
		}
	}
	return nil
}

// roleSet is what a user's security profiles grant.
type roleSet struct {
	Roles, CustomRoles []string
	userType           string // whose roles these are ("" when unknown)
}

// grantedRoles unions the roles of every security profile that applies to
// the user, keeping those of its user type.
func (a *Access) grantedRoles(c *resource.Ctx, ref UserRef) (roleSet, error) {
	profiles, err := a.userProfiles(c, ref)
	if err != nil {
		return roleSet{}, err
	}
	return profileRoles(profiles).ofType(a.userType(ref.Kind)), nil
}

// userProfiles loads the security profiles that apply to a user: those
// assigned to it, to one of its groups or to its company (to the
// marketplace, for admin users).
func (a *Access) userProfiles(c *resource.Ctx, ref UserRef) ([]api.Doc, error) {
	groups, err := a.UserGroups(c, ref)
	if err != nil {
		return nil, err
	}
	return a.profilesOf(c, ref, groups)
}

// profilesOf loads the security profiles that apply to a user in groups.
func (a *Access) profilesOf(c *resource.Ctx, ref UserRef, groups []string) ([]api.Doc, error) {
	k := a.kinds[ref.Kind]
	// The assignments of the user's company (its index), or the
	// marketplace's own (no buyer, no supplier) for admin users.
	field := "BuyerID"
	if k != nil && k.Companies != nil {
		field = k.CompanyField
	}
	// Once per request: a list page presents many users of one company.
	v, err := c.Memo("profile-assignments#"+field+"#"+ref.Company, func() (any, error) {
		return c.Reg.AssignmentsWith(c, a.SecurityProfileAssignments, field, ref.Company)
	})
	if err != nil {
		return nil, err
	}
	docs := v.([]api.Doc)
	var keys []store.Key
	for _, d := range docs {
		buyer, supplier, user, group := api.Str(d, "BuyerID"), api.Str(d, "SupplierID"), api.Str(d, "UserID"), api.Str(d, "UserGroupID")
		company := ""
		if k != nil && k.Companies != nil {
			company = api.Str(d, k.CompanyField)
		}
		if company != ref.Company || (buyer != "" && buyer != company) || (supplier != "" && supplier != company) {
			continue
		}
		if (user == "" && group == "") || user == ref.UserID || (group != "" && slices.Contains(groups, group)) {
			keys = append(keys, store.Key{PK: a.SecurityProfiles.PK(), SK: api.Str(d, "SecurityProfileID")})
		}
	}
	return a.profilesAt(c, keys)
}

// profilesAt reads security profiles, each once per request.
func (a *Access) profilesAt(c *resource.Ctx, keys []store.Key) ([]api.Doc, error) {
	var missing []store.Key
	for _, k := range keys {
		if _, ok := c.Recall("profile#" + k.SK); !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		got, err := c.Deps.Store.BatchGet(c, missing)
		if err != nil {
			return nil, err
		}
		for _, k := range missing {
			var d api.Doc
			if it, ok := got[k]; ok {
				if d, err = api.DecodeDoc(it.Doc); err != nil {
					return nil, err
				}
			}
			c.Remember("profile#"+k.SK, d)
		}
	}
	var out []api.Doc
	for _, k := range keys {
		v, _ := c.Recall("profile#" + k.SK)
		if d, _ := v.(api.Doc); d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// loadDocs reads the items at keys as docs.
func loadDocs(c *resource.Ctx, keys []store.Key) ([]api.Doc, error) {
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

// profileRoles unions the roles of security profiles.
func profileRoles(profiles []api.Doc) roleSet {
	roles, custom := map[string]bool{}, map[string]bool{}
	for _, d := range profiles {
		for _, r := range api.Strings(d["Roles"]) {
			roles[r] = true
		}
		for _, r := range api.Strings(d["CustomRoles"]) {
			custom[r] = true
		}
	}
	return roleSet{Roles: api.SortedKeys(roles), CustomRoles: api.SortedKeys(custom)}
}

// ofType keeps the roles that apply to a user type (custom roles grant no
// API access, so they all stay).
func (rs roleSet) ofType(userType string) roleSet {
	return roleSet{Roles: auth.RolesOfType(userType, rs.Roles), CustomRoles: rs.CustomRoles, userType: userType}
}

// applies says whether an API role may be held by the user rs belongs to.
func (rs roleSet) applies(role string) bool { return auth.RoleApplies(rs.userType, role) }

// tokenRoles is what a token carries: the requested roles the user has
// (every requested role when it has FullAccess), plus requested custom roles.
func tokenRoles(requested []string, rs roleSet) []string {
	full := slices.Contains(rs.Roles, "FullAccess")
	var out []string
	for _, r := range requested {
		if slices.Contains(out, r) {
			continue
		}
		if slices.Contains(rs.Roles, r) || slices.Contains(rs.CustomRoles, r) || (full && isAPIRole(r) && rs.applies(r)) {
			out = append(out, r)
		}
	}
	return out
}
