// Package dynamo implements store.Store on one DynamoDB table with
// aws-sdk-go-v2. It is the only package that maps items to attributes.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ordercloud-serverless/occ/shared/awscfg"
	"github.com/ordercloud-serverless/occ/shared/store"
	td "github.com/ordercloud-serverless/occ/shared/tabledef"
)

// API is the part of the DynamoDB client the adapter uses.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Store is the DynamoDB adapter.
type Store struct {
	api   API
	table string
	// Calls counts DynamoDB requests, for benchmarks of calls per operation.
	Calls CallCounter
}

// CallCounter counts requests made through the adapter, and the items and
// bytes they read: the figures benchmarks report per operation.
type CallCounter struct{ n, items, bytes, docs int64 }

func (c *CallCounter) add()     { atomicAdd(&c.n, 1) }
func (c *CallCounter) N() int64 { return atomicLoad(&c.n) }

// Items, Bytes and Docs are the items read (those a count query counted
// included), the size of those returned, and how many of them were whole
// documents (rather than keys, counters or list-index items).
func (c *CallCounter) Items() int64 { return atomicLoad(&c.items) }
func (c *CallCounter) Bytes() int64 { return atomicLoad(&c.bytes) }
func (c *CallCounter) Docs() int64  { return atomicLoad(&c.docs) }

func (c *CallCounter) Reset() {
	atomicStore(&c.n, 0)
	atomicStore(&c.items, 0)
	atomicStore(&c.bytes, 0)
	atomicStore(&c.docs, 0)
}

// read counts items read.
func (c *CallCounter) read(items []map[string]types.AttributeValue) {
	var b, docs int64
	for _, m := range items {
		b += int64(itemSize(m))
		if _, ok := m[td.AttrDoc]; ok && str(m, td.AttrType) != store.IndexItemType {
			docs++
		}
	}
	atomicAdd(&c.items, int64(len(items)))
	atomicAdd(&c.bytes, b)
	atomicAdd(&c.docs, docs)
}

const tallyAttr = td.AttrTally

// New wraps a client and table name.
func New(api API, table string) *Store { return &Store{api: api, table: table} }

// ClientFromEnv builds a DynamoDB client. DYNAMODB_ENDPOINT (or
// AWS_ENDPOINT_URL) points it at DynamoDB Local or LocalStack; with an
// endpoint and no credentials in the environment, dummy ones are used.
func ClientFromEnv(ctx context.Context) (*dynamodb.Client, error) {
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	return NewClient(ctx, endpoint)
}

