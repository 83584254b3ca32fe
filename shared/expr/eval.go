package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// MaxSteps bounds the work of one evaluation, to some tens of milliseconds.
// Filters multiply work (a filter inside items.any runs once per line item,
// and a filter inside that once per element of a list), so the bound is on
// nodes evaluated, not on the expression's size. A sensible rule over an
// order of a thousand line items takes some tens of thousands of steps.
const MaxSteps = 250_000

// divPrecision is the number of decimal places a quotient keeps. Callers
// round results to their currency; 20 places leave that rounding exact.
const divPrecision = 20

// Env is the data an expression is evaluated against. Documents are as the
// API stores them: JSON objects decoded with numbers as json.Number.
type Env struct {
	// Order is the order (for a seller approval rule, the order being
	// returned).
	Order map[string]any
	// Items are the order's line items, each with its Product.
	Items []map[string]any
	// Item is the line item a line-item-level promotion is being evaluated
	// for; nil otherwise.
	Item map[string]any
	// Now is the time now() counts from; the zero time means time.Now().
	Now time.Time
	// Approved reports whether the approval rule with the given ID has
	// approved the order. Nil means no rule has.
	Approved func(ruleID string) bool
	// InCategory reports whether a product is assigned to a category:
	// directly, or when descendants is true, to the category or any
	// category below it. Nil makes incategory and inparentcategory fail.
	InCategory func(productID, categoryID string, descendants bool) (bool, error)
}

// Expr is a parsed expression. It is immutable and safe for concurrent use.
type Expr struct {
	src      string
	root     node
	usesItem bool
	itemPos  Position
}

// String returns the source the expression was parsed from.
func (e *Expr) String() string { return e.src }

// An EvalError reports an expression that could not be evaluated against
// the given data: a value of the wrong type, a division by zero, or work
// beyond MaxSteps.
type EvalError struct {
	Pos Position
	Msg string
}

func (e *EvalError) Error() string { return fmt.Sprintf("expression at %s: %s", e.Pos, e.Msg) }

