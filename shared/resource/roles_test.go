package resource

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

func TestRolesFor(t *testing.T) {
	cases := map[string][]string{
		"Products.Create":         {"FullAccess", "ProductAdmin"},                      // roles2018
		"ApiClients.List":         {"ApiClientAdmin", "ApiClientReader", "FullAccess"}, // by name
		"ApiClients.Delete":       {"ApiClientAdmin", "FullAccess"},
		"SecurityProfiles.Create": {"FullAccess", "SecurityProfileAdmin"},
		"Categories.List":         {"CategoryAdmin", "CategoryReader", "FullAccess"},
		"AdminAddresses.Get":      {"AdminAddressAdmin", "AdminAddressReader", "FullAccess"},
		"Users.Get":               {"BuyerUserAdmin", "BuyerUserReader", "FullAccess"},
		"XpIndices.Put":           {"FullAccess", "XpIndexAdmin"},
		"BundleLineItems.Create":  {"FullAccess", "OrderAdmin", "Shopper"}, // as line items
	}
	for id, want := range cases {
		op, ok := contract.Op(id)
		if !ok {
			t.Errorf("no op %s", id)
			continue
		}
		got := slices.Clone(RolesFor(op))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
	if me, _ := contract.Op("Me.Get"); RolesFor(me) != nil {
		t.Error("Me.Get allows any signed-in caller")
	}
	// Every operation ends up with at least one role besides FullAccess or
	// is open to any caller; none is left to FullAccess alone by accident.
	alone := 0
	for _, op := range contract.Operations() {
		if r := RolesFor(op); r != nil && len(r) == 1 {
			alone++
		}
	}
	t.Logf("%d operations allow FullAccess only", alone)
}
