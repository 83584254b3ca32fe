package resource

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Resource declares an entity collection served by the engine.
type Resource struct {
	// Name is the SDK resource ("Products"); its operations are Name.Get,
	// Name.List, Name.Create, Name.Save, Name.Patch, Name.Delete.
	Name string
	// Model is the contract model of the entity ("Product").
	Model string
	// ObjectType names the entity in 404s (defaults to Model).
	ObjectType string
	// Kind is the stored entity type and partition prefix (defaults to
	// Model); it tells apart collections of one model, such as admin,
	// buyer and supplier users.
	Kind string
	// IDParam is the path parameter holding the entity's ID ("productID").
	IDParam string
	// Scope are the path parameters the collection lives under, outermost
	// first (["buyerID"] for users). IDs are unique within the scope.
	Scope []string
	// Parents must exist: path parameter → resource name.
	Parents []Parent
	// Ops limits which CRUD operations the engine serves (nil = all six).
	Ops []string
	// OpIDs names the operation serving a CRUD verb when it is not
	// Name.<verb> ({"List": "Specs.ListOptions", "Get": "Specs.GetOption"}).
	// A verb mapped to "" is not served.
	OpIDs map[string]string
	// ScopeFunc computes the scope from the request when it does not come
	// from path parameters alone (a Me resource scoped by the caller).
	ScopeFunc func(c *Ctx) []string

	// Prepare runs before a create or update is written (old is nil on
	// create); it may change doc, add writes to tx, or refuse with an error.
	Prepare func(c *Ctx, old, doc api.Doc, tx *Tx) error
	// BeforeDelete may refuse a delete or add writes (cascades) to tx.
	BeforeDelete func(c *Ctx, doc api.Doc, tx *Tx) error
	// Present shapes a stored doc for output (e.g. drop secrets, add
	// computed fields). Runs on every read.
	Present func(c *Ctx, doc api.Doc) (api.Doc, error)
	// Index gives the item's GSI1 keys (e.g. a unique username lookup).
	Index func(doc api.Doc) (pk, sk string)
	// Reach says which buyer and supplier users reach the entities (see
	// reach.go); without it, and without a company in its scope, an entity
	// is reached through the entity it lives under, or is the marketplace's.
	Reach Reach
	// Refs are fields referencing other entities: on every write that sets
	// one, it must exist and be one the caller may read.
	Refs []Ref
	// Counts are the counts each entity of the collection counts towards
	// (a category towards its parent's ChildCount); see Counter.
	Counts []Counter
	// List declares the indexes its lists are served from (nil: lists
	// read the collection's partition); see Listing.
	List *Listing
	// ListFilters turns a list's own query parameters (Products.List's
	// catalogID) into filters, applied like the query's.
	ListFilters func(c *Ctx) ([]api.Filter, error)

	// AfterList may reshape the List response (page); all reads every doc
	// the caller may list (as stored), before filters and paging, for a
	// list with facets to count values among the docs the query matches.
	AfterList func(c *Ctx, all func() ([]api.Doc, error), page any) (any, error)

	model *contract.Model
	// counted are the fields of this resource's entities that other
	// collections' Counters keep.
	counted []string
}

// Parent is a containing entity that must exist.
type Parent struct {
	Param    string
	Resource string
}

// ContractModel is the resource's contract model.
func (res *Resource) ContractModel() *contract.Model { return res.model }

func (res *Resource) objectType() string {
	if res.ObjectType != "" {
		return res.ObjectType
	}
	return res.Model
}

// PK is the partition holding the collection for the given scope values.
func (res *Resource) PK(scope ...string) string {
	if len(scope) == 0 {
		return res.kind()
	}
	return res.kind() + "#" + strings.Join(scope, "#")
}

func (res *Resource) kind() string {
	if res.Kind != "" {
		return res.Kind
	}
	return res.Model
}

