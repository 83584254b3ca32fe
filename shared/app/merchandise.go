package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareMerchandise declares bundles, discounts, promotions and product
// facets. It runs after the catalogs are declared: it hooks into Products.
func declareMerchandise(r *resource.Registry) {
	declareBundles(r)    // bundles.go
	declareDiscounts(r)  // discounts.go
	declarePromotions(r) // promotions.go
	declareFacets(r)     // facets.go
}
