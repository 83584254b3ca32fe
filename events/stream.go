package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/ordercloud-serverless/occ/shared/store"
	td "github.com/ordercloud-serverless/occ/shared/tabledef"
)

// Event is one event to put on a bus. It is the EventBridge entry minus the
// bus name; ID and Time are carried to the envelope by the local bus
// (EventBridge assigns its own ID).
type Event struct {
	ID         string
	Source     string
	DetailType string
	Detail     json.RawMessage
	Time       time.Time
	Resources  []string
}

// Operation names of stream records.
const (
	OpInsert = "INSERT"
	OpModify = "MODIFY"
	OpRemove = "REMOVE"
)

// Image holds the string attributes of an item image: the only ones the
// handler needs (PK, SK, T, ID, D). A nil Image means the image is absent.
type Image map[string]string

// StreamRecord is a DynamoDB stream record as the handler sees it, whether
// it came to a Lambda function or from the local poller.
type StreamRecord struct {
	EventID        string
	EventName      string // INSERT, MODIFY or REMOVE
	SequenceNumber string
	SourceARN      string
	Time           time.Time
	Keys, Old, New Image
	// Gone is the item DynamoDB's time to live removed, from the old
	// image (nil unless a REMOVE by the TTL service).
	Gone *store.Item
}

// SkippedTypes are entity types whose changes are not published: internal
// items that are not entities (counters carry T but no document; username,
// promotion-code and facet-path reservations, refresh tokens, the
// integrations' delivery log, token
// revocations, the bootstrap marker and the markers of shipments' orders
// and users and of spending accounts' payments are bookkeeping; list-index
// items are compact copies of entities whose own change is published;
// idempotency records are recorded answers).
var SkippedTypes = map[string]bool{store.IndexItemType: true, "Counter": true, "Username": true, "RefreshToken": true, "Marketplace": true,
	"OrderShipment": true, "TokenRevocation": true, "PromotionCode": true, "ProductFacetPath": true,
	"UserShipment": true, "SpendingAccountPayment": true, "IdempotencyKey": true, "DeliveryLog": true,
	"VerificationCode": true, "VerificationCodeRate": true, "UserEmail": true}

// FromLambdaRecord converts a record of a Lambda DynamoDB stream event.
func FromLambdaRecord(r lambdaevents.DynamoDBEventRecord) StreamRecord {
	conv := func(m map[string]lambdaevents.DynamoDBAttributeValue) Image {
		if m == nil {
			return nil
		}
		img := make(Image, len(m))
		for k, v := range m {
			if v.DataType() == lambdaevents.DataTypeString {
				img[k] = v.String()
			}
		}
		return img
	}
	return StreamRecord{EventID: r.EventID, EventName: r.EventName, SequenceNumber: r.Change.SequenceNumber,
		SourceARN: r.EventSourceArn, Time: r.Change.ApproximateCreationDateTime.UTC(),
		Keys: conv(r.Change.Keys), Old: conv(r.Change.OldImage), New: conv(r.Change.NewImage), Gone: lambdaGone(r)}
}

// FromStreamsRecord converts a record read with the DynamoDB Streams API
// (the local poller), so it takes the same path as a Lambda record.
func FromStreamsRecord(r streamtypes.Record, sourceARN string) StreamRecord {
	conv := func(m map[string]streamtypes.AttributeValue) Image {
		if m == nil {
			return nil
		}
		img := make(Image, len(m))
		for k, v := range m {
			if s, ok := v.(*streamtypes.AttributeValueMemberS); ok {
				img[k] = s.Value
			}
		}
		return img
	}
	out := StreamRecord{EventName: string(r.EventName), SourceARN: sourceARN}
	if r.EventID != nil {
		out.EventID = *r.EventID
	}
	if d := r.Dynamodb; d != nil {
		if d.SequenceNumber != nil {
			out.SequenceNumber = *d.SequenceNumber
		}
		if d.ApproximateCreationDateTime != nil {
			out.Time = d.ApproximateCreationDateTime.UTC()
		}
		out.Keys, out.Old, out.New = conv(d.Keys), conv(d.OldImage), conv(d.NewImage)
	}
	out.Gone = streamsGone(r)
	return out
}

// ChangeOf maps a stream operation to a change kind ("" if unknown).
func ChangeOf(eventName string) string {
	switch eventName {
	case OpInsert:
		return Created
	case OpModify:
		return Updated
	case OpRemove:
		return Deleted
	}
	return ""
}

// doc returns attribute D of an image as JSON: the text itself when it is
// valid JSON (kept raw so decimals survive exactly), a JSON string when it
// is not, and nil when the image or attribute is absent.
func doc(img Image) any {
	d, ok := img[td.AttrDoc]
	if !ok || img == nil {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(d), &obj) == nil {
		// Keys starting with "_" are internal (a user's password hash, say)
		// and never leave the table; everything else is passed as stored,
		// numbers in their exact text.
		for k := range obj {
			if strings.HasPrefix(k, "_") {
				delete(obj, k)
			}
		}
		b, _ := json.Marshal(obj)
		return json.RawMessage(b)
	}
	if json.Valid([]byte(d)) {
		return json.RawMessage(d)
	}
	return d
}

