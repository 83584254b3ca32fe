package orders

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// fieldSubmitted is kept on every order: the world its status is of,
// "submitted" or "unsubmitted" (commerce.Submitted). Words rather than a
// boolean, so that a filter on it reads one index partition.
const fieldSubmitted = "_submitted"

func worldOf(status string) string {
	if commerce.Submitted(status) {
		return "submitted"
	}
	return "unsubmitted"
}

// submittedWorld is the filter keeping an order list to one of OrderCloud's
// two worlds: submitted orders, the default, or unsubmitted ones (those
// awaiting approval and declined included) when the query filters
// IsSubmitted=false or Status=Unsubmitted|AwaitingApproval|Declined. A query asking for both is refused
// (Order.CannotMixSubmittedAndUnsubmitted).
func submittedWorld(lq api.ListQuery) (api.Filter, error) {
	wantsSubmitted, wantsUnsubmitted := false, false
	byStatus := false // a Status filter of equalities already keeps to one world
	for _, f := range lq.Filters {
		for _, a := range f.Alts {
			if a.Negate || a.Op != "=" || strings.Contains(a.Value, "*") {
				continue
			}
			switch f.Path {
			case "IsSubmitted":
				if b, err := strconv.ParseBool(a.Value); err == nil {
					wantsSubmitted = wantsSubmitted || b
					wantsUnsubmitted = wantsUnsubmitted || !b
				}
			case "Status":
				byStatus = true
				if v := canonicalStatus(a.Value); v != "" {
					wantsSubmitted = wantsSubmitted || commerce.Submitted(v)
					wantsUnsubmitted = wantsUnsubmitted || !commerce.Submitted(v)
				}
			}
		}
	}
	if wantsSubmitted && wantsUnsubmitted {
		return api.Filter{}, api.E(http.StatusBadRequest, "Order.CannotMixSubmittedAndUnsubmitted", nil)
	}
	if byStatus && statusOnlyEqualities(lq) {
		return api.Filter{}, nil
	}
	world := "submitted"
	if wantsUnsubmitted {
		world = "unsubmitted"
	}
	return api.AnyOf(fieldSubmitted, []string{world}), nil
}

// statusOnlyEqualities reports whether every Status filter is made of
// plain equalities (no negation, comparison or wildcard).
func statusOnlyEqualities(lq api.ListQuery) bool {
	for _, f := range lq.Filters {
		if f.Path != "Status" {
			continue
		}
		for _, a := range f.Alts {
			if a.Negate || a.Op != "=" || strings.Contains(a.Value, "*") || canonicalStatus(a.Value) == "" {
				return false
			}
		}
	}
	return true
}

// byStatus drops IsSubmitted equalities: IsSubmitted is the world an
// order is in (orderItem keeps it so, commerce.Submitted), and the list
// already keeps to one world (submittedWorld), so they say nothing more.
func byStatus(lq *api.ListQuery) {
	var kept []api.Filter
	for _, f := range lq.Filters {
		if f.Path == "IsSubmitted" && len(f.Alts) == 1 && !f.Alts[0].Negate && f.Alts[0].Op == "=" {
			if _, err := strconv.ParseBool(f.Alts[0].Value); err == nil {
				continue
			}
		}
		kept = append(kept, f)
	}
	lq.Filters = kept
}

// anyWorld matches orders of both worlds (a user's orders when it moves).
var anyWorld = api.AnyOf(fieldSubmitted, []string{"submitted", "unsubmitted"})

func canonicalStatus(v string) string {
	for _, s := range []string{commerce.Unsubmitted, commerce.AwaitingApproval, commerce.Declined, commerce.Open,
		commerce.Completed, commerce.Canceled} {
		if strings.EqualFold(s, v) {
			return s
		}
	}
	return ""
}

