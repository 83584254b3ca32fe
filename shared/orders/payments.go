package orders

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/shopspring/decimal"
)

// Payments.
//
// An order's payments live in their own partition (Payment#<orderID>), so
// every payment operation reads that order's payments and nothing else.
// Creating, changing or deleting a payment also writes the order, version-
// conditioned: changes of one order's payments, and its submit, take turns,
// so "already paid" and "every payment accepted" are judged on what is
// really there.
//
// A SpendingAccount payment draws its amount from the account's Balance
// when it is created, in the same transaction, with a write conditioned on
// the balance read: concurrent payments never take the balance below zero
// (unless an assignment of the account allows exceeding it). Its Amount is
// what it drew (a null Amount draws what is left to pay), and it is
// Accepted at once, since the API itself holds the funds. Changing its
// Amount draws or gives back the difference; deleting it, or the order,
// gives it all back. While a payment uses an account, the account cannot
// be deleted (Payment.CannotDeleteSpendingAccount).

var (
	paymentModel            = contract.MustModel("Payment")
	paymentTransactionModel = contract.MustModel("PaymentTransaction")
)

// Internal fields of a stored payment: the buyer whose spending account it
// drew on (the order's buyer then; a user moved since takes its orders
// along, not its accounts).
const accountBuyerField = "_accountBuyer"

// declarePayments registers Payments.* and what payments take part in:
// the submit step refusing unaccepted payments and the refusal to delete a
// spending account in use.
func (s *Service) declarePayments(r *resource.Registry) {
	s.Payments = r.Add(&resource.Resource{Name: "Payments", Model: "Payment", IDParam: "paymentID", Scope: []string{"orderID"},
		Ops: []string{}})
	r.Handle("Payments.List", s.listPaymentsHTTP)
	r.Handle("Payments.Get", s.getPaymentHTTP)
	r.Handle("Payments.Create", s.createPaymentHTTP)
	r.Handle("Payments.Patch", s.patchPaymentHTTP)
	r.Handle("Payments.Delete", s.deletePaymentHTTP)
	r.Handle("Payments.CreateTransaction", s.createTransactionHTTP)
	r.Handle("Payments.DeleteTransaction", s.deleteTransactionHTTP)
	s.OnSubmit(s.requireAcceptedPayments)
	s.buyers.SpendingAccounts.AlsoBeforeDelete(s.refuseUsedSpendingAccount)
}

// paymentAdmin reports whether the caller administers orders (OrderAdmin):
// only such a caller accepts payments, changes accepted payments of
// submitted orders or credit card payments, and adds or removes payments
// of submitted orders.
func paymentAdmin(c *resource.Ctx) bool { return c.P.Has("OrderAdmin") }

// errPaymentNotAuthorized is the 403 for a change of a payment only an
// order administrator may make.
func errPaymentNotAuthorized(msg string) error {
	e := api.E(http.StatusForbidden, "Payment.NotAuthorizedToPatch", nil)
	if msg != "" {
		e = e.WithMessage(msg)
	}
	return e
}

// payments reads an order's payments.
func (s *Service) payments(c *resource.Ctx, orderID string) ([]api.Doc, error) {
	return c.Reg.All(c, s.Payments, []string{orderID})
}

// amounts are the payments' amounts (nil for a payment without one).
func amounts(pays []api.Doc) []*decimal.Decimal {
	out := make([]*decimal.Decimal, len(pays))
	for i, p := range pays {
		out[i] = api.DecPtr(p["Amount"])
	}
	return out
}

// changePayments changes an order's payments: it reads the order (as the
// caller sees it from dir) and its payments, lets change queue writes, and
// commits them with the order's versioned write, trying again while
// concurrent writes win: a spending account shared by a whole buyer is a
// hot item by design, and each payment waits its turn on its balance (for
// the engine's whole retry budget) rather than fail. A buyer user changes only the payments of their
// own orders unless they administer orders.
func (s *Service) changePayments(c *resource.Ctx, dir Direction, orderID string, change func(o api.Doc, pays []api.Doc, tx *resource.Tx) error) error {
	return resource.RetryDo(c, func() error {
		_, err := s.update(c, dir, orderID, func(o api.Doc, tx *resource.Tx) error {
			if c.P.UserType == auth.Buyer && api.Str(o, "FromUserID") != c.P.UserID && !paymentAdmin(c) {
				return api.InsufficientRoles([]string{"OrderAdmin"})
			}
			pays, err := s.payments(c, api.Str(o, "ID"))
			if err != nil {
				return err
			}
			return change(o, pays, tx)
		})
		return err
	})
}

