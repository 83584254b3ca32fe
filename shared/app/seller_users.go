package app

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func declareSellerUsers(r *resource.Registry) {
	r.Handle("Users.Move", moveBuyerUser)
	r.Handle("Users.GetAccessToken", impersonationToken)
	r.Handle("Users.ListAcrossBuyers", listUsersAcrossBuyers)
	r.Handle("Buyers.ListBuyerSellers", listBuyerSellers)
	r.Handle("Me.ListUserGroups", meListUserGroups)
}

// presentBuyerUsers fills AvailableRoles of buyer users (after paging, so
// only the page's users cost a role lookup).
func presentBuyerUsers(c *resource.Ctx, docs []api.Doc) error {
	for i, d := range docs {
		roles, err := availableRoles(c, "BuyerUser", api.Str(d, "CompanyID"), api.Str(d, "ID"))
		if err != nil {
			return err
		}
		out := api.Clone(d)
		out["AvailableRoles"] = api.List(roles)
		docs[i] = out
	}
	return nil
}

// pageThenPresent filters, sorts and pages docs, then presents the page.
func pageThenPresent(c *resource.Ctx, m *contract.Model, docs []api.Doc, present func([]api.Doc) error) (any, error) {
	lq, aerr := api.ParseList(c.R.URL.Query(), resource.ListSpec(c.Op, m))
	if aerr != nil {
		return nil, aerr
	}
	docs, err := c.Reg.Confine(c, m, docs)
	if err != nil {
		return nil, err
	}
	page, meta := lq.Apply(docs)
	if present != nil {
		if err := present(page); err != nil {
			return nil, err
		}
	}
	return api.NewPage(m, page, meta), nil
}

// listUsersAcrossBuyers lists the users of every buyer: one Query per
// buyer's user partition, never a table scan.
func listUsersAcrossBuyers(c *resource.Ctx) (any, error) {
	buyers, err := c.Reg.All(c, c.Reg.Resource("Buyers"), nil)
	if err != nil {
		return nil, err
	}
	users := c.Reg.Resource("Users")
	var docs []api.Doc
	for _, b := range buyers {
		us, err := c.Reg.All(c, users, []string{api.Str(b, "ID")})
		if err != nil {
			return nil, err
		}
		docs = append(docs, us...)
	}
	return pageThenPresent(c, users.ContractModel(), docs, func(page []api.Doc) error { return presentBuyerUsers(c, page) })
}

// meListUserGroups lists the groups the caller belongs to.
func meListUserGroups(c *resource.Ctx) (any, error) {
	ref, _, _ := me(c)
	ids, err := userGroups(c, ref.Kind, ref.Company, ref.UserID)
	if err != nil {
		return nil, err
	}
	res, scope := c.Reg.Resource("AdminUserGroups"), []string(nil)
	if ref.Kind == "BuyerUser" {
		res, scope = c.Reg.Resource("UserGroups"), []string{ref.Company}
	}
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: res.PK(scope...), SK: id}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(got))
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return c.Reg.Page(c, res.ContractModel(), docs, nil)
}

// listBuyerSellers lists who the buyer buys from: the marketplace owner,
// and the active suppliers related to the buyer by a SupplierBuyer
// assignment.
func listBuyerSellers(c *resource.Ctx) (any, error) {
	buyerID := c.Param("buyerID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("Buyers"), nil, buyerID); err != nil {
		return nil, err
	}
	name := os.Getenv("OC_MARKETPLACE_NAME")
	if name == "" {
		name = MarketplaceID()
	}
	docs := []api.Doc{{"ID": MarketplaceID(), "Name": name}}
	suppliers, err := buyerSuppliers(c, buyerID)
	if err != nil {
		return nil, err
	}
	docs = append(docs, suppliers...)
	return c.Reg.Page(c, modelOf("BuyerSupplier"), docs, nil)
}

