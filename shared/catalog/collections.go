package catalog

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareCollections(r *resource.Registry) {
	cat.ProductCollections = r.Add(&resource.Resource{Name: "ProductCollections", Model: "ProductCollection", IDParam: "productCollectionID",
		Scope: []string{"buyerID"}, Parents: []resource.Parent{{Param: "buyerID", Resource: "Buyers"}}, Ops: []string{"Get", "List"}})
	// Invitations are served only through Me operations; declaring them
	// gives storage, loading and 404s in the usual shape.
	cat.ProductCollectionInvitations = r.Add(&resource.Resource{Name: "ProductCollectionInvitations", Model: "ProductCollectionInvitation",
		IDParam: "invitationID", Scope: []string{"buyerID", "productCollectionID"}, Ops: []string{}})
	r.Handle("ProductCollections.ListEntries", cat.listCollectionEntriesAdmin)

	r.Handle("Me.ListProductCollections", cat.meListCollections)
	r.Handle("Me.CreateProductCollection", cat.meCreateCollection)
	r.Handle("Me.GetProductCollection", cat.meGetCollection)
	r.Handle("Me.SaveProductCollection", cat.meSaveCollection)
	r.Handle("Me.PatchProductCollection", cat.mePatchCollection)
	r.Handle("Me.DeleteProductCollection", cat.meDeleteCollection)

	r.Handle("Me.ListProductCollectionEntries", cat.meListCollectionEntries)
	r.Handle("Me.CreateProductCollectionEntry", cat.meCreateCollectionEntry)
	r.Handle("Me.SaveProductCollectionEntry", cat.meSaveCollectionEntry)
	r.Handle("Me.DeleteProductCollectionEntry", cat.meDeleteCollectionEntry)

	r.Handle("Me.ListProductCollectionInvitations", cat.meListCollectionInvitations)
	r.Handle("Me.CreateProductCollectionInvitation", cat.meCreateCollectionInvitation)
	r.Handle("Me.GetProductCollectionInvitation", cat.meGetCollectionInvitation)
	r.Handle("Me.PatchProductCollectionInvitation", cat.mePatchCollectionInvitation)
	r.Handle("Me.DeleteProductCollectionInvitation", cat.meDeleteCollectionInvitation)
	r.Handle("Me.AcceptProductCollectionInvitation", cat.meAcceptCollectionInvitation)
	r.Handle("Me.DeclineProductCollectionInvitation", cat.meDeclineCollectionInvitation)
}

// Product collections are lists of products a buyer user saves (wish
// lists, favourites, save for later). A collection belongs to the buyer
// user who created it (kept in the hidden _owner field) and lives under its
// buyer, so its ID is unique within the buyer and the marketplace owner can
// read it under /buyers/{buyerID}/productcollections.
//
// Its owner shares it through invitations: another user of the same buyer
// who accepts one becomes a member (a reader, or an editor when the
// invitation says Admin). An invitation is single-use: once accepted it
// stays bound to the accepting user, and deleting it revokes that user's
// access. A Public collection can be read by every user of its buyer.
//
// Storage: the collection is an entity of ProductCollection#<buyer>; entries
// are items of ProductCollectionEntry#<buyer>#<collection> keyed by product;
// invitations are entities of ProductCollectionInvitation#<buyer>#<collection>;
// memberships are items of ProductCollectionMember#<buyer> keyed
// <collection>|<user>, so one query finds every collection shared with a user.

// Refusals of collection changes.
var (
	errCollectionReadOnly = api.E(http.StatusForbidden, "ProductCollection.CannotModify", nil)
	errInvitationAccepted = api.E(http.StatusBadRequest, "ProductCollection.AlreadyAcceptedInvitation", nil)
)

// collectionEntryLimit is the most products one collection may hold.
const collectionEntryLimit = 500

// collectionInvitationLife is how long an invitation lasts by default, and
// collectionInvitationMaxLife the longest it may be set to last.
const (
	collectionInvitationLife    = 30 * 24 * time.Hour
	collectionInvitationMaxLife = 366 * 24 * time.Hour
)

