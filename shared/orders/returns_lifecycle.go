package orders

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// An order return's lifecycle: submit, approvals, cancel, complete (see
// returns.go and commerce/returns.go).

func returnApprovalsPK(returnID string) string { return "OrderReturnApproval#" + returnID }

func returnPendingForGroup(ownerID, groupID string) string {
	return "ReturnApprovalPending#" + ownerID + "#" + groupID
}

// returnApprovalItem is the stored form of an approval of a return; a
// pending one is indexed by its owner's group.
func returnApprovalItem(ret api.Doc, sk string, d api.Doc, version int64) store.Item {
	b, _ := json.Marshal(d)
	id := api.Str(ret, "ID")
	it := store.Item{PK: returnApprovalsPK(id), SK: sk, Type: "OrderReturnApproval", ID: sk, Doc: b, Version: version}
	if api.Str(d, "Status") == commerce.ApprovalPending {
		it.GSI1PK, it.GSI1SK = returnPendingForGroup(api.Str(ret, retSeller), api.Str(d, "ApprovingGroupID")), id+"|"+sk
	}
	return it
}

func (s *Service) loadReturnApprovals(c *resource.Ctx, id string) ([]*approval, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: returnApprovalsPK(id)})
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

func returnRound(ret api.Doc, all []*approval) []*approval {
	n := api.Int(ret[retRound])
	var out []*approval
	for _, a := range all {
		if api.Int(a.doc[roundField]) == n {
			out = append(out, a)
		}
	}
	return out
}

// returnEnv is what seller rules see of a return: its order, and the
// order's lines it takes back (each with its Product).
func (s *Service) returnEnv(c *resource.Ctx, ret api.Doc, round []*approval) (expr.Env, error) {
	order, err := c.Reg.Load(c, s.Orders, nil, api.Str(ret, "OrderID"))
	if err != nil {
		return expr.Env{}, err
	}
	lines, err := s.lines(c, api.Str(ret, "OrderID"))
	if err != nil {
		return expr.Env{}, err
	}
	returned := map[string]bool{}
	for _, it := range returnItems(ret) {
		returned[api.Str(it, "LineItemID")] = true
	}
	var items []map[string]any
	for _, l := range lines {
		if returned[api.Str(l, "ID")] {
			items = append(items, l)
		}
	}
	return expr.Env{Order: order.Doc, Items: items, Approved: commerce.RuleApproved(rules(round))}, nil
}

// askingSellerRules are the seller rules that hold for the return and
// have no approval in the round yet.
func (s *Service) askingSellerRules(c *resource.Ctx, ret api.Doc, round []*approval) ([]api.Doc, error) {
	env, err := s.returnEnv(c, ret, round)
	if err != nil {
		return nil, err
	}
	hold, err := s.SellerApprovalRulesFor(c, api.Str(ret, retSeller), env)
	if err != nil {
		return nil, err
	}
	byID := map[string]api.Doc{}
	var ids []string
	for _, r := range hold {
		byID[api.Str(r, "ID")] = r
		ids = append(ids, api.Str(r, "ID"))
	}
	var out []api.Doc
	for _, id := range commerce.Asking(ids, rules(round)) {
		out = append(out, byID[id])
	}
	return out, nil
}

func askReturn(tx *resource.Tx, ret api.Doc, round []*approval, asking []api.Doc, now string) []*approval {
	n := api.Int(ret[retRound])
	for i, rule := range asking {
		d := api.Complete(orderReturnApprovalModel, api.Doc{"OrderReturnID": ret["ID"], "ApprovalRuleID": rule["ID"],
			"ApprovingGroupID": rule["ApprovingGroupID"], "Status": commerce.ApprovalPending, "DateCreated": now})
		d[roundField] = api.Num(int64(n))
		d["_owner"] = rule["OwnerID"]
		sk := fmt.Sprintf("%06d.%03d", n, len(round)+i+1)
		it := returnApprovalItem(ret, sk, d, 0)
		tx.Put(it, store.IfAbsent)
		round = append(round, &approval{doc: d, item: it})
	}
	return round
}

