package expr

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src          string
		code         string
		line, column int
	}{
		{"", CodeInvalidSyntax, 1, 1},
		{"   ", CodeInvalidSyntax, 1, 1},
		{"order.Total >", CodeInvalidSyntax, 1, 14},
		{"order.Total > 200 and", CodeInvalidSyntax, 1, 22},
		{"(order.Total > 1", CodeInvalidSyntax, 1, 17},
		{"order.Total > 1)", CodeInvalidSyntax, 1, 16},
		{"order.Total == 1", CodeInvalidSyntax, 1, 14},
		{"order.Total > 1 2", CodeInvalidSyntax, 1, 17},
		{"1 < 2 < 3", CodeInvalidSyntax, 1, 7}, // comparisons do not chain
		{"items.any(ProductID = 'x',)", CodeInvalidSyntax, 1, 26},
		{"items = 1", CodeInvalidSyntax, 1, 1},
		{"items.any", CodeInvalidSyntax, 1, 1},
		{"5.Foo = 1", CodeInvalidSyntax, 1, 2},
		{"'a'.Length = 1", CodeInvalidSyntax, 1, 4},
		{"order.Total > 1\nand )", CodeInvalidSyntax, 2, 5},
		{"order.Total != 1", CodeInvalidToken, 1, 13}, // <> is the docs' "not equal"
		{"order.Total > 1 && true", CodeInvalidToken, 1, 17},
		{`order.Name = "x"`, CodeInvalidToken, 1, 14},
		{"order.Name = 'x", CodeInvalidToken, 1, 14},
		{"order.DateCompleted < #6/15/2016", CodeInvalidToken, 1, 23},
		{"order.DateCompleted < #13/45/2016#", CodeInvalidToken, 1, 23},
		{"order.DateCompleted < #tomorrow#", CodeInvalidToken, 1, 23},
		{"foo.bar = 1", CodeInvalidToken, 1, 1},
		{"Total > 1", CodeInvalidToken, 1, 1},
		{"product.incategory('x')", CodeInvalidToken, 1, 1}, // product is a name only inside items filters
		{"order.Total > 12345678901234567890123456789", CodeInvalidToken, 1, 15},
		{"items.sum(ProductID = 'x') > 1", CodeInvalidFunction, 1, 6},
		{"order.xp.Tags.has('x')", CodeInvalidFunction, 1, 14},
		{"order.xp.approved('x')", CodeInvalidFunction, 1, 9},
		{"item.approved('x')", CodeInvalidFunction, 1, 5},
		{"round(order.Total) > 1", CodeInvalidFunction, 1, 1},
		{"items(1)", CodeInvalidFunction, 1, 1},
		{"min(1, 2, 3) = 1", CodeInvalidArguments, 1, 4},
		{"max(1) = 1", CodeInvalidArguments, 1, 4},
		{"order.xp.Tags.contains()", CodeInvalidArguments, 1, 23},
		{"order.xp.Tags.any(item = 1, item = 2)", CodeInvalidArguments, 1, 18},
		{"items.total(1, 2) > 1", CodeInvalidArguments, 1, 12},
		{"now(1, 2) > now()", CodeInvalidArguments, 1, 4},
		{"order.approved() ", CodeInvalidArguments, 1, 15},
	}
	for _, tt := range tests {
		e := wantCode(t, tt.src, tt.code)
		if e == nil {
			continue
		}
		if e.Pos.Line != tt.line || e.Pos.Column != tt.column {
			t.Errorf("Parse(%q): %v; want line %d, column %d", tt.src, e, tt.line, tt.column)
		}
		if !strings.HasPrefix(e.Error(), tt.code+" at ") {
			t.Errorf("Error() = %q", e.Error())
		}
	}
}

// TestContractCodes checks that every code this package reports is one the
// contract defines.
func TestContractCodes(t *testing.T) {
	raw, err := os.ReadFile("../contract/data/error-codes.json")
	if err != nil {
		t.Skip("contract not found:", err)
	}
	var list []struct{ Code string }
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range list {
		known[c.Code] = true
	}
	for _, c := range []string{CodeInvalidSyntax, CodeInvalidToken, CodeInvalidFunction, CodeInvalidArguments, CodeItemNotAllowed, CodeItemRequired} {
		if !known[c] {
			t.Errorf("%s is not in the contract's error codes", c)
		}
	}
}