// findPayment picks a payment out of an order's payments (404 if absent).
func findPayment(pays []api.Doc, id string) (api.Doc, []api.Doc, error) {
	i := slices.IndexFunc(pays, func(p api.Doc) bool { return api.Str(p, "ID") == id })
	if i < 0 {
		return nil, nil, api.NotFound("Payment", id)
	}
	return pays[i], slices.Delete(slices.Clone(pays), i, i+1), nil
}

// CreatePayment adds a payment to an order.
func (s *Service) CreatePayment(ctx context.Context, p *auth.Principal, dir Direction, orderID string, pay api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if err := c.Reg.AssignID(c, pay); err != nil {
		return nil, err
	}
	var saved api.Doc
	err := s.changePayments(c, dir, orderID, func(o api.Doc, pays []api.Doc, tx *resource.Tx) error {
		if api.Str(o, "Status") == commerce.Canceled {
			return api.Refused(commerce.ErrPaymentOnCanceled, nil)
		}
		if o["IsSubmitted"] == true && !paymentAdmin(c) {
			return errPaymentNotAuthorized("Only an order administrator can add payments to a submitted order.")
		}
		typ := api.Str(pay, "Type")
		if pay["Accepted"] == true && typ != commerce.SpendingAccount && !paymentAdmin(c) {
			return api.E(http.StatusForbidden, "Payment.CannotPatchAccepted", nil)
		}
		if err := commerce.CheckPaymentKind(typ, api.Str(pay, "CreditCardID"), api.Str(pay, "SpendingAccountID")); err != nil {
			return api.Refused(err, nil)
		}
		if err := commerce.CheckAmount(api.DecPtr(pay["Amount"])); err != nil {
			return api.Refused(err, nil)
		}
		if commerce.FullyPaid(api.Dec(o["Total"]), amounts(pays)) {
			return api.Refused(commerce.ErrAlreadyPaid, nil)
		}
		doc := api.Clone(pay)
		doc["DateCreated"], doc["Currency"], doc["Transactions"] = api.Now(), o["Currency"], []any{}
		switch typ {
		case commerce.CreditCard:
			if err := s.checkCreditCard(c, o, api.Str(doc, "CreditCardID")); err != nil {
				return err
			}
		case commerce.SpendingAccount:
			if err := s.payFromAccount(c, o, doc, pays, tx); err != nil {
				return err
			}
		}
		api.Complete(paymentModel, doc)
		tx.PutOr(s.Payments.Item([]string{api.Str(o, "ID")}, doc, 0), store.IfAbsent, api.IDExists("Payment", api.Str(doc, "ID")))
		saved = doc
		return nil
	})
	return saved, err
}

// checkCreditCard checks that the order's user may pay with the card.
func (s *Service) checkCreditCard(c *resource.Ctx, o api.Doc, id string) error {
	if id == "" {
		return nil // a card tokenized elsewhere, named only in xp
	}
	ok, err := s.buyers.UsableCreditCard(c, api.Str(o, "FromCompanyID"), api.Str(o, "FromUserID"), id)
	if err != nil {
		return err
	}
	if !ok {
		return api.NotFound("CreditCard", id)
	}
	return nil
}

// payFromAccount draws a new SpendingAccount payment's amount (what is
// left to pay when it has none) from the account, which must be one the
// order's user may pay with, and marks the account in use.
func (s *Service) payFromAccount(c *resource.Ctx, o, pay api.Doc, others []api.Doc, tx *resource.Tx) error {
	buyerID, accountID := api.Str(o, "FromCompanyID"), api.Str(pay, "SpendingAccountID")
	acct, allowExceed, err := s.usableAccount(c, buyerID, api.Str(o, "FromUserID"), accountID)
	if err != nil {
		return err
	}
	amount := api.DecPtr(pay["Amount"])
	if amount == nil {
		left := commerce.LeftToPay(api.Dec(o["Total"]), amounts(others))
		if !left.IsPositive() {
			return api.Refused(commerce.ErrAlreadyPaid, nil)
		}
		amount = &left
	}
	if err := s.draw(tx, buyerID, acct, *amount, allowExceed); err != nil {
		return err
	}
	pay["Amount"], pay["Accepted"], pay[accountBuyerField] = api.Money(*amount), true, buyerID
	tx.Put(accountUse(buyerID, accountID, api.Str(o, "ID"), api.Str(pay, "ID")), store.Always)
	return nil
}