// collectionLevel is what a user may do with a collection.
type collectionLevel int

const (
	collectionNone   collectionLevel = iota
	collectionReader                 // a member, or anyone of the buyer for a Public collection
	collectionEditor                 // a member invited as Admin
	collectionOwner
)

func collectionEntriesPK(buyer, coll string) string {
	return "ProductCollectionEntry#" + buyer + "#" + coll
}

func collectionMembersPK(buyer string) string { return "ProductCollectionMember#" + buyer }

func collectionMemberKey(buyer, coll, user string) store.Key {
	return store.Key{PK: collectionMembersPK(buyer), SK: coll + "|" + user}
}

// collectionMember is a user a collection is shared with.
type collectionMember struct {
	ProductCollectionID, UserID, InvitationID string
	Admin                                     bool
}

func collectionMemberItem(buyer string, m collectionMember) store.Item {
	k := collectionMemberKey(buyer, m.ProductCollectionID, m.UserID)
	b, _ := json.Marshal(m)
	return store.Item{PK: k.PK, SK: k.SK, Type: "ProductCollectionMember", ID: k.SK, Doc: b}
}

// collectionMemberships maps the collections shared with a user to whether
// the user is their editor.
func collectionMemberships(c *resource.Ctx, buyer, user string) (map[string]bool, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: collectionMembersPK(buyer)})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, it := range items {
		var m collectionMember
		if err := json.Unmarshal(it.Doc, &m); err != nil {
			return nil, err
		}
		if m.UserID == user {
			out[m.ProductCollectionID] = m.Admin
		}
	}
	return out, nil
}

// collectionLevelIn is the user's level on a collection given its memberships.
func collectionLevelIn(doc api.Doc, user string, members map[string]bool) collectionLevel {
	switch admin, member := members[api.Str(doc, "ID")]; {
	case api.Str(doc, "_owner") == user:
		return collectionOwner
	case member && admin:
		return collectionEditor
	case member || api.Str(doc, "AccessLevel") == "Public":
		return collectionReader
	}
	return collectionNone
}

// myCollection is the collection in the path as the calling buyer user
// sees it: 404 when the user cannot see it, 403 when it needs a higher
// level than the user has.
type myCollection struct {
	buyer, user string
	e           *resource.Entity
	level       collectionLevel
}

func (cat *Catalog) loadMyCollection(c *resource.Ctx, need collectionLevel) (*myCollection, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	buyer, user, id := c.P.CompanyID, c.P.UserID, c.Param("productCollectionID")
	e, err := c.Reg.Load(c, cat.ProductCollections, []string{buyer}, id)
	if err != nil {
		return nil, err
	}
	members, err := collectionMemberships(c, buyer, user)
	if err != nil {
		return nil, err
	}
	mc := &myCollection{buyer: buyer, user: user, e: e, level: collectionLevelIn(e.Doc, user, members)}
	if mc.level == collectionNone {
		return nil, api.NotFound("ProductCollection", id)
	}
	if mc.level < need {
		return nil, errCollectionReadOnly
	}
	return mc, nil
}

func (mc *myCollection) id() string { return api.Str(mc.e.Doc, "ID") }

func (cat *Catalog) meListCollections(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	buyer, user := c.P.CompanyID, c.P.UserID
	docs, err := c.Reg.All(c, cat.ProductCollections, []string{buyer})
	if err != nil {
		return nil, err
	}
	members, err := collectionMemberships(c, buyer, user)
	if err != nil {
		return nil, err
	}
	var mine []api.Doc
	for _, d := range docs {
		if collectionLevelIn(d, user, members) != collectionNone {
			mine = append(mine, d)
		}
	}
	return c.Reg.Page(c, cat.ProductCollections.ContractModel(), mine, nil)
}

func (cat *Catalog) decodeCollection(c *resource.Ctx, partial bool) (api.Doc, error) {
	return c.Decode(cat.ProductCollections.ContractModel(), partial)
}

func (cat *Catalog) meCreateCollection(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	doc, err := cat.decodeCollection(c, false)
	if err != nil {
		return nil, err
	}
	doc["_owner"] = c.P.UserID
	return c.Reg.Insert(c, cat.ProductCollections, []string{c.P.CompanyID}, doc)
}

