package events

import (
	"strconv"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/ordercloud-serverless/occ/shared/store"
	td "github.com/ordercloud-serverless/occ/shared/tabledef"
)

// Items whose time to live passed are deleted by DynamoDB itself: their
// REMOVE record names the service as the one who deleted them. What the
// API kept beside such an item (an abandoned order's line items, index
// items and counts) is cleaned up from the record's old image by the
// StreamHandler's Expired hook.

// TTLPrincipal is the userIdentity principalId of deletions by DynamoDB's
// time to live (its type is "Service").
const TTLPrincipal = "dynamodb.amazonaws.com"

func byTTL(eventName, typ, principal string) bool {
	return eventName == OpRemove && typ == "Service" && principal == TTLPrincipal
}

// goneItem builds the removed item from its old image's attributes: keys,
// type, ID, doc, version, time to live and index entries.
func goneItem(str func(string) string, num func(string) int64, set func(string) []string) *store.Item {
	return &store.Item{PK: str(td.PK), SK: str(td.SK), Type: str(td.AttrType), ID: str(td.AttrID), Doc: []byte(str(td.AttrDoc)),
		Version: num(td.AttrVersion), Expires: num(td.AttrExpires), Index: set(td.AttrIndex)}
}

// lambdaGone is the item a Lambda REMOVE record of the TTL service
// removed (nil for any other record).
func lambdaGone(r lambdaevents.DynamoDBEventRecord) *store.Item {
	if r.UserIdentity == nil || !byTTL(r.EventName, r.UserIdentity.Type, r.UserIdentity.PrincipalID) || r.Change.OldImage == nil {
		return nil
	}
	m := r.Change.OldImage
	return goneItem(func(k string) string {
		if v, ok := m[k]; ok && v.DataType() == lambdaevents.DataTypeString {
			return v.String()
		}
		return ""
	}, func(k string) int64 {
		if v, ok := m[k]; ok && v.DataType() == lambdaevents.DataTypeNumber {
			n, _ := strconv.ParseInt(v.Number(), 10, 64)
			return n
		}
		return 0
	}, func(k string) []string {
		if v, ok := m[k]; ok && v.DataType() == lambdaevents.DataTypeStringSet {
			return v.StringSet()
		}
		return nil
	})
}

// streamsGone is lambdaGone for a record read with the Streams API.
func streamsGone(r streamtypes.Record) *store.Item {
	id, d := r.UserIdentity, r.Dynamodb
	if id == nil || d == nil || d.OldImage == nil || !byTTL(string(r.EventName), deref(id.Type), deref(id.PrincipalId)) {
		return nil
	}
	m := d.OldImage
	return goneItem(func(k string) string {
		if v, ok := m[k].(*streamtypes.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}, func(k string) int64 {
		if v, ok := m[k].(*streamtypes.AttributeValueMemberN); ok {
			n, _ := strconv.ParseInt(v.Value, 10, 64)
			return n
		}
		return 0
	}, func(k string) []string {
		if v, ok := m[k].(*streamtypes.AttributeValueMemberSS); ok {
			return v.Value
		}
		return nil
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
