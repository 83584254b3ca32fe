package resource

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Listing declares the indexes a collection keeps so that its lists read
// their page, not the collection (listplan.go serves lists from them).
//
// Every entity of a listed collection keeps, in the transaction that
// writes it (indexwrites.go):
//   - its collection's count (a tally item), so TotalCount costs no reads;
//   - one small item per equality-indexed value, in a partition per field
//     and value, sorted by ID, carrying a compact row of the entity (its
//     short fields and small xp) so that further filters and sorts are
//     evaluated without reading documents, and a count per value;
//   - one item per sort-indexed field, in a partition per field sorted by
//     the field's value, with the same row;
//   - one item per distinct word of its searchable fields, in a partition
//     per first letter sorted by word, marking the fields holding it.
//
// The entity item lists the index entries it holds (attribute X), so a
// change or delete removes exactly what was written, whatever the
// declaration says by then. An entity the indexes cannot hold completely
// (too many words or xp paths) is listed in an overflow partition, and
// lists read those entities' documents, so answers stay exact.
type Listing struct {
	// Equal are the fields with an equality index (top-level model
	// fields); "A+B" indexes the pair, for lists that always name both.
	Equal []string
	// XP indexes every scalar xp value (and each scalar of a list) at
	// paths down to maxXPDepth levels.
	XP bool
	// Sorted are the fields with a sort index.
	Sorted []string
	// EqualSorted are "T>F" pairs of an Equal field or tuple T and a
	// Sorted field F: per key of T, a partition of keys-only items sorted
	// by F. A list naming T's keys and bounding or sorting on F ("the
	// marketplace's incoming orders of March") reads its page and count
	// there, instead of F's partition of every entity. The items change
	// only with T's keys or F (an order's at create and status changes).
	EqualSorted []string
	// XPTuple names one of the Equal tuples ("A+B") whose combinations
	// also index each xp value, so a list naming the tuple's fields and an
	// xp value ("the products this buyer sees that are red") reads the
	// partition of their intersection, not all red products. An entity
	// that would write more than maxXPTuple such entries writes none and
	// is listed in an overflow partition instead.
	XPTuple string
	// Search indexes the words of the model's searchable fields.
	Search bool
	// Shards spreads each partition of the collection, the entities'
	// own included, over this many keys (by a hash of the ID), for
	// collections written faster than one key takes (orders).
	Shards int
	// Computed are fields Present adds to a doc that are never stored;
	// lists that filter or sort on them read every document.
	Computed []string
	// SparseRows keeps rows in the sort partitions only, for collections
	// whose entities change often (orders, at every line item): a change
	// then rewrites one index item per sorted field instead of one per
	// equality key too. Lists combining an equality filter with other
	// conditions read the candidates' documents (or a sort partition's
	// rows) instead.
	SparseRows bool
}

// Bounds of what one entity puts in the indexes: with the entity and its
// hooks' writes they keep the entity's transaction under DynamoDB's 100
// items.
const (
	maxXPPaths  = 16
	maxXPTuple  = 48
	maxXPDepth  = 3
	maxTerms    = 40
	maxTermLen  = 64
	maxRowBytes = 2048
	maxRowText  = 256 // string fields longer than this stay out of rows
	maxRowXP    = 1024
)

// Index entry kinds. An entry is kind, then its parts, separated by unit
// separators; it names an index item (and, for the counted kinds, the
// tally that counts it).
const (
	sep            = "\x1f"
	entAll         = "*" // the collection (tally only; the entity item is the key)
	entEqual       = "e" // e␟field␟key: in the field's equality partition
	entList        = "a" // a␟field: the entity holds a list at field (tally only)
	entSort        = "s" // s␟field␟orderkey: in the field's sort partition
	entEqualSort   = "o" // o␟T>F␟key␟orderkey: in F's sort partition of T's key
	entTerm        = "t" // t␟word␟mask: a word and the fields holding it
	entTermsOver   = "T" // T: words beyond maxTerms (overflow partition)
	entXPOver      = "X" // X: xp beyond what is indexed (overflow partition)
	entXPTupleOver = "Y" // Y: xp tuple entries beyond maxXPTuple (overflow partition)
	entRow         = "r" // r␟hash: the row the index items carry (no item)
	keySep         = "\x01"
)

