package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareMerchandise declares bundles, discounts, promotions and product facets.
func declareMerchandise(r *resource.Registry) {}