// NewClient builds a client for an endpoint ("" = AWS's own).
func NewClient(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	cfg, err := awscfg.Load(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func keyAttrs(k store.Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{td.PK: s(k.PK), td.SK: s(k.SK)}
}

func toAttrs(it store.Item) map[string]types.AttributeValue {
	m := map[string]types.AttributeValue{td.PK: s(it.PK), td.SK: s(it.SK), td.AttrType: s(it.Type),
		td.AttrID: s(it.ID), td.AttrDoc: s(string(it.Doc)), td.AttrVersion: n(it.Version)}
	if it.GSI1PK != "" {
		m[td.GSI1PK], m[td.GSI1SK] = s(it.GSI1PK), s(it.GSI1SK)
	}
	if it.GSI2PK != "" {
		m[td.GSI2PK], m[td.GSI2SK] = s(it.GSI2PK), s(it.GSI2SK)
	}
	if it.Stock != nil {
		m[td.AttrStock] = n(*it.Stock)
	}
	for name, v := range it.Counts {
		m[td.AttrCountPrefix+name] = n(v)
	}
	if len(it.Index) > 0 {
		m[td.AttrIndex] = &types.AttributeValueMemberSS{Value: it.Index}
	}
	if it.Expires > 0 {
		m[td.AttrExpires] = n(it.Expires)
	}
	return m
}

func str(m map[string]types.AttributeValue, k string) string {
	if v, ok := m[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func num(m map[string]types.AttributeValue, k string) (int64, bool) {
	if v, ok := m[k].(*types.AttributeValueMemberN); ok {
		i, err := strconv.ParseInt(v.Value, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// FromAttrs decodes an item (exported for the stream handler's tests).
func FromAttrs(m map[string]types.AttributeValue) store.Item {
	it := store.Item{PK: str(m, td.PK), SK: str(m, td.SK), GSI1PK: str(m, td.GSI1PK), GSI1SK: str(m, td.GSI1SK),
		GSI2PK: str(m, td.GSI2PK), GSI2SK: str(m, td.GSI2SK), Type: str(m, td.AttrType), ID: str(m, td.AttrID),
		Doc: []byte(str(m, td.AttrDoc))}
	it.Version, _ = num(m, td.AttrVersion)
	if q, ok := num(m, td.AttrStock); ok {
		it.Stock = &q
	}
	it.Tally, _ = num(m, td.AttrTally)
	if v, ok := m[td.AttrIndex].(*types.AttributeValueMemberSS); ok {
		it.Index = v.Value
	}
	it.Expires, _ = num(m, td.AttrExpires)
	for k := range m {
		if name, ok := strings.CutPrefix(k, td.AttrCountPrefix); ok {
			if v, ok := num(m, k); ok {
				if it.Counts == nil {
					it.Counts = map[string]int64{}
				}
				it.Counts[name] = v
			}
		}
	}
	return it
}

// findable reports whether an item can have the key: DynamoDB answers a
// request naming an empty key, or one over its limits, with a validation
// error, and no item can have such a key, so a read of one finds nothing.
func findable(pk, sk string) bool {
	return pk != "" && sk != "" && len(pk) <= store.MaxPartitionKeyBytes && len(sk) <= store.MaxSortKeyBytes
}

// checkKey refuses a write to a key over DynamoDB's limits (empty keys
// are the caller's bug and left to DynamoDB to refuse).
func checkKey(k store.Key) error {
	if len(k.PK) > store.MaxPartitionKeyBytes {
		return &store.TooLargeError{What: td.PK, Size: len(k.PK), Limit: store.MaxPartitionKeyBytes}
	}
	if len(k.SK) > store.MaxSortKeyBytes {
		return &store.TooLargeError{What: td.SK, Size: len(k.SK), Limit: store.MaxSortKeyBytes}
	}
	return nil
}

// checkItem refuses an item the table cannot hold before it is sent:
// DynamoDB would refuse it with a validation error, which is no fault of
// the store but of the write (a document grown too large, an over-long
// key such as a username).
func checkItem(m map[string]types.AttributeValue) error {
	type keyLimit struct {
		name  string
		limit int
	}
	keys := []keyLimit{{td.PK, store.MaxPartitionKeyBytes}, {td.SK, store.MaxSortKeyBytes}}
	for _, ix := range td.Definition.Indexes {
		keys = append(keys, keyLimit{ix.PartitionKey, store.MaxPartitionKeyBytes}, keyLimit{ix.SortKey, store.MaxSortKeyBytes})
	}
	for _, k := range keys {
		if n := len(str(m, k.name)); n > k.limit {
			return &store.TooLargeError{What: k.name, Size: n, Limit: k.limit}
		}
	}
	if n := itemSize(m); n > store.MaxItemBytes {
		return &store.TooLargeError{What: "item", Size: n, Limit: store.MaxItemBytes}
	}
	return nil
}

// itemSize is an item's size as DynamoDB counts it: each attribute's name
// and value in bytes (numbers counted as their text, a slight overcount).
func itemSize(m map[string]types.AttributeValue) int {
	n := 0
	for name, v := range m {
		n += len(name)
		switch x := v.(type) {
		case *types.AttributeValueMemberS:
			n += len(x.Value)
		case *types.AttributeValueMemberN:
			n += len(x.Value)
		}
	}
	return n
}

func condition(c store.Cond, version int64) (*string, map[string]types.AttributeValue) {
	switch c {
	case store.IfAbsent:
		return aws.String("attribute_not_exists(PK)"), nil
	case store.IfPresent:
		return aws.String("attribute_exists(PK)"), nil
	case store.IfVersion:
		return aws.String("V = :v"), map[string]types.AttributeValue{":v": n(version)}
	}
	return nil, nil
}

// isConditionFailure reports whether a write lost to a condition or to a
// concurrent transaction on the same item: either way the caller read
// something that has changed, and store.ErrConflict tells it so.
func isConditionFailure(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	var tc *types.TransactionCanceledException
	var tce *types.TransactionConflictException
	if errors.As(err, &ccf) || errors.As(err, &tce) {
		return true
	}
	if errors.As(err, &tc) {
		for _, r := range tc.CancellationReasons {
			if code := aws.ToString(r.Code); code == "ConditionalCheckFailed" || code == "TransactionConflict" {
				return true
			}
		}
	}
	return lockTimeout(err)
}

// lockTimeout reports DynamoDB Local's answer to transactions contending
// for one item under load ("timed out … waiting for a lock"; DynamoDB
// itself answers TransactionConflict): the same race, retried the same way.
func lockTimeout(err error) bool {
	var ise *types.InternalServerError
	return errors.As(err, &ise) && strings.Contains(ise.ErrorMessage(), "waiting for a lock")
}

func (st *Store) Get(ctx context.Context, k store.Key) (store.Item, error) {
	if !findable(k.PK, k.SK) {
		return store.Item{}, store.ErrNotFound
	}
	st.Calls.add()
	out, err := st.api.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: keyAttrs(k), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return store.Item{}, err
	}
	if out.Item == nil {
		return store.Item{}, store.ErrNotFound
	}
	st.Calls.read([]map[string]types.AttributeValue{out.Item})
	return FromAttrs(out.Item), nil
}

func (st *Store) putInput(it store.Item, cond store.Cond) (*dynamodb.PutItemInput, error) {
	expected := it.Version
	it.Version = expected + 1
	if cond != store.IfVersion && cond != store.Always {
		it.Version = max(it.Version, 1)
	}
	ce, vals := condition(cond, expected)
	attrs := toAttrs(it)
	if err := checkItem(attrs); err != nil {
		return nil, err
	}
	return &dynamodb.PutItemInput{TableName: &st.table, Item: attrs, ConditionExpression: ce, ExpressionAttributeValues: vals}, nil
}

func (st *Store) Put(ctx context.Context, it store.Item, cond store.Cond) (int64, error) {
	in, err := st.putInput(it, cond)
	if err != nil {
		return 0, err
	}
	st.Calls.add()
	_, err = st.api.PutItem(ctx, in)
	if err != nil {
		if isConditionFailure(err) {
			return 0, store.ErrConflict
		}
		return 0, err
	}
	v, _ := num(in.Item, td.AttrVersion)
	return v, nil
}

func (st *Store) Delete(ctx context.Context, k store.Key, cond store.Cond) error {
	if err := checkKey(k); err != nil {
		return err
	}
	st.Calls.add()
	ce, vals := condition(cond, 0)
	_, err := st.api.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: keyAttrs(k), ConditionExpression: ce, ExpressionAttributeValues: vals})
	if err != nil && isConditionFailure(err) {
		return store.ErrConflict
	}
	return err
}

// keyCondition builds a query's key condition: the partition, and the
// intersection of the sort-key bounds as one DynamoDB condition.
func keyCondition(q store.Query, pkName, skName string) (string, map[string]string, map[string]types.AttributeValue, bool) {
	expr := "#pk = :pk"
	names := map[string]string{"#pk": pkName}
	vals := map[string]types.AttributeValue{":pk": s(q.PK)}
	lo, hi := q.Min, q.Max
	if q.After != "" && q.After+"\x00" > lo {
		lo = q.After + "\x00" // SK > a is SK >= a+"\x00" for strings
	}
	if q.SKPrefix != "" {
		if q.SKPrefix > lo {
			lo = q.SKPrefix
		}
		if end := q.SKPrefix + "\U0010FFFF"; hi == "" || end < hi {
			hi = end
		}
	}
	if lo != "" && hi != "" && lo > hi {
		return "", nil, nil, false // an empty range
	}
	switch {
	case q.SKPrefix != "" && lo == q.SKPrefix && hi == q.SKPrefix+"\U0010FFFF":
		expr += " AND begins_with(#sk, :lo)"
		vals[":lo"] = s(q.SKPrefix)
	case lo != "" && hi != "":
		expr += " AND #sk BETWEEN :lo AND :hi"
		vals[":lo"], vals[":hi"] = s(lo), s(hi)
	case lo != "":
		expr += " AND #sk >= :lo"
		vals[":lo"] = s(lo)
	case hi != "":
		expr += " AND #sk <= :hi"
		vals[":hi"] = s(hi)
	}
	if len(vals) > 1 {
		names["#sk"] = skName
	}
	return expr, names, vals, true
}

// queryInput is a query's request, or nil when no item can match.
func (st *Store) queryInput(q store.Query) (*dynamodb.QueryInput, error) {
	pkName, skName := td.PK, td.SK
	var index *string
	for _, ix := range td.Definition.Indexes {
		if ix.Name == q.Index {
			pkName, skName, index = ix.PartitionKey, ix.SortKey, aws.String(ix.Name)
		}
	}
	if q.Index != "" && index == nil {
		return nil, fmt.Errorf("store: unknown index %q", q.Index)
	}
	if q.PK == "" || len(q.PK) > store.MaxPartitionKeyBytes || len(q.SKPrefix) > store.MaxSortKeyBytes {
		return nil, nil // no item has such a key
	}
	expr, names, vals, ok := keyCondition(q, pkName, skName)
	if !ok {
		return nil, nil
	}
	in := &dynamodb.QueryInput{TableName: &st.table, IndexName: index, KeyConditionExpression: &expr,
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals}
	if index == nil {
		in.ConsistentRead = aws.Bool(true)
	}
	if q.Desc {
		in.ScanIndexForward = aws.Bool(false)
	}
	if q.KeysOnly {
		attrs := []string{td.PK, td.SK, td.AttrID}
		if index != nil {
			attrs = append(attrs, pkName, skName)
		}
		proj := make([]string, len(attrs))
		for i, a := range attrs {
			names["#k"+strconv.Itoa(i)] = a
			proj[i] = "#k" + strconv.Itoa(i)
		}
		in.ProjectionExpression = aws.String(strings.Join(proj, ", "))
	}
	return in, nil
}

func (st *Store) Query(ctx context.Context, q store.Query) ([]store.Item, error) {
	in, err := st.queryInput(q)
	if in == nil || err != nil {
		return nil, err
	}
	var items []store.Item
	for {
		if q.Limit > 0 {
			in.Limit = aws.Int32(int32(q.Limit - len(items)))
		}
		st.Calls.add()
		out, err := st.api.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		st.Calls.read(out.Items)
		for _, m := range out.Items {
			items = append(items, FromAttrs(m))
		}
		if out.LastEvaluatedKey == nil || (q.Limit > 0 && len(items) >= q.Limit) {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Scan reads the whole table a page at a time (store.Scanner; offline
// tools only).
func (st *Store) Scan(ctx context.Context, each func(page []store.Item) error) error {
	in := &dynamodb.ScanInput{TableName: &st.table, ConsistentRead: aws.Bool(true)}
	for {
		st.Calls.add()
		out, err := st.api.Scan(ctx, in)
		if err != nil {
			return err
		}
		st.Calls.read(out.Items)
		page := make([]store.Item, len(out.Items))
		for i, m := range out.Items {
			page[i] = FromAttrs(m)
		}
		if err := each(page); err != nil {
			return err
		}
		if out.LastEvaluatedKey == nil {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func (st *Store) Count(ctx context.Context, q store.Query) (int, error) {
	limit := q.Limit
	q.Limit, q.KeysOnly = 0, false
	in, err := st.queryInput(q)
	if in == nil || err != nil {
		return 0, err
	}
	in.Select = types.SelectCount
	n := 0
	for {
		if limit > 0 {
			in.Limit = aws.Int32(int32(limit - n))
		}
		st.Calls.add()
		out, err := st.api.Query(ctx, in)
		if err != nil {
			return 0, err
		}
		n += int(out.Count)
		// A count returns no items, but DynamoDB reads every key it
		// counts: they are items read.
		atomicAdd(&st.Calls.items, int64(out.ScannedCount))
		if out.LastEvaluatedKey == nil || (limit > 0 && n >= limit) {
			return n, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Tallies reads counter items, a missing one as 0.
func (st *Store) Tallies(ctx context.Context, keys []store.Key) (map[store.Key]int64, error) {
	got, err := st.BatchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[store.Key]int64, len(keys))
	for _, k := range keys {
		out[k] = got[k].Tally
	}
	return out, nil
}

func (st *Store) BatchGet(ctx context.Context, keys []store.Key) (map[store.Key]store.Item, error) {
	out := make(map[store.Key]store.Item, len(keys))
	seen := map[store.Key]bool{}
	var pending []map[string]types.AttributeValue
	for _, k := range keys {
		if !seen[k] && findable(k.PK, k.SK) {
			seen[k] = true
			pending = append(pending, keyAttrs(k))
		}
	}
	for len(pending) > 0 {
		chunk := pending[:min(100, len(pending))]
		pending = pending[len(chunk):]
		req := map[string]types.KeysAndAttributes{st.table: {Keys: chunk, ConsistentRead: aws.Bool(true)}}
		for len(req) > 0 {
			st.Calls.add()
			res, err := st.api.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, err
			}
			st.Calls.read(res.Responses[st.table])
			for _, m := range res.Responses[st.table] {
				it := FromAttrs(m)
				out[store.Key{PK: it.PK, SK: it.SK}] = it
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

func (st *Store) Transact(ctx context.Context, ops []store.Op) error {
	if len(ops) == 0 {
		return nil
	}
	items := make([]types.TransactWriteItem, 0, len(ops))
	for i, op := range ops {
		switch {
		case op.Put != nil:
			in, err := st.putInput(*op.Put, op.Cond)
			if err != nil {
				return err
			}
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: in.Item,
				ConditionExpression: in.ConditionExpression, ExpressionAttributeValues: in.ExpressionAttributeValues}})
		case op.Delete != nil:
			if err := checkKey(*op.Delete); err != nil {
				return err
			}
			ce, vals := condition(op.Cond, op.Version)
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table, Key: keyAttrs(*op.Delete),
				ConditionExpression: ce, ExpressionAttributeValues: vals}})
		case op.Decrement != nil:
			if err := checkKey(*op.Decrement); err != nil {
				return err
			}
			cond := "attribute_exists(Q) AND Q >= :a"
			if op.Floorless {
				cond = "attribute_exists(Q)"
			}
			items = append(items, types.TransactWriteItem{Update: &types.Update{TableName: &st.table, Key: keyAttrs(*op.Decrement),
				UpdateExpression:          aws.String("SET Q = Q - :a, V = V + :one"),
				ConditionExpression:       aws.String(cond),
				ExpressionAttributeValues: map[string]types.AttributeValue{":a": n(op.Amount), ":one": n(1)}}})
		case op.Count != nil:
			items = append(items, types.TransactWriteItem{Update: countUpdate(st.table, *op.Count, op.Counts)})
		case op.Tally != nil:
			if err := checkKey(*op.Tally); err != nil {
				return err
			}
			up := &types.Update{TableName: &st.table, Key: keyAttrs(*op.Tally),
				UpdateExpression:          aws.String("ADD #c :d SET T = :t"),
				ExpressionAttributeNames:  map[string]string{"#c": tallyAttr},
				ExpressionAttributeValues: map[string]types.AttributeValue{":d": n(op.Amount), ":t": s("Counter")}}
			if op.Ceiling != nil {
				room := *op.Ceiling - op.Amount
				if room < 0 {
					// Not even a counter at 0 may take the amount.
					return &store.ConflictError{Index: i}
				}
				up.ConditionExpression = aws.String("attribute_not_exists(#c) OR #c <= :m")
				up.ExpressionAttributeValues[":m"] = n(room)
			}
			items = append(items, types.TransactWriteItem{Update: up})
		}
	}
	st.Calls.add()
	_, err := st.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil && isConditionFailure(err) {
		ce := &store.ConflictError{Index: -1}
		var tc *types.TransactionCanceledException
		if errors.As(err, &tc) {
			for i, r := range tc.CancellationReasons {
				if aws.ToString(r.Code) == "ConditionalCheckFailed" {
					ce.Index = i
					break
				}
			}
		}
		return ce
	}
	return err
}

// countUpdate adds deltas to an item's count attributes (ADD starts a
// missing one at 0) and bumps its version, if the item exists.
func countUpdate(table string, k store.Key, deltas map[string]int64) *types.Update {
	names := slices.Sorted(maps.Keys(deltas))
	attrNames := map[string]string{}
	vals := map[string]types.AttributeValue{":one": n(1)}
	adds := make([]string, len(names))
	for i, name := range names {
		attrNames[fmt.Sprintf("#c%d", i)] = td.AttrCountPrefix + name
		vals[fmt.Sprintf(":c%d", i)] = n(deltas[name])
		adds[i] = fmt.Sprintf("#c%d :c%d", i, i)
	}
	return &types.Update{TableName: &table, Key: keyAttrs(k),
		UpdateExpression:          aws.String("SET V = V + :one ADD " + strings.Join(adds, ", ")),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  attrNames,
		ExpressionAttributeValues: vals}
}

func (st *Store) Increment(ctx context.Context, k store.Key, delta int64) (int64, error) {
	if err := checkKey(k); err != nil {
		return 0, err
	}
	st.Calls.add()
	out, err := st.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: keyAttrs(k),
		UpdateExpression:          aws.String("ADD #c :d SET T = :t"),
		ExpressionAttributeNames:  map[string]string{"#c": tallyAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": n(delta), ":t": s("Counter")},
		ReturnValues:              types.ReturnValueUpdatedNew})
	if err != nil {
		return 0, err
	}
	v, _ := num(out.Attributes, tallyAttr)
	return v, nil
}
