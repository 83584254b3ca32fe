package commerce

// Order approvals: the rules of the approval part of an order's lifecycle.
//
// A submitted order that one of its buyer's approval rules holds for
// approval waits in AwaitingApproval, with one pending approval per rule
// that held. Its transitions:
//
//	Unsubmitted      --submit-->   Open, or AwaitingApproval when a rule holds it
//	AwaitingApproval --approve-->  AwaitingApproval while an approval is pending
//	                               (a rule chained on the one approved may add
//	                               one), else Open
//	AwaitingApproval --decline-->  Declined, or Unsubmitted when the approver
//	                               lets the buyer change the order and resubmit
//
// Approving or declining an order in any other status is refused with
// Order.MustBeAwaitingApproval; by a user in none of the groups of its
// pending approvals, with Order.NotEligibleToApprove. (Canceling a held
// order is Cancel's.)

// Approval statuses (OrderApproval.Status).
const (
	ApprovalPending  = "Pending"
	ApprovalApproved = "Approved"
	ApprovalDeclined = "Declined"
)

// Approval refusals, named by the contract's codes.
var (
	ErrMustBeAwaitingApproval = Refusal("Order.MustBeAwaitingApproval")
	ErrNotEligibleToApprove   = Refusal("Order.NotEligibleToApprove")
	// ErrRuleHasPending refuses deleting an approval rule an order is
	// waiting on: its approval could no longer be decided by the rule.
	ErrRuleHasPending = Refusal("ApprovalRule.CannotDeleteIfPending")
)

// An Approval is one approval of an order: the rule that asked for it, the
// group whose members decide it, and its status.
type Approval struct {
	RuleID, GroupID, Status string
}

// Held is the status of an order being submitted once its approval rules
// are evaluated: AwaitingApproval when any asked for an approval, else the
// status Submit gave it.
func Held(status string, asked int) string {
	if asked > 0 {
		return AwaitingApproval
	}
	return status
}

// Decide picks the approvals a user decides when approving or declining an
// order in status: every pending one of a group the user is in (a member of
// several groups decides all of their approvals at once). It refuses an
// order not awaiting approval, and a user who decides none.
func Decide(status string, approvals []Approval, inGroup func(groupID string) bool) ([]int, error) {
	if status != AwaitingApproval {
		return nil, ErrMustBeAwaitingApproval
	}
	var mine []int
	for i, a := range approvals {
		if a.Status == ApprovalPending && inGroup(a.GroupID) {
			mine = append(mine, i)
		}
	}
	if len(mine) == 0 {
		return nil, ErrNotEligibleToApprove
	}
	return mine, nil
}

// Asking returns the rules that ask for a new approval: of the rules that
// hold, in their order, those without an approval in the round yet (one
// approved, or still pending, is not asked again).
func Asking(hold []string, round []Approval) []string {
	has := map[string]bool{}
	for _, a := range round {
		has[a.RuleID] = true
	}
	var out []string
	for _, id := range hold {
		if !has[id] {
			has[id] = true
			out = append(out, id)
		}
	}
	return out
}

// RuleApproved reports, for the expressions' approved('ruleID'), whether a
// rule's approval in the round is approved.
func RuleApproved(round []Approval) func(ruleID string) bool {
	return func(ruleID string) bool {
		for _, a := range round {
			if a.RuleID == ruleID && a.Status == ApprovalApproved {
				return true
			}
		}
		return false
	}
}

// AfterApproval is the status of an order once the approver's approvals
// are decided and the ones they let rules ask for are added: it keeps
// waiting while any is pending, and opens when none is.
func AfterApproval(round []Approval) string {
	for _, a := range round {
		if a.Status == ApprovalPending {
			return AwaitingApproval
		}
	}
	return Open
}

// AfterDecline is the status of a declined order: Unsubmitted when the
// approver lets the buyer change the order and submit it again, else
// Declined, where it ends.
func AfterDecline(allowResubmit bool) string {
	if allowResubmit {
		return Unsubmitted
	}
	return Declined
}
