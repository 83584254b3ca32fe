package orders

import (
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// HTTP bindings of OrderReturns.* (returns.go, returns_lifecycle.go).

func outReturn(d api.Doc) any { return api.Ordered{Model: orderReturnModel, Doc: d} }

func returnCall(d api.Doc, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return outReturn(d), nil
}

// decodeReturn reads an OrderReturn body; a negative refund amount is
// refused with the contract's own code.
func decodeReturn(c *resource.Ctx, partial bool) (api.Doc, error) {
	d, err := c.Decode(orderReturnModel, partial)
	if ae, ok := err.(*api.Error); ok && ae.Code == "ValidationFailure" && strings.Contains(ae.Message, "RefundAmount cannot be negative") {
		return nil, api.Refused(commerce.ErrReturnNegativeRefund, nil)
	}
	return d, err
}

func (s *Service) createReturnHTTP(c *resource.Ctx) (any, error) {
	body, err := decodeReturn(c, false)
	if err != nil {
		return nil, err
	}
	return returnCall(s.CreateReturn(c, body))
}

func (s *Service) getReturnHTTP(c *resource.Ctx) (any, error) {
	e, err := s.loadReturn(c, c.Param("returnID"))
	if err != nil {
		return nil, err
	}
	return outReturn(e.Doc), nil
}

func (s *Service) listReturnsHTTP(c *resource.Ctx) (any, error) { return s.ListReturns(c) }

func (s *Service) saveReturnHTTP(c *resource.Ctx) (any, error) {
	body, err := decodeReturn(c, false)
	if err != nil {
		return nil, err
	}
	return returnCall(s.SaveReturn(c, c.Param("returnID"), body))
}

func (s *Service) patchReturnHTTP(c *resource.Ctx) (any, error) {
	body, err := decodeReturn(c, true)
	if err != nil {
		return nil, err
	}
	return returnCall(s.PatchReturn(c, c.Param("returnID"), body))
}

func (s *Service) deleteReturnHTTP(c *resource.Ctx) (any, error) {
	return nil, s.DeleteReturn(c, c.Param("returnID"))
}

func (s *Service) deleteReturnItemHTTP(c *resource.Ctx) (any, error) {
	return returnCall(s.DeleteReturnItem(c, c.Param("returnID"), c.Param("lineItemID")))
}

func (s *Service) submitReturnHTTP(c *resource.Ctx) (any, error) {
	return returnCall(s.SubmitReturn(c, c.Param("returnID")))
}

func (s *Service) cancelReturnHTTP(c *resource.Ctx) (any, error) {
	return returnCall(s.CancelReturn(c, c.Param("returnID")))
}

func (s *Service) completeReturnHTTP(c *resource.Ctx) (any, error) {
	return returnCall(s.CompleteReturn(c, c.Param("returnID")))
}

func returnApprovalInfo(c *resource.Ctx) (api.Doc, error) {
	if c.R.ContentLength == 0 {
		return api.Doc{}, nil
	}
	return c.Decode(returnApprovalInfoModel, false)
}

func (s *Service) approveReturnHTTP(c *resource.Ctx) (any, error) {
	info, err := returnApprovalInfo(c)
	if err != nil {
		return nil, err
	}
	return returnCall(s.DecideReturn(c, c.Param("returnID"), info, true))
}

func (s *Service) declineReturnHTTP(c *resource.Ctx) (any, error) {
	info, err := returnApprovalInfo(c)
	if err != nil {
		return nil, err
	}
	return returnCall(s.DecideReturn(c, c.Param("returnID"), info, false))
}

func (s *Service) listReturnApprovalsHTTP(c *resource.Ctx) (any, error) {
	docs, err := s.ReturnApprovals(c, c.Param("returnID"))
	if err != nil {
		return nil, err
	}
	return pageOf(c, orderReturnApprovalModel, docs, nil)
}

func (s *Service) listReturnApproversHTTP(c *resource.Ctx) (any, error) {
	users, err := s.ReturnApprovers(c, c.Param("returnID"))
	if err != nil {
		return nil, err
	}
	e, err := s.loadReturn(c, c.Param("returnID"))
	if err != nil {
		return nil, err
	}
	k, _ := s.sellerKind(c, api.Str(e.Doc, retSeller))
	return pageOf(c, userModel, users, func(page []api.Doc) error {
		for i, u := range page {
			pu, err := s.access.PresentUser(c, k, u)
			if err != nil {
				return err
			}
			page[i] = pu
		}
		return nil
	})
}
