package api

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Doc is an entity as decoded JSON: numbers are json.Number so money and
// quantities keep their exact text.
type Doc = map[string]any

// Decode parses JSON keeping numbers exact.
func Decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, &json.SyntaxError{Offset: d.InputOffset()}
	}
	return v, nil
}

// DecodeDoc parses a JSON object.
func DecodeDoc(b []byte) (Doc, error) {
	v, err := Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, InvalidBody("Expected a JSON object.")
	}
	return m, nil
}

// Get reads a dotted path ("xp.Color", "Inventory.QuantityAvailable") from a
// doc; ok is false when any step is missing.
func Get(d Doc, path string) (any, bool) {
	var cur any = d
	for _, p := range strings.Split(path, ".") {
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil, false
		}
		v, ok := m[p]
		if !ok {
			// Model fields are matched case-insensitively, as OrderCloud does.
			for k, vv := range m {
				if strings.EqualFold(k, p) {
					v, ok = vv, true
					break
				}
			}
			if !ok {
				return nil, false
			}
		}
		cur = v
	}
	return cur, true
}

// Ordered renders a doc as JSON with the model's fields in contract order
// (missing ones as null), nested models likewise, and any other keys after.
type Ordered struct {
	Model *contract.Model
	Doc   Doc
}

func (o Ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	writeOrdered(&b, o.Model, o.Doc)
	return b.Bytes(), nil
}

func writeOrdered(b *bytes.Buffer, m *contract.Model, d Doc) {
	if d == nil {
		b.WriteString("null")
		return
	}
	b.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
	}
	seen := map[string]bool{}
	if m != nil {
		for _, f := range m.Fields {
			if f.WriteOnly {
				seen[f.Name] = true
				continue
			}
			seen[f.Name] = true
			key(f.Name)
			writeValue(b, f, d[f.Name])
		}
	}
	// Without a model every key is written; with one, only its fields, so
	// internal keys (password hashes and the like) never leave the API.
	var rest []string
	for k := range d {
		if !seen[k] && m == nil {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		key(k)
		writeAny(b, d[k])
	}
	b.WriteByte('}')
}

func writeValue(b *bytes.Buffer, f contract.Field, v any) {
	sub := contract.ModelByName(f.BaseType())
	if sub == nil || v == nil {
		writeAny(b, v)
		return
	}
	if f.IsArray() {
		arr, ok := v.([]any)
		if !ok {
			writeAny(b, v)
			return
		}
		b.WriteByte('[')
		for i, e := range arr {
			if i > 0 {
				b.WriteByte(',')
			}
			if m, ok := e.(map[string]any); ok {
				writeOrdered(b, sub, m)
			} else {
				writeAny(b, e)
			}
		}
		b.WriteByte(']')
		return
	}
	if m, ok := v.(map[string]any); ok {
		writeOrdered(b, sub, m)
		return
	}
	writeAny(b, v)
}

func writeAny(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case Ordered:
		writeOrdered(b, x.Model, x.Doc)
	case json.Number:
		b.WriteString(x.String())
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	}
}

// Num formats an integer as a json.Number.
func Num(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }
