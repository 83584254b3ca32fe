package integrations

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// RetryPolicy is how long and how often a delivery is tried: at least
// once, then again with exponential backoff (full jitter) until Budget has
// passed since the first attempt.
type RetryPolicy struct {
	Budget    time.Duration
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultRetryPolicy fits well inside the target Lambda's 60 s timeout:
// about eight attempts over 40 s. What still fails is then retried by
// Lambda's asynchronous invocation (twice more, minutes apart) and finally
// sent to the dead-letter queue (see README).
var DefaultRetryPolicy = RetryPolicy{Budget: 40 * time.Second, BaseDelay: 500 * time.Millisecond, MaxDelay: 10 * time.Second}

// ErrDeliveryFailed wraps the last error of a delivery whose retries ran
// out.
var ErrDeliveryFailed = errors.New("delivery failed after its retries")

// RetryingDeliverer sends deliveries through Next with the retry policy,
// records each outcome in the delivery log, and hands what finally fails
// to DeadLetter (when set: then the delivery counts as handled).
type RetryingDeliverer struct {
	Next   Deliverer
	Policy RetryPolicy
	// Log records outcomes (nil: not recorded).
	Log *DeliveryLog
	// DeadLetter takes a delivery whose retries ran out (the local run's
	// dead-letter handler). Nil: Deliver returns the failure, and the
	// platform retries the event and finally dead-letters it (in AWS, the
	// target Lambda's failure destination, an SQS queue).
	DeadLetter func(ctx context.Context, d Delivery, err error)
	Logger     *slog.Logger
	// sleep waits between attempts (tests may shorten it).
	sleep func(ctx context.Context, d time.Duration) error
}

// Deliver sends d at least once, retrying failures until the budget is
// spent.
func (r *RetryingDeliverer) Deliver(ctx context.Context, d Delivery) error {
	p := r.Policy
	if p.Budget <= 0 {
		p = DefaultRetryPolicy
	}
	log := r.Logger
	if log == nil {
		log = slog.Default()
	}
	sleep := r.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	start, delay := time.Now(), p.BaseDelay
	attempts := 0
	var err error
	for {
		attempts++
		if err = r.Next.Deliver(ctx, d); err == nil {
			r.record(ctx, d, StatusDelivered, attempts, nil)
			return nil
		}
		log.WarnContext(ctx, "delivery attempt failed", "delivery", d.ID, "kind", d.Kind, "source", d.Source, "attempt", attempts, "err", err)
		wait := time.Duration(rand.Int64N(int64(delay)+1)) + time.Millisecond
		if ctx.Err() != nil || time.Since(start)+wait > p.Budget {
			break
		}
		if sleep(ctx, wait) != nil {
			break
		}
		delay = min(delay*2, p.MaxDelay)
	}
	err = fmt.Errorf("%w: %s after %d attempts: %w", ErrDeliveryFailed, d.ID, attempts, err)
	if r.DeadLetter != nil {
		r.record(ctx, d, StatusDeadLettered, attempts, err)
		r.DeadLetter(ctx, d, err)
		return nil
	}
	r.record(ctx, d, StatusFailed, attempts, err)
	return err
}

func (r *RetryingDeliverer) record(ctx context.Context, d Delivery, status string, attempts int, err error) {
	if r.Log == nil {
		return
	}
	if lerr := r.Log.Record(context.WithoutCancel(ctx), d, status, attempts, err); lerr != nil {
		slog.ErrorContext(ctx, "recording a delivery failed", "delivery", d.ID, "err", lerr)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LogDeadLetter is the local run's dead-letter handler: one error line per
// delivery given up on, with its body, so it can be replayed by hand.
func LogDeadLetter(log *slog.Logger) func(ctx context.Context, d Delivery, err error) {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, d Delivery, err error) {
		log.ErrorContext(ctx, "delivery dead-lettered", "delivery", d.ID, "kind", d.Kind, "source", d.Source, "url", d.URL,
			"err", err, "body", json.RawMessage(d.Body))
	}
}

// Process runs every ChangeHandler on a change and sends each delivery it
// asks for with d. Every delivery is tried; the error joins their failures
// (the event is then delivered again, and delivery IDs let receivers drop
// what they already had).
func (in *Integrations) Process(ctx context.Context, ch Change, d Deliverer) error {
	ds, err := in.HandleChange(ctx, ch)
	if err != nil {
		return err
	}
	// At once: each is bounded by the retry policy, so the whole change is
	// too, however many deliveries it asks for.
	errs := make([]error, len(ds))
	var wg sync.WaitGroup
	for i, dl := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Deliver(ctx, dl)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// NewChange builds the Change of a stream event from its parts (the
// integrations target's envelope and detail); old and new are the raw
// documents (absent or null: nil).
func NewChange(eventID, detailType, typ, id, kind, pk, sk string, old, new json.RawMessage) (Change, error) {
	ch := Change{EventID: eventID, DetailType: detailType, Type: typ, ID: id, Kind: kind, PK: pk, SK: sk}
	for _, x := range []struct {
		raw json.RawMessage
		to  *map[string]any
	}{{old, &ch.Old}, {new, &ch.New}} {
		if len(x.raw) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(x.raw))
		dec.UseNumber()
		if err := dec.Decode(x.to); err != nil {
			return Change{}, fmt.Errorf("change %s: %w", eventID, err)
		}
	}
	return ch, nil
}
