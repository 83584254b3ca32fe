// Command bootstrap is the onEvent handler of the stack's bootstrap custom
// resource: on Create and Update it seeds the marketplace (admin user, API
// client, signing key) and records generated credentials in the admin
// secret. The logic lives in shared/deploy.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/ordercloud-serverless/occ/shared/app"
	"github.com/ordercloud-serverless/occ/shared/deploy"
)

// marketplace adapts *app.App to deploy.Bootstrapper. The struct conversions
// only compile while both packages declare the same fields.
type marketplace struct{ a *app.App }

func (m marketplace) Bootstrap(ctx context.Context, in deploy.BootstrapInput) (deploy.BootstrapResult, error) {
	res, err := m.a.Bootstrap(ctx, app.BootstrapInput(in))
	return deploy.BootstrapResult(res), err
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("bootstrap: load AWS config: %v", err)
	}
	h := &deploy.BootstrapHandler{
		NewApp: func(ctx context.Context) (deploy.Bootstrapper, error) {
			a, err := app.NewFromEnv(ctx)
			if err != nil {
				return nil, err
			}
			return marketplace{a}, nil
		},
		Secrets:       secretsmanager.NewFromConfig(cfg),
		AdminSecretID: os.Getenv(deploy.EnvAdminSecretID),
	}
	lambda.Start(h.Handle)
}
