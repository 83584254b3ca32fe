package commerce

import "github.com/shopspring/decimal"

// Order returns: the rules of an order return's lifecycle (order-returns.mdx).
//
//	Unsubmitted      --submit-->   Open, or AwaitingApproval when a seller rule holds it
//	AwaitingApproval --approve-->  AwaitingApproval while an approval is pending, else Open
//	AwaitingApproval --decline-->  Declined (it ends there)
//	AwaitingApproval, Open --cancel--> Canceled (Completed too, by an order administrator)
//	Open             --complete--> Completed (the refund is recorded)
//
// A return is made for an order that is Open or Completed; what it may
// take back of a line is what was shipped (Open) or bought (Completed),
// less what the order's other live returns take.

// Return refusals, named by the contract's codes.
var (
	ErrReturnBadOrderStatus    = Refusal("OrderReturn.CannotCreateBadOrderStatus")
	ErrReturnQuantityExceeded  = Refusal("OrderReturn.ItemQuantityExceeded")
	ErrReturnDuplicateItem     = Refusal("OrderReturn.CannotCreateDuplicateItemToReturn")
	ErrReturnNotReturnable     = Refusal("OrderReturn.ProductNotEligibleToReturn")
	ErrReturnCancelUnsubmitted = Refusal("OrderReturn.CannotCancelUnsubmitted")
	ErrReturnCancelBadStatus   = Refusal("Order.CannotCancelInCurrentStatus")
	ErrReturnNotAuthorized     = Refusal("OrderReturn.NotAuthorizedToDelete")
	ErrReturnCompleteBadStatus = Refusal("OrderReturn.CannotCompleteBadStatus")
	ErrReturnCompleteAmount    = Refusal("OrderReturn.CannotCompleteInvalidAmount")
	ErrReturnNegativeRefund    = Refusal("OrderReturn.RefundAmountMustNotBeNegative")
	ErrReturnNotEligible       = Refusal("OrderReturn.NotEligibleToApproveOrDecline")
	ErrReturnSubmitBadStatus   = Refusal("Order.CannotSubmitBadStatus")
	ErrReturnMustAwaitApproval = Refusal("Order.MustBeAwaitingApproval")
)

// ReturnableOrder reports whether an order in status may have returns.
func ReturnableOrder(status string) bool { return status == Open || status == Completed }

// ReturnEligible is how many units of a line an order in status lets be
// returned in all: those shipped while it is Open, all once Completed.
func ReturnEligible(orderStatus string, quantity, shipped int) int {
	if orderStatus == Completed {
		return max(quantity, shipped)
	}
	return shipped
}

// LiveReturn reports whether a return in status holds the units it asks
// for (a declined or canceled one gives them back).
func LiveReturn(status string) bool { return status != Declined && status != Canceled }

// ReturnEditable reports whether a return in status may change: by its
// buyer while Unsubmitted, by an order administrator until it ends.
func ReturnEditable(status string, admin bool) bool {
	switch status {
	case Unsubmitted:
		return true
	case AwaitingApproval, Open:
		return admin
	}
	return false
}

// CheckReturnCancel says whether a return in status may be canceled.
func CheckReturnCancel(status string, admin bool) error {
	switch status {
	case Unsubmitted:
		return ErrReturnCancelUnsubmitted
	case AwaitingApproval, Open:
		return nil
	case Completed:
		if admin {
			return nil
		}
		return ErrReturnNotAuthorized
	}
	return ErrReturnCancelBadStatus
}

// CheckReturnComplete says whether a return may be completed: it must be
// Open, with a refund amount that is set and not negative.
func CheckReturnComplete(status string, refund *decimal.Decimal) error {
	if status != Open {
		return ErrReturnCompleteBadStatus
	}
	if refund == nil || refund.IsNegative() {
		return ErrReturnCompleteAmount
	}
	return nil
}

// ReturnLine is what a line of an order refunds when all of it comes
// back (the default calculation of order-returns-handling-calculations):
// its total after its own promotions, less its share of the order-level
// promotions, plus its share of the order's tax, the shares in proportion
// to the line's total among the lines' totals. Shipping is not refunded.
func ReturnLine(lineTotal, linesTotal, orderPromotion, tax decimal.Decimal) decimal.Decimal {
	if !linesTotal.IsPositive() {
		return lineTotal
	}
	share := lineTotal.Div(linesTotal)
	out := lineTotal.Sub(orderPromotion.Mul(share)).Add(tax.Mul(share))
	if out.IsNegative() {
		return decimal.Zero
	}
	return out
}

// ItemRefund is the refund of qty of a line's units: the line's full
// refund in proportion, rounded to the cent, except for the units that
// complete the line's returns, which refund what the other returns left
// (so that all returns of a line add up to its full refund exactly:
// 7.53 over two units refunds 3.77, then 3.76). others are the units and
// refunds the line's other live returns hold.
func ItemRefund(full decimal.Decimal, lineQty, qty, othersQty int, othersRefund decimal.Decimal) decimal.Decimal {
	if qty <= 0 || lineQty <= 0 {
		return decimal.Zero
	}
	if othersQty+qty >= lineQty {
		left := full.Sub(othersRefund).Round(2)
		if left.IsNegative() {
			return decimal.Zero
		}
		return left
	}
	return full.Mul(decimal.NewFromInt(int64(qty))).Div(decimal.NewFromInt(int64(lineQty))).Round(2)
}
