package orders

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// One holder per key at a time; other keys do not wait; a cancelled
// waiter leaves; the queue forgets idle keys.
func TestTurns(t *testing.T) {
	var tr turns
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := tr.take(context.Background(), "o1")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders at once", most.Load())
	}
	release, _ := tr.take(context.Background(), "o1")
	other, err := tr.take(context.Background(), "o2")
	if err != nil {
		t.Fatal(err)
	}
	other()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := tr.take(ctx, "o1"); err == nil {
		t.Fatal("a waiter got a held turn")
	}
	release()
	if len(tr.queue) != 0 {
		t.Fatalf("idle keys kept: %v", tr.queue)
	}
}
