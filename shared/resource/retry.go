package resource

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Optimistic concurrency: every read-modify-write writes with a condition
// on what it read (the item's version, or its absence), so when two
// requests change one object at once, one of them loses with a
// store.ErrConflict that no op gave a meaning to. Retry runs such an
// attempt again from the start, re-reading everything; each operation is
// one attempt (the registry retries whole handlers), so handlers read,
// decide and write in one transaction and never hand-roll retry loops.
// Conditions with a meaning (an ID already taken, stock running out) are
// answered with their own errors and never retried.
const (
	// retryBudget stays inside API Gateway's 29 s with room for the
	// request's own work: a burst of writers to one object must all land
	// even when each attempt is slow (a loaded table, a large
	// transaction), since every round of a race lands only one of them.
	retryBudget    = 20 * time.Second
	retryBaseDelay = 5 * time.Millisecond
	retryMaxDelay  = 200 * time.Millisecond
	// retryMaxWindow bounds the window that grows with slow attempts.
	retryMaxWindow = 2 * time.Second
)

// Retry runs attempt until it does not fail with a bare conflict, backing
// off with jitter, for up to retryBudget; then it answers 409 Conflict.
func Retry[T any](ctx context.Context, attempt func() (T, error)) (T, error) {
	return retry(ctx, retryBudget, attempt)
}

// RetryFor is RetryDo with its own budget, for writes that contend for one
// hot item by design (an order's line items).
func RetryFor(ctx context.Context, budget time.Duration, attempt func() error) error {
	_, err := retry(ctx, budget, func() (struct{}, error) { return struct{}{}, attempt() })
	return err
}

func retry[T any](ctx context.Context, retryBudget time.Duration, attempt func() (T, error)) (T, error) {
	start := time.Now()
	delay := retryBaseDelay
	for {
		began := time.Now()
		out, err := attempt()
		took := time.Since(began)
		if !errors.Is(err, store.ErrConflict) {
			return out, err
		}
		var ae *api.Error
		if errors.As(err, &ae) {
			return out, err // a conflict with a meaning of its own
		}
		if time.Since(start)+delay > retryBudget {
			var zero T
			return zero, api.Conflict()
		}
		// Full jitter spreads the writers that lost the same race.
		select {
		case <-time.After(time.Duration(rand.Int64N(int64(delay))) + time.Millisecond):
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		delay = nextRetryWindow(delay, took)
	}
}

// nextRetryWindow is the jitter window after a lost attempt that took
// took. Losers that start again together collide again, and colliding
// transactions slow each other (DynamoDB Local's transactions under
// contention take ten times as long): the window doubles up to a cap that
// grows with how long one attempt takes, so that a slow attempt mostly
// runs alone.
func nextRetryWindow(delay, took time.Duration) time.Duration {
	return min(delay*2, max(retryMaxDelay, min(4*took, retryMaxWindow)))
}

// RetryDo is Retry for attempts with no result.
func RetryDo(ctx context.Context, attempt func() error) error {
	_, err := Retry(ctx, func() (struct{}, error) { return struct{}{}, attempt() })
	return err
}
