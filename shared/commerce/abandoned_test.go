package commerce

import (
	"testing"
	"time"
)

func TestAbandonedAt(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status string
		lines  int
		anon   bool
		want   time.Duration
		goes   bool
	}{
		{Unsubmitted, 0, false, 24 * time.Hour, true},
		{Unsubmitted, 0, true, 24 * time.Hour, true},
		{Unsubmitted, 2, true, 7 * 24 * time.Hour, true},
		{Unsubmitted, 2, false, 90 * 24 * time.Hour, true},
		{Open, 0, false, 0, false},
		{AwaitingApproval, 1, false, 0, false},
		{Declined, 1, false, 0, false},
		{Completed, 1, true, 0, false},
		{Canceled, 0, false, 0, false},
	} {
		at, goes := AbandonedAt(tc.status, tc.lines, tc.anon, t0)
		if goes != tc.goes || (goes && !at.Equal(t0.Add(tc.want))) {
			t.Errorf("%s lines=%d anon=%v: %v %v, want +%v %v", tc.status, tc.lines, tc.anon, at, goes, tc.want, tc.goes)
		}
	}
}