// usableAccount loads a spending account a buyer user pays with: given to
// them, allowed as a payment method and within its dates.
func (s *Service) usableAccount(c *resource.Ctx, buyerID, userID, id string) (*resource.Entity, bool, error) {
	acct, allowExceed, err := s.buyers.SpendingAccountFor(c, buyerID, userID, id)
	if err != nil {
		return nil, false, err
	}
	if acct == nil || acct.Doc["AllowAsPaymentMethod"] != true {
		return nil, false, api.Refused(commerce.ErrInvalidSpendingAccount, map[string]any{"SpendingAccountID": id})
	}
	if !commerce.UsableAt(api.Time(acct.Doc["StartDate"]), api.Time(acct.Doc["EndDate"]), time.Now()) {
		return nil, false, api.Refused(commerce.ErrExpiredSpendingAccount, map[string]any{"SpendingAccountID": id})
	}
	return acct, allowExceed, nil
}

// draw queues the write of an account's balance less amount (a negative
// amount gives back), conditioned on the balance read: a concurrent
// payment makes the request run again on the new balance.
func (s *Service) draw(tx *resource.Tx, buyerID string, acct *resource.Entity, amount decimal.Decimal, allowExceed bool) error {
	balance := api.Dec(acct.Doc["Balance"])
	left, err := commerce.Draw(balance, amount, allowExceed)
	if err != nil {
		return api.Refused(err, map[string]any{"SpendingAccountID": acct.Doc["ID"], "Balance": api.Money(balance),
			"Amount": api.Money(amount)})
	}
	doc := api.Clone(acct.Doc)
	doc["Balance"] = api.Money(left)
	tx.Knows(acct.Item)
	tx.Put(s.buyers.SpendingAccounts.Item([]string{buyerID}, doc, acct.Item.Version), store.IfVersion)
	return nil
}

// accountUse records that a payment uses a spending account, so that the
// account's delete can tell (one Query, Limit 1).
func accountUse(buyerID, accountID, orderID, paymentID string) store.Item {
	return store.Item{PK: accountUsePK(buyerID, accountID), SK: orderID + "|" + paymentID, Type: "SpendingAccountPayment",
		ID: paymentID, Doc: []byte("{}")}
}

func accountUsePK(buyerID, accountID string) string {
	return "SpendingAccountPayment#" + buyerID + "|" + accountID
}

// refund gives the amounts of SpendingAccount payments about to go back to
// their accounts (one write per account) and forgets the accounts' use.
// An account deleted since (with its buyer) is left alone.
func (s *Service) refund(c *resource.Ctx, orderID string, gone []api.Doc, tx *resource.Tx) error {
	type account struct{ buyer, id string }
	back := map[account]decimal.Decimal{}
	var order []account
	for _, p := range gone {
		if api.Str(p, "Type") != commerce.SpendingAccount || api.Str(p, accountBuyerField) == "" {
			continue
		}
		a := account{api.Str(p, accountBuyerField), api.Str(p, "SpendingAccountID")}
		if _, seen := back[a]; !seen {
			order = append(order, a)
		}
		back[a] = back[a].Add(api.Dec(p["Amount"]))
		tx.Delete(store.Key{PK: accountUsePK(a.buyer, a.id), SK: orderID + "|" + api.Str(p, "ID")})
	}
	for _, a := range order {
		acct, err := c.Reg.Load(c, s.buyers.SpendingAccounts, []string{a.buyer}, a.id)
		if notFoundIsNil(err) != nil {
			return err
		}
		if err != nil {
			continue
		}
		if err := s.draw(tx, a.buyer, acct, back[a].Neg(), true); err != nil {
			return err
		}
	}
	return nil
}

