package events

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
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

// SendMessageAPI is the part of the SQS client SQSQueue uses.
type SendMessageAPI interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// SQSQueue sends integration deliveries to an SQS queue named by a
// delivery config (its EventHub target's queue ARN): the AWS adapter of
// integrations.QueueSender. A FIFO queue de-duplicates by the delivery's
// ID, so a redelivered change is queued once.
type SQSQueue struct {
	API SendMessageAPI
}

// SendMessage sends body to the queue queueARN names.
func (q SQSQueue) SendMessage(ctx context.Context, queueARN, dedupID string, body json.RawMessage) error {
	url, name, err := queueURL(queueARN)
	if err != nil {
		return err
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(string(body))}
	if strings.HasSuffix(name, ".fifo") {
		in.MessageDeduplicationId = aws.String(dedupID)
		in.MessageGroupId = aws.String("ordercloud")
	}
	if _, err := q.API.SendMessage(ctx, in); err != nil {
		return fmt.Errorf("SendMessage to %s: %w", queueARN, err)
	}
	return nil
}

// queueURL is the URL of the queue an ARN names
// (arn:PARTITION:sqs:REGION:ACCOUNT:NAME).
func queueURL(arn string) (url, name string, err error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[3] == "" || parts[4] == "" || parts[5] == "" {
		return "", "", fmt.Errorf("not an SQS queue ARN: %q", arn)
	}
	host := "sqs." + parts[3] + ".amazonaws.com"
	if parts[1] == "aws-cn" {
		host += ".cn"
	}
	return "https://" + host + "/" + parts[4] + "/" + parts[5], parts[5], nil
}
