package resource

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Serving a list from a collection's indexes (see Listing). Four plans,
// from cheapest:
//
//   - key page: no search, at most one equality filter, ID order — a
//     Query with Limit on the collection's partition (or the filter's
//     partitions), TotalCount from the tallies (or counted over an ID
//     range); only the page's documents are read;
//   - sorted page: sorted on an indexed field, optionally within a range
//     of it — a Query with Limit on the field's sort partition;
//   - equality-sorted page: one equality filter with a sort on, or a range
//     of, a field they are declared together for (EqualSorted) — a Query
//     on the filter's partition sorted by the field: with Limit when
//     sorted on it, the range's keys (no rows) in ID order;
//   - candidates: anything else — the items of the most selective index
//     (an equality partition, a range of a sort partition, the search's
//     word matches, else a whole sort partition), each carrying a compact
//     row on which the query's filters and sort are evaluated; documents
//     are read for the page, and for candidates whose row leaves out a
//     field the query needs.
//
// Every plan answers exactly what filtering every document would (the
// same items, TotalCount and order); what no plan can answer exactly (a
// phrase search, a field Present computes, more candidate documents than
// maxDocFetch) is answered by reading the collection.

// maxDocFetch bounds the documents a list reads to evaluate candidates.
const maxDocFetch = 2000

// maxTupleKeys bounds the key combinations a tuple index is read for.
const maxTupleKeys = 256

// ListIndexed serves a list of res in scope from its indexes: the page's
// documents (as stored, not presented) and the page's meta. ok is false
// when the indexes cannot answer the query exactly; the caller then reads
// the collection.
func (r *Registry) ListIndexed(c *Ctx, res *Resource, scope []string, lq api.ListQuery) ([]api.Doc, api.Meta, bool, error) {
	if res.List == nil {
		return nil, api.Meta{}, false, nil
	}
	l := &lister{c: c, res: res, scope: scope, base: res.PK(scope...), lq: lq, shards: res.List.shards()}
	return l.run()
}

type lister struct {
	c      *Ctx
	res    *Resource
	scope  []string
	base   string
	lq     api.ListQuery
	shards []string

	tallies map[store.Key]int64
	// rowsOnly asks for every matching entity's row (or document), in
	// order, instead of a page of documents.
	rowsOnly bool
}

// eqFilter is a filter an equality partition answers: its entities are
// those of the partitions of keys.
type eqFilter struct {
	field string
	keys  []string
	xp    bool
	// xpTuple: the field is the listing's XPTuple with an xp path, whose
	// partitions miss the entities in its overflow partition.
	xpTuple bool
}

// bounds limit a sort key: SK > after, min <= SK <= max.
type bounds struct{ after, min, max string }

func (b bounds) empty() bool { return b == bounds{} }

// complement is the bounds of the keys outside b: the keys at or below its
// lower bound and those above its upper bound (ok false when a lower bound
// cannot be turned into an inclusive upper one).
func (b bounds) complement() ([]bounds, bool) {
	var out []bounds
	switch {
	case b.min != "" && b.min > b.after:
		// Keys below min: an inclusive bound just under it.
		if b.min[len(b.min)-1] >= 0x80 {
			return nil, false
		}
		out = append(out, bounds{max: lowerThan(b.min)})
	case b.after != "":
		out = append(out, bounds{max: b.after})
	}
	if b.max != "" {
		out = append(out, bounds{after: b.max})
	}
	return out, len(out) > 0
}

// plan is what a query asks of the indexes.
type plan struct {
	eqs      []eqFilter
	idRange  bounds
	ranges   map[string]bounds // by sorted field
	residual bool              // filters no index answers
	sortMode string            // "id", "field", "memory"
	sortBy   string
	desc     bool
}

func (l *lister) run() ([]api.Doc, api.Meta, bool, error) {
	p, ok := l.plan()
	if !ok {
		return nil, api.Meta{}, false, nil
	}
	if err := l.readTallies(p); err != nil {
		return nil, api.Meta{}, false, err
	}
	search := l.lq.Search != ""
	switch {
	case l.rowsOnly:
	case !search && !p.residual && len(p.ranges) == 0 && len(p.eqs) <= 1 && p.sortMode == "id" && l.keyPageExact(p):
		return l.keyPage(p)
	case !search && !p.residual && len(p.eqs) == 0 && p.idRange.empty() && p.sortMode == "field" && onlyRange(p.ranges, p.sortBy):
		return l.sortedPage(p)
	case !search && !p.residual && l.equalSortedField(p) != "":
		return l.equalSortedPage(p, l.equalSortedField(p))
	case !search && !p.residual && len(p.eqs) == 1 && len(p.ranges) == 0 && p.idRange.empty() && p.sortMode == "field" &&
		l.keyPageExact(p) && l.walkCheaper(p):
		return l.sortedFilteredPage(p)
	}
	return l.candidates(p)
}

func onlyRange(ranges map[string]bounds, field string) bool {
	for f := range ranges {
		if f != field {
			return false
		}
	}
	return true
}

