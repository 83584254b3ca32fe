package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Index keys of list values. A collection's list indexes (resource
// listing) store each entity under keys derived from its field values;
// a list filter finds its entities by deriving the same keys from the
// filter's value. The functions here are the one definition of both sides,
// kept beside Matches and compareValues so that an indexed list answers
// exactly what filtering every document would.

// maxKeyText bounds the text of a value kept in a key; longer values are
// keyed by their hash (equality stays exact, the order of a sort key is
// that of the first maxKeyText bytes).
const maxKeyText = 200

// EqualKeys are the equality keys of a stored value: one per scalar (each
// element of a list), typed so that a filter finds exactly the values
// equalValue accepts. Objects and nulls have none.
func EqualKeys(v any) []string {
	if arr, ok := v.([]any); ok {
		var out []string
		for _, e := range arr {
			for _, k := range scalarKeys(e) {
				if !contains(out, k) {
					out = append(out, k)
				}
			}
		}
		return out
	}
	return scalarKeys(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func scalarKeys(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{textKey(x)}
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			return nil
		}
		return []string{numberKey(f)}
	case bool:
		return []string{"b:" + strconv.FormatBool(x)}
	}
	return nil
}

func textKey(s string) string {
	s = strings.ToLower(s)
	if len(s) > maxKeyText {
		sum := sha256.Sum256([]byte(s))
		return "h:" + hex.EncodeToString(sum[:16])
	}
	return "s:" + s
}

func numberKey(f float64) string {
	if f == 0 {
		f = 0 // -0 equals 0
	}
	return "n:" + strconv.FormatFloat(f, 'g', -1, 64)
}

// FilterEqualKeys are the keys whose entities a filter alternative
// "path=value" matches (on a field of contract type typ, "" for xp): the
// union of their entities is exactly the set the alternative matches. ok
// is false when no keys can say it: a negation, a wildcard, a comparison,
// or a value that may match as a date.
func FilterEqualKeys(c Cond, typ string) (keys []string, ok bool) {
	if c.Negate || c.Op != "=" || strings.Contains(c.Value, "*") {
		return nil, false
	}
	if t, isTime := parseTime(c.Value); isTime && len(c.Value) >= 10 && !t.IsZero() {
		// Dates match as instants (2024-01-01 equals 2024-01-01T00:00:00Z).
		return nil, false
	}
	base := strings.TrimSuffix(typ, "?")
	text := base == "" || base == "string" || contract.IsEnum(base) // enums are stored as their names
	if text {
		keys = append(keys, textKey(c.Value))
	}
	if base == "" || base == "int" || base == "decimal" {
		if f, err := strconv.ParseFloat(c.Value, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			keys = append(keys, numberKey(f))
		}
	}
	if base == "" || base == "bool" {
		if b, err := strconv.ParseBool(c.Value); err == nil {
			keys = append(keys, "b:"+strconv.FormatBool(b))
		}
	}
	if !text && base != "int" && base != "decimal" && base != "bool" {
		return nil, false // dates and objects: not keyed
	}
	return keys, true
}

// OrderKey encodes a stored value of a field of contract type typ so that
// byte order of the encodings is the order compareValues gives: null
// first, then numbers numerically, booleans false before true, dates in
// time order, anything else by its lower-cased text. Values of one field
// must share a type for the order to hold (contract fields do); the text
// of long values is cut to maxKeyText bytes.
func OrderKey(v any, typ string) string {
	switch x := v.(type) {
	case string:
		if strings.TrimSuffix(typ, "?") == "DateTimeOffset" {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return "1" + canonicalTime(t)
			}
		}
	case nil:
		return "0"
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			return "1" + cut(strings.ToLower(x.String()))
		}
		return "1" + sortableFloat(f)
	case bool:
		if x {
			return "11"
		}
		return "10"
	}
	return "1" + cut(strings.ToLower(text(v)))
}

func cut(s string) string {
	if len(s) <= maxKeyText {
		return s
	}
	s = s[:maxKeyText]
	// Never end inside a UTF-8 sequence.
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}

// sortableFloat is 16 hex digits whose byte order is the numeric order.
func sortableFloat(f float64) string {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		b = ^b
	} else {
		b |= 1 << 63
	}
	return fmt.Sprintf("%016x", b)
}

// OrderKeyCut reports whether OrderKey had to cut the value's text (its
// order among values sharing the kept prefix is then not kept).
func OrderKeyCut(v any) bool {
	switch v.(type) {
	case nil, json.Number, bool:
		return false
	}
	return len(strings.ToLower(text(v))) > maxKeyText
}

// OrderBound encodes a range filter's value for comparison with OrderKey
// encodings of a field of contract type typ; ok is false when the value
// cannot bound that field's keys.
func OrderBound(value, typ string) (string, bool) {
	switch strings.TrimSuffix(typ, "?") {
	case "int", "decimal":
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", false
		}
		return "1" + sortableFloat(f), true
	case "string":
		if _, isTime := parseTime(value); isTime {
			return "", false // compared as instants
		}
		if len(value) > maxKeyText {
			return "", false
		}
		return "1" + strings.ToLower(value), true
	case "DateTimeOffset":
		t, ok := parseTime(value)
		if !ok {
			return "", false
		}
		return "1" + canonicalTime(t), true
	}
	return "", false
}

// canonicalTime is a fixed-width UTC form of t whose byte order is time
// order.
func canonicalTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000z") }
