// Package access owns who may call the API and as what: the OAuth2 token
// endpoint and its grants, tokens and their revocation, API clients and
// their secrets, security profiles and the roles they grant, the
// marketplace's admin users and user groups, impersonation, OpenID
// Connect, and the users of every kind as principals (usernames,
// passwords, lockout, Me).
//
// Buyer and supplier users are declared by their own packages, which hand
// them to Access as a UserKind; access depends on no other domain.
package access

import (
	"context"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Access holds the collections of access control and the kinds of users.
type Access struct {
	ApiClients, ApiClientSecrets, SecurityProfiles, ImpersonationConfigs, OpenIdConnects *resource.Resource
	ApiClientAssignments, SecurityProfileAssignments                                     *resource.Assignment
	// Admin is the marketplace's own users.
	Admin       *UserKind
	kinds       map[string]*UserKind
	revocations *revocationCache
	// tokenChecks run after the revocation check (AlsoCheckToken).
	tokenChecks []resource.TokenCheck
}

// Declare registers access control: the token endpoint, API clients and
// secrets, security profiles, admin users and groups, impersonation
// configs and OpenID Connects, and the token check every request runs.
func Declare(r *resource.Registry) *Access {
	a := &Access{kinds: map[string]*UserKind{}, revocations: &revocationCache{}}
	r.SetTokenCheck(a.checkToken)
	r.AddCallerCheck(confinedCaller)
	a.declareAPIClients(r)
	a.declareProfiles(r)
	a.declareAdminUsers(r)
	a.declareImpersonation(r)
	a.declareOpenIDConnects(r)
	a.declareOAuth(r)
	a.declareMe(r)
	return a
}

// checkToken vets a verified token: not revoked, and whatever else the
// token checks added ask.
func (a *Access) checkToken(ctx context.Context, deps *resource.Deps, p *auth.Principal) error {
	if err := a.revocations.check(ctx, deps, p); err != nil {
		return err
	}
	for _, f := range a.tokenChecks {
		if err := f(ctx, deps, p); err != nil {
			return err
		}
	}
	return nil
}

// AddUserKind makes a kind of users principals: their usernames are
// reserved and log them in, they show their AvailableRoles, their tokens
// end when they (or their company) are deactivated or deleted, and their
// RevokeUserTokens and UnlockUserAccount operations are served.
func (a *Access) AddUserKind(r *resource.Registry, k *UserKind) {
	a.kinds[k.Kind] = k
	k.Users.AlsoPrepare(a.prepareUser(k))
	k.Users.AlsoBeforeDelete(a.deleteUsername)
	k.Users.Present = a.presentUser(k)
	a.revokeWhenGone(k.Users, func(_ *resource.Ctx, u api.Doc) string {
		return revocationKey(k.UserType, api.Str(u, "CompanyID"), api.Str(u, "ID"))
	})
	if k.Companies != nil {
		a.revokeWhenGone(k.Companies, func(_ *resource.Ctx, co api.Doc) string {
			return companyRevocationKey(k.UserType, api.Str(co, "ID"))
		})
		k.Companies.AlsoPrepare(reserveCompanyID(k.Companies))
		k.Companies.AlsoBeforeDelete(forgetCompanyID)
		r.AlsoUpgrade(companyIDUpgrade(k.Companies))
	}
	r.Handle(k.Users.Name+".RevokeUserTokens", a.revokeUserTokens(k))
	r.Handle(k.Users.Name+".UnlockUserAccount", a.unlockUserAccount(k))
	if k.UserType == auth.Buyer {
		// Impersonation is of buyer users.
		r.Handle(k.Users.Name+".GetAccessToken", a.impersonationToken)
		r.Answers(k.Users.Name+".GetAccessToken", http.StatusOK) // nothing is created
	}
}
