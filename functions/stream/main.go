// Command stream is the Lambda function on the table's DynamoDB stream: it
// publishes one event per entity change to the EventBridge bus named by
// OC_EVENT_BUS_NAME. The logic lives in package events.
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
)

func main() {
	bus := os.Getenv("OC_EVENT_BUS_NAME")
	if bus == "" {
		log.Fatal("stream: OC_EVENT_BUS_NAME is not set")
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("stream: load AWS config: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	pub := events.NewEventBridgePublisher(eventbridge.NewFromConfig(cfg), bus)
	pub.Log = logger
	handler := &events.StreamHandler{Publisher: pub, Log: logger}
	lambda.Start(handler.Handle)
}
