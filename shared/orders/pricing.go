package orders

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/shopspring/decimal"
)

var lineItemVariantModel = contract.MustModel("LineItemVariant")

// Line pricing: the product the order's user may buy from the order's
// seller, its specs (required ones, defaults, options and their markups),
// the variant they select, the price schedule's break for the quantity
// (the product's quantity across the order's lines when the schedule is
// cumulative, the bundle price for a bundle's item, the sale price while
// on sale), the markups, and a price override for who may set one.

// cumulativeField marks a line priced by a cumulative schedule: its price
// moves with the other lines of its product (see repriceCumulative).
const cumulativeField = "_cumulative"

// priceLine prices a line item for the order's buyer: the product must be
// visible to the order's user and sold by the order's seller, priced by
// the schedule resolved for them, and in stock unless it may be oversold.
func (s *Service) priceLine(c *resource.Ctx, order api.Doc, line api.Doc, others []api.Doc) error {
	qty := api.Int(line["Quantity"])
	if qty <= 0 {
		return commerce.ErrQuantityPositive
	}
	if line["IsBundle"] == true {
		return nil // the bundle's own line: no product, no price (bundles.go)
	}
	pid := api.Str(line, "ProductID")
	p, err := s.catalog.VisibleProduct(c, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"), pid)
	if err != nil {
		return err
	}
	if p["IsParent"] == true {
		return api.E(http.StatusBadRequest, "LineItem.CannotPurchaseParentProduct", nil)
	}
	if p["IsBundle"] == true {
		return api.E(http.StatusBadRequest, "LineItem.CannotPurchaseBundleProduct", nil)
	}
	ps, _ := p["PriceSchedule"].(map[string]any)
	if seller := api.Str(order, "ToCompanyID"); seller != "" && seller != c.MarketplaceID() {
		if ps, err = s.catalog.SupplierPriceSchedule(c, p, seller, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID")); err != nil {
			return err
		}
	}
	if ps == nil {
		return api.E(http.StatusBadRequest, "PriceSchedule.MissingOrConflicting", map[string]any{"ProductID": pid})
	}
	specs, markups, err := s.lineSpecs(c, p, line)
	if err != nil {
		return err
	}
	if err := s.lineVariant(c, p, line, specs); err != nil {
		return err
	}
	sched := catalog.ScheduleOf(ps)
	override := line["UnitPrice"] != nil && c.P.Has("OverrideUnitPrice")
	base, onSale, err := sched.Price(priceRequest(order, line, others))
	if err != nil && !override {
		return api.Refused(err, map[string]any{"ProductID": pid, "Quantity": qty})
	}
	unit, subtotal := commerce.PriceLine(base, qty, markups)
	if override {
		unit, onSale = api.Dec(line["UnitPrice"]), false
		subtotal = unit.Mul(decimal.NewFromInt(int64(qty)))
	}
	if err := s.checkStock(c, order, p, line, others); err != nil {
		return err
	}
	setPrice(line, unit, subtotal, onSale)
	line["PriceScheduleID"], line["PriceOverridden"] = ps["ID"], override
	delete(line, cumulativeField)
	if sched.Cumulative && !override {
		line[cumulativeField] = true
	}
	lp := api.Doc{}
	for _, f := range lineItemProductModel.Fields {
		lp[f.Name] = p[f.Name]
	}
	line["Product"] = lp
	line["SupplierID"] = p["DefaultSupplierID"]
	return nil
}

// priceRequest is what the break of a line depends on: its quantity, its
// product's on all the order's lines, whether it is a bundle's item.
func priceRequest(order, line api.Doc, others []api.Doc) commerce.PriceRequest {
	qty := api.Int(line["Quantity"])
	total := qty
	for _, o := range others {
		if api.Str(o, "ProductID") == api.Str(line, "ProductID") && o["IsBundle"] != true {
			total += api.Int(o["Quantity"])
		}
	}
	return commerce.PriceRequest{Quantity: qty, Total: total, Bundle: api.Str(line, "BundleItemID") != "",
		Subscription: api.Str(order, "SubscriptionID") != "", Now: time.Now()}
}

// setPrice writes a line's money fields.
func setPrice(line api.Doc, unit, subtotal decimal.Decimal, onSale bool) {
	if line["PromotionDiscount"] == nil {
		line["PromotionDiscount"] = json.Number("0")
	}
	line["UnitPrice"], line["LineSubtotal"], line["IsOnSale"] = api.Money(unit), api.Money(subtotal), onSale
	line["LineTotal"] = api.Money(subtotal.Sub(api.Dec(line["PromotionDiscount"])))
}

// lineSpecs resolves a line's Specs against the product's: each given
// spec must be one of the product's, each option one of its spec's; a spec
// left out takes its default option or value, and a required one without
// any is refused. The line's Specs become the full description (name,
// option value, markup), and the markups are returned.
func (s *Service) lineSpecs(c *resource.Ctx, p api.Doc, line api.Doc) ([]any, []commerce.Markup, error) {
	given := map[string]map[string]any{}
	for _, g := range api.Maps(line["Specs"]) {
		given[api.Str(g, "SpecID")] = g
	}
	specs, err := s.catalog.ProductSpecs(c, api.Str(p, "ID"))
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, sp := range specs {
		known[api.Str(sp, "ID")] = true
	}
	for id := range given {
		if !known[id] {
			return nil, nil, api.NotFound("Spec", id)
		}
	}
	var out []any
	var markups []commerce.Markup
	for _, sp := range sortedSpecs(specs) {
		id := api.Str(sp, "ID")
		entry, err := specChoice(sp, given[id])
		if err != nil {
			return nil, nil, api.Refused(err, map[string]any{"SpecID": id})
		}
		if entry == nil {
			continue
		}
		if t := api.Str(entry, "PriceMarkupType"); t != "" && entry["PriceMarkup"] != nil {
			markups = append(markups, commerce.Markup{Type: t, Amount: api.Dec(entry["PriceMarkup"])})
		}
		out = append(out, entry)
	}
	if out == nil {
		out = []any{}
	}
	line["Specs"] = out
	return out, markups, nil
}

// specChoice is a line's entry for one spec: the option chosen (by ID, or
// by its value), open text where the spec or the option allows it, else
// the spec's default; nil when an optional spec has no value.
func specChoice(spec api.Doc, given map[string]any) (map[string]any, error) {
	options := api.Maps(spec["Options"])
	optionID, value := api.Str(given, "OptionID"), api.Str(given, "Value")
	if optionID == "" && value != "" && spec["AllowOpenText"] != true {
		for _, o := range options {
			if strings.EqualFold(api.Str(o, "Value"), value) {
				optionID = api.Str(o, "ID")
			}
		}
		if optionID == "" {
			return nil, commerce.ErrSpecOptionNotFound
		}
	}
	if optionID == "" && value == "" {
		optionID, value = api.Str(spec, "DefaultOptionID"), api.Str(spec, "DefaultValue")
	}
	entry := map[string]any{"SpecID": spec["ID"], "Name": spec["Name"], "OptionID": nil, "Value": nil, "PriceMarkupType": nil, "PriceMarkup": nil}
	switch {
	case optionID != "":
		var opt map[string]any
		for _, o := range options {
			if api.Str(o, "ID") == optionID {
				opt = o
			}
		}
		if opt == nil {
			return nil, commerce.ErrSpecOptionNotFound
		}
		entry["OptionID"], entry["Value"] = optionID, opt["Value"]
		if opt["IsOpenText"] == true && value != "" {
			entry["Value"] = value
		}
		if t := api.Str(opt, "PriceMarkupType"); t != "" && t != commerce.NoMarkup {
			entry["PriceMarkupType"], entry["PriceMarkup"] = t, opt["PriceMarkup"]
		}
	case value != "":
		entry["Value"] = value
	case spec["Required"] == true && len(options) > 0 && spec["AllowOpenText"] != true:
		return nil, commerce.ErrSpecRequiresSelection
	case spec["Required"] == true:
		return nil, commerce.ErrSpecRequiresValue
	default:
		return nil, nil
	}
	return entry, nil
}

// sortedSpecs orders specs as buyers see them: by ListOrder, then ID.
func sortedSpecs(specs []api.Doc) []api.Doc {
	out := slices.Clone(specs)
	slices.SortStableFunc(out, func(a, b api.Doc) int {
		if d := cmp.Compare(api.Int(a["ListOrder"]), api.Int(b["ListOrder"])); d != 0 {
			return d
		}
		return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID"))
	})
	return out
}

// lineVariant selects the variant a line's variant-defining spec options
// name, for a product with variant specs: an active one, or the line is
// refused (LineItem.VariantNotFound).
func (s *Service) lineVariant(c *resource.Ctx, p api.Doc, line api.Doc, entries []any) error {
	specs, err := s.catalog.ProductSpecs(c, api.Str(p, "ID"))
	if err != nil {
		return err
	}
	defines := map[string]bool{}
	for _, sp := range specs {
		if sp["DefinesVariant"] == true {
			defines[api.Str(sp, "ID")] = true
		}
	}
	line["Variant"] = nil
	if len(defines) == 0 {
		return nil
	}
	var choices []commerce.VariantChoice
	for _, e := range entries {
		m, _ := e.(map[string]any)
		if defines[api.Str(m, "SpecID")] && api.Str(m, "OptionID") != "" {
			choices = append(choices, commerce.VariantChoice{SpecID: api.Str(m, "SpecID"), OptionID: api.Str(m, "OptionID")})
		}
	}
	variants, err := s.catalog.ProductVariants(c, api.Str(p, "ID"))
	if err != nil {
		return err
	}
	key := commerce.VariantKey(choices)
	for _, v := range variants {
		if v["Active"] == true && len(choices) == len(defines) && catalog.VariantKey(v) == key {
			lv := api.Doc{}
			for _, f := range lineItemVariantModel.Fields {
				lv[f.Name] = v[f.Name]
			}
			line["Variant"] = lv
			return nil
		}
	}
	return api.Refused(commerce.ErrVariantNotFound, map[string]any{"ProductID": p["ID"]})
}

// repriceCumulative is the adjuster keeping lines priced by a cumulative
// schedule at the break of their product's quantity on the whole order:
// adding, changing or removing one line of a product moves the others'.
func (s *Service) repriceCumulative(c *resource.Ctx, order api.Doc, lines []api.Doc) ([]api.Doc, error) {
	var changed []api.Doc
	for i, l := range lines {
		if l[cumulativeField] != true || l["PriceOverridden"] == true {
			continue
		}
		sched, err := s.schedule(c, api.Str(l, "PriceScheduleID"))
		if err != nil {
			return nil, err
		}
		others := append(append([]api.Doc(nil), lines[:i]...), lines[i+1:]...)
		base, onSale, err := sched.Price(priceRequest(order, l, others))
		if err != nil {
			return nil, api.Refused(err, map[string]any{"ProductID": l["ProductID"], "Quantity": l["Quantity"]})
		}
		unit, subtotal := commerce.PriceLine(base, api.Int(l["Quantity"]), lineMarkups(l))
		if api.Dec(l["UnitPrice"]).Equal(unit) && api.Dec(l["LineSubtotal"]).Equal(subtotal) && l["IsOnSale"] == onSale {
			continue
		}
		setPrice(l, unit, subtotal, onSale)
		changed = append(changed, l)
	}
	return changed, nil
}

// lineMarkups are the markups a priced line's Specs carry.
func lineMarkups(line api.Doc) []commerce.Markup {
	var out []commerce.Markup
	for _, sp := range api.Maps(line["Specs"]) {
		if t := api.Str(sp, "PriceMarkupType"); t != "" && sp["PriceMarkup"] != nil {
			out = append(out, commerce.Markup{Type: t, Amount: api.Dec(sp["PriceMarkup"])})
		}
	}
	return out
}

// schedule reads a price schedule for pricing, once per request.
func (s *Service) schedule(c *resource.Ctx, id string) (commerce.Schedule, error) {
	v, err := c.Memo("schedule#"+id, func() (any, error) {
		e, err := c.Reg.Load(c, s.catalog.PriceSchedules, nil, id)
		if err != nil {
			return nil, err
		}
		return catalog.ScheduleOf(e.Doc), nil
	})
	if err != nil {
		return commerce.Schedule{}, err
	}
	return v.(commerce.Schedule), nil
}

// checkCumulative is the submit step holding each product priced by a
// cumulative schedule to the schedule's minimum and allowed quantities,
// counted across the order's lines.
func (s *Service) checkCumulative(c *resource.Ctx, sub *Submission) error {
	totals := map[string]int{}
	scheduleOf := map[string]string{}
	for _, l := range sub.Lines {
		if l["IsBundle"] == true {
			continue
		}
		pid := api.Str(l, "ProductID")
		totals[pid] += api.Int(l["Quantity"])
		if l[cumulativeField] == true {
			scheduleOf[pid] = api.Str(l, "PriceScheduleID")
		}
	}
	for pid, id := range scheduleOf {
		sched, err := s.schedule(c, id)
		if err != nil {
			return err
		}
		if err := sched.CheckCumulative(totals[pid]); err != nil {
			return api.Refused(err, map[string]any{"ProductID": pid, "Quantity": totals[pid]})
		}
	}
	return nil
}
