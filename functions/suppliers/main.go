// Command suppliers is the Lambda serving the "suppliers" resource group of the API (see
// shared/routes) behind API Gateway's HTTP API.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/ordercloud-serverless/occ/shared/app"
)

func main() {
	a, err := app.NewFromEnv(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(httpadapter.NewV2(a.Handler("suppliers")).ProxyWithContext)
}
