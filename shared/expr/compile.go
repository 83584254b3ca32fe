package expr

import (
	"strings"
	"time"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/shopspring/decimal"
)

// compiler turns the syntax tree into evaluable nodes, resolving every
// name and function once so evaluation never meets an unknown one.
type compiler struct {
	filters int             // how many filter arguments enclose the current node
	itemPos *lexer.Position // first use of the item token outside any filter
}

func compile(src string, cst *orCST) (*Expr, error) {
	c := &compiler{}
	root, err := c.or(cst)
	if err != nil {
		return nil, err
	}
	e := &Expr{src: src, root: root}
	if c.itemPos != nil {
		e.usesItem, e.itemPos = true, posOf(*c.itemPos)
	}
	return e, nil
}

func (c *compiler) or(x *orCST) (node, error) {
	first, err := c.and(x.Left)
	if err != nil || len(x.Right) == 0 {
		return first, err
	}
	n := &logicNode{pos: posOf(x.Pos), terms: []node{first}}
	for _, r := range x.Right {
		t, err := c.and(r)
		if err != nil {
			return nil, err
		}
		n.terms = append(n.terms, t)
	}
	return n, nil
}

func (c *compiler) and(x *andCST) (node, error) {
	first, err := c.not(x.Left)
	if err != nil || len(x.Right) == 0 {
		return first, err
	}
	n := &logicNode{pos: posOf(x.Pos), and: true, terms: []node{first}}
	for _, r := range x.Right {
		t, err := c.not(r)
		if err != nil {
			return nil, err
		}
		n.terms = append(n.terms, t)
	}
	return n, nil
}

func (c *compiler) not(x *notCST) (node, error) {
	if x.Not != nil {
		inner, err := c.not(x.Not)
		if err != nil {
			return nil, err
		}
		return &notNode{pos: posOf(x.Pos), x: inner}, nil
	}
	return c.cmp(x.Cmp)
}

func (c *compiler) cmp(x *cmpCST) (node, error) {
	left, err := c.sum(x.Left)
	if err != nil || x.Op == "" {
		return left, err
	}
	right, err := c.sum(x.Right)
	if err != nil {
		return nil, err
	}
	pos := posOf(x.Pos)
	// A string literal with a * is a pattern when tested for (in)equality:
	// the docs' item = 'tag*' means "starts with tag".
	if x.Op == "=" || x.Op == "<>" {
		if p, ok := patternOf(right); ok {
			return &globNode{pos: pos, x: left, pattern: p, negate: x.Op == "<>"}, nil
		}
		if p, ok := patternOf(left); ok {
			return &globNode{pos: pos, x: right, pattern: p, negate: x.Op == "<>"}, nil
		}
	}
	return &cmpNode{pos: pos, op: x.Op, l: left, r: right}, nil
}

func patternOf(n node) (string, bool) {
	if l, ok := n.(*litNode); ok {
		if s, ok := l.v.(string); ok && strings.Contains(s, "*") {
			return s, true
		}
	}
	return "", false
}

func (c *compiler) sum(x *sumCST) (node, error) {
	first, err := c.prod(x.Left)
	if err != nil || len(x.Rest) == 0 {
		return first, err
	}
	n := &arithNode{first: first}
	for _, t := range x.Rest {
		r, err := c.prod(t.Right)
		if err != nil {
			return nil, err
		}
		n.rest = append(n.rest, arithOp{pos: posOf(t.Pos), op: t.Op[0], x: r})
	}
	return n, nil
}

func (c *compiler) prod(x *prodCST) (node, error) {
	first, err := c.unary(x.Left)
	if err != nil || len(x.Rest) == 0 {
		return first, err
	}
	n := &arithNode{first: first}
	for _, t := range x.Rest {
		r, err := c.unary(t.Right)
		if err != nil {
			return nil, err
		}
		n.rest = append(n.rest, arithOp{pos: posOf(t.Pos), op: t.Op[0], x: r})
	}
	return n, nil
}