// listLinesAcrossOrders serves LineItems.ListAcrossOrders: the line items of
// the orders the caller sees from the direction, each with its OrderID and
// Order. Filters prefixed "Order." apply to the orders (as do buyerID,
// supplierID, from and to), the others to the lines; a sort must start with
// an order field (LineItem.MustSortByOrderFirst). It walks the matching
// orders' index rows in the order sort, counting their lines (LineItemCount)
// to find the page, and reads the lines of the orders on the page only —
// unless line filters are given, which read the lines of every matching
// order.
func (s *Service) listLinesAcrossOrders(c *resource.Ctx) (any, error) {
	d, err := dir(c)
	if err != nil {
		return nil, err
	}
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, extendedLineItemModel))
	if aerr != nil {
		return nil, aerr
	}
	orderQ := api.ListQuery{Page: 1, PageSize: math.MaxInt32, SearchType: lq.SearchType}
	lineQ := api.ListQuery{Page: lq.Page, PageSize: lq.PageSize, SearchType: lq.SearchType, SearchOn: lq.SearchOn, Search: lq.Search}
	for _, f := range lq.Filters {
		if rest, ok := strings.CutPrefix(f.Path, "Order."); ok {
			f.Path = rest
			orderQ.Filters = append(orderQ.Filters, f)
		} else {
			lineQ.Filters = append(lineQ.Filters, f)
		}
	}
	for i, k := range lq.SortBy {
		rest, ok := strings.CutPrefix(k.Path, "Order.")
		if i == 0 && !ok {
			return nil, api.E(http.StatusBadRequest, "LineItem.MustSortByOrderFirst", nil)
		}
		if ok {
			orderQ.SortBy = append(orderQ.SortBy, api.SortKey{Path: rest, Desc: k.Desc})
		} else {
			lineQ.SortBy = append(lineQ.SortBy, k)
		}
	}
	for _, p := range lq.SearchOn {
		if strings.HasPrefix(p, "Order.") && lq.Search != "" {
			return nil, api.E(http.StatusBadRequest, "LineItem.CannotSearchByOrderOrLineItem", nil)
		}
	}
	filters, none := perspective(c, d)
	if b := c.Query("buyerID"); b != "" {
		filters = append(filters, api.EqualFilter(orderSpec, "FromCompanyID", b))
	}
	if sup := c.Query("supplierID"); sup != "" {
		filters = append(filters, api.EqualFilter(orderSpec, "ToCompanyID", sup))
	}
	if none {
		meta, _, _ := lq.PageOf(0)
		return api.NewPage(extendedLineItemModel, nil, meta), nil
	}
	world, err := submittedWorld(orderQ) // refuses a mix of worlds
	if err != nil {
		return nil, err
	}
	byStatus(&orderQ)
	orderQ.Filters = append(append(orderQ.Filters, filters...), dateRange(c)...)
	if world.Path != "" {
		orderQ.Filters = append(orderQ.Filters, world)
	}
	orders, ok, err := c.Reg.MatchingRows(c, s.Orders, nil, orderQ)
	if err != nil {
		return nil, err
	}
	if !ok {
		if orders, err = c.Reg.Matching(c, s.Orders, nil, orderQ.Filters...); err != nil {
			return nil, err
		}
		ordered, _ := orderQ.Apply(orders)
		orders = ordered
	}
	orders = slices.DeleteFunc(orders, func(o api.Doc) bool { return !canSee(c, d, o) })
	lineFiltered := len(lineQ.Filters) > 0 || lineQ.Search != "" || len(lineQ.SortBy) > 0
	meta, start, end := lineQ.PageOf(0)
	var page []api.Doc
	if !lineFiltered {
		total := 0
		for _, o := range orders {
			total += api.Int(o["LineItemCount"])
		}
		meta, start, end = lineQ.PageOf(total)
		at := 0
		for _, o := range orders {
			n := api.Int(o["LineItemCount"])
			if at+n > start && at < end && n > 0 {
				lines, err := s.lines(c, api.Str(o, "ID"))
				if err != nil {
					return nil, err
				}
				for i, l := range lines {
					if at+i >= start && at+i < end {
						l["OrderID"] = o["ID"]
						page = append(page, l)
					}
				}
			}
			at += n
			if at >= end {
				break
			}
		}
	} else {
		// Line filters: every matching order's lines, filtered in order
		// sort, then the lines' own sort within one order's.
		var all []api.Doc
		for _, o := range orders {
			lines, err := s.lines(c, api.Str(o, "ID"))
			if err != nil {
				return nil, err
			}
			for _, l := range lines {
				l["OrderID"] = o["ID"]
			}
			q := lineQ
			q.Page, q.PageSize = 1, math.MaxInt32
			matched, _ := q.Apply(lines)
			all = append(all, matched...)
		}
		meta, start, end = lineQ.PageOf(len(all))
		if start < end {
			page = all[start:end]
		}
	}
	// Each line carries its order: read the page's orders in full.
	byID := map[string]api.Doc{}
	for _, l := range page {
		oid := api.Str(l, "OrderID")
		if oid == "" {
			continue
		}
		if _, ok := byID[oid]; !ok {
			e, err := c.Reg.Load(c, s.Orders, nil, oid)
			if err != nil {
				return nil, err
			}
			byID[oid] = e.Doc
		}
	}
	for _, l := range page {
		l["Order"] = byID[api.Str(l, "OrderID")]
	}
	return api.NewPage(extendedLineItemModel, page, meta), nil
}
