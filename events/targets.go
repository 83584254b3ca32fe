package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// Envelope is an event as EventBridge delivers it to a target (and as the
// local bus matches and delivers it).
type Envelope = lambdaevents.CloudWatchEvent

// TargetFunc handles events routed to a target. The same function is the
// Lambda handler of the target and the local bus's in-process handler.
type TargetFunc func(ctx context.Context, ev Envelope) error

// EntityDetail is a Detail as a target reads it: the documents stay raw
// JSON so decimals and xp keep their exact text.
type EntityDetail struct {
	Type      string          `json:"Type"`
	ID        string          `json:"ID"`
	Change    string          `json:"Change"`
	PK        string          `json:"PK"`
	SK        string          `json:"SK"`
	Old       json.RawMessage `json:"Old"`
	New       json.RawMessage `json:"New"`
	Truncated bool            `json:"Truncated,omitempty"`
}

// HasOld and HasNew say whether a document is present (not absent or null).
func (d EntityDetail) HasOld() bool { return present(d.Old) }
func (d EntityDetail) HasNew() bool { return present(d.New) }

func present(m json.RawMessage) bool {
	m = bytes.TrimSpace(m)
	return len(m) > 0 && !bytes.Equal(m, []byte("null"))
}

// DecodeDetail reads an entity-change event's detail.
func DecodeDetail(raw json.RawMessage) (EntityDetail, error) {
	var d EntityDetail
	if err := json.Unmarshal(raw, &d); err != nil {
		return EntityDetail{}, fmt.Errorf("decoding event detail: %w", err)
	}
	if d.Type == "" || d.Change == "" {
		return EntityDetail{}, fmt.Errorf("event detail lacks Type or Change")
	}
	return d, nil
}

// ChangeFunc is what the integrations target runs on each entity change:
// the integrations' handlers and the deliveries they ask for. The mains
// compose it (events cannot import the domain); an error makes the event
// fail, so the platform delivers it again (Lambda's asynchronous retries,
// then the failure destination).
type ChangeFunc func(ctx context.Context, ev Envelope, d EntityDetail) error

// Integrations is the handler of TargetIntegrations: it decodes the
// change, logs one structured line and runs run on it (nil: log only).
func Integrations(log *slog.Logger, run ...ChangeFunc) TargetFunc {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, ev Envelope) error {
		d, err := DecodeDetail(ev.Detail)
		if err != nil {
			log.ErrorContext(ctx, "integration event rejected", "eventId", ev.ID, "detailType", ev.DetailType, "err", err)
			return err
		}
		log.InfoContext(ctx, "integration event", "eventId", ev.ID, "detailType", ev.DetailType,
			"entityType", d.Type, "entityId", d.ID, "change", d.Change, "pk", d.PK, "sk", d.SK,
			"hasOld", d.HasOld(), "hasNew", d.HasNew(), "truncated", d.Truncated)
		for _, f := range run {
			if f == nil {
				continue
			}
			if err := f(ctx, ev, d); err != nil {
				log.ErrorContext(ctx, "integration event failed", "eventId", ev.ID, "detailType", ev.DetailType, "err", err)
				return err
			}
		}
		return nil
	}
}

// Targets returns the handler of every target name used by Rules; run is
// what the integrations target runs on each change (nil: log only).
func Targets(log *slog.Logger, run ...ChangeFunc) map[string]TargetFunc {
	return map[string]TargetFunc{TargetIntegrations: Integrations(log, run...)}
}
