// Package openapi describes the served API as an OpenAPI 3.0 document,
// generated from the contract the API is served from: the operations the
// registry serves, their parameters, bodies, responses and roles, and a
// schema for every model. Being derived from the same data as the routes,
// it cannot disagree with them.
package openapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Version is the OpenAPI version of the document.
const Version = "3.0.3"

// Scheme is the name of the OAuth2 security scheme every operation uses,
// with the roles it allows as scopes.
const Scheme = "OAuth2"

// Schemas the engine adds to the contract's models: list page metadata and
// the error shape. Their names are not model names.
const (
	metaSchema       = "Meta"
	facetMetaSchema  = "MetaWithFacets"
	facetSchema      = "ListFacet"
	facetValueSchema = "ListFacetValue"
	errorSchema      = "ApiError"
)

// Source is what the document is generated from, beside the contract.
type Source struct {
	// Served reports whether an operation has a handler.
	Served func(opID string) bool
	// Roles gives the roles an operation allows (nil: any signed-in caller).
	Roles func(contract.Operation) []string
	// Status gives an operation's success status when it is not the
	// method's: 201 for a POST, 200 for the others, 204 without a result
	// (nil, or 0: the method's).
	Status func(contract.Operation) int
}

// Generate builds the document for the served operations.
func Generate(src Source) ([]byte, error) {
	paths := map[string]map[string]*operation{}
	var tags []string
	scopes := map[string]string{}
	for _, r := range contract.Enum("ApiRole") {
		scopes[r] = "The " + r + " role."
	}
	for _, op := range contract.Operations() {
		if !src.Served(op.ID()) {
			continue
		}
		status := 0
		if src.Status != nil {
			status = src.Status(op)
		}
		o := describe(op, src.Roles(op), status)
		for _, r := range o.Security[0][Scheme] {
			if _, ok := scopes[r]; !ok {
				scopes[r] = "The " + r + " role."
			}
		}
		if paths[op.Path] == nil {
			paths[op.Path] = map[string]*operation{}
		}
		paths[op.Path][strings.ToLower(op.Method)] = o
		if !slices.Contains(tags, op.Resource) {
			tags = append(tags, op.Resource)
		}
	}
	slices.Sort(tags)
	tagList := make([]map[string]string, len(tags))
	for i, t := range tags {
		tagList[i] = map[string]string{"name": t}
	}
	flow := map[string]any{"tokenUrl": "/oauth/token", "scopes": scopes}
	doc := map[string]any{
		"openapi": Version,
		"info": map[string]any{"title": "OrderCloud-compatible commerce API", "version": "1.0",
			"description": "The operations this deployment serves, in OrderCloud's shapes. Generated from the API's contract."},
		"servers": []any{map[string]string{"url": "/v1"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas(),
			"responses": map[string]any{"Error": map[string]any{"description": "An error, in OrderCloud's shape.",
				"content": jsonContent(ref(errorSchema))}},
			"securitySchemes": map[string]any{Scheme: map[string]any{"type": "oauth2",
				"description": "Bearer tokens from /oauth/token; the roles an operation allows are its scopes.",
				"flows":       map[string]any{"password": flow, "clientCredentials": flow}}},
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// schema is an OpenAPI 3.0 Schema Object (the parts used here).
type schema struct {
	Ref                  string      `json:"$ref,omitempty"`
	AllOf                []*schema   `json:"allOf,omitempty"`
	Type                 string      `json:"type,omitempty"`
	Format               string      `json:"format,omitempty"`
	Description          string      `json:"description,omitempty"`
	Nullable             bool        `json:"nullable,omitempty"`
	ReadOnly             bool        `json:"readOnly,omitempty"`
	WriteOnly            bool        `json:"writeOnly,omitempty"`
	MaxLength            int         `json:"maxLength,omitempty"`
	Enum                 []string    `json:"enum,omitempty"`
	Default              any         `json:"default,omitempty"`
	Items                *schema     `json:"items,omitempty"`
	Properties           *properties `json:"properties,omitempty"`
	Required             []string    `json:"required,omitempty"`
	AdditionalProperties *schema     `json:"additionalProperties,omitempty"`
}

// properties keep the model's field order in the output.
type properties struct {
	names  []string
	byName map[string]*schema
}

func (p *properties) add(name string, s *schema) {
	if p.byName == nil {
		p.byName = map[string]*schema{}
	}
	p.names = append(p.names, name)
	p.byName[name] = s
}

func (p *properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, n := range p.names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(n)
		v, err := json.Marshal(p.byName[n])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func ref(name string) *schema { return &schema{Ref: "#/components/schemas/" + name} }

func jsonContent(s *schema) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": s}}
}

// typeSchema is the schema of a contract type ("int?", "Address[]").
func typeSchema(t string) *schema {
	nullable := strings.HasSuffix(t, "?")
	t = strings.TrimSuffix(t, "?")
	if elem, ok := strings.CutSuffix(t, "[]"); ok {
		return &schema{Type: "array", Items: typeSchema(elem), Nullable: nullable}
	}
	var s *schema
	switch t {
	case "string":
		s = &schema{Type: "string"}
	case "bool":
		s = &schema{Type: "boolean"}
	case "int":
		s = &schema{Type: "integer", Format: "int32"}
	case "long":
		s = &schema{Type: "integer", Format: "int64"}
	case "decimal", "double", "float":
		s = &schema{Type: "number", Format: "double"}
	case "DateTimeOffset":
		s = &schema{Type: "string", Format: "date-time"}
	case "dynamic", "object":
		s = &schema{Type: "object"}
	default:
		if contract.ModelByName(t) != nil || contract.IsEnum(t) {
			s = ref(t)
		} else {
			s = &schema{} // any value
		}
	}
	if nullable {
		s = withFlags(s, func(s *schema) { s.Nullable = true })
	}
	return s
}

// withFlags sets flags on a schema; a $ref takes no siblings in OpenAPI
// 3.0, so a referenced schema is wrapped in allOf first.
func withFlags(s *schema, set func(*schema)) *schema {
	if s.Ref != "" {
		s = &schema{AllOf: []*schema{s}}
	}
	set(s)
	return s
}

func fieldSchema(f contract.Field) *schema {
	s := typeSchema(f.Type)
	return withFlags(s, func(s *schema) {
		s.Description = f.Doc
		s.ReadOnly, s.WriteOnly = f.ReadOnly, f.WriteOnly
		if s.Type == "string" && f.MaxLength > 0 {
			s.MaxLength = f.MaxLength
		}
		if f.Name == "xp" {
			// Free-form, and an explicit null is kept.
			s.Nullable = true
		}
	})
}

func modelSchema(m *contract.Model) *schema {
	s := &schema{Type: "object", Properties: &properties{}}
	for _, f := range m.Fields {
		s.Properties.add(f.Name, fieldSchema(f))
		if f.Required && !f.ReadOnly {
			s.Required = append(s.Required, f.Name)
		}
	}
	return s
}

// schemas has every model and enum of the contract, and the engine's own
// shapes.
func schemas() map[string]*schema {
	out := map[string]*schema{}
	for _, name := range contract.ModelNames() {
		out[name] = modelSchema(contract.ModelByName(name))
	}
	for _, name := range contract.EnumNames() {
		out[name] = &schema{Type: "string", Enum: contract.Enum(name)}
	}
	object := func(fields ...any) *schema {
		s := &schema{Type: "object", Properties: &properties{}}
		for i := 0; i < len(fields); i += 2 {
			s.Properties.add(fields[i].(string), fields[i+1].(*schema))
		}
		return s
	}
	integer := func() *schema { return &schema{Type: "integer", Format: "int32"} }
	meta := []any{"Page", integer(), "PageSize", integer(), "TotalCount", integer(), "TotalPages", integer(),
		"ItemRange", &schema{Type: "array", Items: integer()}}
	out[metaSchema] = object(meta...)
	out[facetMetaSchema] = object(append([]any{"Facets", &schema{Type: "array", Items: ref(facetSchema)}}, meta...)...)
	out[facetSchema] = object("Name", &schema{Type: "string"}, "XpPath", &schema{Type: "string"},
		"Values", &schema{Type: "array", Items: ref(facetValueSchema)}, "xp", &schema{Type: "object", Nullable: true})
	out[facetValueSchema] = object("Value", &schema{Type: "string"}, "Count", integer())
	out[errorSchema] = object("Errors", &schema{Type: "array", Items: object("ErrorCode", &schema{Type: "string"},
		"Message", &schema{Type: "string"}, "Data", &schema{})})
	return out
}

// operation is an OpenAPI Operation Object.
type operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Tags        []string              `json:"tags"`
	Parameters  []parameter           `json:"parameters,omitempty"`
	RequestBody map[string]any        `json:"requestBody,omitempty"`
	Responses   map[string]any        `json:"responses"`
	Security    []map[string][]string `json:"security"`
}

type parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required,omitempty"`
	Description string  `json:"description,omitempty"`
	Style       string  `json:"style,omitempty"`
	Explode     *bool   `json:"explode,omitempty"`
	Schema      *schema `json:"schema"`
}

// defaultValue is a contract default (always text) in the schema's type;
// nil when it does not parse or the schema is no plain type.
func defaultValue(s *schema, d string) any {
	var v any
	var err error
	switch s.Type {
	case "integer":
		v, err = strconv.Atoi(d)
	case "number":
		v, err = strconv.ParseFloat(d, 64)
	case "boolean":
		v, err = strconv.ParseBool(d)
	case "string":
		v = d
	}
	if err != nil {
		return nil
	}
	return v
}

var listPage = regexp.MustCompile(`^(ListPage|ListPageWithFacets)<(\w+)>$`)

// returnSchema is the schema of an operation's result: a model, or a list
// page of one (Meta + Items).
func returnSchema(t string) *schema {
	m := listPage.FindStringSubmatch(t)
	if m == nil {
		return typeSchema(t)
	}
	meta := metaSchema
	if m[1] == "ListPageWithFacets" {
		meta = facetMetaSchema
	}
	s := &schema{Type: "object", Properties: &properties{}}
	s.Properties.add("Meta", ref(meta))
	s.Properties.add("Items", &schema{Type: "array", Items: ref(m[2])})
	return s
}

func describe(op contract.Operation, roles []string, status int) *operation {
	if roles == nil {
		roles = []string{} // any signed-in caller
	}
	o := &operation{OperationID: op.ID(), Summary: op.Summary, Tags: []string{op.Resource},
		Responses: map[string]any{"default": map[string]string{"$ref": "#/components/responses/Error"}},
		Security:  []map[string][]string{{Scheme: roles}}}
	for _, p := range op.PathParams {
		o.Parameters = append(o.Parameters, parameter{Name: p, In: "path", Required: true, Schema: &schema{Type: "string"}})
	}
	for _, q := range op.Query {
		if strings.HasPrefix(q.Name, "filters") {
			// Any model field or xp path, as its own query parameter.
			explode := true
			o.Parameters = append(o.Parameters, parameter{Name: "filters", In: "query", Style: "form", Explode: &explode,
				Description: "Filters on any field of the model or xp path: ?Name=Shirt*&xp.Color=red|blue&Price=>10",
				Schema:      &schema{Type: "object", AdditionalProperties: &schema{Type: "string"}}})
			continue
		}
		s := typeSchema(q.Type)
		if d, ok := q.Default.(string); ok {
			s.Default = defaultValue(s, d)
		}
		o.Parameters = append(o.Parameters, parameter{Name: q.Name, In: "query", Schema: s})
	}
	if op.Body != "" {
		o.RequestBody = map[string]any{"required": true, "content": jsonContent(typeSchema(op.Body))}
	}
	switch {
	case op.Returns == "":
		status = http.StatusNoContent
	case status != 0:
	case op.Method == http.MethodPost:
		status = http.StatusCreated
	default:
		status = http.StatusOK
	}
	res := map[string]any{"description": http.StatusText(status)}
	if op.Returns != "" {
		res["content"] = jsonContent(returnSchema(op.Returns))
	}
	o.Responses[strconv.Itoa(status)] = res
	return o
}
