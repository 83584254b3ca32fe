package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// fakeStream is a scripted DynamoDB Streams API for the poller's
// recovery paths (expired iterators, closed and split shards, DynamoDB
// Local's answers), which a real DynamoDB Local cannot be made to produce
// on demand. Iterators are "shard|position".
type fakeStream struct {
	mu     sync.Mutex
	shards []*fakeShard
	// faults, consumed once each
	expireNext  map[string]bool // next GetRecords on the shard: ExpiredIterator
	trimLatest  map[string]bool // next GetRecords on a LATEST iterator: TrimmedDataAccess
	dropNextIt  map[string]bool // next GetRecords answers without NextShardIterator
	iteratorLog []string
}

type fakeShard struct {
	id, parent string
	seqs       []string
	closed     bool
}

func (f *fakeStream) shard(id string) *fakeShard {
	for _, s := range f.shards {
		if s.id == id {
			return s
		}
	}
	return nil
}

func (f *fakeStream) write(shardID string, seqs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.shard(shardID)
	if s == nil {
		s = &fakeShard{id: shardID}
		f.shards = append(f.shards, s)
	}
	s.seqs = append(s.seqs, seqs...)
}

// fault arms a one-off fault on a shard and writes records, atomically.
func (f *fakeStream) fault(m map[string]bool, shardID string, seqs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m[shardID] = true
	s := f.shard(shardID)
	s.seqs = append(s.seqs, seqs...)
}

// split closes a shard and opens a child of it.
func (f *fakeStream) split(parent, child string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shard(parent).closed = true
	f.shards = append(f.shards, &fakeShard{id: child, parent: parent})
}

func (f *fakeStream) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &ddbtypes.TableDescription{LatestStreamArn: aws.String("arn:fake")}}, nil
}

func (f *fakeStream) DescribeStream(_ context.Context, in *dynamodbstreams.DescribeStreamInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Pages of one shard, to exercise pagination.
	i := 0
	if in.ExclusiveStartShardId != nil {
		for i < len(f.shards) && f.shards[i].id != *in.ExclusiveStartShardId {
			i++
		}
		i++
	}
	desc := &st.StreamDescription{}
	if i < len(f.shards) {
		s := f.shards[i]
		r := &st.SequenceNumberRange{StartingSequenceNumber: aws.String("0")}
		if s.closed {
			r.EndingSequenceNumber = aws.String("9")
		}
		sh := st.Shard{ShardId: aws.String(s.id), SequenceNumberRange: r}
		if s.parent != "" {
			sh.ParentShardId = aws.String(s.parent)
		}
		desc.Shards = []st.Shard{sh}
		if i+1 < len(f.shards) {
			desc.LastEvaluatedShardId = aws.String(s.id)
		}
	}
	return &dynamodbstreams.DescribeStreamOutput{StreamDescription: desc}, nil
}

func (f *fakeStream) GetShardIterator(_ context.Context, in *dynamodbstreams.GetShardIteratorInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.shard(*in.ShardId)
	if s == nil {
		return nil, &st.ResourceNotFoundException{Message: aws.String("no shard")}
	}
	f.iteratorLog = append(f.iteratorLog, fmt.Sprintf("%s %s %s", s.id, in.ShardIteratorType, aws.ToString(in.SequenceNumber)))
	pos := 0
	switch in.ShardIteratorType {
	case st.ShardIteratorTypeLatest:
		pos = len(s.seqs)
	case st.ShardIteratorTypeAtSequenceNumber, st.ShardIteratorTypeAfterSequenceNumber:
		pos = -1
		for i, q := range s.seqs {
			if q == *in.SequenceNumber {
				pos = i
			}
		}
		if pos < 0 {
			return nil, &st.TrimmedDataAccessException{Message: aws.String("gone")}
		}
		if in.ShardIteratorType == st.ShardIteratorTypeAfterSequenceNumber {
			pos++
		}
	}
	kind := ""
	if in.ShardIteratorType == st.ShardIteratorTypeLatest {
		kind = "|latest"
	}
	return &dynamodbstreams.GetShardIteratorOutput{ShardIterator: aws.String(fmt.Sprintf("%s|%d%s", s.id, pos, kind))}, nil
}

func (f *fakeStream) GetRecords(_ context.Context, in *dynamodbstreams.GetRecordsInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(*in.ShardIterator, "|")
	s := f.shard(parts[0])
	pos, _ := strconv.Atoi(parts[1])
	if f.expireNext[s.id] {
		delete(f.expireNext, s.id)
		return nil, &st.ExpiredIteratorException{Message: aws.String("expired")}
	}
	if len(parts) == 3 && f.trimLatest[s.id] {
		delete(f.trimLatest, s.id)
		return nil, &st.TrimmedDataAccessException{Message: aws.String("trimmed")}
	}
	out := &dynamodbstreams.GetRecordsOutput{}
	for _, q := range s.seqs[pos:] {
		out.Records = append(out.Records, fakeRecord(q))
	}
	end := len(s.seqs)
	switch {
	case f.dropNextIt[s.id]:
		delete(f.dropNextIt, s.id)
	case s.closed && pos >= end:
	default:
		out.NextShardIterator = aws.String(fmt.Sprintf("%s|%d", s.id, end))
	}
	return out, nil
}