// PatchPayment changes a payment. Its type and accounts never change; its
// Accepted flag, an accepted payment of a submitted order and a credit
// card payment change only for order administrators.
func (s *Service) PatchPayment(ctx context.Context, p *auth.Principal, dir Direction, orderID, paymentID string, patch api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	delete(patch, "ID")
	var saved api.Doc
	err := s.changePayments(c, dir, orderID, func(o api.Doc, pays []api.Doc, tx *resource.Tx) error {
		old, others, err := findPayment(pays, paymentID)
		if err != nil {
			return err
		}
		if api.Str(o, "Status") == commerce.Canceled {
			return api.Refused(commerce.ErrPaymentOnCanceled, nil)
		}
		for _, k := range []string{"Type", "CreditCardID", "SpendingAccountID"} {
			if _, ok := patch[k]; ok && api.Str(patch, k) != api.Str(old, k) {
				return api.Refused(commerce.ErrCannotPatchProperty, map[string]any{"Property": k})
			}
		}
		if !paymentAdmin(c) {
			if api.Str(old, "Type") == commerce.CreditCard || (old["Accepted"] == true && o["IsSubmitted"] == true) {
				return errPaymentNotAuthorized("")
			}
			if v, ok := patch["Accepted"]; ok && (v == true) != (old["Accepted"] == true) {
				return api.E(http.StatusForbidden, "Payment.CannotPatchAccepted", nil)
			}
		}
		doc := api.Merge(old, patch)
		if _, ok := patch["Amount"]; ok {
			if err := commerce.CheckAmount(api.DecPtr(patch["Amount"])); err != nil {
				return api.Refused(err, nil)
			}
			if api.Str(old, "Type") == commerce.SpendingAccount {
				if err := s.redraw(c, o, old, doc, others, tx); err != nil {
					return err
				}
			}
		}
		tx.Put(s.Payments.Item([]string{api.Str(o, "ID")}, doc, 0), store.Always)
		saved = doc
		return nil
	})
	return saved, err
}

// redraw settles a SpendingAccount payment whose Amount changed: it draws
// the increase (the account must still be usable) or gives back the
// decrease. A null Amount draws what is left to pay.
func (s *Service) redraw(c *resource.Ctx, o, old, doc api.Doc, others []api.Doc, tx *resource.Tx) error {
	amount := api.DecPtr(doc["Amount"])
	if amount == nil {
		left := commerce.LeftToPay(api.Dec(o["Total"]), amounts(others))
		if !left.IsPositive() {
			return api.Refused(commerce.ErrAlreadyPaid, nil)
		}
		amount = &left
	}
	doc["Amount"] = api.Money(*amount)
	delta := amount.Sub(api.Dec(old["Amount"]))
	buyerID, id := api.Str(old, accountBuyerField), api.Str(old, "SpendingAccountID")
	switch {
	case delta.IsZero():
		return nil
	case delta.IsPositive():
		acct, allowExceed, err := s.usableAccount(c, buyerID, api.Str(o, "FromUserID"), id)
		if err != nil {
			return err
		}
		return s.draw(tx, buyerID, acct, delta, allowExceed)
	}
	acct, err := c.Reg.Load(c, s.buyers.SpendingAccounts, []string{buyerID}, id)
	if err != nil {
		return notFoundIsNil(err)
	}
	return s.draw(tx, buyerID, acct, delta, true)
}

// DeletePayment removes a payment, giving a spending account back what the
// payment drew.
func (s *Service) DeletePayment(ctx context.Context, p *auth.Principal, dir Direction, orderID, paymentID string) error {
	c := s.reg.Context(ctx, p)
	return s.changePayments(c, dir, orderID, func(o api.Doc, pays []api.Doc, tx *resource.Tx) error {
		pay, _, err := findPayment(pays, paymentID)
		if err != nil {
			return err
		}
		if o["IsSubmitted"] == true && !paymentAdmin(c) {
			return errPaymentNotAuthorized("Only an order administrator can remove payments of a submitted order.")
		}
		tx.Delete(s.Payments.Key([]string{api.Str(o, "ID")}, paymentID))
		return s.refund(c, api.Str(o, "ID"), []api.Doc{pay}, tx)
	})
}

// releasePayments adds to an order's deletion the deletion of its payments
// and gives spending accounts back what they drew. (An order's
// cancellation should give them back too.)
func (s *Service) releasePayments(c *resource.Ctx, o api.Doc, tx *resource.Tx) error {
	pays, err := s.payments(c, api.Str(o, "ID"))
	if err != nil {
		return err
	}
	for _, p := range pays {
		tx.Delete(s.Payments.Key([]string{api.Str(o, "ID")}, api.Str(p, "ID")))
	}
	return s.refund(c, api.Str(o, "ID"), pays, tx)
}

