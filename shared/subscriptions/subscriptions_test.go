package subscriptions_test

import (
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// subShop is an order shop (buyer b1, user u1, product p1 at 10, 8 from
// 5) whose users may keep subscriptions through Me; u2 is a second user
// of b1, and b2 with its user x1 another buyer.
type subShop struct {
	*apptest.Shop
	u1, u2, x1 string // Me tokens
}

func newSubShop(t *testing.T) *subShop {
	t.Helper()
	s := &subShop{Shop: apptest.OrderShop(t)}
	e, admin := s.E, s.Admin
	apptest.Profile(t, e, admin, "subs", "MeSubscriptionAdmin")
	apptest.AssignProfile(t, e, admin, "subs", map[string]any{"BuyerID": "b1"})
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	apptest.Buyer(t, e, admin, "b2")
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "b2"})
	apptest.AssignProfile(t, e, admin, "subs", map[string]any{"BuyerID": "b2"})
	apptest.BuyerUser(t, e, admin, "b2", "x1", "other-one")
	s.u1 = s.Login("shopper-one", "Shopper", "MeSubscriptionAdmin")
	s.u2 = s.Login("shopper-two", "Shopper", "MeSubscriptionAdmin")
	s.x1 = s.Login("other-one", "Shopper", "MeSubscriptionAdmin")
	return s
}

