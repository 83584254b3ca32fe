// Package resource is the engine that serves declared resources: CRUD, lists
// and assignments, with the contract's validation, OrderCloud's conventions
// and role checks. A resource is declared once (model, storage scope,
// parents, hooks); only real behaviour is hand-written as Handlers.
package resource

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Handler serves one operation. It returns the response body (nil → 204)
// or an error (an *api.Error, or anything else for a 500).
type Handler func(c *Ctx) (any, error)

// Deps are what handlers need from the outside world, read once at
// start-up.
type Deps struct {
	Store       store.Store
	Signer      *auth.Signer
	Marketplace Marketplace
}

// Marketplace is the organization that owns the marketplace (one stack
// serves one): orders' ToCompanyID, the OwnerID of what it owns, its admin
// users' company.
type Marketplace struct {
	ID, Name string
}

// Ctx is one request being served.
type Ctx struct {
	context.Context
	R    *http.Request
	Op   contract.Operation
	P    *auth.Principal // nil on public routes
	Deps *Deps
	Reg  *Registry
	// Status overrides the default success status when non-zero.
	Status int
	memo   map[string]any
	memoMu sync.Mutex // a page's items may be presented at once
	// pathConfined: the path named an entity the caller reaches, so
	// items listed under it need no reach of their own (see Confine).
	pathConfined bool
}

// Memo computes a value once per request (e.g. a collection that every
// item of a list page is presented against).
func (c *Ctx) Memo(key string, f func() (any, error)) (any, error) {
	if v, ok := c.Recall(key); ok {
		return v, nil
	}
	v, err := f()
	if err != nil {
		return nil, err
	}
	c.Remember(key, v)
	return v, nil
}

// Recall returns what Memo or Remember kept under key.
func (c *Ctx) Recall(key string) (any, bool) {
	c.memoMu.Lock()
	defer c.memoMu.Unlock()
	v, ok := c.memo[key]
	return v, ok
}

// Remember keeps v under key for the rest of the request.
func (c *Ctx) Remember(key string, v any) {
	c.memoMu.Lock()
	defer c.memoMu.Unlock()
	if c.memo == nil {
		c.memo = map[string]any{}
	}
	c.memo[key] = v
}

// Param is a path parameter ("" outside an HTTP request).
func (c *Ctx) Param(name string) string {
	if c.R == nil {
		return ""
	}
	return c.R.PathValue(name)
}

// MarketplaceID is the marketplace owner's organization ID.
func (c *Ctx) MarketplaceID() string { return c.Deps.Marketplace.ID }

