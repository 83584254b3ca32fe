package app_test

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// shoppingGroups are the index groups of a buyer user's shopping: the
// cart, Me and its sellers, group orders.
var shoppingGroups = []string{"Cart", "Me", "Sellers", "Group orders"}

// cartCounterparts are the operations serving cart operations that other
// parts of the API own: until those are served, their cart operation
// answers RouteNotFound (or, for the checkout integration, OrderCloud's
// answer without an integration event).
var cartCounterparts = map[string]string{
	"Cart.CreatePayment": "Payments.Create", "Cart.PatchPayment": "Payments.Patch", "Cart.DeletePayment": "Payments.Delete",
	"Cart.GetPayment": "Payments.Get", "Cart.CreatePaymentTransaction": "Payments.CreateTransaction",
	"Cart.DeletePaymentTransaction": "Payments.DeleteTransaction", "Cart.AddPromotion": "Orders.AddPromotion",
	"Cart.DeletePromotion": "Orders.RemovePromotion", "Cart.ApplyPromotions": "Orders.ApplyPromotions",
	"Cart.RefreshPromotions": "Orders.RefreshPromotions", "Cart.CreateBundleItem": "BundleLineItems.Create",
	"Cart.DeleteBundleItem": "BundleLineItems.Delete",
}

// TestShoppingGroupsServed calls every endpoint of the shopping groups as
// a buyer user with a cart and fails on any that answers RouteNotFound or
// a 5xx, except cart operations whose order counterpart is not served yet.
func TestShoppingGroupsServed(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	reg := e.App.Registry()
	apptest.Must(t, e, "POST", "/v1/cart/lineitems", s.Token, map[string]any{"ID": "line", "ProductID": "p1", "Quantity": 1}, 201)
	var eps []contract.Endpoint
	for _, ep := range contract.Endpoints() {
		if slices.Contains(shoppingGroups, ep.Group) || slices.Contains(shoppingMeOrders, ep.SDK) {
			eps = append(eps, ep)
		}
	}
	// Revoking the caller's tokens goes last.
	slices.SortStableFunc(eps, func(a, b contract.Endpoint) int {
		return cmp.Compare(boolInt(a.SDK == "Me.RevokeTokens"), boolInt(b.SDK == "Me.RevokeTokens"))
	})
	served, total := map[string]int{}, map[string]int{}
	for _, ep := range eps {
		total[ep.Group]++
		var body any
		if ep.Method == http.MethodPost || ep.Method == http.MethodPut || ep.Method == http.MethodPatch {
			body = map[string]any{}
		}
		path := strings.ReplaceAll(pathParam.ReplaceAllString(ep.Path, "missing"), "/lineitems/missing", "/lineitems/line")
		r := e.Do(ep.Method, "/v1"+path, s.Token, body)
		if r.Status >= 500 {
			t.Errorf("%s %s %s: %d %s", ep.Group, ep.Method, ep.Path, r.Status, r.Raw)
			continue
		}
		if r.Code() == "RouteNotFound" {
			if op, ok := cartCounterparts[ep.SDK]; ok && !reg.Implemented(op) {
				continue // waits for its order operation
			}
			t.Errorf("%s %s %s (%s) is not served", ep.Group, ep.Method, ep.Path, ep.SDK)
			continue
		}
		served[ep.Group]++
	}
	for _, g := range append(shoppingGroups, "Orders") {
		t.Logf("%-13s %d/%d", g, served[g], total[g])
	}
}

// shoppingMeOrders are the Me endpoints the index lists under Orders that
// shopping serves: group order invitations and the anonymous order's
// transfer.
var shoppingMeOrders = []string{"Me.ListGroupOrderInvitations", "Me.CreateGroupOrderInvitation", "Me.GetGroupOrderInvitation",
	"Me.DeleteGroupOrderInvitation", "Me.PatchGroupOrderInvitation", "Me.TransferAnonUserOrder"}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
