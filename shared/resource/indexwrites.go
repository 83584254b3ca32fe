package resource

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Keeping list indexes. Every transaction a Tx commits passes through
// here: each put or delete of an entity of a listed collection is joined,
// in the same DynamoDB transaction, by the writes that keep its index
// items and tallies in step (see Listing). Handlers write entities as
// before; a new route cannot forget an index.

// tallyShards spreads each tally over this many items (by a hash of the
// entity ID), so concurrent creates in one collection rarely contend for
// one counter item (a transaction conflicts with another in flight on an
// item it touches); reading a count reads them all in one BatchGetItem.
// Raising it keeps counts right: a count is the sum of every shard.
const tallyShards = 8

func tallyShard(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % tallyShards)
}

// tallyItemKey is the tally item counting an entry for an entity id.
func tallyItemKey(base, entry, id string) store.Key {
	return store.Key{PK: tallyPK(base), SK: fmt.Sprintf("%s#%d", entry, tallyShard(id))}
}

// tallyKeys are the items whose sum is an entry's count.
func tallyKeys(base, entry string) []store.Key {
	out := make([]store.Key, tallyShards)
	for i := range out {
		out[i] = store.Key{PK: tallyPK(base), SK: fmt.Sprintf("%s#%d", entry, i)}
	}
	return out
}

// opGroup is a transaction op with the writes that must go with it; src is
// each op's position in the Tx's materialized list (-1 for index writes).
type opGroup struct {
	ops     []store.Op
	src     []int
	tallies map[store.Key]int64
}

// listedOf returns the listed collection an item key belongs to, and its
// base partition (the key's partition without a shard suffix).
func (r *Registry) listedOf(pk string) (*Resource, string) {
	kind, _, _ := strings.Cut(pk, "#")
	res := r.listedKinds[kind]
	if res == nil {
		return nil, ""
	}
	base := pk
	if res.List.Shards > 1 {
		i := strings.LastIndex(pk, "#s")
		if i < 0 {
			return nil, ""
		}
		base = pk[:i]
	}
	return res, base
}

// indexGroups turns a materialized op list into groups: each listed
// entity's put or delete with its index writes. Old states the Tx did not
// read are read here (one BatchGetItem), and writes that did not check
// what they replace are made to, so the index changes computed from the
// old state are the ones committed.
func (r *Registry) indexGroups(c *Ctx, t *Tx, ops []store.Op) ([]opGroup, error) {
	groups := make([]opGroup, len(ops))
	var missing []store.Key
	type target struct {
		res  *Resource
		base string
		key  store.Key
	}
	targets := make([]*target, len(ops))
	for i, op := range ops {
		groups[i] = opGroup{ops: []store.Op{op}, src: []int{i}}
		var k store.Key
		switch {
		case op.Put != nil:
			k = store.Key{PK: op.Put.PK, SK: op.Put.SK}
		case op.Delete != nil:
			k = *op.Delete
		default:
			continue
		}
		res, base := r.listedOf(k.PK)
		if res == nil || (op.Put != nil && op.Put.Type != res.kind()) {
			continue
		}
		targets[i] = &target{res: res, base: base, key: k}
		if op.Put != nil && op.Cond == store.IfAbsent {
			continue
		}
		if _, ok := t.known[k]; !ok {
			missing = append(missing, k)
		}
	}
	known := t.known
	if len(missing) > 0 {
		got, err := c.Deps.Store.BatchGet(c, missing)
		if err != nil {
			return nil, err
		}
		known = make(map[store.Key]*store.Item, len(t.known)+len(got))
		for k, v := range t.known {
			known[k] = v
		}
		for _, k := range missing {
			if it, ok := got[k]; ok {
				known[k] = &it
			} else {
				known[k] = nil
			}
		}
	}
	for i, tg := range targets {
		if tg == nil {
			continue
		}
		op := ops[i]
		var old *store.Item
		if !(op.Put != nil && op.Cond == store.IfAbsent) {
			old = known[tg.key]
		}
		// Writes that did not check what they replace now do: the index
		// changes below are computed from old.
		switch {
		case op.Put != nil && op.Cond == store.IfVersion:
			if old == nil || old.Version != op.Put.Version {
				return nil, &store.ConflictError{Index: i}
			}
		case op.Put != nil && op.Cond != store.IfAbsent:
			it := *op.Put
			if old == nil {
				if op.Cond == store.IfPresent {
					return nil, &store.ConflictError{Index: i}
				}
				op.Cond = store.IfAbsent
			} else {
				op.Cond, it.Version = store.IfVersion, old.Version
			}
			op.Put = &it
		case op.Delete != nil:
			if old == nil {
				continue // deleting nothing: nothing to unindex
			}
			if op.Cond == store.IfVersion && op.Version != old.Version {
				return nil, &store.ConflictError{Index: i}
			}
			op.Cond, op.Version = store.IfVersion, old.Version
		}
		var oldEntries []string
		if old != nil {
			oldEntries = old.Index
		}
		var newEntries []string
		var row []byte
		if op.Put != nil {
			doc, err := api.DecodeDoc(op.Put.Doc)
			if err != nil {
				return nil, err
			}
			newEntries, row = tg.res.indexEntries(doc, op.Put.Stock != nil)
			it := *op.Put
			it.Index = newEntries
			op.Put = &it
		}
		g := opGroup{ops: []store.Op{op}, src: []int{i}, tallies: map[store.Key]int64{}}
		indexChanges(&g, tg.res.List, tg.base, tg.res.List.shard(tg.key.SK), tg.key.SK, oldEntries, newEntries, row)
		groups[i] = g
	}
	return groups, nil
}

