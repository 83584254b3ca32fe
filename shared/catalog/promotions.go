package catalog

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declarePromotions(r *resource.Registry) {
	cat.Promotions = r.Add(&resource.Resource{Name: "Promotions", Model: "Promotion", IDParam: "promotionID",
		Prepare: preparePromotion, BeforeDelete: deletePromotionCode, Present: cat.presentPromotion, Reach: ownedByOwnerID})
	cat.PromotionAssignments = r.AddAssignment(&resource.Assignment{Resource: "Promotions", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "PromotionAssignment", Key: []string{"PromotionID", "BuyerID", "UserGroupID"}, IndexBy: []string{"BuyerID"},
		Refs: []resource.Ref{{Field: "PromotionID", Resource: "Promotions"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Party: true, Reach: []string{"PromotionID"}})
	r.Handle("Me.ListPromotions", cat.meListPromotions)
	r.Handle("Me.GetPromotion", cat.meGetPromotion)
}

// promotionCodeKey reserves a promotion code: buyers enter codes, so one
// code names one promotion, whatever its letter case.
func promotionCodeKey(code string) store.Key {
	return store.Key{PK: "PromotionCode", SK: strings.ToLower(code)}
}

// promotionExpressionMax is the length limit OrderCloud documents for
// EligibleExpression and ValueExpression.
const promotionExpressionMax = 400

func preparePromotion(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if err := checkPromotionRules(doc); err != nil {
		return err
	}
	if err := checkPromotionExpressions(doc); err != nil {
		return err
	}
	// The redemption counters of a promotion deleted and created again
	// under its ID start anew (see PromotionRedemptionKey).
	stampGen(old, doc)
	code, oldCode := api.Str(doc, "Code"), ""
	if old != nil {
		oldCode = api.Str(old, "Code")
	}
	if strings.EqualFold(code, oldCode) {
		return nil
	}
	k := promotionCodeKey(code)
	ref, _ := json.Marshal(map[string]any{"PromotionID": doc["ID"]})
	tx.PutOr(store.Item{PK: k.PK, SK: k.SK, Type: k.PK, ID: k.SK, Doc: ref},
		store.IfAbsent, api.E(http.StatusConflict, "Promotion.CodeInUse", map[string]any{"Code": code}))
	if oldCode != "" {
		tx.Delete(promotionCodeKey(oldCode))
	}
	return nil
}

// checkPromotionRules applies the contract's rules between a promotion's
// fields: dates in order, item limits only on line-item promotions, and a
// value from either an expression or the promotion integration.
func checkPromotionRules(doc api.Doc) error {
	bad := func(code string) error { return api.E(http.StatusBadRequest, code, nil) }
	start, end := api.Time(doc["StartDate"]), api.Time(doc["ExpirationDate"])
	if start != nil && end != nil && end.Before(*start) {
		return bad("Promotion.ExpirationPrecedsStart")
	}
	for _, f := range []string{"EligibleExpression", "ValueExpression"} {
		if utf8.RuneCountInString(api.Str(doc, f)) > promotionExpressionMax {
			return api.Validation(f, f+" cannot be longer than 400 characters.")
		}
	}
	lineLevel := doc["LineItemLevel"] == true
	itemLimit, qtyLimit := doc["ItemLimitPerOrder"] != nil, doc["QuantityLimitPerOrder"] != nil
	switch {
	case itemLimit && qtyLimit:
		return bad("Promotion.CannotSetQuantityAndItemLimitPerOrder")
	case itemLimit && !lineLevel:
		return bad("Promotion.CannotSetItemLimitPerOrder")
	case qtyLimit && !lineLevel:
		return bad("Promotion.CannotSetQuantityLimitPerOrder")
	case api.Str(doc, "ItemSortBy") != "" && !itemLimit:
		return bad("Promotion.CannotSetItemSortBy")
	}
	hasValue, useIntegration := api.Str(doc, "ValueExpression") != "", doc["UseIntegration"] == true
	switch {
	case hasValue && useIntegration:
		return bad("Promotion.UseIntegrationMustBeFalse")
	case !hasValue && !useIntegration:
		return bad("Promotion.ValueExpressionCanBeNullIfUseIntegration")
	case !hasValue:
		// Only a promotion integration could value it, and this API serves
		// none: such a promotion could never be applied.
		return api.E(http.StatusBadRequest, "Promotion.ValueExpressionCannotBeNull", nil).
			WithMessage("Set a ValueExpression: promotion integrations (UseIntegration) are not served by this API.")
	}
	return nil
}

// checkPromotionExpressions parses both expressions as the rules engine
// will run them: a line-item-level promotion's EligibleExpression must
// select line items with item, and an order-level promotion's expressions
// may not use it.
func checkPromotionExpressions(doc api.Doc) error {
	eligible, value := expr.OrderLevel, expr.OrderLevel
	if doc["LineItemLevel"] == true {
		eligible, value = expr.ItemEligible, expr.ItemValue
	}
	for _, f := range []struct {
		name string
		kind expr.Kind
	}{{"EligibleExpression", eligible}, {"ValueExpression", value}} {
		src := api.Str(doc, f.name)
		if src == "" {
			continue
		}
		if err := expr.Check(src, f.kind); err != nil {
			var ee *expr.Error
			if !errors.As(err, &ee) {
				return err
			}
			return api.E(http.StatusBadRequest, ee.Code, map[string]any{"Property": f.name, "Position": ee.Pos.Offset}).
				WithMessage(f.name + ": " + ee.Msg + " (at " + ee.Pos.String() + ").")
		}
	}
	return nil
}

func deletePromotionCode(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	tx.Delete(promotionCodeKey(api.Str(doc, "Code")))
	return nil
}

// myPromotions are the active promotions the calling buyer user may use:
// those open to all buyers, and those assigned to the user's company or to
// one of the user's groups.
func (cat *Catalog) myPromotions(c *resource.Ctx) ([]api.Doc, error) {
	party, err := cat.buyers.MyParty(c)
	if err != nil {
		return nil, err
	}
	docs, err := cat.UsablePromotions(c, party)
	if err != nil {
		return nil, err
	}
	return docs, cat.WithRedemptionCounts(c, docs)
}

// UsablePromotions are the active promotions a buyer user (party) may use:
// those open to all buyers, and those assigned to the user's company or to
// one of the user's groups. It reads the promotions' partition and the
// buyer's assignments (by index, so an assignment saved a moment ago may
// not count yet; MayUsePromotion reads one promotion's exactly).
func (cat *Catalog) UsablePromotions(c *resource.Ctx, party commerce.Party) ([]api.Doc, error) {
	asg, err := c.Reg.AssignmentsWith(c, cat.PromotionAssignments, "BuyerID", party.BuyerID)
	if err != nil {
		return nil, err
	}
	assigned := map[string]bool{}
	for _, a := range asg {
		if party.ReachedBy(api.Str(a, "UserGroupID"), "") {
			assigned[api.Str(a, "PromotionID")] = true
		}
	}
	all, err := c.Reg.All(c, cat.Promotions, nil)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(d api.Doc) bool {
		return d["Active"] == false || !(d["AllowAllBuyers"] == true || assigned[api.Str(d, "ID")])
	}), nil
}

func (cat *Catalog) meListPromotions(c *resource.Ctx) (any, error) {
	docs, err := cat.myPromotions(c)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, promotionModel, docs, nil)
}

