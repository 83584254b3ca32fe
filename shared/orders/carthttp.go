package orders

import (
	"context"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The Cart API's bindings. Each finds the caller's cart (cart.go) and
// calls the order operation on it: the Service's method when the order
// lifecycle has one here, else the order operation's handler through the
// registry (Registry.Delegate), for what other parts of the API serve
// (payments, promotions, bundles, the checkout integration). Such a cart
// operation works as soon as its order operation is served; until then
// reads answer as for an order without any (an empty list) and writes
// answer RouteNotFound, as an unserved route does. The checkout
// integration's operations (shared/integrations) run on the cart order as
// on any order: the caller's API client must have an OrderCheckout
// integration event.

var worksheetModel = contract.MustModel("OrderWorksheet")

// orderChange is a Service method changing an order with a doc (an
// address, a patch of one).
type orderChange func(ctx context.Context, p *auth.Principal, dir Direction, id string, d api.Doc) (api.Doc, error)

// declareShopping registers the cart, anonymous shopping's Me operations,
// group orders, and the order operations the cart mirrors that were not
// served before.
func (s *Service) declareShopping(r *resource.Registry) {
	r.Handle("Orders.Save", s.saveHTTP)
	r.Handle("LineItems.Save", s.saveLineHTTP)
	r.Handle("Orders.PatchFromUser", s.patchFromUserHTTP)
	r.Handle("Orders.PatchShippingAddress", s.patchAddressHTTP(s.PatchShippingAddress))
	r.Handle("Orders.PatchBillingAddress", s.patchAddressHTTP(s.PatchBillingAddress))
	r.Handle("Me.Register", s.registerHTTP)
	r.Handle("Me.TransferAnonUserOrder", s.transferHTTP)
	s.declareCart(r)
	s.declareGroupOrders(r)
	// A submitted order is no cart any more.
	s.OnSubmit(s.leaveCartStep)
	// Unsubmitted orders of a table written before the cart index join it.
	r.AlsoUpgrade(s.upgradeCartEntry)
}

func (s *Service) declareCart(r *resource.Registry) {
	r.Handle("Cart.Get", s.cartGetHTTP)
	r.Handle("Cart.Save", s.cartSaveHTTP)
	r.Handle("Cart.Patch", s.cartPatchHTTP)
	r.Handle("Cart.Delete", s.cartDeleteHTTP)
	r.Handle("Cart.SetActiveCart", func(c *resource.Ctx) (any, error) { return nil, s.SetActiveCart(c, c.Param("orderID")) })
	r.Handle("Cart.Submit", s.cartSubmitHTTP)
	r.Handle("Cart.SetShippingAddress", s.cartAddressHTTP(s.SetShippingAddress))
	r.Handle("Cart.SetBillingAddress", s.cartAddressHTTP(s.SetBillingAddress))
	r.Handle("Cart.PatchShippingAddress", s.cartAddressPatchHTTP(s.PatchShippingAddress, "shipping"))
	r.Handle("Cart.PatchBillingAddress", s.cartAddressPatchHTTP(s.PatchBillingAddress, "billing"))
	r.Handle("Cart.PatchFromUser", s.cartPatchFromUserHTTP)
	r.Handle("Cart.ListLineItems", s.cartListLinesHTTP)
	r.Handle("Cart.GetLineItem", s.cartGetLineHTTP)
	r.Handle("Cart.CreateLineItem", s.cartAddLineHTTP)
	r.Handle("Cart.SaveLineItem", s.cartSaveLineHTTP)
	r.Handle("Cart.PatchLineItem", s.cartChangeLineHTTP)
	r.Handle("Cart.DeleteLineItem", s.cartRemoveLineHTTP)
	r.Handle("Cart.Validate", s.cartValidateHTTP)
	r.Handle("Cart.GetOrderWorksheet", s.cartWorksheetHTTP)

	// Served by the order operations of other parts of the API.
	for _, d := range []delegation{
		{cart: "Cart.ListPayments", order: "Payments.List", empty: paymentModel},
		{cart: "Cart.GetPayment", order: "Payments.Get", missing: "Payment"},
		{cart: "Cart.CreatePayment", order: "Payments.Create", create: true},
		{cart: "Cart.PatchPayment", order: "Payments.Patch", missing: "Payment"},
		{cart: "Cart.DeletePayment", order: "Payments.Delete", missing: "Payment"},
		{cart: "Cart.CreatePaymentTransaction", order: "Payments.CreateTransaction", missing: "Payment"},
		{cart: "Cart.DeletePaymentTransaction", order: "Payments.DeleteTransaction", missing: "Payment"},
		{cart: "Cart.ListPromotions", order: "Orders.ListPromotions", empty: orderPromotionModel},
		{cart: "Cart.ListEligiblePromotions", order: "Orders.ListEligiblePromotions", empty: eligiblePromotionModel},
		{cart: "Cart.AddPromotion", order: "Orders.AddPromotion", create: true},
		{cart: "Cart.DeletePromotion", order: "Orders.RemovePromotion", missing: "Promotion"},
		{cart: "Cart.ApplyPromotions", order: "Orders.ApplyPromotions", create: true},
		{cart: "Cart.RefreshPromotions", order: "Orders.RefreshPromotions", create: true},
		{cart: "Cart.CreateBundleItem", order: "BundleLineItems.Create", create: true},
		{cart: "Cart.DeleteBundleItem", order: "BundleLineItems.Delete", missing: "LineItem"},
		{cart: "Cart.Calculate", order: "IntegrationEvents.Calculate", missing: "Order"},
		{cart: "Cart.EstimateShipping", order: "IntegrationEvents.EstimateShipping", missing: "Order"},
		{cart: "Cart.SelectShipMethods", order: "IntegrationEvents.SelectShipmethods", missing: "Order"},
	} {
		r.Handle(d.cart, s.delegateHTTP(d))
	}
}

// delegation is a cart operation served by an order operation's handler.
type delegation struct {
	cart, order string
	// create makes the cart when the caller has none.
	create bool
	// Without a cart: an empty list of empty's model, or a 404 of
	// missing's object type.
	empty   *contract.Model
	missing string
}

func (s *Service) delegateHTTP(d delegation) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		served := c.Reg.Implemented(d.order)
		var id string
		if d.create && served {
			var err error
			if id, _, err = s.cartOrNew(c, nil); err != nil {
				return nil, err
			}
		} else {
			e, _, err := s.activeCart(c)
			if err != nil {
				return nil, err
			}
			if e != nil {
				id = api.Str(e.Doc, "ID")
			}
		}
		if id == "" {
			switch {
			case d.empty != nil:
				return emptyPage(c, d.empty)
			case d.missing != "":
				return nil, api.NotFound(d.missing, lastParam(c))
			default:
				return nil, api.RouteNotFound()
			}
		}
		op, _ := contract.Op(d.order)
		params := map[string]string{}
		for _, p := range op.PathParams {
			switch p {
			case "direction":
				params[p] = string(Outgoing)
			case "orderID":
				params[p] = id
			default:
				params[p] = c.Param(p)
			}
		}
		out, served, err := c.Reg.Delegate(c, d.order, params)
		if served || err != nil {
			return out, err
		}
		if d.empty != nil {
			return emptyPage(c, d.empty)
		}
		return nil, api.RouteNotFound()
	}
}

