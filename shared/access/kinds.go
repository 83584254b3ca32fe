package access

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// UserKind is one kind of user: the marketplace's admin users, buyer users
// or supplier users, with where they, their groups and their companies
// live.
type UserKind struct {
	// Kind is the users' stored kind ("AdminUser", "BuyerUser", "SupplierUser").
	Kind string
	// UserType is the token's usrtype (auth.Admin, auth.Buyer, auth.Supplier).
	UserType string
	Users    *resource.Resource
	Groups   *resource.Resource
	// Members are the user-group memberships.
	Members *resource.Assignment
	// Companies holds the users' organizations (nil for admin users, whose
	// organization is the marketplace). CompanyParam names one in paths
	// ("buyerID") and CompanyField on assignments ("BuyerID").
	Companies                  *resource.Resource
	CompanyParam, CompanyField string
}

// UserRef names a user: what a username points at.
type UserRef struct {
	Kind    string // AdminUser, BuyerUser, SupplierUser
	Company string // buyer or supplier ID; "" for admin users
	UserID  string
}

// kindOf is the kind of users a token's user type names.
func (a *Access) kindOf(userType string) *UserKind {
	for _, k := range a.kinds {
		if k.UserType == userType {
			return k
		}
	}
	return a.Admin
}

// KindOf is the kind of users a token's user type names (admin users for
// any other): where another domain finds their groups and memberships.
func (a *Access) KindOf(userType string) *UserKind { return a.kindOf(userType) }

// userAt is the resource and scope holding the user a reference names.
func (a *Access) userAt(ref UserRef) (*resource.Resource, []string) {
	k := a.kinds[ref.Kind]
	if k == nil || k.Companies == nil {
		return a.Admin.Users, nil
	}
	return k.Users, []string{ref.Company}
}

// LoadUser loads the user a reference names.
func (a *Access) LoadUser(c *resource.Ctx, ref UserRef) (api.Doc, error) {
	res, scope := a.userAt(ref)
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// Caller is the reference of the request's own user.
func (a *Access) Caller(c *resource.Ctx) UserRef {
	k := a.kindOf(c.P.UserType)
	ref := UserRef{Kind: k.Kind, UserID: c.P.UserID}
	if k.Companies != nil {
		ref.Company = c.P.CompanyID
	}
	return ref
}

// UserGroups lists the IDs of the groups a user belongs to.
func (a *Access) UserGroups(c *resource.Ctx, ref UserRef) ([]string, error) {
	k := a.kinds[ref.Kind]
	if k == nil || k.Members == nil {
		return nil, nil
	}
	var scope []string
	if k.Companies != nil {
		scope = []string{ref.Company}
	}
	docs, err := c.Reg.AssignmentsWith(c, k.Members, "UserID", ref.UserID, scope...)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range docs {
		if api.Str(d, "UserID") == ref.UserID {
			out = append(out, api.Str(d, "UserGroupID"))
		}
	}
	return out, nil
}

// userType is the token user type of a kind of users.
func (a *Access) userType(kind string) string {
	if k := a.kinds[kind]; k != nil {
		return k.UserType
	}
	return auth.Admin
}

// tokenCompany is the company a user's tokens carry (the marketplace for
// admin users).
func tokenCompany(c *resource.Ctx, ref UserRef) string {
	if ref.Company == "" {
		return c.MarketplaceID()
	}
	return ref.Company
}

// RequireBuyer refuses callers that are not buyer users (Me operations of
// shoppers).
func RequireBuyer(c *resource.Ctx) error {
	if c.P.UserType != auth.Buyer {
		return api.NotForUserType("This endpoint is for buyer users.")
	}
	return nil
}
