package commerce

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/shopspring/decimal"
)

// Promotion refusals, named by the contract's codes.
var (
	ErrPromoBadStatus     = Refusal("Order.CannotApplyPromoBadStatus")
	ErrPromoNotActive     = Refusal("Promotion.NotActive")
	ErrPromoNotYetValid   = Refusal("Promotion.NotYetValid")
	ErrPromoExpired       = Refusal("Promotion.Expired")
	ErrPromoNotEligible   = Refusal("Promotion.NotEligible")
	ErrPromoCannotCombine = Refusal("Promotion.CannotCombine")
	ErrPromoUsedUp        = Refusal("Promotion.ExceedsUsageLimit")
	ErrPromoAlreadyAdded  = Refusal("Promotion.AlreadyAdded")
	ErrPromoOwner         = Refusal("Promotion.OwnerIDMustMatchOrderToCompanyID")
)

// PromotionsApply reports whether an order in this status takes promotion
// changes: before it is submitted, or while it awaits approval.
func PromotionsApply(status string) error {
	if status == Unsubmitted || status == AwaitingApproval {
		return nil
	}
	return ErrPromoBadStatus
}

// Promotion is what applying a promotion needs from its configuration.
type Promotion struct {
	ID, Code string
	// Eligible and Value are the parsed expressions; a promotion without
	// an Eligible one (its expression does not parse) is never eligible,
	// and one without a Value takes nothing off.
	Eligible, Value *expr.Expr
	LineItemLevel   bool
	CanCombine      bool
	Active          bool
	Start, Expires  *time.Time
	// OwnerID is the organization offering it: the marketplace owner's
	// apply to any order, a supplier's only to orders to that supplier.
	OwnerID string
	// ItemLimit and QuantityLimit bound a line-item promotion to so many
	// line items, or so many units across them, taken in ItemSortBy order
	// (a comma-separated list of line properties, ! for descending), else
	// in the order the lines were added.
	ItemLimit, QuantityLimit *int
	ItemSortBy               string
}

// Usable checks the promotion's own state at now: active, started and
// not expired.
func (p Promotion) Usable(now time.Time) error {
	switch {
	case !p.Active:
		return ErrPromoNotActive
	case p.Start != nil && now.Before(*p.Start):
		return ErrPromoNotYetValid
	case p.Expires != nil && now.After(*p.Expires):
		return ErrPromoExpired
	}
	return nil
}

// OfferedTo checks that the promotion's owner offers it on an order sold
// by toCompanyID.
func (p Promotion) OfferedTo(toCompanyID, marketplaceID string) error {
	if p.OwnerID == "" || p.OwnerID == marketplaceID || p.OwnerID == toCompanyID {
		return nil
	}
	return ErrPromoOwner
}

// Combines checks that the promotion may join an order holding promotions
// whose CanCombine flags are applied: alone, anything goes; with others,
// it and every one of them must allow combining.
func (p Promotion) Combines(applied []bool) error {
	if len(applied) == 0 {
		return nil
	}
	if !p.CanCombine || slices.Contains(applied, false) {
		return ErrPromoCannotCombine
	}
	return nil
}

// UnderLimit checks that a counted use more stays within limit (nil: no
// limit).
func UnderLimit(count int64, limit *int) error {
	if limit != nil && count >= int64(*limit) {
		return ErrPromoUsedUp
	}
	return nil
}

// PromoLine is a line item as promotions see it.
type PromoLine struct {
	ID       string
	Quantity int
	Subtotal decimal.Decimal // before promotion discounts
	Doc      map[string]any  // the line item as the rules engine reads it
}

// PromoOrder is an order being evaluated, before any promotion discount:
// its document (Subtotal and Total without discounts), its lines, and
// its total before discounts, which discounts never exceed.
type PromoOrder struct {
	Doc        map[string]any
	Lines      []PromoLine
	Total      decimal.Decimal
	Now        time.Time
	InCategory func(productID, categoryID string, descendants bool) (bool, error)
}

// Discount is what one promotion takes off an order.
type Discount struct {
	// Eligible is false when the order does not meet the promotion's
	// EligibleExpression (for a line-item promotion: no line does), or
	// when an expression cannot be evaluated against it (Err says why).
	Eligible bool
	Err      error
	Amount   decimal.Decimal
	// Lines are a line-item promotion's amounts, per line it applies to,
	// in the lines' order.
	Lines []LineDiscount
}

// LineDiscount is a line-item promotion's amount on one line.
type LineDiscount struct {
	LineItemID string
	Amount     decimal.Decimal
}

// Discounts evaluates promotions against an order in the order they were
// applied. Each is evaluated against the order before any discount, so
// that the result does not depend on the order of evaluation, and each
// amount is rounded to the cent and bounded: a line's discounts never
// exceed its subtotal, and all discounts never exceed the order's total
// before them (a promotion applied later gets what room is left). A value
// below zero takes nothing off.
func Discounts(ps []Promotion, o PromoOrder) []Discount {
	items := make([]map[string]any, len(o.Lines))
	for i, l := range o.Lines {
		items[i] = l.Doc
	}
	env := expr.Env{Order: o.Doc, Items: items, Now: o.Now, InCategory: o.InCategory}
	room := o.Total
	lineRoom := make(map[string]decimal.Decimal, len(o.Lines))
	for _, l := range o.Lines {
		lineRoom[l.ID] = l.Subtotal
	}
	out := make([]Discount, len(ps))
	for i, p := range ps {
		var d evaluated
		switch {
		case p.Eligible == nil:
			d.Err = ErrPromoNotEligible // no expression that parses
		case p.LineItemLevel:
			d = lineDiscount(p, o.Lines, env)
		default:
			d = orderDiscount(p, env)
		}
		d.Amount = decimal.Zero
		for j := range d.Lines {
			ld := &d.Lines[j]
			ld.Amount = bound(ld.Amount, decimal.Min(lineRoom[ld.LineItemID], room))
			lineRoom[ld.LineItemID] = lineRoom[ld.LineItemID].Sub(ld.Amount)
			room = room.Sub(ld.Amount)
			d.Amount = d.Amount.Add(ld.Amount)
		}
		if !p.LineItemLevel && d.Eligible {
			d.Amount = bound(d.value, room)
			room = room.Sub(d.Amount)
		}
		out[i] = d.Discount
	}
	return out
}

