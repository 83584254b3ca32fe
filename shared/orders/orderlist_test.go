package orders_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Order lists are served from the orders' indexes (sharded partitions,
// equality partitions per buyer, user pair, seller and status, a date
// sort). Each list here is answered by the API and by filtering every
// order's document in the test with the caller's perspective; they must
// agree on the items, their order and the meta.
func TestOrderListsMatchFilteringEveryOrder(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	apptest.BuyerUser(t, e, s.Admin, "b1", "u2", "shopper-two")
	reader := "order-reader"
	apptest.BuyerUser(t, e, s.Admin, "b1", "u4", reader)
	apptest.Profile(t, e, s.Admin, "reader", "Shopper", "OrderReader")
	apptest.AssignProfile(t, e, s.Admin, "reader", map[string]any{"BuyerID": "b1", "UserID": "u4"})
	s.OtherBuyer(t, "b2", "u3", "shopper-three")
	tokens := map[string]string{"u1": s.Token, "u2": s.Login("shopper-two", "Shopper", "MeAdmin"),
		"u3": s.Login("shopper-three", "Shopper", "MeAdmin"), "u4": s.Login(reader, "Shopper", "OrderReader")}
	users := []string{"u1", "u2", "u3", "u1"}
	channels := []string{"web", "phone", "Web"}
	var created []string
	for i := range 30 {
		u := users[i%len(users)]
		body := map[string]any{"ID": fmt.Sprintf("o%02d", i), "Comments": fmt.Sprintf("order %d for %s", i, []string{"office", "garden", "kitchen"}[i%3]),
			"xp": map[string]any{"channel": channels[i%3], "n": i % 4}}
		r := apptest.Must(t, e, "POST", apptest.Outgoing, tokens[u], body, 201)
		created = append(created, r.S("DateCreated"))
		if i%5 == 0 && u == "u1" {
			s.AddLine(t, s.Token, r.S("ID"), "p1", 1)
			apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+r.S("ID")+"/submit", s.Token, nil))
		}
	}
	apptest.Must(t, e, "PATCH", apptest.Outgoing+"/o03", tokens["u1"], map[string]any{"xp": map[string]any{"channel": "phone"}}, 200)
	apptest.Must(t, e, "DELETE", apptest.Outgoing+"/o07", tokens["u1"], nil, 204)

	var docs []api.Doc
	for i := range 30 {
		r := e.Do("GET", fmt.Sprintf("/v1/orders/Incoming/o%02d", i), s.Admin, nil)
		if r.Status != 200 {
			continue
		}
		var d api.Doc
		dec := json.NewDecoder(strings.NewReader(r.Raw))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	from, to := created[8], created[21]
	listOp, _ := contract.Op("Orders.List")
	spec := resource.ListSpec(listOp, contract.ModelByName("Order"))
	queries := []string{"", "pageSize=5&page=2", "sortBy=!ID", "sortBy=!DateCreated", "sortBy=DateCreated&pageSize=4&page=3",
		"Status=Open", "Status=Unsubmitted&pageSize=3", "xp.channel=web", "xp.n=2", "xp.channel=web&Status=Unsubmitted",
		"search=garden", "search=kitchen&sortBy=!DateCreated", "sortBy=LastUpdated", "ID=>o15&sortBy=ID",
		"from=" + url.QueryEscape(from), "to=" + url.QueryEscape(to), "from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to) + "&sortBy=!DateCreated",
		"from=" + url.QueryEscape(from) + "&Status=Unsubmitted", "DateCreated=>" + url.QueryEscape(from) + "&sortBy=DateCreated",
		"IsSubmitted=false", "IsSubmitted=false&sortBy=!DateCreated&pageSize=4&page=2", "IsSubmitted=false&xp.channel=web",
		"Status=Unsubmitted&search=garden", "IsSubmitted=true&Status=Open",
		"IsSubmitted=false&from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to) + "&pageSize=3&page=2",
		"IsSubmitted=false&from=" + url.QueryEscape(from) + "&sortBy=!ID", "to=" + url.QueryEscape(to) + "&sortBy=DateCreated&pageSize=2&page=2",
		"IsSubmitted=false&to=" + url.QueryEscape(to) + "&sortBy=!DateCreated&pageSize=4&page=3", "IsSubmitted=false&sortBy=DateCreated&pageSize=5&page=2",
		"IsSubmitted=false&from=" + url.QueryEscape(created[29]) + "&to=" + url.QueryEscape(created[0])}
	type view struct {
		who, path string
		sees      func(d api.Doc) bool
	}
	views := []view{
		{"admin", "/v1/orders/Incoming", func(api.Doc) bool { return true }},
		{"admin", "/v1/orders/Incoming?buyerID=b1", func(d api.Doc) bool { return api.Str(d, "FromCompanyID") == "b1" }},
		{"admin", "/v1/orders/Outgoing", func(api.Doc) bool { return false }},
		{"u4", "/v1/orders/Outgoing", func(d api.Doc) bool { return api.Str(d, "FromCompanyID") == "b1" }},
		{"u4", "/v1/orders/All", func(d api.Doc) bool { return api.Str(d, "FromCompanyID") == "b1" }},
		{"u4", "/v1/orders/Incoming", func(api.Doc) bool { return false }},
		{"u1", "/v1/me/orders", func(d api.Doc) bool { return api.Str(d, "FromUserID") == "u1" && api.Str(d, "FromCompanyID") == "b1" }},
		{"u2", "/v1/me/orders", func(d api.Doc) bool { return api.Str(d, "FromUserID") == "u2" && api.Str(d, "FromCompanyID") == "b1" }},
		{"u3", "/v1/me/orders", func(d api.Doc) bool { return api.Str(d, "FromUserID") == "u3" && api.Str(d, "FromCompanyID") == "b2" }},
	}
	for _, v := range views {
		token := s.Admin
		if v.who != "admin" {
			token = tokens[v.who]
		}
		for _, q := range queries {
			path, base, _ := strings.Cut(v.path, "?")
			vals, _ := url.ParseQuery(q)
			lq, aerr := api.ParseList(vals, spec)
			if aerr != nil {
				t.Fatalf("%s: %v", q, aerr)
			}
			var seen []api.Doc
			for _, d := range docs {
				if v.sees(d) && inRange(d, vals.Get("from"), vals.Get("to")) && inWorld(d, vals) {
					seen = append(seen, d)
				}
			}
			want, meta := lq.Apply(seen)
			extra, _ := url.ParseQuery(base)
			for k, vs := range extra {
				vals[k] = vs
			}
			r := apptest.Must(t, e, "GET", path+"?"+vals.Encode(), token, nil, 200)
			var wantIDs []string
			for _, d := range want {
				wantIDs = append(wantIDs, api.Str(d, "ID"))
			}
			if got := apptest.IDs(r); !slices.Equal(got, wantIDs) {
				t.Errorf("%s %s?%s:\n got %v\nwant %v", v.who, v.path, q, got, wantIDs)
			}
			if r.S("Meta.TotalCount") != fmt.Sprint(meta.TotalCount) || r.S("Meta.ItemRange.1") != fmt.Sprint(meta.ItemRange[1]) {
				t.Errorf("%s %s?%s: meta %v, want %+v", v.who, v.path, q, r.Get("Meta"), meta)
			}
		}
	}
}

