package commerce

import (
	"testing"
	"time"
)

func TestNextOrderDate(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		due      string
		freq     int
		interval string
		want     string
	}{
		{"2024-01-10T09:00:00Z", 1, IntervalDays, "2024-01-11T09:00:00Z"},
		{"2024-01-10T09:00:00Z", 3, IntervalDays, "2024-01-13T09:00:00Z"},
		{"2024-01-10T09:00:00Z", 2, IntervalWeeks, "2024-01-24T09:00:00Z"},
		{"2024-01-31T09:00:00Z", 1, IntervalMonths, "2024-02-29T09:00:00Z"},
		{"2023-01-31T09:00:00Z", 1, IntervalMonths, "2023-02-28T09:00:00Z"},
		{"2024-11-15T00:00:00Z", 3, IntervalMonths, "2025-02-15T00:00:00Z"},
	}
	for _, c := range cases {
		got, err := NextOrderDate(at(c.due), c.freq, c.interval)
		if err != nil || !got.Equal(at(c.want)) {
			t.Errorf("NextOrderDate(%s, %d, %s) = %s, %v; want %s", c.due, c.freq, c.interval, got, err, c.want)
		}
	}
	if _, err := NextOrderDate(at("2024-01-10T09:00:00Z"), 0, IntervalDays); err == nil {
		t.Error("frequency 0 accepted")
	}
	if _, err := NextOrderDate(at("2024-01-10T09:00:00Z"), 1, "Years"); err == nil {
		t.Error("unknown interval accepted")
	}
}

func TestSubscriptionEnded(t *testing.T) {
	end := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	if SubscriptionEnded(end.Add(-time.Hour), &end) || !SubscriptionEnded(end.Add(time.Hour), &end) || SubscriptionEnded(end, nil) {
		t.Error("SubscriptionEnded")
	}
}
