package api

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// MaxXPBytes is OrderCloud's limit on an entity's xp.
const MaxXPBytes = 8000

// Bounds on written strings where the contract gives none, so that no
// field can carry an entity past what the table holds.
const (
	// MaxIDLength bounds an ID, and any field referencing one (a name
	// ending in "ID"), when the contract gives it no maxLength: OrderCloud's
	// IDs are at most 100 characters.
	MaxIDLength = 100
	// DefaultMaxLength bounds any other string field the contract gives no
	// maxLength, in characters (its longest maxLength on free text is 2,000
	// for descriptions).
	DefaultMaxLength = 2000
)

var (
	idPattern = regexp.MustCompile(`^([A-Za-z0-9_-]|\{[A-Za-z0-9_-]+\})+$`)
	idChars   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// IncrementorPlaceholder matches "{incrementorID}" in a written ID; the
// server replaces each with the incrementor's next number.
var IncrementorPlaceholder = regexp.MustCompile(`\{([A-Za-z0-9_-]+)\}`)

// NewID makes a unique, URL-safe ID like OrderCloud's generated ones.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidID reports whether a writable ID uses only allowed characters
// (letters, digits, - and _, plus "{incrementorID}" placeholders) within
// MaxIDLength.
func ValidID(id string) bool { return len(id) <= MaxIDLength && idPattern.MatchString(id) }

// CheckID applies the one ID rule to an ID a request writes, whether in
// its body or its URL: letters, digits, - and _, at most maxLen characters
// (MaxIDLength when maxLen is 0). placeholders admits "{incrementorID}",
// which a body's ID may carry on create but a URL's may not. The error is
// a ValidationFailure naming property.
func CheckID(property, id string, maxLen int, placeholders bool) *Error {
	if maxLen <= 0 {
		maxLen = MaxIDLength
	}
	if utf8.RuneCountInString(id) > maxLen {
		return Validation(property, fmt.Sprintf("%s cannot be longer than %d characters.", property, maxLen))
	}
	pattern := idChars
	if placeholders {
		pattern = idPattern
	}
	if !pattern.MatchString(id) {
		return Validation(property, property+" can only contain characters Aa-Zz, 0-9, -, and _.")
	}
	return nil
}

// IDMaxLength is the length bound of a model's ID: the contract's
// maxLength for its ID field, else MaxIDLength.
func IDMaxLength(m *contract.Model) int {
	if m != nil {
		if f, ok := m.Field("ID"); ok && f.MaxLength > 0 {
			return f.MaxLength
		}
	}
	return MaxIDLength
}

// maxLength is the bound of a string field: the contract's, else
// MaxIDLength for IDs and references to them, else DefaultMaxLength.
func maxLength(f contract.Field) int {
	switch {
	case f.MaxLength > 0:
		return f.MaxLength
	case strings.HasSuffix(f.Name, "ID"):
		return MaxIDLength
	}
	return DefaultMaxLength
}

// Clean checks a request body against a model and returns only its writable
// fields, converted to canonical form (dates in UTC). With partial (PATCH)
// it does not require required fields. Unknown properties are ignored, as
// OrderCloud does; read-only ones are dropped.
func Clean(m *contract.Model, body Doc, partial bool) (Doc, *Error) {
	return clean(m, body, partial, "")
}

func clean(m *contract.Model, body Doc, partial bool, prefix string) (Doc, *Error) {
	out := Doc{}
	for k, v := range body {
		f, ok := m.Field(k)
		if !ok || f.ReadOnly {
			continue
		}
		cv, err := checkValue(f, v, partial, prefix+f.Name)
		if err != nil {
			return nil, err
		}
		out[f.Name] = cv
	}
	if !partial {
		for _, f := range m.Fields {
			if f.Required && !f.ReadOnly {
				if v, ok := out[f.Name]; !ok || v == nil || v == "" {
					return nil, Validation(prefix+f.Name, prefix+f.Name+" is required.")
				}
			}
		}
	} else {
		for _, f := range m.Fields {
			if v, ok := out[f.Name]; ok && f.Required && (v == nil || v == "") {
				return nil, Validation(prefix+f.Name, prefix+f.Name+" is required.")
			}
		}
	}
	return out, nil
}

func typeErr(path, want string) *Error {
	e := InvalidBody(fmt.Sprintf("%s must be %s.", path, want))
	e.Data = map[string]any{"Property": path}
	return e
}

func checkValue(f contract.Field, v any, partial bool, path string) (any, *Error) {
	if v == nil {
		return nil, nil
	}
	if f.IsArray() {
		arr, ok := v.([]any)
		if !ok {
			return nil, typeErr(path, "a list")
		}
		elem := f
		elem.Type = strings.TrimSuffix(f.Type, "[]")
		out := make([]any, 0, len(arr))
		for i, e := range arr {
			cv, err := checkValue(elem, e, false, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, cv)
		}
		return out, nil
	}
	base := f.BaseType()
	switch base {
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(path, "a string")
		}
		if n := maxLength(f); utf8.RuneCountInString(s) > n {
			return nil, Validation(path, fmt.Sprintf("%s cannot be longer than %d characters.", path, n))
		}
		if f.Name == "ID" && s != "" {
			if err := CheckID(path, s, maxLength(f), true); err != nil {
				return nil, err
			}
		}
		return s, nil
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return nil, typeErr(path, "true or false")
		}
		return b, nil
	case "int":
		n, ok := v.(json.Number)
		if !ok {
			return nil, typeErr(path, "a whole number")
		}
		if _, err := strconv.ParseInt(n.String(), 10, 32); err != nil {
			return nil, typeErr(path, "a whole number")
		}
		return n, nil
	case "decimal", "float", "double":
		n, ok := v.(json.Number)
		if !ok {
			return nil, typeErr(path, "a number")
		}
		x, err := strconv.ParseFloat(n.String(), 64)
		if err != nil {
			return nil, typeErr(path, "a number")
		}
		if f.NonNegative && x < 0 {
			return nil, Validation(path, path+" cannot be negative.")
		}
		return n, nil
	case "DateTimeOffset":
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(path, "an ISO 8601 date")
		}
		t, ok := parseTime(s)
		if !ok {
			return nil, typeErr(path, "an ISO 8601 date")
		}
		return FormatTime(t), nil
	case "dynamic", "object":
		if f.Name == "xp" {
			if _, ok := v.(map[string]any); !ok {
				return nil, typeErr(path, "a JSON object")
			}
			if b, _ := json.Marshal(v); len(b) > MaxXPBytes {
				return nil, Validation(path, fmt.Sprintf("xp cannot be larger than %d bytes.", MaxXPBytes))
			}
		}
		return v, nil
	}
	if vals := contract.Enum(base); vals != nil {
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(path, "one of "+strings.Join(vals, ", "))
		}
		for _, e := range vals {
			if strings.EqualFold(e, s) {
				return e, nil
			}
		}
		return nil, Validation(path, fmt.Sprintf("%s must be one of %s.", path, strings.Join(vals, ", ")))
	}
	if sub := contract.ModelByName(base); sub != nil {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, typeErr(path, "an object")
		}
		return clean(sub, obj, partial, path+".")
	}
	return v, nil
}

