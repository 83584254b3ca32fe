package resource

import (
	"errors"
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Company confinement.
//
// Marketplace (admin) users reach every entity. A buyer or supplier user
// reaches only what its own company owns or may see, and the engine
// enforces that for every route, so a new route cannot forget it:
//
//   - every entity a path names (a buyer, a product, an order…) must be
//     reachable, else the request is a 404; the last one a write names
//     must be owned (writable), the ones before it readable;
//   - every list page keeps only the items the caller reaches, before
//     paging, so TotalCount matches;
//   - every create, replace and delete the engine performs writes only
//     docs the caller owns, and every entity a body references (Refs) must
//     be one the caller may read.
//
// Which companies reach an entity is declared once per resource (Reach),
// or follows from its scope: an entity living under a buyer or supplier
// (/buyers/{buyerID}/…) belongs to that company. Entities living under
// another entity (a product's variants, an order's line items) are
// reached through it. A resource that declares neither is the
// marketplace's own.

// Reach declares which buyer and supplier users reach a resource's entities.
type Reach struct {
	// Owners are fields naming the company that owns an entity: its users
	// may read and change it ("OwnerID"; "ID" for a company itself).
	Owners []string
	// Viewers are fields naming further companies whose users may read it
	// (a shipment's BuyerID).
	Viewers []string
	// Sees lets users read entities beyond those fields (products every
	// supplier is invited to sell). It may look things up.
	Sees func(c *Ctx, doc api.Doc) (bool, error)
	// Index names an internal list field holding every company the
	// Owners and Viewers fields name, derived for the list indexes (and
	// declared in the listing's Equal), never stored in the document. A
	// buyer's or supplier's list of an entity reached through several
	// fields (a shipment's OwnerID or BuyerID) is then one equality filter
	// on it, answered by its own partition.
	Index string
}

// derive adds to doc (a copy the caller owns) the fields the indexes read
// that the document does not store: Reach.Index.
func (res *Resource) derive(doc api.Doc) {
	if res.Reach.Index == "" {
		return
	}
	parties := []any{}
	for _, f := range append(slices.Clone(res.Reach.Owners), res.Reach.Viewers...) {
		if v, _ := doc[f].(string); v != "" && !slices.Contains(parties, any(v)) {
			parties = append(parties, v)
		}
	}
	doc[res.Reach.Index] = parties
}

func (r Reach) declared() bool { return len(r.Owners) > 0 || len(r.Viewers) > 0 || r.Sees != nil }

// companyParam is the path parameter naming a user type's own company.
func companyParam(userType string) string {
	switch userType {
	case auth.Buyer:
		return "buyerID"
	case auth.Supplier:
		return "supplierID"
	}
	return ""
}

// companyScope is the index of the company parameter in a scope, or -1.
func companyScope(scope []string) int {
	return slices.IndexFunc(scope, func(p string) bool { return p == "buyerID" || p == "supplierID" })
}

// unconfined reports whether the request's caller reaches everything.
func (c *Ctx) unconfined() bool {
	return c.P == nil || c.P.UserType == auth.Admin || c.Op.Resource == "Me"
}

// reachable says whether the caller may read (or, with write, change) the
// entity doc of res living in scope. A nil scope judges by the doc alone.
func (r *Registry) reachable(c *Ctx, res *Resource, scope []string, doc api.Doc, write bool) (bool, error) {
	if c.P == nil || c.P.UserType == auth.Admin {
		return true, nil
	}
	if i := companyScope(res.Scope); i >= 0 && i < len(scope) {
		return res.Scope[i] == companyParam(c.P.UserType) && scope[i] == c.P.CompanyID, nil
	}
	fields := res.Reach.Owners
	if !write {
		fields = append(slices.Clone(fields), res.Reach.Viewers...)
	}
	for _, f := range fields {
		if v, _ := doc[f].(string); v != "" && v == c.P.CompanyID {
			return true, nil
		}
	}
	if !write && res.Reach.Sees != nil {
		return res.Reach.Sees(c, doc)
	}
	return false, nil
}

// hasReach reports whether a resource decides reach itself (by its scope
// or its Reach) rather than through the entity it lives under.
func (res *Resource) hasReach() bool { return companyScope(res.Scope) >= 0 || res.Reach.declared() }

// LoadReachable loads an entity the caller names (in a body or a query) and
// answers 404 unless the caller may read it (write: change it).
func (r *Registry) LoadReachable(c *Ctx, res *Resource, scope []string, id string, write bool) (*Entity, error) {
	e, err := r.Load(c, res, scope, id)
	if err != nil {
		return nil, err
	}
	ok, err := r.reachable(c, res, scope, e.Doc, write)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, api.NotFound(res.objectType(), id)
	}
	return e, nil
}

