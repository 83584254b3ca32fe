package app

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func setOwner(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if api.Str(doc, "OwnerID") == "" {
		doc["OwnerID"] = MarketplaceID()
	}
	return nil
}

func prepareAPIClient(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if n, ok := doc["AccessTokenDuration"].(json.Number); ok {
		if v, _ := n.Int64(); v < 10 || v > 600 {
			return api.Validation("AccessTokenDuration", "AccessTokenDuration must be between 10 and 600 minutes.")
		}
	}
	if doc["IsAnonBuyer"] == true && api.Str(doc, "DefaultContextUserName") == "" {
		return api.E(http.StatusBadRequest, "ApiClient.RequiredNotAnonBuyer", nil)
	}
	return nil
}

// --- users -----------------------------------------------------------------

// usernameKey is the item that reserves a username across the marketplace
// (admin, buyer and supplier users alike) and finds its user at login.
func usernameKey(username string) store.Key {
	return store.Key{PK: "Username", SK: strings.ToLower(username)}
}

// usernameRef is what the username item points at.
type usernameRef struct {
	Kind    string // AdminUser, BuyerUser, SupplierUser
	Company string // buyer or supplier ID; "" for admins
	UserID  string
}

type companyOf func(c *resource.Ctx) (kind, company string)

func adminCompany(c *resource.Ctx) (string, string) { return "AdminUser", "" }
func buyerCompany(c *resource.Ctx) (string, string) { return "BuyerUser", c.Param("buyerID") }

func prepareUser(company companyOf) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		kind, comp := company(c)
		if pw := api.Str(doc, "Password"); pw != "" {
			if p := auth.PasswordProblem(pw); p != "" {
				return api.Validation("Password", p)
			}
			doc["_pw"] = auth.HashPassword(pw)
			doc["PasswordLastSetDate"] = api.Now()
		}
		delete(doc, "Password")
		if comp != "" {
			doc["CompanyID"] = comp
		} else {
			doc["CompanyID"] = MarketplaceID()
		}
		newName, oldName := api.Str(doc, "Username"), ""
		if old != nil {
			oldName = api.Str(old, "Username")
		}
		if !strings.EqualFold(newName, oldName) {
			ref, _ := json.Marshal(usernameRef{Kind: kind, Company: comp, UserID: api.Str(doc, "ID")})
			k := usernameKey(newName)
			tx.PutOr(store.Item{PK: k.PK, SK: k.SK, Type: "Username", ID: k.SK, Doc: ref}, store.IfAbsent,
				api.E(http.StatusConflict, "User.UsernameMustBeUnique", map[string]any{"Username": newName}))
			if oldName != "" {
				tx.Delete(usernameKey(oldName))
			}
		}
		return nil
	}
}

// deleteUsername frees a deleted user's username, unless the user is an
// API client's default context user (anonymous shopping and client
// credentials act as that user).
func deleteUsername(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	clients, err := c.Reg.All(c, c.Reg.Resource("ApiClients"), nil)
	if err != nil {
		return err
	}
	for _, cl := range clients {
		if name := api.Str(cl, "DefaultContextUserName"); name != "" && strings.EqualFold(name, api.Str(doc, "Username")) {
			return api.E(http.StatusBadRequest, "User.CannotDeleteDefaultContextUser", map[string]any{"ApiClientID": cl["ID"]})
		}
	}
	tx.Delete(usernameKey(api.Str(doc, "Username")))
	return nil
}

func presentUser(company companyOf) func(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	return func(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
		kind, comp := company(c)
		roles, err := availableRoles(c, kind, comp, api.Str(doc, "ID"))
		if err != nil {
			return nil, err
		}
		out := api.Clone(doc)
		out["AvailableRoles"] = api.List(roles)
		return out, nil
	}
}

// --- buyers and catalogs ---------------------------------------------------

