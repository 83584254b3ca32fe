package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// ListQuery is a parsed OrderCloud list request.
type ListQuery struct {
	Search     string
	SearchOn   []string
	SearchType string
	SortBy     []SortKey
	Page       int
	PageSize   int
	// Filters are ANDed; each one's alternatives are ORed.
	Filters []Filter
}

// SortKey is one sortBy entry.
type SortKey struct {
	Path string
	Desc bool
}

// Filter is one field=value query parameter.
type Filter struct {
	Path string
	Alts []Cond
	// typ is the contract type of the field ("" for xp / unknown).
	typ string
}

// Type is the contract type of the filtered field ("" for xp).
func (f Filter) Type() string { return f.typ }

// EqualFilter is a filter "path=value" (as a confinement or a path
// parameter adds to a list), typed like a parsed one.
func EqualFilter(spec ListSpec, path, value string) Filter {
	canon, typ, _ := spec.resolve(path)
	return Filter{Path: canon, typ: typ, Alts: []Cond{{Op: "=", Value: value}}}
}

// AnyOf is a filter "path=v1|v2|…" on values taken as they are (no
// wildcards or operators); with no values it matches nothing.
func AnyOf(path string, values []string) Filter {
	f := Filter{Path: path, Alts: []Cond{}}
	for _, v := range values {
		f.Alts = append(f.Alts, Cond{Op: "=", Value: v})
	}
	return f
}

// RangeFilter is a filter "path<op>value" (op "<", ">", "<=" or ">=").
func RangeFilter(spec ListSpec, path, op, value string) Filter {
	canon, typ, _ := spec.resolve(path)
	return Filter{Path: canon, typ: typ, Alts: []Cond{{Op: op, Value: value}}}
}

// Cond is one alternative of a filter value.
type Cond struct {
	Negate bool
	Op     string // "=", "<", ">", "<=", ">="
	Value  string // may contain * wildcards when Op is "="
}

// ListSpec says what a list may be queried on.
type ListSpec struct {
	Model *contract.Model
	// Reserved are the operation's own query parameters (e.g. catalogID,
	// depth), which are not filters.
	Reserved []string
	// Extra are filterable/sortable paths beyond the model's fields.
	Extra []string
}

var listParams = map[string]bool{"search": true, "searchon": true, "searchtype": true, "sortby": true, "page": true, "pagesize": true}

// SearchTypes OrderCloud accepts.
var SearchTypes = []string{"AnyTerm", "AllTermsAnyField", "AllTermsSameField", "ExactPhrase", "ExactPhrasePrefix"}

func listErr(code, msg string, data any) *Error {
	e := E(http.StatusBadRequest, code, data)
	if msg != "" {
		e.Message = msg
	}
	return e
}

// resolve finds a model field for a (possibly dotted) path; xp paths are
// always allowed. It returns the canonical path and the field type.
func (s ListSpec) resolve(path string) (string, string, bool) {
	if strings.HasPrefix(strings.ToLower(path), "xp.") {
		return "xp" + path[2:], "", true
	}
	for _, e := range s.Extra {
		if strings.EqualFold(e, path) {
			return e, "", true
		}
	}
	if s.Model == nil {
		return path, "", true
	}
	head, rest, nested := strings.Cut(path, ".")
	f, ok := s.Model.Field(head)
	if !ok || f.WriteOnly {
		return "", "", false
	}
	if !nested {
		return f.Name, f.Type, true
	}
	sub := contract.ModelByName(f.BaseType())
	if sub == nil {
		return "", "", false
	}
	p, t, ok := ListSpec{Model: sub}.resolve(rest)
	return f.Name + "." + p, t, ok
}

