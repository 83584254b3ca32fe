package app

import (
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

// scheduleOf converts a stored PriceSchedule doc for pricing.
func scheduleOf(d api.Doc) commerce.Schedule {
	s := commerce.Schedule{ID: api.Str(d, "ID"), MinQuantity: api.Int(d["MinQuantity"]), RestrictedQuantity: d["RestrictedQuantity"] == true,
		SaleStart: api.Time(d["SaleStart"]), SaleEnd: api.Time(d["SaleEnd"])}
	if d["MaxQuantity"] != nil {
		m := api.Int(d["MaxQuantity"])
		s.MaxQuantity = &m
	}
	for _, b := range api.Maps(d["PriceBreaks"]) {
		s.Breaks = append(s.Breaks, commerce.PriceBreak{Quantity: api.Int(b["Quantity"]), Price: api.Dec(b["Price"]), SalePrice: api.DecPtr(b["SalePrice"])})
	}
	return s
}
