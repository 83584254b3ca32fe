package app_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// The company-confinement matrix: a buyer user of company A holding every
// role a buyer user can hold, and a supplier user of supplier A holding
// every supplier role, call every operation of the contract with the IDs
// of another buyer's and another supplier's objects in the path and in the
// body. None may answer 2xx for a path naming another company's object,
// no 2xx answer may show one, and afterwards every one of those objects is
// exactly as it was.

// Everything of the other companies is named "zzB" or "zzS", or starts
// with "zzB-" or "zzS-" (usernames, emails and codes in lower case), so a
// response that shows one is easy to spot. Whole JSON string values are
// compared, not substrings: a generated ID such as "-8TYMAeNLzZBpe014oH7jQ"
// holds "zzb" by chance, and matching inside it made the test flaky.
func showsOther(raw string) bool {
	var v any
	if json.Unmarshal([]byte(raw), &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			low := strings.ToLower(v)
			return low == "zzb" || low == "zzs" || strings.HasPrefix(low, "zzb-") || strings.HasPrefix(low, "zzs-")
		case []any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		case map[string]any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// confinementWorld creates buyers aaA and zzB, suppliers aaS and zzS, their
// users, parties, catalog, products, orders and shipments, and returns the
// environment, the admin token, and tokens of aaA's and aaS's users with
// every role of their user type.
func confinementWorld(t *testing.T) (e *apptest.Env, admin, buyerTok, supplierTok string) {
	t.Helper()
	e = apptest.New(t)
	admin = e.AdminToken()
	do := func(method, path string, body any, status int) apptest.Resp {
		return apptest.Must(t, e, method, path, admin, body, status)
	}

	for _, b := range []string{"aaA", "zzB"} {
		apptest.Buyer(t, e, admin, b)
	}
	for _, s := range []string{"aaS", "zzS"} {
		apptest.SupplierOrg(t, e, admin, s, nil)
	}
	apptest.BuyerUser(t, e, admin, "aaA", "aa-user", "aa-user")
	apptest.BuyerUser(t, e, admin, "zzB", "zzB-user", "zzb-user")
	apptest.SupplierUser(t, e, admin, "aaS", "aas-user", "aas-user")
	apptest.SupplierUser(t, e, admin, "zzS", "zzS-user", "zzs-user")

	// Buyer B's parties and accounts.
	do("POST", "/v1/buyers/zzB/usergroups", map[string]any{"ID": "zzB-group", "Name": "G"}, 201)
	do("POST", "/v1/buyers/zzB/usergroups/assignments", map[string]any{"UserGroupID": "zzB-group", "UserID": "zzB-user"}, 204)
	addr := map[string]any{"ID": "zzB-addr", "Street1": "1 Main", "City": "X", "State": "MN", "Zip": "55401", "Country": "US"}
	do("POST", "/v1/buyers/zzB/addresses", addr, 201)
	do("POST", "/v1/buyers/zzB/addresses/assignments", map[string]any{"AddressID": "zzB-addr", "IsShipping": true, "IsBilling": true}, 204)
	do("POST", "/v1/buyers/zzB/costcenters", map[string]any{"ID": "zzB-cc", "Name": "CC"}, 201)
	do("POST", "/v1/buyers/zzB/creditcards", map[string]any{"ID": "zzB-card", "CardholderName": "B"}, 201)
	do("POST", "/v1/buyers/zzB/spendingaccounts", map[string]any{"ID": "zzB-sa", "Name": "SA", "Balance": 100}, 201)
	do("POST", "/v1/buyers/zzB/approvalrules", map[string]any{"ID": "zzB-rule", "ApprovingGroupID": "zzB-group", "RuleExpression": "order.Total > 1000"}, 201)

	// A product only buyer B sees, in B's catalog and one of its categories.
	apptest.PriceSchedule(t, e, admin, "zzB-ps", nil, 1, 10)
	apptest.Product(t, e, admin, "zzB-prod", "zzB-ps", nil)
	apptest.InCatalog(t, e, admin, "zzB", "zzB-prod")
	do("POST", "/v1/catalogs/zzB/categories", map[string]any{"ID": "zzB-categ", "Name": "C", "Active": true}, 201)
	do("POST", "/v1/catalogs/zzB/categories/productassignments", map[string]any{"CategoryID": "zzB-categ", "ProductID": "zzB-prod"}, 204)

	// Supplier S2's own catalog, products and the rest.
	do("POST", "/v1/suppliers/zzS/usergroups", map[string]any{"ID": "zzS-group", "Name": "G"}, 201)
	saddr := map[string]any{"ID": "zzS-addr", "Street1": "2 Main", "City": "X", "State": "MN", "Zip": "55401", "Country": "US"}
	do("POST", "/v1/suppliers/zzS/addresses", saddr, 201)
	apptest.PriceSchedule(t, e, admin, "zzS-ps", map[string]any{"OwnerID": "zzS"}, 1, 7)
	apptest.Product(t, e, admin, "zzS-prod", "zzS-ps", map[string]any{"OwnerID": "zzS"})
	do("POST", "/v1/catalogs", map[string]any{"ID": "zzS-catalog", "Name": "S2", "OwnerID": "zzS", "Active": true}, 201)
	do("POST", "/v1/specs", map[string]any{"ID": "zzS-spec", "Name": "Size", "OwnerID": "zzS", "AllowOpenText": true}, 201)
	do("POST", "/v1/specs/zzS-spec/options", map[string]any{"ID": "zzS-opt", "Value": "L"}, 201)
	do("POST", "/v1/specs/productassignments", map[string]any{"SpecID": "zzS-spec", "ProductID": "zzS-prod"}, 204)
	do("POST", "/v1/bundles", map[string]any{"ID": "zzS-bundle", "Name": "B", "OwnerID": "zzS"}, 201)
	do("POST", "/v1/promotions", map[string]any{"ID": "zzS-promo", "Name": "P", "Code": "zzs-code", "OwnerID": "zzS",
		"EligibleExpression": "true", "ValueExpression": "1"}, 201)
	do("POST", "/v1/products/zzS-prod/inventoryrecords", map[string]any{"ID": "zzS-inv", "OwnerID": "zzS", "AddressID": "zzS-addr", "QuantityAvailable": 5}, 201)
	do("POST", "/v1/shipments", map[string]any{"ID": "zzS-ship", "OwnerID": "zzS", "BuyerID": "zzB"}, 201)

	// Buyer B's order, submitted and shipped by the marketplace.
	apptest.Profile(t, e, admin, "shopper", "Shopper", "MeAdmin")
	apptest.AssignProfile(t, e, admin, "shopper", map[string]any{"BuyerID": "zzB"})
	client := apptest.BuyerClient(t, e, admin, map[string]any{"AllowAnySupplier": true})
	bTok := e.Login(client, "zzb-user", apptest.BuyerPassword, "Shopper")
	apptest.Must(t, e, "POST", "/v1/orders/Outgoing", bTok, map[string]any{"ID": "zzB-order"}, 201)
	apptest.Must(t, e, "POST", "/v1/orders/Outgoing/zzB-order/lineitems", bTok, map[string]any{"ID": "zzB-line", "ProductID": "zzB-prod", "Quantity": 2}, 201)
	apptest.Submitted(t, e.Do("POST", "/v1/orders/Outgoing/zzB-order/submit", bTok, nil))
	apptest.Must(t, e, "POST", "/v1/orders/Outgoing", bTok, map[string]any{"ID": "zzB-open"}, 201)
	apptest.Must(t, e, "POST", "/v1/orders/Outgoing/zzB-open/lineitems", bTok, map[string]any{"ID": "zzB-line2", "ProductID": "zzB-prod", "Quantity": 1}, 201)
	apptest.Must(t, e, "POST", "/v1/orders/Outgoing/zzB-open/payments", bTok, map[string]any{"ID": "zzB-pay", "Type": "PurchaseOrder"}, 201)
	apptest.Must(t, e, "POST", "/v1/me/productcollections", bTok, map[string]any{"ID": "zzB-coll", "Name": "Wish"}, 201)
	do("POST", "/v1/orders/Incoming/zzB-order/ship", map[string]any{"ID": "zzB-ship"}, 201)

	// The actors: every role of their user type, from a company profile.
	apptest.Profile(t, e, admin, "every-buyer-role", auth.BuyerRoles()...)
	apptest.AssignProfile(t, e, admin, "every-buyer-role", map[string]any{"BuyerID": "aaA"})
	apptest.Profile(t, e, admin, "every-supplier-role", auth.SupplierRoles()...)
	apptest.AssignProfile(t, e, admin, "every-supplier-role", map[string]any{"SupplierID": "aaS"})
	buyerTok = e.Login(client, "aa-user", apptest.BuyerPassword)
	supplierTok = e.Login(client, "aas-user", apptest.BuyerPassword)
	if got := apptest.TokenRoles(t, buyerTok); len(got) != len(auth.BuyerRoles()) {
		t.Fatalf("buyer actor roles %v", got)
	}
	return e, admin, buyerTok, supplierTok
}

// ownIDs fills an operation's path parameters for a call inside the
// actor's own company (its company parameter, and IDs of its own, which may
// not exist yet), except a new buyer to move a user to: that one is B.
func ownIDs(param, ownParam, own string) string {
	switch param {
	case ownParam:
		return own
	case "newBuyerID":
		return "zzB"
	}
	return "aa-" + param
}

// otherIDs fills an operation's path parameters with the other companies'
// objects.
func otherIDs(param string) string {
	switch param {
	case "buyerID", "newBuyerID":
		return "zzB"
	case "userID":
		return "zzB-user"
	case "userGroupID":
		return "zzB-group"
	case "addressID":
		return "zzB-addr"
	case "costCenterID":
		return "zzB-cc"
	case "creditCardID", "creditcardID":
		return "zzB-card"
	case "spendingAccountID":
		return "zzB-sa"
	case "approvalRuleID":
		return "zzB-rule"
	case "orderID":
		return "zzB-order"
	case "lineItemID":
		return "zzB-line"
	case "shipmentID":
		return "zzB-ship"
	case "paymentID":
		return "zzB-pay"
	case "productID":
		return "zzB-prod"
	case "catalogID":
		return "zzB"
	case "categoryID":
		return "zzB-categ"
	case "priceScheduleID":
		return "zzB-ps"
	case "supplierID":
		return "zzS"
	case "specID":
		return "zzS-spec"
	case "optionID":
		return "zzS-opt"
	case "bundleID":
		return "zzS-bundle"
	case "promotionID":
		return "zzS-promo"
	case "inventoryRecordID":
		return "zzS-inv"
	case "productCollectionID":
		return "zzB-coll"
	}
	return "zzB-" + param
}

// supplierSide swaps in supplier S2's objects where a parameter can name
// one (products, price schedules, catalogs, shipments, users…).
func supplierSide(param string) (string, bool) {
	switch param {
	case "productID":
		return "zzS-prod", true
	case "priceScheduleID":
		return "zzS-ps", true
	case "catalogID":
		return "zzS-catalog", true
	case "shipmentID":
		return "zzS-ship", true
	case "userID":
		return "zzS-user", true
	case "userGroupID":
		return "zzS-group", true
	case "addressID":
		return "zzS-addr", true
	}
	return "", false
}

// otherBody names the other companies' objects in every reference field.
func otherBody() map[string]any {
	return map[string]any{"ID": "newobj", "Name": "n", "BuyerID": "zzB", "SupplierID": "zzS", "OwnerID": "zzS",
		"FromCompanyID": "zzB", "ToCompanyID": "zzS", "FromUserID": "zzB-user", "UserID": "zzB-user", "UserGroupID": "zzB-group",
		"OrderID": "zzB-order", "LineItemID": "zzB-line", "ProductID": "zzB-prod", "CatalogID": "zzB", "CategoryID": "zzB-categ",
		"PriceScheduleID": "zzB-ps", "DefaultPriceScheduleID": "zzS-ps", "AddressID": "zzB-addr", "CostCenterID": "zzB-cc",
		"CreditCardID": "zzB-card", "SpendingAccountID": "zzB-sa", "SpecID": "zzS-spec", "BundleID": "zzS-bundle",
		"PromotionID": "zzS-promo", "InventoryRecordID": "zzS-inv", "ShippingAddressID": "zzB-addr", "BillingAddressID": "zzB-addr",
		"ApprovingGroupID": "zzB-group", "DefaultCatalogID": "zzB", "DefaultSupplierID": "zzS", "ShipFromAddressID": "zzS-addr",
		"Quantity": 1, "QuantityShipped": 1}
}

// snapshot reads, as the marketplace owner, every object of the other
// companies and every collection they own.
func snapshot(t *testing.T, e *apptest.Env, admin string) map[string]string {
	t.Helper()
	paths := []string{
		"/v1/buyers/zzB", "/v1/buyers/zzB/users", "/v1/buyers/zzB/usergroups", "/v1/buyers/zzB/usergroups/assignments",
		"/v1/buyers/zzB/addresses", "/v1/buyers/zzB/addresses/assignments", "/v1/buyers/zzB/costcenters", "/v1/buyers/zzB/creditcards",
		"/v1/buyers/zzB/spendingaccounts", "/v1/buyers/zzB/approvalrules", "/v1/orders/Incoming/zzB-order", "/v1/orders/Incoming/zzB-open",
		"/v1/orders/Incoming/zzB-order/lineitems", "/v1/orders/Incoming/zzB-open/payments", "/v1/shipments/zzB-ship", "/v1/shipments/zzS-ship", "/v1/shipments/zzB-ship/items",
		"/v1/products/zzB-prod", "/v1/products/zzS-prod", "/v1/catalogs/zzB", "/v1/catalogs/zzS-catalog", "/v1/catalogs/zzB/categories",
		"/v1/priceschedules/zzB-ps", "/v1/priceschedules/zzS-ps", "/v1/suppliers/zzS", "/v1/suppliers/zzS/users", "/v1/suppliers/zzS/usergroups",
		"/v1/suppliers/zzS/addresses", "/v1/specs/zzS-spec", "/v1/bundles/zzS-bundle", "/v1/promotions/zzS-promo",
		"/v1/products/zzS-prod/inventoryrecords", "/v1/products/assignments", "/v1/catalogs/assignments", "/v1/catalogs/productassignments",
		"/v1/specs/productassignments", "/v1/securityprofiles/assignments", "/v1/suppliers/zzS/buyers", "/v1/products/zzS-prod/suppliers",
		"/v1/buyers/zzB/productcollections/zzB-coll", "/v1/buyers/zzB/productcollections",
	}
	out := map[string]string{}
	for _, p := range paths {
		r := apptest.Must(t, e, "GET", p, admin, nil, 200)
		out[p] = r.Raw
	}
	return out
}

func TestCrossCompanyMatrix(t *testing.T) {
	t.Parallel()
	e, admin, buyerTok, supplierTok := confinementWorld(t)
	before := snapshot(t, e, admin)

	actors := []struct {
		name, token, ownParam, own string
	}{{"buyer", buyerTok, "buyerID", "aaA"}, {"supplier", supplierTok, "supplierID", "aaS"}}
	calls, refused := 0, 0
	for _, a := range actors {
		for _, op := range contract.Operations() {
			// Each operation with the other companies' IDs everywhere, with
			// the supplier's objects where a parameter can name one, and
			// inside the actor's own company with the other companies'
			// objects in the body. Me operations that write under an ID
			// create the caller's own object by that ID, so only their
			// reads and posts are tried with other IDs.
			for _, variant := range []string{"other", "supplier-side", "own-company"} {
				if op.Resource == "Me" && variant != "own-company" && op.Method != http.MethodGet && op.Method != http.MethodPost {
					continue
				}
				for _, dir := range directions(op.Path) {
					path, namesOther := "/v1"+op.Path, false
					for _, p := range op.PathParams {
						v := otherIDs(p)
						if variant == "supplier-side" {
							if s, ok := supplierSide(p); ok {
								v = s
							}
						}
						if variant == "own-company" {
							v = ownIDs(p, a.ownParam, a.own)
						}
						if p == "direction" {
							v = dir
						}
						namesOther = namesOther || strings.Contains(strings.ToLower(v), "zz")
						path = strings.Replace(path, "{"+p+"}", v, 1)
					}
					if variant == "supplier-side" && !namesOther {
						continue
					}
					var body any
					if op.Method == http.MethodPost || op.Method == http.MethodPut || op.Method == http.MethodPatch {
						body = otherBody()
					}
					r := e.Do(op.Method, path, a.token, body)
					calls++
					if r.Status >= 500 {
						t.Errorf("%s %s %s %s: %d %s", a.name, op.ID(), op.Method, path, r.Status, r.Raw)
						continue
					}
					ok2xx := r.Status >= 200 && r.Status < 300
					if !ok2xx {
						refused++
						continue
					}
					if namesOther {
						t.Errorf("%s %s %s %s reached another company's object: %d %s", a.name, op.ID(), op.Method, path, r.Status, r.Raw)
						continue
					}
					if showsOther(r.Raw) {
						t.Errorf("%s %s %s %s shows another company's object: %s", a.name, op.ID(), op.Method, path, r.Raw)
					}
				}
			}
		}
	}
	after := snapshot(t, e, admin)
	var changed []string
	for p, v := range before {
		if after[p] != v {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	for _, p := range changed {
		t.Errorf("%s changed:\nbefore %s\nafter  %s", p, before[p], after[p])
	}
	t.Logf("%d calls, %d refused, %d objects and collections unchanged", calls, refused, len(before)-len(changed))
}

// Confinement narrows what buyer and supplier users reach; it does not
// take away what their own company owns, and lists count only that.
func TestConfinedListsShowOwnCompany(t *testing.T) {
	t.Parallel()
	e, admin, buyerTok, supplierTok := confinementWorld(t)
	apptest.PriceSchedule(t, e, admin, "aaS-ps", map[string]any{"OwnerID": "aaS"}, 1, 3)
	apptest.Product(t, e, admin, "aaS-prod", "aaS-ps", map[string]any{"OwnerID": "aaS"})

	r := apptest.Must(t, e, "GET", "/v1/buyerusers", buyerTok, nil, 200)
	if got := apptest.IDs(r); len(got) != 1 || got[0] != "aa-user" || r.S("Meta.TotalCount") != "1" {
		t.Errorf("buyer users across buyers, as a buyer user: %v %s", got, r.Raw)
	}
	apptest.Must(t, e, "GET", "/v1/buyers/aaA/users/aa-user", buyerTok, nil, 200)
	if r := apptest.Must(t, e, "GET", "/v1/shipments", buyerTok, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("shipments of other buyers: %s", r.Raw)
	}
	// B's order is shipped: B sees its shipments, A none.
	r = apptest.Must(t, e, "GET", "/v1/products", supplierTok, nil, 200)
	if got := apptest.IDs(r); len(got) != 1 || got[0] != "aaS-prod" || r.S("Meta.TotalCount") != "1" {
		t.Errorf("supplier's products: %v %s", got, r.Raw)
	}
	if r := apptest.Must(t, e, "GET", "/v1/priceschedules", supplierTok, nil, 200); r.S("Meta.TotalCount") != "1" {
		t.Errorf("supplier's price schedules: %s", r.Raw)
	}
	// A supplier creates products it owns, and cannot give one away.
	r = apptest.Must(t, e, "POST", "/v1/products", supplierTok, map[string]any{"ID": "aaS-new", "Name": "New"}, 201)
	if r.S("OwnerID") != "aaS" {
		t.Errorf("a supplier's new product is its own: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/products", supplierTok, map[string]any{"ID": "gift", "Name": "Gift", "OwnerID": "zzS"}), 403, "Auth.UserNotAuthorizedToAdmin")
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/aaS-new", supplierTok, map[string]any{"OwnerID": "zzS"}), 403, "Auth.UserNotAuthorizedToAdmin")
	// A price schedule it may not see cannot price its product.
	apptest.WantErr(t, e.Do("PATCH", "/v1/products/aaS-new", supplierTok, map[string]any{"DefaultPriceScheduleID": "zzS-ps"}), 404, "NotFound")
	apptest.Must(t, e, "PATCH", "/v1/products/aaS-new", supplierTok, map[string]any{"DefaultPriceScheduleID": "aaS-ps"}, 200)
	// The marketplace owner still sees everything.
	if r := apptest.Must(t, e, "GET", "/v1/products", admin, nil, 200); r.S("Meta.TotalCount") != "4" {
		t.Errorf("marketplace products: %s", r.Raw)
	}
}

// directions lists the order directions to try on a path with one.
func directions(path string) []string {
	if strings.Contains(path, "{direction}") {
		return []string{"Outgoing", "Incoming", "All"}
	}
	return []string{""}
}

// The matrix's detector sees the other companies' names wherever they sit
// in a response, and not inside a generated ID.
func TestShowsOtherMatchesWholeValues(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"ID":"-8TYMAeNLzZBpe014oH7jQ"}`:                    false,
		`{"Items":[{"ID":"aa-user","CompanyID":"aaA"}]}`:     false,
		`{"Items":[{"FromCompanyID":"zzB"}]}`:                true,
		`{"Order":{"LineItems":[{"ProductID":"zzS-prod"}]}}`: true,
		`{"Email":"zzb-user@example.com"}`:                   true,
		`["zzs"]`:                                            true,
	} {
		if got := showsOther(raw); got != want {
			t.Errorf("showsOther(%s) = %v", raw, got)
		}
	}
}
