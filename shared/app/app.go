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
	orders  *orders.Service
	integ   *integrations.Integrations
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
	a.access, a.catalog, a.orders, a.integ, a.subs = declare(a.reg)
	return a, nil
}

// declare declares every domain on r, in the order their imports flow.
func declare(r *resource.Registry) (*access.Access, *catalog.Catalog, *orders.Service, *integrations.Integrations, *subscriptions.Subscriptions) {
	acc := access.Declare(r)
	m := marketplace.Declare(r)
	b := buyers.Declare(r, acc)
	s := suppliers.Declare(r, acc, b)
	cat := catalog.Declare(r, acc, m, b, s)
	o := orders.Declare(r, acc, b, cat)
	in := integrations.Declare(r, acc, b, cat, o)
	subs := subscriptions.Declare(r, acc, b, cat, o)
	// Subscription orders go to the subscription integration, reminders
	// through the message senders.
	subs.UseIntegrations(in)
	declareOpenAPI(r)
	if err := r.Check(); err != nil {
		panic(err)
	}
	return acc, cat, o, in, subs
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

// NewMaintenanceFromEnv assembles the App for work that serves no request
// and issues no token (the stream's clean-up after time-to-live removals):
// it reads the table's configuration only, and signs with a throwaway key,
// so its function needs no access to the signing key's secret.
func NewMaintenanceFromEnv(ctx context.Context) (*App, error) {
	table := os.Getenv("OC_TABLE_NAME")
	if table == "" {
		return nil, errors.New("OC_TABLE_NAME is not set")
	}
	client, err := dynamo.ClientFromEnv(ctx)
	if err != nil {
		return nil, err
	}
	return New(ctx, Config{Store: dynamo.New(client, table), Keys: &auth.MemoryKeyStore{}, CreateKey: true,
		Marketplace: resource.Marketplace{ID: os.Getenv("OC_MARKETPLACE_ID"), Name: os.Getenv("OC_MARKETPLACE_NAME")}})
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

// CleanupExpired cleans up after an item DynamoDB's time to live deleted
// (gone: the stream's old image): an abandoned order's line items, cart
// entry, payments, index items and counts; another listed entity's index
// items and counts. The stream handler calls it for REMOVE records of the
// TTL service; a record delivered again changes nothing more.
func (a *App) CleanupExpired(ctx context.Context, gone store.Item) error {
	if gone.Type == a.orders.Orders.Kind {
		return a.orders.CleanupExpired(ctx, gone)
	}
	if len(gone.Index) == 0 {
		return nil
	}
	c := a.reg.Context(ctx, nil)
	return resource.RetryDo(ctx, func() error { return a.reg.Forget(c, gone) })
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

// Integrations exposes the integrations: the integrations target (the
// Lambda and the local bus) runs their change handlers and deliveries.
func (a *App) Integrations() *integrations.Integrations { return a.integ }

// Registry exposes the registry (tests inspect the declarations).
func (a *App) Registry() *resource.Registry { return a.reg }
