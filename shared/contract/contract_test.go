package contract

import "testing"

func TestContractLoads(t *testing.T) {
	if n := len(Operations()); n < 600 {
		t.Fatalf("%d operations", n)
	}
	p := ModelByName("Product")
	name, ok := p.Field("name")
	if !ok || !name.Required || name.MaxLength != 100 || name.Searchable == 0 {
		t.Fatalf("%+v", name)
	}
	// Supplemented array fields sit before xp.
	ps := ModelByName("PriceSchedule")
	if f, ok := ps.Field("PriceBreaks"); !ok || !f.IsArray() || f.BaseType() != "PriceBreak" {
		t.Fatalf("%+v", f)
	}
	if ps.Fields[len(ps.Fields)-1].Name != "xp" {
		t.Fatal("xp must stay last")
	}
	if f, _ := ModelByName("SecurityProfile").Field("Roles"); len(f.Values) == 0 {
		t.Fatal("Roles should carry the ApiRole enum")
	}
	if pp := ModelByName("PartialProduct"); len(pp.Fields) != len(p.Fields) {
		t.Fatal("partial models inherit their base's fields")
	}
	if m, ok := ErrorMessage("Inventory.Insufficient"); !ok || m == "" {
		t.Fatal("error codes")
	}
	if op, ok := Op("Me.Get"); !ok || op.Roles == nil || len(op.Roles) != 0 {
		t.Fatalf("Me.Get roles: %#v", op.Roles)
	}
}
