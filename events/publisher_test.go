package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// fakeEventBridge records PutEvents requests and answers each entry with
// the error code fail returns for it ("" = accepted).
type fakeEventBridge struct {
	calls [][]ebtypes.PutEventsRequestEntry
	fail  func(call int, detail string) string
	err   func(call int) error
}

func (f *fakeEventBridge) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	call := len(f.calls)
	f.calls = append(f.calls, in.Entries)
	if len(in.Entries) > MaxBatchEntries {
		return nil, fmt.Errorf("too many entries: %d", len(in.Entries))
	}
	size := 0
	for _, e := range in.Entries {
		size += EntrySize(Event{Source: *e.Source, DetailType: *e.DetailType, Detail: json.RawMessage(*e.Detail),
			Resources: e.Resources, Time: aws.ToTime(e.Time)})
	}
	if size > MaxEntrySize {
		return nil, fmt.Errorf("request too large: %d", size)
	}
	if f.err != nil {
		if err := f.err(call); err != nil {
			return nil, err
		}
	}
	out := &eventbridge.PutEventsOutput{}
	for i, e := range in.Entries {
		code := ""
		if f.fail != nil {
			code = f.fail(call, *e.Detail)
		}
		if code == "" {
			out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{EventId: aws.String(fmt.Sprint(call, "-", i))})
		} else {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("nope")})
		}
	}
	return out, nil
}

func testEvents(n, detailBytes int) []Event {
	evs := make([]Event, n)
	for i := range evs {
		pad := strings.Repeat("x", max(0, detailBytes-30))
		evs[i] = Event{Source: Source, DetailType: "Product.Created", Time: time.Unix(1, 0),
			Detail: json.RawMessage(fmt.Sprintf(`{"ID":"e%03d","P":"%s"}`, i, pad))}
	}
	return evs
}

func entryIDs(entries []ebtypes.PutEventsRequestEntry) []string {
	var ids []string
	for _, e := range entries {
		var d struct{ ID string }
		_ = json.Unmarshal([]byte(*e.Detail), &d)
		ids = append(ids, d.ID)
	}
	return ids
}

func newTestPublisher(f *fakeEventBridge) (*EventBridgePublisher, *[]time.Duration) {
	var sleeps []time.Duration
	p := NewEventBridgePublisher(f, "bus")
	p.Sleep = func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }
	return p, &sleeps
}

func TestPublishBatchesByCount(t *testing.T) {
	f := &fakeEventBridge{}
	p, _ := newTestPublisher(f)
	failed, err := p.Publish(context.Background(), testEvents(25, 50))
	if err != nil || failed != nil {
		t.Fatal(failed, err)
	}
	var sizes []int
	for _, c := range f.calls {
		sizes = append(sizes, len(c))
		for _, e := range c {
			if aws.ToString(e.EventBusName) != "bus" || aws.ToString(e.Source) != Source || e.Time == nil {
				t.Fatalf("entry %+v", e)
			}
		}
	}
	if !reflect.DeepEqual(sizes, []int{10, 10, 5}) {
		t.Fatalf("batch sizes %v", sizes)
	}
	if got := entryIDs(f.calls[2]); got[0] != "e020" || got[4] != "e024" {
		t.Fatalf("order not kept: %v", got)
	}
}

func TestPublishBatchesBySize(t *testing.T) {
	f := &fakeEventBridge{}
	p, _ := newTestPublisher(f)
	evs := testEvents(5, 100*1024) // two fit in 256 KB, three do not
	evs = append(evs, testEvents(1, 300*1024)...)
	failed, err := p.Publish(context.Background(), evs)
	if !reflect.DeepEqual(failed, []int{5}) || err == nil {
		t.Fatalf("oversized event not reported: %v %v", failed, err)
	}
	var sizes []int
	for _, c := range f.calls {
		sizes = append(sizes, len(c))
	}
	if !reflect.DeepEqual(sizes, []int{2, 2, 1}) {
		t.Fatalf("batch sizes %v", sizes)
	}
}