// plan classifies the query's filters and sort; ok is false when the
// indexes cannot answer it.
func (l *lister) plan() (plan, bool) {
	lst := l.res.List
	p := plan{ranges: map[string]bounds{}}
	for _, f := range l.lq.Filters {
		if l.computed(f.Path) {
			return p, false
		}
	}
	for _, k := range l.lq.SortBy {
		if l.computed(k.Path) {
			return p, false
		}
	}
	if l.lq.Search != "" {
		switch l.lq.SearchType {
		case "AnyTerm", "AllTermsAnyField", "AllTermsSameField":
		default:
			return p, false // phrases match inside words
		}
		if !lst.Search {
			return p, false
		}
		fields := l.res.searchFields()
		for _, f := range l.lq.SearchOn {
			if !slices.Contains(fields, f) {
				return p, false
			}
		}
	}
	// Each filter is answered by an index (an equality partition, an ID
	// or sort-key range) or left to rows. A tuple index ("A+B", "A+B+C")
	// answers one equality filter on each of its fields at once, its keys
	// the combinations of theirs; some of those fields have no index alone.
	type keyed struct {
		at   int // the filter's position
		keys []string
	}
	keyedBy := map[string]keyed{}
	answered := make([]bool, len(l.lq.Filters))
	for i, f := range l.lq.Filters {
		switch {
		case !l.equalIndexed(f.Path) && l.inPair(f.Path):
			if keys := equalKeysOf(f); keys != nil {
				if _, dup := keyedBy[f.Path]; !dup {
					keyedBy[f.Path] = keyed{i, keys}
				}
			}
		case l.equalIndexed(f.Path) && equalKeysOf(f) != nil:
			keys := equalKeysOf(f)
			xp := strings.HasPrefix(f.Path, "xp.")
			field := f.Path
			if xp {
				field = strings.ToLower(f.Path)
			}
			p.eqs = append(p.eqs, eqFilter{field: field, keys: keys, xp: xp})
			answered[i] = true
			if _, dup := keyedBy[field]; !xp && !dup {
				keyedBy[field] = keyed{i, keys}
			}
		case f.Path == "ID" && rangeOf(f, "ID", "") != nil:
			p.idRange = intersect(p.idRange, *rangeOf(f, "ID", ""))
			answered[i] = true
		case slices.Contains(lst.Sorted, f.Path) && rangeOf(f, f.Path, f.Type()) != nil:
			p.ranges[f.Path] = intersect(p.ranges[f.Path], *rangeOf(f, f.Path, f.Type()))
			answered[i] = true
		}
	}
	// The widest tuple whose fields are all filtered (fewest keys first
	// among equals); its filters are then answered by it alone.
	best, bestParts, bestKeys := "", 0, 0
	for _, t := range lst.Equal {
		parts := strings.Split(t, "+")
		if len(parts) < 2 {
			continue
		}
		n := 1
		for _, part := range parts {
			k, ok := keyedBy[part]
			if !ok {
				n = 0
				break
			}
			n *= len(k.keys)
		}
		if n == 0 || n > maxTupleKeys {
			continue
		}
		if len(parts) > bestParts || (len(parts) == bestParts && n < bestKeys) {
			best, bestParts, bestKeys = t, len(parts), n
		}
	}
	if best != "" {
		parts := strings.Split(best, "+")
		combos := []string{""}
		for i, part := range parts {
			k := keyedBy[part]
			var next []string
			for _, c := range combos {
				for _, key := range k.keys {
					if i > 0 {
						key = c + keySep + key
					}
					next = append(next, key)
				}
			}
			combos = next
			answered[k.at] = true
		}
		p.eqs = slices.DeleteFunc(p.eqs, func(e eqFilter) bool {
			k, ok := keyedBy[e.field]
			return ok && slices.Contains(parts, e.field) && slices.Equal(e.keys, k.keys)
		})
		p.eqs = append(p.eqs, eqFilter{field: best, keys: combos})
		if best == lst.XPTuple && lst.XP {
			p.eqs = withXPTuple(p.eqs)
		}
	}
	p.residual = slices.Contains(answered, false)
	switch {
	case len(l.lq.SortBy) == 0:
		p.sortMode = "id"
		if l.lq.Search != "" {
			p.sortMode = "memory"
		}
	case len(l.lq.SortBy) == 1 && l.lq.SortBy[0].Path == "ID":
		p.sortMode, p.desc = "id", l.lq.SortBy[0].Desc
	case len(l.lq.SortBy) == 1 && slices.Contains(lst.Sorted, l.lq.SortBy[0].Path):
		p.sortMode, p.sortBy, p.desc = "field", l.lq.SortBy[0].Path, l.lq.SortBy[0].Desc
	default:
		p.sortMode = "memory"
	}
	return p, true
}

// withXPTuple answers the listing's XPTuple (the last of eqs) and an xp
// equality filter together, by the partitions indexing the xp value under
// the tuple's keys, when their combinations are few enough.
func withXPTuple(eqs []eqFilter) []eqFilter {
	tuple := eqs[len(eqs)-1]
	for i, e := range eqs[:len(eqs)-1] {
		if !e.xp || len(tuple.keys)*len(e.keys) > maxTupleKeys {
			continue
		}
		var keys []string
		for _, c := range tuple.keys {
			for _, k := range e.keys {
				keys = append(keys, c+keySep+k)
			}
		}
		out := slices.Delete(slices.Clone(eqs[:len(eqs)-1]), i, i+1)
		return append(out, eqFilter{field: tuple.field + "+" + e.field, keys: keys, xp: true, xpTuple: true})
	}
	return eqs
}

// inPair reports whether a field is part of a pair index.
func (l *lister) inPair(field string) bool {
	for _, e := range l.res.List.Equal {
		if parts := strings.Split(e, "+"); len(parts) > 1 && slices.Contains(parts, field) {
			return true
		}
	}
	return false
}

func (l *lister) computed(path string) bool {
	head, _, _ := strings.Cut(path, ".")
	for _, c := range l.res.List.Computed {
		if strings.EqualFold(c, head) {
			return true
		}
	}
	return false
}

// equalIndexed reports whether a filter path has an equality index.
func (l *lister) equalIndexed(path string) bool {
	lst := l.res.List
	if strings.HasPrefix(path, "xp.") {
		return lst.XP && strings.Count(path, ".") <= maxXPDepth
	}
	return slices.Contains(lst.Equal, path)
}