// sub is a subscription body ordering daily from next.
func sub(id string, next time.Time, extra map[string]any) map[string]any {
	b := map[string]any{"ID": id, "Frequency": 1, "Interval": "Days", "NextOrderDate": api.FormatTime(next)}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func TestSubscriptionsCRUDAndValidation(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	next := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)

	// The marketplace names the buyer user it subscribes.
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", admin, sub("s0", next, nil)), 400, "Subscription.CreateRequiresFromUser")
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", admin, sub("s0", next, map[string]any{"FromUserID": "u1"})), 400,
		"Subscription.CreateRequiresFromUser")
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", admin, sub("s0", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "nobody"})),
		404, "NotFound")
	for _, bad := range []map[string]any{
		{"Frequency": 0},
		{"Interval": "Years"},
		{"NextOrderDate": "soon"},
		{"Payment": map[string]any{"Type": "CreditCard"}},
	} {
		body := sub("s0", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"})
		for k, v := range bad {
			body[k] = v
		}
		if r := e.Do("POST", "/v1/subscriptions", admin, body); r.Status != 400 {
			t.Errorf("%v: got %d %s, want 400", bad, r.Status, r.Raw)
		}
	}
	body := sub("s1", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1", "xp": map[string]any{"k": "v"}})
	delete(body, "NextOrderDate")
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", admin, body), 400, "ValidationFailure")

	r := apptest.Must(t, e, "POST", "/v1/subscriptions", admin, sub("s1", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"}), 201)
	if r.S("ToCompanyID") != "marketplace" || r.Get("Active") != true || r.S("NextOrderDate") != api.FormatTime(next) || r.Get("LastOrderDate") != nil {
		t.Errorf("created: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", admin, sub("s1", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"})), 409, "IdExists")
	r = apptest.Must(t, e, "PATCH", "/v1/subscriptions/s1", admin, map[string]any{"Frequency": 2, "Interval": "Weeks", "FromUserID": "u2"}, 200)
	if r.S("Interval") != "Weeks" || r.S("FromUserID") != "u1" {
		t.Errorf("patched: %s", r.Raw)
	}
	r = apptest.Must(t, e, "PUT", "/v1/subscriptions/s1", admin, sub("s1", next, map[string]any{"Frequency": 3, "Active": false}), 200)
	if r.S("FromCompanyID") != "b1" || r.Get("Active") != false {
		t.Errorf("saved: %s", r.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/subscriptions", admin, nil, 200)); len(got) != 1 || got[0] != "s1" {
		t.Errorf("list: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/subscriptions/s1", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/subscriptions/s1", admin, nil), 404, "NotFound")
}

func TestMeSubscriptionsAndConfinement(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	next := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)

	// Me subscriptions need MeSubscriptionAdmin.
	apptest.WantErr(t, e.Do("GET", "/v1/me/subscriptions", s.Token, nil), 403, "Auth.InsufficientRoles")
	r := apptest.Must(t, e, "POST", "/v1/me/subscriptions", s.u1, sub("m1", next, map[string]any{"FromUserID": "u2"}), 201)
	if r.S("FromCompanyID") != "b1" || r.S("FromUserID") != "u1" {
		t.Errorf("a user's own subscription: %s", r.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/me/subscriptions", s.u2, sub("m2", next, nil), 201)
	apptest.Must(t, e, "POST", "/v1/me/subscriptions", s.x1, sub("m3", next, nil), 201)

	// Each user sees and changes only their own.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/subscriptions", s.u1, nil, 200)); len(got) != 1 || got[0] != "m1" {
		t.Errorf("u1's list: %v", got)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		apptest.WantErr(t, e.Do(m, "/v1/me/subscriptions/m1", s.u2, map[string]any{}), 404, "NotFound")
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/me/subscriptions/m1", s.x1, sub("m1", next, nil)), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/subscriptions/m1/items", s.u2, nil), 404, "NotFound")
	r = apptest.Must(t, e, "PATCH", "/v1/me/subscriptions/m1", s.u1, map[string]any{"Frequency": 2}, 200)
	if r.Get("Frequency") != "2" && api.Int(r.Get("Frequency")) != 2 {
		t.Errorf("patched: %s", r.Raw)
	}
	apptest.Must(t, e, "PUT", "/v1/me/subscriptions/m4", s.u1, sub("m4", next, nil), 200)

	// A buyer user with SubscriptionReader sees its company's, not another's.
	apptest.Profile(t, e, admin, "subreader", "SubscriptionReader")
	apptest.AssignProfile(t, e, admin, "subreader", map[string]any{"BuyerID": "b1", "UserID": "u2"})
	reader := s.Login("shopper-two", "SubscriptionReader")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/subscriptions", reader, nil, 200)); !apptest.SameSet(got, []string{"m1", "m2", "m4"}) {
		t.Errorf("b1's subscriptions: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/subscriptions/m3", reader, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/subscriptions/m1", reader, map[string]any{}), 403, "Auth.InsufficientRoles")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/subscriptions", admin, nil, 200)); len(got) != 4 {
		t.Errorf("admin's list: %v", got)
	}
	// A buyer user subscribing another user needs OrderAdmin and UnsubmittedOrderReader.
	apptest.Profile(t, e, admin, "subadmin", "SubscriptionAdmin")
	apptest.AssignProfile(t, e, admin, "subadmin", map[string]any{"BuyerID": "b1", "UserID": "u2"})
	subAdmin := s.Login("shopper-two", "SubscriptionAdmin")
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions", subAdmin, sub("m5", next, map[string]any{"FromUserID": "u1"})), 403, "Auth.InsufficientRoles")
	r = apptest.Must(t, e, "POST", "/v1/subscriptions", subAdmin, sub("m5", next, nil), 201)
	if r.S("FromCompanyID") != "b1" || r.S("FromUserID") != "u2" {
		t.Errorf("a buyer's subscription for itself: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("DELETE", "/v1/subscriptions/m3", subAdmin, nil), 404, "NotFound")
	apptest.Must(t, e, "DELETE", "/v1/me/subscriptions/m1", s.u1, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/subscriptions/m1", admin, nil), 404, "NotFound")
}

func TestSubscriptionItemsPricedLikeLineItems(t *testing.T) {
	t.Parallel()
	s := newSubShop(t)
	e, admin := s.E, s.Admin
	next := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	apptest.Must(t, e, "POST", "/v1/subscriptions", admin, sub("s1", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"}), 201)

	r := apptest.Must(t, e, "POST", "/v1/subscriptions/s1/items", admin, map[string]any{"ID": "i1", "ProductID": "p1", "Quantity": 5}, 201)
	if r.S("UnitPrice") != "8" || r.S("LineSubtotal") != "40" || r.S("Product.ID") != "p1" {
		t.Errorf("item: %s", r.Raw)
	}
	apptest.Must(t, e, "POST", "/v1/me/subscriptions/s1/items", s.u1, map[string]any{"ID": "i2", "ProductID": "p1"}, 201)
	if got := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200).S("ProjectedSubtotal"); got != "50" {
		t.Errorf("ProjectedSubtotal %s, want 50", got)
	}
	r = apptest.Must(t, e, "PATCH", "/v1/subscriptions/s1/items/i1", admin, map[string]any{"Quantity": 2}, 200)
	if r.S("UnitPrice") != "10" || r.S("LineSubtotal") != "20" {
		t.Errorf("patched item: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("PATCH", "/v1/subscriptions/s1/items/i1", admin, map[string]any{"ProductID": "p2"}), 400, "LineItem.CannotChangeProductID")
	apptest.WantErr(t, e.Do("POST", "/v1/subscriptions/s1/items", admin, map[string]any{"ProductID": "nope"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/me/subscriptions/s1/items", s.u2, map[string]any{"ProductID": "p1"}), 404, "NotFound")
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/subscriptions/s1/items", s.u1, nil, 200)); !apptest.SameSet(got, []string{"i1", "i2"}) {
		t.Errorf("items: %v", got)
	}
	apptest.Must(t, e, "DELETE", "/v1/me/subscriptions/s1/items/i2", s.u1, nil, 204)
	if got := apptest.Must(t, e, "GET", "/v1/subscriptions/s1", admin, nil, 200).S("ProjectedSubtotal"); got != "20" {
		t.Errorf("ProjectedSubtotal %s, want 20", got)
	}
	apptest.Must(t, e, "GET", "/v1/subscriptions/s1/items/i1", admin, nil, 200)
	// A break's SubscriptionPrice prices subscription items (and so their
	// orders' lines); a break without one keeps its price.
	apptest.Must(t, e, "PATCH", "/v1/priceschedules/breaks", admin, map[string]any{"PriceBreaks": []any{
		map[string]any{"Quantity": 1, "Price": 10, "SubscriptionPrice": 9.25}, map[string]any{"Quantity": 5, "Price": 8}}}, 200)
	if r := apptest.Must(t, e, "PATCH", "/v1/subscriptions/s1/items/i1", admin, map[string]any{"Quantity": 3}, 200); r.S("UnitPrice") != "9.25" || r.S("LineSubtotal") != "27.75" {
		t.Errorf("item at the subscription price: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "PATCH", "/v1/subscriptions/s1/items/i1", admin, map[string]any{"Quantity": 5}, 200); r.S("UnitPrice") != "8" {
		t.Errorf("item at a break without a subscription price: %s", r.Raw)
	}
	// Deleting the subscription takes its items.
	apptest.Must(t, e, "DELETE", "/v1/subscriptions/s1", admin, nil, 204)
	apptest.Must(t, e, "POST", "/v1/subscriptions", admin, sub("s1", next, map[string]any{"FromCompanyID": "b1", "FromUserID": "u1"}), 201)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/subscriptions/s1/items", admin, nil, 200)); len(got) != 0 {
		t.Errorf("items outlived their subscription: %v", got)
	}
}
