package api

import "testing"

// An enum field (Order.Status) is text: its equality filters have keys.
func TestEnumFiltersHaveKeys(t *testing.T) {
	keys, ok := FilterEqualKeys(Cond{Op: "=", Value: "Open"}, "OrderStatus")
	if !ok || len(keys) != 1 || keys[0] != "s:open" {
		t.Errorf("keys %v ok %v", keys, ok)
	}
}
