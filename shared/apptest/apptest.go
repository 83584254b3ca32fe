// Package apptest runs the API against real DynamoDB Local for integration
// tests: one DynamoDB Local per test binary (or DYNAMODB_ENDPOINT when set,
// as `make test` does), a fresh table per test, so tests run in parallel
// without sharing data.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/app"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/localdynamo"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

// Main starts DynamoDB Local (unless DYNAMODB_ENDPOINT is set) around m.Run.
func Main(m *testing.M) {
	if os.Getenv("DYNAMODB_ENDPOINT") == "" {
		in, err := localdynamo.Start(context.Background(), localdynamo.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "apptest:", err)
			os.Exit(1)
		}
		os.Setenv("DYNAMODB_ENDPOINT", in.Endpoint)
		code := m.Run()
		in.Stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// Admin credentials every test marketplace is bootstrapped with.
const (
	AdminUsername = "admin"
	AdminPassword = "Adm1nPassw0rd"
	ClientID      = "TEST-ADMIN-CLIENT"
	ClientSecret  = "test-admin-secret"
)

// Env is one isolated marketplace served over HTTP.
type Env struct {
	T     testing.TB
	URL   string
	App   *app.App
	Store *dynamo.Store
	Table string

	enableStream func() error
}

var tableSeq atomic.Int64

// New creates a table, bootstraps a marketplace in it and serves the API.
func New(t testing.TB) *Env {
	t.Helper()
	ctx := context.Background()
	client, err := dynamo.NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("t%d_%d_%s", time.Now().UnixNano()%1e9, tableSeq.Add(1), strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if len(table) > 200 {
		table = table[:200]
	}
	if _, err := dynamo.EnsureStreamlessTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	// A test's data goes with it, so a DynamoDB Local serving a whole run
	// holds only the running tests' tables.
	t.Cleanup(func() {
		dynamo.DeleteTable(context.Background(), client, table)
	})
	st := dynamo.New(client, table)
	a, err := app.New(ctx, app.Config{Store: st, Keys: &auth.MemoryKeyStore{}, CreateKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Bootstrap(ctx, app.BootstrapInput{Username: AdminUsername, Password: AdminPassword, ClientID: ClientID, ClientSecret: ClientSecret}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Gateway())
	t.Cleanup(srv.Close)
	return &Env{T: t, URL: srv.URL, App: a, Store: st, Table: table,
		enableStream: func() error { return dynamo.EnableStream(context.Background(), client, table) }}
}

// EnableStream turns on the table's stream, for a test that runs the
// stream's consumers (tables are made without one: see
// dynamo.EnsureStreamlessTable). Writes before the call are not in it.
func (e *Env) EnableStream() {
	e.T.Helper()
	if err := e.enableStream(); err != nil {
		e.T.Fatal(err)
	}
}

// Resp is a decoded response.
type Resp struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// Do sends a JSON request with an optional bearer token.
func (e *Env) Do(method, path, token string, body any) Resp {
	e.T.Helper()
	return e.DoWith(method, path, token, nil, body)
}

// DoWith is Do with extra request headers.
func (e *Env) DoWith(method, path, token string, header http.Header, body any) Resp {
	e.T.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return e.send(req)
}

func (e *Env) send(req *http.Request) Resp {
	e.T.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := Resp{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		_ = d.Decode(&r.Body)
	}
	return r
}

// Token posts a form to /oauth/token.
func (e *Env) Token(form url.Values) Resp {
	e.T.Helper()
	req, _ := http.NewRequest("POST", e.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.send(req)
}

// Login gets an access token with the password grant, failing the test otherwise.
func (e *Env) Login(clientID, username, password string, roles ...string) string {
	e.T.Helper()
	r := e.Token(url.Values{"grant_type": {"password"}, "client_id": {clientID}, "username": {username},
		"password": {password}, "scope": {strings.Join(roles, " ")}})
	if r.Status != 200 {
		e.T.Fatalf("login %s: %d %s", username, r.Status, r.Raw)
	}
	return r.Body["access_token"].(string)
}

// AdminToken is a FullAccess token of the bootstrapped marketplace owner.
func (e *Env) AdminToken() string {
	e.T.Helper()
	r := e.Token(url.Values{"grant_type": {"client_credentials"}, "client_id": {ClientID}, "client_secret": {ClientSecret}, "scope": {"FullAccess"}})
	if r.Status != 200 {
		e.T.Fatalf("admin token: %d %s", r.Status, r.Raw)
	}
	return r.Body["access_token"].(string)
}

// Must asserts a status and returns the response.
func (r Resp) Must(t testing.TB, status int) Resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	return r
}

// Code is the first ErrorCode of an error response.
func (r Resp) Code() string {
	errs, _ := r.Body["Errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	m, _ := errs[0].(map[string]any)
	s, _ := m["ErrorCode"].(string)
	return s
}

// S reads a string at a dotted path of the body.
func (r Resp) S(path string) string {
	v := r.Get(path)
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// Get reads a dotted path ("Meta.TotalCount", "Items.0.ID").
func (r Resp) Get(path string) any {
	var cur any = r.Body
	for _, p := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			if i >= len(x) {
				return nil
			}
			cur = x[i]
		default:
			return nil
		}
	}
	return cur
}

// InternalFields are the keys starting with "_" (the store's internal
// fields) anywhere in a JSON text: none may reach a caller. Keys, not the
// text: a generated ID may start with "_" too.
func InternalFields(raw string) []string {
	var v any
	if json.Unmarshal([]byte(raw), &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.HasPrefix(k, "_") {
					out = append(out, k)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
