package events

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"quamina.net/go/quamina"
)

// ErrNoTarget is a delivery's error when no handler is registered for the
// rule's target.
var ErrNoTarget = errors.New("events: no handler registered for target")

// Delivery is the outcome of handing an event to one rule's target.
type Delivery struct {
	Rule   string
	Target string
	Err    error
}

// Published is what the local bus observed for one event: its envelope and
// one Delivery per matching rule (none when no rule matched).
type Published struct {
	Envelope   Envelope
	Deliveries []Delivery
}

// LocalBus is an in-process Publisher that routes events like EventBridge:
// it matches each event's envelope against the rules' patterns (with
// quamina) and calls the matching rules' target handlers, in order.
type LocalBus struct {
	// Account and Region fill the envelope (defaults "000000000000", "local").
	Account, Region string

	rules   []Rule
	targets map[string]TargetFunc
	log     *slog.Logger

	mu sync.Mutex // guards q (a quamina instance is not goroutine-safe)
	q  *quamina.Quamina

	subMu  sync.Mutex
	subs   map[int]chan Published
	nextID int
}

// NewLocalBus compiles the rules' patterns. targets maps target names to
// handlers; rules whose target is missing record ErrNoTarget deliveries.
func NewLocalBus(rules []Rule, targets map[string]TargetFunc, log *slog.Logger) (*LocalBus, error) {
	q, err := quamina.New()
	if err != nil {
		return nil, err
	}
	for i, r := range rules {
		if err := q.AddPattern(i, r.Pattern); err != nil {
			return nil, fmt.Errorf("rule %s: pattern: %w", r.Name, err)
		}
	}
	if log == nil {
		log = slog.Default()
	}
	return &LocalBus{Account: "000000000000", Region: "local", rules: rules, targets: targets,
		log: log, q: q, subs: map[int]chan Published{}}, nil
}

// Envelope wraps an event as EventBridge would deliver it.
func (b *LocalBus) Envelope(ev Event) Envelope {
	id := ev.ID
	if id == "" {
		id = newID()
	}
	t := ev.Time
	if t.IsZero() {
		t = time.Now()
	}
	res := ev.Resources
	if res == nil {
		res = []string{}
	}
	return Envelope{Version: "0", ID: id, DetailType: ev.DetailType, Source: ev.Source, AccountID: b.Account,
		Time: t.UTC(), Region: b.Region, Resources: res, Detail: ev.Detail}
}

// Match returns the rules whose pattern matches the envelope, in Rules order.
func (b *LocalBus) Match(env Envelope) ([]Rule, error) {
	raw, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	xs, err := b.q.MatchesForEvent(raw)
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	hit := make([]bool, len(b.rules))
	for _, x := range xs {
		if i, ok := x.(int); ok && i >= 0 && i < len(hit) {
			hit[i] = true
		}
	}
	var out []Rule
	for i, h := range hit {
		if h {
			out = append(out, b.rules[i])
		}
	}
	return out, nil
}

// Publish routes each event and delivers it synchronously. Target errors
// are logged and observed but do not fail the publish (as on EventBridge,
// delivery is separate from acceptance); only events that cannot be
// matched are reported failed.
func (b *LocalBus) Publish(ctx context.Context, evs []Event) ([]int, error) {
	var failed []int
	var errs []error
	for i, ev := range evs {
		env := b.Envelope(ev)
		rules, err := b.Match(env)
		if err != nil {
			failed = append(failed, i)
			errs = append(errs, fmt.Errorf("event %d: %w", i, err))
			continue
		}
		p := Published{Envelope: env}
		for _, r := range rules {
			d := Delivery{Rule: r.Name, Target: r.Target}
			if h := b.targets[r.Target]; h != nil {
				d.Err = safeCall(ctx, h, env)
			} else {
				d.Err = ErrNoTarget
			}
			if d.Err != nil {
				b.log.ErrorContext(ctx, "local bus delivery failed", "rule", r.Name, "target", r.Target,
					"detailType", env.DetailType, "eventId", env.ID, "err", d.Err)
			}
			p.Deliveries = append(p.Deliveries, d)
		}
		b.notify(p)
	}
	if len(failed) == 0 {
		return nil, nil
	}
	return failed, errors.Join(errs...)
}

func safeCall(ctx context.Context, h TargetFunc, env Envelope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("target panicked: %v", r)
		}
	}()
	return h(ctx, env)
}

// Subscribe returns a channel receiving every event the bus publishes from
// now on, with its deliveries, and a function ending the subscription
// (which closes the channel). The channel buffers buffer observations
// (default 256); when it is full, observations are dropped with a warning
// rather than stalling the bus.
func (b *LocalBus) Subscribe(buffer int) (<-chan Published, func()) {
	if buffer <= 0 {
		buffer = 256
	}
	ch := make(chan Published, buffer)
	b.subMu.Lock()
	id := b.nextID
	b.nextID++
	b.subs[id] = ch
	b.subMu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.subMu.Lock()
			delete(b.subs, id)
			b.subMu.Unlock()
			close(ch)
		})
	}
}

func (b *LocalBus) notify(p Published) {
	b.subMu.Lock()
	defer b.subMu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- p:
		default:
			b.log.Warn("local bus subscriber is full; observation dropped", "detailType", p.Envelope.DetailType)
		}
	}
}

func newID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}