func (cat *Catalog) meGetCollection(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionReader)
	if err != nil {
		return nil, err
	}
	return c.Reg.Out(c, cat.ProductCollections, mc.e.Doc)
}

// meSaveCollection creates the collection when its ID is free in the
// buyer, else replaces it if the caller may edit it.
func (cat *Catalog) meSaveCollection(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	doc, err := cat.decodeCollection(c, false)
	if err != nil {
		return nil, err
	}
	doc["ID"] = c.Param("productCollectionID")
	mc, err := cat.loadMyCollection(c, collectionEditor)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		if _, taken := c.Reg.Load(c, cat.ProductCollections, []string{c.P.CompanyID}, api.Str(doc, "ID")); taken == nil {
			// Someone else's collection, which the caller cannot see.
			return nil, errCollectionReadOnly
		}
		doc["_owner"] = c.P.UserID
		return c.Reg.Insert(c, cat.ProductCollections, []string{c.P.CompanyID}, doc)
	}
	if err != nil {
		return nil, err
	}
	return c.Reg.Replace(c, cat.ProductCollections, []string{mc.buyer}, mc.e, doc)
}

func (cat *Catalog) mePatchCollection(c *resource.Ctx) (any, error) {
	patch, err := cat.decodeCollection(c, true)
	if err != nil {
		return nil, err
	}
	delete(patch, "ID")
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	return c.Reg.Replace(c, cat.ProductCollections, []string{mc.buyer}, mc.e, api.Merge(api.Clone(mc.e.Doc), patch))
}

// meDeleteCollection (owner only) removes the collection with its entries,
// invitations and memberships.
func (cat *Catalog) meDeleteCollection(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionOwner)
	if err != nil {
		return nil, err
	}
	tx := &resource.Tx{}
	if err := cat.deleteCollection(c, tx, mc.buyer, mc.id()); err != nil {
		return nil, err
	}
	return nil, tx.Commit(c)
}

// deleteCollection queues the removal of a collection with its entries,
// invitations and memberships.
func (cat *Catalog) deleteCollection(c *resource.Ctx, tx *resource.Tx, buyer, id string) error {
	tx.Delete(store.Key{PK: cat.ProductCollections.PK(buyer), SK: id})
	return tx.DeleteFound(c,
		store.Query{PK: collectionEntriesPK(buyer, id)},
		store.Query{PK: cat.ProductCollectionInvitations.PK(buyer, id)},
		// Membership keys are <collection>|<user>; IDs cannot hold "|".
		store.Query{PK: collectionMembersPK(buyer), SKPrefix: id + "|"})
}

// deleteUserCollections goes with a deleted buyer user: the collections
// they own (with what hangs off them) and their memberships of others.
func (cat *Catalog) deleteUserCollections(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	buyer, user := c.Param("buyerID"), api.Str(doc, "ID")
	colls, err := c.Reg.All(c, cat.ProductCollections, []string{buyer})
	if err != nil {
		return err
	}
	for _, d := range colls {
		if api.Str(d, "_owner") == user {
			if err := cat.deleteCollection(c, tx, buyer, api.Str(d, "ID")); err != nil {
				return err
			}
		}
	}
	members, err := c.Deps.Store.Query(c, store.Query{PK: collectionMembersPK(buyer)})
	if err != nil {
		return err
	}
	for _, it := range members {
		if strings.HasSuffix(it.SK, "|"+user) {
			tx.Delete(store.Key{PK: it.PK, SK: it.SK})
		}
	}
	return nil
}

// --- entries ----------------------------------------------------------------

// collectionEntries reads a collection's entries (ProductID, ListOrder,
// DateAdded), keyed by product.
func collectionEntries(c *resource.Ctx, buyer, coll string) (map[string]api.Doc, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: collectionEntriesPK(buyer, coll)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]api.Doc, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		out[api.Str(d, "ProductID")] = d
	}
	return out, nil
}

