package commerce

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The spec doc's pricing summary: a $50 product with a markup of 10.
func TestPriceLineMarkupTable(t *testing.T) {
	cases := []struct {
		typ                        string
		unit1, sub1, unit10, sub10 string
	}{
		{NoMarkup, "50", "50", "50", "500"},
		{AmountPerQuantity, "60", "60", "60", "600"},
		{AmountTotal, "60", "60", "51", "510"},
		{Percentage, "55", "55", "55", "550"},
	}
	for _, c := range cases {
		m := []Markup{{Type: c.typ, Amount: d("10")}}
		u1, s1 := PriceLine(d("50"), 1, m)
		u10, s10 := PriceLine(d("50"), 10, m)
		if !u1.Equal(d(c.unit1)) || !s1.Equal(d(c.sub1)) || !u10.Equal(d(c.unit10)) || !s10.Equal(d(c.sub10)) {
			t.Errorf("%s: qty 1 %s/%s, qty 10 %s/%s", c.typ, u1, s1, u10, s10)
		}
	}
}

// Markups are exact decimals: no float drift, and a per-line amount that
// does not divide evenly keeps the subtotal exact while the unit price is
// a rounded share.
func TestPriceLineExact(t *testing.T) {
	u, s := PriceLine(d("0.1"), 3, []Markup{{Type: AmountPerQuantity, Amount: d("0.2")}})
	if u.String() != "0.3" || s.String() != "0.9" {
		t.Errorf("0.1 + 0.2 each, 3 units: %s / %s", u, s)
	}
	u, s = PriceLine(d("19.99"), 2, []Markup{{Type: Percentage, Amount: d("7.5")}})
	if u.String() != "21.48925" || s.String() != "42.9785" {
		t.Errorf("19.99 + 7.5%%: %s / %s", u, s)
	}
	u, s = PriceLine(d("1"), 3, []Markup{{Type: AmountTotal, Amount: d("10")}})
	if u.String() != "4.33" || s.String() != "13" {
		t.Errorf("1 + 10 per line, 3 units: %s / %s", u, s)
	}
	u, s = PriceLine(d("1"), 3, []Markup{{Type: AmountTotal, Amount: d("0.005")}})
	if u.String() != "1.002" || s.String() != "3.005" {
		t.Errorf("1 + 0.005 per line, 3 units: %s / %s", u, s)
	}
	// Several markups add up; NoMarkup's amount is ignored.
	u, s = PriceLine(d("50"), 2, []Markup{{Type: AmountPerQuantity, Amount: d("1.25")}, {Type: Percentage, Amount: d("10")},
		{Type: AmountTotal, Amount: d("3")}, {Type: NoMarkup, Amount: d("99")}})
	if u.String() != "57.75" || s.String() != "115.5" {
		t.Errorf("combined: %s / %s", u, s)
	}
	l := Line{Quantity: 3, UnitPrice: d("4.33"), LineSubtotal: ptrDec(d("13"))}
	if !l.Subtotal().Equal(d("13")) || !l.Total().Equal(d("13")) {
		t.Errorf("line subtotal %s", l.Subtotal())
	}
}

func ptrDec(x decimal.Decimal) *decimal.Decimal { return &x }

func TestCumulativeAndBundlePrices(t *testing.T) {
	now := time.Now()
	max := 20
	bundle, sale := d("7"), d("9")
	start := now.Add(-time.Hour)
	s := Schedule{Cumulative: true, MinQuantity: 5, MaxQuantity: &max, SaleStart: &start,
		Breaks: []PriceBreak{{Quantity: 1, Price: d("10"), SalePrice: &sale, BundlePrice: &bundle}, {Quantity: 10, Price: d("8")}}}
	// Priced by the product's total; the minimum waits for the submit.
	if p, onSale, err := s.Price(PriceRequest{Quantity: 2, Total: 12, Now: now}); err != nil || !p.Equal(d("8")) || onSale {
		t.Errorf("total 12: %s %v %v", p, onSale, err)
	}
	if p, onSale, err := s.Price(PriceRequest{Quantity: 2, Total: 2, Now: now}); err != nil || !p.Equal(sale) || !onSale {
		t.Errorf("total 2: %s %v %v", p, onSale, err)
	}
	if _, _, err := s.Price(PriceRequest{Quantity: 2, Total: 21, Now: now}); err != ErrCumulativeAboveMax {
		t.Errorf("above max: %v", err)
	}
	if err := s.CheckCumulative(4); err != ErrCumulativeBelowMin {
		t.Errorf("below min: %v", err)
	}
	if err := s.CheckCumulative(5); err != nil {
		t.Error(err)
	}
	// A bundle's item takes the bundle price first.
	if p, onSale, _ := s.Price(PriceRequest{Quantity: 1, Total: 1, Bundle: true, Now: now}); !p.Equal(bundle) || onSale {
		t.Errorf("bundle price %s %v", p, onSale)
	}
	plain := Schedule{Breaks: []PriceBreak{{Quantity: 1, Price: d("10"), BundlePrice: &bundle}}}
	if p, _, _ := plain.Price(PriceRequest{Quantity: 3, Bundle: true, Now: now}); !p.Equal(bundle) {
		t.Errorf("bundle price, not cumulative: %s", p)
	}
	if p, _, _ := plain.Price(PriceRequest{Quantity: 3, Now: now}); !p.Equal(d("10")) {
		t.Errorf("price outside a bundle: %s", p)
	}
	r := Schedule{Cumulative: true, RestrictedQuantity: true, Breaks: []PriceBreak{{Quantity: 6, Price: d("3")}}}
	if err := r.CheckCumulative(7); err != ErrCumulativeNotAllowed {
		t.Errorf("restricted cumulative: %v", err)
	}
}

func TestCancel(t *testing.T) {
	for status, ok := range map[string]bool{Unsubmitted: true, AwaitingApproval: true, Open: false, Completed: false, Canceled: false, Declined: false} {
		got, err := Cancel(status)
		if ok != (err == nil) || (ok && got != Canceled) {
			t.Errorf("cancel %s: %s %v", status, got, err)
		}
	}
}