// evaluated is a Discount with an order-level promotion's value before it
// is bounded.
type evaluated struct {
	Discount
	value decimal.Decimal
}

// bound rounds an amount to the cent and keeps it within [0, room].
func bound(amount, room decimal.Decimal) decimal.Decimal {
	amount = amount.Round(2)
	if amount.IsNegative() || room.IsNegative() {
		return decimal.Zero
	}
	return decimal.Min(amount, room)
}

func orderDiscount(p Promotion, env expr.Env) evaluated {
	ok, err := p.Eligible.Bool(env)
	if err != nil || !ok {
		return evaluated{Discount: Discount{Err: err}}
	}
	v, err := p.value(env)
	if err != nil {
		return evaluated{Discount: Discount{Err: err}}
	}
	return evaluated{Discount: Discount{Eligible: true}, value: v}
}

func (p Promotion) value(env expr.Env) (decimal.Decimal, error) {
	if p.Value == nil {
		return decimal.Zero, nil
	}
	return p.Value.Decimal(env)
}

// lineDiscount selects the lines a line-item promotion applies to (those
// whose item makes EligibleExpression true, within the item or quantity
// limit) and values each with ValueExpression: per line, or per unit
// under a quantity limit.
func lineDiscount(p Promotion, lines []PromoLine, env expr.Env) evaluated {
	var chosen []PromoLine
	for _, l := range lines {
		env.Item = l.Doc
		ok, err := p.Eligible.Bool(env)
		if err != nil {
			return evaluated{Discount: Discount{Err: err}}
		}
		if ok {
			chosen = append(chosen, l)
		}
	}
	if len(chosen) == 0 {
		return evaluated{}
	}
	if p.ItemLimit != nil || p.QuantityLimit != nil {
		sortLines(chosen, p.ItemSortBy)
	}
	if p.ItemLimit != nil && len(chosen) > max(*p.ItemLimit, 0) {
		chosen = chosen[:max(*p.ItemLimit, 0)]
	}
	units := -1 // no quantity limit
	if p.QuantityLimit != nil {
		units = max(*p.QuantityLimit, 0)
	}
	d := evaluated{Discount: Discount{Eligible: true}}
	for _, l := range chosen {
		if units == 0 {
			break
		}
		env.Item = l.Doc
		v, err := p.value(env)
		if err != nil {
			return evaluated{Discount: Discount{Err: err}}
		}
		if units > 0 {
			q := min(l.Quantity, units)
			units -= q
			v = v.Mul(decimal.NewFromInt(int64(q)))
		}
		d.Lines = append(d.Lines, LineDiscount{LineItemID: l.ID, Amount: v})
	}
	return d
}

// sortLines orders lines by a comma-separated list of their properties
// (dotted paths allowed, ! for descending), then by when they were added
// and by ID. Numbers compare as numbers, dates as instants, other values as
// text; a line missing the property sorts after one that has it.
func sortLines(lines []PromoLine, sortBy string) {
	var keys []string
	for _, k := range strings.Split(sortBy, ",") {
		if k = strings.TrimSpace(k); k != "" && k != "!" {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "DateAdded", "ID")
	slices.SortStableFunc(lines, func(a, b PromoLine) int {
		for _, k := range keys {
			desc := strings.HasPrefix(k, "!")
			path := strings.TrimPrefix(k, "!")
			c := compareValues(lookup(a.Doc, path), lookup(b.Doc, path))
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// lookup reads a dotted path of a document, ignoring letter case where the
// exact name is missing (as the rules engine does).
func lookup(doc map[string]any, path string) any {
	var v any = doc
	for _, name := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		next, ok := m[name]
		if !ok {
			for k, x := range m {
				if strings.EqualFold(k, name) {
					next, ok = x, true
					break
				}
			}
		}
		if !ok {
			return nil
		}
		v = next
	}
	return v
}

func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	if x, ok := asDecimal(a); ok {
		if y, ok := asDecimal(b); ok {
			return x.Cmp(y)
		}
	}
	sa, sb := asText(a), asText(b)
	if ta, err := time.Parse(time.RFC3339Nano, sa); err == nil {
		if tb, err := time.Parse(time.RFC3339Nano, sb); err == nil {
			return ta.Compare(tb)
		}
	}
	return strings.Compare(strings.ToLower(sa), strings.ToLower(sb))
}

func asDecimal(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case json.Number:
		d, err := decimal.NewFromString(x.String())
		return d, err == nil
	case decimal.Decimal:
		return x, true
	case float64:
		return decimal.NewFromFloat(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	}
	return decimal.Zero, false
}

func asText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
