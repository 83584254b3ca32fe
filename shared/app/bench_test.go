package app_test

import (
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// BenchmarkScale measures list and read requests (and two writes) against
// DynamoDB Local at each size of BENCH_SIZES (1,000 and 50,000 products and
// orders unless set; see bench_seed_test.go for the data). Per request
// kind it reports, per operation, the DynamoDB requests (calls/op), the
// items they read (items/op), their size (bytes/op) and how many were
// whole entity documents (docs/op), and the median latency (p50-ms);
// lists also report their Meta.TotalCount (total). Run with `make bench`,
// which prints the results as a Markdown table (scripts/benchtable).
func BenchmarkScale(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			seededData(b, n).bench(b)
		})
	}
}

// benchRequest is one request kind.
type benchRequest struct {
	name   string
	method string
	path   func(i int) string
	token  string
	body   func(i int) any
	status int
	// setup runs before the measured requests (uncounted): for writes that
	// need something of their own per request.
	setup func(b *testing.B, n int)
}

// newSeq numbers the entities the write benchmarks create.
var newSeq atomic.Int64

func (d *benchData) bench(b *testing.B) {
	get := func(name, path, token string) benchRequest {
		return benchRequest{name: name, method: "GET", path: func(int) string { return path }, token: token, status: 200}
	}
	q := url.QueryEscape
	admin := d.admin
	reqs := []benchRequest{
		get("Products.List", "/v1/products", admin),
		get("Products.List(page=5)", "/v1/products?page=5", admin),
		get("Products.List(Active=true)", "/v1/products?Active=true", admin),
		get("Products.List(xp.color=red)", "/v1/products?xp.color=red", admin),
		get("Products.List(search)", "/v1/products?search="+rareProductWord, admin),
		get("Products.List(sortBy=!Name)", "/v1/products?sortBy=!Name", admin),
		get("Products.List(ID>p000500)", "/v1/products?sortBy=ID&ID="+q(">"+productID(500)), admin),
		get("Products.Get", "/v1/products/"+productID(123), admin),
		get("Me.ListProducts", "/v1/me/products", d.shopper),
		get("Me.ListProducts(search)", "/v1/me/products?search="+rareProductWord, d.shopper),
		get("Me.ListProducts(xp.color=red)", "/v1/me/products?xp.color=red", d.shopper),
		get("Me.GetProduct", "/v1/me/products/"+productID(123), d.shopper),
		get("Orders.List(admin)", "/v1/orders/Incoming", admin),
		get("Orders.List(admin,buyerID=b1)", "/v1/orders/Incoming?buyerID=b1", admin),
		get("Orders.List(admin,from-to)", "/v1/orders/Incoming?from="+q(d.from)+"&to="+q(d.to), admin),
		get("Orders.List(admin,Status=Open)", "/v1/orders/Incoming?Status=Open", admin),
		get("Orders.List(admin,sortBy=!DateCreated)", "/v1/orders/Incoming?sortBy=!DateCreated", admin),
		get("Orders.List(buyer)", apptest.Outgoing, d.reader),
		get("Orders.List(supplier)", "/v1/orders/Incoming", d.supplier),
		get("Orders.Get", "/v1/orders/Incoming/"+d.someOrder, admin),
		get("Me.ListOrders", "/v1/me/orders", d.shopper),
		get("LineItems.List", apptest.Outgoing+"/"+d.lineOrder+"/lineitems", d.shopper),
		get("Users.List(b1)", "/v1/buyers/b1/users", admin),
		get("Users.List(b1,search)", "/v1/buyers/b1/users?search="+rareLastName, admin),
		{name: "Products.Create", method: "POST", path: func(int) string { return "/v1/products" }, token: admin, status: 201,
			body: func(int) any {
				k := newSeq.Add(1)
				p := product(int(k))
				p["ID"] = fmt.Sprintf("new%06d", k)
				return p
			}},
	}
	// LineItems.Create: the first line of an order of u's, one order per
	// request, created beforehand.
	var lineOrders []string
	reqs = append(reqs, benchRequest{name: "LineItems.Create", method: "POST", token: d.shopper, status: 201,
		setup: func(b *testing.B, n int) {
			lineOrders = lineOrders[:0]
			for range n {
				id := fmt.Sprintf("new-o%06d", newSeq.Add(1))
				if _, err := d.must(201, "POST", apptest.Outgoing, d.shopper, map[string]any{"ID": id}); err != nil {
					b.Fatal(err)
				}
				lineOrders = append(lineOrders, id)
			}
		},
		path: func(i int) string { return apptest.Outgoing + "/" + lineOrders[i] + "/lineitems" },
		body: func(i int) any { return map[string]any{"ProductID": activeProduct(i*31, false), "Quantity": 2} }})

	for _, rq := range reqs {
		b.Run(rq.name, func(b *testing.B) { d.measure(b, rq) })
	}
}

// measure sends b.N requests of a kind, counting what they cost in
// DynamoDB and timing each.
func (d *benchData) measure(b *testing.B, rq benchRequest) {
	if rq.setup != nil {
		rq.setup(b, b.N)
	}
	lat := make([]time.Duration, 0, b.N)
	var total string
	d.e.Store.Calls.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var body any
		if rq.body != nil {
			body = rq.body(i)
		}
		path := rq.path(i)
		t0 := time.Now()
		r, err := d.do(rq.method, path, rq.token, body)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if r.Status != rq.status {
			b.Fatalf("%s %s: %d, want %d: %s", rq.method, path, r.Status, rq.status, r.Raw)
		}
		if i == 0 {
			total = r.S("Meta.TotalCount")
		}
	}
	b.StopTimer()
	c := &d.e.Store.Calls
	per := func(v int64) float64 { return float64(v) / float64(b.N) }
	b.ReportMetric(per(c.N()), "calls/op")
	b.ReportMetric(per(c.Items()), "items/op")
	b.ReportMetric(per(c.Bytes()), "bytes/op")
	b.ReportMetric(per(c.Docs()), "docs/op")
	b.ReportMetric(median(lat).Seconds()*1000, "p50-ms")
	if total != "" {
		var t float64
		fmt.Sscan(total, &t)
		b.ReportMetric(t, "total")
	}
}

// median of durations (the mean of the middle two of an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
