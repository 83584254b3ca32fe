package orders_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// newPromo creates a promotion open to all buyers that combines with
// others, unless fields say otherwise.
func newPromo(t *testing.T, s *apptest.Shop, id, eligible, value string, fields map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Code": strings.ToUpper(id), "Name": "Promo " + id, "EligibleExpression": eligible,
		"ValueExpression": value, "AllowAllBuyers": true, "CanCombine": true}
	for k, v := range fields {
		body[k] = v
	}
	apptest.Must(t, s.E, "POST", "/v1/promotions", s.Admin, body, 201)
}

func promoPath(orderID, code string) string {
	return apptest.Outgoing + "/" + orderID + "/promotions/" + code
}

func addPromo(t *testing.T, s *apptest.Shop, token, orderID, code string) apptest.Resp {
	t.Helper()
	return apptest.Must(t, s.E, "POST", promoPath(orderID, code), token, nil, 201)
}

// wantDiscount checks an order's PromotionDiscount and Total.
func wantDiscount(t *testing.T, s *apptest.Shop, orderID, discount, total string) apptest.Resp {
	t.Helper()
	o := apptest.Must(t, s.E, "GET", apptest.Outgoing+"/"+orderID, s.Token, nil, 200)
	if o.S("PromotionDiscount") != discount || o.S("Total") != total {
		t.Errorf("order PromotionDiscount=%s Total=%s, want %s %s", o.S("PromotionDiscount"), o.S("Total"), discount, total)
	}
	if strings.Contains(o.Raw, "_promotions") {
		t.Errorf("the order shows its internal promotions: %s", o.Raw)
	}
	return o
}

// A percentage and a fixed promotion on one order, both recomputed when a
// line changes; one the order stops meeting stays at 0 and blocks submit.
func TestPromotionDiscounts(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	newPromo(t, s, "tenpct", "order.Subtotal > 20", "order.Subtotal * .1", nil)
	newPromo(t, s, "five", "items.any(ProductID = 'p1')", "5", nil)

	id := s.NewOrder(t, s.Token)
	line := s.AddLine(t, s.Token, id, "p1", 3).S("ID")
	// Codes are matched whatever their letter case.
	op := addPromo(t, s, s.Token, id, "TenPct")
	if op.S("ID") != "tenpct" || op.S("Code") != "TENPCT" || op.S("Amount") != "3" || op.Get("LineItemID") != nil || op.S("DateApplied") == "" {
		t.Errorf("added promotion: %s", op.Raw)
	}
	wantDiscount(t, s, id, "3", "27")
	addPromo(t, s, s.Token, id, "five")
	wantDiscount(t, s, id, "8", "22")
	apptest.WantErr(t, e.Do("POST", promoPath(id, "FIVE"), s.Token, nil), 400, "Promotion.AlreadyAdded")
	apptest.WantErr(t, e.Do("POST", promoPath(id, "NOPE"), s.Token, nil), 404, "NotFound")

	list := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/promotions", s.Token, nil, 200)
	if !slices.Equal(apptest.IDs(list), []string{"five", "tenpct"}) || list.S("Items.1.Amount") != "3" || list.S("Items.0.Amount") != "5" {
		t.Errorf("order promotions: %s", list.Raw)
	}

	// One unit (10) is not over 20: the percentage promotion stays on the
	// order at 0 and the fixed one still applies.
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, map[string]any{"Quantity": 1}, 200)
	wantDiscount(t, s, id, "5", "5")
	list = apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/promotions?ID=tenpct", s.Token, nil, 200)
	if list.S("Meta.TotalCount") != "1" || list.S("Items.0.Amount") != "0" {
		t.Errorf("the promotion no longer met: %s", list.Raw)
	}
	// Submit evaluates every promotion again.
	r := e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil)
	apptest.WantErr(t, r, 400, "Promotion.NotEligible")
	// Back over 20 (at the 5+ price break, 8 each): 10% of 40 and 5.
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, map[string]any{"Quantity": 5}, 200)
	wantDiscount(t, s, id, "9", "31")

	// Removing one (by its code, any case) leaves the other.
	o := apptest.Must(t, e, "DELETE", promoPath(id, "tenPCT"), s.Token, nil, 200)
	if o.S("PromotionDiscount") != "5" || o.S("Total") != "35" {
		t.Errorf("after removing: %s", o.Raw)
	}
	apptest.WantErr(t, e.Do("DELETE", promoPath(id, "TENPCT"), s.Token, nil), 404, "NotFound")
	sub := apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))
	if sub.S("PromotionDiscount") != "5" || sub.S("Total") != "35" {
		t.Errorf("submitted: %s", sub.Raw)
	}
	// A submitted order's promotions no longer change.
	apptest.WantErr(t, e.Do("POST", promoPath(id, "TENPCT"), s.Token, nil), 400, "Order.CannotApplyPromoBadStatus")
	apptest.WantErr(t, e.Do("DELETE", promoPath(id, "FIVE"), s.Token, nil), 400, "Order.CannotApplyPromoBadStatus")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/applypromotions", s.Token, nil), 400, "Order.CannotApplyPromoBadStatus")
	if p := apptest.Must(t, e, "GET", "/v1/promotions/five", s.Admin, nil, 200); p.S("RedemptionCount") != "1" {
		t.Errorf("redemptions counted at submit: %s", p.Raw)
	}
	if p := apptest.Must(t, e, "GET", "/v1/promotions/tenpct", s.Admin, nil, 200); p.S("RedemptionCount") != "0" {
		t.Errorf("a removed promotion is not redeemed: %s", p.Raw)
	}
}

