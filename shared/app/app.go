// Package app composes the API and nothing else: it reads the
// configuration once, builds the store and the signing key, declares every
// domain package's resources and operations on one registry, and hands a
// Lambda (or the local runner) its group's http.Handler.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/integrations"
	"github.com/ordercloud-serverless/occ/shared/marketplace"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/routes"
	"github.com/ordercloud-serverless/occ/shared/secrets"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
	"github.com/ordercloud-serverless/occ/shared/subscriptions"
	"github.com/ordercloud-serverless/occ/shared/suppliers"
	"github.com/ordercloud-serverless/occ/shared/tabledef"
)

// BootstrapInput and BootstrapResult are the marketplace owner's
// bootstrap (see access.Bootstrap).
type (
	BootstrapInput  = access.BootstrapInput
	BootstrapResult = access.BootstrapResult
)

// Config is everything the API reads from its environment, once.
type Config struct {
	Store store.Store
	Keys  auth.KeyStore
	// CreateKey generates the signing key when missing (local runs and
	// the bootstrap); deployed API functions only read it.
	CreateKey   bool
	Marketplace resource.Marketplace
}

// App is the assembled API.
type App struct {
	reg     *resource.Registry
	deps    *resource.Deps
	access  *access.Access
	catalog *catalog.Catalog
	subs    *subscriptions.Subscriptions
}

// New assembles the App.
func New(ctx context.Context, cfg Config) (*App, error) {
	key, err := auth.LoadOrCreateKey(ctx, cfg.Keys, cfg.CreateKey)
	if err != nil {
		return nil, err
	}
	if cfg.Marketplace.ID == "" {
		cfg.Marketplace.ID = "marketplace"
	}
	deps := &resource.Deps{Store: cfg.Store, Signer: auth.NewSigner(key), Marketplace: cfg.Marketplace}
	a := &App{reg: resource.NewRegistry(deps), deps: deps}
	a.access, a.catalog, a.subs = declare(a.reg)
	return a, nil
}

// declare declares every domain on r, in the order their imports flow.
func declare(r *resource.Registry) (*access.Access, *catalog.Catalog, *subscriptions.Subscriptions) {
	acc := access.Declare(r)
	m := marketplace.Declare(r)
	b := buyers.Declare(r, acc)
	s := suppliers.Declare(r, acc, b)
	cat := catalog.Declare(r, acc, m, b, s)
	o := orders.Declare(r, acc, b, cat)
	integrations.Declare(r, acc, b, cat, o)
	subs := subscriptions.Declare(r, acc, b, cat, o)
	declareOpenAPI(r)
	if err := r.Check(); err != nil {
		panic(err)
	}
	return acc, cat, subs
}

// ConfigFromEnv reads the configuration: OC_TABLE_NAME,
// DYNAMODB_ENDPOINT / AWS_ENDPOINT_URL, OC_MARKETPLACE_ID and _NAME, and
// the signing key's place: OC_SIGNING_KEY_SECRET_ID (Secrets Manager,
// deployed; OC_CREATE_SIGNING_KEY=true lets the bootstrap create it) or
// OC_DATA_DIR (a local file, created when missing).
func ConfigFromEnv(ctx context.Context) (Config, error) {
	table := os.Getenv("OC_TABLE_NAME")
	if table == "" {
		table = tabledef.DefaultTableName
	}
	client, err := dynamo.ClientFromEnv(ctx)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{Store: dynamo.New(client, table),
		Marketplace: resource.Marketplace{ID: os.Getenv("OC_MARKETPLACE_ID"), Name: os.Getenv("OC_MARKETPLACE_NAME")}}
	if id := os.Getenv("OC_SIGNING_KEY_SECRET_ID"); id != "" {
		sm, err := secrets.FromEnv(ctx)
		if err != nil {
			return Config{}, err
		}
		cfg.Keys = secrets.KeyStore{Client: sm, SecretID: id}
		cfg.CreateKey = os.Getenv("OC_CREATE_SIGNING_KEY") == "true"
	} else {
		dir := os.Getenv("OC_DATA_DIR")
		if dir == "" {
			dir = ".data"
		}
		cfg.Keys, cfg.CreateKey = auth.FileKeyStore{Path: filepath.Join(dir, "signing-key.pem")}, true
	}
	if cfg.Keys == nil {
		return Config{}, errors.New("no signing key store configured")
	}
	return cfg, nil
}

// NewFromEnv builds the App from the environment (ConfigFromEnv).
func NewFromEnv(ctx context.Context) (*App, error) {
	cfg, err := ConfigFromEnv(ctx)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg)
}

// Handler serves one Lambda group (see shared/routes); "" serves all groups.
func (a *App) Handler(group string) http.Handler {
	if group == "" {
		return a.reg.Mux(nil)
	}
	if !slices.Contains(routes.Names(), group) {
		panic(fmt.Sprintf("app: unknown group %q (see shared/routes)", group))
	}
	// Wildcards never sit in a route's first segment, so GroupFor works on
	// route patterns as on request paths.
	return a.reg.Mux(func(path string) bool { return routes.GroupFor(path) == group })
}

// Gateway serves every group on one handler, dispatching each request to
// its group's handler by shared/routes exactly as API Gateway routes to the
// group's Lambda. The local runner and the integration tests use it.
func (a *App) Gateway() http.Handler {
	handlers := map[string]http.Handler{}
	for _, g := range routes.Names() {
		handlers[g] = a.Handler(g)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers[routes.GroupFor(r.URL.Path)].ServeHTTP(w, r)
	})
}

// Bootstrap creates the marketplace owner's FullAccess admin user and an
// AllowSeller API client when the table has none.
func (a *App) Bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	return a.access.Bootstrap(ctx, a.reg, in)
}

// RunSubscriptions orders the subscriptions due at now and sends the
// reminders due (see subscriptions.RunDue): what the scheduled function
// and the local runner's ticker call.
func (a *App) RunSubscriptions(ctx context.Context, now time.Time) (subscriptions.Result, error) {
	return a.subs.RunDue(ctx, now)
}

// Subscriptions exposes the subscriptions (the integration hook and the
// reminders' sender are installed on it).
func (a *App) Subscriptions() *subscriptions.Subscriptions { return a.subs }

// Store exposes the app's store (the local runner's stream and benchmarks).
func (a *App) Store() store.Store { return a.deps.Store }

// Signer exposes the token signer (tests mint tokens with it).
func (a *App) Signer() *auth.Signer { return a.deps.Signer }

// Registry exposes the registry (tests inspect the declarations).
func (a *App) Registry() *resource.Registry { return a.reg }
