package resource

import (
	"errors"
	"strconv"
	"time"

	"github.com/ordercloud-serverless/occ/shared/store"
)

// Entities DynamoDB deletes on its own (their time to live passed) leave
// behind what their writes kept beside them: list-index items and their
// place in tallies. The stream's REMOVE record carries the item as it was;
// Forget undoes its index entries from it, once.

// forgottenKind is the Type of the markers Forget leaves.
const forgottenKind = "Forgotten"

// forgottenLife is how long a marker outlives the removal: well past the
// stream's 24 hours of redelivery.
const forgottenLife = 7 * 24 * time.Hour

// Forget removes the list-index items of an entity DynamoDB deleted (gone,
// the stream's old image, with its Index entries) and takes it out of its
// tallies. A marker put if absent in the tallies' transaction makes a
// redelivered record change nothing; deleting index items is idempotent on
// its own. Items of an entity since created again under the key are kept.
func (r *Registry) Forget(c *Ctx, gone store.Item) error {
	res, base := r.listedOf(gone.PK)
	marker := store.Item{PK: forgottenKind + "#" + gone.PK, SK: gone.SK + "#" + strconv.FormatInt(gone.Version, 10),
		Type: forgottenKind, ID: gone.ID, Doc: []byte("{}"), Expires: time.Now().Add(forgottenLife).Unix()}
	final := []store.Op{{Put: &marker, Cond: store.IfAbsent}}
	var deletes []store.Op
	if res != nil && len(gone.Index) > 0 {
		keep := map[store.Key]bool{}
		shard := res.List.shard(gone.SK)
		if now, err := c.Deps.Store.Get(c, store.Key{PK: gone.PK, SK: gone.SK}); err == nil {
			for _, e := range now.Index {
				if k, ok := indexItemKey(base, shard, gone.SK, e); ok {
					keep[k] = true
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		g := opGroup{tallies: map[store.Key]int64{}}
		indexChanges(&g, res.List, base, shard, gone.SK, gone.Index, nil, nil)
		for _, op := range g.ops {
			if op.Delete != nil && !keep[*op.Delete] {
				deletes = append(deletes, op)
			}
		}
		for _, k := range sortedKeys(g.tallies) {
			k := k
			final = append(final, store.Op{Tally: &k, Amount: g.tallies[k]})
		}
	}
	for start := 0; start < len(deletes); start += maxTxOps {
		if err := c.Deps.Store.Transact(c, deletes[start:min(start+maxTxOps, len(deletes))]); err != nil {
			return err
		}
	}
	err := c.Deps.Store.Transact(c, final[:min(len(final), maxTxOps)])
	var ce *store.ConflictError
	if errors.As(err, &ce) && ce.Index == 0 {
		return nil // forgotten already: a redelivered record
	}
	return err
}