// Money stays exact: amounts are decimals, rounded to the cent.
func TestPromotionDecimalExactness(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	apptest.PriceSchedule(t, s.E, s.Admin, "cents", nil, 1, 3.33)
	apptest.Product(t, s.E, s.Admin, "p3", "cents", nil)
	apptest.InCatalog(t, s.E, s.Admin, "b1", "p3")
	newPromo(t, s, "tenths", "true", "0.1 + 0.2", nil)
	newPromo(t, s, "fifteen", "true", "order.Subtotal * 0.15", nil)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p3", 3) // 9.99
	addPromo(t, s, s.Token, id, "TENTHS")
	wantDiscount(t, s, id, "0.3", "9.69")
	// 15% of 9.99 is 1.4985: 1.50 off.
	if op := addPromo(t, s, s.Token, id, "FIFTEEN"); op.S("Amount") != "1.5" {
		t.Errorf("15%% of 9.99: %s", op.Raw)
	}
	wantDiscount(t, s, id, "1.8", "8.19")
}

// Each rule that keeps a promotion off an order answers its code.
func TestPromotionRules(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	now := time.Now().UTC()
	newPromo(t, s, "off", "true", "1", map[string]any{"Active": false})
	newPromo(t, s, "later", "true", "1", map[string]any{"StartDate": now.Add(48 * time.Hour).Format(time.RFC3339)})
	newPromo(t, s, "gone", "true", "1", map[string]any{"ExpirationDate": now.Add(-48 * time.Hour).Format(time.RFC3339)})
	newPromo(t, s, "big", "order.Subtotal > 1000", "1", nil)
	newPromo(t, s, "alone", "true", "1", map[string]any{"CanCombine": false})
	newPromo(t, s, "mixer", "true", "1", nil)
	apptest.SupplierOrg(t, e, s.Admin, "sup", nil)
	newPromo(t, s, "supplier", "true", "1", map[string]any{"OwnerID": "sup"})
	newPromo(t, s, "private", "true", "1", map[string]any{"AllowAllBuyers": false})
	newPromo(t, s, "vip", "true", "1", map[string]any{"AllowAllBuyers": false})
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", s.Admin, map[string]any{"ID": "vips", "Name": "VIPs"}, 201)
	apptest.Must(t, e, "POST", "/v1/promotions/assignments", s.Admin, map[string]any{"PromotionID": "vip", "BuyerID": "b1", "UserGroupID": "vips"}, 204)

	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	for code, want := range map[string]string{
		"OFF":      "Promotion.NotActive",
		"LATER":    "Promotion.NotYetValid",
		"GONE":     "Promotion.Expired",
		"BIG":      "Promotion.NotEligible",
		"SUPPLIER": "Promotion.OwnerIDMustMatchOrderToCompanyID",
	} {
		apptest.WantErr(t, e.Do("POST", promoPath(id, code), s.Token, nil), 400, want)
	}
	// A promotion the user may not use is not found: unassigned, or
	// assigned to a group the user is not in.
	apptest.WantErr(t, e.Do("POST", promoPath(id, "PRIVATE"), s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", promoPath(id, "VIP"), s.Token, nil), 404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", s.Admin, map[string]any{"UserGroupID": "vips", "UserID": "u1"}, 204)
	addPromo(t, s, s.Token, id, "VIP")
	apptest.Must(t, e, "POST", "/v1/promotions/assignments", s.Admin, map[string]any{"PromotionID": "private", "BuyerID": "b1"}, 204)
	addPromo(t, s, s.Token, id, "PRIVATE")

	// CanCombine: a promotion that does not combine joins no other, and
	// none joins it.
	apptest.WantErr(t, e.Do("POST", promoPath(id, "ALONE"), s.Token, nil), 400, "Promotion.CannotCombine")
	other := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, other, "p1", 1)
	addPromo(t, s, s.Token, other, "ALONE")
	apptest.WantErr(t, e.Do("POST", promoPath(other, "MIXER"), s.Token, nil), 400, "Promotion.CannotCombine")

	// The marketplace adds a promotion to a buyer's order from its side.
	incoming := "/v1/orders/Incoming/" + id + "/promotions/MIXER"
	if r := apptest.Must(t, e, "POST", incoming, s.Admin, nil, 201); r.S("Amount") != "1" {
		t.Errorf("incoming add: %s", r.Raw)
	}
	wantDiscount(t, s, id, "3", "7")
}