// prepareBuyer gives a new buyer its default catalog (ID and name matching
// the buyer's, as OrderCloud does) and the catalog assignment that makes it
// visible, in the same transaction as the buyer.
func prepareBuyer(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	catalogs := c.Reg.Resource("Catalogs")
	catID := api.Str(doc, "DefaultCatalogID")
	if old != nil && catID == api.Str(old, "DefaultCatalogID") {
		return nil
	}
	if catID == "" {
		catID = api.Str(doc, "ID")
		if _, err := c.Reg.Load(c, catalogs, nil, catID); err == nil {
			return api.E(http.StatusBadRequest, "Buyer.DefaultCatalogAlreadyExists", nil)
		}
		cat := api.Complete(catalogs.ContractModel(), api.Doc{"ID": catID, "OwnerID": MarketplaceID(), "Name": doc["Name"],
			"Description": "Default catalog for " + api.Str(doc, "Name"), "Active": true})
		tx.Put(catalogs.Item(nil, cat, 0), store.IfAbsent)
		doc["DefaultCatalogID"] = catID
	} else if _, err := c.Reg.Load(c, catalogs, nil, catID); err != nil {
		return err
	}
	asg := api.Doc{"CatalogID": catID, "BuyerID": api.Str(doc, "ID"), "ViewAllCategories": true, "ViewAllProducts": true}
	tx.Put(c.Reg.Assignments("CatalogAssignment").Item(asg), store.Always)
	return nil
}

// deleteBuyer removes what lives under the buyer: every collection scoped
// by buyerID alone (users and their usernames, user groups, addresses, cost
// centers, …) and every assignment collection scoped by it. Assignments
// elsewhere that name the buyer go with the engine's cascade.
func deleteBuyer(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	if err := deleteBuyerCollections(c, tx, api.Str(doc, "ID")); err != nil {
		return err
	}
	return deleteScopedUnder(c, tx, "buyerID", api.Str(doc, "ID"))
}

// deleteScopedUnder queues the deletion of every item in partitions scoped
// by one path parameter (buyerID, supplierID) with the given value.
func deleteScopedUnder(c *resource.Ctx, tx *resource.Tx, param, id string) error {
	var pks []string
	for _, res := range c.Reg.Resources() {
		if len(res.Scope) == 1 && res.Scope[0] == param {
			pks = append(pks, res.PK(id))
		}
	}
	for _, a := range c.Reg.AssignmentDecls() {
		if len(a.Scope) == 1 && a.Scope[0] == param {
			pks = append(pks, a.PK(id))
		}
	}
	slices.Sort(pks)
	pks = slices.Compact(pks)
	for _, pk := range pks {
		items, err := c.Deps.Store.Query(c, store.Query{PK: pk})
		if err != nil {
			return err
		}
		for _, it := range items {
			tx.Delete(store.Key{PK: it.PK, SK: it.SK})
			if it.Type == "BuyerUser" || it.Type == "SupplierUser" {
				d, _ := api.DecodeDoc(it.Doc)
				tx.Delete(usernameKey(api.Str(d, "Username")))
			}
		}
	}
	return nil
}

func deleteCatalog(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	buyers, err := c.Reg.All(c, c.Reg.Resource("Buyers"), nil)
	if err != nil {
		return err
	}
	for _, b := range buyers {
		if api.Str(b, "DefaultCatalogID") == api.Str(doc, "ID") {
			return api.E(http.StatusBadRequest, "Catalog.CannotDelete", map[string]any{"BuyerID": b["ID"]})
		}
	}
	return nil
}

func prepareCategory(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	parent := api.Str(doc, "ParentID")
	if parent == "" {
		return nil
	}
	cats := c.Reg.Resource("Categories")
	catalog := c.Param("catalogID")
	for id, depth := parent, 0; id != ""; depth++ {
		if id == api.Str(doc, "ID") || depth > 50 {
			return api.E(http.StatusBadRequest, "Category.CircularReference", nil)
		}
		p, err := c.Reg.Load(c, cats, []string{catalog}, id)
		if err != nil {
			return err
		}
		id = api.Str(p.Doc, "ParentID")
	}
	return nil
}

