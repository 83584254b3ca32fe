package expr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Bounds on what Parse accepts. They keep hostile input from costing more
// than a few milliseconds: the parser recurses once per nesting level, and
// every level of parentheses or prefix operator is a level.
const (
	// MaxLength is the longest source Parse accepts, in bytes. OrderCloud
	// caps promotion expressions at 400 characters; approval rules have no
	// documented cap, so this leaves room for long lists of IDs.
	MaxLength = 8000
	// MaxDepth bounds nesting: open parentheses (including function call
	// parentheses) plus runs of prefix "not" and "-".
	MaxDepth = 32
	// MaxDigits bounds the digits of a number literal; .NET decimals, which
	// OrderCloud uses, hold 28 or 29 significant digits.
	MaxDigits = 28
)

// The contract's error codes for an expression that cannot be saved.
const (
	CodeInvalidSyntax    = "Expression.InvalidSyntax"
	CodeInvalidToken     = "Expression.InvalidToken"
	CodeInvalidFunction  = "Expression.InvalidFunction"
	CodeInvalidArguments = "Expression.InvalidArguments"
	CodeItemNotAllowed   = "Expression.ItemNotAllowed"
	CodeItemRequired     = "Expression.ItemRequired"
)

// A Position is a place in an expression's source.
type Position struct {
	Offset int // byte offset, starting at 0
	Line   int // line number, starting at 1
	Column int // column in characters, starting at 1
}

func (p Position) String() string {
	if p.Line <= 1 {
		return fmt.Sprintf("column %d", p.Column)
	}
	return fmt.Sprintf("line %d, column %d", p.Line, p.Column)
}

func posOf(p lexer.Position) Position {
	return Position{Offset: p.Offset, Line: p.Line, Column: p.Column}
}

// An Error reports an expression that cannot be accepted: bad syntax, an
// unknown name or function, or (from Check) the wrong use of the item token.
type Error struct {
	Code string // the contract's error code, one of the Code constants
	Pos  Position
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s at %s: %s", e.Code, e.Pos, e.Msg)
}

func errorf(code string, pos lexer.Position, format string, args ...any) *Error {
	return &Error{Code: code, Pos: posOf(pos), Msg: fmt.Sprintf(format, args...)}
}

// The concrete syntax tree that participle fills in. Each struct is one
// rule of the grammar in the package comment; compile turns the tree into
// the nodes that are evaluated.

type orCST struct {
	Pos   lexer.Position
	Left  *andCST   `parser:"@@"`
	Right []*andCST `parser:"( 'or' @@ )*"`
}

type andCST struct {
	Pos   lexer.Position
	Left  *notCST   `parser:"@@"`
	Right []*notCST `parser:"( 'and' @@ )*"`
}

type notCST struct {
	Pos lexer.Position
	Not *notCST `parser:"'not' @@"`
	Cmp *cmpCST `parser:"| @@"`
}

type cmpCST struct {
	Pos   lexer.Position
	Left  *sumCST `parser:"@@"`
	Op    string  `parser:"( @( '=' | '<>' | '<=' | '>=' | '<' | '>' )"`
	Right *sumCST `parser:"@@ )?"`
}

type sumCST struct {
	Left *prodCST  `parser:"@@"`
	Rest []*opTerm `parser:"@@*"`
}

type opTerm struct {
	Pos   lexer.Position
	Op    string   `parser:"@( '+' | '-' )"`
	Right *prodCST `parser:"@@"`
}

type prodCST struct {
	Left *unaryCST   `parser:"@@"`
	Rest []*opFactor `parser:"@@*"`
}

type opFactor struct {
	Pos   lexer.Position
	Op    string    `parser:"@( '*' | '/' | '%' )"`
	Right *unaryCST `parser:"@@"`
}

type unaryCST struct {
	Pos  lexer.Position
	Neg  *unaryCST   `parser:"'-' @@"`
	Post *postfixCST `parser:"| @@"`
}

type postfixCST struct {
	Pos  lexer.Position
	Prim *primaryCST `parser:"@@"`
	Sels []*selCST   `parser:"@@*"`
}

type selCST struct {
	Pos  lexer.Position
	Name string   `parser:"'.' @Ident"`
	Call *argsCST `parser:"@@?"`
}

