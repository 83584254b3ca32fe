package commerce

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// A break's SubscriptionPrice prices a subscription's order, before the sale
// price; other orders and breaks without one keep their price.
func TestSubscriptionPrice(t *testing.T) {
	d := func(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	start := now.Add(-time.Hour)
	s := Schedule{SaleStart: &start, Breaks: []PriceBreak{
		{Quantity: 1, Price: *d("10"), SalePrice: d("9"), SubscriptionPrice: d("8.50")},
		{Quantity: 5, Price: *d("7")}}}
	for _, c := range []struct {
		req  PriceRequest
		want string
		sale bool
	}{
		{PriceRequest{Quantity: 1, Subscription: true, Now: now}, "8.5", false},
		{PriceRequest{Quantity: 1, Now: now}, "9", true},
		{PriceRequest{Quantity: 5, Subscription: true, Now: now}, "7", false},
	} {
		got, sale, err := s.Price(c.req)
		if err != nil || got.String() != c.want || sale != c.sale {
			t.Errorf("%+v: %s %v %v, want %s %v", c.req, got, sale, err, c.want, c.sale)
		}
	}
	s.Cumulative = true
	if got, _, _ := s.Price(PriceRequest{Quantity: 2, Total: 2, Subscription: true, Now: now}); got.String() != "8.5" {
		t.Errorf("cumulative subscription price %s", got)
	}
}
