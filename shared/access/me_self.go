package access

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// A user looking after itself: replacing its profile (Me.Save), ending
// its sessions (Me.RevokeTokens) and setting a new password with a
// password reset token (Me.ResetPasswordByToken). Me.Get and Me.Patch are
// in me.go. An anonymous shopper does none of these (confinedCaller): its
// user is the context user every shopper shares.

var tokenPasswordResetModel = contract.MustModel("TokenPasswordReset")

// meSave replaces the caller's profile. The user cannot change its ID or
// its Active flag (the marketplace decides who may log in); a body without
// a Password keeps the password, which is never read back.
func (a *Access) meSave(c *resource.Ctx) (any, error) {
	ref, k, scope := a.me(c)
	res := k.Users
	doc, err := c.Decode(res.ContractModel(), false)
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	doc["ID"], doc["Active"] = ref.UserID, e.Doc["Active"]
	if _, err := c.Reg.Replace(c, res, scope, e, doc); err != nil {
		return nil, err
	}
	return a.meGet(c)
}

// meRevokeTokens voids every token of the caller issued until now, the
// one it called with included.
func (a *Access) meRevokeTokens(c *resource.Ctx) (any, error) {
	return nil, a.RevokeUser(c, a.Caller(c))
}

// meResetPassword sets the caller's password from a TokenPasswordReset.
// The caller's token is the one a forgotten-password message carries
// (holding the PasswordReset role); the reset ends the lockout and
// revokes every token issued until now, that one included, so it serves
// once.
func (a *Access) meResetPassword(c *resource.Ctx) (any, error) {
	body, err := c.Decode(tokenPasswordResetModel, false)
	if err != nil {
		return nil, err
	}
	pw := api.Str(body, "NewPassword")
	if problem := auth.PasswordProblem(pw); problem != "" {
		return nil, api.E(http.StatusBadRequest, "PasswordReset.InsecurePassword", nil).WithMessage(problem)
	}
	ref, k, scope := a.me(c)
	e, err := c.Reg.Load(c, k.Users, scope, ref.UserID)
	if err != nil {
		return nil, err
	}
	if auth.CheckPassword(api.Str(e.Doc, "_pw"), pw) {
		return nil, api.E(http.StatusBadRequest, "PasswordReset.CannotReusePassword", nil)
	}
	doc := api.Clone(e.Doc)
	doc["_pw"], doc["PasswordLastSetDate"] = auth.HashPassword(pw), api.Now()
	clearLockout(doc)
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	tx.Put(k.Users.Item(scope, doc, e.Item.Version), store.IfVersion)
	a.revokeInTx(c, tx, a.userRevocationKey(c, ref))
	return nil, tx.Commit(c)
}
