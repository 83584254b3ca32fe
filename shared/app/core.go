package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/routes"
	"github.com/ordercloud-serverless/occ/shared/secrets"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
	"github.com/ordercloud-serverless/occ/shared/tabledef"
)

// MarketplaceID is the seller organization's ID (orders' ToCompanyID,
// products' OwnerID). One stack serves one marketplace.
func MarketplaceID() string {
	if v := os.Getenv("OC_MARKETPLACE_ID"); v != "" {
		return v
	}
	return "marketplace"
}

type core struct {
	deps *resource.Deps
	reg  *resource.Registry
	keys auth.KeyStore
}

// New assembles the App from a store and a key store. With createKey the
// signing key is generated when missing (local runs and the bootstrap);
// deployed API functions only read it.
func New(ctx context.Context, st store.Store, keys auth.KeyStore, createKey bool) (*App, error) {
	key, err := auth.LoadOrCreateKey(ctx, keys, createKey)
	if err != nil {
		return nil, err
	}
	c := &core{deps: &resource.Deps{Store: st, Signer: auth.NewSigner(key)}, reg: resource.NewRegistry(), keys: keys}
	declare(c.reg)
	return &App{impl: c}, nil
}

func newFromEnv(ctx context.Context) (*App, error) {
	table := os.Getenv("OC_TABLE_NAME")
	if table == "" {
		table = tabledef.DefaultTableName
	}
	client, err := dynamo.ClientFromEnv(ctx)
	if err != nil {
		return nil, err
	}
	st := dynamo.New(client, table)
	var keys auth.KeyStore
	createKey := false
	if id := os.Getenv("OC_SIGNING_KEY_SECRET_ID"); id != "" {
		sm, err := secrets.FromEnv(ctx)
		if err != nil {
			return nil, err
		}
		keys = secrets.KeyStore{Client: sm, SecretID: id}
		createKey = os.Getenv("OC_CREATE_SIGNING_KEY") == "true"
	} else {
		dir := os.Getenv("OC_DATA_DIR")
		if dir == "" {
			dir = ".data"
		}
		keys = auth.FileKeyStore{Path: filepath.Join(dir, "signing-key.pem")}
		createKey = true
	}
	if keys == nil {
		return nil, errors.New("no signing key store configured")
	}
	return New(ctx, st, keys, createKey)
}

// Store exposes the app's store (used by the local runner's benchmarks).
func (a *App) Store() store.Store { return a.impl.deps.Store }

// Signer exposes the token signer (tests mint tokens with it).
func (a *App) Signer() *auth.Signer { return a.impl.deps.Signer }

func (c *core) handler(group string) http.Handler {
	if group == "" {
		return c.reg.Mux(c.deps, nil)
	}
	known := false
	for _, n := range routes.Names() {
		known = known || n == group
	}
	if !known {
		panic(fmt.Sprintf("app: unknown group %q (see shared/routes)", group))
	}
	// Wildcards never sit in a route's first segment, so GroupFor works on
	// route patterns as on request paths.
	return c.reg.Mux(c.deps, func(path string) bool { return routes.GroupFor(path) == group })
}
