package api

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// The fuzz targets below hold what every caller-facing parser promises:
// whatever arrives, no panic, and a refusal is an *Error with status 400.
// `go test` runs their seeds; explore with e.g.
//
//	go test ./shared/api -run '^$' -fuzz FuzzParseList -fuzztime 60s

var fuzzModels = []string{"User", "Product", "Order", "Buyer", "SecurityProfile", "LineItem"}

func fuzzModel(i uint8) *contract.Model {
	return contract.ModelByName(fuzzModels[int(i)%len(fuzzModels)])
}

func want400(t *testing.T, err *Error, prefixes ...string) {
	t.Helper()
	if err == nil {
		return
	}
	if err.Status != 400 {
		t.Fatalf("status %d: %+v", err.Status, err)
	}
	for _, p := range prefixes {
		if strings.HasPrefix(err.Code, p) {
			return
		}
	}
	if len(prefixes) > 0 {
		t.Fatalf("code %q is none of %v", err.Code, prefixes)
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{
		"", "page=9223372036854775807", "page=2&pageSize=3", "page=-9223372036854775808&pageSize=1",
		"ID=a|b|!c*&xp.Age=>26", "sortBy=!LastName,ID&search=john&searchOn=FirstName&searchType=ExactPhrase",
		"depth=all&catalogID=c1", "DateCreated=<=2015-03-01", "xp.a.b.c=*", "Active=maybe", "page=1e9",
		"ID=" + strings.Repeat("x|", 200), "%zz=1", "a=%00", "xp.=1", ".=1", "ID=<", "Inventory.QuantityAvailable=>5",
	} {
		f.Add(s, uint8(0))
	}
	docs := []Doc{
		{"ID": "u1", "FirstName": "John", "Active": true, "xp": map[string]any{"Age": Num(30)}},
		{"ID": "u2", "FirstName": nil, "xp": nil, "Inventory": map[string]any{"QuantityAvailable": Num(7)}},
	}
	f.Fuzz(func(t *testing.T, query string, model uint8) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return // net/http hands handlers what it could parse; so do we
		}
		lq, aerr := ParseList(q, ListSpec{Model: fuzzModel(model)})
		want400(t, aerr, "List.", "Search.")
		if aerr == nil {
			lq.Apply(docs)
		}
	})
}

func FuzzReadBody(f *testing.F) {
	for _, s := range []string{
		`{"ID":"a","Name":"n","Active":true}`, `{"ID":"a|b"}`, `{"ID":"SO-{orders}"}`, `{"xp":{"a":[1,2,{"b":null}]}}`,
		`{"PriceBreaks":[{"Quantity":1,"Price":1.5}]}`, `{"Quantity":99999999999999999999}`, `{"DateCreated":"nope"}`,
		`{"Roles":["FullAccess","Nope"]}`, `{"Inventory":{"Enabled":"yes"}}`, `[]`, `null`, `{`, "", `{"a":1}{}`,
		`{"DefaultCatalogID":"` + strings.Repeat("x", 3000) + `"}`, "\xff", `{"Name":"\u0000"}`,
	} {
		f.Add([]byte(s), uint8(0), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, model uint8, partial bool) {
		d, err := ReadBody(strings.NewReader(string(body)))
		want400(t, err, "Request.InvalidRequestBody")
		if err != nil {
			return
		}
		_, err = Clean(fuzzModel(model), d, partial)
		want400(t, err, "Request.InvalidRequestBody", "ValidationFailure")
	})
}

var fuzzIDChars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func FuzzCheckID(f *testing.F) {
	for _, s := range []string{"a", "a|b", "#", " ", "\x00", "é", strings.Repeat("a", 1500), "SO-{inc}", "{", "}{"} {
		f.Add(s, 0, true)
	}
	f.Fuzz(func(t *testing.T, id string, maxLen int, placeholders bool) {
		err := CheckID("ID", id, maxLen, placeholders)
		want400(t, err, "ValidationFailure")
		if err != nil || placeholders {
			return
		}
		if !fuzzIDChars.MatchString(id) || (maxLen > 0 && len(id) > maxLen) || len(id) > max(maxLen, MaxIDLength) {
			t.Fatalf("accepted %q (maxLen %d)", id, maxLen)
		}
	})
}
