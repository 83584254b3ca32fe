// Command upgrade brings a table written by an earlier version up to this
// one (see app.Upgrade): list indexes and tallies, order shards, assignment
// index keys, product membership. It reads the same environment as the API
// (OC_TABLE_NAME, AWS credentials and region, or DYNAMODB_ENDPOINT for
// DynamoDB Local) and is safe to run again.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ordercloud-serverless/occ/shared/app"
)

func main() {
	ctx := context.Background()
	a, err := app.NewFromEnv(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "upgrade:", err)
		os.Exit(1)
	}
	rep, err := a.Upgrade(ctx, func(pass int, r app.UpgradeReport) {
		fmt.Fprintf(os.Stderr, "pass %d: %+v\n", pass, r)
	})
	fmt.Printf("%+v\n", rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "upgrade:", err)
		os.Exit(1)
	}
}
