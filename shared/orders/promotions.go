package orders

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/shopspring/decimal"
)

// Promotions applied to orders.
//
// An order keeps the promotions applied to it in its own document
// (promotionsField), in the order they were applied, each with the amount
// it takes off the order and, for a line-item promotion, off each line.
// The amounts are recomputed after every change of the order (an
// Adjuster), so they follow the lines; a promotion the order no longer
// meets stays on it at 0 until it is removed, refreshed away or the order
// is submitted, which evaluates every promotion again and refuses an order
// that does not meet one. Submitting counts each promotion's redemption,
// overall and for the order's user, in counters taken conditionally in
// the submit's transaction, so concurrent submits never pass a limit.

// promotionsField holds an order's applied promotions (never output).
const promotionsField = "_promotions"

// maxAutoApply is how many promotions one ApplyPromotions (or refresh)
// applies at most, as OrderCloud documents.
const maxAutoApply = 100

var (
	orderPromotionModel    = contract.MustModel("OrderPromotion")
	eligiblePromotionModel = contract.MustModel("EligiblePromotion")
	refreshPromosModel     = contract.MustModel("RefreshPromosResponse")
)

// appliedPromotion is one promotion on an order as the order keeps it.
type appliedPromotion struct {
	ID          string                  `json:"ID"`
	Code        string                  `json:"Code"`
	DateApplied string                  `json:"DateApplied"`
	Amount      decimal.Decimal         `json:"Amount"`
	Lines       []commerce.LineDiscount `json:"Lines,omitempty"`
}

// appliedOf reads an order's applied promotions.
func appliedOf(order api.Doc) []appliedPromotion {
	raw, ok := order[promotionsField]
	if !ok || raw == nil {
		return nil
	}
	b, _ := json.Marshal(raw)
	var out []appliedPromotion
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

// setApplied writes an order's applied promotions (removing the field when
// none are left).
func setApplied(order api.Doc, recs []appliedPromotion) {
	if len(recs) == 0 {
		delete(order, promotionsField)
		return
	}
	b, _ := json.Marshal(recs)
	var v []any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	_ = d.Decode(&v)
	order[promotionsField] = v
}

// declarePromotions serves the order promotion operations and plugs
// promotions into the order's lifecycle.
func (s *Service) declarePromotions(r *resource.Registry) {
	r.Handle("Orders.AddPromotion", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		op, err := s.AddPromotion(c, c.P, d, c.Param("orderID"), c.Param("promoCode"))
		if err != nil {
			return nil, err
		}
		return api.Ordered{Model: orderPromotionModel, Doc: op}, nil
	})
	r.Handle("Orders.RemovePromotion", func(c *resource.Ctx) (any, error) {
		return orderCall(c, func(d Direction) (api.Doc, error) {
			return s.RemovePromotion(c, c.P, d, c.Param("orderID"), c.Param("promoCode"))
		})
	})
	r.Handle("Orders.ListPromotions", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		docs, err := s.Promotions(c, c.P, d, c.Param("orderID"))
		if err != nil {
			return nil, err
		}
		return c.Reg.Page(c, orderPromotionModel, docs, nil)
	})
	r.Handle("Orders.ListEligiblePromotions", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		docs, err := s.EligiblePromotions(c, c.P, d, c.Param("orderID"))
		if err != nil {
			return nil, err
		}
		return c.Reg.Page(c, eligiblePromotionModel, docs, nil)
	})
	r.Handle("Orders.ApplyPromotions", func(c *resource.Ctx) (any, error) {
		return orderCall(c, func(d Direction) (api.Doc, error) { return s.ApplyPromotions(c, c.P, d, c.Param("orderID")) })
	})
	r.Handle("Orders.RefreshPromotions", func(c *resource.Ctx) (any, error) {
		d, err := dir(c)
		if err != nil {
			return nil, err
		}
		out, err := s.RefreshPromotions(c, c.P, d, c.Param("orderID"))
		if err != nil {
			return nil, err
		}
		return api.Ordered{Model: refreshPromosModel, Doc: out}, nil
	})
	// Applying and refreshing create nothing: 200, as OrderCloud answers.
	r.Answers("Orders.ApplyPromotions", http.StatusOK)
	r.Answers("Orders.RefreshPromotions", http.StatusOK)

	s.Adjust(s.adjustPromotions)
	s.OnSubmit(s.redeemPromotions)
}

