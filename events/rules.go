// Package events turns changes in the table into EventBridge events and
// routes them to their targets. The same Rules are deployed by the CDK stack
// (as EventBridge rules) and applied by the local in-process bus.
package events

// Source is the EventBridge source of every event the stream handler emits.
const Source = "ordercloud.store"

// Change kinds, the second half of an event's detail-type ("Product.Created").
const (
	Created = "Created"
	Updated = "Updated"
	Deleted = "Deleted"
)

// Detail is the body of an entity-change event.
type Detail struct {
	// Type is the entity type (tabledef.AttrType), e.g. "Product".
	Type string `json:"Type"`
	// ID is the entity's ID (tabledef.AttrID).
	ID string `json:"ID"`
	// Change is Created, Updated or Deleted.
	Change string `json:"Change"`
	// PK and SK locate the item in the table.
	PK string `json:"PK"`
	SK string `json:"SK"`
	// Old and New are the entity documents before and after (null when absent).
	Old any `json:"Old"`
	New any `json:"New"`
	// Truncated is set when Old (and, if still too large, New) were left
	// out to fit EventBridge's 256 KB entry limit; read the item instead.
	Truncated bool `json:"Truncated,omitempty"`
}

// DetailType is the EventBridge detail-type for a change of an entity type.
func DetailType(entityType, change string) string { return entityType + "." + change }

// Rule routes matching events to a target. Pattern is an EventBridge event
// pattern (JSON); Target names a handler in Targets.
type Rule struct {
	Name        string
	Description string
	Pattern     string
	Target      string
}

// Target names. Each is one Lambda function deployed by the CDK stack and one
// in-process handler locally.
const (
	// TargetIntegrations receives entity changes that integrations (webhooks,
	// entity syncs) act on.
	TargetIntegrations = "integrations"
)

// Rules are the event routes of the system.
var Rules = []Rule{
	{
		Name:        "OrderLifecycle",
		Description: "Order status changes (submit, approve, cancel, complete) for order integrations.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":["Order.Updated"]}`,
		Target:      TargetIntegrations,
	},
	{
		Name:        "CatalogChanges",
		Description: "Product, price schedule and catalog changes for product and entity syncs.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":[{"prefix":"Product."},{"prefix":"PriceSchedule."},{"prefix":"Catalog."},{"prefix":"Category."}]}`,
		Target:      TargetIntegrations,
	},
}
