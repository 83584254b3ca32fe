package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Order approvals (rules-engine-has-arrived.mdx; the Orders reference's
// approve, decline, approvals and eligibleapprovers).
//
// When an order is submitted, its buyer's approval rules are evaluated
// against it and its line items. Each rule whose RuleExpression holds asks
// for an approval by the members of its ApprovingGroupID, and the order
// waits in AwaitingApproval. Such an order is not yet submitted to the
// seller (IsSubmitted false, DateSubmitted null, as the Order model and
// the order search docs describe); its stock is taken at submit all the
// same (the inventory docs take it "on submit", and an order pending
// approval holds its inventory records: InventoryRecord.OpenOrdersExist),
// and a decline gives it back.
//
// A member of a pending approval's group approves or declines the order;
// approving evaluates the rules again, so a rule chained on another with
// order.approved('ruleID') asks for its approval only once that one is
// approved (multi-level approvals). When no approval is pending the order
// is submitted: Open, IsSubmitted, DateSubmitted and DateApproved.
// Declining ends the order (Declined) or, with AllowResubmit, returns it to
// Unsubmitted so its user can change it and submit it again, which starts
// a new round of approvals.
//
// Each approval is an item of the order's partition OrderApproval#<orderID>,
// keyed <round>.<n> (the round counts the order's submits held for
// approval; n is the approval's place in its round), so the approvals list
// in the order they were asked. A pending approval carries two index keys:
// GSI1 ApprovalPending#<buyerID>#<groupID> (the orders a group's members
// may approve) and GSI2 ApprovalRulePending#<buyerID>#<ruleID> (whether a
// rule is waited on). Approvals change only in the transaction of the
// order's versioned write, so approvers deciding at once decide once.

var (
	orderApprovalModel = contract.MustModel("OrderApproval")
	approvalInfoModel  = contract.MustModel("OrderApprovalInfo")
	userModel          = contract.MustModel("User")
)

// roundField counts, on an order, its submits held for approval and names,
// on an approval, the round it belongs to.
const roundField = "_approvalRound"

// maxApprovalComments is OrderApprovalInfo.Comments' documented length.
const maxApprovalComments = 2000

func approvalsPK(orderID string) string { return "OrderApproval#" + orderID }

func pendingForGroup(buyerID, groupID string) string {
	return "ApprovalPending#" + buyerID + "#" + groupID
}

func pendingForRule(buyerID, ruleID string) string {
	return "ApprovalRulePending#" + buyerID + "#" + ruleID
}

// approval is one of an order's approvals: its doc and its item as read
// (Version 0 for one being asked).
type approval struct {
	doc  api.Doc
	item store.Item
}

func (a *approval) rule() commerce.Approval {
	return commerce.Approval{RuleID: api.Str(a.doc, "ApprovalRuleID"), GroupID: api.Str(a.doc, "ApprovingGroupID"), Status: api.Str(a.doc, "Status")}
}

func (a *approval) pending() bool { return api.Str(a.doc, "Status") == commerce.ApprovalPending }

func rules(as []*approval) []commerce.Approval {
	out := make([]commerce.Approval, len(as))
	for i, a := range as {
		out[i] = a.rule()
	}
	return out
}

// approvalItem is the stored form of an approval of the order; a pending
// one is indexed by its group and its rule.
func approvalItem(order api.Doc, sk string, d api.Doc, version int64) store.Item {
	b, _ := json.Marshal(d)
	orderID, buyerID := api.Str(order, "ID"), api.Str(order, "FromCompanyID")
	it := store.Item{PK: approvalsPK(orderID), SK: sk, Type: "OrderApproval", ID: sk, Doc: b, Version: version}
	if api.Str(d, "Status") == commerce.ApprovalPending {
		it.GSI1PK, it.GSI1SK = pendingForGroup(buyerID, api.Str(d, "ApprovingGroupID")), orderID+"|"+sk
		it.GSI2PK, it.GSI2SK = pendingForRule(buyerID, api.Str(d, "ApprovalRuleID")), orderID+"|"+sk
	}
	return it
}

// loadApprovals reads an order's approvals, in the order they were asked.
func (s *Service) loadApprovals(c *resource.Ctx, orderID string) ([]*approval, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: approvalsPK(orderID)})
	if err != nil {
		return nil, err
	}
	out := make([]*approval, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, &approval{doc: d, item: it})
	}
	return out, nil
}

