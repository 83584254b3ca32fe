package commerce

import (
	"time"

	"github.com/shopspring/decimal"
)

// Cumulative-quantity refusals: a schedule with UseCumulativeQuantity
// bounds the quantity of a product across all of an order's lines.
var (
	ErrCumulativeBelowMin     = Refusal("PriceSchedule.CumulativeCannotBeLessThanMin")
	ErrCumulativeAboveMax     = Refusal("PriceSchedule.CumulativeCannotExceedMax")
	ErrCumulativeNotAllowed   = Refusal("PriceSchedule.CumulativeQuantityNotAllowed")
	ErrSpecRequiresSelection  = Refusal("Spec.RequiresSelection")
	ErrSpecRequiresValue      = Refusal("Spec.RequiresValue")
	ErrSpecOptionNotFound     = Refusal("Spec.OptionNotFound")
	ErrVariantNotFound        = Refusal("LineItem.VariantNotFound")
	ErrNotAvailableFromSeller = Refusal("LineItem.ProductNotAvailableFromSeller")
)

// PriceRequest is what the unit price of a line depends on.
type PriceRequest struct {
	Quantity int // the line's
	// Total is the quantity of the line's product on all the order's
	// lines, this one included; cumulative schedules price by it.
	Total  int
	Bundle bool // the line is an item of a bundle
	// Subscription: the line is on an order a subscription placed.
	Subscription bool
	Now          time.Time
}

// Price is a line's base unit price (before spec markups). A cumulative
// schedule picks the break by the product's total quantity and bounds
// only its maximum here: the minimum and the allowed quantities hold for
// the order as submitted (CheckCumulative), since lines are added one at
// a time.
func (s Schedule) Price(r PriceRequest) (decimal.Decimal, bool, error) {
	if !s.Cumulative {
		if r.Bundle {
			return s.bundlePrice(r)
		}
		if r.Subscription {
			return s.subscriptionPrice(r)
		}
		return s.UnitPrice(r.Quantity, r.Now)
	}
	if r.Quantity <= 0 {
		return decimal.Zero, false, ErrQuantityPositive
	}
	total := max(r.Total, r.Quantity)
	if s.MaxQuantity != nil && total > *s.MaxQuantity {
		return decimal.Zero, false, ErrCumulativeAboveMax
	}
	keep := s
	keep.RestrictedQuantity = false // checked on submit
	b, err := keep.breakFor(total, ErrCumulativeNotAllowed)
	if err != nil {
		return decimal.Zero, false, err
	}
	price, onSale := s.pick(b, r.Now, r.Bundle)
	if r.Subscription && !r.Bundle && b.SubscriptionPrice != nil {
		price, onSale = *b.SubscriptionPrice, false
	}
	return price, onSale, nil
}

// subscriptionPrice is a break's subscription price when it has one, else
// its price as for any line.
func (s Schedule) subscriptionPrice(r PriceRequest) (decimal.Decimal, bool, error) {
	price, onSale, err := s.UnitPrice(r.Quantity, r.Now)
	if err != nil {
		return decimal.Zero, false, err
	}
	if b, _ := s.breakFor(r.Quantity, ErrQuantityNotAllowed); b.SubscriptionPrice != nil {
		return *b.SubscriptionPrice, false, nil
	}
	return price, onSale, nil
}

func (s Schedule) bundlePrice(r PriceRequest) (decimal.Decimal, bool, error) {
	if _, _, err := s.UnitPrice(r.Quantity, r.Now); err != nil {
		return decimal.Zero, false, err
	}
	b, _ := s.breakFor(r.Quantity, ErrQuantityNotAllowed)
	price, onSale := s.pick(b, r.Now, true)
	return price, onSale, nil
}

// CheckCumulative checks a product's total quantity on a submitted order
// against a cumulative schedule.
func (s Schedule) CheckCumulative(total int) error {
	if !s.Cumulative {
		return nil
	}
	if s.MinQuantity > 0 && total < s.MinQuantity {
		return ErrCumulativeBelowMin
	}
	if s.MaxQuantity != nil && total > *s.MaxQuantity {
		return ErrCumulativeAboveMax
	}
	if s.RestrictedQuantity {
		if _, err := s.breakFor(total, ErrCumulativeNotAllowed); err != nil {
			return err
		}
	}
	return nil
}

// Markup types of spec options (PriceMarkupType).
const (
	NoMarkup          = "NoMarkup"
	AmountPerQuantity = "AmountPerQuantity"
	AmountTotal       = "AmountTotal"
	Percentage        = "Percentage"
)

// Markup is the price change a chosen spec option brings.
type Markup struct {
	Type   string
	Amount decimal.Decimal
}

// PriceLine applies spec markups to a line's base unit price. An amount
// per quantity adds to each unit; a percentage adds that share of the base
// price to each unit; an amount per line adds once to the subtotal, and to
// the unit price as its share per unit, rounded to the amount's own
// precision but at least to cents (so UnitPrice × Quantity may differ
// from the exact subtotal, which is what order totals use).
func PriceLine(base decimal.Decimal, quantity int, markups []Markup) (unit, subtotal decimal.Decimal) {
	q := decimal.NewFromInt(int64(quantity))
	perUnit, perLine, share := base, decimal.Zero, decimal.Zero
	hundred := decimal.NewFromInt(100)
	for _, m := range markups {
		switch m.Type {
		case AmountPerQuantity:
			perUnit = perUnit.Add(m.Amount)
		case Percentage:
			perUnit = perUnit.Add(base.Mul(m.Amount).Div(hundred))
		case AmountTotal:
			perLine = perLine.Add(m.Amount)
			if quantity > 0 {
				share = share.Add(m.Amount.DivRound(q, max(2, -m.Amount.Exponent())))
			}
		}
	}
	return perUnit.Add(share), perUnit.Mul(q).Add(perLine)
}