// lastParam is the value of the request's last path parameter ("" when
// it has none).
func lastParam(c *resource.Ctx) string {
	if n := len(c.Op.PathParams); n > 0 {
		return c.Param(c.Op.PathParams[n-1])
	}
	return ""
}

// emptyPage is an empty list of model m, paged as asked.
func emptyPage(c *resource.Ctx, m *contract.Model) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	meta, _, _ := lq.PageOf(0)
	return api.NewPage(m, nil, meta), nil
}

// cartID is the ID of the caller's cart ("" when it has none).
func (s *Service) cartID(c *resource.Ctx) (string, error) {
	e, _, err := s.activeCart(c)
	if err != nil || e == nil {
		return "", err
	}
	return api.Str(e.Doc, "ID"), nil
}

func (s *Service) cartGetHTTP(c *resource.Ctx) (any, error) {
	e, _, err := s.activeCart(c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return outOrder(emptyCart(c)), nil
	}
	return outOrder(e.Doc), nil
}

// cartSaveHTTP creates the cart from the body, or replaces it (its ID
// stays).
func (s *Service) cartSaveHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(orderModel, false)
	if err != nil {
		return nil, err
	}
	id, created, err := s.cartOrNew(c, api.Clone(body))
	if err != nil || created != nil {
		return orderOrErr(created, err)
	}
	doc, _, err := s.Save(c, c.P, Outgoing, id, body)
	return orderOrErr(doc, err)
}

