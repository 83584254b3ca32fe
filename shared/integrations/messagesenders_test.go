package integrations_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/integrations"
)

// msgReceived is one call a test msgReceiver got.
type msgReceived struct {
	Path, DeliveryID string
	Body             map[string]any
	Raw              []byte
}

// msgReceiver is an integrator's endpoint: it checks every call's signature
// with key and keeps what it got.
type msgReceiver struct {
	URL string
	mu  sync.Mutex
	got []msgReceived
}

func newMsgReceiver(t *testing.T, key string) *msgReceiver {
	rc := &msgReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if !integrations.Verify(key, raw, r.Header.Get(integrations.HashHeader)) {
			t.Errorf("%s: signature %q does not verify", r.URL.Path, r.Header.Get(integrations.HashHeader))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var body map[string]any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&body); err != nil {
			t.Errorf("%s: body %s: %v", r.URL.Path, raw, err)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, msgReceived{Path: r.URL.Path, DeliveryID: r.Header.Get(integrations.DeliveryIDHeader), Body: body, Raw: raw})
		rc.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

func (rc *msgReceiver) calls() []msgReceived {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]msgReceived(nil), rc.got...)
}

func (rc *msgReceiver) at(path string) []msgReceived {
	var out []msgReceived
	for _, r := range rc.calls() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func field(d map[string]any, path string) any {
	var v any = d
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestMessageSendersCRUDAndAssignments(t *testing.T) {
	t.Parallel()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders", admin, map[string]any{"Name": "m", "Description": "d", "SharedKey": "k"}),
		400, "MessageSenders.UrlRequired")
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders", admin, map[string]any{"Name": "m", "Description": "d", "URL": "https://x"}),
		400, "MessageSenders.SharedKeyRequired")
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders", admin, map[string]any{"Name": "m", "Description": "d", "URL": "https://x",
		"SharedKey": "k", "MessageTypes": []string{"NoSuchType"}}), 400, "ValidationFailure")

	r := apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "ms1", "Name": "Mail", "Description": "d",
		"URL": "https://x/{messagetype}", "SharedKey": "secret", "MessageTypes": []string{"OrderSubmitted", "ShipmentCreated"},
		"ElevatedRoles": []string{"OrderReader"}, "xp": map[string]any{"Brand": "acme"}}, 201)
	if _, has := r.Body["SharedKey"]; has {
		t.Fatalf("SharedKey answered: %s", r.Raw)
	}
	if got := apptest.Strings(r.Get("MessageTypes")); len(got) != 2 || got[1] != "ShipmentCreated" {
		t.Fatalf("MessageTypes = %v", got)
	}
	if strings.Contains(r.Raw, "secret") {
		t.Fatalf("the key leaks: %s", r.Raw)
	}
	// A replace without the key keeps it (it cannot be read back to send).
	apptest.Must(t, e, "PUT", "/v1/messagesenders/ms1", admin, map[string]any{"Name": "Mail 2", "Description": "d",
		"URL": "https://x/{messagetype}", "MessageTypes": []string{"OrderSubmitted"}}, 200)
	r = apptest.Must(t, e, "PATCH", "/v1/messagesenders/ms1", admin, map[string]any{"Description": "patched"}, 200)
	if r.S("Name") != "Mail 2" || r.S("Description") != "patched" || strings.Contains(r.Raw, "secret") {
		t.Fatalf("patched: %s", r.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/messagesenders?search=Mail", admin, nil, 200); len(apptest.IDs(l)) != 1 || strings.Contains(l.Raw, "secret") {
		t.Fatalf("list: %s", l.Raw)
	}
	// The key is no filter either (no oracle for it).
	apptest.WantErr(t, e.Do("GET", "/v1/messagesenders?SharedKey=secret", admin, nil), 400, "List.InvalidProperty")

	// Assignments to the buyer, and to one of its groups.
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "g1", "Name": "g"}, 201)
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "nope", "BuyerID": "b1"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b9"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1", "SupplierID": "s1"}),
		400, "PartyAssignment.CannotSpecifyBuyerAndSupplier")
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1", "UserGroupID": "g1"}, 204)
	if l := apptest.Must(t, e, "GET", "/v1/messagesenders/assignments?buyerID=b1", admin, nil, 200); len(l.Get("Items").([]any)) != 2 {
		t.Fatalf("assignments: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/messagesenders/assignments?level=Group", admin, nil, 200); len(l.Get("Items").([]any)) != 1 {
		t.Fatalf("group assignments: %s", l.Raw)
	}

	// CC listeners listen on an existing assignment, for one message type.
	apptest.BuyerUser(t, e, admin, "b1", "u2", "listener")
	listener := map[string]any{"MessageSenderAssignment": map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"},
		"MessageType": "OrderSubmitted", "BuyerID": "b1", "UserID": "u2"}
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders/CCListenerAssignments", admin, map[string]any{
		"MessageSenderAssignment": map[string]any{"MessageSenderID": "ms1", "BuyerID": "b2"}, "MessageType": "OrderSubmitted", "BuyerID": "b1", "UserID": "u2"}),
		404, "NotFound")
	apptest.WantErr(t, e.Do("POST", "/v1/messagesenders/CCListenerAssignments", admin, map[string]any{
		"MessageSenderAssignment": map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"}, "MessageType": "OrderSubmitted", "BuyerID": "b1", "UserID": "nobody"}),
		404, "NotFound")
	apptest.Must(t, e, "POST", "/v1/messagesenders/CCListenerAssignments", admin, listener, 204)
	apptest.Must(t, e, "POST", "/v1/messagesenders/CCListenerAssignments", admin, listener, 204) // saved again: replaced
	l := apptest.Must(t, e, "GET", "/v1/messagesenders/CCListenerAssignments?MessageType=OrderSubmitted", admin, nil, 200)
	if items := l.Get("Items").([]any); len(items) != 1 || strings.Contains(l.Raw, "_Sender") ||
		field(items[0].(map[string]any), "MessageSenderAssignment.MessageSenderID") != "ms1" {
		t.Fatalf("listeners: %s", l.Raw)
	}

	// Buyer users never reach message configuration, whatever their roles.
	apptest.Profile(t, e, admin, "msgadmin", "MessageConfigAssignmentAdmin", "MessageSenderAdmin")
	apptest.AssignProfile(t, e, admin, "msgadmin", map[string]any{"BuyerID": "b1", "UserID": "u1"})
	buyer := s.Login("shopper-one")
	for _, req := range [][2]string{{"GET", "/v1/messagesenders"}, {"GET", "/v1/messagesenders/ms1"}, {"GET", "/v1/messagesenders/assignments"},
		{"GET", "/v1/messagesenders/CCListenerAssignments"}, {"DELETE", "/v1/messagesenders/ms1"}} {
		if r := e.Do(req[0], req[1], buyer, nil); r.Status != 403 {
			t.Errorf("buyer %s %s: %d %s", req[0], req[1], r.Status, r.Raw)
		}
	}

	// Deleting the assignment takes its listeners; deleting the sender its
	// assignments.
	apptest.Must(t, e, "DELETE", "/v1/messagesenders/ms1/assignments?buyerID=b1", admin, nil, 204)
	if l := apptest.Must(t, e, "GET", "/v1/messagesenders/CCListenerAssignments", admin, nil, 200); len(l.Get("Items").([]any)) != 0 {
		t.Fatalf("listeners outlive their assignment: %s", l.Raw)
	}
	apptest.Must(t, e, "DELETE", "/v1/messagesenders/ms1", admin, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/messagesenders/ms1", admin, nil), 404, "NotFound")
	if l := apptest.Must(t, e, "GET", "/v1/messagesenders/assignments", admin, nil, 200); len(l.Get("Items").([]any)) != 0 {
		t.Fatalf("assignments outlive their sender: %s", l.Raw)
	}
}

// An order submitted raises OrderSubmitted for its user, through the
// senders assigned to its buyer, signed, with the order, its lines and
// products, the sender's xp as ConfigData and the CC listeners' emails.
func TestOrderSubmittedMessage(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	rc := newMsgReceiver(t, "k1")
	apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "ms1", "Name": "Mail", "Description": "d",
		"URL": rc.URL + "/hooks/{messagetype}", "SharedKey": "k1", "MessageTypes": []string{"OrderSubmitted", "OrderDeclined"},
		"xp": map[string]any{"Brand": "acme"}}, 201)
	// A sender of another buyer, and one without the type: neither sends.
	apptest.Buyer(t, e, admin, "b2")
	apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "other", "Name": "Other", "Description": "d",
		"URL": rc.URL + "/other", "SharedKey": "k1", "MessageTypes": []string{"OrderSubmitted"}}, 201)
	apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "ship", "Name": "Ship", "Description": "d",
		"URL": rc.URL + "/ship", "SharedKey": "k1", "MessageTypes": []string{"ShipmentCreated"}}, 201)
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"}, 204)
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "other", "BuyerID": "b2"}, 204)
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", admin, map[string]any{"MessageSenderID": "ship", "BuyerID": "b1"}, 204)
	apptest.BuyerUser(t, e, admin, "b1", "u2", "listener")
	apptest.Must(t, e, "POST", "/v1/messagesenders/CCListenerAssignments", admin, map[string]any{
		"MessageSenderAssignment": map[string]any{"MessageSenderID": "ms1", "BuyerID": "b1"},
		"MessageType":             "OrderSubmitted", "BuyerID": "b1", "UserID": "u2"}, 204)

	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 2)
	before := apptest.Must(t, e, "GET", "/v1/orders/Outgoing/"+id, s.Token, nil, 200).Body
	after := apptest.Submitted(t, e.Do("POST", "/v1/orders/Outgoing/"+id+"/submit", s.Token, nil)).Body
	ch := integrations.Change{EventID: "ev-1", DetailType: "Order.Submitted", Type: "Order", ID: id, Kind: "Submitted",
		PK: "Order", SK: id, Old: before, New: after}
	in := integrations.For(e.App.Registry())
	ds, err := in.HandleChange(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1: %+v", len(ds), ds)
	}
	d := ds[0]
	if d.Kind != "message" || d.Source != "ms1" || d.URL != rc.URL+"/hooks/ordersubmitted" {
		t.Fatalf("delivery %+v", d)
	}
	again, _ := in.HandleChange(context.Background(), ch)
	if len(again) != 1 || again[0].ID != d.ID {
		t.Fatalf("a redelivered event must keep its delivery ID: %v vs %v", d.ID, again)
	}
	if err := (integrations.HTTPDeliverer{}).Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	got := rc.at("/hooks/ordersubmitted")
	if len(got) != 1 {
		t.Fatalf("msgReceived %+v", rc.calls())
	}
	b := got[0].Body
	want := map[string]any{"MessageType": "OrderSubmitted", "Recipient.ID": "u1", "Recipient.Username": "shopper-one", "BuyerID": "b1",
		"EventBody.Order.ID": id, "EventBody.Order.Status": "Open", "ConfigData.Brand": "acme", "CCList": "listener@example.com"}
	for k, v := range want {
		if field(b, k) != v {
			t.Errorf("%s = %v, want %v", k, field(b, k), v)
		}
	}
	if got[0].DeliveryID != d.ID {
		t.Errorf("delivery ID header %q, want %q", got[0].DeliveryID, d.ID)
	}
	lines, _ := field(b, "EventBody.LineItems").([]any)
	products, _ := field(b, "EventBody.Products").([]any)
	if len(lines) != 1 || len(products) != 1 || field(products[0].(map[string]any), "ID") != "p1" {
		t.Fatalf("lines %v products %v", lines, products)
	}
	if _, has := field(b, "Recipient").(map[string]any)["Password"]; has || bytes.Contains(got[0].Raw, []byte("_pw")) {
		t.Fatalf("recipient leaks its password: %s", got[0].Raw)
	}

	// An inactive recipient gets nothing.
	apptest.Must(t, e, "PATCH", "/v1/buyers/b1/users/u1", admin, map[string]any{"Active": false}, 200)
	if ds, err := in.HandleChange(context.Background(), ch); err != nil || len(ds) != 0 {
		t.Fatalf("inactive user: %v %v", ds, err)
	}
}

