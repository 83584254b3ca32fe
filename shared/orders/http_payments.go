package orders

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The HTTP bindings of Payments.*.

func outPayment(d api.Doc) any { return api.Ordered{Model: paymentModel, Doc: d} }

// paymentCall reads the direction, calls f and answers with the payment.
func paymentCall(c *resource.Ctx, f func(d Direction) (api.Doc, error)) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	p, err := f(d)
	if err != nil {
		return nil, err
	}
	return outPayment(p), nil
}

func (s *Service) listPaymentsHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	pays, err := s.ListPayments(c, c.P, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, paymentModel, pays, nil)
}

func (s *Service) getPaymentHTTP(c *resource.Ctx) (any, error) {
	return paymentCall(c, func(d Direction) (api.Doc, error) {
		return s.Payment(c, c.P, d, c.Param("orderID"), c.Param("paymentID"))
	})
}

func (s *Service) createPaymentHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(paymentModel, false)
	if err != nil {
		return nil, err
	}
	return paymentCall(c, func(d Direction) (api.Doc, error) { return s.CreatePayment(c, c.P, d, c.Param("orderID"), body) })
}

func (s *Service) patchPaymentHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(paymentModel, true)
	if err != nil {
		return nil, err
	}
	return paymentCall(c, func(d Direction) (api.Doc, error) {
		return s.PatchPayment(c, c.P, d, c.Param("orderID"), c.Param("paymentID"), patch)
	})
}

func (s *Service) deletePaymentHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return nil, s.DeletePayment(c, c.P, d, c.Param("orderID"), c.Param("paymentID"))
}

func (s *Service) createTransactionHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(paymentTransactionModel, false)
	if err != nil {
		return nil, err
	}
	return paymentCall(c, func(d Direction) (api.Doc, error) {
		return s.AddPaymentTransaction(c, c.P, d, c.Param("orderID"), c.Param("paymentID"), body)
	})
}

func (s *Service) deleteTransactionHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return nil, s.RemovePaymentTransaction(c, c.P, d, c.Param("orderID"), c.Param("paymentID"), c.Param("transactionID"))
}
