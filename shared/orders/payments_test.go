package orders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func payments(orderID string) string { return apptest.Outgoing + "/" + orderID + "/payments" }
func incomingPayments(orderID string) string {
	return "/v1/orders/Incoming/" + orderID + "/payments"
}

// spendingAccount creates a spending account of b1 given to the whole
// buyer (assign, when not nil, replaces that assignment).
func spendingAccount(t *testing.T, s *apptest.Shop, id string, extra map[string]any, assign map[string]any) {
	t.Helper()
	body := map[string]any{"ID": id, "Name": "Account " + id, "Balance": 0, "AllowAsPaymentMethod": true}
	for k, v := range extra {
		body[k] = v
	}
	apptest.Must(t, s.E, "POST", "/v1/buyers/b1/spendingaccounts", s.Admin, body, 201)
	if assign == nil {
		assign = map[string]any{}
	}
	assign["SpendingAccountID"] = id
	apptest.Must(t, s.E, "POST", "/v1/buyers/b1/spendingaccounts/assignments", s.Admin, assign, 204)
}

func balance(t *testing.T, s *apptest.Shop, id string) string {
	t.Helper()
	return apptest.Must(t, s.E, "GET", "/v1/buyers/b1/spendingaccounts/"+id, s.Admin, nil, 200).S("Balance")
}

// dimeShop is a shop selling product "d" at 0.1.
func dimeShop(t *testing.T) *apptest.Shop {
	t.Helper()
	s := apptest.NewShop(t)
	apptest.PriceSchedule(t, s.E, s.Admin, "dime", nil, 1, 0.1)
	apptest.Product(t, s.E, s.Admin, "d", "dime", nil)
	apptest.InCatalog(t, s.E, s.Admin, "b1", "d")
	return s
}