// counted reports whether an entry kind is tallied.
func countedEntry(e string) bool {
	switch e[:1] {
	case entAll, entEqual, entList, entTermsOver, entXPOver, entXPTupleOver:
		return true
	}
	return false
}

// listed is a listed collection's base partition: its scope's partition
// name (sharded keys add "#s<n>").
type listed struct {
	res  *Resource
	base string
}

// shard is the shard suffix of an ID ("" when unsharded).
func (l *Listing) shard(id string) string {
	if l == nil || l.Shards <= 1 {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("#s%d", h.Sum32()%uint32(l.Shards))
}

// shards are every shard suffix.
func (l *Listing) shards() []string {
	if l == nil || l.Shards <= 1 {
		return []string{""}
	}
	out := make([]string, l.Shards)
	for i := range out {
		out[i] = fmt.Sprintf("#s%d", i)
	}
	return out
}

// Key is the key of the entity id in scope.
func (res *Resource) Key(scope []string, id string) store.Key {
	return store.Key{PK: res.PK(scope...) + res.List.shard(id), SK: id}
}

// Index and tally partitions of a base partition.
func eqPK(base, field, key string) string { return "Ix#" + base + "#e#" + field + "#" + key }
func sortPK(base, field string) string    { return "Ix#" + base + "#s#" + field }
func eqSortPK(base, pair, key string) string {
	return "Ix#" + base + "#o#" + pair + "#" + key
}
func termPK(base, word string) string {
	r := []rune(word)
	return "Ix#" + base + "#t#" + string(r[0])
}
func overPK(base, kind string) string { return "Ix#" + base + "#" + kind }
func tallyPK(base string) string      { return "Tally#" + base }

// indexItemKey is the key of the index item an entry names (ok false for
// entries with no item).
func indexItemKey(base, shard, id, entry string) (store.Key, bool) {
	parts := strings.Split(entry, sep)
	switch parts[0] {
	case entEqual:
		return store.Key{PK: eqPK(base, parts[1], parts[2]) + shard, SK: id}, true
	case entSort:
		return store.Key{PK: sortPK(base, parts[1]) + shard, SK: parts[2] + keySep + id}, true
	case entEqualSort:
		return store.Key{PK: eqSortPK(base, parts[1], parts[2]) + shard, SK: parts[3] + keySep + id}, true
	case entTerm:
		return store.Key{PK: termPK(base, parts[1]) + shard, SK: parts[1] + keySep + id}, true
	case entTermsOver, entXPOver, entXPTupleOver:
		return store.Key{PK: overPK(base, parts[0]) + shard, SK: id}, true
	}
	return store.Key{}, false
}

// tallyKey is the tally counting an entry's entities.
func tallyKey(base, shard, entry string) store.Key {
	if entry == entAll {
		return store.Key{PK: tallyPK(base) + shard, SK: entAll}
	}
	return store.Key{PK: tallyPK(base) + shard, SK: entry}
}

// indexEntries are the index entries of doc (a copy it may add derived
// fields to), and the row its equality and sort items carry.
func (res *Resource) indexEntries(doc api.Doc, stockTracked bool) ([]string, []byte) {
	res.derive(doc)
	l := res.List
	out := []string{entAll}
	for _, f := range l.Equal {
		out = append(out, equalEntries(doc, f)...)
	}
	if l.XP {
		xp := xpEntries(doc)
		out = append(out, xp...)
		if l.XPTuple != "" {
			out = append(out, xpTupleEntries(doc, l.XPTuple, xp)...)
		}
	}
	for _, f := range l.Sorted {
		out = append(out, entSort+sep+f+sep+res.orderKey(doc, f))
	}
	for _, pair := range l.EqualSorted {
		tuple, field, _ := strings.Cut(pair, ">")
		ok := res.orderKey(doc, field)
		for _, e := range equalEntries(doc, tuple) {
			if key, found := strings.CutPrefix(e, entEqual+sep+tuple+sep); found {
				out = append(out, entEqualSort+sep+pair+sep+key+sep+ok)
			}
		}
	}
	if l.Search {
		out = append(out, termEntries(res.searchFields(), doc)...)
	}
	row := res.row(doc, stockTracked)
	sum := sha256.Sum256(row)
	out = append(out, entRow+sep+hex.EncodeToString(sum[:8]))
	slices.Sort(out)
	return slices.Compact(out), row
}

// orderKey is the key a sorted field's value of doc sorts by.
func (res *Resource) orderKey(doc api.Doc, field string) string {
	v, _ := api.Get(doc, field)
	typ := ""
	if fd, ok := res.model.Field(field); ok {
		typ = fd.Type
	}
	return api.OrderKey(v, typ)
}

// equalEntries index a field (or "A+B" pair) of doc.
func equalEntries(doc api.Doc, field string) []string {
	parts := strings.Split(field, "+")
	combos := []string{""}
	for i, p := range parts {
		v, _ := api.Get(doc, p)
		keys := api.EqualKeys(v)
		var next []string
		for _, c := range combos {
			for _, k := range keys {
				if i > 0 {
					k = c + keySep + k
				}
				next = append(next, k)
			}
		}
		combos = next
	}
	var out []string
	for _, k := range combos {
		out = append(out, entEqual+sep+field+sep+k)
	}
	if len(parts) == 1 {
		if v, _ := api.Get(doc, field); isList(v) {
			out = append(out, entList+sep+field)
		}
	}
	return out
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// xpEntries index the scalar xp values of doc by lower-cased path: the
// first maxXPPaths paths (in sorted order) at most maxXPDepth deep. An xp
// holding more, deeper objects, or keys differing only by case is also
// listed in the xp overflow partition.
func xpEntries(doc api.Doc) []string {
	xp, _ := doc["xp"].(map[string]any)
	var out []string
	paths, over := 0, false
	var walk func(m map[string]any, prefix string, depth int)
	walk = func(m map[string]any, prefix string, depth int) {
		keys := make([]string, 0, len(m))
		seen := map[string]bool{}
		for k := range m {
			keys = append(keys, k)
			if seen[strings.ToLower(k)] {
				over = true
			}
			seen[strings.ToLower(k)] = true
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := prefix + "." + strings.ToLower(k)
			v := m[k]
			if sub, ok := v.(map[string]any); ok {
				if depth == maxXPDepth {
					over = over || len(sub) > 0
					continue
				}
				walk(sub, path, depth+1)
				continue
			}
			keys := api.EqualKeys(v)
			if len(keys) == 0 {
				continue
			}
			if paths == maxXPPaths {
				over = true
				continue
			}
			paths++
			for _, key := range keys {
				out = append(out, entEqual+sep+path+sep+key)
			}
			if isList(v) {
				out = append(out, entList+sep+path)
			}
		}
	}
	walk(xp, "xp", 1)
	if over {
		out = append(out, entXPOver)
	}
	return out
}

// xpTupleEntries index each xp value of doc (its xp entries) under each
// combination of the tuple's keys: e␟tuple+path␟combination␟value. More
// than maxXPTuple of them put the entity in the tuple's overflow partition
// instead: a product in many catalogs and categories with a large xp would
// otherwise rewrite hundreds of index items at each change.
func xpTupleEntries(doc api.Doc, tuple string, xp []string) []string {
	var combos []string
	for _, e := range equalEntries(doc, tuple) {
		if k, ok := strings.CutPrefix(e, entEqual+sep+tuple+sep); ok {
			combos = append(combos, k)
		}
	}
	var out []string
	for _, x := range xp {
		parts := strings.Split(x, sep)
		if parts[0] != entEqual {
			continue
		}
		for _, c := range combos {
			out = append(out, entEqual+sep+tuple+"+"+parts[1]+sep+c+keySep+parts[2])
		}
	}
	if len(out) > maxXPTuple {
		return []string{entXPTupleOver}
	}
	return out
}

// searchFields are the model's searchable fields, highest priority first
// (the default searchOn); a word's mask marks them by position.
func (res *Resource) searchFields() []string {
	lq, _ := api.ParseList(nil, api.ListSpec{Model: res.model})
	return lq.SearchOn
}

// termEntries index the words of the searchable fields: each distinct word
// (cut to maxTermLen) with a mask of the fields holding it, the first
// maxTerms words in field priority order. Longer texts put the entity in
// the words overflow partition.
func termEntries(fields []string, doc api.Doc) []string {
	masks := map[string]uint64{}
	var order []string
	over := false
	for i, f := range fields {
		v, ok := api.Get(doc, f)
		if !ok || v == nil {
			continue
		}
		for _, w := range api.Tokens(api.Text(v)) {
			if len(w) > maxTermLen {
				over = true
				continue
			}
			if _, seen := masks[w]; !seen {
				if len(order) == maxTerms {
					over = true
					continue
				}
				order = append(order, w)
			}
			masks[w] |= 1 << i
		}
	}
	out := make([]string, 0, len(order)+1)
	for _, w := range order {
		out = append(out, fmt.Sprintf("%s%s%s%s%x", entTerm, sep, w, sep, masks[w]))
	}
	if over {
		out = append(out, entTermsOver)
	}
	return out
}

// row is the compact copy of doc the equality and sort items carry: its
// fields but long texts, large xp and what the store keeps apart (stock,
// counts) or Present computes; "_o" lists the fields left out, whose
// filters need the document.
func (res *Resource) row(doc api.Doc, stockTracked bool) []byte {
	r := map[string]any{}
	omitted := slices.Clone(res.counted)
	omitted = append(omitted, res.List.Computed...)
	for k, v := range doc {
		switch {
		case strings.HasPrefix(k, "_") && !res.List.equalField(k):
			continue // internal, unless an index reads it
		case k == "Inventory" && stockTracked:
			omitted = append(omitted, k)
			continue
		case k == "xp":
			if b, _ := json.Marshal(v); len(b) > maxRowXP {
				omitted = append(omitted, k)
				continue
			}
		}
		if s, ok := v.(string); ok && len(s) > maxRowText {
			omitted = append(omitted, k)
			continue
		}
		r[k] = v
	}
	for {
		b, _ := json.Marshal(r)
		if len(b) <= maxRowBytes {
			break
		}
		// Leave out the largest field until the row fits.
		big, size := "", 0
		for k, v := range r {
			if k == "ID" {
				continue
			}
			if vb, _ := json.Marshal(v); len(vb) > size {
				big, size = k, len(vb)
			}
		}
		delete(r, big)
		omitted = append(omitted, big)
	}
	if len(omitted) > 0 {
		slices.Sort(omitted)
		r[rowOmitted] = slices.Compact(omitted)
	}
	b, _ := json.Marshal(r)
	return b
}

// equalField reports whether a field has an equality index, alone or in a
// pair.
func (l *Listing) equalField(field string) bool {
	for _, e := range l.Equal {
		for _, part := range strings.Split(e, "+") {
			if part == field {
				return true
			}
		}
	}
	return false
}

// rowOmitted is the row's list of fields left out.
const rowOmitted = "_o"

// rowHas reports whether a row holds the field a path starts with.
func rowHas(row api.Doc, path string) bool {
	head, _, _ := strings.Cut(path, ".")
	list, _ := row[rowOmitted].([]any)
	for _, o := range list {
		if s, _ := o.(string); strings.EqualFold(s, head) {
			return false
		}
	}
	return true
}
