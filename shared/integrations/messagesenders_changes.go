package integrations

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/orders"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

var userModel = contract.MustModel("User")

// A message is one message type raised by a change, for its recipients.
type message struct {
	Type       string
	Recipients []recipient
	EventBody  map[string]any
}

// A recipient is a user a message goes to.
type recipient struct {
	Ref  access.UserRef
	User api.Doc
}

// messagesFor is the ChangeHandler of message senders: the messages a
// change raises, one delivery per recipient and sender assigned to it.
func (in *Integrations) messagesFor(ctx context.Context, ch Change) ([]Delivery, error) {
	types := messageTypesOf(ch)
	if len(types) == 0 {
		return nil, nil
	}
	c := in.background(ctx)
	senders, err := in.sendersFor(c, types)
	if err != nil || len(senders) == 0 {
		return nil, err
	}
	msgs, err := in.raise(c, ch, types)
	if err != nil {
		return nil, err
	}
	var out []Delivery
	for _, m := range msgs {
		ds, err := in.deliveriesOf(c, ch.EventID, m, senders[m.Type])
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// orderMessages are the message types each order transition raises: the
// first goes to the order's user, the second (if any) to its approvers.
var orderMessages = map[string][2]string{
	"Order.Submitted":            {"OrderSubmitted"},
	"Order.SubmittedForApproval": {"OrderSubmittedForApproval", "OrderSubmittedForYourApproval"},
	"Order.Approved":             {"OrderApproved", "OrderSubmittedForYourApprovalHasBeenApproved"},
	"Order.Declined":             {"OrderDeclined", "OrderSubmittedForYourApprovalHasBeenDeclined"},
}

// returnMessages are the message types each order return transition
// raises, for the user of the returned order.
var returnMessages = map[string]string{
	"OrderReturn.Submitted":            "OrderReturnSubmitted",
	"OrderReturn.SubmittedForApproval": "OrderReturnSubmittedForApproval",
	"OrderReturn.Approved":             "OrderReturnApproved",
	"OrderReturn.Declined":             "OrderReturnDeclined",
	"OrderReturn.Completed":            "OrderReturnCompleted",
}

// messageTypesOf names the message types a change may raise.
func messageTypesOf(ch Change) []string {
	if t, ok := orderMessages[ch.DetailType]; ok {
		if t[1] == "" {
			return t[:1]
		}
		return t[:]
	}
	if t, ok := returnMessages[ch.DetailType]; ok {
		return []string{t}
	}
	switch {
	case ch.Type == "Shipment" && ch.New != nil && str(ch.New, "DateShipped") != "" && str(ch.Old, "DateShipped") == "":
		// A shipment counts as made when its ship date is first set (at
		// creation, or by the patch the docs recommend once its items are
		// on it).
		return []string{"ShipmentCreated"}
	case ch.DetailType == "BuyerUser.Created":
		return []string{"NewUserInvitation"}
	}
	return nil
}

func str(d map[string]any, k string) string { s, _ := d[k].(string); return s }

// sendersFor returns, by message type, the senders handling it (the
// marketplace's sender configurations: one partition).
func (in *Integrations) sendersFor(c *resource.Ctx, types []string) (map[string][]api.Doc, error) {
	all, err := c.Reg.All(c, in.messages.Senders, nil)
	if err != nil {
		return nil, err
	}
	out := map[string][]api.Doc{}
	for _, s := range all {
		handles, _ := s["MessageTypes"].([]any)
		for _, t := range types {
			if slices.Contains(handles, any(t)) {
				out[t] = append(out[t], s)
			}
		}
	}
	return out, nil
}

// system is the principal integrations read orders as: the marketplace.
func (in *Integrations) system(c *resource.Ctx) *auth.Principal {
	return &auth.Principal{UserType: auth.Admin, CompanyID: c.MarketplaceID(), Roles: []string{"FullAccess"}}
}

// raise builds the messages of a change: recipients and event body.
func (in *Integrations) raise(c *resource.Ctx, ch Change, types []string) ([]message, error) {
	switch {
	case ch.Type == "Order":
		return in.orderMessages(c, ch.New, types)
	case ch.Type == "OrderReturn":
		order, err := in.orders.Get(c, in.system(c), orders.All, str(ch.New, "OrderID"))
		if err != nil {
			return nil, ignoreGone(err)
		}
		body, err := in.orderBody(c, order)
		if err != nil {
			return nil, err
		}
		body["OrderReturn"] = ch.New
		return in.toOrderUser(c, order, types[0], body)
	case ch.Type == "Shipment":
		return in.shipmentMessages(c, ch.New)
	case ch.DetailType == "BuyerUser.Created":
		ref := access.UserRef{Kind: "BuyerUser", Company: str(ch.New, "CompanyID"), UserID: ch.ID}
		u, err := in.access.LoadUser(c, ref)
		if err != nil {
			return nil, ignoreGone(err)
		}
		body := map[string]any{"Username": api.Str(u, "Username"), "PasswordRenewalUrl": nil,
			"PasswordRenewalVerificationCode": nil, "PasswordRenewalAccessToken": nil}
		return []message{{Type: "NewUserInvitation", Recipients: []recipient{{Ref: ref, User: u}}, EventBody: body}}, nil
	}
	return nil, nil
}

// ignoreGone drops a 404: what the change was about is gone since (the
// event is late), so there is nothing left to tell.
func ignoreGone(err error) error {
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil
	}
	return err
}

// orderMessages are an order transition's messages: to its user, and to
// the approvers (those who may decide it now, or those of the groups that
// were asked, once decided).
func (in *Integrations) orderMessages(c *resource.Ctx, order api.Doc, types []string) ([]message, error) {
	body, err := in.orderBody(c, order)
	if err != nil {
		return nil, err
	}
	msgs, err := in.toOrderUser(c, order, types[0], body)
	if err != nil || len(types) < 2 {
		return msgs, err
	}
	var approvers []api.Doc
	if types[1] == "OrderSubmittedForYourApproval" {
		approvers, err = in.orders.EligibleApprovers(c, in.system(c), orders.Incoming, api.Str(order, "ID"))
	} else {
		approvers, err = in.groupApprovers(c, order, body["Approvals"].([]api.Doc))
	}
	if err != nil {
		return nil, ignoreGone(err)
	}
	buyerID := api.Str(order, "FromCompanyID")
	m := message{Type: types[1], EventBody: body}
	for _, u := range approvers {
		m.Recipients = append(m.Recipients, recipient{Ref: access.UserRef{Kind: "BuyerUser", Company: buyerID, UserID: api.Str(u, "ID")}, User: u})
	}
	return append(msgs, m), nil
}

// groupApprovers are the active members of the groups an order's
// approvals were asked of.
func (in *Integrations) groupApprovers(c *resource.Ctx, order api.Doc, approvals []api.Doc) ([]api.Doc, error) {
	buyerID := api.Str(order, "FromCompanyID")
	var ids []string
	for _, a := range approvals {
		members, err := c.Reg.AssignmentsWith(c, in.buyers.Members, "UserGroupID", api.Str(a, "ApprovingGroupID"), buyerID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			ids = append(ids, api.Str(m, "UserID"))
		}
	}
	slices.Sort(ids)
	var out []api.Doc
	for _, id := range slices.Compact(ids) {
		u, err := in.access.LoadUser(c, access.UserRef{Kind: "BuyerUser", Company: buyerID, UserID: id})
		if err != nil {
			if ignoreGone(err) == nil {
				continue
			}
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// toOrderUser is a message to the user who placed the order.
func (in *Integrations) toOrderUser(c *resource.Ctx, order api.Doc, typ string, body map[string]any) ([]message, error) {
	ref := access.UserRef{Kind: "BuyerUser", Company: api.Str(order, "FromCompanyID"), UserID: api.Str(order, "FromUserID")}
	u, err := in.access.LoadUser(c, ref)
	if err != nil {
		return nil, ignoreGone(err)
	}
	return []message{{Type: typ, Recipients: []recipient{{Ref: ref, User: u}}, EventBody: body}}, nil
}

// orderBody is the event body of order messages: the order, its
// approvals, line items and their products.
func (in *Integrations) orderBody(c *resource.Ctx, order api.Doc) (map[string]any, error) {
	p, id := in.system(c), api.Str(order, "ID")
	lines, err := in.orders.Lines(c, p, orders.All, id)
	if err != nil && ignoreGone(err) != nil {
		return nil, err
	}
	approvals, err := in.orders.Approvals(c, p, orders.All, id)
	if err != nil && ignoreGone(err) != nil {
		return nil, err
	}
	if approvals == nil {
		approvals = []api.Doc{}
	}
	products := []any{}
	seen := map[string]bool{}
	for _, l := range lines {
		pid := api.Str(l, "ProductID")
		if pid == "" || seen[pid] {
			continue
		}
		seen[pid] = true
		e, err := c.Reg.Load(c, in.catalog.Products, nil, pid)
		if err != nil {
			if ignoreGone(err) == nil {
				continue // an ad hoc product, or one deleted since
			}
			return nil, err
		}
		products = append(products, api.Ordered{Model: in.catalog.Products.ContractModel(), Doc: e.Doc})
	}
	outLines := make([]any, len(lines))
	for i, l := range lines {
		outLines[i] = api.Ordered{Model: in.orders.LineItems.ContractModel(), Doc: l}
	}
	return map[string]any{"Order": api.Ordered{Model: contract.MustModel("Order"), Doc: order}, "Approvals": approvals,
		"LineItems": outLines, "Products": products}, nil
}

// shipmentMessages tell the user of each order a made shipment carries
// items of. A shipment's items are read where the orders package keeps
// them (ShipmentItem#<shipmentID>, sort key <orderID>|<lineItemID>).
func (in *Integrations) shipmentMessages(c *resource.Ctx, shipment api.Doc) ([]message, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: "ShipmentItem#" + api.Str(shipment, "ID")})
	if err != nil {
		return nil, err
	}
	byOrder := map[string][]any{}
	var orderIDs []string
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		oid := api.Str(d, "OrderID")
		if _, ok := byOrder[oid]; !ok {
			orderIDs = append(orderIDs, oid)
		}
		byOrder[oid] = append(byOrder[oid], api.Ordered{Model: contract.MustModel("ShipmentItem"), Doc: d})
	}
	var out []message
	for _, oid := range orderIDs {
		order, err := in.orders.Get(c, in.system(c), orders.All, oid)
		if err != nil {
			if ignoreGone(err) == nil {
				continue
			}
			return nil, err
		}
		body, err := in.orderBody(c, order)
		if err != nil {
			return nil, err
		}
		body["Shipment"] = api.Ordered{Model: contract.MustModel("Shipment"), Doc: shipment}
		body["ShipmentItems"] = byOrder[oid]
		ms, err := in.toOrderUser(c, order, "ShipmentCreated", body)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// deliveriesOf addresses a message to each of its active recipients
// through each sender assigned to them (once per sender).
func (in *Integrations) deliveriesOf(c *resource.Ctx, eventID string, m message, senders []api.Doc) ([]Delivery, error) {
	var out []Delivery
	for _, r := range m.Recipients {
		ok, err := in.access.UserActive(c, r.Ref, r.User)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, s := range senders {
			asg, err := in.assignmentReaching(c, s, r.Ref)
			if err != nil {
				return nil, err
			}
			if asg == nil {
				continue
			}
			d, err := in.messageDelivery(c, eventID, m, s, asg, r)
			if err != nil {
				return nil, err
			}
			if d != nil {
				out = append(out, *d)
			}
		}
	}
	return out, nil
}

// assignmentReaching returns the sender's assignment that reaches a user
// (to its company, or to one of its groups), nil when none does. A
// sender allowing all buyers reaches every buyer user (as its company's
// assignment).
func (in *Integrations) assignmentReaching(c *resource.Ctx, sender api.Doc, ref access.UserRef) (api.Doc, error) {
	asgs, err := c.Reg.AssignmentsWith(c, in.messages.Assignments, "MessageSenderID", api.Str(sender, "ID"))
	if err != nil {
		return nil, err
	}
	buyer, supplier := "", ""
	switch ref.Kind {
	case "BuyerUser":
		buyer = ref.Company
	case "SupplierUser":
		supplier = ref.Company
	}
	var groups []string
	for _, a := range asgs {
		if api.Str(a, "BuyerID") != buyer || api.Str(a, "SupplierID") != supplier {
			continue
		}
		g := api.Str(a, "UserGroupID")
		if g == "" {
			return a, nil
		}
		if groups == nil {
			if groups, err = in.access.UserGroups(c, ref); err != nil {
				return nil, err
			}
			groups = append(groups, "") // read once, even when in none
		}
		if slices.Contains(groups, g) {
			return a, nil
		}
	}
	if buyer != "" && sender["AllowAllBuyers"] == true {
		return api.Doc{"MessageSenderID": api.Str(sender, "ID"), "BuyerID": buyer}, nil
	}
	return nil, nil
}

var messageTypePlaceholder = regexp.MustCompile(`(?i)\{messagetype\}`)

// messageURL is where a sender receives a message type: its URL with
// {messagetype} replaced by the type in lower case.
func messageURL(sender api.Doc, typ string) string {
	return messageTypePlaceholder.ReplaceAllLiteralString(api.Str(sender, "URL"), strings.ToLower(typ))
}

// messageDelivery builds the signed delivery of a message to a recipient
// through a sender (nil when the sender has no URL: a delivery
// configuration, not this package, sends those).
func (in *Integrations) messageDelivery(c *resource.Ctx, eventID string, m message, sender, asg api.Doc, r recipient) (*Delivery, error) {
	if api.Str(sender, "URL") == "" {
		return nil, nil
	}
	cc, err := in.ccList(c, asg, m.Type)
	if err != nil {
		return nil, err
	}
	id := messageDeliveryID(eventID, m.Type, api.Str(sender, "ID"), r.Ref)
	var buyerID any
	if r.Ref.Kind == "BuyerUser" {
		buyerID = r.Ref.Company
	}
	payload := map[string]any{
		"OcLogIdHeader": id,
		"Environment":   "Production",
		"BuyerID":       buyerID,
		// No API client is known for a message raised by a change, so no
		// token is issued for the recipient (see README).
		"UserToken":   nil,
		"Recipient":   api.Ordered{Model: userModel, Doc: r.User},
		"CCList":      cc,
		"EventBody":   m.EventBody,
		"MessageType": m.Type,
		"ConfigData":  sender["xp"],
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &Delivery{ID: id, Kind: "message", Source: api.Str(sender, "ID"), URL: messageURL(sender, m.Type),
		Key: api.Str(sender, "SharedKey"), Body: body}, nil
}

// messageDeliveryID is stable for one event, message type, sender and
// recipient, so a redelivered event yields the same ID.
func messageDeliveryID(eventID, typ, senderID string, ref access.UserRef) string {
	h := sha256.Sum256([]byte(strings.Join([]string{eventID, typ, senderID, ref.Kind, ref.Company, ref.UserID}, "\x00")))
	return "msg-" + hex.EncodeToString(h[:16])
}

// ccList is the addresses CC listeners of a sender assignment add to a
// message type: the listening users' and listening groups' members'
// emails, comma-separated (nil when none).
func (in *Integrations) ccList(c *resource.Ctx, asg api.Doc, typ string) (any, error) {
	ls, err := c.Reg.AssignmentsWith(c, in.messages.CCListeners, "_SenderID", api.Str(asg, "MessageSenderID"))
	if err != nil {
		return nil, err
	}
	var emails []string
	for _, l := range ls {
		if !listensOn(l, asg) || api.Str(l, "MessageType") != typ {
			continue
		}
		users, err := in.listenerUsers(c, l)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if e := api.Str(u, "Email"); e != "" && u["Active"] == true {
				emails = append(emails, e)
			}
		}
	}
	if len(emails) == 0 {
		return nil, nil
	}
	slices.Sort(emails)
	return strings.Join(slices.Compact(emails), ","), nil
}

// listenerUsers are the users a CC listener names: one user, or the
// members of one group (a company-level listener names none: see README).
func (in *Integrations) listenerUsers(c *resource.Ctx, l api.Doc) ([]api.Doc, error) {
	kind, company := "AdminUser", ""
	switch {
	case api.Str(l, "BuyerID") != "":
		kind, company = "BuyerUser", api.Str(l, "BuyerID")
	case api.Str(l, "SupplierID") != "":
		kind, company = "SupplierUser", api.Str(l, "SupplierID")
	}
	var ids []string
	if id := api.Str(l, "UserID"); id != "" {
		ids = []string{id}
	} else if g := api.Str(l, "UserGroupID"); g != "" {
		k := in.access.KindOf(userTypeOf(kind))
		members, err := c.Reg.AssignmentsWith(c, k.Members, "UserGroupID", g, scopeOf(company)...)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			ids = append(ids, api.Str(m, "UserID"))
		}
	}
	var out []api.Doc
	for _, id := range ids {
		u, err := in.access.LoadUser(c, access.UserRef{Kind: kind, Company: company, UserID: id})
		if err != nil {
			if ignoreGone(err) == nil {
				continue
			}
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func userTypeOf(kind string) string {
	switch kind {
	case "BuyerUser":
		return auth.Buyer
	case "SupplierUser":
		return auth.Supplier
	}
	return auth.Admin
}

func scopeOf(company string) []string {
	if company == "" {
		return nil
	}
	return []string{company}
}
