package events

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/ordercloud-serverless/occ/shared/store"
)

// RunLocal wires the local event pipeline for the local runner and tests:
// a LocalBus with every target handler registered, and a Poller feeding
// the table's stream to it through a StreamHandler. The poller runs until
// ctx is cancelled; RunLocal returns once it is positioned on the stream,
// so every change made afterwards produces events.
func RunLocal(ctx context.Context, ddb *dynamodb.Client, streams *dynamodbstreams.Client, table string, log *slog.Logger) (*LocalBus, error) {
	return RunLocalWith(ctx, ddb, streams, table, log, nil, nil)
}

// RunLocalWith is RunLocal with the integrations target running run on
// each change (what the target Lambda runs; see functions/target-integrations)
// and the stream handler cleaning up after items DynamoDB's time to live
// removes (StreamHandler.Expired; what the stream Lambda runs). DynamoDB
// Local runs no time to live, so locally it only sees such records when
// something synthesizes them. Either may be nil.
func RunLocalWith(ctx context.Context, ddb *dynamodb.Client, streams *dynamodbstreams.Client, table string, log *slog.Logger, run ChangeFunc,
	expired func(ctx context.Context, gone store.Item) error) (*LocalBus, error) {
	if log == nil {
		log = slog.Default()
	}
	bus, err := NewLocalBus(Rules, Targets(log, run), log)
	if err != nil {
		return nil, err
	}
	p := NewPoller(ddb, streams, table, &StreamHandler{Publisher: bus, Log: log, Expired: expired}, log)
	failed := make(chan error, 1)
	go func() {
		if err := p.Run(ctx); err != nil {
			log.Error("local stream poller stopped", "table", table, "err", err)
			failed <- err
		}
	}()
	select {
	case <-p.Ready():
		return bus, nil
	case err := <-failed:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