// changeReturn reads a return the caller sees, lets change decide, and
// writes it (with change's other writes) conditioned on the version read.
func (s *Service) changeReturn(c *resource.Ctx, id string, change func(ret api.Doc, tx *resource.Tx) error) (api.Doc, error) {
	e, err := s.loadReturn(c, id)
	if err != nil {
		return nil, err
	}
	ret := api.Clone(e.Doc)
	tx := &resource.Tx{}
	tx.Knows(e.Item)
	if err := change(ret, tx); err != nil {
		return nil, err
	}
	ret["LastUpdated"] = api.Now()
	tx.Lead(store.Op{Put: ptr(s.OrderReturns.Item(nil, ret, e.Item.Version)), Cond: store.IfVersion}, nil)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return ret, nil
}

// releaseUnits queues the ledger's write after a return stops holding its
// units (declined or canceled).
func (s *Service) releaseUnits(c *resource.Ctx, ret api.Doc, tx *resource.Tx) error {
	ledger, err := s.loadLedger(c, api.Str(ret, "OrderID"))
	if err != nil {
		return err
	}
	ledger.hold(ret)
	ledger.put(tx)
	return nil
}

// SubmitReturn submits an Unsubmitted return: it waits in AwaitingApproval
// when a seller rule holds it, else it is Open.
func (s *Service) SubmitReturn(c *resource.Ctx, id string) (api.Doc, error) {
	return s.changeReturn(c, id, func(ret api.Doc, tx *resource.Tx) error {
		if err := mayWriteReturn(c, returnOrderView(ret)); err != nil {
			return err
		}
		if api.Str(ret, "Status") != commerce.Unsubmitted {
			return api.E(http.StatusBadRequest, commerce.ErrReturnSubmitBadStatus.ContractCode(), nil).
				WithMessage("Cannot submit an order return with this status. Its status must be Unsubmitted.")
		}
		now := api.Now()
		ret[retRound] = api.Num(int64(api.Int(ret[retRound]) + 1))
		asking, err := s.askingSellerRules(c, ret, nil)
		if err != nil {
			return err
		}
		ret["DateSubmitted"] = now
		if len(asking) == 0 {
			ret["Status"] = commerce.Open
			return nil
		}
		ret["Status"] = commerce.AwaitingApproval
		askReturn(tx, ret, nil, asking, now)
		return nil
	})
}

// inReturnGroup says whether the caller decides a return's approvals of
// a group: a member of the group (InSellerApprovingGroup), or the seller's
// own administrator (FullAccess in the owning organization).
func (s *Service) inReturnGroup(c *resource.Ctx, ret api.Doc, member map[string]bool) func(string) bool {
	owner := api.Str(ret, retSeller)
	sellerAdmin := c.P.Has("FullAccess") && ((c.P.UserType == auth.Admin && owner == c.MarketplaceID()) ||
		(c.P.UserType == auth.Supplier && owner == c.P.CompanyID))
	return func(group string) bool {
		if sellerAdmin {
			return true
		}
		if ok, done := member[group]; done {
			return ok
		}
		ok, err := s.InSellerApprovingGroup(c, api.Doc{"OwnerID": owner, "ApprovingGroupID": group})
		member[group] = ok && err == nil
		return member[group]
	}
}