// currentRound is the order's approvals of its latest submit.
func currentRound(order api.Doc, all []*approval) []*approval {
	n := api.Int(order[roundField])
	var out []*approval
	for _, a := range all {
		if api.Int(a.doc[roundField]) == n {
			out = append(out, a)
		}
	}
	return out
}

// ruleHolds evaluates an approval rule. A rule that cannot be evaluated
// for the order (one saved before expressions were checked, or whose
// expression does not fit the order's data, such as a division by zero)
// holds: the order waits for a person rather than skip a check.
func ruleHolds(rule api.Doc, env expr.Env) bool {
	e, err := expr.Parse(api.Str(rule, "RuleExpression"))
	if err != nil {
		return true
	}
	ok, err := e.Bool(env)
	return ok || err != nil
}

// askingRules evaluates the order's buyer's approval rules (every rule of
// the buyer applies to every order of its users) against the order and
// its lines, with the round's approvals answering approved('ruleID'), and
// returns the rules that ask for a new approval, by ID.
func (s *Service) askingRules(c *resource.Ctx, order api.Doc, lines []api.Doc, round []*approval) ([]api.Doc, error) {
	all, err := c.Reg.All(c, s.buyers.ApprovalRules, []string{api.Str(order, "FromCompanyID")})
	if err != nil || len(all) == 0 {
		return nil, err
	}
	env := expr.Env{Order: order, Items: lines, Approved: commerce.RuleApproved(rules(round))}
	byID := map[string]api.Doc{}
	var hold []string
	for _, r := range all {
		if ruleHolds(r, env) {
			id := api.Str(r, "ID")
			byID[id] = r
			hold = append(hold, id)
		}
	}
	var out []api.Doc
	for _, id := range commerce.Asking(hold, rules(round)) {
		out = append(out, byID[id])
	}
	return out, nil
}

// ask queues, in tx, the pending approvals the rules ask for in the
// order's current round, after the round's approvals so far.
func ask(tx *resource.Tx, order api.Doc, round []*approval, asking []api.Doc, now string) []*approval {
	n := api.Int(order[roundField])
	for i, rule := range asking {
		d := api.Complete(orderApprovalModel, api.Doc{"ApprovalRuleID": rule["ID"], "ApprovingGroupID": rule["ApprovingGroupID"],
			"Status": commerce.ApprovalPending, "DateCreated": now, "AllowResubmit": false})
		d[roundField] = api.Num(int64(n))
		sk := fmt.Sprintf("%06d.%03d", n, len(round)+i+1)
		it := approvalItem(order, sk, d, 0)
		tx.Put(it, store.IfAbsent)
		round = append(round, &approval{doc: d, item: it})
	}
	return round
}

// putApproval queues the write of a changed approval over the one read.
func putApproval(tx *resource.Tx, order api.Doc, a *approval) {
	tx.Put(approvalItem(order, a.item.SK, a.doc, a.item.Version), store.IfVersion)
}

// holdForApproval is the submit step of approvals: the buyer's rules are
// evaluated, and when any asks for an approval the order waits for it in
// AwaitingApproval, not yet submitted to the seller. (A dry run only
// validates the order; whether it would wait is no error.)
func (s *Service) holdForApproval(c *resource.Ctx, sub *Submission) error {
	if sub.DryRun {
		return nil
	}
	o := sub.Order
	asking, err := s.askingRules(c, o, sub.Lines, nil)
	if err != nil || len(asking) == 0 {
		return err
	}
	o[roundField] = api.Num(int64(api.Int(o[roundField]) + 1))
	o["Status"] = commerce.Held(api.Str(o, "Status"), len(asking))
	o["IsSubmitted"], o["DateSubmitted"] = false, nil
	ask(sub.Tx, o, nil, asking, api.Str(o, "LastUpdated"))
	return nil
}

// approvalView is an order as its approvals show it to the caller.
type approvalView struct {
	order *resource.Entity
	all   []*approval
	// member says which approving groups the caller is in (checked once
	// per group and request).
	member map[string]bool
}

