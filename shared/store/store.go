// Package store is the persistence port of the API: a few operations on
// items of the single table, in domain terms. The DynamoDB adapter lives in
// store/dynamo; nothing else imports the AWS SDK for data access.
package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotFound is returned by Get when no item has the key.
var ErrNotFound = errors.New("store: item not found")

// ErrConflict is returned when a write's condition fails: the item exists
// when it must not, is missing when it must exist, its version moved, or a
// guarded counter would go below its floor.
var ErrConflict = errors.New("store: condition failed")

// ConflictError is the ErrConflict of a transaction, saying which op's
// condition failed (Index -1 when the store cannot tell).
type ConflictError struct{ Index int }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("store: condition of op %d failed", e.Index)
}
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// MaxItemBytes bounds an item as DynamoDB sizes it (attribute names and
// values), well under its 400 KB item limit: a write over it is refused
// with ErrTooLarge before it is sent. Request bodies are capped lower, so
// only an entity grown by several writes reaches it.
const MaxItemBytes = 350 * 1024

// DynamoDB's key limits, in bytes: keys of the table and of its indexes.
const (
	MaxPartitionKeyBytes = 2048
	MaxSortKeyBytes      = 1024
)

// ErrTooLarge is returned by a write the table cannot hold: an item over
// MaxItemBytes or a key over DynamoDB's limits. Nothing is written; the
// request that led to it is at fault, not the store.
var ErrTooLarge = errors.New("store: item too large")

// TooLargeError is the ErrTooLarge of one write, saying what was too large.
type TooLargeError struct {
	What        string // "item", or the key attribute
	Size, Limit int    // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("store: %s of %d bytes exceeds %d", e.What, e.Size, e.Limit)
}
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Item is one row of the table.
type Item struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	GSI2PK, GSI2SK string
	Type           string // entity type
	ID             string // entity ID (or assignment key)
	Doc            []byte // entity JSON
	Version        int64  // set by the store on every write
	// Stock is the numeric inventory mirror (nil when not tracked).
	Stock *int64
	// Counts are the counts the entity keeps of other items (SpecCount:
	// its spec assignments), each stored as its own numeric attribute so
	// a Count op can change it atomically without rewriting the doc.
	Counts map[string]int64
	// Tally is a counter item's value (see Op.Tally).
	Tally int64
	// Index lists the list-index entries an entity holds (see
	// resource.Listing): what a change or delete of it must remove.
	Index []string
	// Expires is when DynamoDB may delete the item (epoch seconds; 0:
	// never). Until it does, readers treat an expired item as gone.
	Expires int64
}

// IndexItemType is the Type of list-index items (see resource.Listing):
// compact copies of entities, not entities.
const IndexItemType = "Ix"

// Cond is a write precondition.
type Cond int

const (
	// Always writes unconditionally.
	Always Cond = iota
	// IfAbsent writes only if no item has the key (create).
	IfAbsent
	// IfPresent writes only if an item has the key.
	IfPresent
	// IfVersion writes only if the stored version equals Item.Version
	// (optimistic concurrency for read-modify-write).
	IfVersion
)

// Op is one write inside a transaction.
type Op struct {
	Put    *Item // put Item (with Cond)
	Delete *Key  // delete Key (with Cond; IfVersion compares Version)
	// Version is the version a Delete with IfVersion expects.
	Version int64
	// Decrement lowers Key's Stock by Amount, failing the transaction if the
	// result would be negative. Items without Stock are not touched by it.
	Decrement *Key
	Amount    int64
	// Floorless lets a Decrement go below zero (products that may be
	// oversold still count down).
	Floorless bool
	// Count adds each of Counts to the named counts of Count's item
	// (Item.Counts) atomically, and bumps its version so versioned writes
	// of the item read before the change fail. It fails (ErrConflict) when
	// the item does not exist: a count never creates an item.
	Count  *Key
	Counts map[string]int64
	// Tally adds Amount to the counter item at Tally (creating it at 0):
	// the kept size of a collection or of one of its indexes.
	Tally *Key
	// Ceiling, with Tally, makes the addition conditional: it fails
	// (ErrConflict) unless the counter after it is at most *Ceiling — a
	// limited number of uses (promotion redemptions) taken atomically.
	Ceiling *int64
	Cond    Cond
}

// Key identifies an item.
type Key struct{ PK, SK string }

// Query selects items of one partition of the table or of an index, in
// sort-key order. The sort-key conditions combine (their intersection).
type Query struct {
	Index    string // "" for the table, else "GSI1" / "GSI2"
	PK       string
	SKPrefix string // optional begins_with on the sort key
	// After and Min/Max bound the sort key: SK > After, SK >= Min,
	// SK <= Max (each optional).
	After, Min, Max string
	// Desc reads in descending sort-key order.
	Desc  bool
	Limit int // 0 = all
	// KeysOnly reads only the keys (and the ID attribute): an index walk
	// that fetches only its page's documents.
	KeysOnly bool
}

// Scanner reads every item of the table, a page at a time. It is for
// offline tools (the upgrade that backfills list indexes), never for a
// request: no request reads the whole table.
type Scanner interface {
	Scan(ctx context.Context, each func(page []Item) error) error
}

// Store is the persistence port.
//
// Keys no item can have (empty, or over DynamoDB's limits) are not errors
// on reads: Get answers ErrNotFound, Query and BatchGet find nothing. Writes
// refuse them, and items over MaxItemBytes, with ErrTooLarge.
type Store interface {
	Get(ctx context.Context, k Key) (Item, error)
	// Put writes it under cond and returns the stored version.
	Put(ctx context.Context, it Item, cond Cond) (int64, error)
	Delete(ctx context.Context, k Key, cond Cond) error
	// Query returns every matching item in sort-key order.
	Query(ctx context.Context, q Query) ([]Item, error)
	// BatchGet fetches many keys; missing keys are absent from the result.
	BatchGet(ctx context.Context, keys []Key) (map[Key]Item, error)
	// Transact applies ops atomically; ErrConflict if any condition fails.
	Transact(ctx context.Context, ops []Op) error
	// Increment atomically adds delta to a named counter and returns the new value.
	Increment(ctx context.Context, k Key, delta int64) (int64, error)
	// Count counts the items a query selects, stopping at its Limit when
	// it has one.
	Count(ctx context.Context, q Query) (int, error)
	// Tallies reads counter items (Tally ops, Increment); a missing one
	// reads 0.
	Tallies(ctx context.Context, keys []Key) (map[Key]int64, error)
}