// A line-item promotion discounts the lines it selects with item, within
// its item limit, and follows the lines as they change.
func TestLineItemPromotion(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	apptest.PriceSchedule(t, e, s.Admin, "five", nil, 1, 5)
	apptest.Product(t, e, s.Admin, "p2", "five", nil)
	apptest.InCatalog(t, e, s.Admin, "b1", "p2")
	newPromo(t, s, "halfp1", "item.ProductID = 'p1'", "item.LineSubtotal * .5", map[string]any{"LineItemLevel": true})

	id := s.NewOrder(t, s.Token)
	l1 := s.AddLine(t, s.Token, id, "p1", 2).S("ID") // 20
	l2 := s.AddLine(t, s.Token, id, "p2", 1).S("ID") // 5
	op := addPromo(t, s, s.Token, id, "HALFP1")
	if op.S("Amount") != "10" || op.S("LineItemID") != l1 {
		t.Errorf("line-item promotion: %s", op.Raw)
	}
	wantDiscount(t, s, id, "10", "15")
	line := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems/"+l1, s.Token, nil, 200)
	if line.S("PromotionDiscount") != "10" || line.S("LineSubtotal") != "20" || line.S("LineTotal") != "10" {
		t.Errorf("discounted line: %s", line.Raw)
	}
	if l := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems/"+l2, s.Token, nil, 200); l.S("PromotionDiscount") != "0" || l.S("LineTotal") != "5" {
		t.Errorf("other line: %s", l.Raw)
	}

	// A new p1 line is discounted too; the list has a row per line.
	added := s.AddLine(t, s.Token, id, "p1", 1) // 10
	if added.S("PromotionDiscount") != "5" || added.S("LineTotal") != "5" {
		t.Errorf("new line as added: %s", added.Raw)
	}
	wantDiscount(t, s, id, "15", "20")
	list := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/promotions", s.Token, nil, 200)
	var lineIDs []string
	for _, it := range list.Get("Items").([]any) {
		lineIDs = append(lineIDs, it.(map[string]any)["LineItemID"].(string))
	}
	if list.S("Meta.TotalCount") != "2" || !apptest.SameSet(lineIDs, []string{l1, added.S("ID")}) {
		t.Errorf("rows per line: %s", list.Raw)
	}

	// Removing the promotion clears the lines' discounts.
	apptest.Must(t, e, "DELETE", promoPath(id, "HALFP1"), s.Token, nil, 200)
	wantDiscount(t, s, id, "0", "35")
	if l := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/lineitems/"+l1, s.Token, nil, 200); l.S("PromotionDiscount") != "0" || l.S("LineTotal") != "20" {
		t.Errorf("line after removal: %s", l.Raw)
	}

	// An item limit takes the lines in ItemSortBy order: the dearest one.
	newPromo(t, s, "onep1", "item.ProductID = 'p1'", "1", map[string]any{"LineItemLevel": true, "ItemLimitPerOrder": 1, "ItemSortBy": "!LineSubtotal"})
	if op := addPromo(t, s, s.Token, id, "ONEP1"); op.S("Amount") != "1" || op.S("LineItemID") != l1 {
		t.Errorf("item limit: %s", op.Raw)
	}
	// A quantity limit values each unit, up to the limit, oldest lines
	// first: 2 units of l1 and 1 of the new line.
	newPromo(t, s, "threeunits", "item.ProductID = 'p1'", "item.UnitPrice * .1", map[string]any{"LineItemLevel": true, "QuantityLimitPerOrder": 3})
	if op := addPromo(t, s, s.Token, id, "THREEUNITS"); op.S("Amount") != "3" {
		t.Errorf("quantity limit: %s", op.Raw)
	}
	wantDiscount(t, s, id, "4", "31")
}