// withCollectionEntry adds an entry's collection fields to a product doc.
func withCollectionEntry(p, entry api.Doc) api.Doc {
	p["ListOrder"], p["DateAdded"] = entry["ListOrder"], entry["DateAdded"]
	return p
}

// putCollectionEntry adds a product to the caller's collection (or updates
// its list order). Only products the caller can currently see may be
// added; others are reported missing. keepOrder keeps an existing entry's
// ListOrder (the body-less PUT).
func (cat *Catalog) putCollectionEntry(c *resource.Ctx, productID string, listOrder any, keepOrder bool) error {
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return err
	}
	if _, err := cat.specMeProduct(c, productID); err != nil { // 404 unless the caller sees it
		return err
	}
	entries, err := collectionEntries(c, mc.buyer, mc.id())
	if err != nil {
		return err
	}
	entry, exists := entries[productID]
	if !exists {
		if len(entries) >= collectionEntryLimit {
			return api.E(http.StatusBadRequest, "ProductCollection.ProductEntryLimit", nil)
		}
		entry = api.Doc{"ProductID": productID, "DateAdded": api.Now()}
	}
	if !keepOrder || !exists {
		entry["ListOrder"] = listOrder
	}
	b, _ := json.Marshal(entry)
	pk := collectionEntriesPK(mc.buyer, mc.id())
	_, err = c.Deps.Store.Put(c, store.Item{PK: pk, SK: productID, Type: "ProductCollectionEntry", ID: productID, Doc: b}, store.Always)
	return err
}

func (cat *Catalog) meCreateCollectionEntry(c *resource.Ctx) (any, error) {
	return nil, cat.putCollectionEntry(c, c.Param("productID"), nil, true)
}

func (cat *Catalog) meSaveCollectionEntry(c *resource.Ctx) (any, error) {
	entry, err := c.Decode(productCollectionEntryModel, false)
	if err != nil {
		return nil, err
	}
	return nil, cat.putCollectionEntry(c, api.Str(entry, "ProductID"), entry["ListOrder"], false)
}

func (cat *Catalog) meDeleteCollectionEntry(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	k := store.Key{PK: collectionEntriesPK(mc.buyer, mc.id()), SK: c.Param("productID")}
	return nil, c.Deps.Store.Delete(c, k, store.Always)
}

// meListCollectionEntries lists the collection's products the caller can
// see now, priced for the caller; products whose visibility was revoked are
// left out until it is restored.
func (cat *Catalog) meListCollectionEntries(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionReader)
	if err != nil {
		return nil, err
	}
	entries, err := collectionEntries(c, mc.buyer, mc.id())
	if err != nil {
		return nil, err
	}
	only := make([]string, 0, len(entries))
	for id := range entries {
		only = append(only, id)
	}
	v, err := cat.visibility(c, mc.buyer, mc.user)
	if err != nil {
		return nil, err
	}
	docs, err := cat.buyerProducts(c, v, only)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		withCollectionEntry(d, entries[api.Str(d, "ID")])
	}
	page, err := c.Reg.Page(c, productCollectionBuyerProductModel, docs, nil)
	if err != nil {
		return nil, err
	}
	return withFacets(page), nil
}

