package integrations

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// DefaultPreHookTimeout bounds a pre-hook call (the whole request must fit
// API Gateway's 29 s).
const DefaultPreHookTimeout = 10 * time.Second

// outboxTTL is how long a post-hook's outbox item stays in the table (the
// stream has read it long before; TTL deletes it).
const outboxTTL = 24 * time.Hour

// OutboxType is the entity type of post-hook outbox items: their creation
// is the event the integrations target delivers.
const OutboxType = "WebhookOutbox"

// payload is what OrderCloud posts to a webhook.
type payload struct {
	Route       string
	RouteParams map[string]string
	QueryParams map[string]string
	Verb        string
	Date        string
	LogID       string
	UserToken   string
	Request     hookMessage
	Response    *hookMessage `json:",omitempty"`
	ConfigData  json.RawMessage
}

// message is a request or response as a payload carries it.
type hookMessage struct {
	Body    json.RawMessage
	Headers map[string]string
}

// newPayload describes a write request for a webhook.
func (in *Integrations) newPayload(w *webhook, req *resource.WriteRequest) (payload, error) {
	token, err := in.userToken(w, req)
	if err != nil {
		return payload{}, err
	}
	p := payload{Route: req.Route, RouteParams: req.Params, QueryParams: req.Query, Verb: req.Verb,
		Date: api.FormatTime(req.Date), LogID: req.LogID, UserToken: token,
		Request: hookMessage{Body: rawJSON(req.Body), Headers: firstValues(req.Headers)}, ConfigData: rawJSON(w.ConfigData)}
	return p, nil
}

// userToken is the caller's token, or, for a webhook with ElevatedRoles,
// a token of the same caller that also holds those roles, expiring when
// the caller's does (it never outlives the request's authority).
func (in *Integrations) userToken(w *webhook, req *resource.WriteRequest) (string, error) {
	if len(w.ElevatedRoles) == 0 || req.P == nil {
		return req.Token, nil
	}
	c := req.P.Claims
	roles := slices.Clone([]string(c.Role))
	for _, r := range w.ElevatedRoles {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	c.Role = auth.Roles(roles)
	life := time.Minute
	if c.ExpiresAt != nil {
		life = max(time.Until(c.ExpiresAt.Time), time.Second)
	}
	return in.reg.Deps().Signer.Issue(c, life)
}

// rawJSON is b when it is JSON, else null.
func rawJSON(b []byte) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 || !json.Valid(b) {
		return json.RawMessage("null")
	}
	return json.RawMessage(b)
}

func firstValues(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		if len(v) > 0 && k != "Authorization" && k != "Cookie" {
			out[k] = v[0]
		}
	}
	return out
}

// matching returns the webhooks a request fires, pre- or post-hooks.
func (in *Integrations) matching(ctx context.Context, req *resource.WriteRequest, pre bool) ([]*webhook, error) {
	if req.P == nil {
		return nil, nil
	}
	all, err := in.webhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []*webhook
	for _, w := range all {
		if w.BeforeProcessRequest == pre && w.Url != "" && w.fires(req.Route, req.Verb, req.P.ClientID) {
			out = append(out, w)
		}
	}
	return out, nil
}

// preHooks calls the request's pre-hooks in turn, before anything is
// written: the first to answer proceed:false refuses the request with its
// body; one that fails, times out or answers nonsense refuses it too.
func (in *Integrations) preHooks(ctx context.Context, req *resource.WriteRequest) error {
	hooks, err := in.matching(ctx, req, true)
	if err != nil {
		return err
	}
	for _, w := range hooks {
		p, err := in.newPayload(w, req)
		if err != nil {
			return err
		}
		body, _ := json.Marshal(p)
		if err := in.callPreHook(ctx, w, req.LogID, body); err != nil {
			return err
		}
	}
	return nil
}

// callPreHook posts to one pre-hook and reads its decision.
func (in *Integrations) callPreHook(ctx context.Context, w *webhook, logID string, body []byte) error {
	timeout := in.PreHookTimeout
	if timeout <= 0 {
		timeout = DefaultPreHookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	failed := func(reason string) error {
		return api.E(http.StatusBadGateway, "Webhook.PreHookFailed", map[string]any{"WebhookID": w.ID, "Reason": reason}).
			WithMessage("The pre-webhook " + w.ID + " could not be consulted: " + reason)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.Url, bytes.NewReader(body))
	if err != nil {
		return failed("invalid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(DeliveryIDHeader, logID+"."+w.ID)
	if w.HashKey != "" {
		req.Header.Set(HashHeader, Sign(w.HashKey, body))
	}
	if w.CustomAuthHeaderName != "" {
		req.Header.Set(w.CustomAuthHeaderName, w.CustomAuthHeaderValue)
	}
	resp, err := in.hookClient().Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return failed(fmt.Sprintf("no answer within %s", timeout))
		}
		return failed("the call failed")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return failed("reading the answer failed")
	}
	if resp.StatusCode/100 != 2 {
		return failed(fmt.Sprintf("it answered %d", resp.StatusCode))
	}
	var decision struct {
		Proceed *bool
		Body    json.RawMessage
	}
	if json.Unmarshal(raw, &decision) != nil || decision.Proceed == nil {
		return failed("its answer has no proceed")
	}
	if !*decision.Proceed {
		var data any = nil
		if len(decision.Body) > 0 {
			data = decision.Body
		}
		return api.E(http.StatusBadRequest, "Webhook.PreHookRejected", data).
			WithMessage("The request was refused by the pre-webhook " + w.ID + ".")
	}
	return nil
}

func (in *Integrations) hookClient() *http.Client {
	if in.HTTPClient != nil {
		return in.HTTPClient
	}
	return http.DefaultClient
}

// postHooks writes one outbox item per post-hook the request fires, with
// the response, before the caller is answered. The stream turns each into
// an event delivered by the integrations target (webhookdelivery.go).
//
// The items are written right after the request's own transaction, not in
// it: the payload carries the response, which exists only once the write
// committed. A process dying between the two loses the post-hook (the
// write stands); see README.
func (in *Integrations) postHooks(ctx context.Context, req *resource.WriteRequest, status int, response json.RawMessage) error {
	// The write is done: a caller going away must not lose its post-hooks.
	ctx = context.WithoutCancel(ctx)
	hooks, err := in.matching(ctx, req, false)
	if err != nil || len(hooks) == 0 {
		return err
	}
	expires := time.Now().Add(outboxTTL).Unix()
	var ops []store.Op
	for _, w := range hooks {
		p, err := in.newPayload(w, req)
		if err != nil {
			return err
		}
		p.Response = &hookMessage{Body: rawJSON(response)}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		id := req.LogID + "." + w.ID
		// The payload is kept as text so its numbers reach the receiver
		// exactly as the caller sent them.
		doc, _ := json.Marshal(map[string]any{"ID": id, "WebhookID": w.ID, "Payload": string(body)})
		it := store.Item{PK: OutboxType + "#" + id, SK: OutboxType, Type: OutboxType, ID: id, Doc: doc, Expires: expires}
		ops = append(ops, store.Op{Put: &it, Cond: store.IfAbsent})
	}
	if len(ops) == 1 {
		_, err = in.reg.Deps().Store.Put(ctx, *ops[0].Put, store.IfAbsent)
		return err
	}
	return in.reg.Deps().Store.Transact(ctx, ops)
}
