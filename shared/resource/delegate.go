package resource

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Delegate serves the operation opID inside the request c, as if its own
// route had been requested with params as path parameters (the cart's
// payments are the cart order's payments: /orders/Outgoing/{orderID}/…).
// It runs what the route would run before its handler: the role check,
// the marketplace-only and caller checks and the path's confinement. The
// body, when the handler reads one, is the request's.
//
// served is false when no handler serves opID (yet): the delegating
// operation decides what to answer then. The operation's success status
// carries over to c when the handler sets one.
func (r *Registry) Delegate(c *Ctx, opID string, params map[string]string) (out any, served bool, err error) {
	h, ok := r.handlers[opID]
	op, _ := contract.Op(opID)
	if !ok {
		return nil, false, nil
	}
	if allowed := RolesFor(op); allowed != nil && !c.P.HasAny(allowed) {
		return nil, true, api.InsufficientRoles(allowed)
	}
	if r.marketplaceOnly[opID] && c.P.UserType != auth.Admin {
		return nil, true, api.NotForUserType("")
	}
	if err := r.checkCaller(c.P, op); err != nil {
		return nil, true, err
	}
	req := c.R.Clone(c)
	for k, v := range params {
		req.SetPathValue(k, v)
	}
	d := &Ctx{Context: c.Context, R: req, Op: op, P: c.P, Deps: c.Deps, Reg: r}
	plan, _ := r.pathPlan(op)
	if err := r.confinePath(d, plan); err != nil {
		return nil, true, err
	}
	out, err = h(d)
	if d.Status != 0 {
		c.Status = d.Status
	}
	return out, true, err
}
