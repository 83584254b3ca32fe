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
	in := a.Integrations()
	d := &integrations.RetryingDeliverer{Next: integrations.HTTPDeliverer{}, Log: in.DeliveryLog(), Logger: logger}
	lambda.Start(events.Integrations(logger, func(ctx context.Context, ev events.Envelope, dt events.EntityDetail) error {
		ch, err := integrations.NewChange(ev.ID, ev.DetailType, dt.Type, dt.ID, dt.Change, dt.PK, dt.SK, dt.Old, dt.New)
		if err != nil {
			return err
		}
		return in.Process(ctx, ch, d)
	}))
}
