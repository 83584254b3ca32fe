package resource

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Assignment declares a relationship collection (catalog ↔ product,
// security profile ↔ party, …) served by the engine: save (duplicates
// replace), delete and list with filters by any of its fields.
type Assignment struct {
	// Resource is the SDK resource the operations belong to ("Catalogs").
	Resource string
	// Save, Delete and List are operation names ("SaveProductAssignment").
	Save, Delete, List string
	// MoreDeletes are further delete operations addressing the same
	// assignments by other paths (a buyer's or a supplier's).
	MoreDeletes []string
	// Model is the contract model of the assignment.
	Model string
	// Kind is the stored type and partition name (defaults to Model).
	Kind string
	// Scope are path parameters the assignments live under (["buyerID"]);
	// each fills the model field of the same name.
	Scope []string
	// Key are the fields that identify an assignment; saving the same key
	// again replaces it.
	Key []string
	// Refs are the entities the fields point at; they must exist.
	Refs []Ref
	// Prepare may check or change an assignment before it is saved.
	Prepare func(c *Ctx, doc api.Doc) error
	// Party marks an assignment to a party (a company, one of its groups or
	// a user): the PartyAssignment rules apply to it.
	Party bool
	// GroupField names the party's group field (default "UserGroupID").
	GroupField string
	// Reach names the reference fields whose entities decide which buyer
	// and supplier users reach an assignment that lives under no company:
	// reading it needs one of them readable, changing it all of them
	// owned. Without Reach (and no company in its scope) assignments are
	// the marketplace's to make.
	Reach []string
	// Counts are the counts each assignment counts towards (a spec-product
	// assignment towards its product's SpecCount); see Counter.
	Counts []Counter
	// IndexBy are up to two fields (not the first key field, which the
	// table's sort key already orders) whose values find assignments
	// through the table's indexes GSI1 and GSI2, across scopes: a buyer's
	// catalog assignments, a product's catalogs. See AssignmentsWith.
	IndexBy []string
	// OnSave and OnDelete add to an assignment's transaction the writes
	// that keep what other entities hold of it (a product's catalogs).
	// old is the assignment saved over (nil when new). cause is "" for a
	// delete asked for, else the resource whose entity's delete cascades
	// to it.
	OnSave   func(c *Ctx, tx *Tx, old, doc api.Doc) error
	OnDelete func(c *Ctx, tx *Tx, doc api.Doc, cause string) error

	model *contract.Model
}

// indexPK is the GSI partition of the assignments of a whose field holds
// value, in every scope.
func (a *Assignment) indexPK(field, value string) string {
	return a.PK() + "#" + field + "=" + value
}

// Ref is a field that references an entity of a resource.
type Ref struct {
	Field    string
	Resource string
	// ScopeFields give the referenced entity's scope from the assignment's
	// own fields (["BuyerID"] for a user group).
	ScopeFields []string
	// ScopeParams give it from the request's path parameters instead, for
	// assignments whose model does not carry the scope (an address
	// assignment lives under /buyers/{buyerID} but has no BuyerID field).
	ScopeParams []string
}

// PK is the partition of the assignments for scope values.
func (a *Assignment) PK(scope ...string) string {
	kind := a.Kind
	if kind == "" {
		kind = a.Model
	}
	pk := "Asg#" + kind
	if len(scope) > 0 {
		pk += "#" + strings.Join(scope, "#")
	}
	return pk
}

// SK identifies an assignment by its key fields.
func (a *Assignment) SK(doc api.Doc) string {
	parts := make([]string, len(a.Key))
	for i, k := range a.Key {
		parts[i], _ = doc[k].(string)
	}
	return strings.Join(parts, "|")
}

// AddAssignment declares an assignment collection and registers its operations.
func (r *Registry) AddAssignment(a *Assignment) *Assignment {
	a.model = contract.ModelByName(a.Model)
	if a.model == nil {
		panic("resource: no contract model " + a.Model)
	}
	r.assignments = append(r.assignments, a)
	r.keepCounts(a.Counts)
	if a.Save != "" {
		r.Handle(a.Resource+"."+a.Save, func(c *Ctx) (any, error) { return nil, c.Reg.saveAssignment(c, a) })
	}
	for _, d := range append([]string{a.Delete}, a.MoreDeletes...) {
		if d != "" {
			r.Handle(a.Resource+"."+d, func(c *Ctx) (any, error) { return nil, c.Reg.deleteAssignment(c, a) })
		}
	}
	if a.List != "" {
		r.Handle(a.Resource+"."+a.List, func(c *Ctx) (any, error) { return c.Reg.listAssignments(c, a) })
	}
	return a
}

// ref is the reference declared for a field.
func (a *Assignment) ref(field string) (Ref, bool) {
	for _, r := range a.Refs {
		if r.Field == field {
			return r, true
		}
	}
	return Ref{}, false
}

// confineAssignment refuses a buyer or supplier user an assignment it may
// not change: one the marketplace alone makes, or one whose owning
// entities are not all the caller's.
func (r *Registry) confineAssignment(c *Ctx, a *Assignment, doc api.Doc) error {
	if c.P == nil || c.P.UserType == auth.Admin || len(a.Scope) > 0 {
		return nil // living under a company or an entity, checked on the path
	}
	if len(a.Reach) == 0 {
		return api.NotForUserType("")
	}
	for _, f := range a.Reach {
		ref, _ := a.ref(f)
		id, _ := doc[f].(string)
		if id == "" {
			continue
		}
		res := r.resources[ref.Resource]
		ok, err := r.entityReachable(c, res, refScope(c, ref, doc), id, true)
		if err != nil {
			return err
		}
		if !ok {
			return api.NotFound(res.objectType(), id)
		}
	}
	return nil
}

// fieldFor maps a parameter name (buyerID) to the model's field (BuyerID).
func (a *Assignment) fieldFor(param string) (string, bool) {
	f, ok := a.model.Field(param)
	return f.Name, ok
}

// checkScope answers 404 when an entity the assignments live under (the
// buyer of /buyers/{buyerID}/…, the product of /products/{productID}/…)
// does not exist: each scope parameter names the resource whose ID
// parameter it is, scoped by the parameters before it.
func (r *Registry) checkScope(c *Ctx, a *Assignment) error {
	for i, p := range a.Scope {
		if res := r.scopeParent(a.Scope[:i+1]); res != nil {
			if _, err := r.Load(c, res, a.scopeValues(c)[:i], c.Param(p)); err != nil {
				return err
			}
		}
	}
	return nil
}

// scopeParent is the resource a scope's last path parameter identifies:
// its ID parameter is that parameter and its own scope the ones before
// (["catalogID"] → Catalogs; ["productID", "variantID"] → Variants).
func (r *Registry) scopeParent(params []string) *Resource {
	last := params[len(params)-1]
	for _, res := range r.resources {
		if res.IDParam == last && slices.Equal(res.Scope, params[:len(params)-1]) && res.ScopeFunc == nil {
			return res
		}
	}
	return nil
}

func (a *Assignment) scopeValues(c *Ctx) []string {
	out := make([]string, len(a.Scope))
	for i, p := range a.Scope {
		out[i] = c.Param(p)
	}
	return out
}

func (r *Registry) saveAssignment(c *Ctx, a *Assignment) error {
	if err := r.checkScope(c, a); err != nil {
		return err
	}
	body, err := c.Body()
	if err != nil {
		return err
	}
	// Path parameters fill their fields before validation (required ones
	// such as BuyerID may come from the path).
	for _, p := range a.Scope {
		if f, ok := a.fieldFor(p); ok {
			body[f] = c.Param(p)
		}
	}
	// Assignment keys are marked read-only in the contract (an assignment
	// is never edited, only replaced) but are written on save.
	doc, aerr := api.Clean(writableModel(a.model), body, false)
	if aerr != nil {
		return aerr
	}
	if err := r.checkParty(a, doc); err != nil {
		return err
	}
	for _, ref := range a.Refs {
		if err := r.checkRef(c, ref, doc); err != nil {
			return err
		}
	}
	if err := r.confineAssignment(c, a, doc); err != nil {
		return err
	}
	if a.Prepare != nil {
		if err := a.Prepare(c, doc); err != nil {
			return err
		}
	}
	return r.putAssignment(c, a, doc, a.scopeValues(c))
}

// putAssignment saves an assignment, replacing one with the same key. A
// counted assignment is read first and written conditionally, so its
// counts change only when it is new (or its counted fields changed).
func (r *Registry) putAssignment(c *Ctx, a *Assignment, doc api.Doc, scope []string) error {
	it := a.Item(doc, scope...)
	if len(a.Counts) == 0 && a.OnSave == nil {
		_, err := c.Deps.Store.Put(c, it, store.Always)
		return err
	}
	// Saved or deleted concurrently since it was read: the condition fails
	// and the request reads again (Retry).
	tx := &Tx{}
	put := it
	cond := store.IfAbsent
	old, err := c.Deps.Store.Get(c, store.Key{PK: it.PK, SK: it.SK})
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.count(tx, a.Counts, a.Scope, scope, doc, +1)
	case err != nil:
		return err
	case len(a.Counts) == 0:
		put.Version, cond = old.Version, store.IfVersion
	case a.countedByKey():
		// Its key fixes what it counts towards, so replacing it changes no
		// count: it only has to still exist (it was counted then), and
		// concurrent saves of it do not collide.
		cond = store.IfPresent
	default:
		oldDoc, err := api.DecodeDoc(old.Doc)
		if err != nil {
			return err
		}
		put.Version, cond = old.Version, store.IfVersion
		r.count(tx, a.Counts, a.Scope, scope, oldDoc, -1)
		r.count(tx, a.Counts, a.Scope, scope, doc, +1)
	}
	if a.OnSave != nil {
		var oldDoc api.Doc
		if old.Doc != nil {
			if oldDoc, err = api.DecodeDoc(old.Doc); err != nil {
				return err
			}
		}
		if err := a.OnSave(c, tx, oldDoc, doc); err != nil {
			return err
		}
	}
	tx.Lead(store.Op{Put: &put, Cond: cond}, nil)
	return tx.Commit(c)
}