// statusOf reads the Status of an image's document ("" when none).
func statusOf(img Image) string {
	var d struct{ Status string }
	if raw, ok := img[td.AttrDoc]; ok {
		_ = json.Unmarshal([]byte(raw), &d)
	}
	return d.Status
}

// EventFor builds the event of a stream record. ok is false for records
// that are not published (no entity type, a skipped type, an unknown
// operation).
func EventFor(r StreamRecord) (ev Event, ok bool, err error) {
	change := ChangeOf(r.EventName)
	img := r.New
	if img == nil {
		img = r.Old
	}
	typ := img[td.AttrType]
	if change == "" || typ == "" || SkippedTypes[typ] {
		return Event{}, false, nil
	}
	key := func(k string) string {
		if v, ok := img[k]; ok {
			return v
		}
		return r.Keys[k]
	}
	d := Detail{Type: typ, ID: img[td.AttrID], Change: change, PK: key(td.PK), SK: key(td.SK),
		Old: doc(r.Old), New: doc(r.New)}
	detailType := DetailType(typ, change)
	if change == Updated {
		if t := Transition(typ, statusOf(r.Old), statusOf(r.New)); t != "" {
			detailType = DetailType(typ, t)
		}
	}
	ev = Event{ID: r.EventID, Source: Source, DetailType: detailType, Time: r.Time}
	if r.SourceARN != "" {
		ev.Resources = []string{r.SourceARN}
	}
	// Fit EventBridge's entry limit: drop Old first, then New.
	for step := 0; ; step++ {
		if ev.Detail, err = json.Marshal(d); err != nil {
			return Event{}, false, err
		}
		if EntrySize(ev) <= MaxEntrySize || step == 2 {
			break
		}
		d.Truncated = true
		if step == 0 {
			d.Old = nil
		} else {
			d.New = nil
		}
	}
	return ev, true, nil
}

// StreamHandler turns DynamoDB stream records into events on a Publisher.
type StreamHandler struct {
	Publisher Publisher
	// Expired cleans up after an item DynamoDB's time to live removed
	// (nil: nothing is). A record it fails for is reported failed, so it
	// comes again; it must be safe to run twice for one record.
	Expired func(ctx context.Context, gone store.Item) error
	// Log receives skipped and failed records (nil: slog.Default()).
	Log *slog.Logger
}

func (h *StreamHandler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// Handle is the Lambda entry point for a DynamoDB stream event source with
// ReportBatchItemFailures: records whose event could not be published are
// reported so Lambda retries from them.
func (h *StreamHandler) Handle(ctx context.Context, e lambdaevents.DynamoDBEvent) (lambdaevents.DynamoDBEventResponse, error) {
	recs := make([]StreamRecord, len(e.Records))
	for i, r := range e.Records {
		recs[i] = FromLambdaRecord(r)
	}
	var resp lambdaevents.DynamoDBEventResponse
	for _, seq := range h.Process(ctx, recs) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, lambdaevents.DynamoDBBatchItemFailure{ItemIdentifier: seq})
	}
	return resp, nil
}

// Process publishes the events of records in order and returns, in record
// order, the sequence numbers of the records whose event was not published.
func (h *StreamHandler) Process(ctx context.Context, recs []StreamRecord) (failedSeqs []string) {
	bad := make([]bool, len(recs))
	var evs []Event
	var owners []int // index into recs of each event
	for i, r := range recs {
		if r.Gone != nil && h.Expired != nil {
			if err := h.Expired(ctx, *r.Gone); err != nil {
				h.log().ErrorContext(ctx, "expired item not cleaned up", "seq", r.SequenceNumber, "pk", r.Gone.PK, "sk", r.Gone.SK, "err", err)
				bad[i] = true
				continue
			}
		}
		ev, ok, err := EventFor(r)
		if err != nil {
			h.log().ErrorContext(ctx, "stream record not convertible", "seq", r.SequenceNumber, "err", err)
			bad[i] = true
			continue
		}
		if ok {
			evs = append(evs, ev)
			owners = append(owners, i)
		}
	}
	if len(evs) > 0 {
		failed, err := h.Publisher.Publish(ctx, evs)
		if err != nil && len(failed) == 0 {
			// An error without indexes: nothing is known to be published.
			for i := range evs {
				failed = append(failed, i)
			}
		}
		for _, i := range failed {
			if i >= 0 && i < len(owners) {
				bad[owners[i]] = true
			}
		}
		if len(failed) > 0 {
			h.log().ErrorContext(ctx, "events not published", "failed", len(failed), "of", len(evs), "err", err)
		}
	}
	for i, b := range bad {
		if b {
			failedSeqs = append(failedSeqs, recs[i].SequenceNumber)
		}
	}
	return failedSeqs
}
