package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	td "github.com/ordercloud-serverless/occ/shared/tabledef"
)

// CreateInput is the CreateTable request for tabledef.Definition, the same
// table the CDK stack deploys.
func CreateInput(name string) *dynamodb.CreateTableInput {
	def := td.Definition
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(def.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(def.SortKey), AttributeType: types.ScalarAttributeTypeS},
	}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range def.Indexes {
		attrs = append(attrs,
			types.AttributeDefinition{AttributeName: aws.String(ix.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(ix.SortKey), AttributeType: types.ScalarAttributeTypeS})
		gsis = append(gsis, types.GlobalSecondaryIndex{IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}})
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(def.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(def.SortKey), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true),
			StreamViewType: types.StreamViewType(def.StreamView)},
	}
}

// EnsureTable creates the table if it is missing and waits until it is active.
func EnsureTable(ctx context.Context, c *dynamodb.Client, name string) (created bool, err error) {
	return ensureTable(ctx, c, CreateInput(name))
}

// EnsureStreamlessTable is EnsureTable without the table's stream, for
// tests that never read it: DynamoDB Local records each write of a
// streamed table on its one database thread, at a cost that made the
// integration tests five times slower. EnableStream adds it when a test
// needs it.
func EnsureStreamlessTable(ctx context.Context, c *dynamodb.Client, name string) (created bool, err error) {
	in := CreateInput(name)
	in.StreamSpecification = nil
	return ensureTable(ctx, c, in)
}

// EnableStream turns on the deployed table's stream view for a table made
// without one, and waits until the table is active with its stream.
func EnableStream(ctx context.Context, c *dynamodb.Client, name string) error {
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(name),
		StreamSpecification: CreateInput(name).StreamSpecification})
	if err != nil {
		return err
	}
	for {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			return err
		}
		if out.Table.TableStatus == types.TableStatusActive && out.Table.LatestStreamArn != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// DeleteTable deletes a table (tests delete theirs when they end).
func DeleteTable(ctx context.Context, c *dynamodb.Client, name string) error {
	_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	return err
}

func ensureTable(ctx context.Context, c *dynamodb.Client, in *dynamodb.CreateTableInput) (created bool, err error) {
	name := aws.ToString(in.TableName)
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	var nf *types.ResourceNotFoundException
	if err == nil {
		return false, nil
	}
	if !errors.As(err, &nf) {
		return false, err
	}
	if _, err = c.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return false, err
		}
	}
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return true, err
	}
	if ttl := td.Definition.TimeToLive; ttl != "" {
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(ttl), Enabled: aws.Bool(true)}})
	}
	return true, err
}