// DecideReturn approves or declines the pending approvals of a return the
// caller decides. Approving evaluates the rules again (chained rules ask
// for theirs); with none pending the return is Open. Declining closes the
// round and the return (Declined), giving its units back.
func (s *Service) DecideReturn(c *resource.Ctx, id string, info api.Doc, approve bool) (api.Doc, error) {
	if len([]rune(api.Str(info, "Comments"))) > maxApprovalComments {
		return nil, api.Validation("Comments", fmt.Sprintf("Comments can be at most %d characters.", maxApprovalComments))
	}
	return s.changeReturn(c, id, func(ret api.Doc, tx *resource.Tx) error {
		all, err := s.loadReturnApprovals(c, id)
		if err != nil {
			return err
		}
		round := returnRound(ret, all)
		member := map[string]bool{}
		mine, err := commerce.Decide(api.Str(ret, "Status"), rules(round), s.inReturnGroup(c, ret, member))
		switch {
		case errors.Is(err, commerce.ErrMustBeAwaitingApproval):
			return api.E(http.StatusBadRequest, commerce.ErrReturnMustAwaitApproval.ContractCode(), nil).
				WithMessage("Cannot process an order return with this status. Its status must be AwaitingApproval.")
		case errors.Is(err, commerce.ErrNotEligibleToApprove):
			return api.E(http.StatusForbidden, commerce.ErrReturnNotEligible.ContractCode(), nil)
		case err != nil:
			return err
		}
		approver, err := s.approver(c)
		if err != nil {
			return err
		}
		now := api.Now()
		status := commerce.ApprovalApproved
		if !approve {
			status = commerce.ApprovalDeclined
		}
		for _, i := range mine {
			a := round[i]
			a.doc["Status"], a.doc["Approver"], a.doc["Comments"], a.doc["DateCompleted"] = status, approver, info["Comments"], now
			tx.Put(returnApprovalItem(ret, a.item.SK, a.doc, a.item.Version), store.IfVersion)
		}
		if !approve {
			closeReturnApprovals(tx, ret, round, now)
			ret["Status"], ret["DateDeclined"] = commerce.Declined, now
			return s.releaseUnits(c, ret, tx)
		}
		asking, err := s.askingSellerRules(c, ret, round)
		if err != nil {
			return err
		}
		round = askReturn(tx, ret, round, asking, now)
		if ret["Status"] = commerce.AfterApproval(rules(round)); ret["Status"] == commerce.Open {
			ret["DateApproved"] = now
		}
		return nil
	})
}

// closeReturnApprovals declines, without an approver, the round's
// approvals still pending when the return stops waiting otherwise.
func closeReturnApprovals(tx *resource.Tx, ret api.Doc, round []*approval, now string) {
	for _, a := range round {
		if a.pending() {
			a.doc["Status"], a.doc["DateCompleted"] = commerce.ApprovalDeclined, now
			tx.Put(returnApprovalItem(ret, a.item.SK, a.doc, a.item.Version), store.IfVersion)
		}
	}
}

// CancelReturn cancels a submitted return (a completed one only by an
// order administrator); its units go back to the order's lines.
func (s *Service) CancelReturn(c *resource.Ctx, id string) (api.Doc, error) {
	return s.changeReturn(c, id, func(ret api.Doc, tx *resource.Tx) error {
		if err := mayWriteReturn(c, returnOrderView(ret)); err != nil {
			return err
		}
		err := commerce.CheckReturnCancel(api.Str(ret, "Status"), returnAdmin(c))
		if errors.Is(err, commerce.ErrReturnNotAuthorized) {
			return api.E(http.StatusForbidden, err.Error(), nil)
		}
		if err != nil {
			return api.Refused(err, nil)
		}
		now := api.Now()
		if api.Str(ret, "Status") == commerce.AwaitingApproval {
			all, err := s.loadReturnApprovals(c, id)
			if err != nil {
				return err
			}
			closeReturnApprovals(tx, ret, returnRound(ret, all), now)
		}
		ret["Status"], ret["DateCanceled"] = commerce.Canceled, now
		return s.releaseUnits(c, ret, tx)
	})
}