func evalErrorf(pos Position, format string, args ...any) *EvalError {
	return &EvalError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

var start = Position{Line: 1, Column: 1}

// Bool evaluates a rule or eligibility expression. A missing value is
// false; a value that is neither true, false nor missing is an error.
func (e *Expr) Bool(env Env) (bool, error) {
	v, err := e.eval(&env)
	if err != nil {
		return false, err
	}
	return truth(start, v)
}

// Decimal evaluates a value expression. A result that is missing or not a
// number is an error.
func (e *Expr) Decimal(env Env) (decimal.Decimal, error) {
	v, err := e.eval(&env)
	if err != nil {
		return decimal.Zero, err
	}
	if v == nil {
		return decimal.Zero, evalErrorf(start, "the expression has no value: a property it uses is missing")
	}
	d, ok := number(v)
	if !ok {
		return decimal.Zero, evalErrorf(start, "the expression gives %s, not a number", typeName(v))
	}
	return d, nil
}

func (e *Expr) eval(env *Env) (any, error) {
	s := &state{env: env, now: env.Now}
	if s.now.IsZero() {
		s.now = time.Now()
	}
	return s.eval(e.root, nil)
}

// state is one evaluation in progress.
type state struct {
	env   *Env
	now   time.Time
	steps int
}

// A node is an evaluable piece of a compiled expression. elem is the
// element the innermost enclosing filter is testing (nil outside filters).
//
// Values are nil (missing), bool, string, decimal.Decimal, time.Time,
// []any and map[string]any; see norm.
type node interface {
	eval(s *state, elem any) (any, error)
}

func (s *state) eval(n node, elem any) (any, error) {
	s.steps++
	if s.steps > MaxSteps {
		return nil, evalErrorf(start, "evaluation needs more than %d steps", MaxSteps)
	}
	return n.eval(s, elem)
}

type litNode struct{ v any }

func (n *litNode) eval(*state, any) (any, error) { return n.v, nil }

type orderNode struct{}

func (orderNode) eval(s *state, _ any) (any, error) {
	if s.env.Order == nil {
		return nil, nil
	}
	return s.env.Order, nil
}

type itemNode struct{ pos Position }

func (n itemNode) eval(s *state, _ any) (any, error) {
	if s.env.Item == nil {
		return nil, evalErrorf(n.pos, "item is defined only when evaluating a line-item-level promotion for a line item")
	}
	return s.env.Item, nil
}

// elemNode is the item token inside a filter: the element being tested.
type elemNode struct{}

func (elemNode) eval(_ *state, elem any) (any, error) { return elem, nil }

// fieldNode is a bare name inside a filter: a property of the element.
type fieldNode struct{ name string }

func (n *fieldNode) eval(_ *state, elem any) (any, error) { return prop(elem, n.name), nil }

type step struct {
	pos  Position
	name string
	call *call // nil for a property
}

type call struct {
	fn   string
	args []node
}

// chainNode is a path: properties and method calls applied in turn.
type chainNode struct {
	base  node
	steps []step
}

func (n *chainNode) eval(s *state, elem any) (any, error) {
	v, err := s.eval(n.base, elem)
	if err != nil {
		return nil, err
	}
	for _, st := range n.steps {
		if st.call == nil {
			v = prop(v, st.name)
			continue
		}
		if v, err = s.method(st, v, elem); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *state) method(st step, recv, elem any) (any, error) {
	c := st.call
	switch c.fn {
	case "contains":
		list, err := asList(st.pos, c.fn, recv)
		if err != nil {
			return nil, err
		}
		want, err := s.eval(c.args[0], elem)
		if err != nil {
			return nil, err
		}
		return slices.ContainsFunc(list, func(x any) bool { return equal(norm(x), want) }), nil
	case "any", "all", "count":
		list, err := asList(st.pos, c.fn, recv)
		if err != nil {
			return nil, err
		}
		var filter node
		if len(c.args) > 0 {
			filter = c.args[0]
		}
		return s.aggregate(st.pos, c.fn, len(list), func(i int) any { return norm(list[i]) }, filter)
	case "incategory", "inparentcategory":
		return s.inCategory(st.pos, c, recv, elem)
	}
	return nil, evalErrorf(st.pos, "unknown function %q", c.fn)
}

// aggregate applies a filter function to n elements.
func (s *state) aggregate(pos Position, fn string, n int, at func(int) any, filter node) (any, error) {
	count, qty, total := 0, decimal.Zero, decimal.Zero
	for i := range n {
		el := at(i)
		ok := true
		if filter != nil {
			v, err := s.eval(filter, el)
			if err != nil {
				return nil, err
			}
			if ok, err = truth(pos, v); err != nil {
				return nil, err
			}
		}
		switch {
		case fn == "any" && ok:
			return true, nil
		case fn == "all" && !ok:
			return false, nil
		case ok && fn == "quantity":
			qty = qty.Add(numberOr0(prop(el, "Quantity")))
		case ok && fn == "total":
			total = total.Add(lineSubtotal(el))
		case ok:
			count++
		}
	}
	switch fn {
	case "any":
		return false, nil
	case "all":
		return true, nil
	case "quantity":
		return qty, nil
	case "total":
		return total, nil
	}
	return decimal.NewFromInt(int64(count)), nil
}

// lineSubtotal is what items.total adds up for a line item: its subtotal
// before promotion discounts, so that the docs' BOGO value
// items.total(...) / items.quantity(...) is a unit price.
func lineSubtotal(item any) decimal.Decimal {
	if v := prop(item, "LineSubtotal"); v != nil {
		return numberOr0(v)
	}
	return numberOr0(prop(item, "LineTotal"))
}

type itemsNode struct {
	pos    Position
	fn     string
	filter node // nil when the function was called without one
}

func (n *itemsNode) eval(s *state, _ any) (any, error) {
	items := s.env.Items
	return s.aggregate(n.pos, n.fn, len(items), func(i int) any {
		if items[i] == nil {
			return nil
		}
		return items[i]
	}, n.filter)
}

func (s *state) inCategory(pos Position, c *call, recv, elem any) (any, error) {
	if recv == nil {
		return false, nil
	}
	m, ok := recv.(map[string]any)
	if !ok {
		return nil, evalErrorf(pos, "%s applies to a product or line item, not to %s", c.fn, typeName(recv))
	}
	// A line item names its product by ProductID, a product by ID.
	id, _ := prop(m, "ProductID").(string)
	if id == "" {
		id, _ = prop(m, "ID").(string)
	}
	arg, err := s.eval(c.args[0], elem)
	if err != nil {
		return nil, err
	}
	cat, ok := arg.(string)
	if !ok {
		return nil, evalErrorf(pos, "%s takes a category ID, not %s", c.fn, typeName(arg))
	}
	if id == "" {
		return false, nil
	}
	if s.env.InCategory == nil {
		return nil, evalErrorf(pos, "%s is not available here: no category data", c.fn)
	}
	in, err := s.env.InCategory(id, cat, c.fn == "inparentcategory")
	if err != nil {
		return nil, err
	}
	return in, nil
}

type funcNode struct {
	pos  Position
	fn   string
	args []node
}

func (n *funcNode) eval(s *state, elem any) (any, error) {
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := s.eval(a, elem)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	switch n.fn {
	case "min", "max":
		if args[0] == nil || args[1] == nil {
			return nil, nil
		}
		a, aok := number(args[0])
		b, bok := number(args[1])
		if !aok || !bok {
			return nil, evalErrorf(n.pos, "%s compares numbers, not %s and %s", n.fn, typeName(args[0]), typeName(args[1]))
		}
		if (n.fn == "min") == (a.Cmp(b) <= 0) {
			return a, nil
		}
		return b, nil
	case "now":
		if len(args) == 0 {
			return s.now, nil
		}
		d, ok := number(args[0])
		if !ok || !d.IsInteger() || d.Abs().GreaterThan(decimal.NewFromInt(1_000_000)) {
			return nil, evalErrorf(n.pos, "now takes a whole number of days, not %v", args[0])
		}
		return s.now.AddDate(0, 0, int(d.IntPart())), nil
	case "approved":
		id, ok := args[0].(string)
		if !ok {
			return nil, evalErrorf(n.pos, "approved takes an approval rule ID, not %s", typeName(args[0]))
		}
		return s.env.Approved != nil && s.env.Approved(id), nil
	}
	return nil, evalErrorf(n.pos, "unknown function %q", n.fn)
}

// logicNode is a run of "and" or of "or", evaluated left to right and
// stopping as soon as the result is known.
type logicNode struct {
	pos   Position
	and   bool
	terms []node
}

func (n *logicNode) eval(s *state, elem any) (any, error) {
	for _, t := range n.terms {
		v, err := s.eval(t, elem)
		if err != nil {
			return nil, err
		}
		b, err := truth(n.pos, v)
		if err != nil {
			return nil, err
		}
		if b != n.and {
			return b, nil
		}
	}
	return n.and, nil
}

type notNode struct {
	pos Position
	x   node
}

func (n *notNode) eval(s *state, elem any) (any, error) {
	v, err := s.eval(n.x, elem)
	if err != nil {
		return nil, err
	}
	b, err := truth(n.pos, v)
	return !b, err
}

type cmpNode struct {
	pos  Position
	op   string
	l, r node
}

func (n *cmpNode) eval(s *state, elem any) (any, error) {
	a, err := s.eval(n.l, elem)
	if err != nil {
		return nil, err
	}
	b, err := s.eval(n.r, elem)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "=":
		return equal(a, b), nil
	case "<>":
		return !equal(a, b), nil
	}
	c, ok := order(a, b)
	if !ok {
		return false, nil
	}
	switch n.op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

// globNode compares a value with a string literal containing *, which
// matches any run of characters.
type globNode struct {
	pos     Position
	x       node
	pattern string
	negate  bool
}

func (n *globNode) eval(s *state, elem any) (any, error) {
	v, err := s.eval(n.x, elem)
	if err != nil {
		return nil, err
	}
	str, ok := v.(string)
	return (ok && glob(n.pattern, str)) != n.negate, nil
}

// glob reports whether s matches pattern, where * matches any run of
// characters. It backtracks only to the last *, so it runs in
// O(len(pattern)*len(s)) at worst.
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

type arithOp struct {
	pos Position
	op  byte
	x   node
}

// arithNode is a run of + and - or of *, / and %, applied left to right.
type arithNode struct {
	first node
	rest  []arithOp
}

func (n *arithNode) eval(s *state, elem any) (any, error) {
	v, err := s.eval(n.first, elem)
	if err != nil {
		return nil, err
	}
	for _, o := range n.rest {
		w, err := s.eval(o.x, elem)
		if err != nil {
			return nil, err
		}
		if v, err = arith(o.pos, o.op, v, w); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// arith applies one operator. A missing operand makes the result missing.
func arith(pos Position, op byte, a, b any) (any, error) {
	if a == nil || b == nil {
		return nil, nil
	}
	x, xok := number(a)
	y, yok := number(b)
	if !xok || !yok {
		return nil, evalErrorf(pos, "%c needs numbers, not %s and %s", op, typeName(a), typeName(b))
	}
	switch op {
	case '+':
		return x.Add(y), nil
	case '-':
		return x.Sub(y), nil
	case '*':
		return x.Mul(y), nil
	}
	if y.IsZero() {
		return nil, evalErrorf(pos, "division by zero")
	}
	if op == '/' {
		return x.DivRound(y, divPrecision), nil
	}
	return x.Mod(y), nil
}

type negNode struct {
	pos Position
	x   node
}

func (n *negNode) eval(s *state, elem any) (any, error) {
	v, err := s.eval(n.x, elem)
	if err != nil || v == nil {
		return nil, err
	}
	d, ok := number(v)
	if !ok {
		return nil, evalErrorf(n.pos, "- needs a number, not %s", typeName(v))
	}
	return d.Neg(), nil
}

// Values.

// norm converts a value read from a document to the evaluator's types.
// A number that is not a number, or is too large to compute with safely,
// reads as missing.
func norm(v any) any {
	switch x := v.(type) {
	case nil, bool, string, decimal.Decimal, time.Time, []any, map[string]any:
		return x
	case json.Number:
		if d, ok := parseNumber(string(x)); ok {
			return d
		}
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return decimal.NewFromFloat(x)
	case float32:
		return norm(float64(x))
	case int:
		return decimal.NewFromInt(int64(x))
	case int64:
		return decimal.NewFromInt(x)
	case int32:
		return decimal.NewFromInt(int64(x))
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out
	}
	return v
}

// Bounds on numbers read from data, so that no stored value can make
// decimal arithmetic allocate without limit.
const (
	maxNumberText = 100
	maxExponent   = 1000
)

func parseNumber(s string) (decimal.Decimal, bool) {
	if len(s) > maxNumberText {
		return decimal.Zero, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.Exponent() > maxExponent || d.Exponent() < -maxExponent {
		return decimal.Zero, false
	}
	return d, true
}

// number reads a value as a number: a number, or a string holding one
// (xp often stores numbers as strings).
func number(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, true
	case string:
		return parseNumber(strings.TrimSpace(x))
	}
	return decimal.Zero, false
}

func numberOr0(v any) decimal.Decimal {
	d, _ := number(v)
	return d
}

// prop reads a property of an object. Names match exactly first and then
// without regard to case, as the docs write both order.FromUser and
// Order.DateCompleted, Product.xp and product.xp. Anything else reads as
// missing.
func prop(v any, name string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if x, ok := m[name]; ok {
		return norm(x)
	}
	// Of several keys that differ only in case, take the least, so the
	// answer does not depend on map order.
	best, found := "", false
	for k := range m {
		if strings.EqualFold(k, name) && (!found || k < best) {
			best, found = k, true
		}
	}
	if !found {
		return nil
	}
	return norm(m[best])
}

func asList(pos Position, fn string, v any) ([]any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil // a missing list has no elements
	case []any:
		return x, nil
	}
	return nil, evalErrorf(pos, "%s applies to a list, not to %s", fn, typeName(v))
}

func truth(pos Position, v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return false, nil
	}
	return false, evalErrorf(pos, "expected true or false, got %s", typeName(v))
}

// equal is =: numbers by value, dates by instant, strings exactly, true and
// false, and missing equal only to missing. Values of different kinds are
// not equal.
func equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if x, ok := a.(bool); ok {
		y, ok := b.(bool)
		return ok && x == y
	}
	c, ok := order(a, b)
	return ok && c == 0
}

// order compares two numbers, two dates or two strings. A number and a
// string holding a number compare as numbers; a date and a string holding
// an ISO 8601 date compare as dates. ok is false for anything else.
func order(a, b any) (c int, ok bool) {
	switch x := a.(type) {
	case decimal.Decimal:
		if y, ok := number(b); ok {
			return x.Cmp(y), true
		}
	case time.Time:
		if y, ok := asTime(b); ok {
			return x.Compare(y), true
		}
	case string:
		switch y := b.(type) {
		case decimal.Decimal:
			if x, ok := number(x); ok {
				return x.Cmp(y), true
			}
		case time.Time:
			if x, ok := asTime(x); ok {
				return x.Compare(y), true
			}
		case string:
			if tx, ok := asTime(x); ok {
				if ty, ok := asTime(y); ok {
					return tx.Compare(ty), true
				}
			}
			return strings.Compare(x, y), true
		}
	}
	return 0, false
}

// timeLayouts are the ISO 8601 forms dates take in stored documents.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}

func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		// Cheap test first: every layout starts yyyy-.
		if len(x) < 10 || x[4] != '-' {
			return time.Time{}, false
		}
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "a missing value"
	case bool:
		return "true/false"
	case string:
		return "text"
	case decimal.Decimal:
		return "a number"
	case time.Time:
		return "a date"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
