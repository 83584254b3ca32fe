package api

import (
	"net/url"
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
