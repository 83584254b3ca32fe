package resource

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

// WriteRequest is a write request (POST, PUT, PATCH, DELETE) as the write
// hooks see it: what OrderCloud's webhooks are told of a request.
type WriteRequest struct {
	Op contract.Operation
	// Route is the route template as OrderCloud names it
	// ("v1/buyers/{buyerID}"), Verb the HTTP method.
	Route, Verb string
	// Params are the path parameters, Query the query parameters (first
	// value of each).
	Params, Query map[string]string
	P             *auth.Principal
	// Token is the caller's bearer token.
	Token string
	// Body is the raw request body (nil when none).
	Body    []byte
	Headers http.Header
	// LogID identifies the request (one per request, not per attempt).
	LogID string
	Date  time.Time
}

// WriteHook runs around every write request of a contract operation.
// Before runs once the caller is authenticated and authorized and the body
// read, before the handler (and so before any write): an error refuses the
// request. After runs once the handler succeeded, with the response body
// as JSON (nil for 204); the response is already decided, so its error is
// only logged.
type WriteHook struct {
	Before func(ctx context.Context, req *WriteRequest) error
	After  func(ctx context.Context, req *WriteRequest, status int, response json.RawMessage) error
}

// OnWrite adds a hook around every write request (webhooks).
func (r *Registry) OnWrite(h WriteHook) { r.writeHooks = append(r.writeHooks, h) }

// isWrite reports whether an operation is a write, the only requests
// OrderCloud fires webhooks for.
func isWrite(op contract.Operation) bool {
	switch op.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// writeRequest describes a request for the write hooks (nil when there
// are none, or the request is no write).
func (r *Registry) writeRequest(op contract.Operation, req *http.Request, p *auth.Principal, body []byte) *WriteRequest {
	if len(r.writeHooks) == 0 || !isWrite(op) {
		return nil
	}
	w := &WriteRequest{Op: op, Route: "v1" + op.Path, Verb: op.Method, Params: map[string]string{}, Query: map[string]string{},
		P: p, Body: body, Headers: req.Header.Clone(), LogID: api.NewID(), Date: time.Now().UTC()}
	w.Token, _ = strings.CutPrefix(strings.TrimSpace(req.Header.Get("Authorization")), "Bearer ")
	w.Token, _ = strings.CutPrefix(w.Token, "bearer ")
	w.Headers.Del("Authorization")
	for _, name := range op.PathParams {
		w.Params[name] = req.PathValue(name)
	}
	for k, v := range req.URL.Query() {
		if len(v) > 0 {
			w.Query[k] = v[0]
		}
	}
	return w
}

// beforeWrite runs the Before hooks.
func (r *Registry) beforeWrite(ctx context.Context, w *WriteRequest) error {
	if w == nil {
		return nil
	}
	for _, h := range r.writeHooks {
		if h.Before != nil {
			if err := h.Before(ctx, w); err != nil {
				return err
			}
		}
	}
	return nil
}

// afterWrite runs the After hooks on a successful write.
func (r *Registry) afterWrite(ctx context.Context, w *WriteRequest, status int, out any) {
	if w == nil {
		return
	}
	var resp json.RawMessage
	if out != nil {
		b, err := json.Marshal(out)
		if err != nil {
			slog.ErrorContext(ctx, "write hook: response not JSON", "route", w.Route, "err", err)
			return
		}
		resp = b
	}
	for _, h := range r.writeHooks {
		if h.After == nil {
			continue
		}
		if err := h.After(ctx, w, status, resp); err != nil {
			slog.ErrorContext(ctx, "write hook failed after the write", "route", w.Route, "verb", w.Verb, "logID", w.LogID, "err", err)
		}
	}
}