func prepareCategoryProduct(c *resource.Ctx, doc api.Doc) error {
	// Assigning a product to a category puts it in the category's catalog.
	asg := api.Doc{"CatalogID": c.Param("catalogID"), "ProductID": doc["ProductID"]}
	_, err := c.Deps.Store.Put(c, c.Reg.Assignments("ProductCatalogAssignment").Item(asg), store.Always)
	return err
}

// --- products and prices ---------------------------------------------------

func prepareProduct(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if err := setOwner(c, old, doc, tx); err != nil {
		return err
	}
	if inv, ok := doc["Inventory"].(map[string]any); ok {
		inv["LastUpdated"] = api.Now()
	}
	return nil
}

func prepareProductAssignment(c *resource.Ctx, doc api.Doc) error {
	if api.Str(doc, "PriceScheduleID") == "" && api.Str(doc, "BuyerID") == "" {
		return api.E(http.StatusBadRequest, "Product.RequiresPriceScheduleOrBuyer", nil)
	}
	if b := api.Str(doc, "BuyerID"); b != "" {
		if err := productInBuyerCatalog(c, api.Str(doc, "ProductID"), b); err != nil {
			return err
		}
	}
	if ps := api.Str(doc, "PriceScheduleID"); ps != "" {
		e, err := c.Reg.Load(c, c.Reg.Resource("PriceSchedules"), nil, ps)
		if err != nil {
			return err
		}
		if arr, _ := e.Doc["PriceBreaks"].([]any); len(arr) == 0 {
			return api.E(http.StatusBadRequest, "PriceSchedule.NoPriceBreaks", nil)
		}
	}
	return nil
}

// productInBuyerCatalog requires a product to sit in a catalog assigned to
// the buyer before it can be assigned to the buyer's parties.
func productInBuyerCatalog(c *resource.Ctx, productID, buyerID string) error {
	cas, err := c.Reg.AllAssignments(c, c.Reg.Assignments("CatalogAssignment"))
	if err != nil {
		return err
	}
	pcas, err := c.Reg.AllAssignments(c, c.Reg.Assignments("ProductCatalogAssignment"))
	if err != nil {
		return err
	}
	for _, ca := range cas {
		if api.Str(ca, "BuyerID") != buyerID {
			continue
		}
		for _, pa := range pcas {
			if api.Str(pa, "ProductID") == productID && api.Str(pa, "CatalogID") == api.Str(ca, "CatalogID") {
				return nil
			}
		}
	}
	return api.E(http.StatusBadRequest, "Product.CannotAssignNotInBuyerCatalog", map[string]any{"ProductID": productID, "BuyerID": buyerID})
}

