package app_test

import (
	"fmt"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// BenchmarkCalls reports DynamoDB requests per API operation (calls/op), the
// figure that drives cost and latency on Lambda. Run with `make bench`.
func BenchmarkCalls(b *testing.B) {
	e := apptest.New(b)
	admin := e.AdminToken()
	e.Do("POST", "/v1/priceschedules", admin, map[string]any{"ID": "ps", "Name": "P", "PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 3}}}).Must(b, 201)
	for i := 0; i < 50; i++ {
		e.Do("POST", "/v1/products", admin, map[string]any{"ID": fmt.Sprintf("p%d", i), "Name": "Product", "Active": true, "DefaultPriceScheduleID": "ps"}).Must(b, 201)
	}
	e.Do("POST", "/v1/buyers", admin, map[string]any{"ID": "b", "Name": "Buyer", "Active": true}).Must(b, 201)
	for i := 0; i < 50; i++ {
		e.Do("POST", "/v1/catalogs/productassignments", admin, map[string]any{"CatalogID": "b", "ProductID": fmt.Sprintf("p%d", i)}).Must(b, 204)
	}
	e.Do("POST", "/v1/securityprofiles", admin, map[string]any{"ID": "shop", "Name": "Shop", "Roles": []any{"Shopper", "MeAdmin"}}).Must(b, 201)
	e.Do("POST", "/v1/securityprofiles/assignments", admin, map[string]any{"SecurityProfileID": "shop", "BuyerID": "b"}).Must(b, 204)
	e.Do("POST", "/v1/buyers/b/users", admin, map[string]any{"ID": "u", "Username": "bench-buyer", "Password": "Passw0rdOK", "FirstName": "B",
		"LastName": "U", "Email": "b@u.x", "Active": true}).Must(b, 201)
	e.Do("POST", "/v1/apiclients", admin, map[string]any{"ID": "x", "AppName": "Shop", "Active": true, "AllowAnyBuyer": true, "AccessTokenDuration": 600}).Must(b, 201)
	clients := e.Do("GET", "/v1/apiclients?AppName=Shop", admin, nil).Must(b, 200)
	buyer := e.Login(clients.S("Items.0.ID"), "bench-buyer", "Passw0rdOK", "Shopper", "MeAdmin")

	measure := func(name string, op func(i int)) {
		b.Run(name, func(b *testing.B) {
			e.Store.Calls.Reset()
			for i := 0; i < b.N; i++ {
				op(i)
			}
			b.ReportMetric(float64(e.Store.Calls.N())/float64(b.N), "calls/op")
		})
	}
	measure("Products.Get", func(int) { e.Do("GET", "/v1/products/p1", admin, nil).Must(b, 200) })
	measure("Products.List50", func(int) { e.Do("GET", "/v1/products?pageSize=20", admin, nil).Must(b, 200) })
	measure("Products.Patch", func(int) {
		e.Do("PATCH", "/v1/products/p1", admin, map[string]any{"xp": map[string]any{"n": 1}}).Must(b, 200)
	})
	measure("Me.ListProducts50", func(int) { e.Do("GET", "/v1/me/products", buyer, nil).Must(b, 200) })
	measure("Order+LineItem+Submit", func(i int) {
		o := e.Do("POST", "/v1/orders/Outgoing", buyer, map[string]any{}).Must(b, 201)
		id := o.S("ID")
		e.Do("POST", "/v1/orders/Outgoing/"+id+"/lineitems", buyer, map[string]any{"ProductID": "p2", "Quantity": 2}).Must(b, 201)
		e.Do("POST", "/v1/orders/Outgoing/"+id+"/submit", buyer, nil).Must(b, 201)
	})
}