func TestPublishRetriesOnlyFailedEntries(t *testing.T) {
	f := &fakeEventBridge{fail: func(call int, d string) string {
		if call == 0 && (strings.Contains(d, `"e002"`) || strings.Contains(d, `"e005"`)) {
			return "ThrottlingException"
		}
		return ""
	}}
	p, sleeps := newTestPublisher(f)
	failed, err := p.Publish(context.Background(), testEvents(8, 50))
	if err != nil || failed != nil {
		t.Fatal(failed, err)
	}
	if len(f.calls) != 2 || !reflect.DeepEqual(entryIDs(f.calls[1]), []string{"e002", "e005"}) {
		t.Fatalf("calls %d, retry %v", len(f.calls), entryIDs(f.calls[len(f.calls)-1]))
	}
	if len(*sleeps) != 1 {
		t.Fatalf("sleeps %v", *sleeps)
	}
}

func TestPublishGivesUpAfterMaxAttempts(t *testing.T) {
	f := &fakeEventBridge{fail: func(call int, d string) string {
		if strings.Contains(d, `"e011"`) {
			return "InternalFailure"
		}
		if strings.Contains(d, `"e003"`) {
			return "MalformedDetail" // not retried
		}
		return ""
	}}
	p, sleeps := newTestPublisher(f)
	p.MaxAttempts = 4
	failed, err := p.Publish(context.Background(), testEvents(12, 50))
	if !reflect.DeepEqual(failed, []int{3, 11}) || err == nil {
		t.Fatalf("failed %v err %v", failed, err)
	}
	// Batch 1: one call (e003 is permanent). Batch 2: four calls for e011.
	if len(f.calls) != 5 {
		t.Fatalf("calls %d", len(f.calls))
	}
	for _, c := range f.calls[2:] {
		if !reflect.DeepEqual(entryIDs(c), []string{"e011"}) {
			t.Fatalf("retried %v", entryIDs(c))
		}
	}
	// Exponential backoff: each delay's upper bound doubles.
	if len(*sleeps) != 3 {
		t.Fatalf("sleeps %v", *sleeps)
	}
	for i, d := range *sleeps {
		hi := 100 * time.Millisecond << i
		if d < hi/2 || d > hi {
			t.Errorf("sleep %d = %v, want in [%v, %v]", i, d, hi/2, hi)
		}
	}
	if !strings.Contains(err.Error(), "InternalFailure") || !strings.Contains(err.Error(), "MalformedDetail") {
		t.Errorf("err %v", err)
	}
}

func TestPublishRetriesWholeRequestErrors(t *testing.T) {
	f := &fakeEventBridge{err: func(call int) error {
		if call < 2 {
			return errors.New("connection reset")
		}
		return nil
	}}
	p, _ := newTestPublisher(f)
	failed, err := p.Publish(context.Background(), testEvents(3, 50))
	if err != nil || failed != nil || len(f.calls) != 3 {
		t.Fatalf("failed %v err %v calls %d", failed, err, len(f.calls))
	}

	f = &fakeEventBridge{err: func(int) error { return errors.New("down") }}
	p, _ = newTestPublisher(f)
	p.MaxAttempts = 2
	failed, err = p.Publish(context.Background(), testEvents(12, 50))
	if !reflect.DeepEqual(failed, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) || err == nil || len(f.calls) != 4 {
		t.Fatalf("failed %v err %v calls %d", failed, err, len(f.calls))
	}
}

func TestHandlerWithEventBridgeReportsStillFailedRecords(t *testing.T) {
	f := &fakeEventBridge{fail: func(_ int, d string) string {
		if strings.Contains(d, `"Order"`) {
			return "InternalFailure"
		}
		return ""
	}}
	p, _ := newTestPublisher(f)
	h := &StreamHandler{Publisher: p}
	resp, err := h.Handle(context.Background(), lambdaEvent(t, streamPayload))
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "400" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}
