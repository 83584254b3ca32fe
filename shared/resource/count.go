package resource

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Counter declares a count kept on another entity: every item of the
// collection declaring it (a resource's entities or an assignment
// collection) counts towards Field of the entity of Resource whose ID the
// item holds in By. "Product.SpecCount counts spec-product assignments"
// is Counter{Field: "SpecCount", Resource: "Products", By: "ProductID"} on
// the assignment.
//
// The count is kept, not counted: the engine adds +1 or -1 to it in the
// transaction that creates or deletes a counted item (an atomic ADD on the
// entity's own attribute, see store.Op.Count), only when the item is new
// (not when an assignment is saved again) or really deleted (cascades
// included), and moves it when an update changes By. Reads take it from
// the entity's item and never look at the counted collection.
type Counter struct {
	// Field is the count field of the counted-on entity ("SpecCount").
	Field string
	// Resource is the counted-on entity's resource ("Products").
	Resource string
	// By names the entity: a field of the item ("ProductID", "ParentID")
	// or a scope parameter of its collection ("specID" for options).
	By string
	// Scope gives the entity's scope the same way, outermost first
	// (["catalogID"] for a parent category).
	Scope []string
	// If, when set, is a field the item must have set to count (an API
	// client assignment counts as a buyer's only with a BuyerID).
	If string
}

// countedByKey reports whether the fields that say what an assignment
// counts towards are all part of its key (or scope), so two saves of one
// assignment always count towards the same entities.
func (a *Assignment) countedByKey() bool {
	keyed := func(name string) bool {
		return name == "" || slices.Contains(a.Key, name) || slices.Contains(a.Scope, name)
	}
	for _, k := range a.Counts {
		if !keyed(k.By) || !keyed(k.If) || slices.ContainsFunc(k.Scope, func(s string) bool { return !keyed(s) }) {
			return false
		}
	}
	return true
}

// keepCounts makes the counters' entities keep their count fields: their
// items carry them as count attributes. The counted-on resource must be
// declared first, by this registry: a resource kept in a package variable
// (shared by registries built concurrently) cannot be counted on.
func (r *Registry) keepCounts(counters []Counter) {
	for _, k := range counters {
		res := r.resources[k.Resource]
		if res == nil {
			panic("resource: counter " + k.Field + " on undeclared resource " + k.Resource + " (declare it first)")
		}
		if f, ok := res.model.Field(k.Field); !ok || !f.ReadOnly {
			panic("resource: " + res.Model + " has no read-only field " + k.Field + " to keep a count in")
		}
		if !slices.Contains(res.counted, k.Field) {
			res.counted = append(res.counted, k.Field)
		}
	}
}

// count queues delta on every count the item doc of a collection (scope
// parameters params, values scope) counts towards.
func (r *Registry) count(tx *Tx, counters []Counter, params, scope []string, doc api.Doc, delta int64) {
	value := func(name string) string {
		if i := slices.Index(params, name); i >= 0 && i < len(scope) {
			return scope[i]
		}
		s, _ := doc[name].(string)
		return s
	}
	for _, k := range counters {
		if k.If != "" && value(k.If) == "" {
			continue
		}
		id := value(k.By)
		if id == "" {
			continue
		}
		tscope := make([]string, len(k.Scope))
		for i, s := range k.Scope {
			tscope[i] = value(s)
		}
		res := r.resources[k.Resource]
		tx.Count(res.Key(tscope, id), k.Field, delta, api.NotFound(res.objectType(), id))
	}
}

// countedItem strips the kept counts from a doc about to be stored and
// returns them: they live in their own attributes (a count's only copy),
// so the stored JSON never holds a stale one. A count missing from the doc
// is stored as 0.
func (res *Resource) countedItem(doc api.Doc) (api.Doc, map[string]int64) {
	if len(res.counted) == 0 {
		return doc, nil
	}
	counts := make(map[string]int64, len(res.counted))
	stored := make(api.Doc, len(doc))
	for k, v := range doc {
		stored[k] = v
	}
	for _, f := range res.counted {
		if n, ok := doc[f].(json.Number); ok {
			counts[f], _ = n.Int64()
		}
		delete(stored, f)
	}
	return stored, counts
}

