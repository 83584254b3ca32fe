package orders

import (
	"context"
	"sync"
)

// turns lets the requests of one process that change the same order take
// turns instead of racing: with optimistic writes alone, n concurrent line
// item changes of one order cost about n² attempts (every loser re-reads
// and re-prices), so a burst of parallel adds can outrun the retry budget.
// Waiting here, each runs once and almost always wins. Requests served by
// other processes (other Lambda instances) still meet at the order's
// versioned write and retry, so correctness never depends on this.
type turns struct {
	mu    sync.Mutex
	queue map[string]*turn
}

type turn struct {
	ch      chan struct{} // holds one token: whose turn it is
	waiters int
}

// take waits for key's turn (or ctx's end) and returns the release.
func (t *turns) take(ctx context.Context, key string) (func(), error) {
	t.mu.Lock()
	if t.queue == nil {
		t.queue = map[string]*turn{}
	}
	q := t.queue[key]
	if q == nil {
		q = &turn{ch: make(chan struct{}, 1)}
		q.ch <- struct{}{}
		t.queue[key] = q
	}
	q.waiters++
	t.mu.Unlock()
	leave := func() {
		t.mu.Lock()
		if q.waiters--; q.waiters == 0 {
			delete(t.queue, key)
		}
		t.mu.Unlock()
	}
	select {
	case <-q.ch:
		return func() { q.ch <- struct{}{}; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
