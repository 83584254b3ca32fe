package commerce

import (
	"time"

	"github.com/shopspring/decimal"
)

// Payment types.
const (
	PurchaseOrder   = "PurchaseOrder"
	CreditCard      = "CreditCard"
	SpendingAccount = "SpendingAccount"
)

// Payment refusals, named by the contract's codes.
var (
	ErrAlreadyPaid              = Refusal("Payment.AlreadyPaid")
	ErrPaymentOnCanceled        = Refusal("Payment.CannotEditCancelled")
	ErrCannotSetCreditCard      = Refusal("Payment.CannotSetCreditCard")
	ErrCannotSetSpendingAccount = Refusal("Payment.CannotSetSpendingAccount")
	ErrSpendingAccountIDMissing = Refusal("Payment.SpendingAccountIdMissing")
	ErrAmountNotPositive        = Refusal("Payment.AmountGreaterThanZero")
	ErrExceedsBalance           = Refusal("Payment.ExceedsBalance")
	ErrExpiredSpendingAccount   = Refusal("Payment.CannotUseExpiredSpendingAccount")
	ErrInvalidSpendingAccount   = Refusal("Payment.InvalidSpendingAccountID")
	ErrCannotPatchProperty      = Refusal("Payment.CannotPatchProperty")
	ErrSpendingAccountUsed      = Refusal("Payment.CannotDeleteSpendingAccount")
	// ErrUnacceptedPayments refuses to submit an order while one of its
	// payments is not Accepted (the contract's code has the extra "c").
	ErrUnacceptedPayments = Refusal("Order.CannotSubmitWithUnaccceptedPayments")
)

// CheckPaymentKind checks that a payment names the account its type uses
// and no other: a credit card only on a CreditCard payment, a spending
// account only on (and always on) a SpendingAccount payment.
func CheckPaymentKind(typ, creditCardID, spendingAccountID string) error {
	switch {
	case creditCardID != "" && typ != CreditCard:
		return ErrCannotSetCreditCard
	case spendingAccountID != "" && typ != SpendingAccount:
		return ErrCannotSetSpendingAccount
	case typ == SpendingAccount && spendingAccountID == "":
		return ErrSpendingAccountIDMissing
	}
	return nil
}

// CheckAmount refuses a written payment amount that is not above zero; a
// null amount (nil) stands for whatever is left to pay.
func CheckAmount(amount *decimal.Decimal) error {
	if amount != nil && !amount.IsPositive() {
		return ErrAmountNotPositive
	}
	return nil
}

// Paid sums an order's payment amounts; open reports a payment without an
// amount, which covers whatever the others leave.
func Paid(amounts []*decimal.Decimal) (sum decimal.Decimal, open bool) {
	for _, a := range amounts {
		if a == nil {
			open = true
			continue
		}
		sum = sum.Add(*a)
	}
	return sum, open
}

// FullyPaid reports whether an order's payments already cover its total,
// so that no further payment may be created: one of them covers the rest,
// or together they reach the total.
func FullyPaid(total decimal.Decimal, amounts []*decimal.Decimal) bool {
	sum, open := Paid(amounts)
	return open || (len(amounts) > 0 && sum.GreaterThanOrEqual(total))
}

// LeftToPay is the part of the total that the payments' amounts do not
// cover (zero or less when they cover it all).
func LeftToPay(total decimal.Decimal, amounts []*decimal.Decimal) decimal.Decimal {
	sum, _ := Paid(amounts)
	return total.Sub(sum)
}

// Draw takes amount from a spending account's balance and returns what is
// left. The balance never goes below zero unless the account's assignment
// allows exceeding it.
func Draw(balance, amount decimal.Decimal, allowExceed bool) (decimal.Decimal, error) {
	left := balance.Sub(amount)
	if left.IsNegative() && !allowExceed && amount.IsPositive() {
		return balance, ErrExceedsBalance
	}
	return left, nil
}

// UsableAt reports whether a spending account may pay at now: it has
// started (no StartDate, or one passed) and not ended (no EndDate, or one
// still ahead).
func UsableAt(start, end *time.Time, now time.Time) bool {
	return (start == nil || !now.Before(*start)) && (end == nil || now.Before(*end))
}

// AllAccepted reports whether every payment of an order is Accepted (true
// when it has none): an order submits only then.
func AllAccepted(accepted []bool) bool {
	for _, a := range accepted {
		if !a {
			return false
		}
	}
	return true
}
