package catalog

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declarePromotions(r *resource.Registry) {
	cat.Promotions = r.Add(&resource.Resource{Name: "Promotions", Model: "Promotion", IDParam: "promotionID",
		Prepare: preparePromotion, BeforeDelete: deletePromotionCode, Reach: ownedByOwnerID})
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