// --- paths -----------------------------------------------------------------

// pathEntity is a path parameter naming an entity of res, whose scope is
// the values of the path parameters at scope.
type pathEntity struct {
	param string
	res   *Resource
	scope []int
}

// paramAliases name path parameters that hold another parameter's kind of
// entity (moving a user to a new buyer; a bundle's line on an order).
var paramAliases = map[string]string{"newBuyerID": "buyerID", "bundleItemID": "lineItemID"}

// handlerChecked are, per operation, path parameters naming an entity the
// caller need not reach, which the handler checks itself: a bundle added
// to an order is one the order's user may buy, not one its company owns;
// a subscription's bundle item is found under the subscription the path
// names (checked), not among order lines.
var handlerChecked = map[string][]string{"BundleLineItems.Create": {"bundleID"}, "BundleLineItems.Delete": {"bundleID"},
	"BundleSubscriptionItems.Create": {"bundleID"}, "BundleSubscriptionItems.Delete": {"bundleID", "bundleItemID"},
	// An order return's item is named by its order's line item, which the
	// handler finds among the return's items.
	"OrderReturns.DeleteItem": {"lineItemID"}}

// nonEntityParams are path parameters that name no entity by its ID: a
// payment's transactions live inside the payment; a promoCode names a
// promotion by the code buyers enter, and the order operations taking one
// check who may use it themselves.
var nonEntityParams = []string{"direction", "thingType", "key", "transactionID", "promoCode"}

// pathPlan maps an operation's path parameters to the entities they name:
// each parameter is the ID parameter of the resource whose scope
// parameters all come before it in the path (the longest such scope wins:
// /buyers/{buyerID}/addresses/{addressID} names a buyer's address, not an
// admin address).
func (r *Registry) pathPlan(op contract.Operation) ([]pathEntity, []string) {
	var plan []pathEntity
	var unknown []string
	for i, param := range op.PathParams {
		if slices.Contains(handlerChecked[op.ID()], param) {
			continue
		}
		kind := param
		if a, ok := paramAliases[param]; ok {
			kind = a
		}
		var best *Resource
		var bestScope []int
		for _, res := range r.resources {
			if res.IDParam != kind || res.ScopeFunc != nil {
				continue
			}
			idx, ok := scopeIndexes(res.Scope, op.PathParams[:i])
			if ok && (best == nil || len(res.Scope) > len(best.Scope) || (len(res.Scope) == len(best.Scope) && res.Name < best.Name)) {
				best, bestScope = res, idx
			}
		}
		if best == nil {
			if !slices.Contains(nonEntityParams, param) {
				unknown = append(unknown, param)
			}
			continue
		}
		plan = append(plan, pathEntity{param: param, res: best, scope: bestScope})
	}
	return plan, unknown
}

// scopeIndexes finds each scope parameter among the path parameters before
// an ID, in order.
func scopeIndexes(scope, before []string) ([]int, bool) {
	idx := make([]int, 0, len(scope))
	from := 0
	for _, s := range scope {
		j := slices.Index(before[from:], s)
		if j < 0 {
			return nil, false
		}
		idx = append(idx, from+j)
		from += j + 1
	}
	return idx, true
}

// UnknownPathParams lists, per served operation, the path parameters that
// name no declared resource and are not known to name no entity (a test
// keeps it empty, so no route escapes the path check).
func (r *Registry) UnknownPathParams() map[string][]string {
	out := map[string][]string{}
	for _, op := range contract.Operations() {
		// A public operation has no caller to confine (its path names a
		// credential, such as a verification code, not an entity).
		if _, ok := r.handlers[op.ID()]; !ok || selfScoped(op) || r.public[op.ID()] {
			continue
		}
		if _, unknown := r.pathPlan(op); len(unknown) > 0 {
			out[op.ID()] = unknown
		}
	}
	return out
}

// selfScoped reports whether an operation's path parameters name things
// of the caller's own, which its handler finds from the caller: Me, the
// cart (its line items, payments and promotions are the cart order's) and
// a group order invitation (the invitation's ID is what lets its holder in).
func selfScoped(op contract.Operation) bool {
	return op.Resource == "Me" || op.Resource == "Cart" || op.Resource == "GroupOrders"
}

