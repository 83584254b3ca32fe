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

// A transaction DynamoDB cancels because another one held an item wrote
// nothing: the adapter reports it as store.ErrConflict (no op's condition
// failed, so Index is -1), which makes the request read again and retry
// (resource.Retry). A failed condition keeps its op's index.
func TestTransactConflictsAreConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("conflict_%d", time.Now().UnixNano())
	if _, err := EnsureStreamlessTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	api := &conflicting{API: client, n: 1}
	st := New(api, table)
	it := store.Item{PK: "Product", SK: "p", Doc: []byte(`{}`)}
	err = st.Transact(ctx, []store.Op{{Put: &it, Cond: store.IfAbsent}})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Index != -1 || api.calls != 1 {
		t.Errorf("cancelled by a transaction conflict: %v after %d calls", err, api.calls)
	}
	if _, err := st.Get(ctx, store.Key{PK: "Product", SK: "p"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cancelled transaction wrote: %v", err)
	}
	if err := st.Transact(ctx, []store.Op{{Put: &it, Cond: store.IfAbsent}}); err != nil {
		t.Fatal(err)
	}
	other := store.Item{PK: "Product", SK: "q", Doc: []byte(`{}`)}
	err = st.Transact(ctx, []store.Op{{Put: &other, Cond: store.IfAbsent}, {Put: &it, Cond: store.IfAbsent}})
	if !errors.As(err, &ce) || ce.Index != 1 {
		t.Errorf("existing item: %v", err)
	}
}