// Item is the stored form of an assignment (defaults completed) in scope.
func (a *Assignment) Item(doc api.Doc, scope ...string) store.Item {
	api.Complete(a.model, doc)
	b, _ := json.Marshal(doc)
	sk := a.SK(doc)
	it := store.Item{PK: a.PK(scope...), SK: sk, Type: strings.TrimPrefix(a.PK(), "Asg#"), ID: sk, Doc: b}
	for i, f := range a.IndexBy {
		// Empty values are indexed too: "no buyer" is how marketplace-level
		// assignments are found.
		v, _ := doc[f].(string)
		pk, isk := a.indexPK(f, v), it.PK+"|"+sk
		if i == 0 {
			it.GSI1PK, it.GSI1SK = pk, isk
		} else {
			it.GSI2PK, it.GSI2SK = pk, isk
		}
	}
	return it
}

// AssignmentsWith returns the assignments of a (in every scope) whose
// field holds value: one Query of the table when field is the first key
// field of an unscoped assignment, of an index when a is indexed by it;
// else every assignment of the kind is read (in scope).
func (r *Registry) AssignmentsWith(c *Ctx, a *Assignment, field, value string, scope ...string) ([]api.Doc, error) {
	es, err := r.assignmentsWith(c, a, field, value, scope...)
	if err != nil {
		return nil, err
	}
	out := make([]api.Doc, len(es))
	for i, e := range es {
		out[i] = e.Doc
	}
	return out, nil
}

