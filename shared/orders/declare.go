// Package orders owns the order lifecycle: orders and their line items,
// addresses, submitting, shipping and completing them, and shipments. The
// Service's methods are the lifecycle's operations, called alike by the
// HTTP bindings (http.go), by events and by schedules.
package orders

import (
	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// orderEqual are the orders' equality indexes: every order list is of one
// world (submitted or not, see submittedWorld) or of one status, from one
// perspective (all, a buying company, one of its users, a selling
// company, or a buying company's orders to one seller: the marketplace's
// incoming orders of one buyer).
var orderEqual = []string{
	fieldSubmitted, fieldSubmitted + "+FromCompanyID", fieldSubmitted + "+ToCompanyID", fieldSubmitted + "+FromCompanyID+FromUserID",
	fieldSubmitted + "+FromCompanyID+ToCompanyID",
	"Status", "Status+FromCompanyID", "Status+ToCompanyID", "Status+FromCompanyID+FromUserID", "Status+FromCompanyID+ToCompanyID",
}

// orderDated are the order lists that page by date (from and to, or a
// sort on DateCreated) within their party: each world's orders, a buying
// company's, a selling company's, and one buyer user's. An order writes
// one more keys-only item for each at create and when it changes world.
var orderDated = []string{
	fieldSubmitted + ">DateCreated", fieldSubmitted + "+FromCompanyID>DateCreated",
	fieldSubmitted + "+ToCompanyID>DateCreated", fieldSubmitted + "+FromCompanyID+FromUserID>DateCreated",
}

// orderShards spreads the orders and their index partitions over this many
// keys: four times what one key takes (1,000 writes a second).
const orderShards = 4

// Service is the order lifecycle.
type Service struct {
	Orders, LineItems, Shipments *resource.Resource
	// Payments are orders' payments (payments.go).
	Payments *resource.Resource
	// OrderReturns are returns of orders (returns.go).
	OrderReturns *resource.Resource
	// SellerApprovalRules hold order returns for approval.
	SellerApprovalRules *resource.Resource
	// Invitations are group order invitations (grouporders.go).
	Invitations *resource.Resource

	reg     *resource.Registry
	access  *access.Access
	buyers  *buyers.Buyers
	catalog *catalog.Catalog

	// lineTurns queue this process's line item changes of one order.
	lineTurns turns

	adjusters     []Adjuster
	submitSteps   []SubmitStep
	approvedHooks []ApprovedHook
	// returnCalculators calculate returns' refunds (pipeline.go).
	returnCalculators []ReturnCalculator
}

var (
	orderModel           = contract.MustModel("Order")
	lineItemModel        = contract.MustModel("LineItem")
	lineItemProductModel = contract.MustModel("LineItemProduct")
	addressModel         = contract.MustModel("Address")
	shipmentModel        = contract.MustModel("Shipment")
	shipmentItemModel    = contract.MustModel("ShipmentItem")
)

// Declare registers the order lifecycle: Orders.Create, Get, List, Patch,
// Delete, Submit, SetShippingAddress, SetBillingAddress, Ship, Complete,
// ListShipments, Cancel, Split, Forward; LineItems.Create, Get, List,
// Patch, Delete; BundleLineItems.Create, Delete; Shipments.* with their
// items; Payments.*; Me.ListOrders and the Me shipments.
func Declare(r *resource.Registry, acc *access.Access, b *buyers.Buyers, cat *catalog.Catalog) *Service {
	s := &Service{reg: r, access: acc, buyers: b, catalog: cat}
	// Orders live in one collection (IDs are unique across the
	// marketplace), spread over shards so that no partition key takes
	// every order; the lists of the buying company, of one of its users
	// (the pair) and of the selling company read their own index
	// partitions. The buying company and the selling one both own an
	// order.
	s.Orders = r.Add(&resource.Resource{Name: "Orders", Model: "Order", Kind: "Order", IDParam: "orderID", Ops: []string{},
		Reach: resource.Reach{Owners: []string{"FromCompanyID", "ToCompanyID"}},
		List: &resource.Listing{Equal: orderEqual, XP: true, Sorted: []string{"DateCreated"}, EqualSorted: orderDated,
			Search: true, Shards: orderShards, SparseRows: true}})
	// An order's line items are read whole by most of the lifecycle; their
	// lists page by key and count by tally, and filtered ones read the
	// order's lines.
	s.LineItems = r.Add(&resource.Resource{Name: "LineItems", Model: "LineItem", IDParam: "lineItemID", Scope: []string{"orderID"},
		Ops: []string{}, List: &resource.Listing{}})
	// The shipping organization owns a shipment; the buyer it goes to sees
	// it. Shipments grow with orders, so every list pages from list
	// indexes: the marketplace's from the collection's, a buyer's or
	// supplier's from the partition of its company in _parties (OwnerID
	// and BuyerID, derived by the engine).
	s.Shipments = r.Add(&resource.Resource{Name: "Shipments", Model: "Shipment", IDParam: "shipmentID",
		Reach: resource.Reach{Owners: []string{"OwnerID"}, Viewers: []string{"BuyerID"}, Index: "_parties"},
		Refs:  []resource.Ref{{Field: "BuyerID", Resource: "Buyers"}},
		List: &resource.Listing{Equal: []string{"OwnerID", "BuyerID", "_parties"}, XP: true, Sorted: []string{"DateDelivered"},
			Search: true}})

	r.Handle("Orders.Create", s.createHTTP)
	r.Handle("Orders.Get", s.getHTTP)
	r.Handle("Orders.List", s.listHTTP)
	r.Handle("Orders.Patch", s.patchHTTP)
	r.Handle("Orders.Delete", s.deleteHTTP)
	r.Handle("Orders.Submit", s.submitHTTP)
	r.Handle("Orders.SetShippingAddress", s.setShippingAddressHTTP)
	r.Handle("Orders.SetBillingAddress", s.setBillingAddressHTTP)
	r.Handle("Orders.Ship", s.shipHTTP)
	r.Handle("Orders.Complete", s.completeHTTP)
	r.Handle("Orders.ListShipments", s.listOrderShipmentsHTTP)
	r.Handle("LineItems.Create", s.addLineHTTP)
	r.Handle("LineItems.Get", s.getLineHTTP)
	r.Handle("LineItems.List", s.listLinesHTTP)
	r.Handle("LineItems.Patch", s.changeLineHTTP)
	r.Handle("LineItems.Delete", s.removeLineHTTP)
	r.Handle("Shipments.List", s.listShipmentsHTTP)
	r.Handle("Shipments.SaveItem", s.shipItemHTTP)
	r.Handle("Shipments.ListItems", s.listShipmentItemsHTTP)
	r.Handle("Shipments.GetItem", s.getShipmentItemHTTP)
	r.Handle("Me.ListOrders", s.meListOrdersHTTP)
	s.declareEdits(r)
	r.Handle("Orders.Cancel", s.cancelHTTP)
	r.Handle("Orders.Split", s.splitHTTP)
	r.Handle("Orders.Forward", s.forwardHTTP)
	r.Handle("BundleLineItems.Create", s.addBundleHTTP)
	r.Handle("BundleLineItems.Delete", s.removeBundleHTTP)

	// A user moving to another buyer takes its orders as asked.
	b.OnUserMove(s.moveUserOrders)
	// Submitting takes the stock of tracked products.
	s.OnSubmit(s.takeStock)
	s.declarePayments(r)
	s.declareShipments(r)
	// Approval rules may hold a submitted order for approval.
	s.declareApprovals(r)
	// Promotions: their operations, discounts kept current, redemptions.
	s.declarePromotions(r)
	// Lines priced by a cumulative schedule move together, and their
	// product's total must suit the schedule on submit (pricing.go).
	s.Adjust(s.repriceCumulative)
	s.OnSubmit(s.checkCumulative)
	// The cart, anonymous shopping and group orders (carthttp.go).
	s.declareShopping(r)
	// Order returns, held by seller approval rules.
	s.declareReturns(r)
	return s
}
