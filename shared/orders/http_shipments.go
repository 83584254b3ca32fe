package orders

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The HTTP bindings of the shipment operations declareShipments adds.

func (s *Service) deleteShipmentItemHTTP(c *resource.Ctx) (any, error) {
	return nil, s.UnshipItem(c, c.P, c.Param("shipmentID"), c.Param("orderID"), c.Param("lineItemID"))
}

func (s *Service) setShipFromHTTP(c *resource.Ctx) (any, error) {
	return s.setShipmentAddressHTTP(c, true)
}
func (s *Service) setShipToHTTP(c *resource.Ctx) (any, error) {
	return s.setShipmentAddressHTTP(c, false)
}

func (s *Service) setShipmentAddressHTTP(c *resource.Ctx, from bool) (any, error) {
	addr, err := c.Decode(addressModel, false)
	if err != nil {
		return nil, err
	}
	d, err := s.SetShipmentAddress(c, c.P, c.Param("shipmentID"), from, addr)
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: shipmentModel, Doc: d}, nil
}

func (s *Service) meListShipmentsHTTP(c *resource.Ctx) (any, error) {
	docs, err := s.MyShipments(c, c.P, c.Query("orderID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, shipmentModel, docs, nil)
}

func (s *Service) meGetShipmentHTTP(c *resource.Ctx) (any, error) {
	d, err := s.MyShipment(c, c.P, c.Param("shipmentID"))
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: shipmentModel, Doc: d}, nil
}

func (s *Service) meListShipmentItemsHTTP(c *resource.Ctx) (any, error) {
	docs, err := s.MyShipmentItems(c, c.P, c.Param("shipmentID"), c.Query("orderID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, shipmentItemModel, docs, nil)
}
