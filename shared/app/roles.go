package app

import (
	"slices"

	"github.com/ordercloud-serverless/occ/shared/auth"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// userGroups lists the IDs of the groups a user belongs to.
func userGroups(c *resource.Ctx, kind, company, userID string) ([]string, error) {
	var a *resource.Assignment
	var scope []string
	switch kind {
	case "AdminUser":
		a = c.Reg.AssignmentKind("AdminUserGroupAssignment")
	case "BuyerUser":
		a, scope = c.Reg.AssignmentKind("BuyerUserGroupAssignment"), []string{company}
	case "SupplierUser":
		a, scope = c.Reg.AssignmentKind("SupplierUserGroupAssignment"), []string{company}
	default:
		return nil, nil
	}
	docs, err := c.Reg.AllAssignments(c, a, scope...)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range docs {
		if api.Str(d, "UserID") == userID {
			out = append(out, api.Str(d, "UserGroupID"))
		}
	}
	return out, nil
}

// roleSet is what a user's security profiles grant.
type roleSet struct {
	Roles, CustomRoles []string
	userType           string // whose roles these are ("" when unknown)
}

// grantedRoles unions the roles of every security profile assigned to the
// user directly, to one of its groups, to its company, or (for admin users)
// to the marketplace.
func grantedRoles(c *resource.Ctx, kind, company, userID string) (roleSet, error) {
	groups, err := userGroups(c, kind, company, userID)
	if err != nil {
		return roleSet{}, err
	}
	docs, err := c.Reg.AllAssignments(c, c.Reg.Assignments("SecurityProfileAssignment"))
	if err != nil {
		return roleSet{}, err
	}
	var keys []store.Key
	profiles := c.Reg.Resource("SecurityProfiles")
	for _, d := range docs {
		buyer, supplier, user, group := api.Str(d, "BuyerID"), api.Str(d, "SupplierID"), api.Str(d, "UserID"), api.Str(d, "UserGroupID")
		switch kind {
		case "AdminUser":
			if buyer != "" || supplier != "" {
				continue
			}
		case "BuyerUser":
			if buyer != company || supplier != "" {
				continue
			}
		default:
			if supplier != company || buyer != "" {
				continue
			}
		}
		if (user == "" && group == "") || user == userID || (group != "" && slices.Contains(groups, group)) {
			keys = append(keys, store.Key{PK: profiles.PK(), SK: api.Str(d, "SecurityProfileID")})
		}
	}
	rs, err := profileRoles(c, keys)
	return rs.ofType(userType(kind)), err
}

// profileRoles loads security profiles by key and unions their roles.
func profileRoles(c *resource.Ctx, keys []store.Key) (roleSet, error) {
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return roleSet{}, err
	}
	roles, custom := map[string]bool{}, map[string]bool{}
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return roleSet{}, err
		}
		for _, r := range api.Strings(d["Roles"]) {
			roles[r] = true
		}
		for _, r := range api.Strings(d["CustomRoles"]) {
			custom[r] = true
		}
	}
	return roleSet{Roles: api.SortedKeys(roles), CustomRoles: api.SortedKeys(custom)}, nil
}

// ofType keeps the roles that apply to a user type (custom roles grant no
// API access, so they all stay).
func (rs roleSet) ofType(userType string) roleSet {
	return roleSet{Roles: auth.RolesOfType(userType, rs.Roles), CustomRoles: rs.CustomRoles, userType: userType}
}

func availableRoles(c *resource.Ctx, kind, company, userID string) ([]string, error) {
	rs, err := grantedRoles(c, kind, company, userID)
	return rs.Roles, err
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
