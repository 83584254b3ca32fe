package app

import (
	"context"
	"errors"

	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// UpgradeReport counts what an upgrade changed.
type UpgradeReport struct {
	Scanned     int // items read (each pass)
	Generations int // catalogs and categories given a generation
	Indexed     int // listed entities given their list indexes and counted
	Moved       int // orders moved to their shard
	Reindexed   int // assignments given their index keys
	Memberships int // products whose membership was rebuilt
	Extras      int // items other parts keep for an entity (cart index entries, company ID reservations)
}

// Upgrade brings a table written by an earlier version up to this one, so
// a deployed stack can take the new version without losing its data. It
// scans the table — an offline tool, never a request — in three passes:
//
//  1. catalogs and categories get a generation (membership keys use it);
//  2. entities of listed collections get their index items and tallies,
//     orders move to their shards, assignments get their index keys, and
//     the upgrade hooks of other parts run (unsubmitted orders join their
//     user's cart index);
//  3. each product gets its membership (catalogs, categories, product
//     assignments) from the assignments naming it.
//
// Every step is idempotent: running it again changes nothing, and an
// interrupted run can simply run again. Writes go through the same
// transactions as requests, so a request running meanwhile is safe.
func (a *App) Upgrade(ctx context.Context, progress func(pass int, r UpgradeReport)) (UpgradeReport, error) {
	var rep UpgradeReport
	sc, ok := a.deps.Store.(store.Scanner)
	if !ok {
		return rep, errors.New("upgrade: the store cannot scan")
	}
	c := a.reg.Context(ctx, nil)
	pass := func(n int, each func(it store.Item) error) error {
		err := sc.Scan(ctx, func(page []store.Item) error {
			for _, it := range page {
				rep.Scanned++
				if err := resource.RetryDo(ctx, func() error { return each(it) }); err != nil {
					return err
				}
			}
			if progress != nil {
				progress(n, rep)
			}
			return nil
		})
		return err
	}
	if err := pass(1, func(it store.Item) error {
		wrote, err := a.catalog.StampGeneration(c, it)
		if wrote {
			rep.Generations++
		}
		return err
	}); err != nil {
		return rep, err
	}
	if err := pass(2, func(it store.Item) error {
		// The scan's copy may be older than the item (pass 1 wrote it):
		// read it again.
		fresh, err := a.deps.Store.Get(ctx, store.Key{PK: it.PK, SK: it.SK})
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		did, err := a.reg.UpgradeItem(c, fresh)
		switch did {
		case resource.Indexed:
			rep.Indexed++
		case resource.Moved:
			rep.Moved++
		case resource.Reindexed:
			rep.Reindexed++
		}
		if err != nil {
			return err
		}
		n, err := a.reg.UpgradeExtras(c, fresh)
		rep.Extras += n
		return err
	}); err != nil {
		return rep, err
	}
	byProduct := map[string]*catalog.Membership{}
	if err := pass(3, func(it store.Item) error { return a.catalog.Add(byProduct, it) }); err != nil {
		return rep, err
	}
	for id, m := range byProduct {
		err := resource.RetryDo(ctx, func() error {
			wrote, err := a.catalog.RebuildMembership(a.reg.Context(ctx, nil), id, *m)
			if wrote {
				rep.Memberships++
			}
			return err
		})
		if err != nil {
			return rep, err
		}
	}
	if progress != nil {
		progress(4, rep)
	}
	return rep, nil
}