// inWorld applies OrderCloud's two worlds of order lists: submitted orders
// (Open, Completed, Canceled) unless the query asks for unsubmitted ones
// (IsSubmitted=false, Status=Unsubmitted|AwaitingApproval|Declined).
func inWorld(d api.Doc, q url.Values) bool {
	unsubmitted := strings.EqualFold(q.Get("IsSubmitted"), "false")
	for _, st := range strings.Split(q.Get("Status"), "|") {
		unsubmitted = unsubmitted || st == "Unsubmitted" || st == "AwaitingApproval" || st == "Declined"
	}
	status := api.Str(d, "Status")
	submitted := status == "Open" || status == "Completed" || status == "Canceled"
	if q.Get("Status") != "" {
		return true // the Status filter itself keeps to one world
	}
	return submitted != unsubmitted
}

// inRange applies the from and to parameters as the API documents them.
func inRange(d api.Doc, from, to string) bool {
	created := api.Time(d["DateCreated"])
	if f := api.Time(from); f != nil && created.Before(*f) {
		return false
	}
	if t := api.Time(to); t != nil && created.After(*t) {
		return false
	}
	return true
}

// An order's line items and the lists of a buyer's orders read their page.
func TestOrderListsReadTheirPage(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	var last string
	for range 25 {
		last = s.NewOrder(t, s.Token)
	}
	for range 15 {
		s.AddLine(t, s.Token, last, "p1", 1)
	}
	for _, path := range []string{"/v1/orders/Incoming?IsSubmitted=false", "/v1/orders/Incoming?IsSubmitted=false&page=2", "/v1/me/orders?IsSubmitted=false",
		"/v1/orders/Incoming?buyerID=b1&IsSubmitted=false", "/v1/orders/Incoming?sortBy=!DateCreated&IsSubmitted=false", apptest.Outgoing + "/" + last + "/lineitems"} {
		token := s.Token
		if strings.Contains(path, "Incoming") {
			token = s.Admin
		}
		e.Store.Calls.Reset()
		r := apptest.Must(t, e, "GET", path+sepFor(path)+"pageSize=10", token, nil, 200)
		if len(apptest.IDs(r)) == 0 {
			t.Fatalf("%s: no items", path)
		}
		// The page's documents, and the caller's order for the line items.
		if docs := e.Store.Calls.Docs(); docs > 12 {
			t.Errorf("%s: read %d documents for a page of 10", path, docs)
		}
	}
}

