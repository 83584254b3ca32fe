package access

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (a *Access) declareAdminUsers(r *resource.Registry) {
	a.Admin = &UserKind{Kind: "AdminUser", UserType: auth.Admin}
	a.Admin.Users = r.Add(&resource.Resource{Name: "AdminUsers", Model: "User", Kind: "AdminUser", ObjectType: "User", IDParam: "userID",
		List: UserListing()})
	a.Admin.Groups = r.Add(&resource.Resource{Name: "AdminUserGroups", Model: "UserGroup", Kind: "AdminUserGroup", ObjectType: "UserGroup",
		IDParam: "userGroupID"})
	a.Admin.Members = r.AddAssignment(&resource.Assignment{Resource: "AdminUserGroups", Save: "SaveUserAssignment",
		Delete: "DeleteUserAssignment", List: "ListUserAssignments", Model: "UserGroupAssignment", Kind: "AdminUserGroupAssignment",
		Key: []string{"UserGroupID", "UserID"}, IndexBy: []string{"UserID"},
		Refs: []resource.Ref{{Field: "UserGroupID", Resource: "AdminUserGroups"}, {Field: "UserID", Resource: "AdminUsers"}}})
	a.AddUserKind(r, a.Admin)
}

// UserListing is how lists of users (admin, buyer and supplier alike) are
// served: by the company's partition in ID order, Active as a filter,
// sorted by name or email, searched by words; AvailableRoles is computed
// for the page only.
func UserListing() *resource.Listing {
	return &resource.Listing{Equal: []string{"Active"}, XP: true, Sorted: []string{"LastName", "FirstName", "Email"},
		Search: true, Computed: []string{"AvailableRoles"}}
}

// usernameKey is the item that reserves a username across the marketplace
// (admin, buyer and supplier users alike) and finds its user at login.
func usernameKey(username string) store.Key {
	return store.Key{PK: "Username", SK: strings.ToLower(username)}
}

// usernameItem points a username at a user.
func usernameItem(username string, ref UserRef) store.Item {
	b, _ := json.Marshal(ref)
	k := usernameKey(username)
	return store.Item{PK: k.PK, SK: k.SK, Type: "Username", ID: k.SK, Doc: b}
}

// PointUsername makes a username name the user ref (a user moved to
// another company), in tx.
func PointUsername(tx *resource.Tx, username string, ref UserRef) {
	tx.Put(usernameItem(username, ref), store.Always)
}

// ForgetUsername frees a user's username, in tx (a user deleted with its
// company, by a cascade that runs no user hooks).
func ForgetUsername(tx *resource.Tx, username string) { tx.Delete(usernameKey(username)) }

// prepareUser hashes a new password, fills the user's company (from the
// path) and reserves a new username in the user's transaction.
func (a *Access) prepareUser(k *UserKind) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if pw := api.Str(doc, "Password"); pw != "" {
			if p := auth.PasswordProblem(pw); p != "" {
				return api.Validation("Password", p)
			}
			doc["_pw"] = auth.HashPassword(pw)
			doc["PasswordLastSetDate"] = api.Now()
		}
		delete(doc, "Password")
		ref := UserRef{Kind: k.Kind, UserID: api.Str(doc, "ID")}
		doc["CompanyID"] = c.MarketplaceID()
		if k.Companies != nil {
			// The company in the path, or (a user changing itself through
			// Me) the one it belongs to.
			ref.Company = c.Param(k.CompanyParam)
			if ref.Company == "" && old != nil {
				ref.Company = api.Str(old, "CompanyID")
			}
			doc["CompanyID"] = ref.Company
		}
		newName, oldName := api.Str(doc, "Username"), ""
		if old != nil {
			oldName = api.Str(old, "Username")
		}
		if !strings.EqualFold(newName, oldName) {
			tx.PutOr(usernameItem(newName, ref), store.IfAbsent,
				api.E(http.StatusConflict, "User.UsernameMustBeUnique", map[string]any{"Username": newName}))
			if oldName != "" {
				tx.Delete(usernameKey(oldName))
			}
		}
		return nil
	}
}

// contextClient is the API client whose default context user has this
// username ("" if none): anonymous shopping and client credentials act as
// that user, so it cannot go away.
func (a *Access) contextClient(c *resource.Ctx, username string) (string, error) {
	clients, err := c.Reg.All(c, a.ApiClients, nil)
	if err != nil {
		return "", err
	}
	for _, cl := range clients {
		if name := api.Str(cl, "DefaultContextUserName"); name != "" && strings.EqualFold(name, username) {
			return api.Str(cl, "ID"), nil
		}
	}
	return "", nil
}

// deleteUsername frees a deleted user's username, unless the user is an
// API client's default context user.
func (a *Access) deleteUsername(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	client, err := a.contextClient(c, api.Str(doc, "Username"))
	if err != nil {
		return err
	}
	if client != "" {
		return api.E(http.StatusBadRequest, "User.CannotDeleteDefaultContextUser", map[string]any{"ApiClientID": client})
	}
	tx.Delete(usernameKey(api.Str(doc, "Username")))
	return nil
}

// RefuseContextUser refuses to move an API client's default context user.
func (a *Access) RefuseContextUser(c *resource.Ctx, username string) error {
	client, err := a.contextClient(c, username)
	if err != nil {
		return err
	}
	if client != "" {
		return api.E(http.StatusBadRequest, "User.CannotMoveDefaultContextUser", map[string]any{"ApiClientID": client})
	}
	return nil
}

// presentUser shows a user with the roles it holds.
func (a *Access) presentUser(k *UserKind) func(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	return func(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
		return a.PresentUser(c, k, doc)
	}
}

// PresentUser shows a user of kind k with its AvailableRoles.
func (a *Access) PresentUser(c *resource.Ctx, k *UserKind, doc api.Doc) (api.Doc, error) {
	ref := UserRef{Kind: k.Kind, UserID: api.Str(doc, "ID")}
	if k.Companies != nil {
		ref.Company = api.Str(doc, "CompanyID")
	}
	rs, err := a.grantedRoles(c, ref)
	if err != nil {
		return nil, err
	}
	out := api.Clone(doc)
	out["AvailableRoles"] = api.List(rs.Roles)
	return out, nil
}
