// Command stream is the Lambda function on the table's DynamoDB stream: it
// publishes one event per entity change to the EventBridge bus named by
// OC_EVENT_BUS_NAME, and cleans up after the items DynamoDB's time to live
// removes (an abandoned order's lines, index entries and counts) in the
// table named by OC_TABLE_NAME. The logic lives in package events and in
// the app.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/app"
)

func main() {
	ctx := context.Background()
	bus := os.Getenv("OC_EVENT_BUS_NAME")
	if bus == "" {
		log.Fatal("stream: OC_EVENT_BUS_NAME is not set")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatalf("stream: load AWS config: %v", err)
	}
	a, err := app.NewMaintenanceFromEnv(ctx)
	if err != nil {
		log.Fatalf("stream: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	pub := events.NewEventBridgePublisher(eventbridge.NewFromConfig(cfg), bus)
	pub.Log = logger
	handler := &events.StreamHandler{Publisher: pub, Log: logger, Expired: a.CleanupExpired}
	lambda.Start(handler.Handle)
}
