package commerce

import "time"

// Abandoned unsubmitted orders go, as OrderCloud's cleanup policy says:
// one without line items a day after its last change, an anonymous
// shopper's a week after, any other after 90 days. Submitted orders stay.
const (
	EmptyOrderLife     = 24 * time.Hour
	AnonymousOrderLife = 7 * 24 * time.Hour
	ProfiledOrderLife  = 90 * 24 * time.Hour
)

// AbandonedAt is when an order abandoned since lastChange goes, and false
// for an order that never does (any status but Unsubmitted).
func AbandonedAt(status string, lineItems int, anonymous bool, lastChange time.Time) (time.Time, bool) {
	if status != Unsubmitted {
		return time.Time{}, false
	}
	switch {
	case lineItems == 0:
		return lastChange.Add(EmptyOrderLife), true
	case anonymous:
		return lastChange.Add(AnonymousOrderLife), true
	}
	return lastChange.Add(ProfiledOrderLife), true
}
