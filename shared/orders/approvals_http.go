package orders

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// declareApprovals registers order approvals: Orders.Approve, Decline,
// ListApprovals and ListEligibleApprovers, Me.ListApprovableOrders, the
// submit step holding orders for approval, the check keeping rules that
// orders wait on, and seller approval rules.
func (s *Service) declareApprovals(r *resource.Registry) {
	r.Handle("Orders.Approve", s.approveHTTP)
	r.Handle("Orders.Decline", s.declineHTTP)
	r.Handle("Orders.ListApprovals", s.listApprovalsHTTP)
	r.Handle("Orders.ListEligibleApprovers", s.listEligibleApproversHTTP)
	r.Handle("Me.ListApprovableOrders", s.meListApprovableOrdersHTTP)
	s.OnSubmit(s.holdForApproval)
	s.buyers.ApprovalRules.AlsoBeforeDelete(s.refusePendingRuleDelete)
	s.declareSellerApprovalRules(r)
}

// approvalInfo reads the optional OrderApprovalInfo body.
func approvalInfo(c *resource.Ctx) (api.Doc, error) {
	if c.R.ContentLength == 0 {
		return api.Doc{}, nil
	}
	return c.Decode(approvalInfoModel, false)
}

func (s *Service) approveHTTP(c *resource.Ctx) (any, error) {
	info, err := approvalInfo(c)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Approve(c, c.P, d, c.Param("orderID"), info) })
}

func (s *Service) declineHTTP(c *resource.Ctx) (any, error) {
	info, err := approvalInfo(c)
	if err != nil {
		return nil, err
	}
	return orderCall(c, func(d Direction) (api.Doc, error) { return s.Decline(c, c.P, d, c.Param("orderID"), info) })
}

func (s *Service) listApprovalsHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	docs, err := s.Approvals(c, c.P, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	return pageOf(c, orderApprovalModel, docs, nil)
}

func (s *Service) listEligibleApproversHTTP(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	users, err := s.EligibleApprovers(c, c.P, d, c.Param("orderID"))
	if err != nil {
		return nil, err
	}
	// Only the page's users are presented (their roles are looked up).
	return pageOf(c, userModel, users, func(page []api.Doc) error {
		for i, u := range page {
			pu, err := s.access.PresentUser(c, s.buyers.Kind, u)
			if err != nil {
				return err
			}
			page[i] = pu
		}
		return nil
	})
}

func (s *Service) meListApprovableOrdersHTTP(c *resource.Ctx) (any, error) {
	orders, err := s.ApprovableOrders(c, c.P)
	if err != nil {
		return nil, err
	}
	var kept []api.Doc
	for _, o := range orders {
		if inDateRange(c, o) {
			kept = append(kept, o)
		}
	}
	return pageOf(c, orderModel, kept, nil)
}

// pageOf filters, sorts and pages docs of m as the request's list
// parameters ask, then presents the page.
func pageOf(c *resource.Ctx, m *contract.Model, docs []api.Doc, present func(page []api.Doc) error) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	page, meta := lq.Apply(docs)
	if present != nil {
		if err := present(page); err != nil {
			return nil, err
		}
	}
	return api.NewPage(m, page, meta), nil
}
