package orders

import (
	"context"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
)

// Work done for an order that does not exist yet: subscriptions keep
// their items priced as the line items they will become, and add them to
// the orders they create under IDs of their own so a second run cannot add
// them twice.

// PriceFor prices line as a line item of the order a subscription of the
// buyer user (buyerID, userID) would place with seller ("" for the
// marketplace), at its breaks' SubscriptionPrice where they have one: the
// product visible to them, its schedule's price for the quantity, specs,
// variant and stock, exactly as AddLine prices it. The line is changed in
// place; nothing is written.
func (s *Service) PriceFor(ctx context.Context, p *auth.Principal, buyerID, userID, seller string, line api.Doc) error {
	c := s.reg.Context(ctx, p)
	if seller == "" {
		seller = c.MarketplaceID()
	}
	order := api.Doc{"FromCompanyID": buyerID, "FromUserID": userID, "ToCompanyID": seller, "SubscriptionID": "(projected)"}
	return s.priceLine(c, order, line, nil)
}

// AddBundleAs is AddBundle with the bundle's line taking lineID and each
// of its items the ID given in items: adding it again is refused with
// IdExists, leaving the order as the first add made it.
func (s *Service) AddBundleAs(ctx context.Context, p *auth.Principal, dir Direction, orderID, bundleID, lineID string, items []api.Doc) (api.Doc, error) {
	return s.addBundle(ctx, p, dir, orderID, bundleID, lineID, items)
}

// BuyerBundle is the bundle the buyer user may buy (404 otherwise).
func (s *Service) BuyerBundle(ctx context.Context, p *auth.Principal, buyerID, userID, bundleID string) (api.Doc, error) {
	b, _, err := s.catalog.BuyerBundle(s.reg.Context(ctx, p), buyerID, userID, bundleID)
	return b, err
}
