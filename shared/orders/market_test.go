package orders_test

import (
	"slices"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// marketShop is an order shop with two suppliers: S1 (open to every
// buyer) supplies pa, S2 supplies pb; p1 has no supplier. A user of each
// supplier can order-admin its incoming orders.
type marketShop struct {
	*apptest.Shop
	s1Token, s2Token string
}

func newMarketShop(t *testing.T) *marketShop {
	t.Helper()
	s := apptest.OrderShop(t)
	e, admin := s.E, s.Admin
	apptest.SupplierOrg(t, e, admin, "S1", map[string]any{"AllBuyersCanOrder": true})
	apptest.SupplierOrg(t, e, admin, "S2", nil)
	apptest.Product(t, e, admin, "pa", "breaks", map[string]any{"DefaultSupplierID": "S1", "Inventory": map[string]any{"Enabled": true, "QuantityAvailable": 100}})
	apptest.Product(t, e, admin, "pb", "breaks", map[string]any{"DefaultSupplierID": "S2"})
	apptest.InCatalog(t, e, admin, "b1", "pa")
	apptest.InCatalog(t, e, admin, "b1", "pb")
	apptest.SupplierUser(t, e, admin, "S1", "su1", "supplier-one")
	apptest.SupplierUser(t, e, admin, "S2", "su2", "supplier-two")
	apptest.Profile(t, e, admin, "fulfil", "OrderAdmin", "MeAdmin")
	apptest.AssignProfile(t, e, admin, "fulfil", map[string]any{"SupplierID": "S1"})
	apptest.AssignProfile(t, e, admin, "fulfil", map[string]any{"SupplierID": "S2"})
	client := apptest.BuyerClient(t, e, admin, map[string]any{"AllowAnySupplier": true})
	return &marketShop{Shop: s, s1Token: e.Login(client, "supplier-one", apptest.BuyerPassword, "OrderAdmin"),
		s2Token: e.Login(client, "supplier-two", apptest.BuyerPassword, "OrderAdmin")}
}

// submittedOrder is a buyer's submitted order with lines of pa, pb and p1.
func (m *marketShop) submittedOrder(t *testing.T) (id string, lines map[string]string) {
	t.Helper()
	id = m.NewOrder(t, m.Token)
	lines = map[string]string{}
	for pid, qty := range map[string]int{"pa": 2, "pb": 1, "p1": 3} {
		l := m.AddLine(t, m.Token, id, pid, qty)
		lines[pid] = l.S("ID")
	}
	apptest.Submitted(t, m.E.Do("POST", apptest.Outgoing+"/"+id+"/submit", m.Token, nil))
	return id, lines
}

func TestSplitAndForwardToSuppliers(t *testing.T) {
	t.Parallel()
	m := newMarketShop(t)
	e, admin := m.E, m.Admin
	incoming := "/v1/orders/Incoming/"

	// A line carries its product's default supplier.
	id := m.NewOrder(t, m.Token)
	if l := m.AddLine(t, m.Token, id, "pa", 1); l.S("SupplierID") != "S1" || l.S("Product.DefaultSupplierID") != "S1" {
		t.Errorf("line of pa: %s", l.Raw)
	}
	// Only a submitted order is split.
	apptest.WantErr(t, e.Do("POST", incoming+id+"/split", admin, nil), 400, "Order.AllowedOnSubmittedOnly")

	id, lines := m.submittedOrder(t)
	apptest.WantErr(t, e.Do("POST", "/v1/orders/Outgoing/"+id+"/split", admin, nil), 400, "Order.CannotSplitOutgoing")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/forward", m.Token, nil), 403, "Auth.InsufficientRoles")

	r := e.Do("POST", incoming+id+"/split", admin, nil)
	if r.Status != 200 && r.Status != 201 {
		t.Fatalf("split: %d %s", r.Status, r.Raw)
	}
	if got := apptest.Strings(r.Get("RemainingLineItemIDs")); !slices.Equal(got, []string{lines["p1"]}) {
		t.Errorf("remaining %v, want the line of p1", got)
	}
	out, _ := r.Get("OutgoingOrders").([]any)
	if len(out) != 2 || r.S("OutgoingOrders.0.ID") != id+"-S1" || r.S("OutgoingOrders.1.ID") != id+"-S2" ||
		r.S("OutgoingOrders.0.ToCompanyID") != "S1" || r.S("OutgoingOrders.0.FromCompanyID") != "marketplace" ||
		r.S("OutgoingOrders.0.Status") != "Unsubmitted" || r.S("OutgoingOrders.0.Subtotal") != "20" || r.S("OutgoingOrders.0.LineItemCount") != "1" {
		t.Errorf("split result: %s", r.Raw)
	}
	// The outgoing order holds the supplier's lines, linked both ways.
	ol := apptest.Must(t, e, "GET", "/v1/orders/Outgoing/"+id+"-S1/lineitems", admin, nil, 200)
	if ol.S("Meta.TotalCount") != "1" || ol.S("Items.0.ProductID") != "pa" || ol.S("Items.0.IncomingOrderID") != id {
		t.Errorf("outgoing lines: %s", ol.Raw)
	}
	if l := apptest.Must(t, e, "GET", incoming+id+"/lineitems/"+lines["pa"], admin, nil, 200); l.S("OutgoingOrderID") != id+"-S1" {
		t.Errorf("incoming line: %s", l.Raw)
	}
	// Each supplier sees its order as incoming, in its list of unsubmitted
	// orders (counted) too.
	l1 := apptest.Must(t, e, "GET", "/v1/orders/Incoming?IsSubmitted=false", m.s1Token, nil, 200)
	if !slices.Equal(apptest.IDs(l1), []string{id + "-S1"}) || l1.S("Meta.TotalCount") != "1" {
		t.Errorf("S1's incoming orders: %s", l1.Raw)
	}
	apptest.WantErr(t, e.Do("GET", incoming+id+"-S1", m.s2Token, nil), 404, "NotFound")
	if g := apptest.Must(t, e, "GET", incoming+id+"-S2", m.s2Token, nil, 200); g.S("Total") != "10" {
		t.Errorf("S2's order: %s", g.Raw)
	}
	// The marketplace sees them as its outgoing orders; the buyer does not.
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/orders/Outgoing?ToCompanyID=S2&IsSubmitted=false", admin, nil, 200)); !slices.Equal(got, []string{id + "-S2"}) {
		t.Errorf("marketplace's outgoing orders to S2: %v", got)
	}
	apptest.WantErr(t, e.Do("GET", apptest.Outgoing+"/"+id+"-S1", m.Token, nil), 404, "NotFound")

	// Submitting a split order takes no stock again: its lines' was taken
	// with the buyer's order.
	apptest.Submitted(t, e.Do("POST", "/v1/orders/Outgoing/"+id+"-S1/submit", admin, nil))
	if q := apptest.Must(t, e, "GET", "/v1/products/pa", admin, nil, 200).S("Inventory.QuantityAvailable"); q != "98" {
		t.Errorf("pa after the buyer's 2 and the split order's submit: %s, want 98", q)
	}

	// Lines already split are not split again.
	again := e.Do("POST", incoming+id+"/split", admin, nil)
	if out, _ := again.Get("OutgoingOrders").([]any); len(out) != 0 || !slices.Equal(apptest.Strings(again.Get("RemainingLineItemIDs")), []string{lines["p1"]}) {
		t.Errorf("second split: %s", again.Raw)
	}

	// The incoming order cannot go while its outgoing orders exist.
	apptest.WantErr(t, e.Do("DELETE", incoming+id, admin, nil), 400, "Order.CannotDeleteForwardedOrder")
	apptest.Must(t, e, "DELETE", "/v1/orders/Outgoing/"+id+"-S1", admin, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/orders/Outgoing/"+id+"-S2", admin, nil, 204)
	apptest.Must(t, e, "DELETE", incoming+id, admin, nil, 204)

	// Forward submits the outgoing orders.
	fid, _ := m.submittedOrder(t)
	f := e.Do("POST", incoming+fid+"/forward", admin, nil)
	if f.Status != 200 && f.Status != 201 {
		t.Fatalf("forward: %d %s", f.Status, f.Raw)
	}
	if f.S("OutgoingOrders.0.Status") != "Open" || f.Get("OutgoingOrders.0.IsSubmitted") != true || f.S("OutgoingOrders.0.DateSubmitted") == "" {
		t.Errorf("forwarded: %s", f.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/orders/Incoming?Status=Open", m.s1Token, nil, 200); !slices.Equal(apptest.IDs(l), []string{fid + "-S1"}) {
		t.Errorf("S1's open incoming orders: %s", l.Raw)
	}
	// The forwarded orders are the marketplace's outgoing orders, not its
	// incoming ones (lists and counts alike).
	if l := apptest.Must(t, e, "GET", "/v1/orders/Incoming", admin, nil, 200); !slices.Equal(apptest.IDs(l), []string{fid}) || l.S("Meta.TotalCount") != "1" {
		t.Errorf("marketplace's incoming orders: %s", l.Raw)
	}
	if l := apptest.Must(t, e, "GET", "/v1/orders/Outgoing", admin, nil, 200); !slices.Equal(apptest.IDs(l), []string{fid + "-S1", fid + "-S2"}) || l.S("Meta.TotalCount") != "2" {
		t.Errorf("marketplace's outgoing orders: %s", l.Raw)
	}
}

func TestOrdersToASupplier(t *testing.T) {
	t.Parallel()
	m := newMarketShop(t)
	e, admin := m.E, m.Admin
	// pc belongs to the marketplace; S1 is opted in to sell it at its own price.
	apptest.PriceSchedule(t, e, admin, "s1-price", map[string]any{"OwnerID": "S1"}, 1, 7)
	apptest.Product(t, e, admin, "pc", "breaks", nil)
	apptest.InCatalog(t, e, admin, "b1", "pc")
	apptest.Must(t, e, "PUT", "/v1/products/pc/suppliers/S1?defaultPriceScheduleID=s1-price", admin, nil, 204)

	// S2 neither sells to every buyer nor has a relationship with b1.
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, m.Token, map[string]any{"ToCompanyID": "S2"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("POST", apptest.Outgoing, m.Token, map[string]any{"ToCompanyID": "nobody"}), 404, "NotFound")

	o := apptest.Must(t, e, "POST", apptest.Outgoing, m.Token, map[string]any{"ToCompanyID": "S1"}, 201)
	id := o.S("ID")
	if o.S("ToCompanyID") != "S1" {
		t.Errorf("order to S1: %s", o.Raw)
	}
	// S1 supplies pa (its default supplier) and pc (opted in), not p1 or pb.
	m.AddLine(t, m.Token, id, "pa", 1)
	if l := m.AddLine(t, m.Token, id, "pc", 2); l.S("UnitPrice") != "7" || l.S("PriceScheduleID") != "s1-price" {
		t.Errorf("pc from S1: %s", l.Raw)
	}
	for _, pid := range []string{"p1", "pb"} {
		apptest.WantErr(t, e.Do("POST", apptest.Outgoing+"/"+id+"/lineitems", m.Token, map[string]any{"ProductID": pid, "Quantity": 1}),
			400, "LineItem.ProductNotAvailableFromSeller")
	}
	// Ordered from the marketplace, pc has its own price.
	other := m.NewOrder(t, m.Token)
	if l := m.AddLine(t, m.Token, other, "pc", 2); l.S("UnitPrice") != "10" {
		t.Errorf("pc from the marketplace: %s", l.Raw)
	}
	// The supplier sees the order as incoming once it is there.
	apptest.Submitted(t, e.Do("POST", apptest.Outgoing+"/"+id+"/submit", m.Token, nil))
	if l := apptest.Must(t, e, "GET", "/v1/orders/Incoming", m.s1Token, nil, 200); !slices.Equal(apptest.IDs(l), []string{id}) {
		t.Errorf("S1's incoming orders: %s", l.Raw)
	}
	// An order to a supplier is no marketplace order to split, and only
	// the marketplace splits orders.
	apptest.WantErr(t, e.Do("POST", "/v1/orders/All/"+id+"/split", admin, nil), 400, "Order.CannotSplitOutgoing")
	apptest.WantErr(t, e.Do("POST", "/v1/orders/Incoming/"+id+"/forward", m.s1Token, nil), 400, "Order.CannotSplitWrongUserType")
}
