package suppliers

import (
	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// meListBuyerSellers serves Me.ListBuyerSellers: whom the calling buyer
// user may order from, as its buyer's sellers.
func (s *Suppliers) meListBuyerSellers(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	docs, err := s.sellersOf(c, c.P.CompanyID)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, buyerSupplierModel, docs, nil)
}

// sellersOf lists whom a buyer may order from (as BuyerSupplier): the
// marketplace owner, and every supplier MayOrderFrom allows, those that
// let every buyer order and those related to the buyer. It reads the
// suppliers' partition and the relationships' (both a marketplace's few
// suppliers), never one read per supplier.
func (s *Suppliers) sellersOf(c *resource.Ctx, buyerID string) ([]api.Doc, error) {
	name := c.Deps.Marketplace.Name
	if name == "" {
		name = c.MarketplaceID()
	}
	out := []api.Doc{{"ID": c.MarketplaceID(), "Name": name}}
	rels, err := s.supplierBuyers(c, "")
	if err != nil {
		return nil, err
	}
	related := map[string]bool{}
	for _, r := range rels {
		if api.Str(r, "BuyerID") == buyerID {
			related[api.Str(r, "SupplierID")] = true
		}
	}
	all, err := c.Reg.All(c, s.Suppliers, nil)
	if err != nil {
		return nil, err
	}
	for _, sup := range all {
		if sup["Active"] == true && (sup["AllBuyersCanOrder"] == true || related[api.Str(sup, "ID")]) {
			out = append(out, api.Doc{"ID": sup["ID"], "Name": sup["Name"]})
		}
	}
	return out, nil
}
