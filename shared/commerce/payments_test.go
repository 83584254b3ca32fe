package commerce

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func TestCheckPaymentKind(t *testing.T) {
	cases := []struct {
		typ, card, account string
		want               error
	}{
		{CreditCard, "card", "", nil},
		{CreditCard, "", "", nil},
		{PurchaseOrder, "card", "", ErrCannotSetCreditCard},
		{CreditCard, "", "acct", ErrCannotSetSpendingAccount},
		{"", "", "acct", ErrCannotSetSpendingAccount},
		{SpendingAccount, "", "", ErrSpendingAccountIDMissing},
		{SpendingAccount, "", "acct", nil},
		{PurchaseOrder, "", "", nil},
	}
	for _, c := range cases {
		if got := CheckPaymentKind(c.typ, c.card, c.account); got != c.want {
			t.Errorf("CheckPaymentKind(%q, %q, %q) = %v, want %v", c.typ, c.card, c.account, got, c.want)
		}
	}
}

func TestCheckAmount(t *testing.T) {
	if CheckAmount(nil) != nil || CheckAmount(dec("0.01")) != nil {
		t.Error("null and positive amounts are refused")
	}
	if CheckAmount(dec("0")) != ErrAmountNotPositive || CheckAmount(dec("-1")) != ErrAmountNotPositive {
		t.Error("zero or negative amounts are accepted")
	}
}

func TestFullyPaidAndLeftToPay(t *testing.T) {
	total := decimal.RequireFromString("0.3")
	if FullyPaid(total, nil) {
		t.Error("an order without payments is fully paid")
	}
	if !FullyPaid(total, []*decimal.Decimal{nil}) {
		t.Error("a payment without an amount does not cover the rest")
	}
	// 0.1 + 0.2 is exactly 0.3.
	if !FullyPaid(total, []*decimal.Decimal{dec("0.1"), dec("0.2")}) {
		t.Error("0.1 + 0.2 does not pay 0.3")
	}
	if FullyPaid(total, []*decimal.Decimal{dec("0.1")}) {
		t.Error("0.1 pays 0.3")
	}
	if got := LeftToPay(total, []*decimal.Decimal{dec("0.1"), nil}); !got.Equal(decimal.RequireFromString("0.2")) {
		t.Errorf("left to pay %s, want 0.2", got)
	}
	// A zero total with no payment yet takes one.
	if FullyPaid(decimal.Zero, nil) {
		t.Error("an empty order is fully paid before any payment")
	}
}

func TestDraw(t *testing.T) {
	left, err := Draw(decimal.RequireFromString("0.3"), decimal.RequireFromString("0.1"), false)
	if err != nil || !left.Equal(decimal.RequireFromString("0.2")) {
		t.Errorf("0.3 - 0.1 = %s, %v", left, err)
	}
	if left, err := Draw(decimal.RequireFromString("0.3"), decimal.RequireFromString("0.3"), false); err != nil || !left.IsZero() {
		t.Errorf("drawing the whole balance: %s, %v", left, err)
	}
	if _, err := Draw(decimal.RequireFromString("0.3"), decimal.RequireFromString("0.31"), false); err != ErrExceedsBalance {
		t.Errorf("overdraw: %v", err)
	}
	if left, err := Draw(decimal.RequireFromString("1"), decimal.RequireFromString("3"), true); err != nil || !left.Equal(decimal.RequireFromString("-2")) {
		t.Errorf("overdraft allowed: %s, %v", left, err)
	}
	// Giving back never fails, even on an overdrawn account.
	if left, err := Draw(decimal.RequireFromString("-2"), decimal.RequireFromString("-1"), false); err != nil || !left.Equal(decimal.RequireFromString("-1")) {
		t.Errorf("refund to an overdrawn account: %s, %v", left, err)
	}
}

func TestUsableAt(t *testing.T) {
	now := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	if !UsableAt(nil, nil, now) || !UsableAt(&before, &after, now) || !UsableAt(&now, nil, now) {
		t.Error("an open account is unusable")
	}
	if UsableAt(nil, &before, now) || UsableAt(&after, nil, now) || UsableAt(nil, &now, now) {
		t.Error("an ended or not yet started account is usable")
	}
}

func TestAllAccepted(t *testing.T) {
	if !AllAccepted(nil) || !AllAccepted([]bool{true, true}) || AllAccepted([]bool{true, false}) {
		t.Error("AllAccepted")
	}
}