// Query reads a query parameter, matching its name case-insensitively.
func (c *Ctx) Query(name string) string {
	if c.R == nil {
		return ""
	}
	q := c.R.URL.Query()
	if v := q.Get(name); v != "" {
		return v
	}
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Body decodes the request's JSON object body, at most api.MaxBodyBytes
// (a larger declared length is refused before reading).
func (c *Ctx) Body() (api.Doc, error) {
	if c.R.Body == nil {
		return nil, api.InvalidBody("")
	}
	if c.R.ContentLength > api.MaxBodyBytes {
		return nil, api.BodyTooLarge()
	}
	d, err := api.ReadBody(c.R.Body)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Decode reads the request's JSON body as a doc of model m, cleaned and
// validated by the contract's rules (partial for a PATCH).
func (c *Ctx) Decode(m *contract.Model, partial bool) (api.Doc, error) {
	body, err := c.Body()
	if err != nil {
		return nil, err
	}
	doc, aerr := api.Clean(m, body, partial)
	if aerr != nil {
		return nil, aerr
	}
	return doc, nil
}

// Route is an extra (non-contract) route, e.g. /oauth/token.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
}

// Registry holds every handler and declaration.
type Registry struct {
	handlers  map[string]Handler
	resources map[string]*Resource
	// listedKinds are the collections keeping list indexes, by stored kind.
	listedKinds map[string]*Resource
	assignments []*Assignment
	routes      []Route
	deps        *Deps
	tokenCheck  TokenCheck
	// marketplaceOnly are operations refused to buyer and supplier users.
	marketplaceOnly map[string]bool
	// public are operations served without a token (HandlePublic).
	public map[string]bool
	// status is the success status of operations that do not answer the
	// method's usual one (a POST that creates nothing answers 200).
	status map[string]int
	// FillID replaces "{incrementorID}" placeholders of a new entity's ID
	// with the incrementors' next numbers (nil: IDs are taken as written).
	FillID func(c *Ctx, id string) (string, error)
	// callerChecks vet a caller for an operation beyond its roles.
	callerChecks []CallerCheck
	// upgradeHooks bring scanned items up to date for other parts of the
	// API (see AlsoUpgrade).
	upgradeHooks []UpgradeHook
	// writeHooks run around write requests (see OnWrite).
	writeHooks []WriteHook
}

// A CallerCheck refuses a caller an operation its roles would allow, for
// what the token says of it (an anonymous shopper changing the profile of
// the user it shops as); nil lets it through.
type CallerCheck func(p *auth.Principal, op contract.Operation) error

// AddCallerCheck adds a check every contract operation runs after its role
// check (and every delegated one, see Delegate).
func (r *Registry) AddCallerCheck(f CallerCheck) { r.callerChecks = append(r.callerChecks, f) }

// checkCaller runs the caller checks.
func (r *Registry) checkCaller(p *auth.Principal, op contract.Operation) error {
	for _, f := range r.callerChecks {
		if err := f(p, op); err != nil {
			return err
		}
	}
	return nil
}

// AssignID gives an entity about to be created its ID: a generated one
// when the doc has none, else the written one with its incrementor
// placeholders filled.
func (r *Registry) AssignID(c *Ctx, doc api.Doc) error {
	id, _ := doc["ID"].(string)
	switch {
	case id == "":
		doc["ID"] = api.NewID()
	case r.FillID != nil && strings.Contains(id, "{"):
		filled, err := r.FillID(c, id)
		if err != nil {
			return err
		}
		doc["ID"] = filled
	}
	return nil
}

// TokenCheck vets a caller whose token verified, for what a signature
// cannot show (a token revoked before it expired). It must be cheap: it
// runs on every authenticated request.
type TokenCheck func(ctx context.Context, deps *Deps, p *auth.Principal) error

// SetTokenCheck installs the check every contract operation runs after
// verifying the bearer token (nil: none).
func (r *Registry) SetTokenCheck(f TokenCheck) { r.tokenCheck = f }

// NewRegistry makes an empty registry serving with deps.
func NewRegistry(deps *Deps) *Registry {
	return &Registry{handlers: map[string]Handler{}, resources: map[string]*Resource{}, listedKinds: map[string]*Resource{}, marketplaceOnly: map[string]bool{}, public: map[string]bool{}, status: map[string]int{}, deps: deps}
}

// Context is the engine context for work done outside an HTTP request (an
// event, a schedule) or by a service called from one: ctx itself when it
// is already this registry's context of the same caller (keeping its
// per-request memo), else a new one acting as p.
func (r *Registry) Context(ctx context.Context, p *auth.Principal) *Ctx {
	if c, ok := ctx.(*Ctx); ok && c.Reg == r && c.P == p {
		return c
	}
	return &Ctx{Context: ctx, P: p, Deps: r.deps, Reg: r}
}

// Deps are the registry's dependencies.
func (r *Registry) Deps() *Deps { return r.deps }

// Handle registers a hand-written handler for a contract operation ID.
func (r *Registry) Handle(opID string, h Handler) {
	op, ok := contract.Op(opID)
	if !ok {
		panic("resource: no contract operation " + opID)
	}
	r.handlers[opID] = guard(op, h)
}

// HandlePublic registers a handler for a contract operation its callers
// use without a token (a user who forgot its password): no token, role or
// caller check runs, and the handler's c.P is nil.
func (r *Registry) HandlePublic(opID string, h Handler) {
	r.Handle(opID, h)
	r.public[opID] = true
}

// IsPublic reports whether an operation is served without a token.
func (r *Registry) IsPublic(opID string) bool { return r.public[opID] }

// HandleRoute registers an extra route outside the contract.
func (r *Registry) HandleRoute(rt Route) { r.routes = append(r.routes, rt) }

// Implemented reports whether an operation has a handler.
func (r *Registry) Implemented(opID string) bool { _, ok := r.handlers[opID]; return ok }

// Resources returns every declared resource.
func (r *Registry) Resources() []*Resource {
	out := make([]*Resource, 0, len(r.resources))
	for _, res := range r.resources {
		out = append(out, res)
	}
	return out
}

// AssignmentDecls returns every declared assignment collection.
func (r *Registry) AssignmentDecls() []*Assignment { return r.assignments }

// Resource returns a declared resource by name.
func (r *Registry) Resource(name string) *Resource { return r.resources[name] }

// Mux builds the HTTP handler for the operations whose path passes keep
// (nil keeps all). Unknown paths answer OrderCloud's 404 shape.
func (r *Registry) Mux(keep func(path string) bool) http.Handler {
	deps := r.deps
	mux := http.NewServeMux()
	for _, op := range contract.Operations() {
		h, ok := r.handlers[op.ID()]
		if !ok {
			continue
		}
		full := "/v1" + op.Path
		if keep != nil && !keep(full) {
			continue
		}
		mux.Handle(op.Method+" "+full, r.serve(deps, op, h))
	}
	for _, rt := range r.routes {
		path := rt.Pattern
		if i := strings.Index(path, " "); i >= 0 {
			path = path[i+1:]
		}
		if keep != nil && !keep(path) {
			continue
		}
		mux.Handle(rt.Pattern, rt.Handler)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) { api.WriteError(w, api.RouteNotFound()) })
	return withRecover(mux)
}

