// Package contract exposes the facts about the OrderCloud API that the
// repository carries as data (data/*.json, copied from ../shared/contract):
// every model's fields, every SDK operation and every error code. The
// resource engine derives validation, routing and roles from it instead of
// re-typing them.
package contract

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data/*.json
var data embed.FS

// Field is one property of a model.
type Field struct {
	Name       string
	Type       string // "string", "int?", "decimal", "DateTimeOffset?", "dynamic", a model or enum name, "X[]"
	Required   bool
	ReadOnly   bool
	WriteOnly  bool
	MaxLength  int
	Searchable int // priority, 0 = not searchable
	Sortable   int // priority (1000 when sortable without priority), 0 = not sortable
	Default    string
	Values     []string // enum values, when Type is an enum
	Doc        string   // the field's description
	// NonNegative amounts are refused below zero (supplement.json).
	NonNegative bool
}

// Nullable reports whether the type ends in "?".
func (f Field) Nullable() bool { return strings.HasSuffix(f.Type, "?") }

// BaseType is the type without "?" and without "[]".
func (f Field) BaseType() string {
	return strings.TrimSuffix(strings.TrimSuffix(f.Type, "?"), "[]")
}

// IsArray reports whether the field holds a list.
func (f Field) IsArray() bool { return strings.HasSuffix(f.Type, "[]") }

// Model is a named set of fields, in the contract's order.
type Model struct {
	Name   string
	Fields []Field
	byName map[string]int
}

// Field returns the named field (exact name first, then case-insensitive).
func (m *Model) Field(name string) (Field, bool) {
	if i, ok := m.byName[name]; ok {
		return m.Fields[i], true
	}
	if i, ok := m.byName[strings.ToLower(name)]; ok {
		return m.Fields[i], true
	}
	return Field{}, false
}

// QueryParam is a query-string parameter of an operation.
type QueryParam struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Default any    `json:"default"`
}

// Operation is one SDK operation.
type Operation struct {
	Resource   string       `json:"resource"`
	Operation  string       `json:"operation"`
	Method     string       `json:"method"`
	Path       string       `json:"path"`
	PathParams []string     `json:"pathParams"`
	Query      []QueryParam `json:"query"`
	Body       string       `json:"body"`
	Returns    string       `json:"returns"`
	Summary    string       `json:"summary"`
	Roles      []string     `json:"roles2018"`
}

// ID is "Resource.Operation", e.g. "Products.List".
func (o Operation) ID() string { return o.Resource + "." + o.Operation }

type rawField struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Required   bool            `json:"required"`
	ReadOnly   bool            `json:"readOnly"`
	WriteOnly  bool            `json:"writeOnly"`
	MaxLength  int             `json:"maxLength"`
	Searchable json.RawMessage `json:"searchable"`
	Sortable   json.RawMessage `json:"sortable"`
	Default    *string         `json:"default"`
	Values     []string        `json:"values"`
	Doc        string          `json:"doc"`
}

type catalog struct {
	models map[string]*Model
	enums  map[string][]string
	ops    []Operation
	byID   map[string]Operation
	errors map[string]string
	seed   []Endpoint
}

// Endpoint is one entry of the API index (seed-endpoints.json): the group
// it is listed under, its method and path, and its SDK operation when the
// SDK has one.
type Endpoint struct {
	Group  string `json:"group"`
	Method string `json:"method"`
	Path   string `json:"path"`
	SDK    string `json:"sdk"`
}

var (
	once sync.Once
	cat  *catalog
)

func priority(raw json.RawMessage) int {
	s := strings.TrimSpace(string(raw))
	switch s {
	case "", "null", "false":
		return 0
	case "true":
		return 1000
	}
	var n int
	fmt.Sscan(s, &n)
	return n
}

func load() *catalog {
	once.Do(func() {
		c := &catalog{models: map[string]*Model{}, byID: map[string]Operation{}, errors: map[string]string{}}
		var mf struct {
			Enums  map[string][]string `json:"enums"`
			Models map[string]struct {
				Base   *string    `json:"base"`
				Fields []rawField `json:"fields"`
			} `json:"models"`
		}
		must(json.Unmarshal(mustRead("data/models.json"), &mf))
		var sup struct {
			Fields map[string][]rawField `json:"fields"`
			Models map[string]struct {
				Base   *string    `json:"base"`
				Fields []rawField `json:"fields"`
			} `json:"models"`
			Operations  []Operation         `json:"operations"`
			Enums       map[string][]string `json:"enums"`
			NonNegative map[string][]string `json:"nonNegative"`
			// WriteOnly marks fields accepted on writes but never
			// answered (secrets the platform signs with).
			WriteOnly map[string][]string `json:"writeOnly"`
			// Roles gives operations the contract lists no roles for
			// their roles (by operation ID).
			Roles map[string][]string `json:"roles"`
		}
		must(json.Unmarshal(mustRead("data/supplement.json"), &sup))
		for name, m := range sup.Models {
			mf.Models[name] = m
		}
		for name, vals := range sup.Enums {
			mf.Enums[name] = vals
		}
		c.enums = mf.Enums
		var build func(name string) *Model
		build = func(name string) *Model {
			if m, ok := c.models[name]; ok {
				return m
			}
			raw, ok := mf.Models[name]
			if !ok {
				return nil
			}
			m := &Model{Name: name, byName: map[string]int{}}
			if raw.Base != nil {
				if b := build(*raw.Base); b != nil {
					m.Fields = append(m.Fields, b.Fields...)
				}
			}
			add := func(rf rawField) {
				f := Field{Name: rf.Name, Type: rf.Type, Required: rf.Required, ReadOnly: rf.ReadOnly, WriteOnly: rf.WriteOnly,
					MaxLength: rf.MaxLength, Searchable: priority(rf.Searchable), Sortable: priority(rf.Sortable), Values: rf.Values,
					Doc: rf.Doc}
				if rf.Default != nil && !strings.HasPrefix(*rf.Default, "new ") && *rf.Default != "null" {
					f.Default = *rf.Default
				}
				if vals, ok := c.enums[f.BaseType()]; ok && f.Values == nil {
					f.Values = vals
				}
				m.Fields = append(m.Fields, f)
			}
			for _, rf := range raw.Fields {
				add(rf)
			}
			// Supplement fields go before xp so output keeps xp last.
			if extra := sup.Fields[name]; len(extra) > 0 {
				var xp []Field
				if n := len(m.Fields); n > 0 && m.Fields[n-1].Name == "xp" {
					// Copy: the appends below reuse the backing array.
					xp, m.Fields = []Field{m.Fields[n-1]}, m.Fields[:n-1]
				}
				for _, rf := range extra {
					add(rf)
				}
				m.Fields = append(m.Fields, xp...)
			}
			for i, f := range m.Fields {
				m.byName[f.Name] = i
				m.byName[strings.ToLower(f.Name)] = i
			}
			c.models[name] = m
			return m
		}
		for name := range mf.Models {
			build(name)
		}
		for name, fields := range sup.NonNegative {
			m := c.models[name]
			for _, f := range fields {
				i, ok := m.byName[f]
				if !ok {
					panic("contract data: nonNegative names no field " + name + "." + f)
				}
				m.Fields[i].NonNegative = true
			}
		}
		for name, fields := range sup.WriteOnly {
			m := c.models[name]
			for _, f := range fields {
				i, ok := m.byName[f]
				if !ok {
					panic("contract data: writeOnly names no field " + name + "." + f)
				}
				m.Fields[i].WriteOnly = true
			}
		}
		must(json.Unmarshal(mustRead("data/operations.json"), &c.ops))
		c.ops = append(c.ops, sup.Operations...)
		must(json.Unmarshal(mustRead("data/seed-endpoints.json"), &c.seed))
		// Index entries without an SDK operation (buyer groups, discounts)
		// name the supplement's operation with the same method and path.
		for i, e := range c.seed {
			if e.SDK != "" {
				continue
			}
			for _, o := range c.ops {
				if o.Method == e.Method && o.Path == e.Path {
					c.seed[i].SDK = o.ID()
				}
			}
		}
		for id, roles := range sup.Roles {
			i := slices.IndexFunc(c.ops, func(o Operation) bool { return o.ID() == id })
			if i < 0 || c.ops[i].Roles != nil {
				panic("contract data: roles for " + id + ", which is no operation or has roles")
			}
			c.ops[i].Roles = roles
		}
		for _, o := range c.ops {
			c.byID[o.ID()] = o
		}
		var errs []struct{ Code, Message string }
		must(json.Unmarshal(mustRead("data/error-codes.json"), &errs))
		for _, e := range errs {
			c.errors[e.Code] = e.Message
		}
		cat = c
	})
	return cat
}

func mustRead(p string) []byte {
	b, err := data.ReadFile(p)
	must(err)
	return b
}

func must(err error) {
	if err != nil {
		panic("contract data: " + err.Error())
	}
}

// MustModel returns a model the code relies on; a name the contract lacks
// panics, so a typo fails every test at start-up rather than a request.
// Call it in package-level variables.
func MustModel(name string) *Model {
	m := ModelByName(name)
	if m == nil {
		panic("contract: no model " + name)
	}
	return m
}

// ModelByName returns a model, or nil when the contract has none by that name.
func ModelByName(name string) *Model { return load().models[name] }

// ModelNames returns the name of every model, sorted.
func ModelNames() []string { return sortedKeys(load().models) }

// EnumNames returns the name of every enum, sorted.
func EnumNames() []string { return sortedKeys(load().enums) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Enum returns an enum's values (nil when unknown).
func Enum(name string) []string { return load().enums[name] }

// IsEnum reports whether the name is an enum type.
func IsEnum(name string) bool { _, ok := load().enums[name]; return ok }

// Operations returns every SDK operation.
func Operations() []Operation { return load().ops }

// Endpoints returns the API index, in its order.
func Endpoints() []Endpoint { return load().seed }

// Op returns the operation "Resource.Operation".
func Op(id string) (Operation, bool) { o, ok := load().byID[id]; return o, ok }

// ErrorMessage returns the contract's message for an error code.
func ErrorMessage(code string) (string, bool) { m, ok := load().errors[code]; return m, ok }

// ErrorCodes returns every known code, sorted.
func ErrorCodes() []string {
	var out []string
	for k := range load().errors {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Rebuild indexes a hand-made model's fields by name.
func Rebuild(m *Model) *Model {
	m.byName = map[string]int{}
	for i, f := range m.Fields {
		m.byName[f.Name] = i
		m.byName[strings.ToLower(f.Name)] = i
	}
	return m
}
