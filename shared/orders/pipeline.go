package orders

import (
	"github.com/shopspring/decimal"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// The order's extension points. Each part of the lifecycle (promotions,
// approvals, payments, inventory, integrations) plugs in here instead of
// editing the paths that change an order, so every path runs all of them.

// An Adjuster recomputes what an order derives from its content after any
// change (a promotion's discount on the order and its lines), before its
// totals. It may change the order and the lines in place and returns the
// lines it changed, which are written with the order.
type Adjuster func(c *resource.Ctx, order api.Doc, lines []api.Doc) (changed []api.Doc, err error)

// A SubmitStep takes part in submitting an order: it may refuse (an
// unpaid order), decide the status (approval rules send it to
// AwaitingApproval) and add writes to the submit's transaction (stock
// taken, promotion redemptions), all committed at once.
type SubmitStep func(c *resource.Ctx, sub *Submission) error

// Submission is an order being submitted.
type Submission struct {
	Order api.Doc   // the order, being changed (Status set by the steps)
	Lines []api.Doc // its line items
	Tx    *resource.Tx
	// DryRun is set when the order is only validated: steps check what
	// they can (stock enough now) and their writes are never committed.
	DryRun bool
}

// Adjust adds an adjuster; adjusters run in the order added.
func (s *Service) Adjust(a Adjuster) { s.adjusters = append(s.adjusters, a) }

// OnSubmit adds a submit step; steps run in the order added.
func (s *Service) OnSubmit(step SubmitStep) { s.submitSteps = append(s.submitSteps, step) }

// An ApprovedHook hears of an order an approval opened (its last pending
// approval approved), once that is committed; the order is as written.
type ApprovedHook func(c *resource.Ctx, order api.Doc)

// OnApproved adds a hook run after an approval opens an order.
func (s *Service) OnApproved(h ApprovedHook) { s.approvedHooks = append(s.approvedHooks, h) }

// A ReturnCalculator computes the refunds of an order return being
// created or changed (the OrderReturn integration event). It answers
// false when it does not apply to the caller (its API client has no such
// event): the API's own calculation then stands. Its error refuses the
// write; nothing is written.
type ReturnCalculator func(c *resource.Ctx, r *ReturnToCalculate) (calc *ReturnCalculation, applies bool, err error)

// ReturnToCalculate is a return whose refunds are to be calculated.
type ReturnToCalculate struct {
	// Return is the return as it will be written, its refund amounts as
	// an order administrator set them and null where they are to be
	// calculated.
	Return api.Doc
	Order  api.Doc   // the order returned from, as stored
	Lines  []api.Doc // its line items
	// Refundable is, by the line item of each item to return, the most
	// the item may refund: the line's full refund (the default
	// calculation's) less what the order's other live returns hold of it.
	Refundable map[string]decimal.Decimal
	// Fixed are the line items whose item refund an order administrator
	// set: a calculation leaves them alone.
	Fixed map[string]bool
}

// ReturnCalculation is a calculator's answer: each item's refund, by line
// item (an item not named has none: null), and the return's (nil: the sum
// of the items').
type ReturnCalculation struct {
	RefundAmount *decimal.Decimal
	Items        map[string]decimal.Decimal
}

// OnReturnCalculate sets how returns' refunds are calculated; the first
// calculator added that applies to the caller is used.
func (s *Service) OnReturnCalculate(f ReturnCalculator) {
	s.returnCalculators = append(s.returnCalculators, f)
}

// settle brings an order to a consistent state after a change of it or its
// lines: the adjusters, then the totals. Lines an adjuster changed are
// written in tx (over any write of them already queued).
func (s *Service) settle(c *resource.Ctx, order api.Doc, lines []api.Doc, tx *resource.Tx) error {
	for _, adjust := range s.adjusters {
		changed, err := adjust(c, order, lines)
		if err != nil {
			return err
		}
		for _, l := range changed {
			s.putLine(tx, order, l)
		}
	}
	applyTotals(order, lines)
	return nil
}

// putLine queues the write of a line item, replacing a queued write of it.
func (s *Service) putLine(tx *resource.Tx, order api.Doc, line api.Doc) {
	it := s.LineItems.Item([]string{api.Str(order, "ID")}, line, 0)
	if q := tx.Queued(store.Key{PK: it.PK, SK: it.SK}); q != nil {
		it.Version = q.Version
		*q = it
		return
	}
	tx.Put(it, store.Always)
}