// DecodeItem reads a stored entity: its doc with the live figures kept
// beside it (stock, counts) filled in. Every read of an entity item goes
// through it.
func DecodeItem(it store.Item) (api.Doc, error) {
	d, err := api.DecodeDoc(it.Doc)
	if err != nil {
		return nil, err
	}
	overlayStock(d, it)
	for f, n := range it.Counts {
		// An entity stored before counts were kept has no count attribute
		// and reads the value its doc held (0); an ADD starts it at 0, so
		// deleting an item created before then could take it below zero.
		// A count never shows less than none.
		d[f] = api.Num(max(n, 0))
	}
	return d, nil
}

// countOp is a count change queued in a Tx.
type countOp struct {
	key   store.Key
	field string
	delta int64
	// missing is the error a vanished entity means for an increment.
	missing error
}

// Count queues delta on the kept count field of the entity at k. Counts
// are added when the Tx is committed: to the entity's own put when the Tx
// writes it (one transaction may not touch an item twice), not at all when
// the Tx deletes it, else as one atomic Count op per entity.
func (t *Tx) Count(k store.Key, field string, delta int64, missing error) {
	t.counts = append(t.counts, countOp{key: k, field: field, delta: delta, missing: missing})
}

// countMeta describes a Count op of a materialized transaction.
type countMeta struct {
	missing error
	// decrement is true when every delta is negative: the entity having
	// gone since (a child of a deleted category) is no reason to refuse
	// the delete, so the op is dropped and the rest applied.
	decrement bool
}

// materialize returns the Tx's ops and the Count ops in one list, the
// counts folded into puts of their entity, with what each Count op (by
// index in the list) means when its condition fails.
func (t *Tx) materialize() ([]store.Op, map[int]countMeta) {
	ops := slices.Clone(t.Ops)
	if len(t.counts) == 0 {
		return ops, nil
	}
	var keys []store.Key
	deltas := map[store.Key]map[string]int64{}
	missing := map[store.Key]error{}
	for _, c := range t.counts {
		if deltas[c.key] == nil {
			keys = append(keys, c.key)
			deltas[c.key] = map[string]int64{}
		}
		deltas[c.key][c.field] += c.delta
		if c.delta > 0 {
			missing[c.key] = c.missing
		}
	}
	meta := map[int]countMeta{}
	for _, k := range keys {
		d := deltas[k]
		for f, n := range d {
			if n == 0 {
				delete(d, f)
			}
		}
		if len(d) == 0 {
			continue
		}
		i := slices.IndexFunc(ops, func(op store.Op) bool {
			return (op.Put != nil && op.Put.PK == k.PK && op.Put.SK == k.SK) || (op.Delete != nil && *op.Delete == k)
		})
		switch {
		case i >= 0 && ops[i].Delete != nil:
			// The entity goes in this transaction, and its counts with it.
		case i >= 0:
			it := *ops[i].Put
			it.Counts = cloneCounts(it.Counts)
			for f, n := range d {
				it.Counts[f] += n
			}
			ops[i].Put = &it
		default:
			meta[len(ops)] = countMeta{missing: missing[k], decrement: missing[k] == nil}
			ops = append(ops, store.Op{Count: &k, Counts: d})
		}
	}
	return ops, meta
}

func cloneCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// transact writes one batch of a materialized list. A failed condition is
// answered with its meaning: a Tx op's, a vanished counted-on entity's
// NotFound, or the store's ConflictError otherwise. A Count op that only
// decrements an entity that has since gone is dropped and the rest written
// again.
func (t *Tx) transact(c *Ctx, b batch, meta map[int]countMeta) error {
	ops, src := slices.Clone(b.ops), slices.Clone(b.src)
	for {
		err := c.Deps.Store.Transact(c, ops)
		var ce *store.ConflictError
		if !errors.As(err, &ce) || ce.Index < 0 || ce.Index >= len(ops) {
			return err
		}
		at := src[ce.Index]
		if m, ok := meta[at]; ok && at >= 0 {
			if m.decrement {
				ops = slices.Delete(ops, ce.Index, ce.Index+1)
				src = slices.Delete(src, ce.Index, ce.Index+1)
				continue
			}
			return m.missing
		}
		return t.failed(at)
	}
}

// failed is what the failed condition of the op at a materialized
// position means.
func (t *Tx) failed(at int) error {
	if at >= 0 && at < len(t.meaning) && t.meaning[at] != nil {
		return t.meaning[at]
	}
	return &store.ConflictError{Index: at}
}
