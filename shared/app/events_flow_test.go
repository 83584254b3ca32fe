package app_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
)

// An API write reaches the local bus through the table's stream, matched
// by the same rules the CDK stack deploys; internal fields never leave.
func TestAPIChangesBecomeEvents(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.EnableStream()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	client, err := dynamo.NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	streams, err := events.NewStreamsClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	bus, err := events.RunLocal(ctx, client, streams, e.Table, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen, stop := bus.Subscribe(256)
	t.Cleanup(stop)

	admin := e.AdminToken()
	e.Do("POST", "/v1/products", admin, `{"ID":"evt-shirt","Name":"Shirt","xp":{"Price":1.10}}`).Must(t, 201)
	e.Do("POST", "/v1/buyers", admin, map[string]any{"ID": "evt-buyer", "Name": "B", "Active": true}).Must(t, 201)
	e.Do("POST", "/v1/buyers/evt-buyer/users", admin, map[string]any{"ID": "u1", "Username": "evt-user", "Password": "Passw0rdOK!", "FirstName": "A",
		"LastName": "B", "Email": "a@b.c", "Active": true}).Must(t, 201)

	var product, user *events.Published
	deadline := time.After(20 * time.Second)
	for product == nil || user == nil {
		select {
		case p := <-seen:
			switch p.Envelope.DetailType {
			case "Product.Created":
				product = &p
			case "BuyerUser.Created":
				user = &p
			case "Username.Created":
				t.Errorf("bookkeeping item published: %s", p.Envelope.DetailType)
			}
		case <-deadline:
			t.Fatalf("events not seen: product=%v user=%v", product != nil, user != nil)
		}
	}
	var d struct {
		Type, ID, Change string
		New              map[string]json.RawMessage
	}
	if err := json.Unmarshal(product.Envelope.Detail, &d); err != nil {
		t.Fatal(err)
	}
	if d.Type != "Product" || d.ID != "evt-shirt" || d.Change != "Created" || string(d.New["Name"]) != `"Shirt"` {
		t.Fatalf("detail: %s", product.Envelope.Detail)
	}
	if !strings.Contains(string(d.New["xp"]), "1.10") {
		t.Errorf("decimal not kept exactly: %s", d.New["xp"])
	}
	if len(product.Deliveries) != 1 || product.Deliveries[0].Rule != "CatalogChanges" || product.Deliveries[0].Err != nil {
		t.Errorf("deliveries: %+v", product.Deliveries)
	}
	if strings.Contains(string(user.Envelope.Detail), "_pw") || strings.Contains(string(user.Envelope.Detail), "argon2") {
		t.Errorf("password hash leaked into the event: %s", user.Envelope.Detail)
	}
}