// loadForApprovals loads an order with its approvals: one the caller sees
// from dir, or, for a buyer user, an order of its company one of whose
// approvals names a group the user is in (an approver sees the orders it
// approves whatever its order roles).
func (s *Service) loadForApprovals(c *resource.Ctx, dir Direction, id string) (*approvalView, error) {
	e, err := c.Reg.Load(c, s.Orders, nil, id)
	if err != nil {
		return nil, err
	}
	all, err := s.loadApprovals(c, id)
	if err != nil {
		return nil, err
	}
	v := &approvalView{order: e, all: all, member: map[string]bool{}}
	if canSee(c, dir, e.Doc) {
		return v, nil
	}
	if dir == Incoming {
		return nil, api.NotFound("Order", id)
	}
	groups := groupsOf(all, false)
	if err := s.checkGroups(c, v, groups); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(groups, func(g string) bool { return v.member[g] }) {
		return v, nil
	}
	return nil, api.NotFound("Order", id)
}

// groupsOf are the approving groups of approvals (pending ones only, or
// all).
func groupsOf(as []*approval, pendingOnly bool) []string {
	var out []string
	for _, a := range as {
		if !pendingOnly || a.pending() {
			out = append(out, api.Str(a.doc, "ApprovingGroupID"))
		}
	}
	return out
}

// checkGroups records whether the caller is in each group not checked yet:
// only a buyer user of the order's company can be, through the group's
// membership (read from the table, not an index: exact at once).
func (s *Service) checkGroups(c *resource.Ctx, v *approvalView, groups []string) error {
	buyerID := api.Str(v.order.Doc, "FromCompanyID")
	if c.P.UserType != auth.Buyer || c.P.CompanyID != buyerID {
		return nil
	}
	slices.Sort(groups)
	for _, g := range slices.Compact(groups) {
		if _, done := v.member[g]; done || g == "" {
			continue
		}
		k := store.Key{PK: s.buyers.Members.PK(buyerID), SK: s.buyers.Members.SK(api.Doc{"UserGroupID": g, "UserID": c.P.UserID})}
		_, err := c.Deps.Store.Get(c, k)
		switch {
		case err == nil:
			v.member[g] = true
		case errors.Is(err, store.ErrNotFound):
			v.member[g] = false
		default:
			return err
		}
	}
	return nil
}

// Approve approves every pending approval of the order the caller decides
// (those of the groups it is in), with its comments. The rules are then
// evaluated again, so rules chained on the ones approved ask for their
// approvals; when none is pending, the order is submitted (Open).
func (s *Service) Approve(ctx context.Context, p *auth.Principal, dir Direction, id string, info api.Doc) (api.Doc, error) {
	return s.decide(s.reg.Context(ctx, p), dir, id, info, true)
}

// Decline declines the order's pending approvals the caller decides, and
// with them the order: it is Declined, or Unsubmitted when info allows a
// resubmit. Its other pending approvals are closed (declined without an
// approver) and its stock is given back.
func (s *Service) Decline(ctx context.Context, p *auth.Principal, dir Direction, id string, info api.Doc) (api.Doc, error) {
	return s.decide(s.reg.Context(ctx, p), dir, id, info, false)
}

