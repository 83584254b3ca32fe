package events

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/ordercloud-serverless/occ/shared/store"
)

const ttlPayload = `{"Records":[
 {"eventID":"t1","eventName":"REMOVE","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},"dynamodb":{
  "Keys":{"PK":{"S":"Order#s1"},"SK":{"S":"o1"}},
  "OldImage":{"PK":{"S":"Order#s1"},"SK":{"S":"o1"},"T":{"S":"Order"},"ID":{"S":"o1"},"D":{"S":"{\"ID\":\"o1\"}"},
   "V":{"N":"3"},"E":{"N":"1700000000"},"X":{"SS":["a","b"]}},
  "SequenceNumber":"100"}},
 {"eventID":"t2","eventName":"REMOVE","dynamodb":{
  "Keys":{"PK":{"S":"Order#s1"},"SK":{"S":"o2"}},
  "OldImage":{"PK":{"S":"Order#s1"},"SK":{"S":"o2"},"T":{"S":"Order"},"ID":{"S":"o2"},"D":{"S":"{\"ID\":\"o2\"}"}},
  "SequenceNumber":"200"}}
]}`

// A REMOVE by DynamoDB's time to live carries the removed item to the
// Expired hook (a delete by the API does not); a failed cleanup fails its
// record, and its event waits for the retry.
func TestExpiredItemsAreCleanedUp(t *testing.T) {
	e := lambdaEvent(t, ttlPayload)
	want := store.Item{PK: "Order#s1", SK: "o1", Type: "Order", ID: "o1", Doc: []byte(`{"ID":"o1"}`), Version: 3, Expires: 1700000000, Index: []string{"a", "b"}}
	var got []store.Item
	fail := false
	pub := &recordingPublisher{}
	h := &StreamHandler{Publisher: pub, Expired: func(_ context.Context, it store.Item) error {
		got = append(got, it)
		if fail {
			return errors.New("store down")
		}
		return nil
	}}
	resp, _ := h.Handle(context.Background(), e)
	if len(resp.BatchItemFailures) != 0 || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("cleaned %+v, failures %v", got, resp.BatchItemFailures)
	}
	if len(pub.got) != 2 {
		t.Errorf("%d events, want both removals", len(pub.got))
	}
	fail = true
	resp, _ = h.Handle(context.Background(), e)
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	if !slices.Equal(ids, []string{"100"}) {
		t.Errorf("failures %v, want the TTL record's", ids)
	}

	// The Streams API record of the same removal takes the same path.
	s := func(v string) streamtypes.AttributeValue { return &streamtypes.AttributeValueMemberS{Value: v} }
	sdk := streamtypes.Record{EventID: aws.String("t1"), EventName: streamtypes.OperationTypeRemove,
		UserIdentity: &streamtypes.Identity{Type: aws.String("Service"), PrincipalId: aws.String(TTLPrincipal)},
		Dynamodb: &streamtypes.StreamRecord{SequenceNumber: aws.String("100"),
			Keys: map[string]streamtypes.AttributeValue{"PK": s("Order#s1"), "SK": s("o1")},
			OldImage: map[string]streamtypes.AttributeValue{"PK": s("Order#s1"), "SK": s("o1"), "T": s("Order"), "ID": s("o1"),
				"D": s(`{"ID":"o1"}`), "V": &streamtypes.AttributeValueMemberN{Value: "3"},
				"E": &streamtypes.AttributeValueMemberN{Value: "1700000000"}, "X": &streamtypes.AttributeValueMemberSS{Value: []string{"a", "b"}}}}}
	if g := FromStreamsRecord(sdk, "").Gone; g == nil || !reflect.DeepEqual(*g, want) {
		t.Errorf("streams record: %+v", g)
	}
}