// equalKeysOf are the equality keys a filter's alternatives match (nil
// when some alternative is not an equality).
func equalKeysOf(f api.Filter) []string {
	var out []string
	for _, a := range f.Alts {
		keys, ok := api.FilterEqualKeys(a, f.Type())
		if !ok {
			return nil
		}
		for _, k := range keys {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	if out == nil {
		out = []string{} // matches nothing, answered by no partition
	}
	return out
}

// rangeOf turns a one-alternative comparison filter into sort-key bounds
// (nil when it is not one). ID bounds compare IDs themselves.
func rangeOf(f api.Filter, path, typ string) *bounds {
	if len(f.Alts) != 1 {
		return nil
	}
	a := f.Alts[0]
	if a.Negate || a.Op == "=" {
		return nil
	}
	key, suffixLo, suffixHi := a.Value, "", ""
	if path != "ID" {
		k, ok := api.OrderBound(a.Value, typ)
		if !ok {
			return nil
		}
		// A sort key is the value's key, keySep, the ID: a value's items
		// sort after the bare key and before key+"\x02".
		key, suffixLo, suffixHi = k, "\x02", "\x00"
	}
	var b bounds
	switch a.Op {
	case ">":
		if path == "ID" {
			b.after = key
		} else {
			b.min = key + suffixLo
		}
	case ">=":
		b.min = key
	case "<":
		if path == "ID" {
			if key == "" || key[len(key)-1] >= 0x80 {
				return nil
			}
			b.max = lowerThan(key)
		} else {
			b.max = key + suffixHi
		}
	case "<=":
		if path == "ID" {
			b.max = key
		} else {
			b.max = key + "\x02"
		}
	default:
		return nil
	}
	if path != "ID" && b.min == "" {
		b.min = "1" // nulls never meet a comparison
	}
	return &b
}

// lowerThan is an inclusive bound for keys below key (an ASCII-ending
// one): key with its last byte lowered, then the greatest character — no
// ID holds U+10FFFF.
func lowerThan(key string) string {
	if key == "" {
		return ""
	}
	b := []byte(key)
	last := b[len(b)-1]
	if last == 0 {
		return string(b[:len(b)-1])
	}
	b[len(b)-1] = last - 1
	return string(b) + "\U0010FFFF"
}

func intersect(a, b bounds) bounds {
	if b.after > a.after {
		a.after = b.after
	}
	if b.min > a.min {
		a.min = b.min
	}
	if b.max != "" && (a.max == "" || b.max < a.max) {
		a.max = b.max
	}
	return a
}

// --- tallies ---------------------------------------------------------------

// readTallies reads every count the plan may use, in one BatchGetItem.
func (l *lister) readTallies(p plan) error {
	entries := []string{entAll}
	for _, e := range p.eqs {
		for _, k := range e.keys {
			entries = append(entries, entEqual+sep+e.field+sep+k)
		}
		if !strings.Contains(e.field, "+") {
			entries = append(entries, entList+sep+e.field)
		}
		if e.xp {
			entries = append(entries, entXPOver)
		}
		if e.xpTuple {
			entries = append(entries, entXPTupleOver)
		}
	}
	if l.lq.Search != "" {
		entries = append(entries, entTermsOver)
	}
	var keys []store.Key
	for _, e := range entries {
		keys = append(keys, tallyKeys(l.base, e)...)
	}
	got, err := l.c.Deps.Store.Tallies(l.c, keys)
	l.tallies = got
	return err
}

// tally is an entry's count.
func (l *lister) tally(entry string) int {
	n := int64(0)
	for _, k := range tallyKeys(l.base, entry) {
		n += l.tallies[k]
	}
	return int(max(n, 0))
}

// eqSize is how many entities an equality filter's partitions hold
// (counting an entity in two of them twice).
func (l *lister) eqSize(e eqFilter) int {
	n := 0
	for _, k := range e.keys {
		n += l.tally(entEqual + sep + e.field + sep + k)
	}
	return n
}

// keyPageExact reports whether the key page's count and items are exact:
// an equality filter on xp needs no overflow entity, and one spanning
// several partitions needs no entity to sit in two of them.
func (l *lister) keyPageExact(p plan) bool {
	if len(p.eqs) == 0 {
		return true
	}
	e := p.eqs[0]
	if e.xp && l.tally(entXPOver) > 0 || e.xpTuple && l.tally(entXPTupleOver) > 0 {
		return false
	}
	if len(e.keys) <= 1 {
		return true
	}
	// Several partitions: an entity holding a list may sit in two of them,
	// and counting the union needs its items (tuples keep no list tally).
	return !strings.Contains(e.field, "+") && l.tally(entList+sep+e.field) == 0
}

// --- reading partitions ----------------------------------------------------

// readMerged reads partitions (one per shard, or per key and shard) in
// sort-key order as one ordered list, each item once (by ID), up to limit
// items (0: all).
func (l *lister) readMerged(pks []string, b bounds, prefix string, desc bool, limit int, keysOnly bool) ([]store.Item, error) {
	lists := make([][]store.Item, len(pks))
	errs := make([]error, len(pks))
	var wg sync.WaitGroup
	for i, pk := range pks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lists[i], errs[i] = l.c.Deps.Store.Query(l.c, store.Query{PK: pk, After: b.after, Min: b.min, Max: b.max,
				SKPrefix: prefix, Desc: desc, Limit: limit, KeysOnly: keysOnly})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var all []store.Item
	for _, list := range lists {
		all = append(all, list...)
	}
	if len(lists) > 1 {
		sort.SliceStable(all, func(i, j int) bool {
			if desc {
				return all[i].SK > all[j].SK
			}
			return all[i].SK < all[j].SK
		})
		seen := map[string]bool{}
		all = slices.DeleteFunc(all, func(it store.Item) bool {
			dup := seen[it.ID]
			seen[it.ID] = true
			return dup
		})
	}
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// rangeRowsWithin reads the rows of a sorted field's range when it holds
// at most about max of them; ok is false (after reading at most max) when
// it holds more.
func (l *lister) rangeRowsWithin(field string, b bounds, max int) ([]store.Item, bool, error) {
	pks := l.sortPKs(field)
	per := max/len(pks) + 1
	lists := make([][]store.Item, len(pks))
	errs := make([]error, len(pks))
	var wg sync.WaitGroup
	for i, pk := range pks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lists[i], errs[i] = l.c.Deps.Store.Query(l.c, store.Query{PK: pk, After: b.after, Min: b.min, Max: b.max, Limit: per})
		}()
	}
	wg.Wait()
	var all []store.Item
	for i, list := range lists {
		if errs[i] != nil {
			return nil, false, errs[i]
		}
		if len(list) >= per {
			return nil, false, nil
		}
		all = append(all, list...)
	}
	return all, true, nil
}

// countIn counts the items of partitions within bounds, stopping at limit
// when it is above 0 (then the count is at least limit).
func (l *lister) countIn(pks []string, b bounds, limit int) (int, error) {
	n := 0
	for _, pk := range pks {
		q := store.Query{PK: pk, After: b.after, Min: b.min, Max: b.max}
		if limit > 0 {
			q.Limit = limit - n
		}
		got, err := l.c.Deps.Store.Count(l.c, q)
		if err != nil {
			return 0, err
		}
		n += got
		if limit > 0 && n >= limit {
			return n, nil
		}
	}
	return n, nil
}

// rangeCountBudget is how many keys a range's count reads before it counts
// the keys outside the range instead.
const rangeCountBudget = 1000

// countRange is the exact number of items within bounds, in partitions
// holding total items in all (a kept count). A COUNT query reads every key
// it counts, so counting "ID > p000500" of 50,000 products would read
// 49,500 keys: when the range holds more than the budget or half the
// partitions, it counts the smaller side — the keys outside the range — and
// subtracts. Worst case (a range and its outside both large): about the
// budget, half the total, then the range itself.
func (l *lister) countRange(pks []string, b bounds, total int) (int, error) {
	half := total/2 + 1
	lim := min(rangeCountBudget, half)
	n, err := l.countIn(pks, b, lim)
	if err != nil || n < lim {
		return n, err
	}
	if outside, ok := b.complement(); ok {
		c := 0
		for _, o := range outside {
			got, err := l.countIn(pks, o, half-c)
			if err != nil {
				return 0, err
			}
			c += got
		}
		if c < half && total-c >= n {
			return total - c, nil
		}
	}
	return l.countIn(pks, b, 0)
}

func (l *lister) basePKs() []string {
	out := make([]string, len(l.shards))
	for i, s := range l.shards {
		out[i] = l.base + s
	}
	return out
}

func (l *lister) eqPKs(e eqFilter) []string {
	var out []string
	for _, k := range e.keys {
		for _, s := range l.shards {
			out = append(out, eqPK(l.base, e.field, k)+s)
		}
	}
	return out
}

func (l *lister) sortPKs(field string) []string {
	out := make([]string, len(l.shards))
	for i, s := range l.shards {
		out[i] = sortPK(l.base, field) + s
	}
	return out
}

// fetch reads the documents of ids, in order; ok is false when one has
// gone (an index ahead of a delete the request cannot see).
func (l *lister) fetch(ids []string) ([]api.Doc, bool, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = l.res.Key(l.scope, id)
	}
	got, err := batchGet(l.c, keys)
	if err != nil {
		return nil, false, err
	}
	docs := make([]api.Doc, 0, len(ids))
	now := time.Now()
	for _, k := range keys {
		it, ok := got[k]
		if !ok {
			return nil, false, nil
		}
		if Expired(it, now) {
			// Gone for readers, still indexed until DynamoDB deletes it
			// and the stream cleans up: the page is one short meanwhile.
			continue
		}
		d, err := DecodeItem(it)
		if err != nil {
			return nil, false, err
		}
		docs = append(docs, d)
	}
	return docs, true, nil
}

