package buyers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// privateOwnerField holds, on an address or credit card a buyer user
// created through Me, the user it belongs to. Internal: never served.
const privateOwnerField = "_owner"

// meView is what a buyer user sees of one kind of buyer entity through Me:
// the entities assigned to their company, one of their groups or them,
// plus (addresses, credit cards) the ones they created for themselves,
// which only they see and only they may change.
type meView struct {
	b          *Buyers
	shared     *resource.Resource   // the buyer's ("Addresses")
	private    *resource.Resource   // the users' own ones ("MeAddresses"); nil if none
	assignment *resource.Assignment // what gives the shared ones to parties
	idField    string               // the assignment field naming the entity ("AddressID")
	view       *contract.Model      // the model served through Me ("BuyerAddress")
	objectType string               // in 404s
	idParam    string               // the Me path parameter ("addressID")
	publicCode string               // the refusal to change a shared one through Me
	flags      bool                 // merge the assignments' IsShipping/IsBilling
}

func (b *Buyers) declareMe(r *resource.Registry) {
	// A user's own addresses and cards live under their buyer (Scope says
	// so, for deleting the buyer; ScopeFunc reads it from the caller),
	// marked with their owner; the engine creates them, the view serves
	// the rest.
	b.MeAddresses = r.Add(&resource.Resource{Name: "MeAddresses", Model: "BuyerAddress", Kind: "PrivateAddress", ObjectType: "Address",
		IDParam: "addressID", Ops: []string{"Create"}, OpIDs: map[string]string{"Create": "Me.CreateAddress"},
		Scope: []string{"buyerID"}, ScopeFunc: meScope, Prepare: preparePrivate(true)})
	b.MeCreditCards = r.Add(&resource.Resource{Name: "MeCreditCards", Model: "BuyerCreditCard", Kind: "PrivateCreditCard",
		ObjectType: "CreditCard", IDParam: "creditcardID", Ops: []string{"Create"}, OpIDs: map[string]string{"Create": "Me.CreateCreditCard"},
		Scope: []string{"buyerID"}, ScopeFunc: meScope, Prepare: preparePrivate(false)})

	addresses := &meView{b: b, shared: b.Addresses, private: b.MeAddresses, assignment: b.AddressAssignments, idField: "AddressID",
		view: contract.MustModel("BuyerAddress"), objectType: "Address", idParam: "addressID", publicCode: "Address.CannotEditPublic",
		flags: true}
	cards := &meView{b: b, shared: b.CreditCards, private: b.MeCreditCards, assignment: b.CreditCardAssignments,
		idField: "CreditCardID", view: contract.MustModel("BuyerCreditCard"), objectType: "CreditCard", idParam: "creditcardID",
		publicCode: "CreditCard.CannotEditPublic"}
	costCenters := &meView{b: b, shared: b.CostCenters, assignment: b.CostCenterAssignments, idField: "CostCenterID",
		view: contract.MustModel("CostCenter"), objectType: "CostCenter"}
	spending := &meView{b: b, shared: b.SpendingAccounts, assignment: b.SpendingAccountAssignments, idField: "SpendingAccountID",
		view: contract.MustModel("SpendingAccount"), objectType: "SpendingAccount", idParam: "spendingAccountID"}
	b.myAddresses = addresses
	for _, m := range []struct {
		noun, plural string
		v            *meView
	}{{"Address", "Addresses", addresses}, {"CreditCard", "CreditCards", cards}} {
		r.Handle("Me.List"+m.plural, m.v.list)
		r.Handle("Me.Get"+m.noun, m.v.get)
		r.Handle("Me.Save"+m.noun, m.v.save)
		r.Handle("Me.Patch"+m.noun, m.v.patch)
		r.Handle("Me.Delete"+m.noun, m.v.delete)
	}
	r.Handle("Me.ListCostCenters", costCenters.list)
	r.Handle("Me.ListSpendingAccounts", spending.list)
	r.Handle("Me.GetSpendingAccount", spending.get)
}

// meScope stores a user's own entities under their buyer.
func meScope(c *resource.Ctx) []string { return []string{c.P.CompanyID} }

// preparePrivate marks an entity a buyer user creates or changes through
// Me as theirs and editable. An address must be usable for shipping or
// billing, or it could never go on an order.
func preparePrivate(address bool) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if err := access.RequireBuyer(c); err != nil {
			return err
		}
		doc[privateOwnerField] = c.P.UserID
		doc["Editable"] = true
		if address && doc["Shipping"] != true && doc["Billing"] != true {
			return api.E(http.StatusBadRequest, "BuyerAddress.MustBeBillingOrShipping", nil)
		}
		return nil
	}
}

// Party is a buyer user as assignments see them: its company, its groups
// and itself.
func (b *Buyers) Party(c *resource.Ctx, buyerID, userID string) (commerce.Party, error) {
	groups, err := b.access.UserGroups(c, access.UserRef{Kind: b.Kind.Kind, Company: buyerID, UserID: userID})
	return commerce.Party{BuyerID: buyerID, UserID: userID, Groups: groups}, err
}