// ApplyPromotions applies the AutoApply promotions the order meets by
// Priority, passing over those that cannot join; RefreshPromotions drops
// those no longer valid and says why.
func TestAutoApplyAndRefresh(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	auto := func(priority any, extra map[string]any) map[string]any {
		m := map[string]any{"AutoApply": true, "Priority": priority}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	newPromo(t, s, "second", "order.Subtotal >= 20", "2", auto(2, nil))
	newPromo(t, s, "first", "true", "1", auto(1, nil))
	newPromo(t, s, "unmet", "order.Subtotal > 1000", "50", auto(0, nil))
	newPromo(t, s, "loner", "true", "7", auto(nil, map[string]any{"CanCombine": false}))
	newPromo(t, s, "manual", "true", "4", nil)

	id := s.NewOrder(t, s.Token)
	line := s.AddLine(t, s.Token, id, "p1", 2).S("ID") // 20
	eligible := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/eligiblepromotions", s.Token, nil, 200)
	if got := apptest.IDs(eligible); !slices.Equal(got, []string{"first", "loner", "manual", "second"}) {
		t.Errorf("eligible promotions %v: %s", got, eligible.Raw)
	}
	if eligible.S("Items.1.Amount") != "7" {
		t.Errorf("eligible amount: %s", eligible.Raw)
	}

	o := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/applypromotions", s.Token, nil, 200)
	if o.S("PromotionDiscount") != "3" || o.S("Total") != "17" {
		t.Errorf("applied: %s", o.Raw)
	}
	list := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+id+"/promotions?sortBy=DateApplied", s.Token, nil, 200)
	if got := apptest.IDs(list); !slices.Equal(got, []string{"first", "second"}) {
		t.Errorf("applied by priority, the loner passed over: %v", got)
	}
	// Applying again adds nothing.
	if o := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/applypromotions", s.Token, nil, 200); o.S("PromotionDiscount") != "3" {
		t.Errorf("applied twice: %s", o.Raw)
	}

	// Under 20 "second" no longer applies; "first" is deactivated.
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/"+id+"/lineitems/"+line, s.Token, map[string]any{"Quantity": 1}, 200)
	apptest.Must(t, e, "PATCH", "/v1/promotions/first", s.Admin, map[string]any{"Active": false}, 200)
	r := apptest.Must(t, e, "POST", apptest.Outgoing+"/"+id+"/refreshpromotions", s.Token, nil, 200)
	removed := map[string]string{}
	for _, it := range r.Get("PromosRemoved").([]any) {
		m := it.(map[string]any)
		removed[m["ID"].(string)] = m["ErrorCode"].(string)
		if m["Reason"] == "" || m["_gen"] != nil {
			t.Errorf("removed promo: %v", m)
		}
	}
	if removed["second"] != "Promotion.NotEligible" || removed["first"] != "Promotion.NotActive" || len(removed) != 2 {
		t.Errorf("removed %v: %s", removed, r.Raw)
	}
	// With the others gone the loner joins.
	added := r.Get("PromosAdded").([]any)
	if len(added) != 1 || added[0].(map[string]any)["ID"] != "loner" || r.S("PromosAdded.0.Amount") != "7" {
		t.Errorf("added: %s", r.Raw)
	}
	wantDiscount(t, s, id, "7", "3")
}