func TestPaymentLifecycle(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1) // Total 10

	p := apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "po1", "Type": "PurchaseOrder", "Amount": 4,
		"Description": "PO 1234", "xp": map[string]any{"po": "1234"}}, 201)
	if p.S("ID") != "po1" || p.S("Type") != "PurchaseOrder" || p.S("Amount") != "4" || p.Get("Accepted") != nil ||
		p.S("Currency") != "USD" || !isUTC(p.S("DateCreated")) || p.S("xp.po") != "1234" {
		t.Errorf("new payment: %s", p.Raw)
	}
	if ts, ok := p.Get("Transactions").([]any); !ok || len(ts) != 0 {
		t.Errorf("new payment's Transactions: %s", p.Raw)
	}
	if g := apptest.Must(t, e, "GET", payments(id)+"/po1", s.Token, nil, 200); g.S("Description") != "PO 1234" {
		t.Errorf("GET payment: %s", g.Raw)
	}
	if l := apptest.Must(t, e, "GET", payments(id), s.Token, nil, 200); l.S("Meta.TotalCount") != "1" || l.S("Items.0.ID") != "po1" {
		t.Errorf("payments: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", payments(id)+"?search=1234", s.Token, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Errorf("payments searched by description: %s", l.Raw)
	}

	// Every payment must be accepted to submit.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "Order.CannotSubmitWithUnaccceptedPayments")
	// Only an order administrator accepts a payment.
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/po1", s.Token, map[string]any{"Accepted": true}), 403, "Payment.CannotPatchAccepted")
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "PurchaseOrder", "Amount": 1, "Accepted": true}), 403, "Payment.CannotPatchAccepted")
	// The type and the accounts never change.
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/po1", s.Token, map[string]any{"Type": "CreditCard"}), 400, "Payment.CannotPatchProperty")
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/po1", admin, map[string]any{"SpendingAccountID": "x"}), 404, "NotFound") // admin: not Outgoing
	apptest.WantErr(t, e.Do("PATCH", incomingPayments(id)+"/po1", admin, map[string]any{"SpendingAccountID": "x"}), 400, "Payment.CannotPatchProperty")
	if r := apptest.Must(t, e, "PATCH", payments(id)+"/po1", s.Token, map[string]any{"Description": "PO 5678"}, 200); r.S("Description") != "PO 5678" || r.S("Amount") != "4" {
		t.Errorf("patched payment: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "PATCH", incomingPayments(id)+"/po1", admin, map[string]any{"Accepted": true}, 200); r.Get("Accepted") != true {
		t.Errorf("accepted payment: %s", r.Raw)
	}

	// Amounts are null or above zero; the accounts named fit the type.
	for _, c := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"Type": "PurchaseOrder", "Amount": 0}, "Payment.AmountGreaterThanZero"},
		{map[string]any{"Type": "PurchaseOrder", "Amount": -1}, "Payment.AmountGreaterThanZero"},
		{map[string]any{"Type": "PurchaseOrder", "CreditCardID": "c"}, "Payment.CannotSetCreditCard"},
		{map[string]any{"Type": "CreditCard", "SpendingAccountID": "a"}, "Payment.CannotSetSpendingAccount"},
		{map[string]any{"Type": "SpendingAccount"}, "Payment.SpendingAccountIdMissing"},
	} {
		apptest.WantErr(t, e.Do("POST", payments(id), s.Token, c.body), 400, c.code)
	}
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "CreditCard", "CreditCardID": "nocard"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"ID": "po1", "Type": "PurchaseOrder"}), 409, "IdExists")

	// 4 + 6 pays the 10: no further payment.
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "po2", "Type": "PurchaseOrder", "Amount": 6}, 201)
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "PurchaseOrder"}), 400, "Payment.AlreadyPaid")
	apptest.Must(t, e, "DELETE", payments(id)+"/po2", s.Token, nil, 204)
	apptest.Must(t, e, "DELETE", payments(id)+"/po2", s.Token, nil, 404)
	// A payment without an amount covers the rest.
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "rest", "Type": "PurchaseOrder"}, 201)
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "PurchaseOrder", "Amount": 1}), 400, "Payment.AlreadyPaid")
	apptest.Must(t, e, "PATCH", incomingPayments(id)+"/rest", admin, map[string]any{"Accepted": true}, 200)

	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil))

	// A submitted order's accepted payments are the order administrator's.
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/po1", s.Token, map[string]any{"Description": "late"}), 403, "Payment.NotAuthorizedToPatch")
	apptest.WantErr(t, e.Do("DELETE", payments(id)+"/po1", s.Token, nil), 403, "Payment.NotAuthorizedToPatch")
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "PurchaseOrder"}), 403, "Payment.NotAuthorizedToPatch")

	// Transactions: the processor's record, written by order administrators.
	tr := map[string]any{"ID": "t1", "Type": "Capture", "DateExecuted": "2024-05-06T07:08:09+02:00", "Amount": 4, "Succeeded": true,
		"ResultCode": "OK", "ResultMessage": "captured"}
	apptest.WantErr(t, e.Do("POST", payments(id)+"/po1/transactions", s.Token, tr), 403, "Auth.InsufficientRoles")
	r := apptest.Must(t, e, "POST", incomingPayments(id)+"/po1/transactions", admin, tr, 201)
	if r.S("ID") != "po1" || r.S("Transactions.0.ID") != "t1" || r.S("Transactions.0.DateExecuted") != "2024-05-06T05:08:09Z" ||
		r.S("Transactions.0.Currency") != "USD" || r.Get("Transactions.0.Succeeded") != true || r.S("Transactions.0.Amount") != "4" {
		t.Errorf("payment with a transaction: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("POST", incomingPayments(id)+"/po1/transactions", admin, tr), 409, "IdExists")
	apptest.WantErr(t, e.Do("POST", incomingPayments(id)+"/po1/transactions", admin, map[string]any{"Type": "Void"}), 400, "ValidationFailure")
	if g := apptest.Must(t, e, "GET", payments(id)+"/po1", s.Token, nil, 200); g.S("Transactions.0.ResultMessage") != "captured" {
		t.Errorf("transactions read back: %s", g.Raw)
	}
	apptest.Must(t, e, "DELETE", incomingPayments(id)+"/po1/transactions/t1", admin, nil, 204)
	apptest.WantErr(t, e.Do("DELETE", incomingPayments(id)+"/po1/transactions/t1", admin, nil), 404, "NotFound")
	if g := apptest.Must(t, e, "GET", payments(id)+"/po1", s.Token, nil, 200); g.Get("Transactions.0") != nil {
		t.Errorf("deleted transaction still there: %s", g.Raw)
	}
	// The order administrator still changes them.
	apptest.Must(t, e, "PATCH", incomingPayments(id)+"/po1", admin, map[string]any{"Description": "settled"}, 200)
}

func TestPaymentsAreConfinedToTheOrder(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "po", "Type": "PurchaseOrder"}, 201)

	// Another user of the same buyer, and a user of another buyer.
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	peer := s.Login("shopper-two", "Shopper")
	s.OtherBuyer(t, "b2", "x1", "stranger")
	stranger := s.Login("stranger", "Shopper")
	for _, tok := range []string{peer, stranger} {
		apptest.WantErr(t, e.Do("GET", payments(id), tok, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("GET", payments(id)+"/po", tok, nil), 404, "NotFound")
		apptest.WantErr(t, e.Do("POST", payments(id), tok, map[string]any{"Type": "PurchaseOrder"}), 404, "NotFound")
		apptest.WantErr(t, e.Do("PATCH", payments(id)+"/po", tok, map[string]any{"Description": "x"}), 404, "NotFound")
		apptest.WantErr(t, e.Do("DELETE", payments(id)+"/po", tok, nil), 404, "NotFound")
	}
	// The buyer does not see its order as incoming; the marketplace does.
	apptest.WantErr(t, e.Do("GET", incomingPayments(id), s.Token, nil), 404, "NotFound")
	if l := apptest.Must(t, e, "GET", incomingPayments(id), s.Admin, nil, 200); l.S("Meta.TotalCount") != "1" {
		t.Errorf("marketplace's view: %s", l.Raw)
	}
	// A payment of another order is not found through this one.
	other := s.NewOrder(t, s.Token)
	apptest.WantErr(t, e.Do("GET", payments(other)+"/po", s.Token, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/nope/payments", s.Token, nil), 404, "NotFound")
}

func TestSpendingAccountPaymentsDrawTheBalance(t *testing.T) {
	t.Parallel()
	s := dimeShop(t)
	e, admin := s.E, s.Admin
	spendingAccount(t, s, "sa", map[string]any{"Balance": 0.3}, nil)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "d", 3) // Total 0.3

	p1 := apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "p1", "Type": "SpendingAccount", "SpendingAccountID": "sa", "Amount": 0.1}, 201)
	if p1.Get("Accepted") != true || !strings.Contains(p1.Raw, `"Amount":0.1,`) {
		t.Errorf("spending account payment: %s", p1.Raw)
	}
	if b := balance(t, s, "sa"); b != "0.2" {
		t.Errorf("balance after 0.1 of 0.3: %s", b)
	}
	// No amount: what is left to pay (0.3 - 0.1), exactly.
	p2 := apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "p2", "Type": "SpendingAccount", "SpendingAccountID": "sa"}, 201)
	if !strings.Contains(p2.Raw, `"Amount":0.2,`) {
		t.Errorf("payment of the rest: %s", p2.Raw)
	}
	if b := balance(t, s, "sa"); b != "0" {
		t.Errorf("balance after 0.1 + 0.2 of 0.3: %s", b)
	}
	apptest.WantErr(t, e.Do("POST", payments(id), s.Token, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "sa"}), 400, "Payment.AlreadyPaid")
	other := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, other, "d", 1)
	apptest.WantErr(t, e.Do("POST", payments(other), s.Token, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "sa", "Amount": 0.01}), 400, "Payment.ExceedsBalance")

	// Deleting a payment gives back what it drew; changing its amount draws
	// or gives back the difference.
	apptest.Must(t, e, "DELETE", payments(id)+"/p1", s.Token, nil, 204)
	if b := balance(t, s, "sa"); b != "0.1" {
		t.Errorf("balance after giving back 0.1: %s", b)
	}
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/p2", s.Token, map[string]any{"Amount": 0.31}), 400, "Payment.ExceedsBalance")
	if r := apptest.Must(t, e, "PATCH", payments(id)+"/p2", s.Token, map[string]any{"Amount": 0.25}, 200); r.S("Amount") != "0.25" {
		t.Errorf("patched amount: %s", r.Raw)
	}
	if b := balance(t, s, "sa"); b != "0.05" {
		t.Errorf("balance after raising 0.2 to 0.25: %s", b)
	}
	apptest.Must(t, e, "PATCH", payments(id)+"/p2", s.Token, map[string]any{"Amount": 0.05}, 200)
	if b := balance(t, s, "sa"); b != "0.25" {
		t.Errorf("balance after lowering 0.25 to 0.05: %s", b)
	}
	apptest.WantErr(t, e.Do("PATCH", payments(id)+"/p2", s.Token, map[string]any{"Amount": 0}), 400, "Payment.AmountGreaterThanZero")

	// An account in use cannot be deleted; once its payments are gone (the
	// order deleted), it can, and it has its balance back.
	apptest.WantErr(t, e.Do("DELETE", "/v1/buyers/b1/spendingaccounts/sa", admin, nil), 400, "Payment.CannotDeleteSpendingAccount")
	apptest.Must(t, e, "DELETE", apptest.Outgoing+"/"+id, s.Token, nil, 204)
	if b := balance(t, s, "sa"); b != "0.3" {
		t.Errorf("balance after deleting the order: %s", b)
	}
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/spendingaccounts/sa", admin, nil, 204)
}