// sepFor is what joins another query parameter to path.
func sepFor(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// A date range (or a date sort) within one party's orders reads that
// party's orders in the range, not every order created in it: here 30
// orders of another buyer sit in the range, and the buyer user's list
// reads its 3 orders' keys and documents.
func TestOrderDateRangesReadTheirParty(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e := s.E
	s.OtherBuyer(t, "b2", "u3", "shopper-three")
	other := s.Login("shopper-three", "Shopper", "MeAdmin")
	apptest.BuyerUser(t, e, s.Admin, "b1", "u4", "order-reader")
	apptest.Profile(t, e, s.Admin, "reader", "Shopper", "OrderReader")
	apptest.AssignProfile(t, e, s.Admin, "reader", map[string]any{"BuyerID": "b1", "UserID": "u4"})
	reader := s.Login("order-reader", "Shopper", "OrderReader")
	for range 27 {
		s.NewOrder(t, s.Token)
	}
	var from string
	var mine []string
	for i := range 33 {
		token := other
		if i%11 == 0 {
			token = s.Token
		}
		r := apptest.Must(t, e, "POST", apptest.Outgoing, token, map[string]any{}, 201)
		if from == "" {
			from = r.S("DateCreated")
		}
		if token == s.Token {
			mine = append(mine, r.S("ID"))
		}
	}
	slices.Sort(mine)
	for path, token := range map[string]string{"/v1/me/orders": s.Token, apptest.Outgoing: reader} {
		for _, q := range []string{"from=" + url.QueryEscape(from), "from=" + url.QueryEscape(from) + "&sortBy=!DateCreated"} {
			e.Store.Calls.Reset()
			r := apptest.Must(t, e, "GET", path+"?IsSubmitted=false&"+q, token, nil, 200)
			got := apptest.IDs(r)
			if strings.Contains(q, "sortBy") {
				slices.Sort(got)
			}
			if !slices.Equal(got, mine) || r.S("Meta.TotalCount") != "3" {
				t.Errorf("%s?%s: %v (TotalCount %s), want %v", path, q, got, r.S("Meta.TotalCount"), mine)
			}
			// Tallies (16 shards' worth), the party's keys in the range and
			// the page's 3 documents; the rows of the 33 orders created in
			// the range are not read (52 items when they were).
			if items, docs := e.Store.Calls.Items(), e.Store.Calls.Docs(); docs > 5 || items > 30 {
				t.Errorf("%s?%s: read %d items, %d of them documents", path, q, items, docs)
			}
		}
	}
}