func (r *Registry) assignmentsWith(c *Ctx, a *Assignment, field, value string, scope ...string) ([]Entity, error) {
	if value == "" && !slices.Contains(a.IndexBy, field) {
		return nil, nil
	}
	var q store.Query
	switch i := slices.Index(a.IndexBy, field); {
	case field == a.Key[0] && (len(a.Scope) == 0 || len(scope) == len(a.Scope)):
		q = store.Query{PK: a.PK(scope...), SKPrefix: value + "|"}
		if len(a.Key) == 1 {
			q = store.Query{PK: a.PK(scope...), Min: value, Max: value}
		}
	case i == 0:
		q = store.Query{Index: "GSI1", PK: a.indexPK(field, value)}
	case i == 1:
		q = store.Query{Index: "GSI2", PK: a.indexPK(field, value)}
	default:
		es, err := r.assignmentEntities(c, a, scope...)
		return slices.DeleteFunc(es, func(e Entity) bool { return e.Doc[field] != value }), err
	}
	items, err := c.Deps.Store.Query(c, q)
	if err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		// An index copy may lag a delete: keep what still exists as read
		// (the caller writes conditioned on the item it reads back).
		if api.Str(d, field) == value && (len(scope) == 0 || strings.HasPrefix(it.PK, a.PK(scope...))) {
			out = append(out, Entity{Doc: d, Item: it})
		}
	}
	return out, nil
}