func (c *compiler) unary(x *unaryCST) (node, error) {
	if x.Neg == nil {
		return c.postfix(x.Post)
	}
	inner, err := c.unary(x.Neg)
	if err != nil {
		return nil, err
	}
	// Fold -literal so now(-30) and min(-1, x) carry a plain number.
	if l, ok := inner.(*litNode); ok {
		if d, ok := l.v.(decimal.Decimal); ok {
			return &litNode{v: d.Neg()}, nil
		}
	}
	return &negNode{pos: posOf(x.Pos), x: inner}, nil
}

func (c *compiler) postfix(x *postfixCST) (node, error) {
	p := x.Prim
	sels := x.Sels
	var base node
	switch {
	case p.Number != nil:
		if digits := len(*p.Number) - strings.Count(*p.Number, "."); digits > MaxDigits {
			return nil, errorf(CodeInvalidToken, p.Pos, "number has more than %d digits", MaxDigits)
		}
		base = &litNode{v: decimal.RequireFromString(*p.Number)}
	case p.String != nil:
		s := *p.String
		base = &litNode{v: strings.ReplaceAll(s[1:len(s)-1], "''", "'")}
	case p.Date != nil:
		t, ok := parseDateLiteral(strings.TrimSpace((*p.Date)[1 : len(*p.Date)-1]))
		if !ok {
			return nil, errorf(CodeInvalidToken, p.Pos, "invalid date %s", *p.Date)
		}
		base = &litNode{v: t}
	case p.Bool != nil:
		base = &litNode{v: strings.EqualFold(*p.Bool, "true")}
	case p.Sub != nil:
		n, err := c.or(p.Sub)
		if err != nil {
			return nil, err
		}
		base = n
	case p.Call != nil:
		n, err := c.function(*p.Name, p.Pos, p.Call)
		if err != nil {
			return nil, err
		}
		base = n
	default:
		n, rest, err := c.name(*p.Name, p.Pos, sels)
		if err != nil {
			return nil, err
		}
		base, sels = n, rest
	}
	if len(sels) == 0 {
		return base, nil
	}
	if _, ok := base.(*litNode); ok {
		return nil, errorf(CodeInvalidSyntax, sels[0].Pos, "a literal value has no properties")
	}
	chain := &chainNode{base: base}
	for _, s := range sels {
		st := step{pos: posOf(s.Pos), name: s.Name}
		if s.Call != nil {
			m, err := c.method(s)
			if err != nil {
				return nil, err
			}
			st.call = m
		}
		chain.steps = append(chain.steps, st)
	}
	return chain, nil
}

// name resolves the first name of a path. It returns the selectors it did
// not consume.
func (c *compiler) name(name string, pos lexer.Position, sels []*selCST) (node, []*selCST, error) {
	switch strings.ToLower(name) {
	case "order":
		if len(sels) > 0 && sels[0].Call != nil && strings.EqualFold(sels[0].Name, "approved") {
			n, err := c.approved(sels[0].Pos, sels[0].Call)
			return n, sels[1:], err
		}
		return orderNode{}, sels, nil
	case "items":
		if len(sels) == 0 || sels[0].Call == nil {
			return nil, nil, errorf(CodeInvalidSyntax, pos, "items can only be used through its functions, e.g. items.any(...)")
		}
		n, err := c.items(sels[0])
		return n, sels[1:], err
	case "item":
		if c.filters > 0 {
			return elemNode{}, sels, nil
		}
		if c.itemPos == nil {
			p := pos
			c.itemPos = &p
		}
		return itemNode{pos: posOf(pos)}, sels, nil
	}
	if c.filters > 0 {
		return &fieldNode{name: name}, sels, nil
	}
	return nil, nil, errorf(CodeInvalidToken, pos, "unknown name %q: a path starts with order, items or item", name)
}