// withRecover turns a panic into a logged 500 in the API's error shape.
func withRecover(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				slog.Error("panic serving request", "path", req.URL.Path, "panic", v)
				api.WriteJSON(w, http.StatusInternalServerError, api.Body(api.E(500, "ServerError", nil)))
			}
		}()
		h.ServeHTTP(w, req)
	})
}

func (r *Registry) serve(deps *Deps, op contract.Operation, h Handler) http.Handler {
	allowed := RolesFor(op)
	plan, _ := r.pathPlan(op)
	marketplaceOnly := r.marketplaceOnly[op.ID()]
	public := r.public[op.ID()]
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var p *auth.Principal
		if !public {
			var err error
			if p, err = r.authorize(deps, req, op, allowed, marketplaceOnly); err != nil {
				api.WriteError(w, err)
				return
			}
		}
		body, err := readBody(req)
		if err != nil {
			api.WriteError(w, err)
			return
		}
		key, err := idempotencyKey(req)
		if err != nil {
			api.WriteError(w, err)
			return
		}
		// Pre-hooks (webhooks with BeforeProcessRequest) decide before any
		// write of the handler; post-hooks record the write before the
		// caller hears of it. A replayed answer runs neither again. Public
		// operations have no caller: no idempotency record, no webhook.
		var wr *WriteRequest
		if public {
			key = ""
		} else {
			wr = r.writeRequest(op, req, p, body)
		}
		run := func() answer {
			if err := r.beforeWrite(req.Context(), wr); err != nil {
				return errorAnswer(err)
			}
			a := r.run(req, body, deps, op, p, plan, h)
			if a.status < http.StatusMultipleChoices {
				var out any
				if a.body != nil {
					out = json.RawMessage(a.body)
				}
				r.afterWrite(req.Context(), wr, a.status, out)
			}
			return a
		}
		if key == "" {
			run().write(w)
			return
		}
		idempotent(req.Context(), deps.Store, idempotencyRecordKey(p, key), fingerprint(req, body), run).write(w)
	})
}

// run serves one request: the handler, retried on conflicts, and its
// answer rendered.
func (r *Registry) run(req *http.Request, body []byte, deps *Deps, op contract.Operation, p *auth.Principal, plan []pathEntity, h Handler) answer {
	// Each attempt gets a fresh context (no memo of what a concurrent
	// write has since changed) and the body anew.
	var c *Ctx
	out, err := Retry(req.Context(), func() (any, error) {
		req.Body = io.NopCloser(bytes.NewReader(body))
		c = &Ctx{Context: req.Context(), R: req, Op: op, P: p, Deps: deps, Reg: r}
		if err := r.confinePath(c, plan); err != nil {
			return nil, err
		}
		return h(c)
	})
	if err != nil {
		return errorAnswer(err)
	}
	status := c.Status
	if out == nil {
		if status == 0 {
			status = http.StatusNoContent
		}
		return answer{status: status}
	}
	if status == 0 {
		status = r.SuccessStatus(op)
	}
	return answer{status: status, body: encodeJSON(out)}
}

