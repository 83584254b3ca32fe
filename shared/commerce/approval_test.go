package commerce

import (
	"slices"
	"testing"
)

func TestHeld(t *testing.T) {
	if got := Held(Open, 0); got != Open {
		t.Errorf("no rule held: %s", got)
	}
	if got := Held(Open, 2); got != AwaitingApproval {
		t.Errorf("two rules held: %s", got)
	}
}

func TestDecideByStatus(t *testing.T) {
	pending := []Approval{{RuleID: "r1", GroupID: "g1", Status: ApprovalPending}}
	in := func(string) bool { return true }
	for _, status := range []string{Unsubmitted, Declined, Open, Completed, Canceled, ""} {
		if _, err := Decide(status, pending, in); err != ErrMustBeAwaitingApproval {
			t.Errorf("%q: %v, want %s", status, err, ErrMustBeAwaitingApproval)
		}
	}
	if mine, err := Decide(AwaitingApproval, pending, in); err != nil || !slices.Equal(mine, []int{0}) {
		t.Errorf("awaiting: %v %v", mine, err)
	}
}

func TestDecideByGroup(t *testing.T) {
	approvals := []Approval{
		{RuleID: "r1", GroupID: "managers", Status: ApprovalApproved},
		{RuleID: "r2", GroupID: "managers", Status: ApprovalPending},
		{RuleID: "r3", GroupID: "finance", Status: ApprovalPending},
		{RuleID: "r4", GroupID: "managers", Status: ApprovalPending},
	}
	member := func(groups ...string) func(string) bool {
		return func(g string) bool { return slices.Contains(groups, g) }
	}
	if mine, err := Decide(AwaitingApproval, approvals, member("managers")); err != nil || !slices.Equal(mine, []int{1, 3}) {
		t.Errorf("a manager decides the pending managers' approvals: %v %v", mine, err)
	}
	if mine, err := Decide(AwaitingApproval, approvals, member("managers", "finance")); err != nil || !slices.Equal(mine, []int{1, 2, 3}) {
		t.Errorf("a member of both decides all pending: %v %v", mine, err)
	}
	if _, err := Decide(AwaitingApproval, approvals, member("buyers")); err != ErrNotEligibleToApprove {
		t.Errorf("a non-member: %v", err)
	}
	// The approval of the only group the user is in was decided already.
	if _, err := Decide(AwaitingApproval, approvals[:1], member("managers")); err != ErrNotEligibleToApprove {
		t.Errorf("nothing pending for the user: %v", err)
	}
}

func TestAsking(t *testing.T) {
	round := []Approval{{RuleID: "r1", Status: ApprovalApproved}, {RuleID: "r2", Status: ApprovalPending}}
	if got := Asking([]string{"r1", "r2", "r3", "r3", "r4"}, round); !slices.Equal(got, []string{"r3", "r4"}) {
		t.Errorf("asking: %v", got)
	}
	if got := Asking(nil, round); got != nil {
		t.Errorf("none hold: %v", got)
	}
}

func TestRuleApproved(t *testing.T) {
	approved := RuleApproved([]Approval{{RuleID: "r1", Status: ApprovalApproved}, {RuleID: "r2", Status: ApprovalPending},
		{RuleID: "r3", Status: ApprovalDeclined}})
	for rule, want := range map[string]bool{"r1": true, "r2": false, "r3": false, "r9": false} {
		if approved(rule) != want {
			t.Errorf("approved(%s) = %v", rule, !want)
		}
	}
}

// TestApprovalLifecycle walks a two-level approval: the order waits while
// an approval is pending and opens once none is.
func TestApprovalLifecycle(t *testing.T) {
	round := []Approval{{RuleID: "r1", GroupID: "managers", Status: ApprovalPending}}
	status := Held(Open, len(round))
	mine, err := Decide(status, round, func(g string) bool { return g == "managers" })
	if err != nil {
		t.Fatal(err)
	}
	round[mine[0]].Status = ApprovalApproved
	// r2 (approved('r1')) now holds and asks finance.
	for _, id := range Asking([]string{"r1", "r2"}, round) {
		round = append(round, Approval{RuleID: id, GroupID: "finance", Status: ApprovalPending})
	}
	if status = AfterApproval(round); status != AwaitingApproval || len(round) != 2 {
		t.Fatalf("after the first level: %s %v", status, round)
	}
	if _, err := Decide(status, round, func(g string) bool { return g == "managers" }); err != ErrNotEligibleToApprove {
		t.Errorf("a manager at the second level: %v", err)
	}
	mine, _ = Decide(status, round, func(g string) bool { return g == "finance" })
	round[mine[0]].Status = ApprovalApproved
	if got := Asking([]string{"r1", "r2"}, round); got != nil {
		t.Errorf("nothing more to ask: %v", got)
	}
	if status = AfterApproval(round); status != Open {
		t.Errorf("after the second level: %s", status)
	}
	if _, err := Decide(status, round, func(string) bool { return true }); err != ErrMustBeAwaitingApproval {
		t.Errorf("approving an open order: %v", err)
	}
}

func TestAfterDecline(t *testing.T) {
	if AfterDecline(false) != Declined || AfterDecline(true) != Unsubmitted {
		t.Error(AfterDecline(false), AfterDecline(true))
	}
}
