// Package commerce is the domain logic of orders: price-break pricing,
// order totals and the order state machine. It works on plain values,
// imports no AWS or HTTP package, and computes money with exact decimals.
package commerce

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// PriceBreak is one quantity tier of a price schedule.
type PriceBreak struct {
	Quantity  int
	Price     decimal.Decimal
	SalePrice *decimal.Decimal
	// BundlePrice, when set, prices the break's units bought as part of a
	// bundle, before any sale price.
	BundlePrice *decimal.Decimal
	// SubscriptionPrice, when set, prices the break's units on an order a
	// subscription placed, before any sale price.
	SubscriptionPrice *decimal.Decimal
}

// Schedule is what pricing needs from a price schedule.
type Schedule struct {
	ID                 string
	MinQuantity        int  // 0 = no minimum
	MaxQuantity        *int // nil = no maximum
	RestrictedQuantity bool // only break quantities may be ordered
	// Cumulative prices a line by the quantity of its product on all the
	// order's lines (UseCumulativeQuantity).
	Cumulative         bool
	SaleStart, SaleEnd *time.Time
	Breaks             []PriceBreak
}

// Pricing errors, mapped to the contract's codes by the HTTP layer.
var (
	ErrBelowMin           = Refusal("PriceSchedule.CannotBeLessThanMin")
	ErrAboveMax           = Refusal("PriceSchedule.CannotExceedMax")
	ErrQuantityNotAllowed = Refusal("PriceSchedule.QuantityNotAllowed")
	ErrNoPriceBreaks      = Refusal("PriceSchedule.NoPriceBreaks")
	ErrQuantityPositive   = Refusal("LineItem.QuantityMustBePositive")
)

// OnSale reports whether now falls in the schedule's sale window. A window
// needs at least one bound; an open bound is unbounded on that side.
func (s Schedule) OnSale(now time.Time) bool {
	if s.SaleStart == nil && s.SaleEnd == nil {
		return false
	}
	if s.SaleStart != nil && now.Before(*s.SaleStart) {
		return false
	}
	if s.SaleEnd != nil && now.After(*s.SaleEnd) {
		return false
	}
	return true
}

// UnitPrice is the price per unit for quantity at time now: the break with
// the highest quantity not above it, its sale price while on sale.
func (s Schedule) UnitPrice(quantity int, now time.Time) (decimal.Decimal, bool, error) {
	if quantity <= 0 {
		return decimal.Zero, false, ErrQuantityPositive
	}
	if s.MinQuantity > 0 && quantity < s.MinQuantity {
		return decimal.Zero, false, ErrBelowMin
	}
	if s.MaxQuantity != nil && quantity > *s.MaxQuantity {
		return decimal.Zero, false, ErrAboveMax
	}
	b, err := s.breakFor(quantity, ErrQuantityNotAllowed)
	if err != nil {
		return decimal.Zero, false, err
	}
	price, onSale := s.pick(b, now, false)
	return price, onSale, nil
}

// breakFor is the break pricing quantity: the one of that quantity when
// only break quantities may be ordered (else notAllowed), otherwise the
// highest not above it, or the first when the quantity is below them all
// (OrderCloud prices at the first break).
func (s Schedule) breakFor(quantity int, notAllowed error) (PriceBreak, error) {
	if len(s.Breaks) == 0 {
		return PriceBreak{}, ErrNoPriceBreaks
	}
	breaks := append([]PriceBreak(nil), s.Breaks...)
	sort.Slice(breaks, func(i, j int) bool { return breaks[i].Quantity < breaks[j].Quantity })
	if s.RestrictedQuantity {
		for _, b := range breaks {
			if b.Quantity == quantity {
				return b, nil
			}
		}
		return PriceBreak{}, notAllowed
	}
	chosen := breaks[0]
	for _, b := range breaks {
		if b.Quantity <= quantity {
			chosen = b
		}
	}
	return chosen, nil
}

// pick is a break's price: its bundle price for a bundle's item, its sale
// price while on sale, else its price. onSale says the sale price was used.
func (s Schedule) pick(b PriceBreak, now time.Time, bundle bool) (decimal.Decimal, bool) {
	if bundle && b.BundlePrice != nil {
		return *b.BundlePrice, false
	}
	if b.SalePrice != nil && s.OnSale(now) {
		return *b.SalePrice, true
	}
	return b.Price, false
}

// Line is what order totals need from a line item.
type Line struct {
	Quantity          int
	UnitPrice         decimal.Decimal
	PromotionDiscount decimal.Decimal
	// LineSubtotal, when pricing set it, is the line's exact subtotal: a
	// markup per line makes UnitPrice a rounded share (see PriceLine).
	LineSubtotal *decimal.Decimal
}

// Subtotal is the line's LineSubtotal, else UnitPrice × Quantity.
func (l Line) Subtotal() decimal.Decimal {
	if l.LineSubtotal != nil {
		return *l.LineSubtotal
	}
	return l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity)))
}

// Total is the subtotal less the line's promotion discount.
func (l Line) Total() decimal.Decimal { return l.Subtotal().Sub(l.PromotionDiscount) }

// Totals are an order's money fields.
type Totals struct {
	Subtotal, ShippingCost, TaxCost, Gratuity, Fees, PromotionDiscount, Total decimal.Decimal
	LineItemCount                                                             int
}

// OrderTotals sums lines into the order's totals, keeping its shipping,
// tax, gratuity, fees and order-level discount.
func OrderTotals(lines []Line, t Totals) Totals {
	t.Subtotal = decimal.Zero
	for _, l := range lines {
		t.Subtotal = t.Subtotal.Add(l.Subtotal())
	}
	t.LineItemCount = len(lines)
	t.Total = t.Subtotal.Add(t.ShippingCost).Add(t.TaxCost).Add(t.Gratuity).Add(t.Fees).Sub(t.PromotionDiscount)
	return t
}