// decide approves or declines in one transaction with the order's
// versioned write.
func (s *Service) decide(c *resource.Ctx, dir Direction, id string, info api.Doc, approve bool) (api.Doc, error) {
	if len([]rune(api.Str(info, "Comments"))) > maxApprovalComments {
		return nil, api.Validation("Comments", fmt.Sprintf("Comments can be at most %d characters.", maxApprovalComments))
	}
	v, err := s.loadForApprovals(c, dir, id)
	if err != nil {
		return nil, err
	}
	o := api.Clone(v.order.Doc)
	round := currentRound(o, v.all)
	if err := s.checkGroups(c, v, groupsOf(round, true)); err != nil {
		return nil, err
	}
	mine, err := commerce.Decide(api.Str(o, "Status"), rules(round), func(g string) bool { return v.member[g] })
	if err == commerce.ErrNotEligibleToApprove {
		return nil, api.E(http.StatusForbidden, err.Error(), nil)
	}
	if err != nil {
		return nil, err
	}
	approver, err := s.approver(c)
	if err != nil {
		return nil, err
	}
	now := api.Now()
	status, allowResubmit := commerce.ApprovalApproved, false
	if !approve {
		status, allowResubmit = commerce.ApprovalDeclined, info["AllowResubmit"] == true
	}
	tx := &resource.Tx{}
	tx.Knows(v.order.Item)
	for _, i := range mine {
		a := round[i]
		a.doc["Status"], a.doc["Approver"], a.doc["Comments"], a.doc["DateCompleted"] = status, approver, info["Comments"], now
		a.doc["AllowResubmit"] = allowResubmit
		putApproval(tx, o, a)
	}
	lines, err := s.lines(c, id)
	if err != nil {
		return nil, err
	}
	if approve {
		asking, err := s.askingRules(c, o, lines, round)
		if err != nil {
			return nil, err
		}
		round = ask(tx, o, round, asking, now)
		if o["Status"] = commerce.AfterApproval(rules(round)); o["Status"] == commerce.Open {
			o["IsSubmitted"], o["DateSubmitted"], o["DateApproved"] = true, now, now
		}
	} else {
		closeApprovals(tx, o, round, now)
		o["Status"], o["IsSubmitted"], o["DateDeclined"] = commerce.AfterDecline(allowResubmit), false, now
		if err := s.giveBackStock(c, lines, tx); err != nil {
			return nil, err
		}
	}
	o["LastUpdated"] = now
	tx.Lead(store.Op{Put: ptr(s.orderItem(o, v.order.Item.Version)), Cond: store.IfVersion}, nil)
	if approve && o["Status"] == commerce.Open {
		tx.AfterCommit(func() {
			for _, h := range s.approvedHooks {
				h(c, o)
			}
		})
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return o, nil
}

// approver is the caller as an approval records it: the user, without
// anything internal.
func (s *Service) approver(c *resource.Ctx) (api.Doc, error) {
	u, err := s.access.LoadUser(c, s.access.Caller(c))
	if err != nil {
		return nil, err
	}
	out := api.Doc{}
	for k, v := range u {
		if !strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}
	return out, nil
}

// closeApprovals queues, in tx, the closing of the round's approvals still
// pending when the order stops waiting otherwise than by their approval
// (declined by another group's approver, or canceled): they are declined
// without an approver, and leave the approvers' lists.
func closeApprovals(tx *resource.Tx, order api.Doc, round []*approval, now string) {
	for _, a := range round {
		if a.pending() {
			a.doc["Status"], a.doc["DateCompleted"] = commerce.ApprovalDeclined, now
			putApproval(tx, order, a)
		}
	}
}

// CloseApprovals queues, in tx, the closing of the pending approvals of an
// order that leaves AwaitingApproval otherwise than by Approve or Decline
// (Orders.Cancel), so it leaves the approvers' lists and its rules may be
// deleted.
func (s *Service) CloseApprovals(c *resource.Ctx, order api.Doc, tx *resource.Tx) error {
	all, err := s.loadApprovals(c, api.Str(order, "ID"))
	if err != nil {
		return err
	}
	closeApprovals(tx, order, currentRound(order, all), api.Now())
	return nil
}

// giveBackStock queues, in tx, giving back the stock a declined order's
// submit took: the mirror of takeStock (which must change with it).
func (s *Service) giveBackStock(c *resource.Ctx, lines []api.Doc, tx *resource.Tx) error {
	qty := map[string]int64{}
	var ids []string
	for _, l := range lines {
		pid := api.Str(l, "ProductID")
		if _, seen := qty[pid]; !seen {
			ids = append(ids, pid)
		}
		qty[pid] += int64(api.Int(l["Quantity"]))
	}
	keys := make([]store.Key, len(ids))
	for i, pid := range ids {
		keys[i] = s.catalog.Products.Key(nil, pid)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return err
	}
	for i, pid := range ids {
		it, ok := got[keys[i]]
		if !ok || it.Stock == nil || qty[pid] == 0 {
			continue
		}
		tx.Add(store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: -qty[pid], Floorless: true})
	}
	return nil
}

// Approvals lists the order's approvals, every round's, in the order they
// were asked.
func (s *Service) Approvals(ctx context.Context, p *auth.Principal, dir Direction, id string) ([]api.Doc, error) {
	v, err := s.loadForApprovals(s.reg.Context(ctx, p), dir, id)
	if err != nil {
		return nil, err
	}
	out := make([]api.Doc, len(v.all))
	for i, a := range v.all {
		out[i] = a.doc
	}
	return out, nil
}