// FormatTime renders a time the way the API returns dates: ISO 8601 in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00") }

// Now is the current time in the API's format.
func Now() string { return FormatTime(time.Now()) }

// Complete fills every field the model has but the doc lacks with its
// default: the contract's default, false, 0 for non-nullable numbers, {} for
// xp, else null. Nested model objects present in the doc are completed too.
// A null the doc holds is kept for nullable fields and for xp: a write that
// sent "xp": null stores null, and reads return it as OrderCloud does; only
// an xp never written becomes {}.
func Complete(m *contract.Model, d Doc) Doc {
	if d == nil {
		return nil
	}
	for _, f := range m.Fields {
		if f.WriteOnly {
			continue
		}
		v, ok := d[f.Name]
		if ok && v != nil {
			if sub := contract.ModelByName(f.BaseType()); sub != nil {
				if obj, isObj := v.(map[string]any); isObj && !f.IsArray() {
					Complete(sub, obj)
				} else if arr, isArr := v.([]any); isArr {
					for _, e := range arr {
						if obj, isObj := e.(map[string]any); isObj {
							Complete(sub, obj)
						}
					}
				}
			}
			continue
		}
		if ok && v == nil && (f.Nullable() || f.Name == "xp") {
			continue
		}
		d[f.Name] = defaultValue(f)
	}
	return d
}

func defaultValue(f contract.Field) any {
	if f.Name == "xp" {
		return map[string]any{}
	}
	if f.IsArray() {
		return []any{}
	}
	base := f.BaseType()
	if f.Default != "" {
		switch base {
		case "int", "decimal":
			return json.Number(f.Default)
		case "bool":
			return f.Default == "true"
		}
		return f.Default
	}
	if f.Nullable() {
		return nil
	}
	switch base {
	case "bool":
		return false
	case "int", "decimal":
		return json.Number("0")
	}
	return nil
}

// Merge deep-merges a PATCH body into a doc: objects (xp and nested models)
// merge key by key, everything else, arrays included, replaces.
func Merge(dst, patch Doc) Doc {
	out := Doc{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range patch {
		pm, pIsMap := v.(map[string]any)
		dm, dIsMap := out[k].(map[string]any)
		if pIsMap && dIsMap {
			out[k] = Merge(dm, pm)
			continue
		}
		out[k] = v
	}
	return out
}

// Clone deep-copies a doc through JSON.
func Clone(d Doc) Doc {
	if d == nil {
		return nil
	}
	b, _ := json.Marshal(d)
	c, _ := DecodeDoc(b)
	return c
}