// batchGet reads keys in parallel BatchGetItems of 100.
func batchGet(c *Ctx, keys []store.Key) (map[store.Key]store.Item, error) {
	if len(keys) <= 100 {
		return c.Deps.Store.BatchGet(c, keys)
	}
	var mu sync.Mutex
	out := make(map[store.Key]store.Item, len(keys))
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for start := 0; start < len(keys); start += 100 {
		chunk := keys[start:min(start+100, len(keys))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			got, err := c.Deps.Store.BatchGet(c, chunk)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			for k, v := range got {
				out[k] = v
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}

// --- plans -----------------------------------------------------------------

// keyPage reads a page in ID order from the collection's partition or an
// equality filter's partitions.
func (l *lister) keyPage(p plan) ([]api.Doc, api.Meta, bool, error) {
	pks := l.basePKs()
	total := l.tally(entAll)
	if len(p.eqs) == 1 {
		pks = l.eqPKs(p.eqs[0])
		total = l.eqSize(p.eqs[0])
	}
	if !p.idRange.empty() {
		n, err := l.countRange(pks, p.idRange, total)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		total = n
	}
	meta, start, end := l.lq.PageOf(total)
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	if len(pks) == 1 && len(p.eqs) == 0 && start == 0 {
		// The first page of one partition holding the documents: one Query.
		items, err := l.c.Deps.Store.Query(l.c, store.Query{PK: pks[0], After: p.idRange.after, Min: p.idRange.min,
			Max: p.idRange.max, Desc: p.desc, Limit: end})
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		docs := make([]api.Doc, 0, len(items))
		for _, it := range items {
			d, err := DecodeItem(it)
			if err != nil {
				return nil, api.Meta{}, false, err
			}
			docs = append(docs, d)
		}
		return docs, meta, len(docs) == end-start, nil
	}
	items, err := l.readMerged(pks, p.idRange, "", p.desc, end, true)
	if err != nil {
		return nil, api.Meta{}, false, err
	}
	if len(items) < end {
		return nil, api.Meta{}, false, nil // the count and the index disagree
	}
	return l.page(ids(items[start:end]), meta)
}

func ids(items []store.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func (l *lister) page(ids []string, meta api.Meta) ([]api.Doc, api.Meta, bool, error) {
	docs, ok, err := l.fetch(ids)
	return docs, meta, ok, err
}

// sortedPage reads a page in the order of a sorted field, optionally
// within a range of it.
func (l *lister) sortedPage(p plan) ([]api.Doc, api.Meta, bool, error) {
	return l.orderedPage(p, l.sortPKs(p.sortBy), l.tally(entAll))
}

// orderedPage reads a page in the order of the sorted field from its sort
// partitions pks (holding total items), within the field's range if any.
func (l *lister) orderedPage(p plan, pks []string, total int) ([]api.Doc, api.Meta, bool, error) {
	b := p.ranges[p.sortBy]
	if !b.empty() {
		n, err := l.countRange(pks, b, total)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		total = n
	}
	meta, start, end := l.lq.PageOf(total)
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	items, err := l.readMerged(pks, b, "", p.desc, end, true)
	if err != nil {
		return nil, api.Meta{}, false, err
	}
	if len(items) < end {
		return nil, api.Meta{}, false, nil
	}
	if p.desc {
		// Equal values keep ID order (as lists sort them), which a
		// descending read reverses: read the rest of the last value's
		// items, then order each value's items by ID.
		last := sortValue(items[len(items)-1].SK)
		rest, err := l.readMerged(pks, bounds{}, last+keySep, false, 0, true)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		seen := map[string]bool{}
		for _, it := range items {
			seen[it.ID] = true
		}
		for _, it := range rest {
			if !seen[it.ID] {
				items = append(items, it)
			}
		}
		sort.SliceStable(items, func(i, j int) bool {
			vi, vj := sortValue(items[i].SK), sortValue(items[j].SK)
			if vi != vj {
				return vi > vj
			}
			return items[i].ID < items[j].ID
		})
	}
	return l.page(ids(items[start:end]), meta)
}

// equalSortedField is the sorted field F when an EqualSorted "T>F"
// answers the plan: its one equality filter is on T (exactly), and it
// sorts on F or bounds F (and nothing else) in ID order.
func (l *lister) equalSortedField(p plan) string {
	if len(p.eqs) != 1 || p.eqs[0].xp || !p.idRange.empty() || !l.keyPageExact(p) {
		return ""
	}
	field := ""
	switch {
	case p.sortMode == "field":
		field = p.sortBy
	case p.sortMode == "id" && len(p.ranges) == 1:
		for f := range p.ranges {
			field = f
		}
	default:
		return ""
	}
	if !onlyRange(p.ranges, field) || !slices.Contains(l.res.List.EqualSorted, p.eqs[0].field+">"+field) {
		return ""
	}
	return field
}

// equalSortedPKs are the partitions of an EqualSorted pair for the
// filter's keys.
func (l *lister) equalSortedPKs(e eqFilter, field string) []string {
	var out []string
	for _, k := range e.keys {
		for _, s := range l.shards {
			out = append(out, eqSortPK(l.base, e.field+">"+field, k)+s)
		}
	}
	return out
}

// maxRangeKeys bounds the keys an ID-ordered page of an equality filter
// and a range reads from an EqualSorted partition.
const maxRangeKeys = 20000

// equalSortedPage serves one equality filter with a sort on, or a range
// of, a sorted field from the EqualSorted partitions of the filter's keys:
// sorted on the field, it pages there as sortedPage does (TotalCount the
// filter's tally, or the range counted within its partitions); in ID
// order within the range, it reads the range's keys once (small items, no
// rows) — they are the count — orders their IDs and reads the page's
// documents.
func (l *lister) equalSortedPage(p plan, field string) ([]api.Doc, api.Meta, bool, error) {
	e := p.eqs[0]
	pks := l.equalSortedPKs(e, field)
	if p.sortMode == "field" {
		return l.orderedPage(p, pks, l.eqSize(e))
	}
	items, err := l.readMerged(pks, p.ranges[field], "", false, maxRangeKeys+1, true)
	if err != nil {
		return nil, api.Meta{}, false, err
	}
	if len(items) > maxRangeKeys {
		return l.candidates(p)
	}
	meta, start, end := l.lq.PageOf(len(items))
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	page := ids(items)
	slices.Sort(page)
	if p.desc {
		slices.Reverse(page)
	}
	return l.page(page[start:end], meta)
}

// walkCheaper reports whether walking the sort partition for a page is
// cheaper than reading the equality filter's matches: when the matches
// are many for the page wanted, or their rows are not indexed.
func (l *lister) walkCheaper(p plan) bool {
	n := l.eqSize(p.eqs[0])
	if n == 0 {
		return false
	}
	_, _, end := l.lq.PageOf(n)
	// The walk reads about end × all/n rows; the matches are n rows, or n
	// documents (about three rows each) where the partition holds none.
	walk := float64(end) * float64(l.tally(entAll)) / float64(n)
	return n > maxDocFetch || walk < l.matchesCost(n)
}

// matchesCost is what reading an equality partition's n matches costs, in
// rows: n rows, or n documents (about three rows each) where the
// partition holds none.
func (l *lister) matchesCost(n int) float64 {
	if l.res.List.SparseRows {
		return float64(n) * 3
	}
	return float64(n)
}

// sortedFilteredPage reads a page in the order of a sorted field with one
// equality filter: it walks the sort partition's rows in order, keeping
// those the filter matches, until the page is full. TotalCount is the
// filter's tally. The walk reads about page end × (collection ÷ matches)
// rows.
func (l *lister) sortedFilteredPage(p plan) ([]api.Doc, api.Meta, bool, error) {
	total := l.eqSize(p.eqs[0])
	meta, start, end := l.lq.PageOf(total)
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	pks := l.sortPKs(p.sortBy)
	var kept []store.Item
	var matchedRows []api.Doc
	// Each round reads chunk rows from every shard of the sort partition
	// and merges them; it starts small (a page's worth at even density)
	// and doubles while the matches are sparse.
	chunk := max(end*2, 40)
	b := bounds{}
	// The walk's estimate assumes the matches are spread evenly; when they
	// bunch at the far end (the oldest orders are the submitted ones), it
	// gives up once it has read what reading the matches costs, so a page
	// never costs more than about twice the cheaper plan.
	budget, read := l.matchesCost(total), 0
	for {
		if total <= maxDocFetch && float64(read) >= budget && len(kept) < end {
			return l.candidates(p)
		}
		items, err := l.readMerged(pks, b, "", p.desc, chunk, false)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		read += chunk * len(pks)
		for _, it := range items {
			row, err := api.DecodeDoc(it.Doc)
			if err != nil {
				return nil, api.Meta{}, false, err
			}
			if !rowAnswers(row, l.neededPaths()) {
				return nil, api.Meta{}, false, nil // a row leaves the field out: read otherwise
			}
			if l.lq.Matches(row) {
				kept = append(kept, it)
				matchedRows = append(matchedRows, row)
			}
		}
		if len(kept) >= end || len(items) < chunk {
			break
		}
		// Next chunk: after (or, descending, before) the last key read.
		last := items[len(items)-1].SK
		if p.desc {
			b = bounds{max: lowerThan(last)}
		} else {
			b = bounds{after: last}
		}
		chunk *= 2
	}
	if len(kept) < end && len(kept) != total {
		return nil, api.Meta{}, false, nil // the tally and the index disagree
	}
	if p.desc {
		// Equal values keep ID order: order ties as the sorted page does.
		idx := make([]int, len(kept))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool {
			vi, vj := sortValue(kept[idx[i]].SK), sortValue(kept[idx[j]].SK)
			if vi != vj {
				return vi > vj
			}
			return kept[idx[i]].ID < kept[idx[j]].ID
		})
		sorted := make([]store.Item, len(kept))
		for i, k := range idx {
			sorted[i] = kept[k]
		}
		kept = sorted
	}
	end = min(end, len(kept))
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	return l.page(ids(kept[start:end]), meta)
}

// sortValue is the value part of a sort item's key.
func sortValue(sk string) string {
	i := strings.LastIndex(sk, keySep)
	if i < 0 {
		return sk
	}
	return sk[:i]
}

// indexRow is the row an index item carries (nil for one without: "{}"
// is an xp tuple's or an EqualSorted item's, since a row always holds at
// least the entity's ID).
func indexRow(it store.Item) (api.Doc, error) {
	if len(it.Doc) == 0 || string(it.Doc) == "{}" {
		return nil, nil
	}
	return api.DecodeDoc(it.Doc)
}

// cand is an entity a candidates plan considers.
type cand struct {
	id    string
	row   api.Doc // from its index item (nil: read the document)
	doc   api.Doc
	score float64
}

// candidates reads the most selective index's items and evaluates the
// query on their rows.
func (l *lister) candidates(p plan) ([]api.Doc, api.Meta, bool, error) {
	search := l.lq.Search != ""
	var scores map[string]float64
	if search {
		var ok bool
		var err error
		if scores, ok, err = l.searchScores(); err != nil || !ok {
			return nil, api.Meta{}, ok, err
		}
	}
	cands := map[string]*cand{}
	addItems := func(items []store.Item) error {
		for _, it := range items {
			if _, ok := cands[it.ID]; ok {
				continue
			}
			row, err := indexRow(it)
			if err != nil {
				return err
			}
			cands[it.ID] = &cand{id: it.ID, row: row}
		}
		return nil
	}
	// The driver: the smallest equality filter, else a range of a sorted
	// field, else the search's matches, else a whole sort partition.
	var best *eqFilter
	for i := range p.eqs {
		if best == nil || l.eqSize(p.eqs[i]) < l.eqSize(*best) {
			best = &p.eqs[i]
		}
	}
	rangeField := ""
	for f := range p.ranges {
		rangeField = f
	}
	sparse := l.res.List.SparseRows
	if best != nil && sparse && l.eqSize(*best) > maxDocFetch {
		best = nil // too many documents to read: a sort partition's rows instead
	}
	// An equality partition without rows costs its matches' documents; a
	// range of a sorted field costs its rows. Read the range when it holds
	// fewer rows than those documents cost (reading at most that many to
	// find out), so a date range on orders reads compact rows.
	var rangeRows []store.Item
	useRange := false
	if best != nil && sparse && rangeField != "" && !search {
		rows, ok, err := l.rangeRowsWithin(rangeField, p.ranges[rangeField], int(l.matchesCost(l.eqSize(*best))))
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		rangeRows, useRange = rows, ok
	}
	switch {
	case useRange:
		if err := addItems(rangeRows); err != nil {
			return nil, api.Meta{}, false, err
		}
	case best != nil && !(search && len(scores) <= maxDocFetch && len(scores)*4 < l.eqSize(*best)):
		items, err := l.readMerged(l.eqPKs(*best), p.idRange, "", false, 0, sparse)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		if err := addItems(items); err != nil {
			return nil, api.Meta{}, false, err
		}
		if best.xp && l.tally(entXPOver) > 0 {
			if err := l.addOverflow(cands, entXPOver); err != nil {
				return nil, api.Meta{}, false, err
			}
		}
		if best.xpTuple && l.tally(entXPTupleOver) > 0 {
			if err := l.addOverflow(cands, entXPTupleOver); err != nil {
				return nil, api.Meta{}, false, err
			}
		}
	case rangeField != "" && !(search && len(scores) <= maxDocFetch):
		items, err := l.readMerged(l.sortPKs(rangeField), p.ranges[rangeField], "", false, 0, false)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		if err := addItems(items); err != nil {
			return nil, api.Meta{}, false, err
		}
	case search:
		for id := range scores {
			cands[id] = &cand{id: id}
		}
		if best != nil {
			if err := l.probeRows(cands, *best); err != nil {
				return nil, api.Meta{}, false, err
			}
		}
	case len(l.res.List.Sorted) > 0:
		items, err := l.readMerged(l.sortPKs(l.res.List.Sorted[0]), bounds{}, "", false, 0, false)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		if err := addItems(items); err != nil {
			return nil, api.Meta{}, false, err
		}
	default:
		return nil, api.Meta{}, false, nil
	}
	if search {
		for id, c := range cands {
			if s := scores[id]; s > 0 {
				c.score = s
			} else {
				delete(cands, id)
			}
		}
	}
	// Read the documents of candidates whose row cannot answer.
	paths := l.neededPaths()
	var need []string
	for _, c := range cands {
		if (len(paths) > 0 || l.rowsOnly) && (c.row == nil || !rowAnswers(c.row, paths)) {
			need = append(need, c.id)
		}
	}
	if len(need) > maxDocFetch {
		return nil, api.Meta{}, false, nil
	}
	if len(need) > 0 {
		sort.Strings(need)
		keys := make([]store.Key, len(need))
		for i, id := range need {
			keys[i] = l.res.Key(l.scope, id)
		}
		got, err := batchGet(l.c, keys)
		if err != nil {
			return nil, api.Meta{}, false, err
		}
		for i, id := range need {
			it, ok := got[keys[i]]
			if !ok || Expired(it, time.Now()) {
				delete(cands, id) // gone since its index item was read
				continue
			}
			d, err := DecodeItem(it)
			if err != nil {
				return nil, api.Meta{}, false, err
			}
			l.res.derive(d) // as its row has them
			cands[id].doc = d
		}
	}
	kept := make([]*cand, 0, len(cands))
	for _, c := range cands {
		src := c.row
		if c.doc != nil {
			src = c.doc
		}
		if len(paths) == 0 || l.lq.Matches(src) {
			kept = append(kept, c)
		}
	}
	l.order(kept)
	if l.rowsOnly {
		out := make([]api.Doc, len(kept))
		for i, c := range kept {
			out[i] = c.row
			if c.doc != nil {
				out[i] = c.doc
			}
		}
		meta, _, _ := l.lq.PageOf(len(kept))
		return out, meta, true, nil
	}
	meta, start, end := l.lq.PageOf(len(kept))
	if start >= end {
		return []api.Doc{}, meta, true, nil
	}
	window := kept[start:end]
	var fetchIDs []string
	for _, c := range window {
		if c.doc == nil {
			fetchIDs = append(fetchIDs, c.id)
		}
	}
	fetched, ok, err := l.fetch(fetchIDs)
	if err != nil || !ok {
		return nil, api.Meta{}, false, err
	}
	byID := map[string]api.Doc{}
	for _, d := range fetched {
		byID[api.Str(d, "ID")] = d
	}
	docs := make([]api.Doc, len(window))
	for i, c := range window {
		if c.doc != nil {
			docs[i] = c.doc
		} else {
			docs[i] = byID[c.id]
		}
	}
	return docs, meta, true, nil
}

// maxProbeKeys bounds the keys of an equality filter whose items are read
// for each word match: a document costs about as much as three rows.
const maxProbeKeys = 3

// probeRows gives word matches the row their item in an equality filter's
// partitions carries, instead of reading each match's document ("the
// products this buyer sees that hold the word": the visibility pair's
// items of the matches). A match in none of the filter's partitions fails
// the filter and is dropped. It reads one item per match and key of the
// filter, in BatchGetItems; where the items carry no row (sparse rows, xp
// tuples), or matches may sit in an overflow partition instead (xp), it
// leaves the matches to their documents.
func (l *lister) probeRows(cands map[string]*cand, e eqFilter) error {
	if l.res.List.SparseRows || e.xp || e.xpTuple || len(e.keys) > maxProbeKeys || len(cands) == 0 {
		return nil
	}
	keys := make([]store.Key, 0, len(cands)*len(e.keys))
	for id := range cands {
		for _, k := range e.keys {
			keys = append(keys, store.Key{PK: eqPK(l.base, e.field, k) + l.res.List.shard(id), SK: id})
		}
	}
	got, err := batchGet(l.c, keys)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, k := range keys {
		it, ok := got[k]
		if !ok {
			continue
		}
		found[k.SK] = true
		if c := cands[k.SK]; c.row == nil {
			row, err := indexRow(it)
			if err != nil {
				return err
			}
			c.row = row
		}
	}
	for id := range cands {
		if !found[id] {
			delete(cands, id)
		}
	}
	return nil
}

// addOverflow adds the entities of an overflow partition as candidates
// whose documents are read.
func (l *lister) addOverflow(cands map[string]*cand, kind string) error {
	pks := make([]string, len(l.shards))
	for i, s := range l.shards {
		pks[i] = overPK(l.base, kind) + s
	}
	items, err := l.readMerged(pks, bounds{}, "", false, 0, true)
	if err != nil {
		return err
	}
	for _, it := range items {
		cands[it.ID] = &cand{id: it.ID}
	}
	return nil
}

// neededPaths are the paths the query's filters and sort read.
func (l *lister) neededPaths() []string {
	var out []string
	for _, f := range l.lq.Filters {
		out = append(out, f.Path)
	}
	for _, k := range l.lq.SortBy {
		out = append(out, k.Path)
	}
	return out
}

func rowAnswers(row api.Doc, paths []string) bool {
	for _, p := range paths {
		if !rowHas(row, p) {
			return false
		}
	}
	return true
}

// order sorts candidates as lists do: by the query's sort keys (equal
// values in ID order), else by search score, then ID.
func (l *lister) order(kept []*cand) {
	sort.Slice(kept, func(i, j int) bool { return kept[i].id < kept[j].id })
	src := func(c *cand) api.Doc {
		if c.doc != nil {
			return c.doc
		}
		return c.row
	}
	sort.SliceStable(kept, func(i, j int) bool {
		for _, k := range l.lq.SortBy {
			a, _ := api.Get(src(kept[i]), k.Path)
			b, _ := api.Get(src(kept[j]), k.Path)
			if c := api.CompareValues(k.Path, a, b); c != 0 {
				return (c < 0) != k.Desc
			}
		}
		if len(l.lq.SortBy) == 0 && l.lq.Search != "" && kept[i].score != kept[j].score {
			return kept[i].score > kept[j].score
		}
		return false
	})
}

// searchScores scores every entity the search matches, from the word
// index (and, for entities with more words than it holds, their
// documents); ok is false when that would read more than maxDocFetch
// documents.
func (l *lister) searchScores() (map[string]float64, bool, error) {
	fields := l.res.searchFields()
	bit := make([]uint, len(l.lq.SearchOn))
	for i, f := range l.lq.SearchOn {
		bit[i] = uint(slices.Index(fields, f))
	}
	terms := l.lq.SearchTerms()
	masks := map[string]map[string]uint64{} // word → id → fields
	for _, term := range terms {
		for _, w := range term {
			if _, done := masks[w]; done {
				continue
			}
			m := map[string]uint64{}
			masks[w] = m
			pks := make([]string, len(l.shards))
			for i, s := range l.shards {
				pks[i] = termPK(l.base, w) + s
			}
			items, err := l.readAll(pks, w)
			if err != nil {
				return nil, false, err
			}
			for _, it := range items {
				v, _ := strconv.ParseUint(string(it.Doc), 16, 64)
				m[it.ID] |= v
			}
		}
	}
	ids := map[string]bool{}
	for _, m := range masks {
		for id := range m {
			ids[id] = true
		}
	}
	scores := map[string]float64{}
	for id := range ids {
		s := l.lq.SearchScore(func(term []string, field int) bool {
			if len(term) == 0 {
				return false
			}
			for _, w := range term {
				if masks[w][id]&(1<<bit[field]) == 0 {
					return false
				}
			}
			return true
		})
		if s > 0 {
			scores[id] = s
		}
	}
	if l.tally(entTermsOver) > 0 {
		over := map[string]*cand{}
		if err := l.addOverflow(over, entTermsOver); err != nil {
			return nil, false, err
		}
		if len(over) > maxDocFetch {
			return nil, false, nil
		}
		var oids []string
		for id := range over {
			oids = append(oids, id)
		}
		sort.Strings(oids)
		keys := make([]store.Key, len(oids))
		for i, id := range oids {
			keys[i] = l.res.Key(l.scope, id)
		}
		got, err := batchGet(l.c, keys)
		if err != nil {
			return nil, false, err
		}
		for i, id := range oids {
			delete(scores, id) // its document's score is the exact one
			if it, ok := got[keys[i]]; ok {
				d, err := DecodeItem(it)
				if err != nil {
					return nil, false, err
				}
				if s := l.lq.Score(d); s > 0 {
					scores[id] = s
				}
			}
		}
	}
	return scores, true, nil
}

// readAll reads every item of partitions whose sort key starts with
// prefix.
func (l *lister) readAll(pks []string, prefix string) ([]store.Item, error) {
	var out []store.Item
	for _, pk := range pks {
		items, err := l.c.Deps.Store.Query(l.c, store.Query{PK: pk, SKPrefix: prefix})
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// MatchingRows returns every entity of res in scope the query's filters
// and search match, in the query's order, as compact rows where the
// indexes hold them (documents otherwise): the lines across orders walk
// the matching orders this way. ok is false when the indexes cannot say.
func (r *Registry) MatchingRows(c *Ctx, res *Resource, scope []string, lq api.ListQuery) ([]api.Doc, bool, error) {
	if res.List == nil {
		return nil, false, nil
	}
	l := &lister{c: c, res: res, scope: scope, base: res.PK(scope...), lq: lq, shards: res.List.shards(), rowsOnly: true}
	rows, _, ok, err := l.run()
	return rows, ok, err
}

// Matching returns every entity of res in scope that filters match (whole
// documents), read through the indexes when they can say which.
func (r *Registry) Matching(c *Ctx, res *Resource, scope []string, filters ...api.Filter) ([]api.Doc, error) {
	lq := api.ListQuery{Page: 1, PageSize: math.MaxInt32, SearchType: "AnyTerm", Filters: filters}
	docs, _, ok, err := r.ListIndexed(c, res, scope, lq)
	if err != nil || ok {
		return docs, err
	}
	all, err := r.All(c, res, scope)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(d api.Doc) bool { return !lq.Matches(d) }), nil
}
