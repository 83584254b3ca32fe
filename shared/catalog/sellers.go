package catalog

import (
	"net/http"
	"slices"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareSellers(r *resource.Registry) {
	cat.ProductSuppliers = r.AddAssignment(&resource.Assignment{Resource: "Products", Delete: "RemoveSupplier", Model: "ProductSupplierAssignment",
		Kind: "ProductSupplier", Key: []string{"ProductID", "SupplierID"},
		Refs:  []resource.Ref{{Field: "ProductID", Resource: "Products"}, {Field: "SupplierID", Resource: "Suppliers"}},
		Reach: []string{"SupplierID"}, IndexBy: []string{"SupplierID"}})
	r.Handle("Products.ListSuppliers", cat.listProductSuppliers)
	r.Handle("Products.SaveSupplier", cat.saveProductSupplier)
	r.Handle("Me.ListProductSellers", cat.meListProductSellers)
}

// Product suppliers: the suppliers allowed to sell a product they do not
// own, each with an optional default price schedule of its own.

// supplierMaySell lets a supplier user see, besides the products it owns,
// the ones it may sell: those every supplier is invited to opt in to, those
// naming it their default supplier, and those it has opted in to.
func (cat *Catalog) supplierMaySell(c *resource.Ctx, product api.Doc) (bool, error) {
	if c.P.UserType != auth.Supplier {
		return false, nil
	}
	if product["AllSuppliersCanSell"] == true || api.Str(product, "DefaultSupplierID") == c.P.CompanyID {
		return true, nil
	}
	opted, err := cat.optedIn(c, c.P.CompanyID)
	return opted[api.Str(product, "ID")], err
}

// optedIn is the set of products a supplier has opted in to sell, read
// once per request (one Query of the relationships' SupplierID index): a
// supplier user's product list checks every product against it, which one
// lookup per product would make cost a read per product.
func (cat *Catalog) optedIn(c *resource.Ctx, supplierID string) (map[string]bool, error) {
	v, err := c.Memo("opted-in#"+supplierID, func() (any, error) {
		rels, err := c.Reg.AssignmentsWith(c, cat.ProductSuppliers, "SupplierID", supplierID)
		if err != nil {
			return nil, err
		}
		set := make(map[string]bool, len(rels))
		for _, rel := range rels {
			set[api.Str(rel, "ProductID")] = true
		}
		return set, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]bool), nil
}

// productSuppliers lists the product's ProductSupplier relationships.
func (cat *Catalog) productSuppliers(c *resource.Ctx, productID string) ([]api.Doc, error) {
	return c.Reg.AssignmentsWith(c, cat.ProductSuppliers, "ProductID", productID)
}

func (cat *Catalog) listProductSuppliers(c *resource.Ctx) (any, error) {
	id := c.Param("productID")
	if _, err := c.Reg.Load(c, cat.Products, nil, id); err != nil {
		return nil, err
	}
	rels, err := cat.productSuppliers(c, id)
	if err != nil {
		return nil, err
	}
	var docs []api.Doc
	for _, rel := range rels {
		s, err := c.Reg.Load(c, cat.suppliers.Suppliers, nil, api.Str(rel, "SupplierID"))
		if err != nil {
			continue // removed meanwhile; the cascade takes the relationship too
		}
		d := api.Clone(s.Doc)
		d["DefaultPriceScheduleID"] = rel["DefaultPriceScheduleID"]
		docs = append(docs, d)
	}
	return c.Reg.Page(c, productSupplierModel, docs, nil)
}

// saveProductSupplier opts a supplier into selling a product. The
// marketplace owner may opt in any supplier; a supplier user only its own
// organization (the engine answers 404 for another supplier in the path),
// and only into products whose owner lets every supplier sell them. A
// default price schedule must belong to the marketplace owner or to the
// supplier.
func (cat *Catalog) saveProductSupplier(c *resource.Ctx) (any, error) {
	pid, sid := c.Param("productID"), c.Param("supplierID")
	p, err := c.Reg.Load(c, cat.Products, nil, pid)
	if err != nil {
		return nil, err
	}
	if _, err := c.Reg.Load(c, cat.suppliers.Suppliers, nil, sid); err != nil {
		return nil, err
	}
	if c.P.UserType == auth.Supplier && p.Doc["AllSuppliersCanSell"] != true && api.Str(p.Doc, "OwnerID") != sid {
		return nil, api.NotForUserType("This product does not let every supplier sell it; the marketplace owner must opt the supplier in.")
	}
	rel := api.Doc{"ProductID": pid, "SupplierID": sid}
	if ps := c.Query("defaultPriceScheduleID"); ps != "" {
		e, err := c.Reg.Load(c, cat.PriceSchedules, nil, ps)
		if err != nil {
			return nil, err
		}
		if owner := api.Str(e.Doc, "OwnerID"); owner != "" && owner != c.MarketplaceID() && owner != sid {
			return nil, api.E(http.StatusBadRequest, "PriceSchedule.InvalidDefaultPriceScheduleID", nil)
		}
		rel["DefaultPriceScheduleID"] = ps
	}
	a := cat.ProductSuppliers
	_, err = c.Deps.Store.Put(c, a.Item(rel), store.Always)
	return nil, err
}

// meListProductSellers lists who the caller's buyer can buy a visible
// product from: the marketplace owner when it owns the product, and every
// supplier that owns it, is its default supplier or is opted in to sell it,
// provided the buyer may order from that supplier. Each seller carries the
// price schedule that applies when ordering from it.
func (cat *Catalog) meListProductSellers(c *resource.Ctx) (any, error) {
	if err := access.RequireBuyer(c); err != nil {
		return nil, err
	}
	pid := c.Param("productID")
	v, err := cat.visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return nil, err
	}
	seen, err := cat.buyerProducts(c, v, []string{pid})
	if err != nil {
		return nil, err
	}
	if len(seen) == 0 {
		return nil, api.NotFound("Product", pid)
	}
	p := seen[0]
	var sellers []api.Doc
	owner := api.Str(p, "OwnerID")
	if owner == "" || owner == c.MarketplaceID() {
		sellers = append(sellers, api.Doc{"ID": c.MarketplaceID(), "PriceSchedule": p["PriceSchedule"]})
	}
	rels, err := cat.productSuppliers(c, pid)
	if err != nil {
		return nil, err
	}
	candidates := map[string]string{} // supplier → its default price schedule
	for _, id := range []string{owner, api.Str(p, "DefaultSupplierID")} {
		if id != "" && id != c.MarketplaceID() {
			candidates[id] = ""
		}
	}
	for _, rel := range rels {
		candidates[api.Str(rel, "SupplierID")] = api.Str(rel, "DefaultPriceScheduleID")
	}
	for id, defaultPS := range candidates {
		s, err := c.Reg.Load(c, cat.suppliers.Suppliers, nil, id)
		if err != nil {
			continue
		}
		ok, err := cat.suppliers.MayOrderFrom(c, s.Doc, c.P.CompanyID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ps, err := cat.sellerPriceSchedule(c, p, id, defaultPS, c.P.CompanyID, v.Party.Groups)
		if err != nil {
			return nil, err
		}
		sellers = append(sellers, api.Doc{"ID": id, "Name": s.Doc["Name"], "PriceSchedule": ps})
	}
	return c.Reg.Page(c, productSellerModel, sellers, nil)
}

// sellerPriceSchedule resolves a supplier's price for a buyer: a product
// assignment to the buyer (or one of the user's groups) priced by the
// supplier, else the supplier's default for the product, else the
// product's default.
func (cat *Catalog) sellerPriceSchedule(c *resource.Ctx, p api.Doc, supplierID, defaultPS, buyerID string, groups []string) (any, error) {
	schedules := cat.PriceSchedules
	load := func(id string) (api.Doc, bool) {
		e, err := c.Reg.Load(c, schedules, nil, id)
		if err != nil {
			return nil, false
		}
		d, _ := presentPriceSchedule(c, e.Doc)
		return api.Complete(priceScheduleModel, d), true
	}
	asgs, err := c.Reg.AssignmentsWith(c, cat.ProductAssignments, "ProductID", api.Str(p, "ID"))
	if err != nil {
		return nil, err
	}
	for _, a := range asgs {
		g := api.Str(a, "UserGroupID")
		if api.Str(a, "ProductID") != api.Str(p, "ID") || api.Str(a, "BuyerID") != buyerID || (g != "" && !slices.Contains(groups, g)) {
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
