package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/ordercloud-serverless/occ/shared/awscfg"
)

// TableAPI is the part of the DynamoDB client the poller uses.
type TableAPI interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// StreamsAPI is the part of the DynamoDB Streams client the poller uses.
type StreamsAPI interface {
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// NewStreamsClient builds a DynamoDB Streams client for an endpoint ("" =
// AWS's own), configured like the store's DynamoDB client (dummy
// credentials and us-east-1 when pointed at a local endpoint without them).
func NewStreamsClient(ctx context.Context, endpoint string) (*dynamodbstreams.Client, error) {
	cfg, err := awscfg.Load(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

// Poller reads a table's stream the way the Lambda event source mapping
// does and feeds the records to a StreamHandler. It is for local runs and
// tests; in AWS the stream triggers the stream Lambda instead.
type Poller struct {
	Tables  TableAPI
	Streams StreamsAPI
	Table   string
	Handler *StreamHandler
	// Interval is the pause between polling rounds (default 250 ms).
	Interval time.Duration
	// ShardRefresh is how often the shard list is re-read (default 1 s).
	ShardRefresh time.Duration
	// FromStart reads shards open at start from TRIM_HORIZON instead of
	// LATEST. Shards appearing later are always read from their start.
	FromStart bool
	Log       *slog.Logger

	readyOnce sync.Once
	ready     chan struct{}
	initOnce  sync.Once
}

// NewPoller returns a poller with default timing.
func NewPoller(tables TableAPI, streams StreamsAPI, table string, h *StreamHandler, log *slog.Logger) *Poller {
	return &Poller{Tables: tables, Streams: streams, Table: table, Handler: h, Log: log}
}

func (p *Poller) init() {
	p.initOnce.Do(func() {
		p.ready = make(chan struct{})
		if p.Log == nil {
			p.Log = slog.Default()
		}
		if p.Interval <= 0 {
			p.Interval = 250 * time.Millisecond
		}
		if p.ShardRefresh <= 0 {
			p.ShardRefresh = time.Second
		}
	})
}

// Ready is closed once the poller holds a position in every shard open at
// start, so changes made afterwards are seen.
func (p *Poller) Ready() <-chan struct{} {
	p.init()
	return p.ready
}

// position says where to (re)acquire a shard iterator.
type position struct {
	typ st.ShardIteratorType
	seq string // for AT_ / AFTER_SEQUENCE_NUMBER
}

type shard struct {
	id, parent string
	closed     bool // has an ending sequence number
	done       bool // closed and read to its end, or gone
	iter       *string
	pos        position
	read       bool // a record was read from it
}

// Run polls until ctx is cancelled (returning nil). It fails only when the
// table does not exist.
func (p *Poller) Run(ctx context.Context) error {
	p.init()
	arn, err := p.streamARN(ctx)
	if err != nil {
		return ignoreCancel(ctx, err)
	}
	shards := map[string]*shard{}
	var order []string
	listed, ready := false, false
	var lastRefresh time.Time
	needRefresh := true
	for {
		if needRefresh || time.Since(lastRefresh) >= p.ShardRefresh {
			added, err := p.refresh(ctx, arn, shards, !listed)
			order = append(order, added...)
			switch {
			case err == nil:
				listed, lastRefresh, needRefresh = true, time.Now(), false
			case ctx.Err() != nil:
				return nil
			case isNotFound(err):
				// Stream replaced (table re-created or stream re-enabled).
				p.Log.WarnContext(ctx, "stream not found; looking it up again", "stream", arn)
				if arn, err = p.streamARN(ctx); err != nil {
					return ignoreCancel(ctx, err)
				}
				shards, order, listed = map[string]*shard{}, nil, ready
				continue
			default:
				p.Log.WarnContext(ctx, "describing stream failed", "err", err)
			}
		}
		if listed && !ready {
			// Ready once every shard open at start has a position.
			ready = true
			for _, id := range order {
				if s := shards[id]; !s.done && s.iter == nil {
					if p.acquire(ctx, arn, s); s.iter == nil && !s.done {
						ready = false
					}
				}
			}
			if ready {
				p.readyOnce.Do(func() { close(p.ready) })
			}
		}
		for _, id := range order {
			s := shards[id]
			if s.done {
				continue
			}
			if par := shards[s.parent]; par != nil && !par.done {
				continue // read the parent to its end first
			}
			if p.poll(ctx, arn, s) {
				needRefresh = true
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.Interval):
		}
	}
}

func ignoreCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// streamARN waits for the table to have a stream and returns its ARN.
func (p *Poller) streamARN(ctx context.Context) (string, error) {
	for {
		out, err := p.Tables.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(p.Table)})
		if err == nil && out.Table != nil && out.Table.LatestStreamArn != nil {
			return *out.Table.LatestStreamArn, nil
		}
		var nf *ddbtypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return "", fmt.Errorf("table %s: %w", p.Table, err)
		}
		if err == nil {
			err = fmt.Errorf("table %s has no stream", p.Table)
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		p.Log.WarnContext(ctx, "waiting for the table's stream", "table", p.Table, "err", err)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// refresh lists the stream's shards, adds the new ones and returns their
// IDs in listing order (parents are listed before children).
func (p *Poller) refresh(ctx context.Context, arn string, shards map[string]*shard, initial bool) ([]string, error) {
	var added []string
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}
	for {
		out, err := p.Streams.DescribeStream(ctx, in)
		if err != nil {
			return added, err
		}
		if out.StreamDescription == nil {
			return added, nil
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			closed := sh.SequenceNumberRange != nil && sh.SequenceNumberRange.EndingSequenceNumber != nil
			if s, ok := shards[id]; ok {
				s.closed = s.closed || closed
				continue
			}
			s := &shard{id: id, parent: aws.ToString(sh.ParentShardId), closed: closed,
				pos: position{typ: st.ShardIteratorTypeTrimHorizon}}
			if initial && !p.FromStart {
				// Only what happens from now on: closed shards hold nothing new.
				s.pos.typ = st.ShardIteratorTypeLatest
				s.done = closed
			}
			shards[id] = s
			added = append(added, id)
			p.Log.DebugContext(ctx, "stream shard found", "shard", id, "parent", s.parent, "closed", closed, "from", s.pos.typ)
		}
		last := out.StreamDescription.LastEvaluatedShardId
		if last == nil {
			return added, nil
		}
		in.ExclusiveStartShardId = last
	}
}

// acquire gets an iterator for the shard's position.
func (p *Poller) acquire(ctx context.Context, arn string, s *shard) {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(s.id),
		ShardIteratorType: s.pos.typ}
	if s.pos.seq != "" {
		in.SequenceNumber = aws.String(s.pos.seq)
	}
	out, err := p.Streams.GetShardIterator(ctx, in)
	var trimmed *st.TrimmedDataAccessException
	switch {
	case err == nil:
		s.iter = out.ShardIterator
		if s.iter == nil && s.closed {
			s.done = true
		}
	case isNotFound(err):
		p.Log.InfoContext(ctx, "shard gone", "shard", s.id)
		s.done = true
	case errors.As(err, &trimmed):
		// The position's record was trimmed: continue from the oldest one.
		p.Log.WarnContext(ctx, "shard position trimmed; reading from the oldest record", "shard", s.id)
		s.pos = position{typ: st.ShardIteratorTypeTrimHorizon}
	default:
		if ctx.Err() == nil {
			p.Log.WarnContext(ctx, "getting shard iterator failed", "shard", s.id, "err", err)
		}
	}
}

// poll reads one page of a shard and hands its records to the handler. It
// reports whether the shard list should be re-read.
func (p *Poller) poll(ctx context.Context, arn string, s *shard) (refresh bool) {
	if s.iter == nil {
		p.acquire(ctx, arn, s)
		if s.iter == nil {
			return false
		}
	}
	out, err := p.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: s.iter})
	if err != nil {
		s.iter = nil // re-acquired from s.pos next round
		var expired *st.ExpiredIteratorException
		var trimmed *st.TrimmedDataAccessException
		switch {
		case errors.As(err, &expired):
			p.Log.DebugContext(ctx, "shard iterator expired", "shard", s.id)
		case errors.As(err, &trimmed):
			// DynamoDB Local answers this for a LATEST iterator taken on a
			// shard that was empty: its records are all new to us. Past
			// our first read it means records aged out before we got them.
			if s.read {
				p.Log.WarnContext(ctx, "shard trimmed past our position", "shard", s.id)
			}
			s.pos = position{typ: st.ShardIteratorTypeTrimHorizon}
		case isNotFound(err):
			s.done = true
			return true
		default:
			if ctx.Err() == nil {
				p.Log.WarnContext(ctx, "reading shard failed", "shard", s.id, "err", err)
			}
		}
		return false
	}
	if n := len(out.Records); n > 0 {
		recs := make([]StreamRecord, n)
		for i, r := range out.Records {
			recs[i] = FromStreamsRecord(r, arn)
		}
		failed := p.Handler.Process(ctx, recs)
		if len(failed) > 0 {
			// Like Lambda: retry from the first failed record.
			s.pos = position{typ: st.ShardIteratorTypeAtSequenceNumber, seq: failed[0]}
			s.iter = nil
			if failed[0] != recs[0].SequenceNumber {
				s.read = true
			}
			return false
		}
		s.read = true
		s.pos = position{typ: st.ShardIteratorTypeAfterSequenceNumber, seq: recs[n-1].SequenceNumber}
	}
	s.iter = out.NextShardIterator
	if s.iter == nil {
		// No next iterator: the shard is closed and fully read, or (on
		// DynamoDB Local) the answer is unreliable; check the listing.
		if s.closed {
			s.done = true
		}
		return true
	}
	return false
}

func isNotFound(err error) bool {
	var nf *st.ResourceNotFoundException
	return errors.As(err, &nf)
}
