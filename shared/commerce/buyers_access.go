package commerce

import "slices"

// ReachedBy reports whether an assignment made within the party's company
// reaches the party: one made to a user reaches only that user, one made to
// a user group reaches its members, and one made to neither (the company
// level) reaches every user of the company.
func (p Party) ReachedBy(userGroupID, userID string) bool {
	switch {
	case userID != "":
		return userID == p.UserID
	case userGroupID != "":
		return slices.Contains(p.Groups, userGroupID)
	}
	return true
}

// AddressUse is what a buyer user may use an address for on an order. An
// address reaching the user through several assignments (company, group,
// user) may be used for anything any of them allows.
type AddressUse struct {
	Shipping, Billing bool
}

// Add merges the flags of one more assignment.
func (u AddressUse) Add(shipping, billing bool) AddressUse {
	return AddressUse{Shipping: u.Shipping || shipping, Billing: u.Billing || billing}
}
