package commerce

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/expr"
)

func promo(t *testing.T, eligible, value string, lineLevel bool) Promotion {
	t.Helper()
	e, err := expr.Parse(eligible)
	if err != nil {
		t.Fatal(err)
	}
	v, err := expr.Parse(value)
	if err != nil {
		t.Fatal(err)
	}
	return Promotion{ID: eligible, Eligible: e, Value: v, LineItemLevel: lineLevel, Active: true}
}

// line makes a line of qty units at unit, added in the order of its ID.
func line(id, productID string, qty int, unit string) PromoLine {
	sub := d(unit).Mul(d(strconv.Itoa(qty)))
	return PromoLine{ID: id, Quantity: qty, Subtotal: sub, Doc: map[string]any{
		"ID": id, "ProductID": productID, "Quantity": json.Number(strconv.Itoa(qty)), "UnitPrice": json.Number(unit),
		"LineSubtotal": json.Number(sub.String()), "DateAdded": "2030-01-01T00:00:0" + id[len(id)-1:] + "Z"}}
}

func order(lines ...PromoLine) PromoOrder {
	sub := d("0")
	for _, l := range lines {
		sub = sub.Add(l.Subtotal)
	}
	return PromoOrder{Doc: map[string]any{"Subtotal": json.Number(sub.String()), "ShippingCost": json.Number("0")},
		Lines: lines, Total: sub, Now: time.Now()}
}

func amounts(ds []Discount) []string {
	out := make([]string, len(ds))
	for i, x := range ds {
		out[i] = x.Amount.String()
	}
	return out
}

func TestOrderLevelDiscounts(t *testing.T) {
	o := order(line("l1", "p1", 3, "10"), line("l2", "p2", 1, "5.55"))
	pct := promo(t, "order.Subtotal > 30", "order.Subtotal * .1", false)
	fixed := promo(t, "items.any(ProductID = 'p2')", "5", false)
	no := promo(t, "order.Subtotal > 100", "50", false)
	ds := Discounts([]Promotion{pct, fixed, no}, o)
	// 10% of 35.55 is 3.555: rounded to the cent, half away from zero.
	if got := amounts(ds); got[0] != "3.56" || got[1] != "5" || got[2] != "0" {
		t.Errorf("amounts %v", got)
	}
	if !ds[0].Eligible || !ds[1].Eligible || ds[2].Eligible || ds[2].Err != nil {
		t.Errorf("eligibility %+v", ds)
	}
	// Both are evaluated against the order before discounts: the order of
	// application does not change the amounts.
	if got := amounts(Discounts([]Promotion{fixed, pct}, o)); got[0] != "5" || got[1] != "3.56" {
		t.Errorf("reversed %v", got)
	}
	// Exact decimals: 0.1 + 0.2 is 0.3.
	if got := amounts(Discounts([]Promotion{promo(t, "true", "0.1 + 0.2", false)}, o)); got[0] != "0.3" {
		t.Errorf("decimal %v", got)
	}
}

func TestDiscountsAreBounded(t *testing.T) {
	o := order(line("l1", "p1", 1, "20"))
	big := promo(t, "true", "15", false)
	ds := Discounts([]Promotion{big, big, promo(t, "true", "-5", false)}, o)
	if got := amounts(ds); got[0] != "15" || got[1] != "5" || got[2] != "0" {
		t.Errorf("total never goes below zero, negatives take nothing: %v", got)
	}
	// Shipping counts in what an order-level discount may take (free
	// shipping on a small order).
	o.Doc["ShippingCost"], o.Total = json.Number("30"), d("50")
	if got := amounts(Discounts([]Promotion{promo(t, "true", "order.ShippingCost", false)}, o)); got[0] != "30" {
		t.Errorf("free shipping %v", got)
	}
	// A value expression that cannot be computed makes the promotion
	// ineligible rather than take off an amount nobody computed.
	ds = Discounts([]Promotion{promo(t, "true", "order.xp.Missing * 2", false)}, o)
	if ds[0].Eligible || ds[0].Err == nil || !ds[0].Amount.IsZero() {
		t.Errorf("missing value %+v", ds[0])
	}
}