// Redemptions are counted at submit, conditionally: with a limit of 3 and
// 10 orders submitted at once, exactly 3 submit with the promotion and the
// others are refused with Promotion.ExceedsUsageLimit.
func TestRedemptionLimitUnderConcurrentSubmits(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	newPromo(t, s, "three", "true", "1", map[string]any{"RedemptionLimit": 3})
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = s.NewOrder(t, s.Token)
		s.AddLine(t, s.Token, ids[i], "p1", 1)
		addPromo(t, s, s.Token, ids[i], "THREE")
	}
	subs := apptest.Parallel(len(ids), func(i int) apptest.Resp {
		return e.Do("POST", apptest.Outgoing+"/"+ids[i]+"/submit", s.Token, nil)
	})
	submitted := 0
	for i, r := range subs {
		switch {
		case r.Status == 201:
			submitted++
			if r.S("PromotionDiscount") != "1" || r.S("Total") != "9" {
				t.Errorf("order %d submitted without its discount: %s", i, r.Raw)
			}
		case r.Status == 400 && r.Code() == "Promotion.ExceedsUsageLimit":
			if o := apptest.Must(t, e, "GET", apptest.Outgoing+"/"+ids[i], s.Token, nil, 200); o.S("Status") != "Unsubmitted" {
				t.Errorf("a refused submit changed order %d: %s", i, o.Raw)
			}
		default:
			t.Errorf("submit %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if submitted != 3 {
		t.Errorf("%d orders submitted with a promotion limited to 3", submitted)
	}
	if p := apptest.Must(t, e, "GET", "/v1/promotions/three", s.Admin, nil, 200); p.S("RedemptionCount") != "3" {
		t.Errorf("RedemptionCount: %s", p.Raw)
	}
	// The limit reached, the promotion no longer joins an order.
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	apptest.WantErr(t, e.Do("POST", promoPath(id, "THREE"), s.Token, nil), 400, "Promotion.ExceedsUsageLimit")
	// An order refused for it submits once the promotion is taken off.
	for i, r := range subs {
		if r.Status == 400 {
			apptest.Must(t, e, "DELETE", promoPath(ids[i], "THREE"), s.Token, nil, 200)
			apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+ids[i]+"/submit", s.Token, nil))
			break
		}
	}
}

// RedemptionLimitPerUser counts each user's submitted orders.
func TestRedemptionLimitPerUser(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	newPromo(t, s, "once", "true", "2", map[string]any{"RedemptionLimitPerUser": 1})
	a, b := s.NewOrder(t, s.Token), s.NewOrder(t, s.Token)
	for _, id := range []string{a, b} {
		s.AddLine(t, s.Token, id, "p1", 1)
		addPromo(t, s, s.Token, id, "ONCE")
	}
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+a+"/submit", s.Token, nil))
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+b+"/submit", s.Token, nil), 400, "Promotion.ExceedsUsageLimit")
	c := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, c, "p1", 1)
	apptest.WantErr(t, e.Do("POST", promoPath(c, "ONCE"), s.Token, nil), 400, "Promotion.ExceedsUsageLimit")

	// Another user of the buyer has a use of their own.
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	tok := s.Login("shopper-two", "Shopper")
	d := s.NewOrder(t, tok)
	s.AddLine(t, tok, d, "p1", 1)
	addPromo(t, s, tok, d, "ONCE")
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+d+"/submit", tok, nil))
	if p := apptest.Must(t, e, "GET", "/v1/promotions/once", s.Admin, nil, 200); p.S("RedemptionCount") != "2" {
		t.Errorf("RedemptionCount: %s", p.Raw)
	}
}

// product.incategory matches a direct category assignment;
// product.inparentcategory one to the category or any below it.
func TestPromotionCategories(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	id := s.NewOrder(t, s.Token)
	line := s.AddLine(t, s.Token, id, "p1", 1).S("ID")
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", s.Admin, map[string]any{"ID": "bikes", "Name": "Bikes", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories", s.Admin, map[string]any{"ID": "road", "Name": "Road", "ParentID": "bikes", "Active": true}, 201)
	apptest.Must(t, e, "POST", "/v1/catalogs/b1/categories/productassignments", s.Admin, map[string]any{"CategoryID": "road", "ProductID": "p1"}, 204)
	newPromo(t, s, "road", "item.product.incategory('road')", "1", map[string]any{"LineItemLevel": true})
	newPromo(t, s, "bikes", "items.any(product.inparentcategory('bikes'))", "2", nil)
	newPromo(t, s, "direct", "items.any(product.incategory('bikes'))", "4", nil)
	if op := addPromo(t, s, s.Token, id, "ROAD"); op.S("LineItemID") != line || op.S("Amount") != "1" {
		t.Errorf("incategory: %s", op.Raw)
	}
	addPromo(t, s, s.Token, id, "BIKES")
	apptest.WantErr(t, e.Do("POST", promoPath(id, "DIRECT"), s.Token, nil), 400, "Promotion.NotEligible")
	wantDiscount(t, s, id, "3", "7")
}
