package commerce

import "testing"

func TestPartyReachedBy(t *testing.T) {
	p := Party{BuyerID: "b", UserID: "u", Groups: []string{"g1", "g2"}}
	cases := []struct {
		group, user string
		want        bool
	}{
		{"", "", true},      // company level
		{"g2", "", true},    // one of the user's groups
		{"g3", "", false},   // another group
		{"", "u", true},     // the user
		{"", "u2", false},   // another user
		{"g1", "u2", false}, // a user wins over a group (never both in practice)
	}
	for _, c := range cases {
		if got := p.ReachedBy(c.group, c.user); got != c.want {
			t.Errorf("ReachedBy(%q, %q) = %v, want %v", c.group, c.user, got, c.want)
		}
	}
}

func TestAddressUseAdd(t *testing.T) {
	var u AddressUse
	u = u.Add(true, false).Add(false, false)
	if u != (AddressUse{Shipping: true}) {
		t.Fatalf("got %+v", u)
	}
	if u = u.Add(false, true); u != (AddressUse{Shipping: true, Billing: true}) {
		t.Fatalf("got %+v", u)
	}
}
