package app

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

// bootstrapKey marks a marketplace that has been bootstrapped.
var bootstrapKey = store.Key{PK: "Marketplace", SK: "bootstrap"}

// Bootstrap IDs: the owner's admin user and the security profile granting it FullAccess.
const (
	ownerUserID    = "marketplace-owner"
	ownerProfileID = "marketplace-owner-full-access"
)

func (co *core) bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	c := &resource.Ctx{Context: ctx, Deps: co.deps, Reg: co.reg}
	if it, err := co.deps.Store.Get(ctx, bootstrapKey); err == nil {
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
	put := func(resName string, doc api.Doc) {
		res := c.Reg.Resource(resName)
		api.Complete(res.ContractModel(), doc)
		tx.Put(res.Item(nil, doc, 0), store.IfAbsent)
	}
	put("SecurityProfiles", api.Doc{"ID": ownerProfileID, "Name": "Marketplace owner (full access)", "Roles": []any{"FullAccess"}})
	put("AdminUsers", api.Doc{"ID": ownerUserID, "Username": out.Username, "FirstName": "Marketplace", "LastName": "Owner",
		"Email": "owner@marketplace.local", "Active": true, "CompanyID": MarketplaceID(), "DateCreated": api.Now(),
		"PasswordLastSetDate": api.Now(), "_pw": auth.HashPassword(password)})
	put("ApiClients", api.Doc{"ID": out.ClientID, "AppName": "Marketplace owner", "Active": true, "AllowSeller": true,
		"AccessTokenDuration": api.Num(600), "RefreshTokenDuration": api.Num(0), "ClientSecret": secret,
		"DefaultContextUserName": out.Username})
	ref, _ := json.Marshal(usernameRef{Kind: "AdminUser", UserID: ownerUserID})
	uk := usernameKey(out.Username)
	tx.Put(store.Item{PK: uk.PK, SK: uk.SK, Type: "Username", ID: uk.SK, Doc: ref}, store.IfAbsent)
	asg := api.Doc{"SecurityProfileID": ownerProfileID, "UserID": ownerUserID}
	tx.Put(c.Reg.Assignments("SecurityProfileAssignment").Item(asg), store.Always)
	marker, _ := json.Marshal(BootstrapResult{Username: out.Username, ClientID: out.ClientID})
	tx.Put(store.Item{PK: bootstrapKey.PK, SK: bootstrapKey.SK, Type: "Marketplace", ID: "bootstrap", Doc: marker}, store.IfAbsent)
	if err := tx.Commit(c); err != nil {
		return BootstrapResult{}, err
	}
	return out, nil
}
