package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// EventBridgeBus sends integration deliveries to an EventBridge bus named
// by a delivery config (its EventHub target's ARN): the AWS adapter of
// integrations.BusSender, which domain code may not implement itself.
type EventBridgeBus struct {
	API PutEventsAPI
}

// PutEvent puts one event on the bus; a rejected entry is an error (the
// retry policy around the deliverer tries again).
func (b EventBridgeBus) PutEvent(ctx context.Context, busARN, source, detailType string, detail json.RawMessage) error {
	out, err := b.API.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		EventBusName: aws.String(busARN), Source: aws.String(source), DetailType: aws.String(detailType),
		Detail: aws.String(string(detail)),
	}}})
	if err != nil {
		return fmt.Errorf("PutEvents to %s: %w", busARN, err)
	}
	if out.FailedEntryCount > 0 && len(out.Entries) > 0 {
		e := out.Entries[0]
		return fmt.Errorf("PutEvents to %s: %s %s", busARN, aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
	}
	return nil
}
