// Package events turns changes in the table into EventBridge events and
// routes them to their targets. The same Rules are deployed by the CDK stack
// (as EventBridge rules) and applied by the local in-process bus.
package events

import "strings"

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

// Status transitions of orders and order returns, each published as its
// own detail-type ("Order.Submitted") instead of a plain update, so rules
// and integrations can route one step of the lifecycle.
const (
	Submitted            = "Submitted"            // Unsubmitted → Open
	SubmittedForApproval = "SubmittedForApproval" // Unsubmitted → AwaitingApproval
	Approved             = "Approved"             // AwaitingApproval → Open
	Declined             = "Declined"             // → Declined
	Canceled             = "Canceled"             // → Canceled
	Completed            = "Completed"            // → Completed
	Reopened             = "Reopened"             // Declined → Unsubmitted (resubmit allowed)
)

// lifecycleTypes are the entity types whose status changes are
// transitions.
var lifecycleTypes = map[string]bool{"Order": true, "OrderReturn": true}

// Transition names a status change of a lifecycle entity ("" when the
// status did not change, or the type has none).
func Transition(entityType, from, to string) string {
	if !lifecycleTypes[entityType] || from == to || to == "" {
		return ""
	}
	switch to {
	case "Open":
		if from == "AwaitingApproval" {
			return Approved
		}
		return Submitted
	case "AwaitingApproval":
		return SubmittedForApproval
	case "Declined":
		return Declined
	case "Canceled":
		return Canceled
	case "Completed":
		return Completed
	case "Unsubmitted":
		return Reopened
	}
	return ""
}

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

// lifecyclePattern lists the transition detail-types of orders and
// returns, for the OrderLifecycle rule.
func lifecyclePattern() string {
	var out []string
	for _, typ := range []string{"Order", "OrderReturn"} {
		for _, t := range []string{Submitted, SubmittedForApproval, Approved, Declined, Canceled, Completed, Reopened} {
			out = append(out, `"`+typ+"."+t+`"`)
		}
	}
	return strings.Join(out, ",")
}

// entityChangeTypes are the entity types whose every change the
// integrations target sees (entity syncs, message senders): orders and
// returns are routed here for their plain changes only, their transitions
// by OrderLifecycle; products and the catalog by CatalogChanges. No two
// rules match one event, so no change is handled twice.
var entityChangeTypes = []string{"Buyer", "BuyerUser", "BuyerUserGroup", "BuyerAddress", "Supplier", "SupplierUser",
	"SupplierUserGroup", "SupplierAddress", "AdminUser", "AdminUserGroup", "AdminAddress", "Shipment", "Promotion",
	"InventoryRecord", "VariantInventoryRecord", "SpendingAccount", "CostCenter", "CreditCard", "Spec", "Variant",
	"LineItem", "Payment"}

// entityChangesPattern lists them, with the plain changes of orders and
// returns.
func entityChangesPattern() string {
	var out []string
	for _, t := range entityChangeTypes {
		out = append(out, `{"prefix":"`+t+`."}`)
	}
	for _, typ := range []string{"Order", "OrderReturn"} {
		for _, c := range []string{Created, Updated, Deleted} {
			out = append(out, `"`+typ+"."+c+`"`)
		}
	}
	return strings.Join(out, ",")
}

// WebhookOutboxType is the entity type of post-webhook outbox items
// (integrations.OutboxType): each new one is a webhook to deliver.
const WebhookOutboxType = "WebhookOutbox"

// Rules are the event routes of the system.
var Rules = []Rule{
	{
		Name:        "OrderLifecycle",
		Description: "Order and order return status changes (submitted, approved, declined, canceled, completed) for order integrations.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":[` + lifecyclePattern() + `]}`,
		Target:      TargetIntegrations,
	},
	{
		Name:        "CatalogChanges",
		Description: "Product, price schedule and catalog changes for product and entity syncs.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":[{"prefix":"Product."},{"prefix":"PriceSchedule."},{"prefix":"Catalog."},{"prefix":"Category."}]}`,
		Target:      TargetIntegrations,
	},
	{
		Name:        "Webhooks",
		Description: "Post-webhook outbox items written by write requests, delivered by the integrations target.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":["` + WebhookOutboxType + `.Created"]}`,
		Target:      TargetIntegrations,
	},
	{
		Name:        "EntityChanges",
		Description: "Changes of users, companies, addresses, shipments and other entities, and plain order changes, for entity syncs and message senders.",
		Pattern:     `{"source":["` + Source + `"],"detail-type":[` + entityChangesPattern() + `]}`,
		Target:      TargetIntegrations,
	},
}