// AddPromotion applies the promotion a code names (any letter case) to an
// order, and returns it as applied (OrderPromotion).
func (s *Service) AddPromotion(ctx context.Context, p *auth.Principal, dir Direction, orderID, code string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	e, err := s.catalog.PromotionByCode(c, code)
	if err != nil {
		return nil, err
	}
	var out api.Doc
	_, err = s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
		if err := commerce.PromotionsApply(api.Str(o, "Status")); err != nil {
			return err
		}
		lines, err := s.orderLines(c, tx, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		pv, err := s.promoView(c, o, lines)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(pv.applied, func(a appliedPromotion) bool { return a.ID == api.Str(e.Doc, "ID") }) {
			return api.Refused(commerce.ErrPromoAlreadyAdded, promoData(e.Doc))
		}
		if err := pv.check(e.Doc, checkAll); err != nil {
			return err
		}
		pv.add(e.Doc, tx)
		if err := s.settle(c, o, lines, tx); err != nil {
			return err
		}
		for _, a := range appliedOf(o) {
			if a.ID == api.Str(e.Doc, "ID") {
				out = orderPromotion(e.Doc, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.catalog.WithRedemptionCounts(c, []api.Doc{out})
}

// RemovePromotion takes a promotion, named by its code (any letter case),
// off an order and returns the order.
func (s *Service) RemovePromotion(ctx context.Context, p *auth.Principal, dir Direction, orderID, code string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
		if err := commerce.PromotionsApply(api.Str(o, "Status")); err != nil {
			return err
		}
		recs := appliedOf(o)
		ids := make([]string, len(recs))
		for i, a := range recs {
			ids[i] = a.ID
		}
		promos, err := s.loadPromotions(c, ids)
		if err != nil {
			return err
		}
		// The code the promotion had when applied, or its code now.
		i := slices.IndexFunc(recs, func(a appliedPromotion) bool {
			return strings.EqualFold(a.Code, code) || (promos[a.ID] != nil && strings.EqualFold(api.Str(promos[a.ID], "Code"), code))
		})
		if i < 0 {
			return api.NotFound("Promotion", code)
		}
		if doc := promos[recs[i].ID]; doc != nil && api.Str(o, "Status") != commerce.Unsubmitted {
			// The order was submitted with it: its redemption is given back.
			giveBack(tx, doc, o)
		}
		setApplied(o, slices.Delete(recs, i, i+1))
		lines, err := s.orderLines(c, tx, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		return s.settle(c, o, lines, tx)
	})
}

// Promotions lists the promotions applied to an order (OrderPromotion):
// one per order-level promotion, and one per line a line-item promotion
// applies to (with its LineItemID).
func (s *Service) Promotions(ctx context.Context, p *auth.Principal, dir Direction, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	recs := appliedOf(e.Doc)
	ids := make([]string, len(recs))
	for i, a := range recs {
		ids[i] = a.ID
	}
	promos, err := s.loadPromotions(c, ids)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, a := range recs {
		doc := promos[a.ID]
		if doc == nil {
			// Deleted since: what the order remembers of it.
			doc = api.Doc{"ID": a.ID, "Code": a.Code}
		}
		if len(a.Lines) == 0 {
			out = append(out, orderPromotion(doc, a))
			continue
		}
		for _, l := range a.Lines {
			row := orderPromotion(doc, appliedPromotion{ID: a.ID, Code: a.Code, DateApplied: a.DateApplied, Amount: l.Amount})
			row["LineItemID"] = l.LineItemID
			out = append(out, row)
		}
	}
	return out, s.catalog.WithRedemptionCounts(c, out)
}

// EligiblePromotions lists the promotions the order's user may use that
// the order meets now (EligiblePromotion), each with the amount it would
// take off on its own, whether it is applied already or not.
func (s *Service) EligiblePromotions(ctx context.Context, p *auth.Principal, dir Direction, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	lines, err := s.lines(c, orderID)
	if err != nil {
		return nil, err
	}
	pv, err := s.promoView(c, e.Doc, lines)
	if err != nil {
		return nil, err
	}
	usable, err := s.catalog.UsablePromotions(c, pv.party)
	if err != nil {
		return nil, err
	}
	if err := pv.countRedemptions(usable); err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, doc := range usable {
		d, err := pv.evaluate(doc, checkAlone)
		if err != nil {
			if isRefusal(err) {
				continue
			}
			return nil, err
		}
		row := api.Clone(doc)
		row["Amount"] = api.Money(d.Amount)
		out = append(out, row)
	}
	return out, s.catalog.WithRedemptionCounts(c, out)
}

// ApplyPromotions applies the AutoApply promotions the order's user may
// use and the order meets, by Priority (those without last), up to 100,
// each as AddPromotion would (a promotion that cannot join is passed
// over), and returns the order.
func (s *Service) ApplyPromotions(ctx context.Context, p *auth.Principal, dir Direction, orderID string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
		if err := commerce.PromotionsApply(api.Str(o, "Status")); err != nil {
			return err
		}
		lines, err := s.orderLines(c, tx, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		pv, err := s.promoView(c, o, lines)
		if err != nil {
			return err
		}
		if _, err := pv.autoApply(tx); err != nil {
			return err
		}
		return s.settle(c, o, lines, tx)
	})
}

// RefreshPromotions checks every promotion on the order again, removes
// those no longer valid (with the code saying why), applies the AutoApply
// ones it now meets and recomputes the discounts; it returns what was
// added and removed (RefreshPromosResponse).
func (s *Service) RefreshPromotions(ctx context.Context, p *auth.Principal, dir Direction, orderID string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	var out api.Doc
	_, err := s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
		status := api.Str(o, "Status")
		if err := commerce.PromotionsApply(status); err != nil {
			return err
		}
		lines, err := s.orderLines(c, tx, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		pv, err := s.promoView(c, o, lines)
		if err != nil {
			return err
		}
		// Promotions counted when the order was submitted keep their
		// count; only what else they need is checked again.
		mode := checkAll
		if status != commerce.Unsubmitted {
			mode = checkCounted
		}
		var kept []appliedPromotion
		var removed []api.Doc
		all := pv.applied
		for _, a := range all {
			doc := pv.promos[a.ID]
			var err error
			if doc == nil {
				err = api.NotFound("Promotion", a.Code)
			} else {
				pv.applied = kept
				err = pv.check(doc, mode)
			}
			if err == nil {
				kept = append(kept, a)
				continue
			}
			if !isRefusal(err) {
				return err
			}
			if doc == nil {
				doc = api.Doc{"ID": a.ID, "Code": a.Code}
			} else if status != commerce.Unsubmitted {
				giveBack(tx, doc, o)
			}
			ae := api.AsError(err)
			row := orderPromotion(doc, a)
			row["ErrorCode"], row["Reason"] = ae.Code, ae.Message
			removed = append(removed, row)
		}
		pv.applied = kept
		setApplied(o, kept)
		added, err := pv.autoApply(tx)
		if err != nil {
			return err
		}
		if err := s.settle(c, o, lines, tx); err != nil {
			return err
		}
		var addedRows []any
		for _, a := range appliedOf(o) {
			if doc, ok := added[a.ID]; ok {
				for _, row := range promotionRows(doc, a) {
					addedRows = append(addedRows, row)
				}
			}
		}
		removedRows := make([]any, len(removed))
		for i, r := range removed {
			removedRows[i] = r
		}
		out = api.Doc{"PromosAdded": addedRows, "PromosRemoved": removedRows}
		return nil
	})
	return out, err
}

// orderPromotion presents a promotion as applied to an order.
func orderPromotion(promo api.Doc, a appliedPromotion) api.Doc {
	row := api.Clone(promo)
	row["Amount"], row["DateApplied"], row["AmountOverridden"] = api.Money(a.Amount), a.DateApplied, false
	row["LineItemID"] = nil
	if len(a.Lines) == 1 {
		row["LineItemID"] = a.Lines[0].LineItemID
	}
	return row
}

// promotionRows are a promotion's rows as lists show it: one, or one per
// line it discounts.
func promotionRows(promo api.Doc, a appliedPromotion) []api.Doc {
	if len(a.Lines) <= 1 {
		return []api.Doc{orderPromotion(promo, a)}
	}
	out := make([]api.Doc, len(a.Lines))
	for i, l := range a.Lines {
		out[i] = orderPromotion(promo, appliedPromotion{ID: a.ID, Code: a.Code, DateApplied: a.DateApplied, Amount: l.Amount, Lines: []commerce.LineDiscount{l}})
	}
	return out
}

func promoData(promo api.Doc) map[string]any {
	return map[string]any{"PromotionID": api.Str(promo, "ID"), "Code": api.Str(promo, "Code")}
}

// isRefusal reports whether err is the answer to the caller (a rule said
// no, or the promotion is not found), not a failure.
func isRefusal(err error) bool {
	var ae *api.Error
	var coded api.Coded
	return (errors.As(err, &ae) && ae.Status < 500) || errors.As(err, &coded)
}

// orderLines reads an order's lines, known to tx (their rewrite keeps
// their indexes without reading them again).
func (s *Service) orderLines(c *resource.Ctx, tx *resource.Tx, orderID string) ([]api.Doc, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: s.LineItems.PK(orderID)})
	if err != nil {
		return nil, err
	}
	lines := make([]api.Doc, len(items))
	for i, it := range items {
		if lines[i], err = resource.DecodeItem(it); err != nil {
			return nil, err
		}
		tx.Knows(it)
	}
	return lines, nil
}

