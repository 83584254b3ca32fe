package catalog

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

func (cat *Catalog) declarePrices(r *resource.Registry) {
	cat.PriceSchedules = r.Add(&resource.Resource{Name: "PriceSchedules", Model: "PriceSchedule", IDParam: "priceScheduleID",
		Prepare: cat.preparePriceSchedule, Present: presentPriceSchedule, Reach: ownedByOwnerID})
	r.Handle("PriceSchedules.SavePriceBreak", cat.savePriceBreak)
	r.Handle("PriceSchedules.DeletePriceBreak", cat.deletePriceBreak)
}

func (cat *Catalog) preparePriceSchedule(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if old != nil {
		if err := cat.priceScheduleInUse(c, old, doc); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	breaks, _ := doc["PriceBreaks"].([]any)
	for _, b := range breaks {
		m, _ := b.(map[string]any)
		q, _ := m["Quantity"].(json.Number)
		if n, _ := q.Int64(); n < 1 {
			return api.E(http.StatusBadRequest, "PriceSchedule.MinQtyMustBePositive", nil)
		}
		if seen[q.String()] {
			return api.E(http.StatusBadRequest, "PriceSchedule.DuplicatePriceBreaks", nil)
		}
		seen[q.String()] = true
	}
	minQ, _ := doc["MinQuantity"].(json.Number)
	maxQ, _ := doc["MaxQuantity"].(json.Number)
	if minQ != "" && maxQ != "" {
		a, _ := minQ.Int64()
		b, _ := maxQ.Int64()
		if b < a {
			return api.E(http.StatusBadRequest, "PriceSchedule.MinGreaterThanMax", nil)
		}
	}
	if s, e := api.Str(doc, "SaleStart"), api.Str(doc, "SaleEnd"); s != "" && e != "" {
		ts, _ := time.Parse(time.RFC3339Nano, s)
		te, _ := time.Parse(time.RFC3339Nano, e)
		if !ts.Before(te) {
			return api.E(http.StatusBadRequest, "PriceSchedule.InvalidSaleStartOrSaleEnd", nil)
		}
	}
	return nil
}

// priceScheduleInUse refuses changes that would break the products a
// schedule prices through product assignments: a new currency, or no price
// breaks left.
func (cat *Catalog) priceScheduleInUse(c *resource.Ctx, old, doc api.Doc) error {
	oldBreaks, _ := old["PriceBreaks"].([]any)
	newBreaks, _ := doc["PriceBreaks"].([]any)
	currencyChanged := api.Str(old, "Currency") != "" && api.Str(doc, "Currency") != "" && api.Str(doc, "Currency") != api.Str(old, "Currency")
	cleared := len(oldBreaks) > 0 && len(newBreaks) == 0
	if !currencyChanged && !cleared {
		return nil
	}
	asg, err := c.Reg.AssignmentsWith(c, cat.ProductAssignments, "PriceScheduleID", api.Str(doc, "ID"))
	if err != nil {
		return err
	}
	if len(asg) == 0 {
		return nil
	}
	switch {
	case currencyChanged:
		return api.E(http.StatusBadRequest, "PriceSchedule.CannotModifyCurrency", nil)
	case c.Op.Operation == "DeletePriceBreak":
		return api.E(http.StatusBadRequest, "PriceSchedule.CannotDeleteLastPriceBreak", nil)
	}
	return api.E(http.StatusBadRequest, "PriceSchedule.CannotClearPriceBreaks", nil)
}

func presentPriceSchedule(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	out := api.Clone(doc)
	out["IsOnSale"] = ScheduleOf(doc).OnSale(time.Now())
	return out, nil
}

func (cat *Catalog) savePriceBreak(c *resource.Ctx) (any, error) {
	pb, err := c.Decode(priceBreakModel, false)
	if err != nil {
		return nil, err
	}
	return cat.editPriceBreaks(c, func(breaks []any) []any {
		out := []any{}
		for _, b := range breaks {
			if m, _ := b.(map[string]any); m["Quantity"].(json.Number).String() != pb["Quantity"].(json.Number).String() {
				out = append(out, b)
			}
		}
		return append(out, api.Complete(priceBreakModel, pb))
	})
}

func (cat *Catalog) deletePriceBreak(c *resource.Ctx) (any, error) {
	q := c.Query("quantity")
	_, err := cat.editPriceBreaks(c, func(breaks []any) []any {
		out := []any{}
		for _, b := range breaks {
			if m, _ := b.(map[string]any); m["Quantity"].(json.Number).String() != q {
				out = append(out, b)
			}
		}
		return out
	})
	return nil, err
}

func (cat *Catalog) editPriceBreaks(c *resource.Ctx, edit func([]any) []any) (any, error) {
	res := cat.PriceSchedules
	e, err := c.Reg.Load(c, res, nil, c.Param("priceScheduleID"))
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	breaks, _ := doc["PriceBreaks"].([]any)
	doc["PriceBreaks"] = edit(breaks)
	return c.Reg.Replace(c, res, nil, e, doc)
}

// ScheduleOf converts a stored PriceSchedule doc for pricing.
func ScheduleOf(d api.Doc) commerce.Schedule {
	s := commerce.Schedule{ID: api.Str(d, "ID"), MinQuantity: api.Int(d["MinQuantity"]), RestrictedQuantity: d["RestrictedQuantity"] == true,
		Cumulative: d["UseCumulativeQuantity"] == true,
		SaleStart:  api.Time(d["SaleStart"]), SaleEnd: api.Time(d["SaleEnd"])}
	if d["MaxQuantity"] != nil {
		m := api.Int(d["MaxQuantity"])
		s.MaxQuantity = &m
	}
	for _, b := range api.Maps(d["PriceBreaks"]) {
		s.Breaks = append(s.Breaks, commerce.PriceBreak{Quantity: api.Int(b["Quantity"]), Price: api.Dec(b["Price"]), SalePrice: api.DecPtr(b["SalePrice"]),
			BundlePrice: api.DecPtr(b["BundlePrice"]), SubscriptionPrice: api.DecPtr(b["SubscriptionPrice"])})
	}
	return s
}