// authorize verifies a request's token and that its caller may call op.
func (r *Registry) authorize(deps *Deps, req *http.Request, op contract.Operation, allowed []string, marketplaceOnly bool) (*auth.Principal, error) {
	p, err := Authenticate(deps.Signer, req)
	if err == nil && r.tokenCheck != nil {
		err = r.tokenCheck(req.Context(), deps, p)
	}
	if err != nil {
		return nil, err
	}
	if allowed != nil && !p.HasAny(allowed) {
		return nil, api.InsufficientRoles(allowed)
	}
	if marketplaceOnly && p.UserType != auth.Admin {
		return nil, api.NotForUserType("")
	}
	if err := r.checkCaller(p, op); err != nil {
		return nil, err
	}
	return p, nil
}

// readBody reads a request's whole body once, so a retried attempt can read
// it again; a body over api.MaxBodyBytes is refused, not truncated.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > api.MaxBodyBytes {
		return nil, api.BodyTooLarge()
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, api.MaxBodyBytes+1))
	if err != nil {
		return nil, api.InvalidBody("")
	}
	if len(b) > api.MaxBodyBytes {
		return nil, api.BodyTooLarge()
	}
	return b, nil
}

// Answers declares the success status of an operation that does not answer
// its method's usual one (a POST that creates nothing: 200).
func (r *Registry) Answers(opID string, status int) {
	if _, ok := contract.Op(opID); !ok {
		panic("resource: no contract operation " + opID)
	}
	r.status[opID] = status
}

// SuccessStatus is the status an operation answers with a body: 201 for a
// POST, 200 otherwise, unless declared (Answers).
func (r *Registry) SuccessStatus(op contract.Operation) int {
	if s, ok := r.status[op.ID()]; ok {
		return s
	}
	if op.Method == http.MethodPost {
		return http.StatusCreated
	}
	return http.StatusOK
}

// MarketplaceOnly marks operations only marketplace users may call,
// whatever roles a buyer or supplier user holds (403
// Auth.UserNotAuthorizedToAdmin).
func (r *Registry) MarketplaceOnly(opIDs ...string) {
	for _, id := range opIDs {
		if _, ok := contract.Op(id); !ok {
			panic("resource: no contract operation " + id)
		}
		r.marketplaceOnly[id] = true
	}
}

// Authenticate verifies the bearer token of a request.
func Authenticate(s *auth.Signer, req *http.Request) (*auth.Principal, error) {
	h := req.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(h, "bearer ")
	}
	if !ok || strings.TrimSpace(tok) == "" {
		return nil, api.Unauthorized("Access token is missing. Send it as 'Authorization: Bearer <token>'.")
	}
	p, err := s.Verify(strings.TrimSpace(tok))
	if err != nil {
		return nil, api.Unauthorized("Access token is invalid or expired.")
	}
	return p, nil
}

// RolesFor returns the roles that allow an operation: the contract's
// roles2018 where listed (an empty list means any signed-in caller, and
// RolesFor returns nil); otherwise the resource's own Admin role, plus its
// Reader role for reads, named after the resource as OrderCloud names
// roles (ApiClients → ApiClientAdmin, ApiClientReader); otherwise the roles
// of a sibling operation of the same resource. FullAccess always allows.
func RolesFor(op contract.Operation) []string {
	roles := op.Roles
	if roles != nil && len(roles) == 0 {
		return nil
	}
	isRead := op.Method == http.MethodGet
	if len(roles) == 0 && op.Resource == "Me" {
		// Me operations without listed roles serve the shopper's own data.
		roles = []string{"Shopper", "MeAdmin"}
	}
	if len(roles) == 0 && (op.Resource == "Cart" || op.Resource == "GroupOrders") {
		// The cart ("only available to buyer users") and group orders are
		// the buyer user's own shopping, as Shopper.
		roles = []string{"Shopper"}
	}
	if len(roles) == 0 {
		// The pattern's roles, with those a sibling operation of the same
		// kind lists: an order operation the contract gives no roles
		// (Orders.Validate) is allowed to whoever may submit one.
		roles = patternRoles(op.Resource, isRead)
		for _, o := range contract.Operations() {
			if orderSide[op.Resource] && !sellerOnly[op.ID()] && o.Resource == siblingOf(op.Resource) && len(o.Roles) > 0 && (o.Method == http.MethodGet) == isRead {
				for _, r := range o.Roles {
					if !slices.Contains(roles, r) {
						roles = append(slices.Clone(roles), r)
					}
				}
				break
			}
		}
	}
	if len(roles) == 0 {
		sibling := op.Resource
		if alias, ok := roleSiblings[op.Resource]; ok {
			sibling = alias
		}
		for _, o := range contract.Operations() {
			if o.Resource == sibling && len(o.Roles) > 0 && (o.Method == http.MethodGet) == isRead {
				roles = o.Roles
				break
			}
		}
	}
	if !slices.Contains(roles, "FullAccess") {
		roles = append(slices.Clone(roles), "FullAccess")
	}
	return roles
}

