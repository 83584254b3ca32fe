package commerce

import (
	"fmt"
	"time"
)

// Subscription intervals: a subscription orders once every Frequency of
// them.
const (
	IntervalDays   = "Days"
	IntervalWeeks  = "Weeks"
	IntervalMonths = "Months"
)

// ErrFrequency refuses a subscription that would never come round again.
var ErrFrequency = fmt.Errorf("subscription frequency must be at least 1")

// NextOrderDate is the order date that follows due for a subscription
// ordering once every frequency intervals. Months keep the day of the
// month where the month has it and take its last day where it does not
// (Jan 31 → Feb 28 → Mar 28), so a schedule never skips a month; it steps
// from the due date, not from when the order was made, so a late run does
// not shift the schedule.
func NextOrderDate(due time.Time, frequency int, interval string) (time.Time, error) {
	if frequency < 1 {
		return time.Time{}, ErrFrequency
	}
	switch interval {
	case IntervalDays:
		return due.AddDate(0, 0, frequency), nil
	case IntervalWeeks:
		return due.AddDate(0, 0, 7*frequency), nil
	case IntervalMonths:
		return addMonths(due, frequency), nil
	}
	return time.Time{}, fmt.Errorf("unknown subscription interval %q", interval)
}

// addMonths adds n months, clamping the day to the target month's last.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// SubscriptionEnded reports whether an order date falls after the
// subscription's end (a nil end never comes).
func SubscriptionEnded(next time.Time, end *time.Time) bool {
	return end != nil && next.After(*end)
}