// writableModel is the model with every field writable: assignment fields
// are read-only only in the sense that an existing one is never edited.
func writableModel(m *contract.Model) *contract.Model {
	c := &contract.Model{Name: m.Name}
	for _, f := range m.Fields {
		f.ReadOnly = false
		c.Fields = append(c.Fields, f)
	}
	return contract.Rebuild(c)
}

// checkParty enforces the party-assignment rules shared by every
// assignment addressed to a buyer/supplier company, group or user.
func (r *Registry) checkParty(a *Assignment, doc api.Doc) error {
	if !a.Party {
		return nil
	}
	has := func(f string) bool { v, _ := doc[f].(string); return v != "" }
	if has("BuyerID") && has("SupplierID") {
		return api.E(http.StatusBadRequest, "PartyAssignment.CannotSpecifyBuyerAndSupplier", nil)
	}
	if has("UserID") && has(a.groupField()) {
		return api.E(http.StatusBadRequest, "PartyAssignment.CannotSpecifyGroupAndUser", nil)
	}
	return nil
}

func (a *Assignment) groupField() string {
	if a.GroupField != "" {
		return a.GroupField
	}
	return "UserGroupID"
}

// checkRef checks that the entity a reference field names exists and that
// the caller may read it (404 otherwise).
func (r *Registry) checkRef(c *Ctx, ref Ref, doc api.Doc) error {
	id, _ := doc[ref.Field].(string)
	if id == "" {
		return nil
	}
	res := r.resources[ref.Resource]
	if res == nil {
		return nil
	}
	for _, f := range ref.ScopeFields {
		if s, _ := doc[f].(string); s == "" {
			return nil
		}
	}
	_, err := r.LoadReachable(c, res, refScope(c, ref, doc), id, false)
	return err
}

// identity reads an assignment's key from path and query parameters.
func (a *Assignment) identity(c *Ctx) api.Doc {
	doc := api.Doc{}
	for _, p := range c.Op.PathParams {
		if f, ok := a.fieldFor(p); ok {
			doc[f] = c.Param(p)
		}
	}
	for _, q := range c.Op.Query {
		if f, ok := a.fieldFor(q.Name); ok {
			if v := c.Query(q.Name); v != "" {
				doc[f] = v
			}
		}
	}
	return doc
}

func (r *Registry) deleteAssignment(c *Ctx, a *Assignment) error {
	if err := r.checkScope(c, a); err != nil {
		return err
	}
	doc := a.identity(c)
	if err := r.confineAssignment(c, a, doc); err != nil {
		return err
	}
	scope := a.scopeValues(c)
	k := store.Key{PK: a.PK(scope...), SK: a.SK(doc)}
	if len(a.Counts) == 0 && a.OnDelete == nil {
		return c.Deps.Store.Delete(c, k, store.Always)
	}
	// A counted assignment is deleted as read, so a concurrent delete of
	// the same one cannot count it off twice.
	old, err := c.Deps.Store.Get(c, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	oldDoc, err := api.DecodeDoc(old.Doc)
	if err != nil {
		return err
	}
	tx := &Tx{}
	tx.deleteRead(old)
	r.count(tx, a.Counts, a.Scope, scope, oldDoc, -1)
	if a.OnDelete != nil {
		if err := a.OnDelete(c, tx, oldDoc, ""); err != nil {
			return err
		}
	}
	return tx.Commit(c)
}

// AllAssignments returns every assignment of a kind in a scope.
func (r *Registry) AllAssignments(c *Ctx, a *Assignment, scope ...string) ([]api.Doc, error) {
	es, err := r.assignmentEntities(c, a, scope...)
	if err != nil {
		return nil, err
	}
	out := make([]api.Doc, len(es))
	for i, e := range es {
		out[i] = e.Doc
	}
	return out, nil
}

// assignmentEntities returns every assignment of a kind in a scope, with
// its stored item.
func (r *Registry) assignmentEntities(c *Ctx, a *Assignment, scope ...string) ([]Entity, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: a.PK(scope...)})
	if err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, Entity{Doc: d, Item: it})
	}
	return out, nil
}

// Level filters: Company = no group or user, Group = a group, User = a user.
func (a *Assignment) levelMatch(level string, d api.Doc) bool {
	g, _ := d[a.groupField()].(string)
	u, _ := d["UserID"].(string)
	switch strings.ToLower(level) {
	case "company":
		return g == "" && u == ""
	case "group":
		return g != ""
	case "user":
		return u != ""
	}
	return true
}

