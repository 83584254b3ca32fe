// Command subscriptions-due is the Lambda an EventBridge Scheduler
// schedule invokes every minute: it orders the subscriptions due and sends
// the reminders due (app.RunSubscriptions), as `make run`'s ticker does.
// Runs that overlap or are retried are safe: each due date is ordered
// exactly once (see shared/subscriptions).
package main

import (
	"context"
	"log"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/ordercloud-serverless/occ/shared/app"
)

// Invocation is the schedule's input: the time the run was scheduled for
// (the scheduler fills <aws.scheduler.scheduled-time>), so a retried
// invocation runs for the same minute.
type Invocation struct {
	ScheduledTime string `json:"scheduledTime"`
}

func main() {
	a, err := app.NewFromEnv(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(func(ctx context.Context, in Invocation) error {
		now := time.Now()
		if t, err := time.Parse(time.RFC3339, in.ScheduledTime); err == nil && t.Before(now) {
			now = t
		}
		res, err := a.RunSubscriptions(ctx, now)
		slog.Info("subscriptions run", "at", now, "ordered", res.Ordered, "failed", res.Failed, "ended", res.Ended,
			"skipped", res.Skipped, "reminded", res.Reminded, "err", err)
		return err
	})
}