// Init resolves the resource's contract model. Add calls it; resources kept
// in package variables call it once at declaration, so registries built
// concurrently (parallel tests) never write to them.
func (res *Resource) Init() *Resource {
	if res.model == nil {
		res.model = contract.ModelByName(res.Model)
		if res.model == nil {
			panic("resource: no contract model " + res.Model)
		}
	}
	return res
}

// Add declares a resource and registers its CRUD operations.
func (r *Registry) Add(res *Resource) *Resource {
	res.Init()
	r.resources[res.Name] = res
	if res.List != nil {
		for _, pair := range res.List.EqualSorted {
			tuple, field, _ := strings.Cut(pair, ">")
			if !slices.Contains(res.List.Equal, tuple) || !slices.Contains(res.List.Sorted, field) {
				panic("resource: " + res.Name + " EqualSorted " + pair + " names no Equal tuple and Sorted field")
			}
		}
		r.listedKinds[res.kind()] = res
	}
	r.keepCounts(res.Counts)
	ops := res.Ops
	if ops == nil {
		ops = []string{"Get", "List", "Create", "Save", "Patch", "Delete"}
	}
	for _, o := range ops {
		id := res.Name + "." + o
		if named, ok := res.OpIDs[o]; ok {
			id = named
		}
		if _, ok := contract.Op(id); !ok {
			continue
		}
		switch o {
		case "Get":
			r.Handle(id, func(c *Ctx) (any, error) { return c.Reg.get(c, res) })
		case "List":
			r.Handle(id, func(c *Ctx) (any, error) { return c.Reg.list(c, res) })
		case "Create":
			r.Handle(id, func(c *Ctx) (any, error) { return c.Reg.create(c, res) })
		case "Save":
			r.Handle(id, func(c *Ctx) (any, error) { return c.Reg.save(c, res) })
		case "Patch":
			r.Handle(id, func(c *Ctx) (any, error) { return c.Reg.patch(c, res) })
		case "Delete":
			r.Handle(id, func(c *Ctx) (any, error) { return nil, c.Reg.delete(c, res) })
		}
	}
	return res
}

// scopeValues reads the resource's scope from the request path.
func (res *Resource) scopeValues(c *Ctx) []string {
	if res.ScopeFunc != nil {
		return res.ScopeFunc(c)
	}
	out := make([]string, len(res.Scope))
	for i, p := range res.Scope {
		out[i] = c.Param(p)
	}
	return out
}

// Entity is a loaded entity with its stored item (for versioned writes).
type Entity struct {
	Doc  api.Doc
	Item store.Item
}