// confinePath checks every entity the request's path names: 404 for one the
// caller may not reach. The last entity that decides its own reach must be
// writable when the request writes (its children are changed through it);
// the ones before it readable. Entities not found are left to the handler
// (a 404, or a PUT that creates).
func (r *Registry) confinePath(c *Ctx, plan []pathEntity) error {
	if c.unconfined() {
		return nil
	}
	last := -1
	for i, pe := range plan {
		if pe.res.hasReach() {
			last = i
		}
	}
	for i, pe := range plan {
		if !pe.res.hasReach() {
			if len(pe.res.Scope) == 0 {
				// A top-level entity of the marketplace's own.
				return api.NotFound(pe.res.objectType(), c.Param(pe.param))
			}
			continue // reached through the entity it lives under
		}
		c.pathConfined = true
		write := c.R.Method != http.MethodGet && i == last
		id := c.Param(pe.param)
		scope := make([]string, len(pe.scope))
		for j, k := range pe.scope {
			scope[j] = c.Param(c.Op.PathParams[k])
		}
		if companyScope(pe.res.Scope) >= 0 {
			// Judged by the scope alone (the company parameter before it
			// was checked as an entity of its own).
			if ok, _ := r.reachable(c, pe.res, scope, nil, write); !ok {
				return api.NotFound(pe.res.objectType(), id)
			}
			continue
		}
		if slices.Equal(pe.res.Reach.Owners, []string{"ID"}) && id == c.P.CompanyID {
			continue // the caller's own company
		}
		e, err := r.Load(c, pe.res, scope, id)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			continue
		}
		if err != nil {
			return err
		}
		ok, err := r.reachable(c, pe.res, scope, e.Doc, write)
		if err != nil {
			return err
		}
		if !ok {
			return api.NotFound(pe.res.objectType(), id)
		}
	}
	return nil
}

// --- lists -----------------------------------------------------------------

// reachOfModel finds how items of a listed model are reached: the Reach of
// the resources declared with that model (they must agree), or the owning
// references of an assignment model.
func (r *Registry) reachOfModel(model string) (*Resource, *Assignment) {
	for _, res := range r.resources {
		if res.Model == model && res.Reach.declared() {
			return res, nil
		}
	}
	for _, a := range r.assignments {
		if a.Model == model && len(a.Reach) > 0 {
			return nil, a
		}
	}
	return nil, nil
}