func TestLineItemDiscounts(t *testing.T) {
	o := order(line("l1", "p1", 2, "10"), line("l2", "p2", 1, "7"), line("l3", "p1", 3, "4"))
	p := promo(t, "item.ProductID = 'p1'", "item.LineSubtotal * .15", true)
	ds := Discounts([]Promotion{p}, o)
	if !ds[0].Eligible || ds[0].Amount.String() != "4.8" || len(ds[0].Lines) != 2 ||
		ds[0].Lines[0].LineItemID != "l1" || ds[0].Lines[0].Amount.String() != "3" || ds[0].Lines[1].Amount.String() != "1.8" {
		t.Errorf("15%% off p1 lines: %+v", ds[0])
	}
	// No line selected: not eligible.
	if ds := Discounts([]Promotion{promo(t, "item.ProductID = 'p9'", "1", true)}, o); ds[0].Eligible {
		t.Errorf("no line: %+v", ds[0])
	}
	// A line's discounts never exceed its subtotal.
	ds = Discounts([]Promotion{promo(t, "item.ProductID = 'p2'", "5", true), promo(t, "item.ProductID = 'p2'", "5", true)}, o)
	if got := amounts(ds); got[0] != "5" || got[1] != "2" {
		t.Errorf("line bound %v", got)
	}
}

func TestLineItemLimits(t *testing.T) {
	o := order(line("l1", "p1", 2, "10"), line("l2", "p1", 1, "30"), line("l3", "p1", 3, "4"))
	two, four := 2, 4
	// Item limit: the first two lines in the order added...
	p := promo(t, "item.ProductID = 'p1'", "1", true)
	p.ItemLimit = &two
	ds := Discounts([]Promotion{p}, o)
	if len(ds[0].Lines) != 2 || ds[0].Lines[0].LineItemID != "l1" || ds[0].Lines[1].LineItemID != "l2" {
		t.Errorf("item limit by DateAdded: %+v", ds[0].Lines)
	}
	// ...or by ItemSortBy, here the dearest first.
	p.ItemSortBy = "!LineSubtotal"
	ds = Discounts([]Promotion{p}, o)
	if len(ds[0].Lines) != 2 || ds[0].Lines[0].LineItemID != "l2" || ds[0].Lines[1].LineItemID != "l1" {
		t.Errorf("item limit by !LineSubtotal: %+v", ds[0].Lines)
	}
	// Quantity limit: the value is per unit, over the first four units.
	q := promo(t, "item.ProductID = 'p1'", "item.UnitPrice * .5", true)
	q.QuantityLimit = &four
	ds = Discounts([]Promotion{q}, o)
	// l1: 2 × 5, l2: 1 × 15, l3: 1 × 2.
	if ds[0].Amount.String() != "27" || len(ds[0].Lines) != 3 || ds[0].Lines[2].Amount.String() != "2" {
		t.Errorf("quantity limit: %+v", ds[0])
	}
}

func TestPromotionRules(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	p := Promotion{Active: true}
	if p.Usable(now) != nil {
		t.Error("usable")
	}
	for want, q := range map[error]Promotion{
		ErrPromoNotActive:   {},
		ErrPromoNotYetValid: {Active: true, Start: &future},
		ErrPromoExpired:     {Active: true, Expires: &past},
	} {
		if err := q.Usable(now); !errors.Is(err, want) {
			t.Errorf("%v: got %v", want, err)
		}
	}
	if (Promotion{OwnerID: "sup"}).OfferedTo("mkt", "mkt") != ErrPromoOwner || (Promotion{OwnerID: "mkt"}).OfferedTo("sup", "mkt") != nil ||
		(Promotion{OwnerID: "sup"}).OfferedTo("sup", "mkt") != nil {
		t.Error("owner rule")
	}
	if (Promotion{}).Combines(nil) != nil || (Promotion{CanCombine: true}).Combines([]bool{true}) != nil ||
		(Promotion{CanCombine: true}).Combines([]bool{false}) != ErrPromoCannotCombine || (Promotion{}).Combines([]bool{true}) != ErrPromoCannotCombine {
		t.Error("combine rule")
	}
	three := 3
	if UnderLimit(2, &three) != nil || UnderLimit(3, &three) != ErrPromoUsedUp || UnderLimit(100, nil) != nil {
		t.Error("limit rule")
	}
	if PromotionsApply(AwaitingApproval) != nil || PromotionsApply(Open) != ErrPromoBadStatus {
		t.Error("status rule")
	}
}
