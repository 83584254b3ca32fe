package commerce

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestUnitPriceBreaks(t *testing.T) {
	sale := d("8.10")
	s := Schedule{MinQuantity: 1, Breaks: []PriceBreak{{Quantity: 10, Price: d("9.5")}, {Quantity: 1, Price: d("10.10"), SalePrice: &sale}}}
	now := time.Now()
	for qty, want := range map[int]string{1: "10.1", 9: "10.1", 10: "9.5", 500: "9.5"} {
		p, _, err := s.UnitPrice(qty, now)
		if err != nil || !p.Equal(d(want)) {
			t.Errorf("qty %d: %v %v, want %s", qty, p, err, want)
		}
	}
	start, end := now.Add(-time.Hour), now.Add(time.Hour)
	s.SaleStart, s.SaleEnd = &start, &end
	if p, onSale, _ := s.UnitPrice(2, now); !p.Equal(sale) || !onSale {
		t.Errorf("sale price: %v %v", p, onSale)
	}
	if p, _, _ := s.UnitPrice(2, now.Add(2*time.Hour)); !p.Equal(d("10.10")) {
		t.Errorf("after sale: %v", p)
	}
}

func TestUnitPriceRestrictions(t *testing.T) {
	max := 5
	s := Schedule{MinQuantity: 2, MaxQuantity: &max, Breaks: []PriceBreak{{Quantity: 1, Price: d("1")}}}
	if _, _, err := s.UnitPrice(1, time.Now()); err != ErrBelowMin {
		t.Error(err)
	}
	if _, _, err := s.UnitPrice(6, time.Now()); err != ErrAboveMax {
		t.Error(err)
	}
	if _, _, err := s.UnitPrice(0, time.Now()); err != ErrQuantityPositive {
		t.Error(err)
	}
	r := Schedule{RestrictedQuantity: true, Breaks: []PriceBreak{{Quantity: 6, Price: d("3")}, {Quantity: 12, Price: d("5")}}}
	if _, _, err := r.UnitPrice(7, time.Now()); err != ErrQuantityNotAllowed {
		t.Error(err)
	}
	if p, _, _ := r.UnitPrice(12, time.Now()); !p.Equal(d("5")) {
		t.Error(p)
	}
	if _, _, err := (Schedule{}).UnitPrice(1, time.Now()); err != ErrNoPriceBreaks {
		t.Error(err)
	}
}

func TestOrderTotalsExact(t *testing.T) {
	lines := []Line{{Quantity: 3, UnitPrice: d("0.1")}, {Quantity: 1, UnitPrice: d("0.2"), PromotionDiscount: d("0.05")}}
	tot := OrderTotals(lines, Totals{ShippingCost: d("4.99"), TaxCost: d("0.01")})
	if !tot.Subtotal.Equal(d("0.5")) || !tot.Total.Equal(d("5.5")) || tot.LineItemCount != 2 {
		t.Fatalf("%+v", tot)
	}
	if lines[1].Total().String() != "0.15" {
		t.Fatal(lines[1].Total())
	}
}

func TestOrderTransitions(t *testing.T) {
	if s, err := Submit(Unsubmitted, 1); s != Open || err != nil {
		t.Fatal(s, err)
	}
	if _, err := Submit(Open, 1); err != ErrCannotSubmit {
		t.Fatal(err)
	}
	if _, err := Submit(Unsubmitted, 0); err != ErrNoLineItems {
		t.Fatal(err)
	}
	if n, done, err := Ship(Open, ShippedLine{2, 0}, 2, []ShippedLine{{1, 1}}); n != 2 || !done || err != nil {
		t.Fatal(n, done, err)
	}
	if _, done, _ := Ship(Open, ShippedLine{2, 0}, 1, nil); done {
		t.Fatal("partial shipment completed the order")
	}
	if _, _, err := Ship(Open, ShippedLine{2, 1}, 2, nil); err != ErrQuantityExceeded {
		t.Fatal(err)
	}
	if _, _, err := Ship(Unsubmitted, ShippedLine{2, 0}, 1, nil); err != ErrCannotShip {
		t.Fatal(err)
	}
}