// CompleteReturn completes an Open return, for the seller (an order
// administrator of the organization the order was placed to), recording
// the refund: what its RefundAmount leaves after the refund payments the
// return already has (payments of the order naming it) becomes a payment
// of the order, "<returnID>-refund", with that amount negative, Accepted,
// OrderReturnID set and one Refund transaction, and is listed in the
// return's PaymentIDs. The order's payments are its record of money in
// and out, so a refund sits beside what was paid, as the docs' negative
// return payments do.
func (s *Service) CompleteReturn(c *resource.Ctx, id string) (api.Doc, error) {
	if c.P.UserType == auth.Buyer {
		return nil, api.NotForUserType("Only the seller completes order returns.")
	}
	if !returnAdmin(c) {
		return nil, api.InsufficientRoles([]string{"OrderAdmin"})
	}
	return s.changeReturn(c, id, func(ret api.Doc, tx *resource.Tx) error {
		refund := api.DecPtr(ret["RefundAmount"])
		if err := commerce.CheckReturnComplete(api.Str(ret, "Status"), refund); err != nil {
			return api.Refused(err, nil)
		}
		orderID := api.Str(ret, "OrderID")
		order, err := c.Reg.Load(c, s.Orders, nil, orderID)
		if err != nil {
			return err
		}
		pays, err := s.payments(c, orderID)
		if err != nil {
			return err
		}
		left := *refund
		for _, p := range pays {
			if api.Str(p, "OrderReturnID") == id {
				left = left.Add(api.Dec(p["Amount"])) // refunds are negative
			}
		}
		now := api.Now()
		ids := api.Strings(ret["PaymentIDs"])
		if left.IsPositive() {
			pid := id + "-refund"
			amount := api.Money(left.Neg())
			pay := api.Complete(paymentModel, api.Doc{"ID": pid, "DateCreated": now, "Currency": order.Doc["Currency"],
				"Description": "Refund of order return " + id, "Amount": amount, "Accepted": true, "OrderReturnID": id,
				"Transactions": []any{map[string]any{"ID": pid, "Type": "Refund", "DateExecuted": now, "Currency": order.Doc["Currency"],
					"Amount": amount, "Succeeded": true, "ResultCode": nil, "ResultMessage": "Order return completed", "xp": map[string]any{}}}})
			tx.PutOr(s.Payments.Item([]string{orderID}, pay, 0), store.IfAbsent, api.IDExists("Payment", pid))
			ids = append(ids, pid)
		}
		ret["PaymentIDs"] = toAny(ids)
		ret["Status"], ret["DateCompleted"] = commerce.Completed, now
		return nil
	})
}

// --- lists ---------------------------------------------------------------

// ReturnApprovals lists a return's approvals, every round's.
func (s *Service) ReturnApprovals(c *resource.Ctx, id string) ([]api.Doc, error) {
	if _, err := s.loadReturn(c, id); err != nil {
		return nil, err
	}
	all, err := s.loadReturnApprovals(c, id)
	if err != nil {
		return nil, err
	}
	out := make([]api.Doc, len(all))
	for i, a := range all {
		out[i] = a.doc
	}
	return out, nil
}