func buyerSuppliers(c *resource.Ctx, buyerID string) ([]api.Doc, error) {
	asgs, err := supplierBuyers(c, "")
	if err != nil {
		return nil, err
	}
	supRes := c.Reg.Resource("Suppliers")
	var keys []store.Key
	for _, g := range asgs {
		if api.Str(g, "BuyerID") == buyerID && api.Str(g, "SupplierID") != "" {
			keys = append(keys, store.Key{PK: supRes.PK(), SK: api.Str(g, "SupplierID")})
		}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	var out []api.Doc
	for _, it := range got {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		if d["Active"] == false {
			continue
		}
		out = append(out, api.Doc{"ID": d["ID"], "Name": d["Name"]})
	}
	return out, nil
}

// --- moving a user to another buyer ----------------------------------------

// moveBuyerUser moves a user, with its ID and username, to another buyer
// in one transaction: the user under the new buyer, the old one and its
// assignments in the old buyer gone, the username pointing at the new
// place. Its tokens (which name the old company) are revoked. orders says
// which of its orders follow it: None (default), Unsubmitted or All; a
// user with an order open or awaiting approval cannot move.
func moveBuyerUser(c *resource.Ctx) (any, error) {
	users := c.Reg.Resource("Users")
	from, to, userID := c.Param("buyerID"), c.Param("newBuyerID"), c.Param("userID")
	option := "None"
	if q := c.Query("orders"); q != "" {
		options := contract.Enum("UserOrderMoveOption")
		i := slices.IndexFunc(options, func(s string) bool { return strings.EqualFold(s, q) })
		if i < 0 {
			return nil, api.Validation("orders", "orders must be one of "+strings.Join(options, ", ")+".")
		}
		option = options[i]
	}
	if _, err := c.Reg.Load(c, c.Reg.Resource("Buyers"), nil, to); err != nil {
		return nil, err
	}
	// A concurrent write to the user or one of its orders fails the
	// transaction, and the request starts over (resource.Retry).
	doc, err := tryMoveBuyerUser(c, users, from, to, userID, option)
	if err != nil {
		return nil, err
	}
	c.Status = http.StatusOK // an update, not a create
	return outBuyerUser(c, doc)
}

func tryMoveBuyerUser(c *resource.Ctx, users *resource.Resource, from, to, userID, option string) (api.Doc, error) {
	e, _, err := loadPathUser(c, users)
	if err != nil {
		return nil, err
	}
	if from == to {
		return e.Doc, nil
	}
	if err := refuseContextUser(c, api.Str(e.Doc, "Username")); err != nil {
		return nil, err
	}
	orders, err := ordersToMove(c, from, to, userID, option)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	doc["CompanyID"] = to
	tx := &resource.Tx{}
	tx.PutOr(users.Item([]string{to}, doc, 0), store.IfAbsent, api.IDExists("User", userID))
	tx.Delete(store.Key{PK: e.Item.PK, SK: e.Item.SK})
	ref, _ := json.Marshal(usernameRef{Kind: "BuyerUser", Company: to, UserID: userID})
	uk := usernameKey(api.Str(doc, "Username"))
	tx.Put(store.Item{PK: uk.PK, SK: uk.SK, Type: "Username", ID: uk.SK, Doc: ref}, store.Always)
	if err := c.Reg.CascadeAssignments(c, users, []string{from}, userID, tx); err != nil {
		return nil, err
	}
	for _, o := range orders {
		tx.Put(orderItem(o.doc, o.version), store.IfVersion)
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, revokeTokens(c, userRevocationKey(usernameRef{Kind: "BuyerUser", Company: from, UserID: userID}))
}

func outBuyerUser(c *resource.Ctx, d api.Doc) (any, error) {
	docs := []api.Doc{d}
	if err := presentBuyerUsers(c, docs); err != nil {
		return nil, err
	}
	return api.Ordered{Model: c.Reg.Resource("Users").ContractModel(), Doc: docs[0]}, nil
}

// refuseContextUser refuses to move an API client's default context user.
func refuseContextUser(c *resource.Ctx, username string) error {
	clients, err := c.Reg.All(c, c.Reg.Resource("ApiClients"), nil)
	if err != nil {
		return err
	}
	for _, cl := range clients {
		if strings.EqualFold(api.Str(cl, "DefaultContextUserName"), username) {
			return api.E(http.StatusBadRequest, "User.CannotMoveDefaultContextUser", map[string]any{"ApiClientID": cl["ID"]})
		}
	}
	return nil
}

type movedOrder struct {
	doc     api.Doc
	version int64
}

// ordersToMove returns the user's orders in the old buyer that follow it,
// rewritten for the new buyer, or refuses when one is still in flight.
func ordersToMove(c *resource.Ctx, from, to, userID, option string) ([]movedOrder, error) {
	items, err := c.Deps.Store.Query(c, store.Query{Index: "GSI1", PK: "OrderFromUser#" + userID})
	if err != nil {
		return nil, err
	}
	var out []movedOrder
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		if api.Str(d, "FromCompanyID") != from {
			continue
		}
		status := api.Str(d, "Status")
		if status == "Open" || status == "AwaitingApproval" {
			return nil, api.E(http.StatusBadRequest, "User.CannotMoveeWithOpenOrder", map[string]any{"OrderID": d["ID"]})
		}
		if option == "None" || (option == "Unsubmitted" && status != "Unsubmitted") {
			continue
		}
		// The GSI projection may be partial: move the stored order itself.
		e, err := c.Reg.Load(c, ordersRes, nil, api.Str(d, "ID"))
		if err != nil {
			return nil, err
		}
		doc := api.Clone(e.Doc)
		doc["FromCompanyID"] = to
		if u, ok := doc["FromUser"].(map[string]any); ok {
			u["CompanyID"] = to
		}
		out = append(out, movedOrder{doc: doc, version: e.Item.Version})
	}
	return out, nil
}

// --- impersonation tokens --------------------------------------------------

// impersonationToken issues a token for a buyer user to a caller allowed
// to impersonate them by an impersonation config: one naming the client,
// a party containing the user (or any buyer) and a party containing the
// caller. The token carries the requested roles that the configs'
// security profiles grant (all of them when none are requested).
func impersonationToken(c *resource.Ctx) (any, error) {
	req, err := c.Decode(modelOf("ImpersonateTokenRequest"), false)
	if err != nil {
		return nil, err
	}
	e, target, err := loadPathUser(c, c.Reg.Resource("Users"))
	if err != nil {
		return nil, err
	}
	user := e.Doc
	client, err := c.Reg.Load(c, c.Reg.Resource("ApiClients"), nil, api.Str(req, "ClientID"))
	if err != nil {
		return nil, api.E(http.StatusNotFound, "Impersonation.ClientIDNotFound", map[string]any{"ClientID": req["ClientID"]})
	}
	if ok, err := clientAllows(c, client.Doc, target); err != nil {
		return nil, err
	} else if !ok {
		return nil, api.E(http.StatusBadRequest, "Impersonation.BuyerNotAssigned", nil)
	}
	if user["Active"] != true {
		return nil, api.E(http.StatusBadRequest, "Auth.UserNotActive", nil)
	}
	rs, err := impersonationRoles(c, api.Str(req, "ClientID"), target)
	if err != nil {
		return nil, err
	}
	if len(rs.Roles) == 0 && len(rs.CustomRoles) == 0 {
		return nil, api.E(http.StatusBadRequest, "Impersonation.ConfigError", nil)
	}
	requested := append(api.Strings(req["Roles"]), api.Strings(req["CustomRoles"])...)
	if len(requested) == 0 {
		requested = append(slices.Clone(rs.Roles), rs.CustomRoles...)
	}
	resp, err := accessToken(c, client.Doc, target, api.Str(user, "Username"), tokenRoles(requested, rs))
	if err != nil {
		return nil, err
	}
	c.Status = http.StatusOK // nothing is created
	return resp, nil
}

// impersonationRoles unions the roles of the security profiles of the
// impersonation configs that let the caller impersonate target with clientID.
func impersonationRoles(c *resource.Ctx, clientID string, target usernameRef) (roleSet, error) {
	switch {
	case c.P.UserType == auth.Supplier:
		// Impersonators are marketplace admins or buyer users.
		return roleSet{}, nil
	case c.P.UserType == auth.Buyer && c.P.CompanyID != target.Company:
		// Buyer users impersonate only within their own company.
		return roleSet{}, nil
	}
	configs, err := c.Reg.All(c, c.Reg.Resource("ImpersonationConfigs"), nil)
	if err != nil {
		return roleSet{}, err
	}
	caller, _, _ := me(c)
	callerGroups, err := userGroups(c, caller.Kind, caller.Company, caller.UserID)
	if err != nil {
		return roleSet{}, err
	}
	targetGroups, err := userGroups(c, target.Kind, target.Company, target.UserID)
	if err != nil {
		return roleSet{}, err
	}
	profiles := c.Reg.Resource("SecurityProfiles")
	var keys []store.Key
	for _, d := range configs {
		impersonatee := api.Str(d, "ClientID") == clientID &&
			(api.Str(d, "BuyerID") == "" || api.Str(d, "BuyerID") == target.Company) &&
			(api.Str(d, "GroupID") == "" || slices.Contains(targetGroups, api.Str(d, "GroupID"))) &&
			(api.Str(d, "UserID") == "" || api.Str(d, "UserID") == target.UserID)
		impersonator := api.Str(d, "ImpersonationBuyerID") == caller.Company &&
			(api.Str(d, "ImpersonationGroupID") == "" || slices.Contains(callerGroups, api.Str(d, "ImpersonationGroupID"))) &&
			(api.Str(d, "ImpersonationUserID") == "" || api.Str(d, "ImpersonationUserID") == caller.UserID)
		if impersonatee && impersonator {
			keys = append(keys, store.Key{PK: profiles.PK(), SK: api.Str(d, "SecurityProfileID")})
		}
	}
	rs, err := profileRoles(c, keys)
	return rs.ofType(userType(target.Kind)), err
}