// Bounds of a list request. MaxResultSet is OrderCloud's; the others keep
// the cost of one list bounded (every list filters and searches in the
// function) while staying far above what the SDKs and tools send.
const (
	// MaxResultSet is how deep paging may go: a page starting at or past
	// this many items is refused (Search.ResultSetTooLarge).
	MaxResultSet = 100_000
	// MaxQueryBytes bounds a list's query parameters: names and values,
	// decoded, together.
	MaxQueryBytes = 8 << 10
	// MaxFilters bounds the filter parameters of one list (a name given
	// twice counts twice).
	MaxFilters = 50
	// MaxAlternatives bounds the "|" alternatives of all filters together.
	MaxAlternatives = 100
	// MaxSearchLength bounds the search term, in characters.
	MaxSearchLength = 256
	// DefaultPageSize and MaxPageSize are OrderCloud's.
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// listReserved holds, lowercased, the reserved (non-filter) query
// parameters of every list operation of the contract. SDKs and tools send
// some of them on lists where they do not apply (the seeding tool sends
// depth=all on every list it downloads), so a list ignores them unless
// they name a field of its model.
var listReserved = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, op := range contract.Operations() {
		isList := false
		for _, q := range op.Query {
			isList = isList || q.Name == "page"
		}
		if !isList {
			continue
		}
		for _, q := range op.Query {
			if !strings.HasPrefix(q.Name, "filters") {
				out[strings.ToLower(q.Name)] = true
			}
		}
	}
	return out
})

// ParseList reads a list request's query string.
func ParseList(q url.Values, spec ListSpec) (ListQuery, *Error) {
	lq := ListQuery{Page: 1, PageSize: DefaultPageSize, SearchType: "AnyTerm"}
	if n := queryBytes(q); n > MaxQueryBytes {
		return lq, listErr("List.InvalidType", fmt.Sprintf("A list's query parameters cannot be longer than %d bytes in all (these are %d).", MaxQueryBytes, n),
			map[string]any{"Limit": MaxQueryBytes})
	}
	reserved := map[string]bool{}
	for _, r := range spec.Reserved {
		reserved[strings.ToLower(r)] = true
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return lq, listErr("List.InvalidPageSize", fmt.Sprintf("pageSize must be between 1 and %d.", MaxPageSize), map[string]any{"Property": "pageSize", "Value": v})
		}
		lq.PageSize = n
	}
	if v := q.Get("page"); v != "" {
		n, err := parsePage(v, lq.PageSize)
		if err != nil {
			return lq, err
		}
		lq.Page = n
	}
	lq.Search = strings.TrimSpace(q.Get("search"))
	if n := utf8.RuneCountInString(lq.Search); n > MaxSearchLength {
		return lq, listErr("List.InvalidType", fmt.Sprintf("search cannot be longer than %d characters.", MaxSearchLength),
			map[string]any{"Property": "search", "Limit": MaxSearchLength})
	}
	if v := q.Get("searchType"); v != "" {
		ok := false
		for _, t := range SearchTypes {
			if strings.EqualFold(t, v) {
				lq.SearchType, ok = t, true
			}
		}
		if !ok {
			return lq, listErr("List.InvalidType", "searchType must be one of "+strings.Join(SearchTypes, ", ")+".", map[string]any{"Property": "searchType", "Value": v})
		}
	}
	if v := q.Get("searchOn"); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			canon, _, ok := spec.resolve(p)
			if !ok {
				return lq, listErr("List.InvalidSearchProperty", "", map[string]any{"Property": p})
			}
			if !strings.HasPrefix(canon, "xp.") && spec.Model != nil {
				if f, ok := spec.Model.Field(canon); ok && f.Searchable == 0 {
					return lq, listErr("List.InvalidSearchProperty", "", map[string]any{"Property": p})
				}
			}
			lq.SearchOn = append(lq.SearchOn, canon)
		}
	} else if spec.Model != nil {
		var fs []contract.Field
		for _, f := range spec.Model.Fields {
			if f.Searchable > 0 {
				fs = append(fs, f)
			}
		}
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Searchable < fs[j].Searchable })
		for _, f := range fs {
			lq.SearchOn = append(lq.SearchOn, f.Name)
		}
	}
	if v := q.Get("sortBy"); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			desc := strings.HasPrefix(p, "!")
			p = strings.TrimPrefix(p, "!")
			if p == "" {
				continue
			}
			canon, _, ok := spec.resolve(p)
			if !ok {
				return lq, listErr("List.InvalidSortProperty", "", map[string]any{"Property": p})
			}
			if !strings.HasPrefix(canon, "xp.") && spec.Model != nil && !strings.Contains(canon, ".") {
				if f, ok := spec.Model.Field(canon); ok && f.Sortable == 0 && !isExtra(spec, canon) {
					return lq, listErr("List.InvalidSortProperty", "", map[string]any{"Property": p})
				}
			}
			lq.SortBy = append(lq.SortBy, SortKey{Path: canon, Desc: desc})
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	alts := 0
	for _, k := range keys {
		lk := strings.ToLower(k)
		if listParams[lk] || reserved[lk] {
			continue
		}
		canon, typ, ok := spec.resolve(k)
		if !ok && listReserved()[lk] {
			continue
		}
		if !ok {
			return lq, listErr("List.InvalidProperty", "", map[string]any{"Property": k})
		}
		for _, raw := range q[k] {
			if len(lq.Filters) == MaxFilters {
				return lq, listErr("List.InvalidProperty", fmt.Sprintf("A list takes at most %d filters.", MaxFilters),
					map[string]any{"Property": k, "Limit": MaxFilters})
			}
			if alts += strings.Count(raw, "|") + 1; alts > MaxAlternatives {
				return lq, listErr("List.InvalidType", fmt.Sprintf("A list's filters take at most %d alternatives (values separated by |) in all.", MaxAlternatives),
					map[string]any{"Property": k, "Limit": MaxAlternatives})
			}
			f := Filter{Path: canon, typ: typ}
			for _, alt := range strings.Split(raw, "|") {
				c, err := parseCond(alt, typ)
				if err != nil {
					return lq, listErr("List.InvalidType", "", map[string]any{"Property": k, "Value": alt})
				}
				f.Alts = append(f.Alts, c)
			}
			lq.Filters = append(lq.Filters, f)
		}
	}
	return lq, nil
}

