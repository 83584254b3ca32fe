package access

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// What forgotten-credentials flows (shared/integrations) need of users:
// finding one by username and setting its password, with the rules the
// token reset (Me.ResetPasswordByToken) follows.

// FindByUsername resolves a username to the user it names (any kind);
// found is false when no user has it.
func (a *Access) FindByUsername(c *resource.Ctx, username string) (ref UserRef, found bool, err error) {
	if username == "" {
		return ref, false, nil
	}
	it, err := c.Deps.Store.Get(c, usernameKey(username))
	if errors.Is(err, store.ErrNotFound) {
		return ref, false, nil
	}
	if err != nil {
		return ref, false, err
	}
	if err := json.Unmarshal(it.Doc, &ref); err != nil {
		return ref, false, err
	}
	return ref, true, nil
}

// UserActive reports whether a user may receive messages and sign in: it
// is active, and so is its company (buyer or supplier).
func (a *Access) UserActive(c *resource.Ctx, ref UserRef, u api.Doc) (bool, error) {
	if active, _ := u["Active"].(bool); !active {
		return false, nil
	}
	k := a.kinds[ref.Kind]
	if k == nil || k.Companies == nil {
		return true, nil
	}
	co, err := c.Reg.Load(c, k.Companies, nil, ref.Company)
	var nf *api.Error
	if errors.As(err, &nf) && nf.Status == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	active, _ := co.Doc["Active"].(bool)
	return active, nil
}

// ResetPassword sets a user's password (checked against the password
// rules and the current one), ends its lockout and revokes every token
// issued until now, in one transaction; with adds writes to it (a
// verification code spent). A refusal carries PasswordReset's codes.
func (a *Access) ResetPassword(c *resource.Ctx, ref UserRef, pw string, with func(tx *resource.Tx)) error {
	if problem := auth.PasswordProblem(pw); problem != "" {
		return api.E(http.StatusBadRequest, "PasswordReset.InsecurePassword", nil).WithMessage(problem)
	}
	res, scope := a.userAt(ref)
	e, err := c.Reg.Load(c, res, scope, ref.UserID)
	if err != nil {
		return err
	}
	if auth.CheckPassword(api.Str(e.Doc, "_pw"), pw) {
		return api.E(http.StatusBadRequest, "PasswordReset.CannotReusePassword", nil)
	}
	doc := api.Clone(e.Doc)
	doc["_pw"], doc["PasswordLastSetDate"] = auth.HashPassword(pw), api.Now()
	clearLockout(doc)
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	tx.Put(res.Item(scope, doc, e.Item.Version), store.IfVersion)
	a.revokeInTx(c, tx, a.userRevocationKey(c, ref))
	if with != nil {
		with(tx)
	}
	return tx.Commit(c)
}

// PasswordResetToken signs a token for a user holding only the
// PasswordReset role (what a forgotten-password message carries for
// Me.ResetPasswordByToken), through an API client, living for life. Its
// ID carries its issue time to the millisecond, so a reset made just
// before does not revoke it.
func (a *Access) PasswordResetToken(c *resource.Ctx, clientID string, ref UserRef, username string, life time.Duration) (string, error) {
	claims := auth.Claims{Usr: username, Cid: clientID, U: ref.UserID, UsrType: a.userType(ref.Kind),
		Role: auth.Roles{"PasswordReset"}, Cmp: tokenCompany(c, ref)}
	resp, err := a.sign(c, claims, life)
	if err != nil {
		return "", err
	}
	return resp.AccessToken, nil
}
