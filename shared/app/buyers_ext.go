package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareBuyersExt declares a buyer's address, cost center, credit card and spending account assignments, approval rules, and their Me views.
func declareBuyersExt(r *resource.Registry) {}
