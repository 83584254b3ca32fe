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
// to a buyer user when it is active and sits in a catalog assigned to the
// user's company, and either that assignment has ViewAllProducts, or the
// product is assigned to the company, one of the user's groups or the
// user, or it sits in a category the party can see.
type Catalog struct {
	Party       Party
	Catalogs    []CatalogAccess
	InCatalogs  map[string][]string // product ID → catalog IDs it is assigned to
	Assignments []ProductAssignment
	// InVisibleCategory is the set of products in categories assigned to
	// the party (category assignments).
	InVisibleCategory map[string]bool
}

// Visible reports whether a product (by ID) is visible, and through which catalogs.
func (v Catalog) Visible(productID string, active bool) bool {
	if !active {
		return false
	}
	assigned := v.InVisibleCategory[productID]
	for _, a := range v.Assignments {
		if a.ProductID == productID && a.appliesTo(v.Party) {
			assigned = true
		}
	}
	for _, cat := range v.InCatalogs[productID] {
		for _, ca := range v.Catalogs {
			if ca.CatalogID == cat && (ca.ViewAllProducts || assigned) {
				return true
			}
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
