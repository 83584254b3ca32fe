package commerce

// Order statuses.
const (
	Unsubmitted      = "Unsubmitted"
	AwaitingApproval = "AwaitingApproval"
	Declined         = "Declined"
	Open             = "Open"
	Completed        = "Completed"
	Canceled         = "Canceled"
)

// Transition errors, named by the contract's codes.
var (
	ErrCannotSubmit     = Refusal("Order.CannotSubmitBadStatus")
	ErrNoLineItems      = Refusal("Order.CannotSubmitWithNoLineItems")
	ErrCannotShip       = Refusal("Order.CannotShipBadStatus")
	ErrCannotCancel     = Refusal("Order.CannotCancelInCurrentStatus")
	ErrCannotComplete   = Refusal("Order.CannotCompleteBadStatus")
	ErrQuantityExceeded = Refusal("ShipmentItem.QuantityExceeded")
	// ErrInsufficientStock refuses an order for more than a product has.
	ErrInsufficientStock = Refusal("Inventory.Insufficient")
)

// Submit checks that an order may be submitted and returns its new status.
func Submit(status string, lineItems int) (string, error) {
	if status != Unsubmitted {
		return "", ErrCannotSubmit
	}
	if lineItems == 0 {
		return "", ErrNoLineItems
	}
	return Open, nil
}

// Submitted reports whether a status is a submitted order's as order
// lists see it, and its IsSubmitted: Open, Completed or Canceled. Orders
// awaiting approval or declined are not (OrderCloud lists them with the
// unsubmitted ones).
func Submitted(status string) bool {
	switch status {
	case Open, Completed, Canceled:
		return true
	}
	return false
}

// Editable reports whether line items may still change.
func Editable(status string) bool { return status == Unsubmitted || status == AwaitingApproval }

// ShippedLine is a line item's ordered and shipped quantities.
type ShippedLine struct{ Quantity, Shipped int }

// Ship records shipping qty more of one line, returning the new shipped
// quantity, and whether every line of the order is then fully shipped
// (which completes the order).
func Ship(status string, line ShippedLine, qty int, others []ShippedLine) (shipped int, complete bool, err error) {
	if status != Open {
		return 0, false, ErrCannotShip
	}
	shipped = line.Shipped + qty
	if qty <= 0 || shipped > line.Quantity {
		return 0, false, ErrQuantityExceeded
	}
	complete = shipped == line.Quantity
	for _, o := range others {
		if o.Shipped < o.Quantity {
			complete = false
		}
	}
	return shipped, complete, nil
}
