package resource

import (
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Upgrading a table written by an earlier version (see app.Upgrade): each
// item is brought to what this version writes, idempotently, so the
// upgrade can run again (or be interrupted and resumed) without counting
// anything twice.

// Upgrade outcomes of one item.
const (
	Unchanged = ""
	Indexed   = "indexed"   // a listed entity given its index entries and counted
	Moved     = "moved"     // an entity moved to its shard
	Reindexed = "reindexed" // an assignment given its index keys
)

// UpgradeItem brings one scanned item up to date: an entity of a listed
// collection written before its listing (no index entries), or before an
// index its listing now declares, is written again through a Tx, which
// adds the index items it lacks and counts it; one of a
// sharded collection still under the unsharded partition moves to its
// shard; an assignment missing the index keys of its IndexBy fields is
// written again with them.
func (r *Registry) UpgradeItem(c *Ctx, it store.Item) (string, error) {
	if strings.HasPrefix(it.PK, "Asg#") {
		return r.upgradeAssignment(c, it)
	}
	kind, rest, _ := strings.Cut(it.PK, "#")
	res := r.listedKinds[kind]
	if res == nil || it.Type != res.kind() {
		return Unchanged, nil
	}
	if res.List.Shards > 1 && !strings.Contains(it.PK, "#s") {
		doc, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return Unchanged, err
		}
		var scope []string
		if rest != "" {
			scope = strings.Split(rest, "#")
		}
		moved := res.Item(scope, doc, 0)
		moved.Stock, moved.Counts = it.Stock, it.Counts
		tx := &Tx{}
		tx.Add(store.Op{Delete: &store.Key{PK: it.PK, SK: it.SK}, Cond: store.IfVersion, Version: it.Version})
		tx.Put(moved, store.IfAbsent)
		return Moved, tx.Commit(c)
	}
	if len(it.Index) > 0 {
		// Indexed already: unchanged unless the declaration now asks for
		// entries it lacks (an index tuple a later version added).
		doc, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return Unchanged, err
		}
		if want, _ := res.indexEntries(doc, it.Stock != nil); slices.Equal(want, it.Index) {
			return Unchanged, nil
		}
	}
	tx := &Tx{}
	tx.Knows(it)
	tx.Put(it, store.IfVersion)
	return Indexed, tx.Commit(c)
}

func (r *Registry) upgradeAssignment(c *Ctx, it store.Item) (string, error) {
	a := r.AssignmentKind(it.Type)
	if a == nil || len(a.IndexBy) == 0 {
		return Unchanged, nil
	}
	doc, err := api.DecodeDoc(it.Doc)
	if err != nil {
		return Unchanged, err
	}
	want := a.Item(doc, a.scopeOf(it.PK)...)
	if want.PK != it.PK || want.SK != it.SK || (want.GSI1PK == it.GSI1PK && want.GSI2PK == it.GSI2PK) {
		return Unchanged, nil
	}
	want.Version = it.Version
	_, err = c.Deps.Store.Put(c, want, store.IfVersion)
	return Reindexed, err
}

// An UpgradeHook brings up to date, for a scanned item, what another part
// of the API keeps of it (an unsubmitted order's cart index entry),
// idempotently; it reports whether it wrote.
type UpgradeHook func(c *Ctx, it store.Item) (bool, error)

// AlsoUpgrade adds an upgrade hook (run by UpgradeExtras).
func (r *Registry) AlsoUpgrade(h UpgradeHook) { r.upgradeHooks = append(r.upgradeHooks, h) }

// UpgradeExtras runs the upgrade hooks on a scanned item and counts those
// that wrote.
func (r *Registry) UpgradeExtras(c *Ctx, it store.Item) (int, error) {
	n := 0
	for _, h := range r.upgradeHooks {
		wrote, err := h(c, it)
		if err != nil {
			return n, err
		}
		if wrote {
			n++
		}
	}
	return n, nil
}

// AssignmentScope is the scope an assignment item lives in (its catalog,
// for a category-product assignment).
func (a *Assignment) AssignmentScope(pk string) []string { return a.scopeOf(pk) }
