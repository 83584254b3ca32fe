package dynamo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ordercloud-serverless/occ/shared/store"
)

// conflicting passes every call to DynamoDB Local, but first cancels the
// next n transactions the way DynamoDB cancels one that met another on an
// item (DynamoDB Local serializes transactions and never does).
type conflicting struct {
	API
	n     int
	calls int
}

func (c *conflicting) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.calls++
	if c.n > 0 {
		c.n--
		reasons := make([]types.CancellationReason, len(in.TransactItems))
		for i := range reasons {
			reasons[i].Code = aws.String("None")
		}
		reasons[len(reasons)-1].Code = aws.String("TransactionConflict")
		return nil, &types.TransactionCanceledException{Message: aws.String("conflict"), CancellationReasons: reasons}
	}
	return c.API.TransactWriteItems(ctx, in, opts...)
}

func TestTransactRetriesConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("conflict_%d", time.Now().UnixNano())
	if _, err := EnsureTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	api := &conflicting{API: client, n: 3}
	st := New(api, table)
	it := store.Item{PK: "Product", SK: "p", Doc: []byte(`{}`)}
	if err := st.Transact(ctx, []store.Op{{Put: &it, Cond: store.IfAbsent}}); err != nil {
		t.Fatal(err)
	}
	if api.calls != 4 {
		t.Errorf("%d calls, want 3 cancelled and 1 written", api.calls)
	}
	// A failed condition is not retried, even beside a conflict.
	api.calls = 0
	err = st.Transact(ctx, []store.Op{{Put: &it, Cond: store.IfAbsent}})
	if !errors.Is(err, store.ErrConflict) || api.calls != 1 {
		t.Errorf("existing item: %v after %d calls", err, api.calls)
	}
	// Conflicts that never end give up with DynamoDB's error.
	api.n, api.calls = 100, 0
	err = st.Transact(ctx, []store.Op{{Delete: &store.Key{PK: "Product", SK: "p"}}})
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) || api.calls != transactConflictRetries+1 {
		t.Errorf("endless conflicts: %v after %d calls", err, api.calls)
	}
}
