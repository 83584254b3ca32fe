package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareSuppliers declares suppliers, their users, user groups and addresses, supplier-buyer relationships, product suppliers and product collections.
func declareSuppliers(r *resource.Registry) {}