// listCollectionEntriesAdmin lists every product of a buyer's collection,
// whoever can see it.
func (cat *Catalog) listCollectionEntriesAdmin(c *resource.Ctx) (any, error) {
	buyer := c.Param("buyerID")
	if _, err := c.Reg.Load(c, cat.buyers.Buyers, nil, buyer); err != nil {
		return nil, err
	}
	coll, err := c.Reg.Load(c, cat.ProductCollections, []string{buyer}, c.Param("productCollectionID"))
	if err != nil {
		return nil, err
	}
	entries, err := collectionEntries(c, buyer, api.Str(coll.Doc, "ID"))
	if err != nil {
		return nil, err
	}
	products := cat.Products
	keys := make([]store.Key, 0, len(entries))
	for id := range entries {
		keys = append(keys, store.Key{PK: products.PK(), SK: id})
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, it := range got {
		d, err := resource.DecodeItem(it)
		if err != nil {
			return nil, err
		}
		docs = append(docs, withCollectionEntry(d, entries[api.Str(d, "ID")]))
	}
	page, err := c.Reg.Page(c, productCollectionProductModel, docs, nil)
	if err != nil {
		return nil, err
	}
	return withFacets(page), nil
}

// --- invitations ------------------------------------------------------------

// checkCollectionInvitationExpiry defaults ExpirationDate to 30 days from now and
// refuses one in the past or more than a year ahead.
func checkCollectionInvitationExpiry(doc api.Doc, create bool) error {
	now := time.Now()
	s, set := doc["ExpirationDate"].(string)
	if !set || s == "" {
		if create {
			doc["ExpirationDate"] = api.FormatTime(now.Add(collectionInvitationLife))
		}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Before(now) || t.After(now.Add(collectionInvitationMaxLife)) {
		return api.E(http.StatusBadRequest, "GroupOrderInvitation.InvalidExpiration", nil)
	}
	return nil
}

func (cat *Catalog) decodeCollectionInvitation(c *resource.Ctx, partial bool) (api.Doc, error) {
	doc, err := c.Decode(cat.ProductCollectionInvitations.ContractModel(), partial)
	if err != nil {
		return nil, err
	}
	if err := checkCollectionInvitationExpiry(doc, !partial); err != nil {
		return nil, err
	}
	return doc, nil
}

func (mc *myCollection) invitationScope() []string { return []string{mc.buyer, mc.id()} }

func (cat *Catalog) meListCollectionInvitations(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	res := cat.ProductCollectionInvitations
	docs, err := c.Reg.All(c, res, mc.invitationScope())
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, res.ContractModel(), docs, nil)
}

func (cat *Catalog) meCreateCollectionInvitation(c *resource.Ctx) (any, error) {
	doc, err := cat.decodeCollectionInvitation(c, false)
	if err != nil {
		return nil, err
	}
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	doc["_by"] = mc.user
	return c.Reg.Insert(c, cat.ProductCollectionInvitations, mc.invitationScope(), doc)
}

func (cat *Catalog) meGetCollectionInvitation(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	res := cat.ProductCollectionInvitations
	e, err := c.Reg.Load(c, res, mc.invitationScope(), c.Param("invitationID"))
	if err != nil {
		return nil, err
	}
	return c.Reg.Out(c, res, e.Doc)
}

// mePatchCollectionInvitation updates an invitation; on an accepted one a
// change of Admin changes what its member may do.
func (cat *Catalog) mePatchCollectionInvitation(c *resource.Ctx) (any, error) {
	patch, err := cat.decodeCollectionInvitation(c, true)
	if err != nil {
		return nil, err
	}
	delete(patch, "ID")
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	res := cat.ProductCollectionInvitations
	e, err := c.Reg.Load(c, res, mc.invitationScope(), c.Param("invitationID"))
	if err != nil {
		return nil, err
	}
	doc := api.Merge(api.Clone(e.Doc), patch)
	out, err := c.Reg.Replace(c, res, mc.invitationScope(), e, doc)
	if err != nil {
		return nil, err
	}
	if user := api.Str(doc, "_user"); user != "" {
		m := collectionMember{ProductCollectionID: mc.id(), UserID: user, InvitationID: api.Str(doc, "ID"), Admin: doc["Admin"] == true}
		if _, err := c.Deps.Store.Put(c, collectionMemberItem(mc.buyer, m), store.Always); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// meDeleteCollectionInvitation withdraws an invitation; if it was accepted,
// its member loses access.
func (cat *Catalog) meDeleteCollectionInvitation(c *resource.Ctx) (any, error) {
	mc, err := cat.loadMyCollection(c, collectionEditor)
	if err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, cat.ProductCollectionInvitations, mc.invitationScope(), c.Param("invitationID"))
	if err != nil {
		return nil, err
	}
	return nil, removeCollectionInvitation(c, mc.buyer, mc.id(), e)
}

func removeCollectionInvitation(c *resource.Ctx, buyer, coll string, inv *resource.Entity) error {
	tx := &resource.Tx{}
	tx.Delete(store.Key{PK: inv.Item.PK, SK: inv.Item.SK})
	if user := api.Str(inv.Doc, "_user"); user != "" {
		tx.Delete(collectionMemberKey(buyer, coll, user))
	}
	return tx.Commit(c)
}

// invitedCollection loads the collection and invitation an invitee
// answers: any user of the collection's buyer other than its owner, for an
// invitation nobody else has accepted.
func (cat *Catalog) invitedCollection(c *resource.Ctx) (coll, inv *resource.Entity, err error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, nil, err
	}
	buyer, user := c.P.CompanyID, c.P.UserID
	coll, err = c.Reg.Load(c, cat.ProductCollections, []string{buyer}, c.Param("productCollectionID"))
	if err != nil {
		return nil, nil, err
	}
	if api.Str(coll.Doc, "_owner") == user {
		return nil, nil, api.E(http.StatusBadRequest, "ProductCollection.CannotAcceptOrDeclineOwnInvitation", nil)
	}
	id := c.Param("invitationID")
	inv, err = c.Reg.Load(c, cat.ProductCollectionInvitations, []string{buyer, api.Str(coll.Doc, "ID")}, id)
	if err != nil {
		return nil, nil, err
	}
	if by := api.Str(inv.Doc, "_user"); by != "" && by != user {
		return nil, nil, api.NotFound("ProductCollectionInvitation", id)
	}
	return coll, inv, nil
}

// meAcceptCollectionInvitation shares the collection with the caller.
func (cat *Catalog) meAcceptCollectionInvitation(c *resource.Ctx) (any, error) {
	coll, inv, err := cat.invitedCollection(c)
	if err != nil {
		return nil, err
	}
	buyer, user, collID := c.P.CompanyID, c.P.UserID, api.Str(coll.Doc, "ID")
	members, err := collectionMemberships(c, buyer, user)
	if err != nil {
		return nil, err
	}
	if _, member := members[collID]; member || inv.Doc["Accepted"] == true {
		return nil, errInvitationAccepted
	}
	if t := api.Time(inv.Doc["ExpirationDate"]); t != nil && time.Now().After(*t) {
		return nil, api.E(http.StatusBadRequest, "GroupOrderInvitation.InvitationExpired", nil)
	}
	doc := api.Clone(inv.Doc)
	doc["Accepted"], doc["_user"] = true, user
	res := cat.ProductCollectionInvitations
	m := collectionMember{ProductCollectionID: collID, UserID: user, InvitationID: api.Str(doc, "ID"), Admin: doc["Admin"] == true}
	// Accepted concurrently, by this user or another: the invitation's
	// version moved, or the membership exists.
	tx := &resource.Tx{}
	tx.PutOr(res.Item([]string{buyer, collID}, doc, inv.Item.Version), store.IfVersion, errInvitationAccepted)
	tx.PutOr(collectionMemberItem(buyer, m), store.IfAbsent, errInvitationAccepted)
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return nil, nil
}

// meDeclineCollectionInvitation removes the invitation; a user who had
// accepted it leaves the collection.
func (cat *Catalog) meDeclineCollectionInvitation(c *resource.Ctx) (any, error) {
	coll, inv, err := cat.invitedCollection(c)
	if err != nil {
		return nil, err
	}
	return nil, removeCollectionInvitation(c, c.P.CompanyID, api.Str(coll.Doc, "ID"), inv)
}

// deleteBuyerCollections queues what product collections keep under a
// buyer outside its collection partition: each collection's entries and
// invitations, and the buyer's memberships.
func (cat *Catalog) deleteBuyerCollections(c *resource.Ctx, tx *resource.Tx, buyer string) error {
	colls, err := c.Reg.All(c, cat.ProductCollections, []string{buyer})
	if err != nil {
		return err
	}
	qs := []store.Query{{PK: collectionMembersPK(buyer)}}
	for _, d := range colls {
		qs = append(qs, store.Query{PK: collectionEntriesPK(buyer, api.Str(d, "ID"))},
			store.Query{PK: cat.ProductCollectionInvitations.PK(buyer, api.Str(d, "ID"))})
	}
	return tx.DeleteFound(c, qs...)
}
