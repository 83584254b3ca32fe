// Command integrations is the Lambda serving the "integrations" resource group of the API (see
// shared/routes) behind API Gateway's HTTP API. What the group sends at once
// (a forced sync, an error config's test) reaches HTTP endpoints,
// EventBridge buses and SQS queues, as delivery configs say.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/app"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

func main() {
	ctx := context.Background()
	a, err := app.NewFromEnv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	a.Integrations().Deliverer = integrations.Destinations{HTTP: integrations.HTTPDeliverer{},
		Bus: events.EventBridgeBus{API: eventbridge.NewFromConfig(cfg)}, Queue: events.SQSQueue{API: sqs.NewFromConfig(cfg)}}
	lambda.Start(httpadapter.NewV2(a.Handler("integrations")).ProxyWithContext)
}