// ReturnApprovers lists the active users who may decide a return's
// pending approvals: the members of their groups in the seller's
// organization.
func (s *Service) ReturnApprovers(c *resource.Ctx, id string) ([]api.Doc, error) {
	e, err := s.loadReturn(c, id)
	if err != nil || api.Str(e.Doc, "Status") != commerce.AwaitingApproval {
		return nil, err
	}
	all, err := s.loadReturnApprovals(c, id)
	if err != nil {
		return nil, err
	}
	k, scope := s.sellerKind(c, api.Str(e.Doc, retSeller))
	var userIDs []string
	for _, a := range returnRound(e.Doc, all) {
		if !a.pending() {
			continue
		}
		members, err := c.Reg.AssignmentsWith(c, k.Members, "UserGroupID", api.Str(a.doc, "ApprovingGroupID"), scope...)
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
		keys[i] = k.Users.Key(scope, uid)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var users []api.Doc
	for _, key := range keys {
		it, ok := got[key]
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

// returnFilters keep a return list to what the caller sees; none is true
// when it sees none.
func returnFilters(c *resource.Ctx) (filters []api.Filter, none bool) {
	p := c.P
	switch {
	case p.Confined():
		return nil, true
	case p.UserType == auth.Admin:
		return nil, false
	case p.UserType == auth.Buyer:
		filters = append(filters, api.AnyOf(retBuyer, []string{p.CompanyID}))
		if !slices.ContainsFunc([]string{"OrderAdmin", "OrderReader"}, p.Has) {
			filters = append(filters, api.AnyOf(retUser, []string{p.UserID}))
		}
		return filters, false
	}
	return []api.Filter{api.AnyOf(retSeller, []string{p.CompanyID})}, false
}

// ListReturns serves OrderReturns.List from the returns' indexes (the
// caller's company's partition, an order's, a status'); approvable=true
// lists the returns waiting on a group the caller is in.
func (s *Service) ListReturns(c *resource.Ctx) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, orderReturnModel))
	if aerr != nil {
		return nil, aerr
	}
	if strings.EqualFold(c.Query("approvable"), "true") {
		docs, err := s.approvableReturns(c)
		if err != nil {
			return nil, err
		}
		return pageOf(c, orderReturnModel, docs, nil)
	}
	filters, none := returnFilters(c)
	if none {
		meta, _, _ := lq.PageOf(0)
		return api.NewPage(orderReturnModel, nil, meta), nil
	}
	lq.Filters = append(lq.Filters, filters...)
	docs, meta, ok, err := c.Reg.ListIndexed(c, s.OrderReturns, nil, lq)
	if err != nil {
		return nil, err
	}
	if ok {
		return api.NewPage(orderReturnModel, docs, meta), nil
	}
	// A query the indexes cannot answer reads the caller's own returns
	// (its company's index partition; all of them for the marketplace).
	mine, err := c.Reg.Matching(c, s.OrderReturns, nil, filters...)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, orderReturnModel, mine, nil)
}

// approvableReturns are the returns awaiting an approval of a group the
// caller is in, found by group (GSI1, eventually consistent) and read
// again from the table.
func (s *Service) approvableReturns(c *resource.Ctx) ([]api.Doc, error) {
	if c.P.UserType == auth.Buyer || c.P.Confined() {
		return nil, nil // buyers are in no seller's groups
	}
	owner := c.P.CompanyID
	if c.P.UserType == auth.Admin {
		owner = c.MarketplaceID()
	}
	groups, err := s.access.UserGroups(c, s.access.Caller(c))
	if err != nil {
		return nil, err
	}
	var keys []store.Key
	for _, g := range groups {
		items, err := c.Deps.Store.Query(c, store.Query{Index: "GSI1", PK: returnPendingForGroup(owner, g), KeysOnly: true})
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
	rounds := map[string]int{}
	var retKeys []store.Key
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		id := strings.TrimPrefix(it.PK, returnApprovalsPK(""))
		if _, seen := rounds[id]; seen || api.Str(d, "Status") != commerce.ApprovalPending || !slices.Contains(groups, api.Str(d, "ApprovingGroupID")) {
			continue
		}
		rounds[id] = api.Int(d[roundField])
		retKeys = append(retKeys, s.OrderReturns.Key(nil, id))
	}
	rets, err := c.Deps.Store.BatchGet(c, retKeys)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, it := range rets {
		r, err := resource.DecodeItem(it)
		if err != nil {
			return nil, err
		}
		n, ok := rounds[api.Str(r, "ID")]
		if ok && api.Str(r, "Status") == commerce.AwaitingApproval && api.Str(r, retSeller) == owner && api.Int(r[retRound]) == n {
			out = append(out, r)
		}
	}
	return out, nil
}
