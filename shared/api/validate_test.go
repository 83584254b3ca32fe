package api

import (
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

func TestCheckID(t *testing.T) {
	cases := []struct {
		id           string
		maxLen       int
		placeholders bool
		ok           bool
	}{
		{"abc-DEF_123", 0, false, true},
		{strings.Repeat("a", MaxIDLength), 0, false, true},
		{strings.Repeat("a", MaxIDLength+1), 0, false, false},
		{strings.Repeat("a", 1500), 0, false, false},
		{strings.Repeat("a", 50), 40, false, false},
		{"a|b", 0, false, false},
		{"#", 0, false, false},
		{"a b", 0, false, false},
		{"a\x00b", 0, false, false},
		{"é", 0, false, false},
		{"a.b", 0, false, false},
		{"a/b", 0, false, false},
		{"", 0, false, false},
		{"SO-{orders}", 0, true, true},
		{"SO-{orders}", 0, false, false},
		{"{}", 0, true, false},
	}
	for _, c := range cases {
		err := CheckID("ID", c.id, c.maxLen, c.placeholders)
		if (err == nil) != c.ok {
			t.Errorf("CheckID(%.20q, %d, %v) = %v, want ok=%v", c.id, c.maxLen, c.placeholders, err, c.ok)
		}
		if err != nil && (err.Status != 400 || err.Code != "ValidationFailure" || err.Data.(map[string]any)["Property"] != "ID") {
			t.Errorf("%.20q: %+v", c.id, err)
		}
	}
}

// Strings the contract gives no maxLength are bounded too: references to
// IDs by the ID length, the rest by DefaultMaxLength.
func TestDefaultStringBounds(t *testing.T) {
	buyer := contract.ModelByName("Buyer")
	user := contract.ModelByName("User")
	cases := []struct {
		m        *contract.Model
		field    string
		n        int
		property string // "" means accepted
	}{
		{buyer, "DefaultCatalogID", MaxIDLength, ""},
		{buyer, "DefaultCatalogID", MaxIDLength + 1, "DefaultCatalogID"},
		{buyer, "DefaultCatalogID", 600 << 10, "DefaultCatalogID"},
		{buyer, "ID", MaxIDLength + 1, "ID"},
		{buyer, "Name", 100, ""}, // the contract's maxLength
		{buyer, "Name", 101, "Name"},
		{user, "Username", DefaultMaxLength, ""},
		{user, "Username", DefaultMaxLength + 1, "Username"},
		{contract.ModelByName("Order"), "ShippingAddressID", 600 << 10, "ShippingAddressID"},
	}
	for _, c := range cases {
		_, err := Clean(c.m, Doc{c.field: strings.Repeat("a", c.n)}, true)
		switch {
		case c.property == "" && err != nil:
			t.Errorf("%s.%s of %d: refused: %v", c.m.Name, c.field, c.n, err)
		case c.property != "" && (err == nil || err.Code != "ValidationFailure" || err.Data.(map[string]any)["Property"] != c.property):
			t.Errorf("%s.%s of %d: got %v, want ValidationFailure on %s", c.m.Name, c.field, c.n, err, c.property)
		}
	}
	// Characters, not bytes: 2,000 two-byte characters fit.
	if _, err := Clean(user, Doc{"Username": strings.Repeat("é", DefaultMaxLength)}, true); err != nil {
		t.Errorf("2,000 characters: %v", err)
	}
	// Elements of a string list are bounded one by one.
	if _, err := Clean(contract.ModelByName("SecurityProfile"), Doc{"CustomRoles": []any{strings.Repeat("r", DefaultMaxLength+1)}}, true); err == nil {
		t.Error("an over-long list element is refused")
	}
}

func TestIDMaxLength(t *testing.T) {
	if n := IDMaxLength(nil); n != MaxIDLength {
		t.Errorf("no model: %d", n)
	}
	m := contract.Rebuild(&contract.Model{Name: "X", Fields: []contract.Field{{Name: "ID", Type: "string", MaxLength: 50}}})
	if n := IDMaxLength(m); n != 50 {
		t.Errorf("the contract's maxLength: %d", n)
	}
}
