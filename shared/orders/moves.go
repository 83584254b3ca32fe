package orders

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// moveUserOrders adds to a buyer user's move the orders that follow it to
// the new buyer (Unsubmitted, or All), and refuses the move while one of
// its orders is open or awaiting approval.
func (s *Service) moveUserOrders(c *resource.Ctx, m buyers.UserMove, tx *resource.Tx) error {
	orders, err := c.Reg.Matching(c, s.Orders, nil, api.EqualFilter(orderSpec, "FromCompanyID", m.From),
		api.EqualFilter(orderSpec, "FromUserID", m.UserID), anyWorld)
	if err != nil {
		return err
	}
	for _, d := range orders {
		if api.Str(d, "FromCompanyID") != m.From || api.Str(d, "FromUserID") != m.UserID {
			continue
		}
		status := api.Str(d, "Status")
		if status == commerce.Open || status == commerce.AwaitingApproval {
			return api.E(http.StatusBadRequest, "User.CannotMoveeWithOpenOrder", map[string]any{"OrderID": d["ID"]})
		}
		if m.Orders == "None" || (m.Orders == "Unsubmitted" && status != commerce.Unsubmitted) {
			continue
		}
		// Move the stored order itself, as read (a row is only a copy).
		e, err := c.Reg.Load(c, s.Orders, nil, api.Str(d, "ID"))
		if err != nil {
			return err
		}
		doc := api.Clone(e.Doc)
		doc["FromCompanyID"] = m.To
		if u, ok := doc["FromUser"].(map[string]any); ok {
			u["CompanyID"] = m.To
		}
		tx.Put(s.orderItem(doc, e.Item.Version), store.IfVersion)
		s.moveCart(c, tx, e.Doc, doc)
	}
	return nil
}