// Confine keeps the docs of model m the caller may read. Every list page
// passes through it before filtering and paging, so lists show only what
// the caller reaches and TotalCount counts only that. Items of a model
// whose reach is not declared are kept when the path named an entity the
// caller reaches (they live under it), and dropped otherwise (a top-level
// collection of the marketplace's own).
func (r *Registry) Confine(c *Ctx, m *contract.Model, docs []api.Doc) ([]api.Doc, error) {
	if c.unconfined() || m == nil {
		return docs, nil
	}
	res, a := r.reachOfModel(m.Name)
	if res == nil && a == nil {
		if c.pathConfined {
			return docs, nil
		}
		return nil, nil
	}
	out := make([]api.Doc, 0, len(docs))
	for _, d := range docs {
		var ok bool
		var err error
		if res != nil {
			ok, err = r.reachable(c, res, nil, d, false)
		} else {
			ok, err = r.assignmentReachable(c, a, d, false)
		}
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// confinementFilters are the filters that keep a list of res to what the
// caller reaches, for lists served from indexes; ok is false when no
// filter can say it (the list then reads the collection and Confines it).
func (r *Registry) confinementFilters(c *Ctx, res *Resource) ([]api.Filter, bool) {
	switch {
	case c.unconfined():
		return nil, true
	case companyScope(res.Scope) >= 0:
		return nil, true // the path named the caller's own company
	case !res.hasReach():
		return nil, c.pathConfined
	}
	rc := res.Reach
	switch {
	case rc.Sees != nil:
		return nil, false
	case rc.Index != "":
		return []api.Filter{api.AnyOf(rc.Index, []string{c.P.CompanyID})}, true
	case len(rc.Owners) == 1 && rc.Owners[0] != "ID" && len(rc.Viewers) == 0:
		return []api.Filter{api.EqualFilter(api.ListSpec{Model: res.model}, rc.Owners[0], c.P.CompanyID)}, true
	}
	return nil, false
}

// --- writes ----------------------------------------------------------------

// fillOwner gives a new doc whose owner the body leaves empty its
// creator's organization (the marketplace for its own users and for work
// without a caller), when the resource has one owner field.
func (r *Registry) fillOwner(c *Ctx, res *Resource, doc api.Doc) {
	if len(res.Reach.Owners) != 1 || res.Reach.Owners[0] == "ID" {
		return
	}
	f := res.Reach.Owners[0]
	if doc[f] != nil && doc[f] != "" {
		return
	}
	doc[f] = c.MarketplaceID()
	if c.P != nil && c.P.UserType != auth.Admin {
		doc[f] = c.P.CompanyID
	}
}

// keepOwner keeps an entity's owner when a replace leaves it empty: only
// naming another organization changes it.
func (r *Registry) keepOwner(res *Resource, old, doc api.Doc) {
	if len(res.Reach.Owners) != 1 || res.Reach.Owners[0] == "ID" {
		return
	}
	if f := res.Reach.Owners[0]; doc[f] == nil || doc[f] == "" {
		doc[f] = old[f]
	}
}

// confineWrite refuses a write of doc (replacing old, nil on create) that
// would leave or take an entity outside what the caller owns, and checks
// every entity the doc references exists and may be read by the caller.
func (r *Registry) confineWrite(c *Ctx, res *Resource, scope []string, old, doc api.Doc) error {
	for _, ref := range res.Refs {
		if old != nil && old[ref.Field] == doc[ref.Field] {
			continue
		}
		if err := r.checkRef(c, ref, doc); err != nil {
			return err
		}
	}
	if c.P == nil || c.P.UserType == auth.Admin {
		return nil
	}
	if !res.hasReach() && len(res.Scope) > 0 {
		return nil // reached through the entity it lives under, checked on the path
	}
	for _, d := range []api.Doc{old, doc} {
		if d == nil {
			continue
		}
		ok, err := r.reachable(c, res, scope, d, true)
		if err != nil {
			return err
		}
		if !ok {
			return notYours(res)
		}
	}
	return nil
}

// notYours is the 403 for a write that would give an entity to, or take
// it from, another organization: only the marketplace owner may.
func notYours(res *Resource) error {
	return api.NotForUserType("Only the marketplace owner can write " + res.objectType() + " objects of another organization.")
}

// entityReachable loads the entity a reference names and says whether the
// caller may read (write: change) it. A missing entity is not reachable.
func (r *Registry) entityReachable(c *Ctx, res *Resource, scope []string, id string, write bool) (bool, error) {
	key := "reach#" + res.Name + "#" + id
	for _, s := range scope {
		key += "#" + s
	}
	if write {
		key += "#w"
	}
	v, err := c.Memo(key, func() (any, error) {
		e, err := r.Load(c, res, scope, id)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return false, nil
		}
		if err != nil {
			return nil, err
		}
		return r.reachable(c, res, scope, e.Doc, write)
	})
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}

// assignmentReachable says whether the caller reaches an assignment: by the
// company it lives under, or, for a top-level assignment, by the entities
// its Reach references name (any of them to read it, all to change it).
func (r *Registry) assignmentReachable(c *Ctx, a *Assignment, doc api.Doc, write bool) (bool, error) {
	if c.P == nil || c.P.UserType == auth.Admin {
		return true, nil
	}
	if len(a.Scope) > 0 {
		return true, nil // confined by the path
	}
	if len(a.Reach) == 0 {
		return false, nil
	}
	for _, f := range a.Reach {
		ref, ok := a.ref(f)
		if !ok {
			continue
		}
		id, _ := doc[f].(string)
		if id == "" {
			continue
		}
		res := r.resources[ref.Resource]
		ok, err := r.entityReachable(c, res, refScope(c, ref, doc), id, write)
		if err != nil {
			return false, err
		}
		if ok && !write {
			return true, nil
		}
		if !ok && write {
			return false, nil
		}
	}
	return write, nil
}

// refScope is the scope of the entity a reference names.
func refScope(c *Ctx, ref Ref, doc api.Doc) []string {
	scope := make([]string, 0, len(ref.ScopeFields)+len(ref.ScopeParams))
	for _, f := range ref.ScopeFields {
		s, _ := doc[f].(string)
		scope = append(scope, s)
	}
	for _, p := range ref.ScopeParams {
		scope = append(scope, c.Param(p))
	}
	return scope
}

// AlsoSees lets users read entities of res beyond its Reach fields, in
// addition to what Sees already allows (a supplier sees the buyers it
// sells to; the relationship is the suppliers' to declare).
func (res *Resource) AlsoSees(sees func(c *Ctx, doc api.Doc) (bool, error)) {
	prev := res.Reach.Sees
	res.Reach.Sees = func(c *Ctx, doc api.Doc) (bool, error) {
		if prev != nil {
			if ok, err := prev(c, doc); ok || err != nil {
				return ok, err
			}
		}
		return sees(c, doc)
	}
}