// queryBytes is the size of a query's names and values, decoded, with one
// separator byte for each "=" and "&".
func queryBytes(q url.Values) int {
	n := 0
	for k, vs := range q {
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
		if len(vs) == 0 {
			n += len(k) + 1
		}
	}
	return n
}

// parsePage reads page: a whole number of 1 or more whose page starts
// before MaxResultSet. A number too large for an int is too deep, not
// malformed.
func parsePage(v string, pageSize int) (int, *Error) {
	n, err := strconv.Atoi(v)
	var ne *strconv.NumError
	overflow := errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(v, "-")
	if !overflow && (err != nil || n < 1) {
		return 0, listErr("List.InvalidType", "page must be a whole number of 1 or more.", map[string]any{"Property": "page", "Value": v})
	}
	// (n-1)*pageSize >= MaxResultSet, without the multiplication overflowing.
	if overflow || n-1 >= (MaxResultSet+pageSize-1)/pageSize {
		return 0, resultSetTooLarge(v, pageSize)
	}
	return n, nil
}

// resultSetTooLarge refuses a page past MaxResultSet, naming the LastID
// method OrderCloud documents for reading further.
func resultSetTooLarge(page string, pageSize int) *Error {
	e := E(http.StatusBadRequest, "Search.ResultSetTooLarge", map[string]any{"Property": "page", "Value": page, "Limit": MaxResultSet})
	e.Message = fmt.Sprintf("The maximum result set is %d items: page %s of %d items starts past it. "+
		"Narrow the list with filters, or page by ID (the LastID method): sortBy=ID&ID=>{lastID}, where lastID is the last ID of the previous page.",
		MaxResultSet, page, pageSize)
	return e
}

func isExtra(spec ListSpec, p string) bool {
	for _, e := range spec.Extra {
		if strings.EqualFold(e, p) {
			return true
		}
	}
	return false
}