// loadPromotions reads promotions by ID (one BatchGetItem); missing ones
// are absent.
func (s *Service) loadPromotions(c *resource.Ctx, ids []string) (map[string]api.Doc, error) {
	out := map[string]api.Doc{}
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = s.catalog.Promotions.Key(nil, id)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if it, ok := got[keys[i]]; ok {
			d, err := resource.DecodeItem(it)
			if err != nil {
				return nil, err
			}
			out[id] = d
		}
	}
	return out, nil
}

// promotionOf reads what applying a promotion needs from its document.
// An expression that does not parse (saved before expressions were
// checked) leaves the promotion never eligible.
func promotionOf(d api.Doc) commerce.Promotion {
	p := commerce.Promotion{ID: api.Str(d, "ID"), Code: api.Str(d, "Code"), LineItemLevel: d["LineItemLevel"] == true,
		CanCombine: d["CanCombine"] == true, Active: d["Active"] != false, Start: api.Time(d["StartDate"]),
		Expires: api.Time(d["ExpirationDate"]), OwnerID: api.Str(d, "OwnerID"), ItemLimit: intOf(d["ItemLimitPerOrder"]),
		QuantityLimit: intOf(d["QuantityLimitPerOrder"]), ItemSortBy: api.Str(d, "ItemSortBy")}
	p.Eligible, _ = expr.Parse(api.Str(d, "EligibleExpression"))
	if v := api.Str(d, "ValueExpression"); v != "" {
		var err error
		if p.Value, err = expr.Parse(v); err != nil {
			p.Eligible = nil
		}
	}
	return p
}

