package events

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// lambdaEvent decodes a DynamoDB stream event as Lambda delivers it.
func lambdaEvent(t *testing.T, payload string) lambdaevents.DynamoDBEvent {
	t.Helper()
	var e lambdaevents.DynamoDBEvent
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

const streamPayload = `{"Records":[
 {"eventID":"e1","eventName":"INSERT","eventSourceARN":"arn:stream","dynamodb":{"ApproximateCreationDateTime":1700000000,
  "Keys":{"PK":{"S":"Product"},"SK":{"S":"p1"}},
  "NewImage":{"PK":{"S":"Product"},"SK":{"S":"p1"},"T":{"S":"Product"},"ID":{"S":"p1"},"D":{"S":"{\"ID\":\"p1\",\"Price\":1.10}"},"V":{"N":"1"}},
  "SequenceNumber":"100"}},
 {"eventID":"e2","eventName":"MODIFY","dynamodb":{
  "Keys":{"PK":{"S":"Product"},"SK":{"S":"p1"}},
  "OldImage":{"PK":{"S":"Product"},"SK":{"S":"p1"},"T":{"S":"Product"},"ID":{"S":"p1"},"D":{"S":"{\"ID\":\"p1\",\"Price\":1.10}"}},
  "NewImage":{"PK":{"S":"Product"},"SK":{"S":"p1"},"T":{"S":"Product"},"ID":{"S":"p1"},"D":{"S":"{\"ID\":\"p1\",\"Price\":2}"}},
  "SequenceNumber":"200"}},
 {"eventID":"e3","eventName":"MODIFY","dynamodb":{
  "Keys":{"PK":{"S":"Counter"},"SK":{"S":"orders"}},
  "NewImage":{"PK":{"S":"Counter"},"SK":{"S":"orders"},"T":{"S":"Counter"},"C":{"N":"2"}},
  "SequenceNumber":"300"}},
 {"eventID":"e4","eventName":"REMOVE","dynamodb":{
  "Keys":{"PK":{"S":"Order"},"SK":{"S":"o1"}},
  "OldImage":{"PK":{"S":"Order"},"SK":{"S":"o1"},"T":{"S":"Order"},"ID":{"S":"o1"},"D":{"S":"{\"ID\":\"o1\"}"}},
  "SequenceNumber":"400"}},
 {"eventID":"e5","eventName":"INSERT","dynamodb":{
  "Keys":{"PK":{"S":"x"},"SK":{"S":"y"}},
  "NewImage":{"PK":{"S":"x"},"SK":{"S":"y"}},
  "SequenceNumber":"500"}}
]}`

type recordingPublisher struct {
	got    []Event
	failed func(evs []Event) []int
}

func (p *recordingPublisher) Publish(_ context.Context, evs []Event) ([]int, error) {
	p.got = append(p.got, evs...)
	if p.failed != nil {
		if f := p.failed(evs); len(f) > 0 {
			return f, errors.New("boom")
		}
	}
	return nil, nil
}

func details(t *testing.T, evs []Event) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, ev := range evs {
		var m map[string]any
		if err := json.Unmarshal(ev.Detail, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestHandleBuildsOneEventPerEntityChange(t *testing.T) {
	pub := &recordingPublisher{}
	h := &StreamHandler{Publisher: pub}
	resp, err := h.Handle(context.Background(), lambdaEvent(t, streamPayload))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp=%+v err=%v", resp, err)
	}
	var types []string
	for _, ev := range pub.got {
		if ev.Source != Source {
			t.Errorf("source %q", ev.Source)
		}
		types = append(types, ev.DetailType)
	}
	want := []string{"Product.Created", "Product.Updated", "Order.Deleted"}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("detail types %v, want %v (counter and untyped items skipped)", types, want)
	}
	d := details(t, pub.got)
	if d[0]["Old"] != nil || d[0]["New"].(map[string]any)["ID"] != "p1" || d[0]["Change"] != Created ||
		d[0]["PK"] != "Product" || d[0]["SK"] != "p1" || d[0]["Type"] != "Product" || d[0]["ID"] != "p1" {
		t.Errorf("created detail %v", d[0])
	}
	if d[1]["Old"].(map[string]any)["Price"] != 1.1 || d[1]["New"].(map[string]any)["Price"] != 2.0 {
		t.Errorf("updated detail %v", d[1])
	}
	if d[2]["New"] != nil || d[2]["Old"] == nil || d[2]["Change"] != Deleted {
		t.Errorf("deleted detail %v", d[2])
	}
	// Decimals keep their text.
	if !strings.Contains(string(pub.got[0].Detail), `"Price":1.10`) {
		t.Errorf("document not kept verbatim: %s", pub.got[0].Detail)
	}
	if want := time.Unix(1700000000, 0).UTC(); !pub.got[0].Time.Equal(want) || pub.got[0].ID != "e1" ||
		!reflect.DeepEqual(pub.got[0].Resources, []string{"arn:stream"}) {
		t.Errorf("event %+v", pub.got[0])
	}
}

func TestHandleReportsFailedRecords(t *testing.T) {
	// The second and third events (records 200 and 400) fail.
	pub := &recordingPublisher{failed: func([]Event) []int { return []int{1, 2} }}
	h := &StreamHandler{Publisher: pub}
	resp, err := h.Handle(context.Background(), lambdaEvent(t, streamPayload))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	if !reflect.DeepEqual(ids, []string{"200", "400"}) {
		t.Fatalf("failures %v", ids)
	}
}

func TestStreamsRecordTakesTheSamePath(t *testing.T) {
	e := lambdaEvent(t, streamPayload)
	s := func(v string) streamtypes.AttributeValue { return &streamtypes.AttributeValueMemberS{Value: v} }
	when := time.Unix(1700000000, 0)
	sdk := streamtypes.Record{EventID: aws.String("e1"), EventName: streamtypes.OperationTypeInsert,
		Dynamodb: &streamtypes.StreamRecord{ApproximateCreationDateTime: &when, SequenceNumber: aws.String("100"),
			Keys: map[string]streamtypes.AttributeValue{"PK": s("Product"), "SK": s("p1")},
			NewImage: map[string]streamtypes.AttributeValue{"PK": s("Product"), "SK": s("p1"), "T": s("Product"),
				"ID": s("p1"), "D": s(`{"ID":"p1","Price":1.10}`), "V": &streamtypes.AttributeValueMemberN{Value: "1"}}}}
	a, b := FromLambdaRecord(e.Records[0]), FromStreamsRecord(sdk, "arn:stream")
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("lambda %+v\nsdk    %+v", a, b)
	}
	ea, _, _ := EventFor(a)
	eb, _, _ := EventFor(b)
	if !reflect.DeepEqual(ea, eb) {
		t.Fatalf("events differ: %+v vs %+v", ea, eb)
	}
}

