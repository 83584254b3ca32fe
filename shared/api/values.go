package api

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Readers of stored docs: a missing or wrongly typed value reads as the
// zero value, since docs are validated on write.

// Str is a string field of d ("" when absent).
func Str(d Doc, k string) string { s, _ := d[k].(string); return s }

// Int reads a whole number (0 when absent).
func Int(v any) int {
	if n, ok := v.(json.Number); ok {
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}

// Dec reads an exact decimal (0 when absent).
func Dec(v any) decimal.Decimal {
	if n, ok := v.(json.Number); ok {
		if d, err := decimal.NewFromString(n.String()); err == nil {
			return d
		}
	}
	return decimal.Zero
}

// DecPtr reads a decimal that may be null.
func DecPtr(v any) *decimal.Decimal {
	if v == nil {
		return nil
	}
	d := Dec(v)
	return &d
}

// Money renders an exact decimal as a JSON number.
func Money(d decimal.Decimal) json.Number { return json.Number(d.String()) }

// Time reads a date (nil when absent or not a date).
func Time(v any) *time.Time {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

// BoolPtr reads a flag that may be null.
func BoolPtr(v any) *bool {
	b, ok := v.(bool)
	if !ok {
		return nil
	}
	return &b
}

// Strings reads a list of strings.
func Strings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Maps reads a list of objects.
func Maps(v any) []map[string]any {
	arr, _ := v.([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// List renders strings as a JSON list.
func List(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// SortedKeys lists a set's members in order.
func SortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