// TestHostile feeds inputs meant to exhaust the parser or the evaluator;
// each must be answered quickly, with an error where it is over a bound.
func TestHostile(t *testing.T) {
	deadline := func(name string, start time.Time) {
		t.Helper()
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}

	start := time.Now()
	wantCode(t, strings.Repeat("order.Total > 1 or ", 100<<10/19)+"true", CodeInvalidSyntax) // 100 KB
	wantCode(t, strings.Repeat("(", 100<<10), CodeInvalidSyntax)
	wantCode(t, strings.Repeat("(", MaxDepth+1)+"1"+strings.Repeat(")", MaxDepth+1)+" = 1", CodeInvalidSyntax)
	wantCode(t, strings.Repeat("not ", MaxDepth+1)+"true", CodeInvalidSyntax)
	wantCode(t, strings.Repeat("-", MaxDepth+1)+"1 = 1", CodeInvalidSyntax)
	wantCode(t, strings.Repeat("not (", MaxDepth/2+1)+"true"+strings.Repeat(")", MaxDepth/2+1), CodeInvalidSyntax)
	wantCode(t, strings.Repeat("min(1, ", MaxDepth+1)+"1"+strings.Repeat(")", MaxDepth+1)+" = 1", CodeInvalidSyntax)
	wantCode(t, "1"+strings.Repeat("0", MaxLength-10)+" = 1", CodeInvalidToken)
	wantCode(t, "order.Name = '"+strings.Repeat("x", MaxLength), CodeInvalidSyntax)
	deadline("refusals", start)

	// Just inside the bounds parses and evaluates.
	start = time.Now()
	for _, src := range []string{
		strings.Repeat("(", MaxDepth-1) + "1" + strings.Repeat(")", MaxDepth-1) + " = 1",
		strings.Repeat("not ", MaxDepth-2) + "true",
		"1" + strings.Repeat(" + 1", (MaxLength-10)/4) + " > 0",                        // a long flat chain
		strings.Repeat("order.Total > 1 and ", (MaxLength-20)/20) + "true",             // ~400 terms
		"order" + strings.Repeat(".a", (MaxLength-10)/2) + " = 1",                      // a long path
		"not " + strings.Repeat("order.xp.MyCustomProperty = 'no' or ", 200) + "false", // long or
		strings.Repeat("1", MaxDigits) + " > 0",
		"order.xp.Tags.any(item = '" + strings.Repeat("*a", 1000) + "')", // a pattern that backtracks
	} {
		if len(src) > MaxLength {
			t.Fatalf("test input is %d bytes", len(src))
		}
		if _, err := mustParse(t, src).Bool(env(0)); err != nil {
			t.Errorf("%.40q...: %v", src, err)
		}
	}
	deadline("inputs within bounds", start)

	// Filters inside filters multiply work; MaxSteps stops them.
	e := env(-1)
	for i := 0; len(e.Items) < 200; i++ {
		e.Items = append(e.Items, e.Items[i%3])
	}
	start = time.Now()
	src := "items.any(items.any(items.any(items.any(order.Total < 0))))"
	if _, err := mustParse(t, src).Bool(e); !isEvalError(err) {
		t.Errorf("%q: got %v; want an *EvalError for too many steps", src, err)
	}
	deadline("nested filters", start)

	// A pattern that backtracks against long text stays polynomial.
	start = time.Now()
	long := map[string]any{"xp": map[string]any{"S": strings.Repeat("a", 20000)}}
	if got, err := mustParse(t, "order.xp.S = '"+strings.Repeat("*a", 200)+"*b'").Bool(Env{Order: long}); err != nil || got {
		t.Errorf("backtracking pattern: %v, %v", got, err)
	}
	deadline("backtracking pattern", start)

	// Numbers in data too large to compute with read as missing.
	huge := map[string]any{"A": json.Number("1e999999999"), "B": json.Number(strings.Repeat("9", 200))}
	for _, src := range []string{"order.A + 1 > 0", "order.B * order.B > 0"} {
		if got, err := mustParse(t, src).Bool(Env{Order: huge}); err != nil || got {
			t.Errorf("%q on huge numbers: %v, %v", src, got, err)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "abc", true},
		{"a*", "abc", true},
		{"a*", "bac", false},
		{"*c", "abc", true},
		{"a*c", "abbbc", true},
		{"a*c", "abcd", false},
		{"a**c", "ac", true},
		{"*b*", "abc", true},
		{"*x*", "abc", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"tag*", "tag", true},
		{"tag*", "ta", false},
	}
	for _, tt := range tests {
		if got := glob(tt.pattern, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}
