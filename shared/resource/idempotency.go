package resource

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Idempotent creates (beyond OrderCloud): a POST that carries an
// Idempotency-Key header runs once per caller and key. The first request
// reserves the key with a conditional put, runs, and records its answer;
// a retry with the same key and the same request replays that answer for
// idempotencyTTL, and the same key with another request is refused. The
// record is an item of the single table that DynamoDB's time to live
// deletes; until it does, an expired record reads as absent.
const (
	// IdempotencyHeader is the request header naming the key.
	IdempotencyHeader = "Idempotency-Key"
	// ReplayedHeader marks a response replayed from a record.
	ReplayedHeader = "Idempotent-Replayed"
	// MaxIdempotencyKeyLen bounds a key (bytes).
	MaxIdempotencyKeyLen = 255
	// idempotencyTTL is how long an answer is replayed.
	idempotencyTTL = 24 * time.Hour
	// idempotencyLease is how long a reservation holds without an answer:
	// past API Gateway's 29 s no request still runs, so a key whose
	// request died (a function timed out) can be taken again.
	idempotencyLease = 30 * time.Second
	// idempotencyWait is how long a request finding its key reserved by
	// another one in flight polls for that one's answer before answering
	// 409 IdempotencyKey.InProgress.
	idempotencyWait = 10 * time.Second
	idempotencyPoll = 50 * time.Millisecond
	// IdempotencyKind is the Type of idempotency records.
	IdempotencyKind = "IdempotencyKey"
)

// idemRecord is the stored doc of one key: the request's fingerprint and,
// once it has run, its answer.
type idemRecord struct {
	Request string          // SHA-256 of method, path and body
	Done    bool            // the answer is recorded
	Status  int             `json:",omitempty"`
	Body    json.RawMessage `json:",omitempty"` // response body (none for 204)
}

// answer is a response about to be written or replayed.
type answer struct {
	status int
	body   []byte // JSON, nil for no body
	replay bool   // replayed from a record
}

