package api

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

func users(t *testing.T) []Doc {
	t.Helper()
	var out []Doc
	for _, s := range []string{
		`{"ID":"u1","FirstName":"John","LastName":"Smith","Active":true,"DateCreated":"2015-03-01T00:00:00Z","xp":{"MoreInfo":{"TeamName":"Tigers"},"Age":30}}`,
		`{"ID":"u2","FirstName":"Johnny","LastName":"McSmooth","Active":false,"DateCreated":"2014-03-01T00:00:00Z","xp":{"MoreInfo":{"TeamName":"Lions"},"Age":25}}`,
		`{"ID":"u3","FirstName":"Johnny","LastName":"Jones","Active":true,"DateCreated":"2016-03-01T00:00:00Z","xp":{"Billed":true}}`,
		`{"ID":"u4","FirstName":"John","LastName":"Johnson","Active":true,"DateCreated":"2017-03-01T00:00:00Z","xp":null}`,
	} {
		d, err := DecodeDoc([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func ids(docs []Doc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d["ID"].(string))
	}
	return out
}

func run(t *testing.T, qs string) ([]string, Meta) {
	t.Helper()
	q, _ := url.ParseQuery(qs)
	lq, err := ParseList(q, ListSpec{Model: contract.ModelByName("User")})
	if err != nil {
		t.Fatalf("%s: %v", qs, err)
	}
	docs, meta := lq.Apply(users(t))
	return ids(docs), meta
}

func TestFilters(t *testing.T) {
	cases := map[string][]string{
		"":                                    {"u1", "u2", "u3", "u4"},
		"LastName=*Smith&FirstName=John*":     {"u1"},
		"LastName=*Sm*":                       {"u1", "u2"},
		"LastName=Smith|Jo*&FirstName=Johnny": {"u3"},
		"LastName=!Smith&LastName=!Jones":     {"u2", "u4"},
		"DateCreated=>2015-01-01":             {"u1", "u3", "u4"},
		"DateCreated=<=2015-03-01":            {"u1", "u2"},
		"ID=!<u2&ID=!>u3":                     {"u2", "u3"},
		"xp.MoreInfo.TeamName=Tigers":         {"u1"},
		"xp.Billed=!*":                        {"u1", "u2", "u4"},
		"xp.Age=>26":                          {"u1"},
		"Active=false":                        {"u2"},
		"lastname=smith":                      {"u1"},
	}
	for qs, want := range cases {
		got, _ := run(t, qs)
		if len(got) != len(want) {
			t.Errorf("%q: got %v want %v", qs, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: got %v want %v", qs, got, want)
				break
			}
		}
	}
}

func TestSortSearchPaging(t *testing.T) {
	got, _ := run(t, "sortBy=!LastName")
	if want := "u1 u2 u3 u4"; join(got) != "u1 u2 u3 u4" && join(got) != want {
		t.Fatal(got)
	}
	if got, _ := run(t, "sortBy=LastName,!ID"); join(got) != "u4 u3 u2 u1" {
		t.Fatalf("sort: %v", got)
	}
	if got, _ := run(t, "search=johnny&searchOn=FirstName"); join(got) != "u2 u3" {
		t.Fatalf("search: %v", got)
	}
	if got, _ := run(t, "search=smith"); join(got) != "u1" {
		t.Fatalf("default search fields: %v", got)
	}
	got, meta := run(t, "page=2&pageSize=3")
	if join(got) != "u4" || meta.TotalCount != 4 || meta.TotalPages != 2 || meta.ItemRange != [2]int{4, 4} {
		t.Fatalf("paging: %v %+v", got, meta)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestInvalidListParams(t *testing.T) {
	cases := map[string]string{
		"pageSize=101":        "List.InvalidPageSize",
		"pageSize=0":          "List.InvalidPageSize",
		"page=0":              "List.InvalidType",
		"Nope=1":              "List.InvalidProperty",
		"sortBy=Phone":        "List.InvalidSortProperty",
		"searchOn=Phone":      "List.InvalidSearchProperty",
		"Active=maybe":        "List.InvalidType",
		"DateCreated=>notyet": "List.InvalidType",
		"searchType=Fuzzy":    "List.InvalidType",
		"Password=x":          "List.InvalidProperty",
	}
	for qs, code := range cases {
		q, _ := url.ParseQuery(qs)
		_, err := ParseList(q, ListSpec{Model: contract.ModelByName("User")})
		if err == nil || err.Code != code || err.Status != 400 {
			t.Errorf("%q: got %v, want %s", qs, err, code)
		}
	}
}

func TestListBounds(t *testing.T) {
	alts := func(n int) string { return "ID=" + strings.TrimSuffix(strings.Repeat("a|", n), "|") }
	filters := func(n int) string {
		var qs []string
		for i := 0; i < n; i++ {
			qs = append(qs, "xp.f"+strconv.Itoa(i)+"=1")
		}
		return strings.Join(qs, "&")
	}
	cases := []struct {
		name, qs string
		code     string // "" means accepted
	}{
		{"max int page", "page=9223372036854775807", "Search.ResultSetTooLarge"},
		{"page past int64", "page=99999999999999999999999", "Search.ResultSetTooLarge"},
		{"negative page past int64", "page=-99999999999999999999999", "List.InvalidType"},
		{"negative page", "page=-1", "List.InvalidType"},
		{"page not a number", "page=1e3", "List.InvalidType"},
		{"last page within the result set", "page=5000", ""},
		{"first page past the result set", "page=5001", "Search.ResultSetTooLarge"},
		{"last page of 100 within the result set", "page=1000&pageSize=100", ""},
		{"first page of 100 past the result set", "page=1001&pageSize=100", "Search.ResultSetTooLarge"},
		{"uneven page size, last page within", "page=3334&pageSize=30", ""},
		{"uneven page size, first page past", "page=3335&pageSize=30", "Search.ResultSetTooLarge"},
		{"pageSize past int64", "pageSize=99999999999999999999999", "List.InvalidPageSize"},
		{"100 alternatives", alts(100), ""},
		{"101 alternatives", alts(101), "List.InvalidType"},
		{"alternatives counted across filters", alts(60) + "&LastName=" + strings.Repeat("x|", 40) + "x", "List.InvalidType"},
		{"10,000 alternatives", alts(10_000), "List.InvalidType"},
		{"50 filters", filters(50), ""},
		{"51 filters", filters(51), "List.InvalidProperty"},
		{"repeated name counts each value", strings.Repeat("ID=a&", 51), "List.InvalidProperty"},
		{"query at the byte bound", "xp.n=" + strings.Repeat("x", MaxQueryBytes-len("xp.n=")-1), ""},
		{"query past the byte bound", "xp.n=" + strings.Repeat("x", MaxQueryBytes), "List.InvalidType"},
		{"search at its bound", "search=" + strings.Repeat("é", MaxSearchLength), ""},
		{"search past its bound", "search=" + strings.Repeat("é", MaxSearchLength+1), "List.InvalidType"},
		{"depth of another list is ignored", "depth=all", ""},
		{"catalogID of another list is ignored", "catalogID=c1&productID=p1&sellerID=s1", ""},
		{"unknown property still refused", "depthx=all", "List.InvalidProperty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.qs)
			if err != nil {
				t.Fatal(err)
			}
			_, aerr := ParseList(q, ListSpec{Model: contract.ModelByName("User")})
			switch {
			case c.code == "" && aerr != nil:
				t.Errorf("refused: %v", aerr)
			case c.code != "" && (aerr == nil || aerr.Code != c.code || aerr.Status != 400):
				t.Errorf("got %v, want 400 %s", aerr, c.code)
			}
		})
	}
}

func TestResultSetTooLargeNamesLastID(t *testing.T) {
	_, err := ParseList(url.Values{"page": {"9223372036854775807"}}, ListSpec{Model: contract.ModelByName("User")})
	if err == nil || !strings.Contains(err.Message, "sortBy=ID&ID=>{lastID}") || !strings.Contains(err.Message, "LastID") {
		t.Fatalf("message should name the LastID method: %v", err)
	}
}

// A reserved parameter of some list that is a field of the listed model
// stays a filter.
func TestReservedElsewhereButAFieldFilters(t *testing.T) {
	lq, err := ParseList(url.Values{"buyerID": {"b1"}}, ListSpec{Model: contract.ModelByName("SecurityProfileAssignment")})
	if err != nil || len(lq.Filters) != 1 || lq.Filters[0].Path != "BuyerID" {
		t.Fatalf("%+v %v", lq.Filters, err)
	}
}

// Apply is exported: pages ParseList would refuse must not panic there.
func TestApplyAnyPage(t *testing.T) {
	docs := users(t)
	for _, lq := range []ListQuery{
		{Page: math.MaxInt, PageSize: 20},
		{Page: math.MaxInt, PageSize: 100},
		{Page: math.MaxInt/20 + 2, PageSize: 20},
		{Page: math.MinInt, PageSize: 20},
		{Page: 0, PageSize: 0},
		{Page: 2, PageSize: -5},
		{Page: 3, PageSize: math.MaxInt},
	} {
		got, meta := lq.Apply(docs)
		if lq.Page > 1 && len(got) != 0 {
			t.Errorf("%+v: got %d items on a page past the end", lq, len(got))
		}
		if meta.TotalCount != 4 {
			t.Errorf("%+v: %+v", lq, meta)
		}
	}
	got, _ := ListQuery{Page: 0, PageSize: 0}.Apply(docs)
	if len(got) != 4 {
		t.Errorf("page 0 reads as the first page: %v", ids(got))
	}
}