func TestSpendingAccountPaymentSubmits(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	spendingAccount(t, s, "credit", map[string]any{"Balance": 25}, nil)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 2) // Total 20
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "credit", "Amount": 15}, 201)
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"ID": "po", "Type": "PurchaseOrder"}, 201)
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil), 400, "Order.CannotSubmitWithUnaccceptedPayments")
	apptest.Must(t, e, "PATCH", incomingPayments(id)+"/po", s.Admin, map[string]any{"Accepted": true}, 200)
	if o := apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", s.Token, nil)); o.S("Status") != "Open" {
		t.Errorf("submitted: %s", o.Raw)
	}
	if b := balance(t, s, "credit"); b != "10" {
		t.Errorf("balance after paying 15 of 25: %s", b)
	}
	// An order without payments submits as before.
	plain := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, plain, "p1", 1)
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+plain+"/submit", s.Token, nil))
}

func TestSpendingAccountRules(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	peer := s.Login("shopper-two", "Shopper")
	past, future := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	spendingAccount(t, s, "open", map[string]any{"Balance": 100, "StartDate": past, "EndDate": future}, nil)
	spendingAccount(t, s, "ended", map[string]any{"Balance": 100, "EndDate": past}, nil)
	spendingAccount(t, s, "later", map[string]any{"Balance": 100, "StartDate": future}, nil)
	spendingAccount(t, s, "nopay", map[string]any{"Balance": 100, "AllowAsPaymentMethod": false}, nil)
	spendingAccount(t, s, "peers", map[string]any{"Balance": 100}, map[string]any{"UserID": "u2"})
	spendingAccount(t, s, "overdraft", map[string]any{"Balance": 1}, map[string]any{"AllowExceed": true})
	apptest.Must(t, e, "POST", "/v1/buyers/b1/spendingaccounts", admin, map[string]any{"ID": "unassigned", "Name": "U", "Balance": 100,
		"AllowAsPaymentMethod": true}, 201)
	apptest.Buyer(t, e, admin, "b2")
	apptest.Must(t, e, "POST", "/v1/buyers/b2/spendingaccounts", admin, map[string]any{"ID": "theirs", "Name": "T", "Balance": 100,
		"AllowAsPaymentMethod": true}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b2/spendingaccounts/assignments", admin, map[string]any{"SpendingAccountID": "theirs"}, 204)

	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1)
	pay := func(tok, account string, amount any) apptest.Resp {
		return e.Do("POST", payments(id), tok, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": account, "Amount": amount})
	}
	for account, code := range map[string]string{"ended": "Payment.CannotUseExpiredSpendingAccount", "later": "Payment.CannotUseExpiredSpendingAccount",
		"nopay": "Payment.InvalidSpendingAccountID", "peers": "Payment.InvalidSpendingAccountID", "unassigned": "Payment.InvalidSpendingAccountID",
		"theirs": "Payment.InvalidSpendingAccountID", "missing": "Payment.InvalidSpendingAccountID"} {
		if r := pay(s.Token, account, 1); r.Status != 400 || r.Code() != code {
			t.Errorf("paying with %s: %d %s, want 400 %s", account, r.Status, r.Raw, code)
		}
	}
	if b := apptest.Must(t, e, "GET", "/v1/buyers/b2/spendingaccounts/theirs", admin, nil, 200).S("Balance"); b != "100" {
		t.Errorf("another buyer's account changed: %s", b)
	}
	// The marketplace pays for the user with what the user may use.
	apptest.Must(t, e, "POST", incomingPayments(id), admin, map[string]any{"ID": "m", "Type": "SpendingAccount", "SpendingAccountID": "open", "Amount": 1}, 201)
	if b := balance(t, s, "open"); b != "99" {
		t.Errorf("open account after 1: %s", b)
	}
	apptest.WantErr(t, e.Do("POST", incomingPayments(id), admin, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "peers", "Amount": 1}), 400, "Payment.InvalidSpendingAccountID")
	// An assignment allowing it lets the balance go below zero.
	apptest.Must(t, e, "POST", payments(id), s.Token, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "overdraft", "Amount": 3}, 201)
	if b := balance(t, s, "overdraft"); b != "-2" {
		t.Errorf("overdrawn account: %s", b)
	}
	// The peer may use its own account on its own order.
	mine := s.NewOrder(t, peer)
	s.AddLine(t, peer, mine, "p1", 1)
	apptest.Must(t, e, "POST", payments(mine), peer, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "peers"}, 201)
	if b := balance(t, s, "peers"); b != "90" {
		t.Errorf("peer's account after paying 10: %s", b)
	}
}

