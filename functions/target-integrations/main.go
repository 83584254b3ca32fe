// Command target-integrations is the EventBridge target of the rules routed
// to events.TargetIntegrations. It runs the same handler the local bus
// calls in-process (events.Integrations).
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/ordercloud-serverless/occ/events"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	lambda.Start(events.Integrations(logger))
}