func (cat *Catalog) meGetPromotion(c *resource.Ctx) (any, error) {
	docs, err := cat.myPromotions(c)
	if err != nil {
		return nil, err
	}
	id := c.Param("promotionID")
	for _, d := range docs {
		if api.Str(d, "ID") == id {
			return api.Ordered{Model: promotionModel, Doc: d}, nil
		}
	}
	return nil, api.NotFound("Promotion", id)
}

// MayUsePromotion reports whether a buyer user (party) may use a
// promotion: it is open to all buyers or assigned to the user's company or
// to one of the user's groups. It reads the promotion's own assignments
// (a consistent read), so an assignment just saved counts.
func (cat *Catalog) MayUsePromotion(c *resource.Ctx, party commerce.Party, promo api.Doc) (bool, error) {
	if promo["AllowAllBuyers"] == true {
		return true, nil
	}
	asg, err := c.Reg.AssignmentsWith(c, cat.PromotionAssignments, "PromotionID", api.Str(promo, "ID"))
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(asg, func(a api.Doc) bool {
		return api.Str(a, "BuyerID") == party.BuyerID && party.ReachedBy(api.Str(a, "UserGroupID"), "")
	}), nil
}

// PromotionByCode reads the promotion a buyer's code names, whatever its
// letter case (codes are reserved lower-cased); a code no promotion has is
// a 404.
func (cat *Catalog) PromotionByCode(c *resource.Ctx, code string) (*resource.Entity, error) {
	it, err := c.Deps.Store.Get(c, promotionCodeKey(code))
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.NotFound("Promotion", code)
	}
	if err != nil {
		return nil, err
	}
	var ref struct{ PromotionID string }
	if err := json.Unmarshal(it.Doc, &ref); err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, cat.Promotions, nil, ref.PromotionID)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil, api.NotFound("Promotion", code)
	}
	return e, err
}

