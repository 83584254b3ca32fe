package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareSpecs declares specs and options, spec-product assignments, variants and their generation, and inventory records.
func declareSpecs(r *resource.Registry) {}
