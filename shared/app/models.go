package app

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

func modelOf(name string) *contract.Model {
	m := contract.ModelByName(name)
	if m == nil {
		panic("no contract model " + name)
	}
	return m
}

func dec(v any) decimal.Decimal {
	if n, ok := v.(json.Number); ok {
		if d, err := decimal.NewFromString(n.String()); err == nil {
			return d
		}
	}
	return decimal.Zero
}

func decPtr(v any) *decimal.Decimal {
	if v == nil {
		return nil
	}
	d := dec(v)
	return &d
}

func money(d decimal.Decimal) json.Number { return json.Number(d.String()) }

func intOf(v any) int {
	if n, ok := v.(json.Number); ok {
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}

func timePtr(v any) *time.Time {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

// scheduleOf converts a stored PriceSchedule doc for pricing.
func scheduleOf(d api.Doc) commerce.Schedule {
	s := commerce.Schedule{ID: str(d, "ID"), MinQuantity: intOf(d["MinQuantity"]), RestrictedQuantity: d["RestrictedQuantity"] == true,
		SaleStart: timePtr(d["SaleStart"]), SaleEnd: timePtr(d["SaleEnd"])}
	if d["MaxQuantity"] != nil {
		m := intOf(d["MaxQuantity"])
		s.MaxQuantity = &m
	}
	for _, b := range asMaps(d["PriceBreaks"]) {
		s.Breaks = append(s.Breaks, commerce.PriceBreak{Quantity: intOf(b["Quantity"]), Price: dec(b["Price"]), SalePrice: decPtr(b["SalePrice"])})
	}
	return s
}

func asMaps(v any) []map[string]any {
	arr, _ := v.([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
