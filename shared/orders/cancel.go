package orders

import (
	"context"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Cancel cancels an order not yet open (unsubmitted or awaiting
// approval), giving back the stock its submit took, in one transaction
// with the order's change.
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	return s.update(c, dir, id, func(o api.Doc, tx *resource.Tx) error {
		status, err := commerce.Cancel(api.Str(o, "Status"))
		if err != nil {
			return err
		}
		o["Status"], o["DateCanceled"] = status, api.Now()
		return s.ReturnStock(c, o, tx)
	})
}

func (s *Service) cancelHTTP(c *resource.Ctx) (any, error) {
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Cancel(c, c.P, d, c.Param("orderID")) })
}
