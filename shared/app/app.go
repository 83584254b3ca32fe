// Package app wires the API together: the store, the signing keys, every
// declared resource and hand-written handler. A Lambda main asks it for its
// group's http.Handler; the local runner asks for all groups.
package app

import (
	"context"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/routes"
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

// App is the assembled API.
type App struct {
	impl *core
}

// NewFromEnv builds the App from the environment: OC_TABLE_NAME,
// DYNAMODB_ENDPOINT / AWS_ENDPOINT_URL, OC_DATA_DIR (local signing key) or
// OC_SIGNING_KEY_SECRET_ID (deployed signing key in Secrets Manager).
func NewFromEnv(ctx context.Context) (*App, error) { return newFromEnv(ctx) }

// Handler serves one Lambda group (see shared/routes); "" serves all groups.
func (a *App) Handler(group string) http.Handler { return a.impl.handler(group) }

// Bootstrap creates the marketplace owner's FullAccess admin user and an
// AllowSeller API client when the table has none, and ensures a signing key.
func (a *App) Bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	return a.impl.bootstrap(ctx, in)
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
