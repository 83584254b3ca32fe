package buyers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (b *Buyers) declareUsers(r *resource.Registry) {
	r.Handle("Users.Move", b.moveUser)
	r.Answers("Users.Move", http.StatusOK) // an update, not a create
	r.Handle("Users.ListAcrossBuyers", b.listUsersAcrossBuyers)
}

// presentUsers fills AvailableRoles of buyer users (after paging, so only
// the page's users cost a role lookup).
func (b *Buyers) presentUsers(c *resource.Ctx, docs []api.Doc) error {
	for i, d := range docs {
		out, err := b.access.PresentUser(c, b.Kind, d)
		if err != nil {
			return err
		}
		docs[i] = out
	}
	return nil
}

// listUsersAcrossBuyers lists the users of every buyer: one Query per
// buyer's user partition, never a table scan.
func (b *Buyers) listUsersAcrossBuyers(c *resource.Ctx) (any, error) {
	buyers, err := c.Reg.All(c, b.Buyers, nil)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, buyer := range buyers {
		us, err := c.Reg.All(c, b.Users, []string{api.Str(buyer, "ID")})
		if err != nil {
			return nil, err
		}
		docs = append(docs, us...)
	}
	return c.Reg.PagePresented(c, b.Users.ContractModel(), docs, func(page []api.Doc) error { return b.presentUsers(c, page) })
}

// UserMove is a buyer user moving to another buyer; Orders says which of
// its orders follow it (None, Unsubmitted or All).
type UserMove struct {
	From, To, UserID, Orders string
}

// A MoveHook adds to a user's move what another part of the API keeps of
// the user (its orders), or refuses the move.
type MoveHook func(c *resource.Ctx, m UserMove, tx *resource.Tx) error

// OnUserMove adds a hook to every user move.
func (b *Buyers) OnUserMove(h MoveHook) { b.onMove = append(b.onMove, h) }

// moveUser moves a user, with its ID and username, to another buyer in one
// transaction: the user under the new buyer, the old one and its
// assignments in the old buyer gone, the username pointing at the new
// place, and what the move hooks add. Its tokens (which name the old
// company) are revoked.
func (b *Buyers) moveUser(c *resource.Ctx) (any, error) {
	m := UserMove{From: c.Param("buyerID"), To: c.Param("newBuyerID"), UserID: c.Param("userID"), Orders: "None"}
	if q := c.Query("orders"); q != "" {
		options := contract.Enum("UserOrderMoveOption")
		i := slices.IndexFunc(options, func(s string) bool { return strings.EqualFold(s, q) })
		if i < 0 {
			return nil, api.Validation("orders", "orders must be one of "+strings.Join(options, ", ")+".")
		}
		m.Orders = options[i]
	}
	for _, id := range []string{m.From, m.To} {
		if _, err := c.Reg.Load(c, b.Buyers, nil, id); err != nil {
			return nil, err
		}
	}
	e, err := c.Reg.Load(c, b.Users, []string{m.From}, m.UserID)
	if err != nil {
		return nil, err
	}
	if m.From == m.To {
		return b.outUser(c, e.Doc)
	}
	if err := b.access.RefuseContextUser(c, api.Str(e.Doc, "Username")); err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	doc["CompanyID"] = m.To
	tx := &resource.Tx{}
	tx.PutOr(b.Users.Item([]string{m.To}, doc, 0), store.IfAbsent, api.IDExists("User", m.UserID))
	tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
	access.PointUsername(tx, api.Str(doc, "Username"), access.UserRef{Kind: b.Kind.Kind, Company: m.To, UserID: m.UserID})
	if err := c.Reg.CascadeAssignments(c, b.Users, []string{m.From}, m.UserID, tx); err != nil {
		return nil, err
	}
	for _, h := range b.onMove {
		if err := h(c, m, tx); err != nil {
			return nil, err
		}
	}
	// A concurrent write to the user or what the hooks move fails the
	// transaction, and the request starts over (resource.Retry).
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	if err := b.access.RevokeUser(c, access.UserRef{Kind: b.Kind.Kind, Company: m.From, UserID: m.UserID}); err != nil {
		return nil, err
	}
	return b.outUser(c, doc)
}

func (b *Buyers) outUser(c *resource.Ctx, d api.Doc) (any, error) {
	docs := []api.Doc{d}
	if err := b.presentUsers(c, docs); err != nil {
		return nil, err
	}
	return api.Ordered{Model: b.Users.ContractModel(), Doc: docs[0]}, nil
}
