package access

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// BootstrapInput seeds an empty marketplace. Empty fields are generated.
type BootstrapInput struct {
	Username, Password, ClientID, ClientSecret string
}

// BootstrapResult reports what the bootstrap found or created. Password and
// ClientSecret are only set when this call generated them.
type BootstrapResult struct {
	Created                bool
	Username, Password     string
	ClientID, ClientSecret string
}

// bootstrapKey marks a marketplace that has been bootstrapped.
var bootstrapKey = store.Key{PK: "Marketplace", SK: "bootstrap"}

// Bootstrap IDs: the owner's admin user and the security profile granting it FullAccess.
const (
	ownerUserID    = "marketplace-owner"
	ownerProfileID = "marketplace-owner-full-access"
)

// Bootstrap creates the marketplace owner's FullAccess admin user and an
// AllowSeller API client acting as it, once: on an empty table.
func (a *Access) Bootstrap(ctx context.Context, r *resource.Registry, in BootstrapInput) (BootstrapResult, error) {
	c := r.Context(ctx, nil)
	if it, err := c.Deps.Store.Get(ctx, bootstrapKey); err == nil {
		var done BootstrapResult
		_ = json.Unmarshal(it.Doc, &done)
		return done, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return BootstrapResult{}, err
	}
	out := BootstrapResult{Created: true, Username: in.Username, ClientID: in.ClientID}
	if out.Username == "" {
		out.Username = "admin"
	}
	password := in.Password
	if password == "" {
		// Meets the password rule: digits, upper and lower case, 10+ characters.
		password = "Oc" + hex.EncodeToString(randBytes(10)) + "x9"
		out.Password = password
	} else if p := auth.PasswordProblem(password); p != "" {
		return BootstrapResult{}, errors.New("OC_ADMIN_PASSWORD: " + p)
	}
	if out.ClientID == "" {
		out.ClientID = strings.ToUpper(hex.EncodeToString(randBytes(16)))
	}
	secret := in.ClientSecret
	if secret == "" {
		secret = hex.EncodeToString(randBytes(24))
		out.ClientSecret = secret
	}

	tx := &resource.Tx{}
	put := func(res *resource.Resource, doc api.Doc) {
		api.Complete(res.ContractModel(), doc)
		tx.Put(res.Item(nil, doc, 0), store.IfAbsent)
	}
	put(a.SecurityProfiles, api.Doc{"ID": ownerProfileID, "Name": "Marketplace owner (full access)", "Roles": []any{"FullAccess"}})
	put(a.Admin.Users, api.Doc{"ID": ownerUserID, "Username": out.Username, "FirstName": "Marketplace", "LastName": "Owner",
		"Email": "owner@marketplace.local", "Active": true, "CompanyID": c.MarketplaceID(), "DateCreated": api.Now(),
		"PasswordLastSetDate": api.Now(), "_pw": auth.HashPassword(password)})
	put(a.ApiClients, api.Doc{"ID": out.ClientID, "AppName": "Marketplace owner", "Active": true, "AllowSeller": true,
		"AccessTokenDuration": api.Num(600), "RefreshTokenDuration": api.Num(0), "ClientSecret": secret,
		"DefaultContextUserName": out.Username})
	tx.Put(usernameItem(out.Username, UserRef{Kind: a.Admin.Kind, UserID: ownerUserID}), store.IfAbsent)
	asg := api.Doc{"SecurityProfileID": ownerProfileID, "UserID": ownerUserID}
	tx.Put(a.SecurityProfileAssignments.Item(asg), store.Always)
	marker, _ := json.Marshal(BootstrapResult{Username: out.Username, ClientID: out.ClientID})
	tx.Put(store.Item{PK: bootstrapKey.PK, SK: bootstrapKey.SK, Type: "Marketplace", ID: "bootstrap", Doc: marker}, store.IfAbsent)
	if err := tx.Commit(c); err != nil {
		return BootstrapResult{}, err
	}
	return out, nil
}
