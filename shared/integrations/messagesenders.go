package integrations

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Message senders: the configurations that turn commerce events (an order
// submitted, a shipment made, a forgotten password) into one signed POST
// per recipient to the integrator's URL, which formats and sends the
// notification. The sender's SharedKey signs each message (write-only,
// see the contract supplement); assignments say whose events it handles;
// CC listeners add addresses to the CCList of a message type.

// messages holds the message sender declarations.
type messages struct {
	Senders     *resource.Resource
	Assignments *resource.Assignment
	CCListeners *resource.Assignment
}

// declared finds the Integrations a registry was declared with (tests and
// the stream's target reach it through the app's registry).
var declared sync.Map // *resource.Registry → *Integrations

// For returns the Integrations declared on r (nil when none).
func For(r *resource.Registry) *Integrations {
	if v, ok := declared.Load(r); ok {
		return v.(*Integrations)
	}
	return nil
}

func (in *Integrations) declareMessages(r *resource.Registry) {
	declared.Store(r, in)
	m := &messages{}
	in.messages = m
	m.Senders = r.Add(&resource.Resource{Name: "MessageSenders", Model: "MessageSender", IDParam: "messageSenderID",
		// DeliveryConfigID is not checked here: delivery configurations
		// are declared (and send such senders' messages) elsewhere.
		Prepare: prepareSender})
	m.Assignments = r.AddAssignment(&resource.Assignment{Resource: "MessageSenders", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "MessageSenderAssignment",
		Key: []string{"MessageSenderID", "BuyerID", "SupplierID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "MessageSenderID", Resource: "MessageSenders"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "UserGroupID", Resource: "SupplierUserGroups", ScopeFields: []string{"SupplierID"}}},
		Prepare: in.prepareSenderAssignment, OnDelete: in.dropListenersOf, Party: true})
	// A CC listener names the sender assignment it listens on as a nested
	// object; its fields are copied to internal keys (_Sender*) so the
	// assignment is stored, found and cascaded like any other.
	m.CCListeners = r.AddAssignment(&resource.Assignment{Resource: "MessageSenders", Save: "SaveCCListenerAssignment",
		List: "ListCCListenerAssignments", Model: "MessageCCListenerAssignment", Kind: "MessageCCListener",
		Key: []string{"_SenderID", "_SenderBuyerID", "_SenderSupplierID", "_SenderGroupID", "MessageType",
			"BuyerID", "SupplierID", "UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "_SenderID", Resource: "MessageSenders"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "SupplierID", Resource: "Suppliers"},
			{Field: "UserID", Resource: "Users", ScopeFields: []string{"BuyerID"}},
			{Field: "UserID", Resource: "SupplierUsers", ScopeFields: []string{"SupplierID"}},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "UserGroupID", Resource: "SupplierUserGroups", ScopeFields: []string{"SupplierID"}}},
		Prepare: in.prepareCCListener, Party: true})
	// Message configuration is the marketplace's: buyer and supplier users
	// never read or change it, whatever roles they hold.
	r.MarketplaceOnly("MessageSenders.List", "MessageSenders.Get", "MessageSenders.Create", "MessageSenders.Save",
		"MessageSenders.Patch", "MessageSenders.Delete", "MessageSenders.ListAssignments", "MessageSenders.SaveAssignment",
		"MessageSenders.DeleteAssignment", "MessageSenders.ListCCListenerAssignments", "MessageSenders.SaveCCListenerAssignment")
	r.Answers("MessageSenders.SaveAssignment", http.StatusNoContent)
	r.Answers("MessageSenders.SaveCCListenerAssignment", http.StatusNoContent)
	in.OnChange(in.messagesFor)
	in.declareForgottenCredentials(r)
}

// prepareSender keeps the SharedKey a replace leaves out (it is never read
// back, so a GET-then-PUT cannot carry it) and asks for a URL and a
// SharedKey when no delivery configuration sends the messages.
func prepareSender(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if old != nil && api.Str(doc, "SharedKey") == "" {
		if k := api.Str(old, "SharedKey"); k != "" {
			doc["SharedKey"] = k
		}
	}
	if api.Str(doc, "DeliveryConfigID") != "" {
		return nil
	}
	if api.Str(doc, "URL") == "" {
		return api.E(http.StatusBadRequest, "MessageSenders.UrlRequired", nil)
	}
	if api.Str(doc, "SharedKey") == "" {
		return api.E(http.StatusBadRequest, "MessageSenders.SharedKeyRequired", nil)
	}
	return nil
}

// prepareSenderAssignment checks a group that belongs to no company: it is
// an admin user group (the marketplace's own users receive messages too).
func (in *Integrations) prepareSenderAssignment(c *resource.Ctx, doc api.Doc) error {
	if api.Str(doc, "BuyerID") != "" || api.Str(doc, "SupplierID") != "" {
		return nil
	}
	if id := api.Str(doc, "UserGroupID"); id != "" {
		if _, err := c.Reg.Load(c, in.access.Admin.Groups, nil, id); err != nil {
			return err
		}
	}
	return nil
}

// prepareCCListener copies the listened-on sender assignment into the
// listener's key and checks it exists, and checks admin parties (no
// company) exist.
func (in *Integrations) prepareCCListener(c *resource.Ctx, doc api.Doc) error {
	sa, _ := doc["MessageSenderAssignment"].(map[string]any)
	asg := api.Doc{"MessageSenderID": api.Str(sa, "MessageSenderID"), "BuyerID": api.Str(sa, "BuyerID"),
		"SupplierID": api.Str(sa, "SupplierID"), "UserGroupID": api.Str(sa, "UserGroupID")}
	if asg["MessageSenderID"] == "" {
		return api.Validation("MessageSenderAssignment.MessageSenderID", "Required field.")
	}
	it := in.messages.Assignments.Item(api.Clone(asg))
	if _, err := c.Deps.Store.Get(c, store.Key{PK: it.PK, SK: it.SK}); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return api.NotFound("MessageSenderAssignment", api.Str(asg, "MessageSenderID"))
		}
		return err
	}
	doc["_SenderID"], doc["_SenderBuyerID"] = asg["MessageSenderID"], asg["BuyerID"]
	doc["_SenderSupplierID"], doc["_SenderGroupID"] = asg["SupplierID"], asg["UserGroupID"]
	if api.Str(doc, "BuyerID") != "" || api.Str(doc, "SupplierID") != "" {
		return nil
	}
	if id := api.Str(doc, "UserID"); id != "" {
		if _, err := c.Reg.Load(c, in.access.Admin.Users, nil, id); err != nil {
			return err
		}
	}
	if id := api.Str(doc, "UserGroupID"); id != "" {
		if _, err := c.Reg.Load(c, in.access.Admin.Groups, nil, id); err != nil {
			return err
		}
	}
	return nil
}

// dropListenersOf deletes, with a sender assignment, the CC listeners
// listening on it.
func (in *Integrations) dropListenersOf(c *resource.Ctx, tx *resource.Tx, doc api.Doc, cause string) error {
	ls, err := c.Reg.AssignmentsWith(c, in.messages.CCListeners, "_SenderID", api.Str(doc, "MessageSenderID"))
	if err != nil {
		return err
	}
	for _, l := range ls {
		if listensOn(l, doc) {
			it := in.messages.CCListeners.Item(l)
			tx.Delete(store.Key{PK: it.PK, SK: it.SK})
		}
	}
	return nil
}

// listensOn reports whether a CC listener listens on a sender assignment.
func listensOn(l, asg api.Doc) bool {
	return api.Str(l, "_SenderID") == api.Str(asg, "MessageSenderID") && api.Str(l, "_SenderBuyerID") == api.Str(asg, "BuyerID") &&
		api.Str(l, "_SenderSupplierID") == api.Str(asg, "SupplierID") && api.Str(l, "_SenderGroupID") == api.Str(asg, "UserGroupID")
}

// background is the engine context for work outside a request.
func (in *Integrations) background(ctx context.Context) *resource.Ctx {
	return in.reg.Context(ctx, nil)
}