func parseCond(s, typ string) (Cond, error) {
	c := Cond{Op: "="}
	if strings.HasPrefix(s, "!") {
		c.Negate, s = true, s[1:]
	}
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if strings.HasPrefix(s, op) {
			c.Op, s = op, s[len(op):]
			break
		}
	}
	c.Value = s
	if strings.Contains(s, "*") && c.Op == "=" {
		return c, nil
	}
	base := strings.TrimSuffix(typ, "?")
	switch base {
	case "int", "decimal":
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return c, err
		}
	case "bool":
		if _, err := strconv.ParseBool(s); err != nil {
			return c, err
		}
	case "DateTimeOffset":
		if _, ok := parseTime(s); !ok {
			return c, fmt.Errorf("bad date")
		}
	}
	return c, nil
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01"}

func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Matches reports whether d passes every filter.
func (lq ListQuery) Matches(d Doc) bool {
	for _, f := range lq.Filters {
		v, present := Get(d, f.Path)
		ok := false
		for _, c := range f.Alts {
			if f.Path == "ID" && c.Op != "=" && !c.Negate {
				// IDs compare by their bytes, as the table's keys order them.
				if s, isText := v.(string); isText {
					if keyCompare(c.Op, strings.Compare(s, c.Value)) {
						ok = true
						break
					}
					continue
				}
			}
			if c.match(v, present) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func keyCompare(op string, cmp int) bool {
	switch op {
	case "<":
		return cmp < 0
	case ">":
		return cmp > 0
	case "<=":
		return cmp <= 0
	case ">=":
		return cmp >= 0
	}
	return false
}

func (c Cond) match(v any, present bool) bool {
	// On a list, the condition holds for the list when any element meets it
	// ("!x" then means no element is x).
	if arr, ok := v.([]any); ok && len(arr) > 0 {
		hit := false
		for _, e := range arr {
			if c.matchOne(e, true) {
				hit = true
				break
			}
		}
		return hit != c.Negate
	}
	return c.matchOne(v, present) != c.Negate
}

// matchOne evaluates the condition without its negation.
func (c Cond) matchOne(v any, present bool) bool {
	if !present || v == nil {
		// "*" matches any present value; "!*" therefore matches absence.
		return false
	}
	if c.Op == "=" && c.Value == "*" {
		return true
	}
	if c.Op == "=" {
		if strings.Contains(c.Value, "*") {
			return wildcard(strings.ToLower(c.Value), strings.ToLower(text(v)))
		}
		return equalValue(v, c.Value)
	}
	cmp, ok := compare(v, c.Value)
	if !ok {
		return false
	}
	switch c.Op {
	case "<":
		return cmp < 0
	case ">":
		return cmp > 0
	case "<=":
		return cmp <= 0
	case ">=":
		return cmp >= 0
	}
	return false
}

// Text is a stored value as list filters and search read it.
func Text(v any) string { return text(v) }

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func equalValue(v any, want string) bool {
	switch x := v.(type) {
	case json.Number:
		a, err1 := strconv.ParseFloat(x.String(), 64)
		b, err2 := strconv.ParseFloat(want, 64)
		return err1 == nil && err2 == nil && a == b
	case bool:
		b, err := strconv.ParseBool(want)
		return err == nil && b == x
	case string:
		if strings.EqualFold(x, want) {
			return true
		}
		if ta, ok := parseTime(x); ok {
			if tb, ok := parseTime(want); ok && len(want) >= 10 {
				return ta.Equal(tb)
			}
		}
		return false
	}
	return false
}

// compare orders a stored value against a filter value: numbers
// numerically, dates chronologically, other text case-insensitively.
func compare(v any, want string) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		a, err1 := strconv.ParseFloat(x.String(), 64)
		b, err2 := strconv.ParseFloat(want, 64)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return cmpFloat(a, b), true
	case string:
		if ta, ok := parseTime(x); ok {
			if tb, ok := parseTime(want); ok {
				return ta.Compare(tb), true
			}
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(want)), true
	case bool:
		return 0, false
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// wildcard matches s against a pattern where * is any run of characters.
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		j := strings.Index(s, parts[i])
		if j < 0 {
			return false
		}
		s = s[j+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// Score is d's search score: >0 when d matches the search (1 when there is
// no search); higher ranks first.
func (lq ListQuery) Score(d Doc) float64 { return lq.searchScore(d) }

// searchScore is >0 when d matches the search; higher ranks first.
func (lq ListQuery) searchScore(d Doc) float64 {
	if lq.Search == "" {
		return 1
	}
	texts := make([]string, len(lq.SearchOn))
	for i, p := range lq.SearchOn {
		if v, ok := Get(d, p); ok && v != nil {
			texts[i] = strings.ToLower(text(v))
		}
	}
	phrase := strings.ToLower(lq.Search)
	switch lq.SearchType {
	case "ExactPhrase", "ExactPhrasePrefix":
		score := 0.0
		for i, t := range texts {
			hit := strings.Contains(t, phrase)
			if lq.SearchType == "ExactPhrasePrefix" {
				hit = strings.HasPrefix(t, phrase) || strings.Contains(t, " "+phrase)
			}
			if hit {
				score += lq.searchWeight(i)
			}
		}
		return score
	}
	tokens := make([][]string, len(texts))
	for i, t := range texts {
		tokens[i] = Tokens(t)
	}
	return lq.SearchScore(func(term []string, field int) bool { return TermMatches(tokens[field], term) })
}

// SearchTerms are the search's terms (whitespace-separated), each as the
// word prefixes it must find in a field (see TermMatches).
func (lq ListQuery) SearchTerms() [][]string {
	var out [][]string
	for _, term := range strings.Fields(strings.ToLower(lq.Search)) {
		out = append(out, searchTokens(term))
	}
	return out
}

// SearchScore scores a doc given which of its fields match which terms
// (match(term, field index in SearchOn)): every matched pair adds the
// field's weight, higher priority fields weighing more; AllTermsAnyField
// needs every term matched somewhere, AllTermsSameField every term in one
// field. 0 is no match. The phrase search types are not scored this way.
func (lq ListQuery) SearchScore(match func(term []string, field int) bool) float64 {
	terms := lq.SearchTerms()
	score := 0.0
	matched := make([]bool, len(terms))
	sameField := false
	for fi := range lq.SearchOn {
		all := true
		for ti, term := range terms {
			if match(term, fi) {
				matched[ti] = true
				score += lq.searchWeight(fi)
			} else {
				all = false
			}
		}
		sameField = sameField || all
	}
	switch lq.SearchType {
	case "AllTermsAnyField":
		for _, m := range matched {
			if !m {
				return 0
			}
		}
	case "AllTermsSameField":
		if !sameField {
			return 0
		}
	}
	return score
}

// searchWeight is the weight of the i-th searched field: earlier (higher
// priority) fields weigh more.
func (lq ListQuery) searchWeight(i int) float64 { return float64(len(lq.SearchOn)-i) + 1 }

// Tokens splits text into its words: lower-cased runs of letters and
// digits. Search matches words by prefix.
func Tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// searchTokens are the word prefixes a search term looks for: its words,
// the last without a plural "s" (so "shirts" finds "shirt").
func searchTokens(term string) []string {
	toks := Tokens(term)
	if n := len(toks); n > 0 && len(term) > 3 {
		if last := toks[n-1]; len(last) > 1 && strings.HasSuffix(last, "s") {
			toks[n-1] = strings.TrimSuffix(last, "s")
		}
	}
	return toks
}

// TermMatches reports whether a field (its words) matches a search term:
// every word of the term begins some word of the field. A term with no
// word matches nothing.
func TermMatches(fieldTokens, term []string) bool {
	if len(term) == 0 {
		return false
	}
	for _, want := range term {
		found := false
		for _, have := range fieldTokens {
			if strings.HasPrefix(have, want) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Meta is a list page's metadata.
type Meta struct {
	Page       int
	PageSize   int
	TotalCount int
	TotalPages int
	ItemRange  [2]int
}

// Apply filters, searches, sorts and pages docs. The default order is by ID
// (or by relevance when searching).
func (lq ListQuery) Apply(docs []Doc) ([]Doc, Meta) {
	type scored struct {
		d Doc
		s float64
	}
	var kept []scored
	for _, d := range docs {
		if !lq.Matches(d) {
			continue
		}
		if s := lq.searchScore(d); s > 0 {
			kept = append(kept, scored{d, s})
		}
	}
	keys := lq.SortBy
	sort.SliceStable(kept, func(i, j int) bool {
		for _, k := range keys {
			a, _ := Get(kept[i].d, k.Path)
			b, _ := Get(kept[j].d, k.Path)
			c := CompareValues(k.Path, a, b)
			if c != 0 {
				return (c < 0) != k.Desc
			}
		}
		if len(keys) == 0 && lq.Search != "" && kept[i].s != kept[j].s {
			return kept[i].s > kept[j].s
		}
		if len(keys) == 0 {
			a, _ := kept[i].d["ID"].(string)
			b, _ := kept[j].d["ID"].(string)
			return a < b
		}
		return false
	})
	m, start, end := lq.PageOf(len(kept))
	out := []Doc{}
	for i := start; i < end; i++ {
		out = append(out, kept[i].d)
	}
	return out, m
}

// PageOf is the meta of the query's page among total items, and the
// page's [start, end) positions.
func (lq ListQuery) PageOf(total int) (m Meta, start, end int) {
	page, size := max(lq.Page, 1), lq.PageSize
	if size < 1 {
		size = DefaultPageSize
	}
	m = Meta{Page: page, PageSize: size, TotalCount: total,
		TotalPages: int(math.Ceil(float64(total) / float64(size)))}
	start, end = pageRange(page, size, total)
	m.ItemRange = [2]int{start + 1, end}
	return m, start, end
}

// pageRange is the [start, end) of a page among total items. ParseList
// refuses deep pages, but Apply is exported: a page whose start would
// overflow an int starts at total (an empty page) instead of wrapping
// to a negative index.
func pageRange(page, size, total int) (start, end int) {
	if page-1 > (math.MaxInt-size)/size {
		return total, total
	}
	start = (page - 1) * size
	return start, min(start+size, total)
}

// compareValues orders two stored values; nulls sort first.
func compareValues(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	if na, ok := a.(json.Number); ok {
		if nb, ok := b.(json.Number); ok {
			fa, _ := na.Float64()
			fb, _ := nb.Float64()
			return cmpFloat(fa, fb)
		}
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			switch {
			case ba == bb:
				return 0
			case !ba:
				return -1
			}
			return 1
		}
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			if ta, err := time.Parse(time.RFC3339Nano, sa); err == nil {
				if tb, err := time.Parse(time.RFC3339Nano, sb); err == nil {
					return ta.Compare(tb)
				}
			}
		}
	}
	return strings.Compare(strings.ToLower(text(a)), strings.ToLower(text(b)))
}

// CompareValues orders two stored values of the field at path as lists
// sort them: IDs by their bytes (the order of the table's keys), other
// values as compareValues does.
func CompareValues(path string, a, b any) int {
	if path == "ID" {
		sa, _ := a.(string)
		sb, _ := b.(string)
		return strings.Compare(sa, sb)
	}
	return compareValues(a, b)
}

// Page is a list response: Items rendered in model order.
type Page struct {
	Meta  Meta
	Items []any
}

// NewPage renders docs with a model.
func NewPage(m *contract.Model, docs []Doc, meta Meta) Page {
	items := make([]any, len(docs))
	for i, d := range docs {
		items[i] = Ordered{Model: m, Doc: d}
	}
	return Page{Meta: meta, Items: items}
}