func (r *Registry) listAssignments(c *Ctx, a *Assignment) (any, error) {
	if err := r.checkScope(c, a); err != nil {
		return nil, err
	}
	docs, err := r.AllAssignments(c, a, a.scopeValues(c)...)
	if err != nil {
		return nil, err
	}
	want := a.identity(c)
	level := c.Query("level")
	if level != "" && !slices.ContainsFunc([]string{"company", "group", "user"}, func(s string) bool { return strings.EqualFold(s, level) }) {
		return nil, api.E(http.StatusBadRequest, "List.InvalidType", map[string]any{"Property": "level", "Value": level})
	}
	kept := docs[:0]
	for _, d := range docs {
		ok := a.levelMatch(level, d)
		for f, v := range want {
			if !strings.EqualFold(filterText(d[f]), v.(string)) {
				ok = false
			}
		}
		if ok {
			kept = append(kept, d)
		}
	}
	return r.Page(c, a.model, kept, nil)
}

// filterText renders a stored assignment field for comparison with a query
// filter: IDs as they are, flags (isShipping=true) as true or false.
func filterText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// CascadeAssignments adds to tx the deletion of every assignment whose
// reference points at the entity id of res in scope. Remove calls it;
// handlers that remove an entity inside a larger transaction (moving a
// user) call it too.
func (r *Registry) CascadeAssignments(c *Ctx, res *Resource, scope []string, id string, tx *Tx) error {
	for _, a := range r.assignments {
		for _, ref := range a.Refs {
			if ref.Resource != res.Name {
				continue
			}
			var scopes [][]string
			if len(a.Scope) > 0 && len(scope) == 0 && slices.Contains(a.IndexBy, ref.Field) {
				scopes = [][]string{nil} // one index query finds them in every scope
			} else {
				var err error
				if scopes, err = r.cascadeScopes(c, a, scope); err != nil {
					return err
				}
			}
			for _, ascope := range scopes {
				es, err := r.assignmentsWith(c, a, ref.Field, id, ascope...)
				if err != nil {
					return err
				}
				for _, e := range es {
					escope := ascope
					if escope == nil && len(a.Scope) > 0 {
						escope = a.scopeOf(e.Item.PK)
					}
					if e.Doc[ref.Field] != id {
						continue
					}
					queued := false
					if len(a.Counts) == 0 && a.OnDelete == nil {
						queued = tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
					} else if queued = tx.deleteRead(e.Item); queued {
						// As read, so a concurrent delete of the same
						// assignment cannot count it off twice.
						r.count(tx, a.Counts, a.Scope, escope, e.Doc, -1)
					}
					if queued && a.OnDelete != nil {
						if err := a.OnDelete(c, tx, e.Doc, res.Name); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

// scopeOf reads an assignment's scope values from its partition key.
func (a *Assignment) scopeOf(pk string) []string {
	rest, ok := strings.CutPrefix(pk, a.PK()+"#")
	if !ok {
		return nil
	}
	return strings.SplitN(rest, "#", len(a.Scope))
}

// cascadeScopes lists the partitions of a that may reference an entity
// living in scope. Assignments scoped like the entity live under the same
// parents (a buyer's user group assignments); assignments scoped by one
// parent the entity does not live under (category-product assignments of
// every catalog, for a product) are looked up in each such parent.
func (r *Registry) cascadeScopes(c *Ctx, a *Assignment, scope []string) ([][]string, error) {
	switch {
	case len(a.Scope) == 0:
		return [][]string{nil}, nil
	case len(a.Scope) == len(scope):
		return [][]string{scope}, nil
	case len(a.Scope) == 1 && len(scope) == 0:
		parent := r.scopeParent(a.Scope)
		if parent == nil {
			return nil, nil
		}
		docs, err := r.All(c, parent, nil)
		if err != nil {
			return nil, err
		}
		out := make([][]string, 0, len(docs))
		for _, d := range docs {
			id, _ := d["ID"].(string)
			out = append(out, []string{id})
		}
		return out, nil
	}
	return nil, nil
}

// Assignments returns the declared assignment with a model name.
func (r *Registry) Assignments(model string) *Assignment {
	for _, a := range r.assignments {
		if a.Model == model {
			return a
		}
	}
	return nil
}

// AssignmentKind returns the declared assignment stored under a kind.
func (r *Registry) AssignmentKind(kind string) *Assignment {
	for _, a := range r.assignments {
		if a.Kind == kind || (a.Kind == "" && a.Model == kind) {
			return a
		}
	}
	return nil
}