type argsCST struct {
	Pos  lexer.Position
	Open string   `parser:"@'('"`
	Args []*orCST `parser:"( @@ ( ',' @@ )* )? ')'"`
}

type primaryCST struct {
	Pos    lexer.Position
	Number *string  `parser:"@Number"`
	String *string  `parser:"| @String"`
	Date   *string  `parser:"| @Date"`
	Bool   *string  `parser:"| @( 'true' | 'false' )"`
	Sub    *orCST   `parser:"| '(' @@ ')'"`
	Name   *string  `parser:"| @Ident"`
	Call   *argsCST `parser:"@@?"`
}

var lex = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "Date", Pattern: `#[^#\n]*#`},
	{Name: "Number", Pattern: `\d+(?:\.\d+)?|\.\d+`},
	{Name: "String", Pattern: `'(?:[^']|'')*'`},
	{Name: "Ident", Pattern: `[\p{L}_][\p{L}\p{N}_]*`},
	{Name: "Op", Pattern: `<>|<=|>=|[-+*/%=<>(),.]`},
})

var parser = participle.MustBuild[orCST](
	participle.Lexer(lex),
	participle.Elide("Whitespace"),
	// Keywords are words, so "AND" and "And" are "and"; property names
	// are matched without regard to case as well (see prop).
	participle.CaseInsensitive("Ident"),
)

// Parse parses an expression, resolves its names and functions, and returns
// it ready to evaluate. A failure is an *Error carrying the contract code.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLength {
		return nil, &Error{Code: CodeInvalidSyntax, Pos: Position{Offset: MaxLength, Line: 1, Column: MaxLength},
			Msg: fmt.Sprintf("expression is longer than %d bytes", MaxLength)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Code: CodeInvalidSyntax, Pos: Position{Line: 1, Column: 1}, Msg: "expression is empty"}
	}
	if err := scan(src); err != nil {
		return nil, err
	}
	cst, err := parser.ParseString("", src)
	if err != nil {
		return nil, syntaxError(err)
	}
	return compile(src, cst)
}

// scan lexes src ahead of the parser to report bad tokens with their own
// code, and to refuse nesting deeper than MaxDepth before the parser
// recurses into it.
func scan(src string) error {
	toks, err := parser.Lex("", strings.NewReader(src))
	if err != nil {
		var le *lexer.Error
		if errors.As(err, &le) {
			return errorf(CodeInvalidToken, le.Pos, "invalid token %s", describeAt(src, le.Pos.Offset))
		}
		return &Error{Code: CodeInvalidToken, Pos: Position{Line: 1, Column: 1}, Msg: err.Error()}
	}
	// open holds, per open parenthesis, the depth it added: one for itself
	// plus the prefix operators right before it, which stay open with it.
	var open []int
	depth, run := 0, 0
	space := lex.Symbols()["Whitespace"]
	for _, t := range toks {
		switch v := strings.ToLower(t.Value); {
		case t.EOF(), t.Type == space:
		case v == "(":
			open = append(open, run+1)
			depth += run + 1
			run = 0
		case v == ")":
			if n := len(open); n > 0 {
				depth -= open[n-1]
				open = open[:n-1]
			}
			run = 0
		case v == "not" || v == "-":
			run++
		default:
			run = 0
		}
		if depth+run > MaxDepth {
			return errorf(CodeInvalidSyntax, t.Pos, "expression is nested more than %d levels deep", MaxDepth)
		}
	}
	return nil
}

// describeAt quotes the character at offset for an error message.
func describeAt(src string, offset int) string {
	if offset >= len(src) {
		return "at end of expression"
	}
	r, _ := utf8.DecodeRuneInString(src[offset:])
	switch r {
	case '\'':
		return "(unterminated string)"
	case '#':
		return "(unterminated date)"
	}
	return fmt.Sprintf("%q", r)
}

func syntaxError(err error) error {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		if ute.Unexpected.EOF() {
			return errorf(CodeInvalidSyntax, ute.Unexpected.Pos, "unexpected end of expression")
		}
		return errorf(CodeInvalidSyntax, ute.Unexpected.Pos, "unexpected %q", ute.Unexpected.Value)
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		return errorf(CodeInvalidSyntax, pe.Position(), "%s", pe.Message())
	}
	return &Error{Code: CodeInvalidSyntax, Pos: Position{Line: 1, Column: 1}, Msg: err.Error()}
}