func intOf(v any) *int {
	if _, ok := v.(json.Number); !ok {
		return nil
	}
	n := api.Int(v)
	return &n
}

// promoView is an order being checked for promotions: the order, its
// lines, its user as assignments see them, its applied promotions and
// those promotions' documents, and the redemption counts read so far.
type promoView struct {
	s       *Service
	c       *resource.Ctx
	order   api.Doc
	lines   []api.Doc
	party   commerce.Party
	applied []appliedPromotion
	promos  map[string]api.Doc
	counts  map[store.Key]int64
	now     time.Time
}

// promoView reads what checking promotions against an order needs: its
// user's party and its applied promotions' documents (unless given).
func (s *Service) promoView(c *resource.Ctx, order api.Doc, lines []api.Doc, promos ...map[string]api.Doc) (*promoView, error) {
	party, err := s.buyers.Party(c, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"))
	if err != nil {
		return nil, err
	}
	pv := &promoView{s: s, c: c, order: order, lines: lines, party: party, applied: appliedOf(order),
		counts: map[store.Key]int64{}, now: time.Now()}
	if len(promos) > 0 {
		pv.promos = promos[0]
		return pv, nil
	}
	ids := make([]string, len(pv.applied))
	for i, a := range pv.applied {
		ids[i] = a.ID
	}
	if pv.promos, err = s.loadPromotions(c, ids); err != nil {
		return nil, err
	}
	return pv, nil
}

// checkMode says which of a promotion's rules a check applies.
type checkMode int

const (
	// checkAll: every rule, as for a promotion joining the order.
	checkAll checkMode = iota
	// checkCounted: every rule but the usage limits, for a promotion whose
	// redemption this order already counts.
	checkCounted
	// checkAlone: every rule but combining, for a promotion considered on
	// its own (eligible promotions).
	checkAlone
)

// check applies a promotion's rules to the order: active and within its
// dates, offered by the order's seller, usable by the order's user (else
// it is not found), combinable with those applied, under its usage limits,
// and met by the order.
func (pv *promoView) check(promo api.Doc, mode checkMode) error {
	_, err := pv.evaluate(promo, mode)
	return err
}

// evaluate checks a promotion as check does and returns what it would take
// off the order on its own.
func (pv *promoView) evaluate(promo api.Doc, mode checkMode) (commerce.Discount, error) {
	p := promotionOf(promo)
	refuse := func(err error) (commerce.Discount, error) {
		return commerce.Discount{}, api.Refused(err, promoData(promo))
	}
	if err := p.Usable(pv.now); err != nil {
		return refuse(err)
	}
	if err := p.OfferedTo(api.Str(pv.order, "ToCompanyID"), pv.c.MarketplaceID()); err != nil {
		return refuse(err)
	}
	ok, err := pv.s.catalog.MayUsePromotion(pv.c, pv.party, promo)
	if err != nil {
		return commerce.Discount{}, err
	}
	if !ok {
		return commerce.Discount{}, api.NotFound("Promotion", p.Code)
	}
	if mode != checkAlone {
		flags := make([]bool, 0, len(pv.applied))
		for _, a := range pv.applied {
			// One deleted or deactivated takes nothing and is on its way
			// off the order: it stands in no one's way.
			if d := pv.promos[a.ID]; d != nil && d["Active"] != false {
				flags = append(flags, d["CanCombine"] == true)
			}
		}
		if err := p.Combines(flags); err != nil {
			return refuse(err)
		}
	}
	if mode != checkCounted {
		if err := pv.underLimits(promo); err != nil {
			return commerce.Discount{}, err
		}
	}
	d := commerce.Discounts([]commerce.Promotion{p}, pv.s.promoOrder(pv.c, pv.order, pv.lines, pv.now))[0]
	if !d.Eligible {
		err := api.Refused(commerce.ErrPromoNotEligible, promoData(promo))
		if d.Err != nil {
			err = api.AsError(err).WithMessage("The order does not meet the promotion's requirements: " + d.Err.Error())
		}
		return commerce.Discount{}, err
	}
	return d, nil
}

// redemptionKeys are a promotion's counters for the order: overall and
// for the order's user.
func (pv *promoView) redemptionKeys(promo api.Doc) (total, user store.Key) {
	return catalog.PromotionRedemptionKey(promo, "", ""),
		catalog.PromotionRedemptionKey(promo, api.Str(pv.order, "FromCompanyID"), api.Str(pv.order, "FromUserID"))
}

// countRedemptions reads the redemption counters of promotions (one
// BatchGetItem) for the checks to come.
func (pv *promoView) countRedemptions(promos []api.Doc) error {
	var keys []store.Key
	for _, d := range promos {
		total, user := pv.redemptionKeys(d)
		for _, k := range []store.Key{total, user} {
			if _, ok := pv.counts[k]; !ok {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	n, err := pv.c.Deps.Store.Tallies(pv.c, keys)
	if err != nil {
		return err
	}
	for k, v := range n {
		pv.counts[k] = v
	}
	return nil
}

// underLimits checks one more redemption of a promotion stays within its
// limits, overall and for the order's user, as counted now.
func (pv *promoView) underLimits(promo api.Doc) error {
	if err := pv.countRedemptions([]api.Doc{promo}); err != nil {
		return err
	}
	total, user := pv.redemptionKeys(promo)
	if err := commerce.UnderLimit(pv.counts[total], intOf(promo["RedemptionLimit"])); err != nil {
		return api.Refused(err, promoData(promo))
	}
	if err := commerce.UnderLimit(pv.counts[user], intOf(promo["RedemptionLimitPerUser"])); err != nil {
		return api.Refused(err, promoData(promo))
	}
	return nil
}

// add puts a checked promotion on the order (last). On an order already
// submitted (awaiting approval) its redemption is counted at once.
func (pv *promoView) add(promo api.Doc, tx *resource.Tx) {
	id := api.Str(promo, "ID")
	pv.applied = append(pv.applied, appliedPromotion{ID: id, Code: api.Str(promo, "Code"), DateApplied: api.Now()})
	pv.promos[id] = promo
	setApplied(pv.order, pv.applied)
	if api.Str(pv.order, "Status") != commerce.Unsubmitted {
		redeem(tx, promo, pv.order)
	}
}

// autoApply applies the AutoApply promotions the order's user may use, by
// Priority (without one last, then by ID), up to maxAutoApply; those that
// fail a check are passed over. It returns the promotions applied.
func (pv *promoView) autoApply(tx *resource.Tx) (map[string]api.Doc, error) {
	usable, err := pv.s.catalog.UsablePromotions(pv.c, pv.party)
	if err != nil {
		return nil, err
	}
	candidates := slices.DeleteFunc(usable, func(d api.Doc) bool {
		return d["AutoApply"] != true || slices.ContainsFunc(pv.applied, func(a appliedPromotion) bool { return a.ID == api.Str(d, "ID") })
	})
	slices.SortStableFunc(candidates, func(a, b api.Doc) int {
		pa, pb := intOf(a["Priority"]), intOf(b["Priority"])
		switch {
		case pa != nil && pb == nil:
			return -1
		case pa == nil && pb != nil:
			return 1
		case pa != nil && *pa != *pb:
			return cmp.Compare(*pa, *pb)
		}
		return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID"))
	})
	if err := pv.countRedemptions(candidates); err != nil {
		return nil, err
	}
	added := map[string]api.Doc{}
	for _, d := range candidates {
		if len(added) == maxAutoApply {
			break
		}
		err := pv.check(d, checkAll)
		if err != nil && !isRefusal(err) {
			return nil, err
		}
		if err == nil {
			pv.add(d, tx)
			added[api.Str(d, "ID")] = d
		}
	}
	return added, nil
}

// redeem counts one redemption of a promotion by the order in tx,
// overall and for the order's user, each held to its limit: if another
// order took the last one first, the transaction fails with
// Promotion.ExceedsUsageLimit and nothing is written.
func redeem(tx *resource.Tx, promo api.Doc, order api.Doc) {
	used := api.Refused(commerce.ErrPromoUsedUp, promoData(promo))
	total := catalog.PromotionRedemptionKey(promo, "", "")
	user := catalog.PromotionRedemptionKey(promo, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"))
	tx.AddOr(store.Op{Tally: &total, Amount: 1, Ceiling: ceiling(promo["RedemptionLimit"])}, used)
	tx.AddOr(store.Op{Tally: &user, Amount: 1, Ceiling: ceiling(promo["RedemptionLimitPerUser"])}, used)
}

// giveBack uncounts a redemption the order counted (a promotion taken off
// an order awaiting approval).
func giveBack(tx *resource.Tx, promo api.Doc, order api.Doc) {
	total := catalog.PromotionRedemptionKey(promo, "", "")
	user := catalog.PromotionRedemptionKey(promo, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"))
	tx.Add(store.Op{Tally: &total, Amount: -1})
	tx.Add(store.Op{Tally: &user, Amount: -1})
}

func ceiling(limit any) *int64 {
	n := intOf(limit)
	if n == nil {
		return nil
	}
	v := int64(*n)
	return &v
}

// promoOrder is the order as promotions evaluate it: before any promotion
// discount (its lines' discounts and its own at 0, its totals computed
// without them).
func (s *Service) promoOrder(c *resource.Ctx, order api.Doc, lines []api.Doc, now time.Time) commerce.PromoOrder {
	o := api.Clone(order)
	delete(o, promotionsField)
	o["PromotionDiscount"] = json.Number("0")
	pls := make([]commerce.PromoLine, len(lines))
	docs := make([]api.Doc, len(lines))
	for i, l := range lines {
		d := make(api.Doc, len(l))
		for k, v := range l {
			d[k] = v
		}
		d["PromotionDiscount"], d["LineTotal"] = json.Number("0"), d["LineSubtotal"]
		docs[i] = d
		pls[i] = commerce.PromoLine{ID: api.Str(l, "ID"), Quantity: api.Int(l["Quantity"]), Subtotal: api.Dec(l["LineSubtotal"]), Doc: d}
	}
	applyTotals(o, docs)
	return commerce.PromoOrder{Doc: o, Lines: pls, Total: api.Dec(o["Total"]), Now: now,
		InCategory: func(productID, categoryID string, descendants bool) (bool, error) {
			return s.catalog.ProductInCategory(c, productID, categoryID, descendants)
		}}
}

// adjustPromotions is the Adjuster keeping promotion discounts current:
// while promotions may change (before submit, and awaiting approval) it
// recomputes each applied promotion's amount, the lines' and the order's
// PromotionDiscount. Promotions deleted or deactivated since they were
// applied leave an unsubmitted order.
func (s *Service) adjustPromotions(c *resource.Ctx, order api.Doc, lines []api.Doc) ([]api.Doc, error) {
	status := api.Str(order, "Status")
	if commerce.PromotionsApply(status) != nil {
		return nil, nil
	}
	_, changed, err := s.discount(c, order, lines, status == commerce.Unsubmitted)
	return changed, err
}

// discount recomputes the order's promotion discounts in place and returns
// the promotions' documents and the lines whose discount changed; with
// dropGone, promotions deleted or deactivated leave the order.
func (s *Service) discount(c *resource.Ctx, order api.Doc, lines []api.Doc, dropGone bool) (map[string]api.Doc, []api.Doc, error) {
	recs := appliedOf(order)
	promos := map[string]api.Doc{}
	if len(recs) > 0 {
		ids := make([]string, len(recs))
		for i, a := range recs {
			ids[i] = a.ID
		}
		var err error
		if promos, err = s.loadPromotions(c, ids); err != nil {
			return nil, nil, err
		}
		if dropGone {
			recs = slices.DeleteFunc(recs, func(a appliedPromotion) bool {
				d := promos[a.ID]
				return d == nil || d["Active"] == false
			})
		}
	}
	ps := make([]commerce.Promotion, len(recs))
	for i, a := range recs {
		if d := promos[a.ID]; d != nil {
			ps[i] = promotionOf(d)
		}
	}
	var ds []commerce.Discount
	if len(recs) > 0 {
		ds = commerce.Discounts(ps, s.promoOrder(c, order, lines, time.Now()))
	}
	total := decimal.Zero
	perLine := map[string]decimal.Decimal{}
	for i := range recs {
		recs[i].Amount, recs[i].Lines = ds[i].Amount, ds[i].Lines
		total = total.Add(ds[i].Amount)
		for _, l := range ds[i].Lines {
			perLine[l.LineItemID] = perLine[l.LineItemID].Add(l.Amount)
		}
	}
	setApplied(order, recs)
	order["PromotionDiscount"] = api.Money(total)
	var changed []api.Doc
	for _, l := range lines {
		want := perLine[api.Str(l, "ID")]
		lineTotal := api.Dec(l["LineSubtotal"]).Sub(want)
		if l["PromotionDiscount"] != nil && api.Dec(l["PromotionDiscount"]).Equal(want) && api.Dec(l["LineTotal"]).Equal(lineTotal) {
			continue
		}
		l["PromotionDiscount"], l["LineTotal"] = api.Money(want), api.Money(lineTotal)
		changed = append(changed, l)
	}
	return promos, changed, nil
}

// redeemPromotions is the submit step for promotions: every promotion on
// the order is evaluated again (amounts included) and must still be valid
// and met by the order, and its redemption is counted, overall and for the
// order's user, within its limits.
func (s *Service) redeemPromotions(c *resource.Ctx, sub *Submission) error {
	if len(appliedOf(sub.Order)) == 0 {
		return nil
	}
	// The order was unsubmitted until now: promotions gone since leave it,
	// as they would have at any change.
	promos, changed, err := s.discount(c, sub.Order, sub.Lines, true)
	if err != nil {
		return err
	}
	applyTotals(sub.Order, sub.Lines)
	pv, err := s.promoView(c, sub.Order, sub.Lines, promos)
	if err != nil {
		return err
	}
	recs := pv.applied
	for i, a := range recs {
		pv.applied = recs[:i]
		if err := pv.check(promos[a.ID], checkAll); err != nil {
			return err
		}
	}
	if sub.DryRun {
		return nil
	}
	for _, l := range changed {
		s.putLine(sub.Tx, sub.Order, l)
	}
	for _, a := range recs {
		redeem(sub.Tx, promos[a.ID], sub.Order)
	}
	return nil
}
