package expr

import (
	"errors"
	"testing"
)

func mustParse(t testing.TB, src string) *Expr {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

// wantCode checks that Parse refuses src with the given contract code and
// returns the error.
func wantCode(t *testing.T, src, code string) *Error {
	t.Helper()
	_, err := Parse(src)
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Errorf("Parse(%.60q) = %v; want %s", src, err, code)
		return nil
	}
	return e
}

// codeOf is the contract code of an *Error, "" for nil.
func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an *Error: " + err.Error()
	}
	return ""
}