// PromotionRedemptionKey is the counter of a promotion's redemptions: with
// no user, every order's (RedemptionCount, held to RedemptionLimit); with
// one, that user's (held to RedemptionLimitPerUser). The counters of one
// promotion share a partition, named with the promotion's generation so
// that a promotion created again under a deleted one's ID counts from 0.
func PromotionRedemptionKey(promo api.Doc, buyerID, userID string) store.Key {
	k := store.Key{PK: "PromotionRedemption#" + memberKey(promo), SK: "*"}
	if userID != "" {
		k.SK = "u|" + buyerID + "|" + userID
	}
	return k
}

// presentPromotion shows the promotion's live RedemptionCount, which
// submits count in its own counter item, not in the promotion.
func (cat *Catalog) presentPromotion(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	out := api.Clone(doc)
	return out, cat.WithRedemptionCounts(c, []api.Doc{out})
}

// WithRedemptionCounts sets each promotion's RedemptionCount from its
// counter (one BatchGetItem).
func (cat *Catalog) WithRedemptionCounts(c *resource.Ctx, docs []api.Doc) error {
	if len(docs) == 0 {
		return nil
	}
	keys := make([]store.Key, len(docs))
	for i, d := range docs {
		keys[i] = PromotionRedemptionKey(d, "", "")
	}
	n, err := c.Deps.Store.Tallies(c, keys)
	if err != nil {
		return err
	}
	for i, d := range docs {
		d["RedemptionCount"] = api.Num(max(n[keys[i]], 0))
	}
	return nil
}

// ProductInCategory answers the rules engine's product.incategory (a
// direct assignment to the category) and, with descendants,
// product.inparentcategory (to the category or one below it), in any
// catalog. It reads the product's membership and the category trees of
// the catalogs holding it (each once per request).
func (cat *Catalog) ProductInCategory(c *resource.Ctx, productID, categoryID string, descendants bool) (bool, error) {
	v, err := c.Memo("incategory-product#"+productID, func() (any, error) {
		e, err := c.Reg.Load(c, cat.Products, nil, productID)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return api.Doc{}, nil
		}
		if err != nil {
			return nil, err
		}
		return e.Doc, nil
	})
	if err != nil {
		return false, err
	}
	for _, entry := range strs(v.(api.Doc), fieldCategories) {
		catalogKey, categoryKey, _ := strings.Cut(entry, "|")
		catalogID, _, _ := strings.Cut(catalogKey, "#")
		cats, err := cat.categoriesOf(c, catalogID)
		if err != nil {
			return false, err
		}
		byID := make(map[string]api.Doc, len(cats))
		for _, d := range cats {
			byID[api.Str(d, "ID")] = d
		}
		id, _, _ := strings.Cut(categoryKey, "#")
		// An entry of a category deleted (and maybe created again) since
		// names another generation: it no longer holds the product.
		if d := byID[id]; d == nil || memberKey(d) != categoryKey {
			continue
		}
		for steps := 0; id != "" && steps <= len(cats); steps++ {
			if id == categoryID {
				return true, nil
			}
			if !descendants {
				break
			}
			id = api.Str(byID[id], "ParentID")
		}
	}
	return false, nil
}
