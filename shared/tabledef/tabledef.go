// Package tabledef is the one description of the single DynamoDB table: its
// keys, global secondary indexes and stream. The CDK stack deploys it and the
// local runner and tests create it from the same value, so the two can never
// disagree. It is plain data and imports no AWS package.
package tabledef

// Attribute names of the key schema. Every item has PK and SK; items that
// need a second access path also carry GSI1PK/GSI1SK (see ACCESS_PATTERNS.md
// in this folder for which entity uses which).
const (
	PK     = "PK"
	SK     = "SK"
	GSI1PK = "GSI1PK"
	GSI1SK = "GSI1SK"
	GSI2PK = "GSI2PK"
	GSI2SK = "GSI2SK"
)

// Index describes one global secondary index (all attributes projected).
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// Table is the table's definition. All key attributes are strings.
type Table struct {
	PartitionKey string
	SortKey      string
	Indexes      []Index
	// StreamView is the DynamoDB stream view type: both images, so the
	// stream handler can describe what changed.
	StreamView string
	// PointInTimeRecovery is enabled on the deployed table.
	PointInTimeRecovery bool
	// TimeToLive is the attribute (epoch seconds) after which DynamoDB
	// deletes an item: abandoned carts, idempotency records. DynamoDB
	// deletes within days of it, so readers treat a past value as gone.
	TimeToLive string
}

// Definition is the table every part of the system uses.
var Definition = Table{
	PartitionKey: PK,
	SortKey:      SK,
	Indexes: []Index{
		{Name: "GSI1", PartitionKey: GSI1PK, SortKey: GSI1SK},
		{Name: "GSI2", PartitionKey: GSI2PK, SortKey: GSI2SK},
	},
	StreamView:          "NEW_AND_OLD_IMAGES",
	PointInTimeRecovery: true,
	TimeToLive:          AttrExpires,
}

// DefaultTableName is used locally when OC_TABLE_NAME is unset.
const DefaultTableName = "ordercloud"

// Non-key attributes every entity item carries. The stream handler reads
// them to describe a change without knowing any entity.
const (
	// AttrType is the entity type (a contract model name such as "Product",
	// or an internal kind such as "Secret").
	AttrType = "T"
	// AttrID is the entity's ID within its scope (or an assignment's key).
	AttrID = "ID"
	// AttrDoc is the entity as JSON text. Kept as text so decimals survive
	// exactly and xp of any shape round-trips unchanged.
	AttrDoc = "D"
	// AttrVersion is incremented on every write, for optimistic concurrency.
	AttrVersion = "V"
	// AttrStock is a numeric mirror of a product's or variant's available
	// inventory, so order submit can decrement it conditionally inside a
	// transaction. The doc's Inventory.QuantityAvailable is filled from it.
	AttrStock = "Q"
	// AttrTally is a counter item's value: the kept size of a collection
	// or of one of its list indexes, added to atomically.
	AttrTally = "C"
	// AttrExpires is when an item expires (epoch seconds; the table's
	// time-to-live attribute).
	AttrExpires = "E"
	// AttrIndex is the set of list-index entries an entity of a listed
	// collection holds (its index items and the tallies counting it).
	AttrIndex = "X"
	// AttrCountPrefix starts the name of each count an entity keeps of
	// other items (N_SpecCount on a product): a numeric attribute changed
	// by an atomic ADD in the transaction that creates or deletes a counted
	// item, and read into the doc's field of the same name.
	AttrCountPrefix = "N_"
)
