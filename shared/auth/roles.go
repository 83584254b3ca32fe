package auth

import "slices"

// Roles apply per user type. A security profile may list any role, and may
// be assigned to a buyer or supplier company as to the marketplace; each
// user keeps only the roles that make sense for its kind of organization.
// The others are dropped from AvailableRoles, from tokens and from role
// checks (README, "Roles by user type", gives the reasoning).
var (
	// buyerRoles: shopping through Me; administering the buyer's own
	// users, groups, addresses, cost centers, cards, spending accounts and
	// approval rules (the routes under /buyers/{buyerID} of the user's own
	// buyer); the company's orders, the shipments sent to it and its
	// subscriptions; impersonating users of the same buyer; the override
	// roles, which a marketplace grants a buyer on purpose (quotes, ad-hoc
	// items).
	buyerRoles = []string{
		"Shopper", "MeAdmin", "MeXpAdmin", "MeAddressAdmin", "MeCreditCardAdmin", "MeSubscriptionAdmin", "PasswordReset",
		"BuyerUserAdmin", "BuyerUserReader", "UserGroupAdmin", "UserGroupReader", "AddressAdmin", "AddressReader",
		"CostCenterAdmin", "CostCenterReader", "CreditCardAdmin", "CreditCardReader",
		"SpendingAccountAdmin", "SpendingAccountReader", "ApprovalRuleAdmin", "ApprovalRuleReader",
		"OrderAdmin", "OrderReader", "UnsubmittedOrderReader", "ShipmentReader",
		"SubscriptionAdmin", "SubscriptionReader", "BuyerImpersonation",
		"OverrideShipping", "OverrideTax", "OverrideUnitPrice",
	}
	// supplierRoles: the supplier's own organization, users, groups and
	// addresses; what a supplier owns and sells (products with their
	// specs, variants and inventory, price schedules, catalogs and
	// categories, bundles, promotions, seller approval rules); the orders
	// it receives and the shipments it sends.
	supplierRoles = []string{
		"MeAdmin", "MeXpAdmin", "PasswordReset",
		"SupplierAdmin", "SupplierReader", "SupplierUserAdmin", "SupplierUserReader",
		"SupplierUserGroupAdmin", "SupplierUserGroupReader", "SupplierAddressAdmin", "SupplierAddressReader",
		"ProductAdmin", "ProductReader", "ProductAssignmentAdmin", "PriceScheduleAdmin", "PriceScheduleReader",
		"CatalogAdmin", "CatalogReader", "CategoryAdmin", "CategoryReader", "BundleAdmin", "BundleReader",
		"PromotionAdmin", "PromotionReader", "ApprovalRuleAdmin", "ApprovalRuleReader",
		"OrderAdmin", "OrderReader", "ShipmentAdmin", "ShipmentReader",
	}
)

// RoleApplies reports whether role means anything for users of userType.
// Marketplace (admin) users may hold every role. FullAccess applies to
// everyone, standing for every role of the user's type.
func RoleApplies(userType, role string) bool {
	switch userType {
	case Buyer:
		return role == "FullAccess" || slices.Contains(buyerRoles, role)
	case Supplier:
		return role == "FullAccess" || slices.Contains(supplierRoles, role)
	}
	return true
}

// RolesOfType keeps the roles that apply to userType, in their order.
func RolesOfType(userType string, roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if RoleApplies(userType, r) {
			out = append(out, r)
		}
	}
	return out
}

// BuyerRoles and SupplierRoles list the roles of each user type (for
// documentation and tests).
func BuyerRoles() []string    { return slices.Clone(buyerRoles) }
func SupplierRoles() []string { return slices.Clone(supplierRoles) }