// Ten payments of 1 at once against a balance of 3: three succeed, the
// rest are refused, and the balance ends at exactly 0.
func TestConcurrentSpendingAccountPayments(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	spendingAccount(t, s, "sa", map[string]any{"Balance": 3}, nil)
	var orders []string
	for i := 0; i < 10; i++ {
		id := s.NewOrder(t, s.Token)
		s.AddLine(t, s.Token, id, "p1", 1)
		orders = append(orders, id)
	}
	res := apptest.Parallel(len(orders), func(i int) apptest.Resp {
		return e.Do("POST", payments(orders[i]), s.Token, map[string]any{"Type": "SpendingAccount", "SpendingAccountID": "sa", "Amount": 1})
	})
	won, conflicts := 0, 0
	for _, r := range res {
		switch {
		case r.Status == 201:
			won++
		case r.Status == 400 && r.Code() == "Payment.ExceedsBalance":
		case r.Status == 409 && r.Code() == "Conflict": // only on a starved machine; checked below
			conflicts++
		default:
			t.Errorf("unexpected payment response %d %s", r.Status, r.Raw)
		}
	}
	// The balance is exactly what the successes left, never below zero;
	// unless some request gave up waiting its turn, all of it was drawn.
	b := balance(t, s, "sa")
	if won > 3 || b != fmt.Sprint(3-won) || (conflicts == 0 && won != 3) {
		t.Errorf("%d payments succeeded (%d conflicts) leaving %s, want 3 leaving 0", won, conflicts, b)
	}
	// Each success is recorded on its order, each refusal left none.
	paid := 0
	for _, id := range orders {
		paid += len(apptest.IDs(apptest.Must(t, e, "GET", payments(id), s.Token, nil, 200)))
	}
	if paid != won {
		t.Errorf("%d payments recorded for %d successes", paid, won)
	}
}

// Payments of one order created at once are all recorded, and the order
// is never paid beyond what AlreadyPaid allows.
func TestConcurrentPaymentsOfOneOrder(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 1) // Total 10
	res := apptest.Parallel(6, func(i int) apptest.Resp {
		return e.Do("POST", payments(id), s.Token, map[string]any{"ID": fmt.Sprint("po", i), "Type": "PurchaseOrder", "Amount": 4})
	})
	won, conflicts := 0, 0
	for _, r := range res {
		switch {
		case r.Status == 201:
			won++
		case r.Status == 400 && r.Code() == "Payment.AlreadyPaid":
		case r.Status == 409 && r.Code() == "Conflict": // only on a starved machine; checked below
			conflicts++
		default:
			t.Errorf("unexpected payment response %d %s", r.Status, r.Raw)
		}
	}
	// 4 + 4 < 10, 4 + 4 + 4 ≥ 10: the third is the last one taken.
	got := apptest.IDs(apptest.Must(t, e, "GET", payments(id), s.Token, nil, 200))
	if won > 3 || len(got) != won || slices.Contains(got, "") || (conflicts == 0 && won != 3) {
		t.Errorf("%d payments succeeded (%d conflicts), recorded %v; want 3", won, conflicts, got)
	}
}
