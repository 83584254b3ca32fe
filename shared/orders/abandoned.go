package orders

import (
	"context"
	"errors"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// CleanupExpired cleans up after an abandoned order DynamoDB's time to
// live deleted (see expiresAt); gone is the order's item as the stream's
// REMOVE record holds it. It deletes what an order delete would have
// deleted in the order's transaction — its line items (with their index
// items and counts), its cart index entry, its payments (spending accounts
// get back what they drew) — then forgets the order's own index entries
// and counts (resource.Registry.Forget). Each step finds nothing left to
// do when a record is delivered again. An order since created again under
// the ID keeps its lines.
func (s *Service) CleanupExpired(ctx context.Context, gone store.Item) error {
	c := s.reg.Context(ctx, nil)
	doc, err := resource.DecodeItem(gone)
	if err != nil {
		return err
	}
	id := api.Str(doc, "ID")
	err = resource.RetryDo(c, func() error {
		if _, err := c.Deps.Store.Get(c, store.Key{PK: gone.PK, SK: gone.SK}); err == nil {
			return nil // created again: its lines are its own
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		tx := &resource.Tx{}
		s.leaveCart(tx, doc)
		if err := tx.DeleteFound(c, store.Query{PK: s.LineItems.PK(id)}); err != nil {
			return err
		}
		if err := s.releasePayments(c, doc, tx); err != nil {
			return err
		}
		return tx.Commit(c)
	})
	if err != nil {
		return err
	}
	return resource.RetryDo(c, func() error { return c.Reg.Forget(c, gone) })
}
