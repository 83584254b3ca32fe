package suppliers

import (
	"errors"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// sellsTo lets a supplier user see the buyers it has a
// relationship with (the Reach of buyers).
func (s *Suppliers) sellsTo(c *resource.Ctx, buyer api.Doc) (bool, error) {
	if c.P.UserType != auth.Supplier {
		return false, nil
	}
	return assignmentExists(c, s.SupplierBuyers, api.Doc{"SupplierID": c.P.CompanyID, "BuyerID": buyer["ID"]})
}

// assignmentExists looks one assignment up by its key fields.
func assignmentExists(c *resource.Ctx, a *resource.Assignment, key api.Doc) (bool, error) {
	_, err := c.Deps.Store.Get(c, store.Key{PK: a.PK(), SK: a.SK(key)})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// deleteSupplier removes what lives under the supplier: its users (and
// their usernames), user groups, addresses and group assignments.
// Assignments elsewhere that name it (API clients, security profiles,
// buyers, products) go with the engine's cascade through their refs.
func (s *Suppliers) deleteSupplier(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return c.Reg.DeleteScopedUnder(c, tx, "supplierID", api.Str(doc, "ID"), func(it store.Item) {
		if it.Type == s.Users.Kind {
			d, _ := api.DecodeDoc(it.Doc)
			access.ForgetUsername(tx, api.Str(d, "Username"))
		}
	})
}

func (s *Suppliers) loadSupplier(c *resource.Ctx, id string) (*resource.Entity, error) {
	return c.Reg.Load(c, s.Suppliers, nil, id)
}

// supplierBuyers lists the SupplierBuyer relationships, all of them or
// those of one supplier.
func (s *Suppliers) supplierBuyers(c *resource.Ctx, supplierID string) ([]api.Doc, error) {
	if supplierID == "" {
		return c.Reg.AllAssignments(c, s.SupplierBuyers)
	}
	return c.Reg.AssignmentsWith(c, s.SupplierBuyers, "SupplierID", supplierID)
}

// listSupplierBuyers lists the buyers a supplier may sell to, as
// SupplierBuyer (the buyer's ID and name). A supplier user sees only its
// own supplier's (the engine answers 404 for another in the path).
func (s *Suppliers) listSupplierBuyers(c *resource.Ctx) (any, error) {
	id := c.Param("supplierID")
	if _, err := s.loadSupplier(c, id); err != nil {
		return nil, err
	}
	rels, err := s.supplierBuyers(c, id)
	if err != nil {
		return nil, err
	}
	buyers := s.buyers.Buyers
	keys := make([]store.Key, 0, len(rels))
	for _, d := range rels {
		keys = append(keys, store.Key{PK: buyers.PK(), SK: api.Str(d, "BuyerID")})
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, it := range got {
		b, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, api.Doc{"ID": b["ID"], "Name": b["Name"]})
	}
	return c.Reg.Page(c, supplierBuyerModel, docs, nil)
}

func (s *Suppliers) saveSupplierBuyer(c *resource.Ctx) (any, error) {
	sup, buyer := c.Param("supplierID"), c.Param("buyerID")
	if _, err := s.loadSupplier(c, sup); err != nil {
		return nil, err
	}
	if _, err := c.Reg.Load(c, s.buyers.Buyers, nil, buyer); err != nil {
		return nil, err
	}
	a := s.SupplierBuyers
	_, err := c.Deps.Store.Put(c, a.Item(api.Doc{"SupplierID": sup, "BuyerID": buyer}), store.Always)
	return nil, err
}

func (s *Suppliers) deleteSupplierBuyer(c *resource.Ctx) (any, error) {
	a := s.SupplierBuyers
	k := store.Key{PK: a.PK(), SK: a.SK(api.Doc{"SupplierID": c.Param("supplierID"), "BuyerID": c.Param("buyerID")})}
	return nil, c.Deps.Store.Delete(c, k, store.Always)
}

// MayOrderFrom says whether a buyer can order from a supplier: an
// active supplier that lets every buyer order, or one with an explicit
// relationship to the buyer.
func (s *Suppliers) MayOrderFrom(c *resource.Ctx, supplier api.Doc, buyerID string) (bool, error) {
	if supplier["Active"] != true {
		return false, nil
	}
	if supplier["AllBuyersCanOrder"] == true {
		return true, nil
	}
	return assignmentExists(c, s.SupplierBuyers, api.Doc{"SupplierID": supplier["ID"], "BuyerID": buyerID})
}

// listSupplierUsers is the engine's list plus the userGroupID parameter:
// only members of that group.
func (s *Suppliers) listSupplierUsers(c *resource.Ctx) (any, error) {
	sup := c.Param("supplierID")
	if _, err := s.loadSupplier(c, sup); err != nil {
		return nil, err
	}
	res := s.Users
	docs, err := c.Reg.All(c, res, []string{sup})
	if err != nil {
		return nil, err
	}
	if group := c.Query("userGroupID"); group != "" {
		asg, err := c.Reg.AllAssignments(c, s.Members, sup)
		if err != nil {
			return nil, err
		}
		members := map[string]bool{}
		for _, a := range asg {
			if api.Str(a, "UserGroupID") == group {
				members[api.Str(a, "UserID")] = true
			}
		}
		docs = slices.DeleteFunc(docs, func(d api.Doc) bool { return !members[api.Str(d, "ID")] })
	}
	return c.Reg.Page(c, res.ContractModel(), docs, func(d api.Doc) (api.Doc, error) { return res.Present(c, d) })
}

// listBuyerSellers lists who the buyer buys from (sellersOf).
func (s *Suppliers) listBuyerSellers(c *resource.Ctx) (any, error) {
	buyerID := c.Param("buyerID")
	if _, err := c.Reg.Load(c, s.buyers.Buyers, nil, buyerID); err != nil {
		return nil, err
	}
	docs, err := s.sellersOf(c, buyerID)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, buyerSupplierModel, docs, nil)
}
