package commerce

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestReturnEligible(t *testing.T) {
	for _, c := range []struct {
		status             string
		qty, shipped, want int
	}{{Open, 4, 0, 0}, {Open, 4, 3, 3}, {Completed, 4, 0, 4}, {Completed, 4, 4, 4}} {
		if got := ReturnEligible(c.status, c.qty, c.shipped); got != c.want {
			t.Errorf("%s %d/%d: %d, want %d", c.status, c.shipped, c.qty, got, c.want)
		}
	}
}

func TestReturnLineAndItemRefund(t *testing.T) {
	// The calculations article's line X003: 100 of 170 in lines, a 20
	// order-level promotion shared by the eligible lines (here all), tax.
	full := ReturnLine(d("100"), d("100"), d("0"), d("7.53"))
	if !full.Equal(d("107.53")) {
		t.Fatalf("full refund %s", full)
	}
	first := ItemRefund(full, 2, 1, 0, decimal.Zero)
	second := ItemRefund(full, 2, 1, 1, first)
	if !first.Equal(d("53.77")) || !second.Equal(d("53.76")) || !first.Add(second).Equal(full) {
		t.Errorf("halves %s + %s of %s", first, second, full)
	}
	if got := ItemRefund(full, 2, 0, 0, decimal.Zero); !got.IsZero() {
		t.Errorf("no units refund %s", got)
	}
	shared := ReturnLine(d("60"), d("160"), d("20"), d("16"))
	if !shared.Equal(d("58.5")) { // 60 - 20*0.375 + 16*0.375
		t.Errorf("shared refund %s", shared)
	}
	if got := ReturnLine(d("5"), d("10"), d("100"), d("0")); !got.IsZero() {
		t.Errorf("a refund never goes below zero: %s", got)
	}
}

func TestReturnTransitions(t *testing.T) {
	if CheckReturnCancel(Unsubmitted, true) != ErrReturnCancelUnsubmitted || CheckReturnCancel(Open, false) != nil ||
		CheckReturnCancel(Completed, false) != ErrReturnNotAuthorized || CheckReturnCancel(Completed, true) != nil ||
		CheckReturnCancel(Declined, true) != ErrReturnCancelBadStatus {
		t.Error("cancel rules")
	}
	ten := d("10")
	neg := d("-1")
	if CheckReturnComplete(Open, &ten) != nil || CheckReturnComplete(Open, nil) != ErrReturnCompleteAmount ||
		CheckReturnComplete(Open, &neg) != ErrReturnCompleteAmount || CheckReturnComplete(AwaitingApproval, &ten) != ErrReturnCompleteBadStatus {
		t.Error("complete rules")
	}
	if !ReturnEditable(Unsubmitted, false) || ReturnEditable(Open, false) || !ReturnEditable(Open, true) || ReturnEditable(Completed, true) {
		t.Error("edit rules")
	}
	if LiveReturn(Canceled) || LiveReturn(Declined) || !LiveReturn(Completed) {
		t.Error("live returns")
	}
}