func TestEventForFitsTheEntryLimit(t *testing.T) {
	big := `{"ID":"p1","Description":"` + strings.Repeat("x", 150*1024) + `"}`
	r := StreamRecord{EventName: OpModify, SequenceNumber: "1",
		Old: Image{"T": "Product", "ID": "p1", "PK": "Product", "SK": "p1", "D": big},
		New: Image{"T": "Product", "ID": "p1", "PK": "Product", "SK": "p1", "D": big}}
	ev, ok, err := EventFor(r)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if EntrySize(ev) > MaxEntrySize {
		t.Fatalf("entry %d bytes", EntrySize(ev))
	}
	d, err := DecodeDetail(ev.Detail)
	if err != nil || !d.Truncated || d.HasOld() || !d.HasNew() {
		t.Fatalf("detail %+v err %v", d, err)
	}
}

func TestEventForKeepsInvalidDocumentAsText(t *testing.T) {
	ev, ok, err := EventFor(StreamRecord{EventName: OpInsert, New: Image{"T": "Product", "ID": "p", "D": "not json"}})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if !strings.Contains(string(ev.Detail), `"New":"not json"`) {
		t.Fatalf("detail %s", ev.Detail)
	}
}

func TestStatusChangesAreTransitions(t *testing.T) {
	for _, c := range []struct{ typ, from, to, want string }{
		{"Order", "Unsubmitted", "Open", "Order.Submitted"},
		{"Order", "Unsubmitted", "AwaitingApproval", "Order.SubmittedForApproval"},
		{"Order", "AwaitingApproval", "Open", "Order.Approved"},
		{"Order", "AwaitingApproval", "Declined", "Order.Declined"},
		{"Order", "Open", "Canceled", "Order.Canceled"},
		{"Order", "Open", "Completed", "Order.Completed"},
		{"OrderReturn", "Unsubmitted", "Open", "OrderReturn.Submitted"},
		{"OrderReturn", "Unsubmitted", "AwaitingApproval", "OrderReturn.SubmittedForApproval"},
		{"OrderReturn", "AwaitingApproval", "Open", "OrderReturn.Approved"},
		{"OrderReturn", "AwaitingApproval", "Declined", "OrderReturn.Declined"},
		{"OrderReturn", "Open", "Canceled", "OrderReturn.Canceled"},
		{"OrderReturn", "Open", "Completed", "OrderReturn.Completed"},
		{"Order", "Open", "Open", "Order.Updated"},
		{"Product", "a", "b", "Product.Updated"},
	} {
		rec := StreamRecord{EventName: "MODIFY", Keys: Image{"PK": "x", "SK": "y"},
			Old: Image{"T": c.typ, "ID": "o1", "D": `{"Status":"` + c.from + `"}`},
			New: Image{"T": c.typ, "ID": "o1", "D": `{"Status":"` + c.to + `"}`}}
		ev, ok, err := EventFor(rec)
		if err != nil || !ok || ev.DetailType != c.want {
			t.Errorf("%s %s→%s: %q %v %v", c.typ, c.from, c.to, ev.DetailType, ok, err)
		}
	}
}