// cartPatchHTTP creates the cart from the patch, or patches it.
func (s *Service) cartPatchHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(orderModel, true)
	if err != nil {
		return nil, err
	}
	id, created, err := s.cartOrNew(c, api.Clone(patch))
	if err != nil || created != nil {
		return orderOrErr(created, err)
	}
	return orderOrErr(s.Patch(c, c.P, Outgoing, id, patch))
}

func orderOrErr(d api.Doc, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return outOrder(d), nil
}

// cartDeleteHTTP deletes the cart; without one there is nothing to do.
func (s *Service) cartDeleteHTTP(c *resource.Ctx) (any, error) {
	id, err := s.cartID(c)
	if err != nil || id == "" {
		return nil, err
	}
	return nil, s.Delete(c, c.P, Outgoing, id)
}

// cartSubmitHTTP submits the cart; without one there is nothing to submit.
func (s *Service) cartSubmitHTTP(c *resource.Ctx) (any, error) {
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSubmitWithNoLineItems", nil)
	}
	return orderOrErr(s.Submit(c, c.P, Outgoing, id))
}

// cartValidateHTTP validates the cart as Orders.Validate does an order.
func (s *Service) cartValidateHTTP(c *resource.Ctx) (any, error) {
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, api.E(http.StatusBadRequest, "Order.CannotSubmitWithNoLineItems", nil)
	}
	return nil, s.Validate(c, c.P, Outgoing, id)
}

// cartWorksheetHTTP is the cart's worksheet. Without a checkout
// integration nothing was estimated or calculated: the worksheet is the
// order alone.
func (s *Service) cartWorksheetHTTP(c *resource.Ctx) (any, error) {
	e, _, err := s.activeCart(c)
	if err != nil {
		return nil, err
	}
	if e != nil {
		out, served, err := c.Reg.Delegate(c, "IntegrationEvents.GetWorksheet",
			map[string]string{"direction": string(Outgoing), "orderID": api.Str(e.Doc, "ID")})
		if served {
			return out, err
		}
	}
	order := emptyCart(c)
	if e != nil {
		order = e.Doc
	}
	return api.Ordered{Model: worksheetModel, Doc: api.Doc{"Order": order}}, nil
}

// cartAddressHTTP sets a one-time address on the cart, creating it.
func (s *Service) cartAddressHTTP(set orderChange) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		addr, err := c.Decode(addressModel, false)
		if err != nil {
			return nil, err
		}
		id, _, err := s.cartOrNew(c, nil)
		if err != nil {
			return nil, err
		}
		return orderOrErr(set(c, c.P, Outgoing, id, addr))
	}
}

// cartAddressPatchHTTP changes the cart's one-time address.
func (s *Service) cartAddressPatchHTTP(patch orderChange, what string) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		body, err := c.Decode(addressModel, true)
		if err != nil {
			return nil, err
		}
		id, err := s.cartID(c)
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, api.E(http.StatusBadRequest, "Address.CannotUpdateNotFound", nil).WithMessage("The cart has no " + what + " address to update.")
		}
		return orderOrErr(patch(c, c.P, Outgoing, id, body))
	}
}