func fakeRecord(seq string) st.Record {
	sv := func(v string) st.AttributeValue { return &st.AttributeValueMemberS{Value: v} }
	return st.Record{EventID: aws.String("ev" + seq), EventName: st.OperationTypeInsert,
		Dynamodb: &st.StreamRecord{SequenceNumber: aws.String(seq),
			Keys: map[string]st.AttributeValue{"PK": sv("Product"), "SK": sv(seq)},
			NewImage: map[string]st.AttributeValue{"PK": sv("Product"), "SK": sv(seq), "T": sv("Product"),
				"ID": sv(seq), "D": sv(`{"ID":"` + seq + `"}`)}}}
}

// idPublisher records the entity IDs it publishes and fails the ones in
// failOnce the first time it sees them.
type idPublisher struct {
	mu       sync.Mutex
	ids      []string
	failOnce map[string]bool
}

func (p *idPublisher) Publish(_ context.Context, evs []Event) ([]int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var failed []int
	for i, ev := range evs {
		d, _ := DecodeDetail(ev.Detail)
		if p.failOnce[d.ID] {
			delete(p.failOnce, d.ID)
			failed = append(failed, i)
			continue
		}
		p.ids = append(p.ids, d.ID)
	}
	if failed != nil {
		return failed, errors.New("failed")
	}
	return nil, nil
}

func (p *idPublisher) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.ids...)
}

func startFakePoller(t *testing.T, f *fakeStream, pub *idPublisher, fromStart bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := NewPoller(f, f, "t", &StreamHandler{Publisher: pub, Log: slog.New(slog.DiscardHandler)}, slog.New(slog.DiscardHandler))
	p.Interval, p.ShardRefresh, p.FromStart = 5*time.Millisecond, 20*time.Millisecond, fromStart
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-p.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("poller not ready")
	}
}

func waitFor(t *testing.T, pub *idPublisher, want []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if reflect.DeepEqual(pub.seen(), want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("published %v, want %v", pub.seen(), want)
}

func TestPollerStartsAtLatestAndFollowsSplits(t *testing.T) {
	f := &fakeStream{}
	f.write("A", "1", "2") // before start: not published
	f.write("Z", "z1")
	f.split("Z", "Z2") // closed before start: skipped; its child is open
	pub := &idPublisher{}
	startFakePoller(t, f, pub, false)

	f.write("A", "3", "4")
	waitFor(t, pub, []string{"3", "4"})
	// A splits: its remaining records come before its child's.
	f.write("A", "5")
	f.split("A", "B")
	f.write("B", "6", "7")
	waitFor(t, pub, []string{"3", "4", "5", "6", "7"})
	f.write("Z2", "z2")
	waitFor(t, pub, []string{"3", "4", "5", "6", "7", "z2"})
}

func TestPollerFromStart(t *testing.T) {
	f := &fakeStream{}
	f.write("A", "1", "2")
	pub := &idPublisher{}
	startFakePoller(t, f, pub, true)
	waitFor(t, pub, []string{"1", "2"})
}

func TestPollerRecoversFromQuirks(t *testing.T) {
	f := &fakeStream{expireNext: map[string]bool{}, trimLatest: map[string]bool{"A": true}, dropNextIt: map[string]bool{}}
	f.write("A")
	pub := &idPublisher{failOnce: map[string]bool{"4": true}}
	startFakePoller(t, f, pub, false)

	// DynamoDB Local: the LATEST iterator of an empty shard reads as trimmed.
	f.write("A", "1")
	waitFor(t, pub, []string{"1"})
	// An expired iterator resumes after the last record read.
	f.fault(f.expireNext, "A", "2")
	waitFor(t, pub, []string{"1", "2"})
	// No next iterator on an open shard: re-acquire, lose nothing.
	f.fault(f.dropNextIt, "A", "3")
	waitFor(t, pub, []string{"1", "2", "3"})
	// A failed publish is retried from that record, like Lambda does: the
	// records after it in the batch are published again (at least once).
	f.write("A", "4", "5")
	waitFor(t, pub, []string{"1", "2", "3", "5", "4", "5"})

	f.mu.Lock()
	defer f.mu.Unlock()
	want := []string{"A LATEST ", "A TRIM_HORIZON ", "A AFTER_SEQUENCE_NUMBER 1", "A AFTER_SEQUENCE_NUMBER 3", "A AT_SEQUENCE_NUMBER 4"}
	if !reflect.DeepEqual(f.iteratorLog, want) {
		t.Fatalf("iterators %q, want %q", f.iteratorLog, want)
	}
}
