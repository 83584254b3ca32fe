// Command target-integrations is the EventBridge target of the rules routed
// to events.TargetIntegrations. It composes the app (like the API's
// functions) for its integrations, and runs the same handler the local bus
// calls in-process: each change goes through the integrations' change
// handlers, and each delivery they ask for is sent with the retry policy.
// A delivery still failing fails the invocation: Lambda retries the event
// asynchronously, then sends it to the function's failure destination (the
// dead-letter queue).
package main

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/app"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	a, err := app.NewFromEnv(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// Deliveries go to HTTP endpoints, EventBridge buses or SQS queues, as
	// their delivery configs say.
	dest := integrations.Destinations{HTTP: integrations.HTTPDeliverer{},
		Bus: events.EventBridgeBus{API: eventbridge.NewFromConfig(cfg)}, Queue: events.SQSQueue{API: sqs.NewFromConfig(cfg)}}
	in := a.Integrations()
	in.Deliverer = dest
	d := &integrations.RetryingDeliverer{Next: dest, Log: in.DeliveryLog(), Logger: logger}
	lambda.Start(events.Integrations(logger, func(ctx context.Context, ev events.Envelope, dt events.EntityDetail) error {
		ch, err := integrations.NewChange(ev.ID, ev.DetailType, dt.Type, dt.ID, dt.Change, dt.PK, dt.SK, dt.Old, dt.New)
		if err != nil {
			return err
		}
		return in.Process(ctx, ch, d)
	}))
}
