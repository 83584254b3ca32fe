package events

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

type oneEntryAPI struct {
	in  *eventbridge.PutEventsInput
	out *eventbridge.PutEventsOutput
}

func (a *oneEntryAPI) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	a.in = in
	return a.out, nil
}

// A delivery to a bus is one entry on the bus the ARN names; a rejected
// entry is an error.
func TestEventBridgeBus(t *testing.T) {
	const arn = "arn:aws:events:eu-west-1:123456789012:event-bus/orders"
	api := &oneEntryAPI{out: &eventbridge.PutEventsOutput{}}
	bus := EventBridgeBus{API: api}
	if err := bus.PutEvent(context.Background(), arn, "src", "dt", json.RawMessage(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	e := api.in.Entries[0]
	if len(api.in.Entries) != 1 || aws.ToString(e.EventBusName) != arn || aws.ToString(e.Source) != "src" ||
		aws.ToString(e.DetailType) != "dt" || aws.ToString(e.Detail) != `{"a":1}` {
		t.Fatalf("entry: %+v", e)
	}
	api.out = &eventbridge.PutEventsOutput{FailedEntryCount: 1, Entries: []ebtypes.PutEventsResultEntry{{ErrorCode: aws.String("AccessDeniedException")}}}
	if err := bus.PutEvent(context.Background(), arn, "src", "dt", json.RawMessage(`{}`)); err == nil {
		t.Fatal("a rejected entry is an error")
	}
}

type sentMessages struct{ in []*sqs.SendMessageInput }

func (s *sentMessages) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	s.in = append(s.in, in)
	return &sqs.SendMessageOutput{}, nil
}

// A delivery to a queue goes to the URL its ARN names; a FIFO queue
// de-duplicates by the delivery's ID; what is no queue ARN is refused.
func TestSQSQueue(t *testing.T) {
	api := &sentMessages{}
	q := SQSQueue{API: api}
	ctx := context.Background()
	if err := q.SendMessage(ctx, "arn:aws:sqs:eu-west-1:123456789012:syncs", "d1", json.RawMessage(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := q.SendMessage(ctx, "arn:aws:sqs:us-east-1:123456789012:syncs.fifo", "d2", json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}
	std, fifo := api.in[0], api.in[1]
	if aws.ToString(std.QueueUrl) != "https://sqs.eu-west-1.amazonaws.com/123456789012/syncs" || aws.ToString(std.MessageBody) != `{"a":1}` ||
		std.MessageDeduplicationId != nil {
		t.Errorf("standard queue message: %+v", std)
	}
	if aws.ToString(fifo.MessageDeduplicationId) != "d2" || aws.ToString(fifo.MessageGroupId) == "" {
		t.Errorf("FIFO queue message: %+v", fifo)
	}
	for _, bad := range []string{"", "arn:aws:events:eu-west-1:1:event-bus/x", "arn:aws:sqs:eu-west-1::q", "https://example.com"} {
		if err := q.SendMessage(ctx, bad, "d", json.RawMessage(`{}`)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
