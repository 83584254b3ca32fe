package access

import (
	"encoding/json"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Without a security profile saying otherwise, ten failed logins lock an
// account for two minutes (OrderCloud's documented default policy).
const (
	defaultAllowedFailedAttempts = 10
	defaultLockoutMinutes        = 2
	lockedIndefinitely           = "indefinite"
)

// lockoutPolicy is the strictest PasswordConfig of the user's security
// profiles: fewest attempts, longest lockout (0 minutes = until unlocked).
type lockoutPolicy struct {
	attempts   int
	minutes    int
	indefinite bool
}

func (a *Access) userLockoutPolicy(c *resource.Ctx, ref UserRef) (lockoutPolicy, error) {
	pol := lockoutPolicy{attempts: defaultAllowedFailedAttempts, minutes: defaultLockoutMinutes}
	profiles, err := a.userProfiles(c, ref)
	if err != nil {
		return pol, err
	}
	set := false
	for _, p := range profiles {
		cfg, _ := p["PasswordConfig"].(map[string]any)
		a := api.Int(cfg["AllowedFailedAttempts"])
		if a < 1 {
			continue
		}
		if !set || a < pol.attempts {
			pol.attempts = a
		}
		if d, ok := cfg["LockoutDuration"].(json.Number); ok {
			m, _ := d.Int64()
			pol.indefinite = pol.indefinite || m == 0
			if !set || int(m) > pol.minutes {
				pol.minutes = int(m)
			}
		}
		set = true
	}
	return pol, nil
}

// lockedOut refuses a login while the account is locked.
func lockedOut(u api.Doc) error {
	until := api.Str(u, "_lockedUntil")
	if until == "" {
		return nil
	}
	if t := api.Time(until); until == lockedIndefinitely || (t != nil && time.Now().Before(*t)) {
		return tokenErr("invalid_grant", "Auth.LockedOut", nil)
	}
	return nil
}

// editUser re-reads a user and writes change's result, trying again when a
// concurrent write wins (the token endpoint is no registry operation, so
// it retries here). It bypasses the resource's Prepare (which reads the
// company from the request path): only lockout fields change.
func (a *Access) editUser(c *resource.Ctx, ref UserRef, change func(u api.Doc) bool) error {
	res, scope := a.userAt(ref)
	return resource.RetryDo(c, func() error {
		e, err := c.Reg.Load(c, res, scope, ref.UserID)
		if err != nil {
			return err
		}
		doc := api.Clone(e.Doc)
		if !change(doc) {
			return nil
		}
		// Through a Tx, like every entity write, so its list indexes stay
		// whole (only unlisted fields change here).
		tx := &resource.Tx{}
		tx.Knows(e.Item)
		tx.Put(res.Item(scope, doc, e.Item.Version), store.IfVersion)
		return tx.Commit(c)
	})
}

// loginFailed counts a failed password and locks the account when the
// user's policy allows no more attempts.
func (a *Access) loginFailed(c *resource.Ctx, ref UserRef) error {
	pol, err := a.userLockoutPolicy(c, ref)
	if err != nil {
		return err
	}
	return a.editUser(c, ref, func(u api.Doc) bool {
		n := int64(api.Int(u["FailedLoginAttempts"]))
		if api.Str(u, "_lockedUntil") != "" {
			// A lockout that ran out starts the count afresh.
			n = 0
			delete(u, "_lockedUntil")
		}
		n++
		u["FailedLoginAttempts"] = api.Num(n)
		if n >= int64(pol.attempts) {
			if pol.indefinite {
				u["_lockedUntil"] = lockedIndefinitely
			} else {
				u["_lockedUntil"] = api.FormatTime(time.Now().Add(time.Duration(pol.minutes) * time.Minute))
			}
		}
		return true
	})
}

// loginSucceeded clears the failure count.
func (a *Access) loginSucceeded(c *resource.Ctx, ref UserRef, u api.Doc) error {
	if api.Int(u["FailedLoginAttempts"]) == 0 && api.Str(u, "_lockedUntil") == "" {
		return nil
	}
	return a.editUser(c, ref, clearLockout)
}

func clearLockout(u api.Doc) bool {
	u["FailedLoginAttempts"] = api.Num(0)
	delete(u, "_lockedUntil")
	return true
}

// unlockUserAccount serves UnlockUserAccount for a user resource.
func (a *Access) unlockUserAccount(k *UserKind) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		_, ref, err := a.loadPathUser(c, k)
		if err != nil {
			return nil, err
		}
		return nil, a.editUser(c, ref, clearLockout)
	}
}
