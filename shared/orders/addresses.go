package orders

import (
	"context"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// SetShippingAddress ships an unsubmitted order, every line of it, to a
// one-time address.
func (s *Service) SetShippingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, addr api.Doc) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	addr = oneTimeAddress(addr)
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		if !commerce.Editable(api.Str(o, "Status")) {
			return errNotEditable("The shipping address")
		}
		lines, err := s.lines(c, api.Str(o, "ID"))
		if err != nil {
			return err
		}
		s.shipTo(o, addr, lines, tx)
		return nil
	})
}

// SetBillingAddress bills an order to a one-time address.
func (s *Service) SetBillingAddress(ctx context.Context, p *auth.Principal, dir Direction, id string, addr api.Doc) (api.Doc, error) {
	addr = oneTimeAddress(addr)
	return s.update(s.reg.Context(ctx, p), dir, id, func(o api.Doc, tx *resource.Tx) error {
		o["BillingAddress"], o["BillingAddressID"] = addr, addr["ID"]
		return nil
	})
}

// oneTimeAddress is an address given in full: no stored address, so it
// carries no ID (an ID in the body could name anybody's).
func oneTimeAddress(addr api.Doc) api.Doc {
	addr["ID"] = nil
	return api.Complete(addressModel, addr)
}

// useAddresses resolves the address IDs a body sets on an order into the
// addresses themselves: each must be one the order's user may use.
func (s *Service) useAddresses(c *resource.Ctx, o, body api.Doc, lines []api.Doc, tx *resource.Tx) error {
	if id := api.Str(body, "BillingAddressID"); id != "" {
		addr, err := s.address(c, o, id, false)
		if err != nil {
			return err
		}
		o["BillingAddress"] = addr
	}
	if id := api.Str(body, "ShippingAddressID"); id != "" {
		addr, err := s.address(c, o, id, true)
		if err != nil {
			return err
		}
		s.shipTo(o, addr, lines, tx)
	}
	return nil
}

// address finds, by ID, an address the order's user may use: for a buyer
// user, one it sees through Me (assigned to it, one of its groups or its
// company, or its own) and usable for shipping or billing as asked; for
// the marketplace, one of the order's buyer's addresses.
func (s *Service) address(c *resource.Ctx, o api.Doc, id string, shipping bool) (api.Doc, error) {
	if c.P.UserType != auth.Buyer {
		e, err := c.Reg.Load(c, s.buyers.Addresses, []string{api.Str(o, "FromCompanyID")}, id)
		if err != nil {
			return nil, err
		}
		return api.Complete(addressModel, api.Clone(e.Doc)), nil
	}
	mine, err := s.buyers.MyAddresses(c)
	if err != nil {
		return nil, err
	}
	for _, d := range mine {
		if api.Str(d, "ID") != id {
			continue
		}
		if shipping && d["Shipping"] != true {
			return nil, api.E(http.StatusBadRequest, "Address.IsNotShippingAddress", map[string]any{"AddressID": id})
		}
		if !shipping && d["Billing"] != true {
			return nil, api.Validation("BillingAddressID", "This address cannot be used for billing.")
		}
		out := api.Doc{}
		for _, f := range addressModel.Fields {
			out[f.Name] = d[f.Name]
		}
		return api.Complete(addressModel, out), nil
	}
	return nil, api.NotFound("Address", id)
}

// shipTo makes addr the order's ship-to address and every line item's.
func (s *Service) shipTo(o, addr api.Doc, lines []api.Doc, tx *resource.Tx) {
	o["ShippingAddressID"] = addr["ID"]
	o["_shipTo"] = addr
	for _, l := range lines {
		l["ShippingAddress"], l["ShippingAddressID"] = addr, addr["ID"]
		tx.Put(s.LineItems.Item([]string{api.Str(o, "ID")}, l, 0), store.Always)
	}
}