func (a answer) write(w http.ResponseWriter) {
	if a.replay {
		w.Header().Set(ReplayedHeader, "true")
	}
	if a.body == nil {
		w.WriteHeader(a.status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// errorAnswer renders err in OrderCloud's shape.
func errorAnswer(err error) answer {
	e := api.AsError(err)
	return answer{status: e.Status, body: encodeJSON(api.Body(e))}
}

// encodeJSON encodes v as api.WriteJSON does.
func encodeJSON(v any) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Error("encoding response", "err", err)
		return encodeJSON(api.Body(api.E(http.StatusInternalServerError, "ServerError", nil)))
	}
	return []byte(b.String())
}

// idempotencyKey is a POST's key ("" when it has none, or is no POST: a
// read is safe to repeat and ignores the header).
func idempotencyKey(req *http.Request) (string, error) {
	if req.Method != http.MethodPost {
		return "", nil
	}
	key := strings.TrimSpace(req.Header.Get(IdempotencyHeader))
	if len(key) > MaxIdempotencyKeyLen {
		return "", api.E(http.StatusBadRequest, "IdempotencyKey.Invalid", map[string]any{"MaxLength": MaxIdempotencyKeyLen}).
			WithMessage("The Idempotency-Key header may be at most 255 characters long.")
	}
	return key, nil
}

// idempotencyRecordKey scopes a key by its caller (user type, company,
// user, API client and, for anonymous shoppers and group order
// contributors, the order the token reaches), so no caller can replay
// another's answer.
func idempotencyRecordKey(p *auth.Principal, key string) store.Key {
	scope := strings.Join([]string{p.UserType, p.CompanyID, p.UserID, p.ClientID, p.Claims.OrderID, p.Claims.Invitation}, "|")
	sum := sha256.Sum256([]byte(scope))
	return store.Key{PK: "Idem#" + hex.EncodeToString(sum[:]), SK: key}
}

// fingerprint identifies a request: the same key must come with the same
// method, path and body.
func fingerprint(req *http.Request, body []byte) string {
	h := sha256.New()
	h.Write([]byte(req.Method + " " + req.URL.RequestURI() + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// idempotent serves a request with an idempotency key: it replays a
// recorded answer, or reserves the key, runs the request and records its
// answer.
func idempotent(ctx context.Context, st store.Store, k store.Key, request string, run func() answer) answer {
	version, replay, err := reserveKey(ctx, st, k, request)
	if err != nil {
		return errorAnswer(err)
	}
	if replay != nil {
		return *replay
	}
	a := run()
	recordAnswer(ctx, st, k, version, request, a)
	return a
}

// reserveKey takes the key for this request (returning the version of the
// reservation), or returns the answer recorded for it.
func reserveKey(ctx context.Context, st store.Store, k store.Key, request string) (int64, *answer, error) {
	deadline := time.Now().Add(idempotencyWait)
	for {
		it, err := st.Get(ctx, k)
		now := time.Now()
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && Expired(it, now)):
			res := store.Item{PK: k.PK, SK: k.SK, Type: IdempotencyKind, ID: k.SK, Version: it.Version,
				Doc: mustJSON(idemRecord{Request: request}), Expires: now.Add(idempotencyLease).Unix()}
			cond := store.IfAbsent
			if err == nil {
				cond = store.IfVersion // take over an expired record
			}
			v, perr := st.Put(ctx, res, cond)
			if perr == nil {
				return v, nil, nil
			}
			if !errors.Is(perr, store.ErrConflict) {
				return 0, nil, perr
			}
			continue // another request reserved it first: read what it holds
		case err != nil:
			return 0, nil, err
		}
		var rec idemRecord
		if err := json.Unmarshal(it.Doc, &rec); err != nil {
			return 0, nil, err
		}
		if rec.Request != request {
			return 0, nil, api.E(http.StatusConflict, "IdempotencyKey.Reused", nil).
				WithMessage("This Idempotency-Key was used with another request; use a new key for a new request.")
		}
		if rec.Done {
			a := answer{status: rec.Status, replay: true}
			if len(rec.Body) > 0 {
				a.body = append([]byte(rec.Body), '\n')
			}
			return 0, &a, nil
		}
		if now.After(deadline) {
			return 0, nil, api.E(http.StatusConflict, "IdempotencyKey.InProgress", nil).
				WithMessage("A request with this Idempotency-Key is still running; send it again later.")
		}
		select {
		case <-time.After(idempotencyPoll):
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		}
	}
}

// recordAnswer keeps the answer for replays, or releases the key when the
// answer is one a retry may change: a conflict or a server error.
func recordAnswer(ctx context.Context, st store.Store, k store.Key, version int64, request string, a answer) {
	// The request may have been cancelled; the record must still land.
	ctx = context.WithoutCancel(ctx)
	var err error
	if a.status == http.StatusConflict || a.status >= 500 {
		err = releaseKey(ctx, st, k, version)
	} else {
		rec := idemRecord{Request: request, Done: true, Status: a.status, Body: json.RawMessage(strings.TrimSpace(string(a.body)))}
		if a.body == nil {
			rec.Body = nil
		}
		_, err = st.Put(ctx, store.Item{PK: k.PK, SK: k.SK, Type: IdempotencyKind, ID: k.SK, Version: version,
			Doc: mustJSON(rec), Expires: time.Now().Add(idempotencyTTL).Unix()}, store.IfVersion)
		if errors.Is(err, store.ErrTooLarge) {
			err = releaseKey(ctx, st, k, version)
		}
	}
	if err != nil && !errors.Is(err, store.ErrConflict) {
		slog.Error("recording idempotency key", "err", err)
	}
}

// releaseKey deletes this request's reservation (not one that another
// request took over since).
func releaseKey(ctx context.Context, st store.Store, k store.Key, version int64) error {
	return st.Transact(ctx, []store.Op{{Delete: &k, Cond: store.IfVersion, Version: version}})
}

// Expired reports whether an item's time to live has passed: DynamoDB
// deletes such items within days, and until then they read as absent.
func Expired(it store.Item, now time.Time) bool {
	return it.Expires > 0 && it.Expires <= now.Unix()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
