package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Publisher puts events on a bus. failed holds the indexes (into evs, in
// ascending order) of the events that were not published; err describes
// why and is non-nil whenever failed is not empty.
type Publisher interface {
	Publish(ctx context.Context, evs []Event) (failed []int, err error)
}

// EventBridge limits of one PutEvents request.
const (
	MaxBatchEntries = 10
	MaxEntrySize    = 256 * 1024 // per entry and per request
)

// EntrySize is an entry's size as EventBridge counts it against the
// PutEvents limit: UTF-8 bytes of Source, DetailType, Detail and each
// resource, plus 14 bytes when Time is set.
func EntrySize(ev Event) int {
	n := len(ev.Source) + len(ev.DetailType) + len(ev.Detail)
	if !ev.Time.IsZero() {
		n += 14
	}
	for _, r := range ev.Resources {
		n += len(r)
	}
	return n
}

// Batches splits events, in order, into groups of at most MaxBatchEntries
// whose total EntrySize is at most MaxEntrySize. Each group holds indexes
// into evs. Events larger than MaxEntrySize are returned apart in tooBig.
func Batches(evs []Event) (batches [][]int, tooBig []int) {
	var cur []int
	size := 0
	for i, ev := range evs {
		n := EntrySize(ev)
		if n > MaxEntrySize {
			tooBig = append(tooBig, i)
			continue
		}
		if len(cur) == MaxBatchEntries || (len(cur) > 0 && size+n > MaxEntrySize) {
			batches = append(batches, cur)
			cur, size = nil, 0
		}
		cur = append(cur, i)
		size += n
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches, tooBig
}

// PutEventsAPI is the part of the EventBridge client the publisher uses.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBridgePublisher publishes to an EventBridge bus. Entries a request
// rejects are retried alone, with exponential backoff, up to MaxAttempts.
type EventBridgePublisher struct {
	API     PutEventsAPI
	BusName string
	// MaxAttempts bounds the requests per batch (default 5).
	MaxAttempts int
	// BaseDelay and MaxDelay bound the backoff (defaults 100 ms and 2 s).
	BaseDelay, MaxDelay time.Duration
	// Sleep waits between attempts (default: a timer honouring ctx).
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger
}

// NewEventBridgePublisher returns a publisher with default retry settings.
func NewEventBridgePublisher(api PutEventsAPI, busName string) *EventBridgePublisher {
	return &EventBridgePublisher{API: api, BusName: busName}
}

// permanentCodes are entry error codes a retry cannot fix.
var permanentCodes = map[string]bool{
	"MalformedDetail": true, "InvalidArgument": true, "AccessDeniedException": true,
	"NotAuthorizedForSourceException": true, "NotAuthorizedForDetailTypeException": true,
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *EventBridgePublisher) backoff(attempt int) time.Duration {
	base, maxd := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	if maxd <= 0 {
		maxd = 2 * time.Second
	}
	d := base << min(attempt, 20)
	if d > maxd || d <= 0 {
		d = maxd
	}
	// Jitter in [d/2, d].
	return d/2 + rand.N(d/2+1)
}

// Publish sends evs in batches and reports the indexes that still failed.
func (p *EventBridgePublisher) Publish(ctx context.Context, evs []Event) ([]int, error) {
	batches, failed := Batches(evs)
	var errs []error
	if len(failed) > 0 {
		errs = append(errs, fmt.Errorf("%d event(s) larger than %d bytes", len(failed), MaxEntrySize))
	}
	for _, b := range batches {
		f, err := p.sendBatch(ctx, evs, b)
		failed = append(failed, f...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(failed) == 0 {
		return nil, nil
	}
	slices.Sort(failed)
	return failed, errors.Join(errs...)
}

// sendBatch puts one batch, retrying the entries that fail.
func (p *EventBridgePublisher) sendBatch(ctx context.Context, evs []Event, batch []int) (failed []int, err error) {
	attempts := p.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	pending := batch
	var lastErr error
	for attempt := 0; len(pending) > 0 && attempt < attempts; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, p.backoff(attempt-1)); err != nil {
				lastErr = err
				break
			}
		}
		entries := make([]ebtypes.PutEventsRequestEntry, len(pending))
		for j, i := range pending {
			entries[j] = p.entry(evs[i])
		}
		out, err := p.API.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
		if err != nil {
			lastErr = fmt.Errorf("PutEvents: %w", err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		var retry []int
		for j, i := range pending {
			code := ""
			if j < len(out.Entries) {
				code = aws.ToString(out.Entries[j].ErrorCode)
			} else if out.FailedEntryCount > 0 {
				code = "MissingResult" // cannot tell: assume failed
			}
			if code == "" {
				continue
			}
			lastErr = fmt.Errorf("PutEvents entry: %s: %s", code, aws.ToString(entryMessage(out, j)))
			if permanentCodes[code] {
				failed = append(failed, i)
			} else {
				retry = append(retry, i)
			}
		}
		pending = retry
		if len(pending) > 0 && p.Log != nil {
			p.Log.WarnContext(ctx, "retrying failed EventBridge entries", "count", len(pending), "attempt", attempt+1, "err", lastErr)
		}
	}
	failed = append(failed, pending...)
	if len(failed) == 0 {
		return nil, nil
	}
	return failed, lastErr
}

func entryMessage(out *eventbridge.PutEventsOutput, j int) *string {
	if j < len(out.Entries) {
		return out.Entries[j].ErrorMessage
	}
	return nil
}

func (p *EventBridgePublisher) entry(ev Event) ebtypes.PutEventsRequestEntry {
	e := ebtypes.PutEventsRequestEntry{Source: aws.String(ev.Source), DetailType: aws.String(ev.DetailType),
		Detail: aws.String(string(ev.Detail)), Resources: ev.Resources}
	if p.BusName != "" {
		e.EventBusName = aws.String(p.BusName)
	}
	if !ev.Time.IsZero() {
		e.Time = aws.Time(ev.Time)
	}
	return e
}