// An order declined tells its user and the approvers of the groups asked.
func TestApprovalMessages(t *testing.T) {
	t.Parallel()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	rc := newMsgReceiver(t, "k")
	apptest.Must(t, e, "POST", "/v1/messagesenders", admin, map[string]any{"ID": "ms", "Name": "Mail", "Description": "d",
		"URL": rc.URL + "/{messagetype}", "SharedKey": "k", "AllowAllBuyers": true,
		"MessageTypes": []string{"OrderSubmittedForApproval", "OrderSubmittedForYourApproval"}}, 201)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups", admin, map[string]any{"ID": "approvers", "Name": "a"}, 201)
	apptest.BuyerUser(t, e, admin, "b1", "boss", "boss")
	apptest.Must(t, e, "POST", "/v1/buyers/b1/usergroups/assignments", admin, map[string]any{"UserGroupID": "approvers", "UserID": "boss"}, 204)
	apptest.Must(t, e, "POST", "/v1/buyers/b1/approvalrules", admin, map[string]any{"ID": "big", "ApprovingGroupID": "approvers",
		"RuleExpression": "order.Total > 1"}, 201)
	id := s.NewOrder(t, s.Token)
	s.AddLine(t, s.Token, id, "p1", 2)
	after := apptest.Submitted(t, e.Do("POST", "/v1/orders/Outgoing/"+id+"/submit", s.Token, nil)).Body
	if after["Status"] != "AwaitingApproval" {
		t.Fatalf("order %v", after["Status"])
	}
	in := integrations.For(e.App.Registry())
	ds, err := in.HandleChange(context.Background(), integrations.Change{EventID: "ev-2", DetailType: "Order.SubmittedForApproval",
		Type: "Order", ID: id, New: after})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if err := (integrations.HTTPDeliverer{}).Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	mine, theirs := rc.at("/ordersubmittedforapproval"), rc.at("/ordersubmittedforyourapproval")
	if len(mine) != 1 || field(mine[0].Body, "Recipient.ID") != "u1" || len(theirs) != 1 || field(theirs[0].Body, "Recipient.ID") != "boss" {
		t.Fatalf("msgReceived %+v", rc.calls())
	}
	if a, _ := field(theirs[0].Body, "EventBody.Approvals").([]any); len(a) != 1 {
		t.Fatalf("approvals %v", field(theirs[0].Body, "EventBody.Approvals"))
	}
}