// orderSide are the resources buyer users act on as shoppers: an
// operation of theirs without listed roles takes a sibling's as well.
var orderSide = map[string]bool{"Orders": true, "LineItems": true, "BundleLineItems": true, "OrderReturns": true,
	"Payments": true, "Shipments": true}

// sellerOnly are order operations without listed roles that only the
// order's seller performs (OrderAdmin): splitting, forwarding and
// completing an order are never a shopper's.
var sellerOnly = map[string]bool{"Orders.Split": true, "Orders.Forward": true, "Orders.Complete": true}

// siblingOf is the resource whose operations' roles an operation without
// listed roles borrows: its own, or the one it extends.
func siblingOf(resource string) string {
	switch resource {
	case "BundleLineItems":
		return "LineItems"
	case "OrderReturns":
		return "Orders"
	}
	return resource
}

// roleNames are resource names whose roles do not follow from the name.
var roleNames = map[string]string{"Users": "BuyerUser", "UserGroups": "UserGroup", "XpIndices": "XpIndex",
	"OpenIdConnects": "OpenIDConnect", "ImpersonationConfigs": "BuyerImpersonation", "InventoryRecords": "Product",
	"SellerApprovalRules": "ApprovalRule", "EntitySyncs": "EntitySyncConfig", "ProductSyncs": "ProductSyncConfig",
	"OrderSyncs": "OrderSyncConfig", "DeliveryConfigurations": "DeliveryConfig", "SubscriptionItems": "Subscription",
	"PromotionIntegrations": "Promotion", "SubscriptionIntegrations": "Subscription", "InventoryIntegrations": "Product"}

// roleSiblings are resources whose operations take the roles of another
// resource's operation of the same method: bundle line items are line
// items (Shopper and OrderAdmin add and remove them).
var roleSiblings = map[string]string{"BundleLineItems": "LineItems"}

// patternRoles derives <Singular>Admin (and <Singular>Reader for reads)
// when those are real ApiRole values.
func patternRoles(resource string, isRead bool) []string {
	base, ok := roleNames[resource]
	if !ok {
		switch {
		case strings.HasSuffix(resource, "ies"):
			base = strings.TrimSuffix(resource, "ies") + "y"
		case strings.HasSuffix(resource, "sses"):
			base = strings.TrimSuffix(resource, "es")
		default:
			base = strings.TrimSuffix(resource, "s")
		}
	}
	known := contract.Enum("ApiRole")
	find := func(name string) string {
		for _, r := range known {
			if strings.EqualFold(r, name) {
				return r
			}
		}
		return ""
	}
	var out []string
	if base == "BuyerImpersonation" {
		if r := find(base); r != "" {
			return []string{r}
		}
	}
	if r := find(base + "Admin"); r != "" {
		out = append(out, r)
	}
	if isRead {
		if r := find(base + "Reader"); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Public adapts a handler that writes its own response (OAuth endpoints)
// to a route; it gets a Ctx without a principal.
func (r *Registry) Public(h func(c *Ctx, w http.ResponseWriter)) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		h(&Ctx{Context: req.Context(), R: req, Deps: r.deps, Reg: r}, w)
	}
}
