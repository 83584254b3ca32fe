package api

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	big := func(n int) string { return `{"Name":"` + strings.Repeat("x", n-len(`{"Name":""}`)) + `"}` }
	cases := []struct {
		name, body string
		ok         bool
		message    string // part of the error message
	}{
		{"object", `{"ID":"a"}`, true, ""},
		{"at the bound", big(MaxBodyBytes), true, ""},
		{"one byte past the bound", big(MaxBodyBytes + 1), false, "256 KiB"},
		{"600 KB", big(600 << 10), false, "256 KiB"},
		{"empty", "", false, ""},
		{"blank", " \n", false, ""},
		{"array", `[1]`, false, "Expected a JSON object."},
		{"malformed", `{"ID":`, false, "Malformed JSON."},
		{"trailing data", `{} {}`, false, "Malformed JSON."},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), false, ""},
	}
	for _, c := range cases {
		_, err := ReadBody(strings.NewReader(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s: got %v, want ok=%v", c.name, err, c.ok)
			continue
		}
		if err != nil && (err.Status != 400 || err.Code != "Request.InvalidRequestBody" || !strings.Contains(err.Message, c.message)) {
			t.Errorf("%s: %+v", c.name, err)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadBodyReadError(t *testing.T) {
	if _, err := ReadBody(io.MultiReader(strings.NewReader(`{"a":`), failingReader{})); err == nil || err.Status != 400 {
		t.Errorf("a body that cannot be read is a 400: %v", err)
	}
}
