package events

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
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
