// Package marketplace owns what the marketplace owner configures for the
// whole marketplace: incrementors (numbered IDs), locales and their
// assignments, xp indices and the owner's own addresses.
package marketplace

import (
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Marketplace holds the collections of the marketplace's configuration.
type Marketplace struct {
	Incrementors, Locales, AdminAddresses *resource.Resource
	LocaleAssignments                     *resource.Assignment
}

// Declare registers the marketplace's resources and operations:
// Incrementors.*, Locales.*, XpIndices.*, AdminAddresses.*.
func Declare(r *resource.Registry) *Marketplace {
	m := &Marketplace{}
	m.declareIncrementors(r)
	m.declareLocales(r)
	declareXpIndices(r)
	m.AdminAddresses = r.Add(&resource.Resource{Name: "AdminAddresses", Model: "Address", Kind: "AdminAddress", ObjectType: "Address",
		IDParam: "addressID"})
	return m
}