// indexChanges adds to g the writes taking an entity's index from the old
// entries to the new ones: items added, removed, or rewritten because the
// row they carry changed; tallies moved by one.
func indexChanges(g *opGroup, l *Listing, base, shard, id string, old, neu []string, row []byte) {
	rowChanged := rowHash(old) != rowHash(neu)
	// Entries can differ while naming one item (a word now in another
	// field): that item is rewritten, not also deleted.
	written := map[store.Key]bool{}
	for _, e := range neu {
		had := slices.Contains(old, e)
		if had && !(rowChanged && l.carriesRow(e)) {
			continue
		}
		if k, ok := indexItemKey(base, shard, id, e); ok {
			written[k] = true
			it := store.Item{PK: k.PK, SK: k.SK, Type: store.IndexItemType, ID: id, Doc: l.indexDoc(e, row)}
			g.ops = append(g.ops, store.Op{Put: &it})
			g.src = append(g.src, -1)
		}
		if !had && countedEntry(e) {
			g.tallies[tallyItemKey(base, e, id)]++
		}
	}
	for _, e := range old {
		if slices.Contains(neu, e) {
			continue
		}
		if k, ok := indexItemKey(base, shard, id, e); ok && !written[k] {
			g.ops = append(g.ops, store.Op{Delete: &k})
			g.src = append(g.src, -1)
		}
		if countedEntry(e) {
			g.tallies[tallyItemKey(base, e, id)]--
		}
	}
}

// carriesRow reports whether an entry's item holds the entity's row.
func (l *Listing) carriesRow(e string) bool {
	return e[:1] == entSort || (e[:1] == entEqual && !l.SparseRows && !l.xpTupleEntry(e))
}

// xpTupleEntry reports whether an entry is one of the XPTuple's. They
// carry no row: a product has one per visibility key and xp value, and
// rewriting them all at every change of the row doubled what a product's
// write rewrote (and how long concurrent writes to it kept losing to each
// other). Lists answer them by key; candidates from them read documents.
func (l *Listing) xpTupleEntry(e string) bool {
	return l.XPTuple != "" && strings.HasPrefix(e, entEqual+sep+l.XPTuple+"+")
}

func rowHash(entries []string) string {
	for _, e := range entries {
		if h, ok := strings.CutPrefix(e, entRow+sep); ok {
			return h
		}
	}
	return ""
}

// indexDoc is what an index item holds: the row (equality and sort
// items), the field mask (words), nothing (overflow).
func (l *Listing) indexDoc(e string, row []byte) []byte {
	switch {
	case l.carriesRow(e):
		return row
	case e[:1] == entTerm:
		parts := strings.Split(e, sep)
		return []byte(parts[2])
	}
	return []byte("{}")
}

// maxTxOps is DynamoDB's bound on one transaction's items.
const maxTxOps = 100

// batch is one transaction's ops, with each op's source position.
type batch struct {
	ops []store.Op
	src []int
}

// packGroups packs groups into transactions of at most maxTxOps ops, a
// group's ops (an entity and its index writes) together, its tallies
// merged with the other groups' of the same transaction. A group too large
// for one transaction on its own (rare; see the Listing bounds) goes over
// several, the entity's write first.
func packGroups(groups []opGroup) []batch {
	var out []batch
	cur := batch{}
	curTallies := map[store.Key]int64{}
	flush := func() {
		for _, k := range sortedKeys(curTallies) {
			if n := curTallies[k]; n != 0 {
				k := k
				cur.ops = append(cur.ops, store.Op{Tally: &k, Amount: n})
				cur.src = append(cur.src, -1)
			}
		}
		if len(cur.ops) > 0 {
			out = append(out, cur)
		}
		cur, curTallies = batch{}, map[store.Key]int64{}
	}
	for _, g := range groups {
		newTallies := 0
		for k := range g.tallies {
			if _, ok := curTallies[k]; !ok {
				newTallies++
			}
		}
		if len(cur.ops)+len(curTallies)+len(g.ops)+newTallies > maxTxOps {
			flush()
		}
		if len(g.ops)+len(g.tallies) > maxTxOps {
			for start := 0; start < len(g.ops); start += maxTxOps {
				end := min(start+maxTxOps, len(g.ops))
				out = append(out, batch{ops: g.ops[start:end], src: g.src[start:end]})
			}
			for k, n := range g.tallies {
				curTallies[k] += n
			}
			continue
		}
		cur.ops = append(cur.ops, g.ops...)
		cur.src = append(cur.src, g.src...)
		for k, n := range g.tallies {
			curTallies[k] += n
		}
	}
	flush()
	return out
}

func sortedKeys(m map[store.Key]int64) []store.Key {
	keys := make([]store.Key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b store.Key) int {
		if c := strings.Compare(a.PK, b.PK); c != 0 {
			return c
		}
		return strings.Compare(a.SK, b.SK)
	})
	return keys
}

// errNotListed is returned for index reads of a collection without a
// Listing.
var errNotListed = errors.New("resource: collection has no listing")