func (s *Service) cartPatchFromUserHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(userModel, true)
	if err != nil {
		return nil, err
	}
	id, _, err := s.cartOrNew(c, nil)
	if err != nil {
		return nil, err
	}
	return orderOrErr(s.PatchFromUser(c, c.P, Outgoing, id, patch))
}

// cartListLinesHTTP lists the cart's line items (none without a cart).
func (s *Service) cartListLinesHTTP(c *resource.Ctx) (any, error) {
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return emptyPage(c, lineItemModel)
	}
	return s.listLines(c, Outgoing, id)
}

func (s *Service) cartGetLineHTTP(c *resource.Ctx) (any, error) {
	lineID := c.Param("lineItemID")
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, api.NotFound("LineItem", lineID)
	}
	return lineOrErr(s.Line(c, c.P, Outgoing, id, lineID))
}

func lineOrErr(d api.Doc, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return outLine(d), nil
}

// cartAddLineHTTP adds a line item to the cart, creating the cart.
func (s *Service) cartAddLineHTTP(c *resource.Ctx) (any, error) {
	line, err := c.Decode(lineItemModel, false)
	if err != nil {
		return nil, err
	}
	id, _, err := s.cartOrNew(c, nil)
	if err != nil {
		return nil, err
	}
	return lineOrErr(s.AddLine(c, c.P, Outgoing, id, line))
}

// cartSaveLineHTTP creates or replaces a line item of the cart, creating
// the cart.
func (s *Service) cartSaveLineHTTP(c *resource.Ctx) (any, error) {
	line, err := c.Decode(lineItemModel, false)
	if err != nil {
		return nil, err
	}
	id, _, err := s.cartOrNew(c, nil)
	if err != nil {
		return nil, err
	}
	return lineOrErr(s.SaveLine(c, c.P, Outgoing, id, c.Param("lineItemID"), line))
}

func (s *Service) cartChangeLineHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(lineItemModel, true)
	if err != nil {
		return nil, err
	}
	lineID := c.Param("lineItemID")
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, api.NotFound("LineItem", lineID)
	}
	return lineOrErr(s.ChangeLine(c, c.P, Outgoing, id, lineID, patch))
}

func (s *Service) cartRemoveLineHTTP(c *resource.Ctx) (any, error) {
	lineID := c.Param("lineItemID")
	id, err := s.cartID(c)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, api.NotFound("LineItem", lineID)
	}
	return nil, s.RemoveLine(c, c.P, Outgoing, id, lineID)
}

// The order operations the cart needed, served for orders too.

func (s *Service) saveHTTP(c *resource.Ctx) (any, error) {
	body, err := c.Decode(orderModel, false)
	if err != nil {
		return nil, err
	}
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	doc, _, err := s.Save(c, c.P, d, c.Param("orderID"), body)
	return orderOrErr(doc, err)
}

func (s *Service) saveLineHTTP(c *resource.Ctx) (any, error) {
	line, err := c.Decode(lineItemModel, false)
	if err != nil {
		return nil, err
	}
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	return lineOrErr(s.SaveLine(c, c.P, d, c.Param("orderID"), c.Param("lineItemID"), line))
}

func (s *Service) patchFromUserHTTP(c *resource.Ctx) (any, error) {
	patch, err := c.Decode(userModel, true)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.PatchFromUser(c, c.P, d, c.Param("orderID"), patch) })
}

func (s *Service) patchAddressHTTP(patch orderChange) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		body, err := c.Decode(addressModel, true)
		if err != nil {
			return nil, err
		}
		return orderCall(c, func(d Direction) (api.Doc, error) { return patch(c, c.P, d, c.Param("orderID"), body) })
	}
}