// EligibleApprovers lists the active users who may decide the order's
// pending approvals (members of their groups), once each; none unless the
// order awaits approval.
func (s *Service) EligibleApprovers(ctx context.Context, p *auth.Principal, dir Direction, id string) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	v, err := s.loadForApprovals(c, dir, id)
	if err != nil || api.Str(v.order.Doc, "Status") != commerce.AwaitingApproval {
		return nil, err
	}
	buyerID := api.Str(v.order.Doc, "FromCompanyID")
	var userIDs []string
	for _, a := range currentRound(v.order.Doc, v.all) {
		if !a.pending() {
			continue
		}
		members, err := c.Reg.AssignmentsWith(c, s.buyers.Members, "UserGroupID", api.Str(a.doc, "ApprovingGroupID"), buyerID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			userIDs = append(userIDs, api.Str(m, "UserID"))
		}
	}
	slices.Sort(userIDs)
	userIDs = slices.Compact(userIDs)
	keys := make([]store.Key, len(userIDs))
	for i, uid := range userIDs {
		keys[i] = s.buyers.Users.Key([]string{buyerID}, uid)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var users []api.Doc
	for _, k := range keys {
		it, ok := got[k]
		if !ok {
			continue
		}
		u, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		if u["Active"] == true {
			users = append(users, u)
		}
	}
	return users, nil
}

// ApprovableOrders lists the orders the caller may approve now: those of
// its company with a pending approval of a group it is in. The pending
// approvals are found by group (GSI1, eventually consistent) and read
// again from the table, so an approval decided a moment ago is not listed.
func (s *Service) ApprovableOrders(ctx context.Context, p *auth.Principal) ([]api.Doc, error) {
	c := s.reg.Context(ctx, p)
	if p.UserType != auth.Buyer {
		return nil, nil // only buyer users are in approving groups
	}
	groups, err := s.access.UserGroups(c, s.access.Caller(c))
	if err != nil {
		return nil, err
	}
	var keys []store.Key
	for _, g := range groups {
		items, err := c.Deps.Store.Query(c, store.Query{Index: "GSI1", PK: pendingForGroup(p.CompanyID, g), KeysOnly: true})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			keys = append(keys, store.Key{PK: it.PK, SK: it.SK})
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	rounds := map[string]int{} // order ID → the round it waits in
	var orderKeys []store.Key
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		orderID := strings.TrimPrefix(it.PK, approvalsPK(""))
		if _, seen := rounds[orderID]; seen || api.Str(d, "Status") != commerce.ApprovalPending || !slices.Contains(groups, api.Str(d, "ApprovingGroupID")) {
			continue
		}
		rounds[orderID] = api.Int(d[roundField])
		orderKeys = append(orderKeys, s.Orders.Key(nil, orderID))
	}
	orders, err := c.Deps.Store.BatchGet(c, orderKeys)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, it := range orders {
		o, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		r, ok := rounds[api.Str(o, "ID")]
		if ok && api.Str(o, "Status") == commerce.AwaitingApproval && api.Str(o, "FromCompanyID") == p.CompanyID && api.Int(o[roundField]) == r {
			out = append(out, o)
		}
	}
	return out, nil
}

// refusePendingRuleDelete keeps an approval rule that an order awaiting
// approval waits on (ApprovalRule.CannotDeleteIfPending). Pending
// approvals are found by rule (GSI2), then the approval and its order are
// read from the table: one left pending by an order since gone or no
// longer waiting does not count.
func (s *Service) refusePendingRuleDelete(c *resource.Ctx, rule api.Doc, _ *resource.Tx) error {
	buyerID := c.Param("buyerID")
	items, err := c.Deps.Store.Query(c, store.Query{Index: "GSI2", PK: pendingForRule(buyerID, api.Str(rule, "ID")), KeysOnly: true})
	if err != nil {
		return err
	}
	for _, k := range items {
		it, err := c.Deps.Store.Get(c, store.Key{PK: k.PK, SK: k.SK})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return err
		}
		if api.Str(d, "Status") != commerce.ApprovalPending {
			continue
		}
		orderID := strings.TrimPrefix(it.PK, approvalsPK(""))
		o, err := c.Reg.Load(c, s.Orders, nil, orderID)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			continue
		}
		if err != nil {
			return err
		}
		if api.Str(o.Doc, "Status") == commerce.AwaitingApproval && api.Int(o.Doc[roundField]) == api.Int(d[roundField]) {
			return api.Refused(commerce.ErrRuleHasPending, map[string]any{"OrderID": orderID})
		}
	}
	return nil
}
