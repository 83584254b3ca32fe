package commerce

import "slices"

// Party is a buyer user as visibility rules see it.
type Party struct {
	BuyerID string
	UserID  string
	Groups  []string
}

// CatalogAccess is a catalog assigned to the party's company.
type CatalogAccess struct {
	CatalogID         string
	ViewAllProducts   bool
	ViewAllCategories bool
}

// ProductAssignment is a product (optionally priced) assigned to a buyer,
// one of its user groups, or a user.
type ProductAssignment struct {
	ProductID, BuyerID, UserGroupID, UserID, PriceScheduleID string
}

// appliesTo reports whether the assignment reaches the party.
func (a ProductAssignment) appliesTo(p Party) bool {
	if a.BuyerID != p.BuyerID {
		return false
	}
	switch {
	case a.UserID != "":
		return a.UserID == p.UserID
	case a.UserGroupID != "":
		return slices.Contains(p.Groups, a.UserGroupID)
	}
	return true
}

// Catalog visibility, following OrderCloud's rules: a product is visible
// to a buyer user when it is active and sits in an active catalog assigned
// to the user's company, and through that catalog either
//   - the product is assigned to the company, one of the user's groups or
//     the user (a product assignment), or
//   - it sits in a category whose effective ViewAllProducts is true for the
//     party (see ResolveCategories), or
//   - it sits in no category of the catalog and the catalog assignment has
//     ViewAllProducts.
//
// So visibility is the union of catalog, category and product assignments
// at the company, its groups and the user.
type Catalog struct {
	Party       Party
	Catalogs    []CatalogAccess
	InCatalogs  map[string][]string // product ID → catalog IDs it is assigned to
	Assignments []ProductAssignment
	// Categories holds, per catalog, each category's effective state.
	Categories map[string]map[string]CategoryState
	// ProductCategories holds, per catalog, the categories of each product.
	ProductCategories map[string]map[string][]string
}

// Visible reports whether a product (by ID) is visible.
func (v Catalog) Visible(productID string, active bool) bool {
	return active && len(v.VisibleThrough(productID)) > 0
}

// VisibleThrough lists the catalogs through which a product is visible.
func (v Catalog) VisibleThrough(productID string) []string {
	assigned := false
	for _, a := range v.Assignments {
		if a.ProductID == productID && a.appliesTo(v.Party) {
			assigned = true
		}
	}
	var out []string
	for _, cat := range v.InCatalogs[productID] {
		for _, ca := range v.Catalogs {
			if ca.CatalogID == cat && (assigned || v.viaCategories(ca, productID)) {
				out = append(out, cat)
			}
		}
	}
	return out
}

func (v Catalog) viaCategories(ca CatalogAccess, productID string) bool {
	cats := v.ProductCategories[ca.CatalogID][productID]
	if len(cats) == 0 {
		return ca.ViewAllProducts
	}
	for _, id := range cats {
		if v.Categories[ca.CatalogID][id].ViewAllProducts {
			return true
		}
	}
	return false
}

// PriceScheduleID resolves the schedule that prices a product for the
// party: a user assignment over a group assignment over a company one, and
// the product's default schedule when no assignment names one.
func (v Catalog) PriceScheduleID(productID, defaultID string) string {
	best, rank := "", 0
	for _, a := range v.Assignments {
		if a.ProductID != productID || a.PriceScheduleID == "" || !a.appliesTo(v.Party) {
			continue
		}
		r := 1
		if a.UserGroupID != "" {
			r = 2
		}
		if a.UserID != "" {
			r = 3
		}
		if r > rank {
			best, rank = a.PriceScheduleID, r
		}
	}
	if best != "" {
		return best
	}
	return defaultID
}
