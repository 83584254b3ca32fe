package expr

// Kind is where an expression is used, which decides whether it may, or
// must, name the current line item with the item token.
type Kind int

const (
	// OrderLevel is an approval rule's or seller approval rule's
	// RuleExpression, or either expression of an order-level promotion:
	// item is not allowed.
	OrderLevel Kind = iota
	// ItemEligible is the EligibleExpression of a line-item-level
	// promotion: item is required, as it selects the line items the
	// promotion applies to.
	ItemEligible
	// ItemValue is the ValueExpression of a line-item-level promotion:
	// item is allowed but not required.
	ItemValue
)

// Check parses src and checks it may be saved as an expression of the
// given kind. Failures are *Error values carrying the contract code.
//
// Only the item token outside filters counts: inside a filter such as
// order.xp.Tags.any(item = 'x'), item is the element being tested.
func Check(src string, kind Kind) error {
	e, err := Parse(src)
	if err != nil {
		return err
	}
	switch {
	case kind == OrderLevel && e.usesItem:
		return &Error{Code: CodeItemNotAllowed, Pos: e.itemPos,
			Msg: "an order-level expression cannot use item; use items.any(...) and the other items functions"}
	case kind == ItemEligible && !e.usesItem:
		return &Error{Code: CodeItemRequired, Pos: start,
			Msg: "a line-item-level promotion's EligibleExpression must use item to select the line items"}
	}
	return nil
}

// UsesItem reports whether the expression names the current line item
// (the item token outside any filter).
func (e *Expr) UsesItem() bool { return e.usesItem }