// Load reads an entity by scope and ID, or a 404 in OrderCloud's shape.
func (r *Registry) Load(c *Ctx, res *Resource, scope []string, id string) (*Entity, error) {
	if id == "" {
		return nil, api.NotFound(res.objectType(), id)
	}
	it, err := c.Deps.Store.Get(c, res.Key(scope, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.NotFound(res.objectType(), id)
	}
	if err != nil {
		return nil, err
	}
	if Expired(it, time.Now()) {
		return nil, api.NotFound(res.objectType(), id)
	}
	d, err := DecodeItem(it)
	if err != nil {
		return nil, err
	}
	return &Entity{Doc: d, Item: it}, nil
}

// overlayStock fills Inventory.QuantityAvailable from the numeric mirror,
// which transactions decrement without rewriting the doc.
func overlayStock(d api.Doc, it store.Item) {
	if it.Stock == nil {
		return
	}
	if inv, ok := d["Inventory"].(map[string]any); ok {
		inv["QuantityAvailable"] = api.Num(*it.Stock)
	}
}

// Item builds the store item for a doc of res.
func (res *Resource) Item(scope []string, doc api.Doc, version int64) store.Item {
	id, _ := doc["ID"].(string)
	stored, counts := res.countedItem(doc)
	b, _ := json.Marshal(stored)
	k := res.Key(scope, id)
	it := store.Item{PK: k.PK, SK: k.SK, Type: res.kind(), ID: id, Doc: b, Version: version, Counts: counts}
	if res.Index != nil {
		it.GSI1PK, it.GSI1SK = res.Index(doc)
	}
	if inv, ok := doc["Inventory"].(map[string]any); ok {
		if en, _ := inv["Enabled"].(bool); en {
			q := int64(0)
			if n, ok := inv["QuantityAvailable"].(json.Number); ok {
				q, _ = n.Int64()
			}
			it.Stock = &q
		}
	}
	return it
}

func (r *Registry) checkParents(c *Ctx, res *Resource) error {
	for _, p := range res.Parents {
		pres := r.resources[p.Resource]
		if _, err := r.Load(c, pres, pres.scopeValues(c), c.Param(p.Param)); err != nil {
			return err
		}
	}
	return nil
}

// Out presents a doc of res in model order.
func (r *Registry) Out(c *Ctx, res *Resource, d api.Doc) (any, error) {
	if res.Present != nil {
		var err error
		if d, err = res.Present(c, d); err != nil {
			return nil, err
		}
	}
	return api.Ordered{Model: res.model, Doc: d}, nil
}

func (r *Registry) get(c *Ctx, res *Resource) (any, error) {
	if err := r.checkParents(c, res); err != nil {
		return nil, err
	}
	e, err := r.Load(c, res, res.scopeValues(c), c.Param(res.IDParam))
	if err != nil {
		return nil, err
	}
	return r.Out(c, res, e.Doc)
}

// All returns every doc of a collection (one Query on its partition, or
// on each of its shards).
func (r *Registry) All(c *Ctx, res *Resource, scope []string) ([]api.Doc, error) {
	var items []store.Item
	for _, shard := range res.List.shards() {
		got, err := c.Deps.Store.Query(c, store.Query{PK: res.PK(scope...) + shard})
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	docs := make([]api.Doc, 0, len(items))
	for _, it := range items {
		d, err := DecodeItem(it)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// ListSpec is the list query spec of an operation on a model.
func ListSpec(op contract.Operation, m *contract.Model) api.ListSpec {
	var reserved []string
	for _, q := range op.Query {
		if !strings.HasPrefix(q.Name, "filters") {
			reserved = append(reserved, q.Name)
		}
	}
	return api.ListSpec{Model: m, Reserved: reserved}
}

// Page filters, sorts and pages docs per the request and presents them;
// only the docs the caller may read take part (Confine).
func (r *Registry) Page(c *Ctx, m *contract.Model, docs []api.Doc, present func(api.Doc) (api.Doc, error)) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	docs, err := r.Confine(c, m, docs)
	if err != nil {
		return nil, err
	}
	if present != nil {
		for i, d := range docs {
			pd, err := present(d)
			if err != nil {
				return nil, err
			}
			docs[i] = pd
		}
	}
	page, meta := lq.Apply(docs)
	return api.NewPage(m, page, meta), nil
}

// List serves res's List operation as the engine does (for a handler
// that serves some of its queries itself).
func (r *Registry) List(c *Ctx, res *Resource) (any, error) { return r.list(c, res) }

func (r *Registry) list(c *Ctx, res *Resource) (any, error) {
	if err := r.checkParents(c, res); err != nil {
		return nil, err
	}
	scope := res.scopeValues(c)
	var present func(api.Doc) (api.Doc, error)
	if res.Present != nil {
		present = func(d api.Doc) (api.Doc, error) { return res.Present(c, d) }
	}
	// Every doc the caller may list, read at most once: the list's
	// universe when the indexes cannot answer, or when AfterList asks.
	var all []api.Doc
	loadAll := func() ([]api.Doc, error) {
		if all != nil {
			return all, nil
		}
		docs, err := r.All(c, res, scope)
		if err != nil {
			return nil, err
		}
		if docs, err = r.Confine(c, res.model, docs); err != nil {
			return nil, err
		}
		if docs == nil {
			docs = []api.Doc{}
		}
		all = docs
		return all, nil
	}
	var own []api.Filter
	if res.ListFilters != nil {
		var err error
		if own, err = res.ListFilters(c); err != nil {
			return nil, err
		}
	}
	page, err := r.listFromIndexes(c, res, scope, own, present)
	if err != nil {
		return nil, err
	}
	if page == nil {
		docs, err := loadAll()
		if err != nil {
			return nil, err
		}
		if own != nil {
			lq := api.ListQuery{Filters: own}
			docs = slices.DeleteFunc(slices.Clone(docs), func(d api.Doc) bool { return !lq.Matches(d) })
		}
		if page, err = r.Page(c, res.model, slices.Clone(docs), present); err != nil {
			return nil, err
		}
	}
	if res.AfterList == nil {
		return page, nil
	}
	return res.AfterList(c, loadAll, page)
}

// listFromIndexes serves a list of a listed collection from its indexes,
// or answers nil when they cannot (see ListIndexed).
func (r *Registry) listFromIndexes(c *Ctx, res *Resource, scope []string, own []api.Filter, present func(api.Doc) (api.Doc, error)) (any, error) {
	if res.List == nil {
		return nil, nil
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), ListSpec(c.Op, res.model))
	if aerr != nil {
		return nil, aerr
	}
	extra, ok := r.confinementFilters(c, res)
	if !ok {
		return nil, nil
	}
	lq.Filters = append(append(lq.Filters, extra...), own...)
	docs, meta, ok, err := r.ListIndexed(c, res, scope, lq)
	if err != nil || !ok {
		return nil, err
	}
	// The confinement filters are what Confine keeps; checking the page
	// again costs nothing and keeps a mistake from showing anything.
	confined, err := r.Confine(c, res.model, docs)
	if err != nil || len(confined) != len(docs) {
		return nil, err
	}
	if present != nil {
		if err := presentAll(docs, present); err != nil {
			return nil, err
		}
	}
	return api.NewPage(res.model, docs, meta), nil
}

// presentAll presents a page's docs, several at once: presenting may look
// things up per item (a user's roles).
func presentAll(docs []api.Doc, present func(api.Doc) (api.Doc, error)) error {
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, d := range docs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			docs[i], errs[i] = present(d)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// readOnlyFrom copies the read-only fields of old into doc (they are kept
// across replaces and patches).
func readOnlyFrom(m *contract.Model, old, doc api.Doc) {
	for _, f := range m.Fields {
		if f.ReadOnly {
			if v, ok := old[f.Name]; ok {
				doc[f.Name] = v
			}
		}
	}
	for k, v := range old {
		if strings.HasPrefix(k, "_") {
			if _, set := doc[k]; !set {
				doc[k] = v
			}
		}
	}
}

func (r *Registry) create(c *Ctx, res *Resource) (any, error) {
	doc, err := r.decode(c, res, false)
	if err != nil {
		return nil, err
	}
	return r.Insert(c, res, res.scopeValues(c), doc)
}

// Insert writes a new entity (generating its ID when absent) and presents it.
func (r *Registry) Insert(c *Ctx, res *Resource, scope []string, doc api.Doc) (any, error) {
	return r.InsertWith(c, res, scope, doc, nil)
}

// InsertWith is Insert with more writes in the entity's transaction: with
// runs once the entity is prepared (its ID assigned) and adds them to tx,
// so the entity and what goes with it are written at once or not at all.
func (r *Registry) InsertWith(c *Ctx, res *Resource, scope []string, doc api.Doc, with func(doc api.Doc, tx *Tx) error) (any, error) {
	if _, hasID := res.model.Field("ID"); hasID {
		if err := r.AssignID(c, doc); err != nil {
			return nil, err
		}
	}
	if _, ok := res.model.Field("DateCreated"); ok {
		doc["DateCreated"] = api.Now()
	}
	api.Complete(res.model, doc)
	r.fillOwner(c, res, doc)
	tx := &Tx{}
	if res.Prepare != nil {
		if err := res.Prepare(c, nil, doc, tx); err != nil {
			return nil, err
		}
	}
	if err := r.confineWrite(c, res, scope, nil, doc); err != nil {
		return nil, err
	}
	r.count(tx, res.Counts, res.Scope, scope, doc, +1)
	if with != nil {
		if err := with(doc, tx); err != nil {
			return nil, err
		}
	}
	id, _ := doc["ID"].(string)
	tx.Lead(store.Op{Put: ptr(res.Item(scope, doc, 0)), Cond: store.IfAbsent}, api.IDExists(res.objectType(), id))
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return r.Out(c, res, doc)
}

func ptr[T any](v T) *T { return &v }

// decode checks the parents exist and reads the request body as a
// cleaned doc of the resource's model (partial for PATCH).
func (r *Registry) decode(c *Ctx, res *Resource, partial bool) (api.Doc, error) {
	if err := r.checkParents(c, res); err != nil {
		return nil, err
	}
	return c.Decode(res.model, partial)
}

func (r *Registry) save(c *Ctx, res *Resource) (any, error) {
	doc, err := r.decode(c, res, false)
	if err != nil {
		return nil, err
	}
	id := c.Param(res.IDParam)
	scope := res.scopeValues(c)
	// The path's ID wins: changing an ID through PUT is not supported.
	doc["ID"] = id
	old, err := r.Load(c, res, scope, id)
	var nf *api.Error
	if errors.As(err, &nf) && nf.Status == 404 {
		c.Status = 200
		return r.Insert(c, res, scope, doc)
	}
	if err != nil {
		return nil, err
	}
	return r.Replace(c, res, scope, old, doc)
}

// Replace writes doc over old (keeping read-only fields), versioned.
func (r *Registry) Replace(c *Ctx, res *Resource, scope []string, old *Entity, doc api.Doc) (any, error) {
	readOnlyFrom(res.model, old.Doc, doc)
	r.keepOwner(res, old.Doc, doc)
	api.Complete(res.model, doc)
	tx := &Tx{}
	if res.Prepare != nil {
		if err := res.Prepare(c, old.Doc, doc, tx); err != nil {
			return nil, err
		}
	}
	if err := r.confineWrite(c, res, scope, old.Doc, doc); err != nil {
		return nil, err
	}
	// A changed By moves the item's counts (a category to a new parent).
	r.count(tx, res.Counts, res.Scope, scope, old.Doc, -1)
	r.count(tx, res.Counts, res.Scope, scope, doc, +1)
	it := res.Item(scope, doc, old.Item.Version)
	tx.Knows(old.Item)
	if old.Item.Stock != nil && it.Stock != nil && inventoryUntouched(old.Doc, doc) {
		// Keep the live stock figure when the write did not set it.
		it.Stock = old.Item.Stock
	}
	tx.Lead(store.Op{Put: &it, Cond: store.IfVersion}, nil)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	overlayStock(doc, it)
	return r.Out(c, res, doc)
}

func inventoryUntouched(old, doc api.Doc) bool {
	a, _ := old["Inventory"].(map[string]any)
	b, _ := doc["Inventory"].(map[string]any)
	if a == nil || b == nil {
		return false
	}
	x, _ := json.Marshal(a["QuantityAvailable"])
	y, _ := json.Marshal(b["QuantityAvailable"])
	return string(x) == string(y)
}

func (r *Registry) patch(c *Ctx, res *Resource) (any, error) {
	patch, err := r.decode(c, res, true)
	if err != nil {
		return nil, err
	}
	id := c.Param(res.IDParam)
	scope := res.scopeValues(c)
	delete(patch, "ID")
	old, err := r.Load(c, res, scope, id)
	if err != nil {
		return nil, err
	}
	return r.Replace(c, res, scope, old, api.Merge(api.Clone(old.Doc), patch))
}

func (r *Registry) delete(c *Ctx, res *Resource) error {
	if err := r.checkParents(c, res); err != nil {
		return err
	}
	scope := res.scopeValues(c)
	e, err := r.Load(c, res, scope, c.Param(res.IDParam))
	if err != nil {
		return err
	}
	return r.Remove(c, res, scope, e)
}

// Remove deletes an entity, running its BeforeDelete hook and removing
// every assignment that references it.
func (r *Registry) Remove(c *Ctx, res *Resource, scope []string, e *Entity) error {
	if err := r.confineWrite(c, res, scope, e.Doc, e.Doc); err != nil {
		return err
	}
	tx := &Tx{}
	// Deleted as read, so two concurrent deletes cannot both count it off.
	tx.deleteRead(e.Item)
	r.count(tx, res.Counts, res.Scope, scope, e.Doc, -1)
	if res.BeforeDelete != nil {
		if err := res.BeforeDelete(c, e.Doc, tx); err != nil {
			return err
		}
	}
	id, _ := e.Doc["ID"].(string)
	if err := r.CascadeAssignments(c, res, scope, id, tx); err != nil {
		return err
	}
	return tx.Commit(c)
}

// Tx collects writes to apply atomically with the main one.
type Tx struct {
	// Ops are the writes; Count changes are kept apart and added by Commit
	// (see count.go), so a transaction built from Ops by hand must not
	// queue counts.
	Ops []store.Op
	// meaning holds, per op, the error its failed condition means (nil: a
	// concurrent write, which the request retries).
	meaning []error
	counts  []countOp
	// after runs once the writes are committed.
	after []func()
	// known are entities as the Tx read them (for the index changes of
	// their writes; see indexwrites.go).
	known map[store.Key]*store.Item
}

// Knows records an item as read, so its write or delete in the Tx need not
// read it again to keep the list indexes.
func (t *Tx) Knows(it store.Item) {
	if t.known == nil {
		t.known = map[store.Key]*store.Item{}
	}
	t.known[store.Key{PK: it.PK, SK: it.SK}] = &it
}

func (t *Tx) add(op store.Op, meaning error) {
	t.Ops = append(t.Ops, op)
	t.meaning = append(t.meaning, meaning)
}

// Lead puts op before every other one (the entity a hook's writes go
// with); meaning is what its failed condition means (nil: a concurrent
// write).
func (t *Tx) Lead(op store.Op, meaning error) {
	t.Ops = append([]store.Op{op}, t.Ops...)
	t.meaning = append([]error{meaning}, t.meaning...)
}

// Put adds a put.
func (t *Tx) Put(it store.Item, cond store.Cond) { t.add(store.Op{Put: &it, Cond: cond}, nil) }

// PutOr adds a conditional put whose failure means err (e.g. a username
// already taken).
func (t *Tx) PutOr(it store.Item, cond store.Cond, err error) {
	t.add(store.Op{Put: &it, Cond: cond}, err)
}

// AfterCommit runs f once the transaction's writes are committed (to tell
// this process at once what the writes mean, such as revoked tokens).
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

// Delete adds a delete; deleting a key already queued is a no-op (two
// cascades may reach the same assignment, and DynamoDB refuses a
// transaction that touches one item twice). It reports whether it queued.
func (t *Tx) Delete(k store.Key) bool {
	return t.deleteOp(store.Op{Delete: &k})
}

// deleteRead adds the delete of an item as it was read: the transaction
// fails if the item changed or went since.
func (t *Tx) deleteRead(it store.Item) bool {
	t.Knows(it)
	return t.deleteOp(store.Op{Delete: &store.Key{PK: it.PK, SK: it.SK}, Cond: store.IfVersion, Version: it.Version})
}

func (t *Tx) deleteOp(op store.Op) bool {
	for _, o := range t.Ops {
		if o.Delete != nil && *o.Delete == *op.Delete {
			return false
		}
	}
	t.add(op, nil)
	return true
}

// DeleteFound queues the deletion of every item the queries find (a
// partition that goes with its parent).
func (t *Tx) DeleteFound(c *Ctx, qs ...store.Query) error {
	for _, q := range qs {
		items, err := c.Deps.Store.Query(c, q)
		if err != nil {
			return err
		}
		for _, it := range items {
			t.Knows(it)
			t.Delete(store.Key{PK: it.PK, SK: it.SK})
		}
	}
	return nil
}

// AlsoPrepare runs hook after the resource's own Prepare (for checks and
// writes declared by another part of the API).
func (res *Resource) AlsoPrepare(hook func(c *Ctx, old, doc api.Doc, tx *Tx) error) {
	prev := res.Prepare
	res.Prepare = func(c *Ctx, old, doc api.Doc, tx *Tx) error {
		if prev != nil {
			if err := prev(c, old, doc, tx); err != nil {
				return err
			}
		}
		return hook(c, old, doc, tx)
	}
}

// AlsoBeforeDelete runs hook after the resource's own BeforeDelete (for
// checks and cascades declared by another part of the API).
func (res *Resource) AlsoBeforeDelete(hook func(c *Ctx, doc api.Doc, tx *Tx) error) {
	prev := res.BeforeDelete
	res.BeforeDelete = func(c *Ctx, doc api.Doc, tx *Tx) error {
		if prev != nil {
			if err := prev(c, doc, tx); err != nil {
				return err
			}
		}
		return hook(c, doc, tx)
	}
}

// Queued returns the item a put in the Tx writes at k (nil when none), so
// that two changes to one entity in a transaction write it once.
func (t *Tx) Queued(k store.Key) *store.Item {
	for _, op := range t.Ops {
		if op.Put != nil && op.Put.PK == k.PK && op.Put.SK == k.SK {
			return op.Put
		}
	}
	return nil
}

// Add appends a raw op.
func (t *Tx) Add(op store.Op) { t.add(op, nil) }

// AddOr appends a raw op whose failed condition means err (stock that ran
// out).
func (t *Tx) AddOr(op store.Op, err error) { t.add(op, err) }

// Commit applies the collected writes and counts, in transactions of at
// most 100, then runs the after-commit hooks. A failed condition is
// answered with the error its op means; one without meaning (a concurrent
// write) stays a store.ErrConflict, which makes the request try again.
func (t *Tx) Commit(c *Ctx) error {
	ops, meta := t.materialize()
	groups, err := c.Reg.indexGroups(c, t, ops)
	if err != nil {
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			return t.failed(ce.Index)
		}
		return err
	}
	for _, b := range packGroups(groups) {
		if err := t.transact(c, b, meta); err != nil {
			return err
		}
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

// DeleteScopedUnder queues the deletion of every item in the partitions of
// the collections and assignments scoped by one path parameter (buyerID,
// supplierID, apiClientID) with the given value: what lives under an
// entity goes with it. each, when set, sees every item queued (users take
// their usernames with them).
func (r *Registry) DeleteScopedUnder(c *Ctx, tx *Tx, param, id string, each func(store.Item)) error {
	var pks []string
	for _, res := range r.resources {
		if len(res.Scope) == 1 && res.Scope[0] == param {
			pks = append(pks, res.PK(id))
		}
	}
	for _, a := range r.assignments {
		if len(a.Scope) == 1 && a.Scope[0] == param {
			pks = append(pks, a.PK(id))
		}
	}
	slices.Sort(pks)
	pks = slices.Compact(pks)
	for _, pk := range pks {
		items, err := c.Deps.Store.Query(c, store.Query{PK: pk})
		if err != nil {
			return err
		}
		for _, it := range items {
			tx.Knows(it)
			tx.Delete(store.Key{PK: it.PK, SK: it.SK})
			if each != nil {
				each(it)
			}
		}
	}
	return nil
}

// PagePresented filters, sorts and pages docs like Page, then presents
// only the page's docs (present may look each one up: the users' roles).
func (r *Registry) PagePresented(c *Ctx, m *contract.Model, docs []api.Doc, present func(page []api.Doc) error) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	docs, err := r.Confine(c, m, docs)
	if err != nil {
		return nil, err
	}
	page, meta := lq.Apply(docs)
	if err := present(page); err != nil {
		return nil, err
	}
	return api.NewPage(m, page, meta), nil
}