// ListPayments lists an order's payments.
func (s *Service) ListPayments(ctx context.Context, p *auth.Principal, dir Direction, orderID string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	return s.payments(c, api.Str(o.Doc, "ID"))
}

// Payment reads one payment of an order.
func (s *Service) Payment(ctx context.Context, p *auth.Principal, dir Direction, orderID, paymentID string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, s.Payments, []string{api.Str(o.Doc, "ID")}, paymentID)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// changePayment changes one payment alone (its transactions), conditioned
// on the version read; the order is only read.
func (s *Service) changePayment(c *resource.Ctx, dir Direction, orderID, paymentID string, change func(pay api.Doc) error) (api.Doc, error) {
	o, err := s.load(c, dir, orderID)
	if err != nil {
		return nil, err
	}
	scope := []string{api.Str(o.Doc, "ID")}
	e, err := c.Reg.Load(c, s.Payments, scope, paymentID)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	if err := change(doc); err != nil {
		return nil, err
	}
	tx := &resource.Tx{}
	tx.Put(s.Payments.Item(scope, doc, e.Item.Version), store.IfVersion)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

// AddPaymentTransaction records a transaction of a payment (a charge, a
// refund) made with the payment processor, and returns the payment.
// Transactions are the processor's record: they may be added whatever the
// order's status.
func (s *Service) AddPaymentTransaction(ctx context.Context, p *auth.Principal, dir Direction, orderID, paymentID string, t api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if err := c.Reg.AssignID(c, t); err != nil {
		return nil, err
	}
	return s.changePayment(c, dir, orderID, paymentID, func(pay api.Doc) error {
		ts, _ := pay["Transactions"].([]any)
		for _, x := range ts {
			if m, _ := x.(map[string]any); m != nil && m["ID"] == t["ID"] {
				return api.IDExists("PaymentTransaction", api.Str(t, "ID"))
			}
		}
		if t["Currency"] == nil {
			t["Currency"] = pay["Currency"]
		}
		pay["Transactions"] = append(ts, map[string]any(api.Complete(paymentTransactionModel, t)))
		return nil
	})
}

// RemovePaymentTransaction deletes a transaction of a payment.
func (s *Service) RemovePaymentTransaction(ctx context.Context, p *auth.Principal, dir Direction, orderID, paymentID, transactionID string) error {
	c := s.reg.Context(ctx, p)
	_, err := s.changePayment(c, dir, orderID, paymentID, func(pay api.Doc) error {
		ts, _ := pay["Transactions"].([]any)
		i := slices.IndexFunc(ts, func(x any) bool { m, _ := x.(map[string]any); return m != nil && m["ID"] == transactionID })
		if i < 0 {
			return api.NotFound("PaymentTransaction", transactionID)
		}
		pay["Transactions"] = slices.Delete(ts, i, i+1)
		return nil
	})
	return err
}

// requireAcceptedPayments is the submit step refusing an order with a
// payment not Accepted (an order without payments submits).
func (s *Service) requireAcceptedPayments(c *resource.Ctx, sub *Submission) error {
	pays, err := s.payments(c, api.Str(sub.Order, "ID"))
	if err != nil {
		return err
	}
	accepted := make([]bool, len(pays))
	var unaccepted []string
	for i, p := range pays {
		accepted[i] = p["Accepted"] == true
		if !accepted[i] {
			unaccepted = append(unaccepted, api.Str(p, "ID"))
		}
	}
	if !commerce.AllAccepted(accepted) {
		return api.Refused(commerce.ErrUnacceptedPayments, map[string]any{"PaymentIDs": unaccepted})
	}
	return nil
}

// refuseUsedSpendingAccount refuses to delete a spending account a payment
// uses.
func (s *Service) refuseUsedSpendingAccount(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	used, err := c.Deps.Store.Query(c, store.Query{PK: accountUsePK(c.Param("buyerID"), api.Str(doc, "ID")), Limit: 1, KeysOnly: true})
	if err != nil {
		return err
	}
	if len(used) > 0 {
		return api.Refused(commerce.ErrSpendingAccountUsed, map[string]any{"SpendingAccountID": doc["ID"]})
	}
	return nil
}

// notFoundIsNil drops a 404: the caller deals with what is missing.
func notFoundIsNil(err error) error {
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil
	}
	return err
}