func preparePriceSchedule(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if err := setOwner(c, old, doc, tx); err != nil {
		return err
	}
	if old != nil {
		if err := priceScheduleInUse(c, old, doc); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	breaks, _ := doc["PriceBreaks"].([]any)
	for _, b := range breaks {
		m, _ := b.(map[string]any)
		q, _ := m["Quantity"].(json.Number)
		if n, _ := q.Int64(); n < 1 {
			return api.E(http.StatusBadRequest, "PriceSchedule.MinQtyMustBePositive", nil)
		}
		if seen[q.String()] {
			return api.E(http.StatusBadRequest, "PriceSchedule.DuplicatePriceBreaks", nil)
		}
		seen[q.String()] = true
	}
	minQ, _ := doc["MinQuantity"].(json.Number)
	maxQ, _ := doc["MaxQuantity"].(json.Number)
	if minQ != "" && maxQ != "" {
		a, _ := minQ.Int64()
		b, _ := maxQ.Int64()
		if b < a {
			return api.E(http.StatusBadRequest, "PriceSchedule.MinGreaterThanMax", nil)
		}
	}
	if s, e := api.Str(doc, "SaleStart"), api.Str(doc, "SaleEnd"); s != "" && e != "" {
		ts, _ := time.Parse(time.RFC3339Nano, s)
		te, _ := time.Parse(time.RFC3339Nano, e)
		if !ts.Before(te) {
			return api.E(http.StatusBadRequest, "PriceSchedule.InvalidSaleStartOrSaleEnd", nil)
		}
	}
	return nil
}

// priceScheduleInUse refuses changes that would break the products a
// schedule prices through product assignments: a new currency, or no price
// breaks left.
func priceScheduleInUse(c *resource.Ctx, old, doc api.Doc) error {
	oldBreaks, _ := old["PriceBreaks"].([]any)
	newBreaks, _ := doc["PriceBreaks"].([]any)
	currencyChanged := api.Str(old, "Currency") != "" && api.Str(doc, "Currency") != "" && api.Str(doc, "Currency") != api.Str(old, "Currency")
	cleared := len(oldBreaks) > 0 && len(newBreaks) == 0
	if !currencyChanged && !cleared {
		return nil
	}
	asg, err := c.Reg.AllAssignments(c, c.Reg.Assignments("ProductAssignment"))
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(asg, func(a api.Doc) bool { return api.Str(a, "PriceScheduleID") == api.Str(doc, "ID") }) {
		return nil
	}
	switch {
	case currencyChanged:
		return api.E(http.StatusBadRequest, "PriceSchedule.CannotModifyCurrency", nil)
	case c.Op.Operation == "DeletePriceBreak":
		return api.E(http.StatusBadRequest, "PriceSchedule.CannotDeleteLastPriceBreak", nil)
	}
	return api.E(http.StatusBadRequest, "PriceSchedule.CannotClearPriceBreaks", nil)
}

func presentPriceSchedule(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	out := api.Clone(doc)
	out["IsOnSale"] = scheduleOf(doc).OnSale(time.Now())
	return out, nil
}

func savePriceBreak(c *resource.Ctx) (any, error) {
	pb, err := c.Decode(modelOf("PriceBreak"), false)
	if err != nil {
		return nil, err
	}
	return editPriceBreaks(c, func(breaks []any) []any {
		out := []any{}
		for _, b := range breaks {
			if m, _ := b.(map[string]any); m["Quantity"].(json.Number).String() != pb["Quantity"].(json.Number).String() {
				out = append(out, b)
			}
		}
		return append(out, api.Complete(modelOf("PriceBreak"), pb))
	})
}

func deletePriceBreak(c *resource.Ctx) (any, error) {
	q := c.Query("quantity")
	_, err := editPriceBreaks(c, func(breaks []any) []any {
		out := []any{}
		for _, b := range breaks {
			if m, _ := b.(map[string]any); m["Quantity"].(json.Number).String() != q {
				out = append(out, b)
			}
		}
		return out
	})
	return nil, err
}

func editPriceBreaks(c *resource.Ctx, edit func([]any) []any) (any, error) {
	res := c.Reg.Resource("PriceSchedules")
	e, err := c.Reg.Load(c, res, nil, c.Param("priceScheduleID"))
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	breaks, _ := doc["PriceBreaks"].([]any)
	doc["PriceBreaks"] = edit(breaks)
	return c.Reg.Replace(c, res, nil, e, doc)
}

// prepareSecurityProfileAssignment checks parties that have no company:
// a user or group without BuyerID/SupplierID is an admin user or group.
func prepareSecurityProfileAssignment(c *resource.Ctx, doc api.Doc) error {
	if api.Str(doc, "BuyerID") != "" || api.Str(doc, "SupplierID") != "" {
		return nil
	}
	if id := api.Str(doc, "UserID"); id != "" {
		if _, err := c.Reg.Load(c, c.Reg.Resource("AdminUsers"), nil, id); err != nil {
			return err
		}
	}
	if id := api.Str(doc, "UserGroupID"); id != "" {
		if _, err := c.Reg.Load(c, c.Reg.Resource("AdminUserGroups"), nil, id); err != nil {
			return err
		}
	}
	return nil
}

// categoriesOf lists a catalog's categories once per request.
func categoriesOf(c *resource.Ctx, catalogID string) ([]api.Doc, error) {
	v, err := c.Memo("categories#"+catalogID, func() (any, error) {
		return c.Reg.All(c, c.Reg.Resource("Categories"), []string{catalogID})
	})
	if err != nil {
		return nil, err
	}
	return v.([]api.Doc), nil
}