// MyParty is the calling buyer user as assignments see them.
func (b *Buyers) MyParty(c *resource.Ctx) (commerce.Party, error) {
	if err := access.RequireBuyer(c); err != nil {
		return commerce.Party{}, err
	}
	return b.Party(c, c.P.CompanyID, c.P.UserID)
}

// MyAddresses are the addresses the calling buyer user may use, with
// whether each is for shipping and for billing.
func (b *Buyers) MyAddresses(c *resource.Ctx) ([]api.Doc, error) { return b.myAddresses.all(c) }

// all returns every entity the caller sees, as docs of the view model,
// ordered by ID.
func (v *meView) all(c *resource.Ctx) ([]api.Doc, error) {
	party, err := v.b.MyParty(c)
	if err != nil {
		return nil, err
	}
	asgs, err := c.Reg.AllAssignments(c, v.assignment, party.BuyerID)
	if err != nil {
		return nil, err
	}
	uses := map[string]commerce.AddressUse{}
	var keys []store.Key
	for _, a := range asgs {
		if !party.ReachedBy(api.Str(a, "UserGroupID"), api.Str(a, "UserID")) {
			continue
		}
		id := api.Str(a, v.idField)
		use, seen := uses[id]
		if !seen {
			keys = append(keys, store.Key{PK: v.shared.PK(party.BuyerID), SK: id})
		}
		uses[id] = use.Add(a["IsShipping"] == true, a["IsBilling"] == true)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, k := range keys {
		it, ok := got[k]
		if !ok {
			continue
		}
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		if v.flags {
			d["Shipping"], d["Billing"] = uses[k.SK].Shipping, uses[k.SK].Billing
		}
		d["Editable"] = false
		docs = append(docs, api.Complete(v.view, d))
	}
	if v.private != nil {
		own, err := c.Reg.All(c, v.private, []string{party.BuyerID})
		if err != nil {
			return nil, err
		}
		for _, d := range own {
			if api.Str(d, privateOwnerField) == party.UserID {
				docs = append(docs, d)
			}
		}
	}
	slices.SortFunc(docs, func(a, b api.Doc) int { return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID")) })
	return docs, nil
}

func (v *meView) list(c *resource.Ctx) (any, error) {
	docs, err := v.all(c)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, v.view, docs, nil)
}

func (v *meView) get(c *resource.Ctx) (any, error) {
	docs, err := v.all(c)
	if err != nil {
		return nil, err
	}
	id := c.Param(v.idParam)
	for _, d := range docs {
		if api.Str(d, "ID") == id {
			return api.Ordered{Model: v.view, Doc: d}, nil
		}
	}
	return nil, api.NotFound(v.objectType, id)
}

// own loads one of the caller's own entities for a change. One they see
// through an assignment is refused as public; any other is not found.
func (v *meView) own(c *resource.Ctx) (*resource.Resource, []string, *resource.Entity, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, nil, nil, err
	}
	res, scope, id := v.private, meScope(c), c.Param(v.idParam)
	e, err := c.Reg.Load(c, res, scope, id)
	if err == nil && api.Str(e.Doc, privateOwnerField) == c.P.UserID {
		return res, scope, e, nil
	}
	var ae *api.Error
	if err != nil && !(errors.As(err, &ae) && ae.Status == http.StatusNotFound) {
		return nil, nil, nil, err
	}
	docs, err := v.all(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if slices.ContainsFunc(docs, func(d api.Doc) bool { return api.Str(d, "ID") == id }) {
		return nil, nil, nil, api.E(http.StatusForbidden, v.publicCode, nil)
	}
	return nil, nil, nil, api.NotFound(v.objectType, id)
}

// write replaces one of the caller's own entities with body (merged into
// it when partial).
func (v *meView) write(c *resource.Ctx, partial bool) (any, error) {
	doc, err := c.Decode(v.view, partial)
	if err != nil {
		return nil, err
	}
	delete(doc, "ID")
	res, scope, e, err := v.own(c)
	if err != nil {
		return nil, err
	}
	if partial {
		doc = api.Merge(api.Clone(e.Doc), doc)
	}
	doc["ID"] = e.Doc["ID"]
	return c.Reg.Replace(c, res, scope, e, doc)
}

func (v *meView) save(c *resource.Ctx) (any, error) { return v.write(c, false) }

// patch answers no body, as the contract's Me patches of addresses and
// credit cards do.
func (v *meView) patch(c *resource.Ctx) (any, error) {
	_, err := v.write(c, true)
	return nil, err
}

func (v *meView) delete(c *resource.Ctx) (any, error) {
	res, scope, e, err := v.own(c)
	if err != nil {
		return nil, err
	}
	return nil, c.Reg.Remove(c, res, scope, e)
}
