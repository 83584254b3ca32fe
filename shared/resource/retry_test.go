package resource

import (
	"context"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/store"
)

func TestRetryWindowGrowsWithSlowAttempts(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct{ delay, took, want time.Duration }{
		{5 * ms, 1 * ms, 10 * ms},                     // doubles
		{160 * ms, 10 * ms, retryMaxDelay},            // fast attempts: the fixed cap
		{400 * ms, 300 * ms, 800 * ms},                // slow attempts widen the cap
		{1600 * ms, 5 * time.Second, 2 * time.Second}, // never past retryMaxWindow
	} {
		if got := nextRetryWindow(c.delay, c.took); got != c.want {
			t.Errorf("nextRetryWindow(%v, %v) = %v, want %v", c.delay, c.took, got, c.want)
		}
	}
}

func TestRetryRunsAgainOnBareConflicts(t *testing.T) {
	n := 0
	got, err := Retry(context.Background(), func() (int, error) {
		if n++; n < 4 {
			return 0, &store.ConflictError{Index: 0}
		}
		return n, nil
	})
	if err != nil || got != 4 {
		t.Fatalf("Retry = %d, %v; want 4 attempts then success", got, err)
	}
}
