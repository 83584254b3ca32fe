package access

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

var meUserModel = contract.MustModel("MeUser")

// The caller's own user, whatever its kind: Me.Get, Me.Patch, Me.Save,
// Me.ListUserGroups, Me.RevokeTokens and Me.ResetPasswordByToken.
func (a *Access) declareMe(r *resource.Registry) {
	r.Handle("Me.Get", a.meGet)
	r.Handle("Me.Patch", a.mePatch)
	r.Handle("Me.Save", a.meSave)
	r.Handle("Me.ListUserGroups", a.meListUserGroups)
	r.Handle("Me.RevokeTokens", a.meRevokeTokens)
	r.Handle("Me.ResetPasswordByToken", a.meResetPassword)
}

// me is the caller's user: its reference, kind and where it lives.
func (a *Access) me(c *resource.Ctx) (UserRef, *UserKind, []string) {
	ref := a.Caller(c)
	_, scope := a.userAt(ref)
	return ref, a.kinds[ref.Kind], scope
}

func (a *Access) meGet(c *resource.Ctx) (any, error) {
	ref, k, scope := a.me(c)
	e, err := c.Reg.Load(c, k.Users, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	rs, err := a.grantedRoles(c, ref)
	if err != nil {
		return nil, err
	}
	d := api.Clone(e.Doc)
	d["AvailableRoles"], d["AvailableCustomRoles"] = api.List(rs.Roles), api.List(rs.CustomRoles)
	switch ref.Kind {
	case "BuyerUser":
		b, err := c.Reg.Load(c, k.Companies, nil, ref.Company)
		if err != nil {
			return nil, err
		}
		d["Buyer"] = map[string]any{"ID": b.Doc["ID"], "DefaultCatalogID": b.Doc["DefaultCatalogID"]}
	case "SupplierUser":
		d["Supplier"] = map[string]any{"ID": ref.Company}
	case "AdminUser":
		d["Seller"] = map[string]any{"ID": c.MarketplaceID()}
	}
	return api.Ordered{Model: meUserModel, Doc: d}, nil
}

func (a *Access) mePatch(c *resource.Ctx) (any, error) {
	ref, k, scope := a.me(c)
	res := k.Users
	patch, err := c.Decode(res.ContractModel(), true)
	if err != nil {
		return nil, err
	}
	delete(patch, "ID")
	delete(patch, "Active")
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	if _, err := c.Reg.Replace(c, res, scope, e, api.Merge(api.Clone(e.Doc), patch)); err != nil {
		return nil, err
	}
	return a.meGet(c)
}

// meListUserGroups lists the groups the caller belongs to.
func (a *Access) meListUserGroups(c *resource.Ctx) (any, error) {
	ref, k, scope := a.me(c)
	ids, err := a.UserGroups(c, ref)
	if err != nil {
		return nil, err
	}
	res := k.Groups
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: res.PK(scope...), SK: id}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return c.Reg.Page(c, res.ContractModel(), docs, nil)
}
