package suppliers_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// GET /me/sellers: whom the buyer user may order from — the marketplace,
// suppliers related to its buyer and those open to every buyer, when
// active — the same list as its buyer's sellers.
func TestMeListBuyerSellers(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.SupplierOrg(t, e, admin, "s1", nil)                                       // related to b1 below
	apptest.SupplierOrg(t, e, admin, "s2", map[string]any{"AllBuyersCanOrder": true}) // open to every buyer
	apptest.SupplierOrg(t, e, admin, "s3", nil)                                       // no relationship to b1
	apptest.SupplierOrg(t, e, admin, "s4", map[string]any{"AllBuyersCanOrder": true, "Active": false})
	apptest.SupplierOrg(t, e, admin, "s5", map[string]any{"Active": false}) // related, inactive
	apptest.Buyer(t, e, admin, "b2")
	apptest.Must(t, e, "PUT", "/v1/suppliers/s1/buyers/b1", admin, nil, 204)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s3/buyers/b2", admin, nil, 204)
	apptest.Must(t, e, "PUT", "/v1/suppliers/s5/buyers/b1", admin, nil, 204)

	r := apptest.Must(t, e, "GET", "/v1/me/sellers?sortBy=ID", s.Token, nil, 200)
	if got := apptest.IDs(r); !slices.Equal(got, []string{"marketplace", "s1", "s2"}) || r.S("Items.1.Name") != "Supplier s1" {
		t.Errorf("me/sellers %v: %s", got, r.Raw)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/sellers?sortBy=ID", admin, nil, 200)); !slices.Equal(got, []string{"marketplace", "s1", "s2"}) {
		t.Errorf("b1's sellers %v", got)
	}
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/sellers?search=s2", s.Token, nil, 200)); !slices.Equal(got, []string{"s2"}) {
		t.Errorf("me/sellers searched: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/sellers?pageSize=0", s.Token, nil), 400, "List.InvalidPageSize")
	apptest.WantErr(t, e.Do("GET", "/v1/me/sellers", admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")
}