// arity is the accepted argument count of a function: min to max.
type arity struct{ min, max int }

var (
	itemsFuncs = map[string]arity{"any": {0, 1}, "all": {0, 1}, "count": {0, 1}, "quantity": {0, 1}, "total": {0, 1}}
	methods    = map[string]arity{"contains": {1, 1}, "any": {0, 1}, "all": {0, 1}, "count": {0, 1},
		"incategory": {1, 1}, "inparentcategory": {1, 1}}
	functions = map[string]arity{"min": {2, 2}, "max": {2, 2}, "now": {0, 1}, "approved": {1, 1}}
	// filters are the functions whose argument is a condition tested on
	// each element rather than a value.
	filters = map[string]bool{"any": true, "all": true, "count": true, "quantity": true, "total": true}
)

func checkArity(table map[string]arity, name string, pos lexer.Position, args *argsCST) (string, error) {
	fn := strings.ToLower(name)
	a, ok := table[fn]
	if !ok {
		return "", errorf(CodeInvalidFunction, pos, "unknown function %q", name)
	}
	if n := len(args.Args); n < a.min || n > a.max {
		switch {
		case a.min == a.max:
			return "", errorf(CodeInvalidArguments, args.Pos, "%s takes %d argument(s), not %d", fn, a.min, n)
		default:
			return "", errorf(CodeInvalidArguments, args.Pos, "%s takes %d to %d arguments, not %d", fn, a.min, a.max, n)
		}
	}
	return fn, nil
}

func (c *compiler) args(fn string, a *argsCST) ([]node, error) {
	if filters[fn] {
		c.filters++
		defer func() { c.filters-- }()
	}
	out := make([]node, 0, len(a.Args))
	for _, x := range a.Args {
		n, err := c.or(x)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (c *compiler) items(s *selCST) (node, error) {
	fn, err := checkArity(itemsFuncs, s.Name, s.Pos, s.Call)
	if err != nil {
		return nil, err
	}
	args, err := c.args(fn, s.Call)
	if err != nil {
		return nil, err
	}
	n := &itemsNode{pos: posOf(s.Pos), fn: fn}
	if len(args) > 0 {
		n.filter = args[0]
	}
	return n, nil
}

func (c *compiler) method(s *selCST) (*call, error) {
	if strings.EqualFold(s.Name, "approved") {
		return nil, errorf(CodeInvalidFunction, s.Pos, "approved is a function of order only: order.approved('ruleID')")
	}
	fn, err := checkArity(methods, s.Name, s.Pos, s.Call)
	if err != nil {
		return nil, err
	}
	args, err := c.args(fn, s.Call)
	if err != nil {
		return nil, err
	}
	return &call{fn: fn, args: args}, nil
}

func (c *compiler) approved(pos lexer.Position, a *argsCST) (node, error) {
	if _, err := checkArity(functions, "approved", pos, a); err != nil {
		return nil, err
	}
	args, err := c.args("approved", a)
	if err != nil {
		return nil, err
	}
	return &funcNode{pos: posOf(pos), fn: "approved", args: args}, nil
}

func (c *compiler) function(name string, pos lexer.Position, a *argsCST) (node, error) {
	fn, err := checkArity(functions, name, pos, a)
	if err != nil {
		return nil, err
	}
	args, err := c.args(fn, a)
	if err != nil {
		return nil, err
	}
	return &funcNode{pos: posOf(pos), fn: fn, args: args}, nil
}

// dateLayouts are the forms accepted between # marks: the US month/day/year
// form the docs show, with an optional time, and ISO 8601. A date without a
// zone is UTC.
var dateLayouts = []string{
	"1/2/2006", "1/2/2006 15:04", "1/2/2006 15:04:05", "1/2/2006 3:04 PM", "1/2/2006 3:04:05 PM",
	"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339Nano,
}

func parseDateLiteral(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
