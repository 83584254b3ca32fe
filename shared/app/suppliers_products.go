package app

import (
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Product suppliers: the suppliers allowed to sell a product they do not
// own, each with an optional default price schedule of its own.

func declareProductSuppliers(r *resource.Registry) {
	r.AddAssignment(&resource.Assignment{Resource: "Products", Delete: "RemoveSupplier", Model: "ProductSupplierAssignment",
		Kind: "ProductSupplier", Key: []string{"ProductID", "SupplierID"},
		Refs:  []resource.Ref{{Field: "ProductID", Resource: "Products"}, {Field: "SupplierID", Resource: "Suppliers"}},
		Reach: []string{"SupplierID"}})
	r.Handle("Products.ListSuppliers", listProductSuppliers)
	r.Handle("Products.SaveSupplier", saveProductSupplier)
	r.Handle("Me.ListProductSellers", meListProductSellers)
}

// supplierMaySell lets a supplier user see, besides the products it owns,
// the ones it may sell: those every supplier is invited to opt in to, those
// naming it their default supplier, and those it has opted in to.
func supplierMaySell(c *resource.Ctx, product api.Doc) (bool, error) {
	if c.P.UserType != auth.Supplier {
		return false, nil
	}
	if product["AllSuppliersCanSell"] == true || api.Str(product, "DefaultSupplierID") == c.P.CompanyID {
		return true, nil
	}
	return assignmentExists(c, c.Reg.AssignmentKind("ProductSupplier"), api.Doc{"ProductID": product["ID"], "SupplierID": c.P.CompanyID})
}

// productSuppliers lists the product's ProductSupplier relationships.
func productSuppliers(c *resource.Ctx, productID string) ([]api.Doc, error) {
	docs, err := c.Reg.AllAssignments(c, c.Reg.AssignmentKind("ProductSupplier"))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(docs, func(d api.Doc) bool { return api.Str(d, "ProductID") != productID }), nil
}

func listProductSuppliers(c *resource.Ctx) (any, error) {
	id := c.Param("productID")
	if _, err := c.Reg.Load(c, c.Reg.Resource("Products"), nil, id); err != nil {
		return nil, err
	}
	rels, err := productSuppliers(c, id)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, rel := range rels {
		s, err := loadSupplier(c, api.Str(rel, "SupplierID"))
		if err != nil {
			continue // removed meanwhile; the cascade takes the relationship too
		}
		d := api.Clone(s.Doc)
		d["DefaultPriceScheduleID"] = rel["DefaultPriceScheduleID"]
		docs = append(docs, d)
	}
	return c.Reg.Page(c, modelOf("ProductSupplier"), docs, nil)
}

// saveProductSupplier opts a supplier into selling a product. The
// marketplace owner may opt in any supplier; a supplier user only its own
// organization (the engine answers 404 for another supplier in the path),
// and only into products whose owner lets every supplier sell them. A
// default price schedule must belong to the marketplace owner or to the
// supplier.
func saveProductSupplier(c *resource.Ctx) (any, error) {
	pid, sid := c.Param("productID"), c.Param("supplierID")
	p, err := c.Reg.Load(c, c.Reg.Resource("Products"), nil, pid)
	if err != nil {
		return nil, err
	}
	if _, err := loadSupplier(c, sid); err != nil {
		return nil, err
	}
	if c.P.UserType == auth.Supplier && p.Doc["AllSuppliersCanSell"] != true && api.Str(p.Doc, "OwnerID") != sid {
		return nil, api.E(http.StatusForbidden, "Auth.UserNotAuthorizedToAdmin", nil).
			WithMessage("This product does not let every supplier sell it; the marketplace owner must opt the supplier in.")
	}
	rel := api.Doc{"ProductID": pid, "SupplierID": sid}
	if ps := c.Query("defaultPriceScheduleID"); ps != "" {
		e, err := c.Reg.Load(c, c.Reg.Resource("PriceSchedules"), nil, ps)
		if err != nil {
			return nil, err
		}
		if owner := api.Str(e.Doc, "OwnerID"); owner != "" && owner != MarketplaceID() && owner != sid {
			return nil, api.E(http.StatusBadRequest, "PriceSchedule.InvalidDefaultPriceScheduleID", nil)
		}
		rel["DefaultPriceScheduleID"] = ps
	}
	a := c.Reg.AssignmentKind("ProductSupplier")
	_, err = c.Deps.Store.Put(c, a.Item(rel), store.Always)
	return nil, err
}

// meListProductSellers lists who the caller's buyer can buy a visible
// product from: the marketplace owner when it owns the product, and every
// supplier that owns it, is its default supplier or is opted in to sell it,
// provided the buyer may order from that supplier. Each seller carries the
// price schedule that applies when ordering from it.
func meListProductSellers(c *resource.Ctx) (any, error) {
	if err := requireBuyer(c); err != nil {
		return nil, err
	}
	pid := c.Param("productID")
	v, err := visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	seen, err := buyerProducts(c, v, []string{pid})
	if err != nil {
		return nil, err
	}
	if len(seen) == 0 {
		return nil, api.NotFound("Product", pid)
	}
	p := seen[0]
	var sellers []api.Doc
	owner := api.Str(p, "OwnerID")
	if owner == "" || owner == MarketplaceID() {
		sellers = append(sellers, api.Doc{"ID": MarketplaceID(), "PriceSchedule": p["PriceSchedule"]})
	}
	rels, err := productSuppliers(c, pid)
	if err != nil {
		return nil, err
	}
	candidates := map[string]string{} // supplier → its default price schedule
	for _, id := range []string{owner, api.Str(p, "DefaultSupplierID")} {
		if id != "" && id != MarketplaceID() {
			candidates[id] = ""
		}
	}
	for _, rel := range rels {
		candidates[api.Str(rel, "SupplierID")] = api.Str(rel, "DefaultPriceScheduleID")
	}
	for id, defaultPS := range candidates {
		s, err := loadSupplier(c, id)
		if err != nil {
			continue
		}
		ok, err := buyerMayOrderFrom(c, s.Doc, c.P.CompanyID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ps, err := sellerPriceSchedule(c, p, id, defaultPS, v.Party.Groups)
		if err != nil {
			return nil, err
		}
		sellers = append(sellers, api.Doc{"ID": id, "Name": s.Doc["Name"], "PriceSchedule": ps})
	}
	return c.Reg.Page(c, modelOf("ProductSeller"), sellers, nil)
}

// sellerPriceSchedule resolves a supplier's price for the caller: a
// product assignment to the caller's buyer (or one of its groups) priced by
// the supplier, else the supplier's default for the product, else the
// product's default.
func sellerPriceSchedule(c *resource.Ctx, p api.Doc, supplierID, defaultPS string, groups []string) (any, error) {
	schedules := c.Reg.Resource("PriceSchedules")
	load := func(id string) (api.Doc, bool) {
		e, err := c.Reg.Load(c, schedules, nil, id)
		if err != nil {
			return nil, false
		}
		d, _ := presentPriceSchedule(c, e.Doc)
		return api.Complete(modelOf("PriceSchedule"), d), true
	}
	asgs, err := c.Reg.AllAssignments(c, c.Reg.Assignments("ProductAssignment"))
	if err != nil {
		return nil, err
	}
	for _, a := range asgs {
		g := api.Str(a, "UserGroupID")
		if api.Str(a, "ProductID") != api.Str(p, "ID") || api.Str(a, "BuyerID") != c.P.CompanyID || (g != "" && !slices.Contains(groups, g)) {
			continue
		}
		if ps, ok := load(api.Str(a, "PriceScheduleID")); ok && (api.Str(a, "SellerID") == supplierID || api.Str(ps, "OwnerID") == supplierID) {
			return ps, nil
		}
	}
	for _, id := range []string{defaultPS, api.Str(p, "DefaultPriceScheduleID")} {
		if ps, ok := load(id); id != "" && ok {
			return ps, nil
		}
	}
	return nil, nil
}
