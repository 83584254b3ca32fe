package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// The scale benchmark's data: one marketplace (table) per size, seeded once
// through the HTTP API, so every index is built as in production, and
// shared by every request kind measured at that size.

// benchSizes are the sizes to measure: BENCH_SIZES ("1000,50000" unless
// set), each the number of products and of orders.
func benchSizes(tb testing.TB) []int {
	env := os.Getenv("BENCH_SIZES")
	if env == "" {
		env = "1000,50000"
	}
	var out []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			tb.Fatalf("BENCH_SIZES: %q is not a size of at least 100", f)
		}
		out = append(out, n)
	}
	return out
}

// Seeding parameters.
const (
	seedWorkers    = 14 // concurrent requests while seeding (BENCH_SEED_WORKERS)
	seedAttempts   = 12 // tries of a request answered 409 Conflict or 5xx
	progressEvery  = 5000
	orderOwners    = 20 // buyer users placing the orders (16 in b1, 4 in b2)
	b1Owners       = 16
	b2Users        = 10
	b2Products     = 50 // products also in b2's catalog, for b2's line items
	lineOrderLines = 40 // line items of the order whose lines are listed
	benchPassword  = apptest.BuyerPassword
)

// Vocabularies of the seeded products and users. One word of each list
// below is rare (about 1% of the entities), for the searches.
var (
	adjectives = []string{"classic", "modern", "rustic", "compact", "deluxe", "slim", "sturdy", "vintage", "elegant", "basic"}
	materials  = []string{"oak", "pine", "steel", "brass", "glass", "linen", "cotton", "bamboo"}
	nouns      = []string{"desk", "lamp", "chair", "shelf", "table", "stool", "mirror", "rug", "vase", "clock", "bench", "cabinet"}
	colors     = []string{"red", "blue", "green", "black", "white", "yellow", "grey", "brown"}
	descWords  = []string{"durable", "finish", "hand", "made", "for", "the", "home", "office", "with", "a", "smooth", "surface",
		"easy", "to", "clean", "and", "assemble", "fits", "any", "room", "warm", "light", "solid", "frame", "soft", "edges"}
	lastNames = []string{"smith", "jones", "brown", "taylor", "wilson", "davies", "evans", "thomas", "johnson", "roberts",
		"walker", "wright", "robinson", "thompson", "white", "hughes", "edwards", "green", "hall", "wood"}
	channels = []string{"web", "phone", "store", "mobile"}
)

// rareProductWord is the material of every 100th product, and
// rareLastName the last name of every 100th user: what the searches look
// for.
const (
	rareProductWord = "walnut"
	rareLastName    = "zimmermann"
)

// benchData is a seeded marketplace and what the measurements need of it.
type benchData struct {
	e        *apptest.Env
	n, users int
	workers  int
	retries  atomic.Int64 // requests sent again while seeding
	client   *http.Client

	admin    string
	apiID    string // the API client buyer and supplier users log in with
	shopper  string // u's token: Shopper, MeAdmin
	reader   string // u's token with OrderReader: the company's orders
	supplier string // su's token: OrderReader, MeAdmin

	lineOrder string // u's order of lineOrderLines line items
	someOrder string // an order of u's, for Orders.Get
	from, to  string // a DateCreated window of about 10% of the orders
	seedTime  time.Duration
}

var (
	seededMu sync.Mutex
	seeded   = map[int]*benchData{}
)

// seededData seeds a marketplace of size n once and returns it.
func seededData(b *testing.B, n int) *benchData {
	seededMu.Lock()
	defer seededMu.Unlock()
	if d := seeded[n]; d != nil {
		return d
	}
	d := &benchData{e: apptest.New(tableNamed{b, fmt.Sprintf("bench_%d", n)}), n: n, users: max(n/10, 100),
		client: &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}, Timeout: 2 * time.Minute}}
	d.workers = seedWorkers
	if w, err := strconv.Atoi(os.Getenv("BENCH_SEED_WORKERS")); err == nil && w > 0 {
		d.workers = w
	}
	start := time.Now()
	if err := d.seed(); err != nil {
		b.Fatalf("seeding N=%d: %v", n, err)
	}
	d.seedTime = time.Since(start)
	// On stdout, so that the raw output keeps it (benchtable prints it).
	fmt.Printf("seed N=%d: %d products, %d orders, %d users in %.1fs (%d requests retried)\n", n, n, n, d.users+b2Users+1,
		d.seedTime.Seconds(), d.retries.Load())
	seeded[n] = d
	return d
}

// tableNamed gives apptest.New a name it can make a table name of ("=" is
// not allowed in one).
type tableNamed struct {
	testing.TB
	name string
}

func (t tableNamed) Name() string { return t.name }

// do sends one request (not failing any test: it may run on any goroutine).
func (d *benchData) do(method, path, token string, body any) (apptest.Resp, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return apptest.Resp{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, d.e.URL+path, rd)
	if err != nil {
		return apptest.Resp{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := d.client.Do(req)
	if err != nil {
		return apptest.Resp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return apptest.Resp{}, err
	}
	r := apptest.Resp{Status: res.StatusCode, Raw: string(raw)}
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		_ = dec.Decode(&r.Body)
	}
	return r, nil
}

// must sends a request until it answers status, retrying one answered 409
// Conflict, 5xx or a DynamoDB server error (or failing to send) a few
// times. A create retried after such an answer may find its ID taken by
// the first attempt: IdExists then counts as created (with an empty body).
func (d *benchData) must(status int, method, path, token string, body any) (apptest.Resp, error) {
	var last string
	for attempt := 0; attempt < seedAttempts; attempt++ {
		if attempt > 0 {
			d.retries.Add(1)
			fmt.Fprintf(os.Stderr, "  N=%d retrying %s %s (attempt %d): %s\n", d.n, method, path, attempt+1, strings.TrimSpace(last))
			time.Sleep(min(time.Duration(attempt*attempt)*50*time.Millisecond, 3*time.Second))
		}
		r, err := d.do(method, path, token, body)
		switch {
		case err != nil:
			last = err.Error()
			continue
		case r.Status == status:
			return r, nil
		case r.Status == 409 && r.Code() == "IdExists" && attempt > 0:
			return apptest.Resp{Status: status}, nil
		case r.Status == 409 && r.Code() != "IdExists", r.Status >= 500, dynamoServerError[r.Code()]:
			last = fmt.Sprintf("%d %s", r.Status, r.Raw)
			continue
		}
		return r, fmt.Errorf("%s %s: %d, want %d: %s", method, path, r.Status, status, r.Raw)
	}
	return apptest.Resp{}, fmt.Errorf("%s %s: gave up after %d attempts: %s", method, path, seedAttempts, last)
}

// dynamoServerError are DynamoDB's error codes for failures worth
// retrying. The API answers them as 400s with DynamoDB's code (api.AsError
// takes the SDK's errors, which have an ErrorCode method, for domain
// refusals), so they are recognized by code.
var dynamoServerError = map[string]bool{"InternalServerError": true, "ThrottlingException": true,
	"ProvisionedThroughputExceededException": true, "RequestLimitExceeded": true, "TransactionInProgressException": true}

// parallel runs task(0..count-1) on seedWorkers goroutines, printing
// progress to stderr, and returns the first error.
func (d *benchData) parallel(label string, count int, task func(i int) error) error {
	start, calls := time.Now(), d.e.Store.Calls.N()
	var next, done atomic.Int64
	var failed atomic.Bool
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				if err := task(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
					return
				}
				if n := done.Add(1); n%progressEvery == 0 {
					fmt.Fprintf(os.Stderr, "  N=%d %s: %d/%d (%.0fs)\n", d.n, label, n, count, time.Since(start).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return fmt.Errorf("%s: %w", label, first)
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "  N=%d %s: %d in %.1fs (%.0f/s, %.1f DynamoDB calls each)\n", d.n, label, count, el.Seconds(),
		float64(count)/el.Seconds(), float64(d.e.Store.Calls.N()-calls)/float64(count))
	return nil
}

func productID(i int) string { return fmt.Sprintf("p%06d", i) }
func orderID(i int) string   { return fmt.Sprintf("o%06d", i) }

// productActive: four products in five are active.
func productActive(i int) bool { return i%5 != 4 }

// product is the body of the i-th seeded product.
func product(i int) map[string]any {
	material := materials[i%len(materials)]
	if i%100 == 42 {
		material = rareProductWord
	}
	name := fmt.Sprintf("%s %s %s %d", adjectives[(i/7)%len(adjectives)], material, nouns[(i/3)%len(nouns)], i)
	desc := make([]string, 10)
	for k := range desc {
		desc[k] = descWords[(i*7+k*k*3+k)%len(descWords)]
	}
	return map[string]any{"ID": productID(i), "Name": name, "Description": strings.Join(desc, " "), "Active": productActive(i),
		"DefaultPriceScheduleID": "ps", "DefaultSupplierID": "s1",
		"xp": map[string]any{"color": colors[i%len(colors)], "size": i % 50, "tags": []any{nouns[i%len(nouns)], adjectives[i%len(adjectives)]}}}
}

// activeProduct is an active product near i, in b2's catalog when b2 is set.
func activeProduct(i int, b2 bool) string {
	if b2 {
		i %= b2Products
	}
	for !productActive(i) {
		i--
	}
	return productID(i)
}

// owner is the buyer user placing order i: u (b1) places one in twenty.
type owner struct{ buyer, user, username, token string }

func (d *benchData) seed() error {
	e := d.e
	d.admin = e.AdminToken()
	admin := d.admin
	phase := time.Now()
	step := func(label string) { // times what parallel does not
		fmt.Fprintf(os.Stderr, "  N=%d %s: %.1fs\n", d.n, label, time.Since(phase).Seconds())
	}
	must := func(status int, method, path, token string, body any) error {
		_, err := d.must(status, method, path, token, body)
		return err
	}
	setup := []struct {
		status       int
		method, path string
		body         map[string]any
	}{
		{201, "POST", "/v1/priceschedules", map[string]any{"ID": "ps", "Name": "Bench", "PriceBreaks": []any{map[string]any{"Quantity": 1, "Price": 3}}}},
		{201, "POST", "/v1/buyers", map[string]any{"ID": "b1", "Name": "Bench buyer", "Active": true}},
		{201, "POST", "/v1/buyers", map[string]any{"ID": "b2", "Name": "Other buyer", "Active": true}},
		// Every product of the buyer's own catalog, as it is by default.
		{204, "POST", "/v1/catalogs/assignments", map[string]any{"CatalogID": "b1", "BuyerID": "b1", "ViewAllProducts": true, "ViewAllCategories": true}},
		{201, "POST", "/v1/securityprofiles", map[string]any{"ID": "bench-shop", "Name": "Shop", "Roles": []any{"Shopper", "MeAdmin", "OrderReader"}}},
		{204, "POST", "/v1/securityprofiles/assignments", map[string]any{"SecurityProfileID": "bench-shop", "BuyerID": "b1"}},
		{204, "POST", "/v1/securityprofiles/assignments", map[string]any{"SecurityProfileID": "bench-shop", "BuyerID": "b2"}},
		{201, "POST", "/v1/suppliers", map[string]any{"ID": "s1", "Name": "Bench supplier", "Active": true, "AllBuyersCanOrder": true}},
		{201, "POST", "/v1/suppliers/s1/users", map[string]any{"ID": "su", "Username": "bench-supplier", "Password": benchPassword,
			"FirstName": "Sam", "LastName": "Supplier", "Email": "su@example.com", "Active": true}},
		{201, "POST", "/v1/securityprofiles", map[string]any{"ID": "bench-supplier", "Name": "Supplier", "Roles": []any{"MeAdmin", "OrderReader", "OrderAdmin"}}},
		{204, "POST", "/v1/securityprofiles/assignments", map[string]any{"SecurityProfileID": "bench-supplier", "SupplierID": "s1"}},
	}
	for _, s := range setup {
		if err := must(s.status, s.method, s.path, admin, s.body); err != nil {
			return err
		}
	}
	r, err := d.must(201, "POST", "/v1/apiclients", admin, map[string]any{"AppName": "Bench", "Active": true, "AllowAnyBuyer": true,
		"AllowAnySupplier": true, "AccessTokenDuration": 600})
	if err != nil {
		return err
	}
	d.apiID = r.S("ID")
	step("setup")

	if err := d.parallel("products", d.n, func(i int) error {
		return must(201, "POST", "/v1/products", admin, product(i))
	}); err != nil {
		return err
	}
	if err := d.parallel("catalog assignments", d.n+b2Products, func(i int) error {
		body := map[string]any{"CatalogID": "b1", "ProductID": productID(i)}
		if i >= d.n {
			body = map[string]any{"CatalogID": "b2", "ProductID": productID(i - d.n)}
		}
		return must(204, "POST", "/v1/catalogs/productassignments", admin, body)
	}); err != nil {
		return err
	}

	// Users: u and b1Owners-1 more order owners first, then the rest of
	// b1's users; b2's users, the first orderOwners-b1Owners of which
	// place orders.
	userBody := func(buyer string, i int) (path string, body map[string]any) {
		id, last := fmt.Sprintf("%s-u%05d", buyer, i), lastNames[i%len(lastNames)]
		if buyer == "b1" && i == 0 {
			id = "u"
		}
		if i%100 == 57 {
			last = rareLastName
		}
		return "/v1/buyers/" + buyer + "/users", map[string]any{"ID": id, "Username": "bench-" + id, "Password": benchPassword,
			"FirstName": fmt.Sprintf("First%d", i%37), "LastName": last, "Email": id + "@example.com", "Active": i%10 != 9,
			"xp": map[string]any{"dept": channels[i%len(channels)]}}
	}
	owners := make([]owner, 0, orderOwners)
	for i := 0; i < b1Owners; i++ {
		_, body := userBody("b1", i*5) // i*5%10 != 9: active
		owners = append(owners, owner{buyer: "b1", user: body["ID"].(string), username: body["Username"].(string)})
	}
	for i := 0; i < orderOwners-b1Owners; i++ {
		_, body := userBody("b2", i)
		owners = append(owners, owner{buyer: "b2", user: body["ID"].(string), username: body["Username"].(string)})
	}
	if err := d.parallel("users", d.users+b2Users, func(i int) error {
		buyer := "b1"
		if i >= d.users {
			buyer, i = "b2", i-d.users
		}
		path, body := userBody(buyer, i)
		return must(201, "POST", path, admin, body)
	}); err != nil {
		return err
	}
	phase = time.Now()
	d.shopper = e.Login(d.apiID, "bench-u", benchPassword, "Shopper", "MeAdmin")
	d.reader = e.Login(d.apiID, "bench-u", benchPassword, "Shopper", "MeAdmin", "OrderReader")
	d.supplier = e.Login(d.apiID, "bench-supplier", benchPassword, "MeAdmin", "OrderReader", "OrderAdmin")
	for k := range owners {
		owners[k].token = e.Login(d.apiID, owners[k].username, benchPassword, "Shopper", "MeAdmin")
	}
	step("logins")

	// Orders: every second gets a line item, and a third of those are
	// submitted and forwarded to the supplier — a sixth of all orders, so
	// the marketplace's and the supplier's incoming lists grow with N
	// (8,333 submitted orders at N=50,000).
	lineEvery := 2
	fmt.Fprintf(os.Stderr, "  N=%d orders: a line item on every %dth, submitted every %dth\n", d.n, lineEvery, 3*lineEvery)
	created := make([]string, d.n)
	if err := d.parallel("orders", d.n, func(i int) error {
		o := owners[i%len(owners)]
		id := orderID(i)
		r, err := d.must(201, "POST", apptest.Outgoing, o.token, map[string]any{"ID": id,
			"Comments": fmt.Sprintf("%s order %d", []string{"urgent", "gift", "restock", "sample"}[i%4], i),
			"xp":       map[string]any{"channel": channels[i%len(channels)]}})
		if err != nil {
			return err
		}
		created[i] = r.S("DateCreated")
		if created[i] == "" { // created by an attempt whose answer was lost
			g, err := d.must(200, "GET", apptest.Outgoing+"/"+id, o.token, nil)
			if err != nil {
				return err
			}
			created[i] = g.S("DateCreated")
		}
		if i%lineEvery != 0 {
			return nil
		}
		if err := must(201, "POST", apptest.Outgoing+"/"+id+"/lineitems", o.token,
			map[string]any{"ProductID": activeProduct(i, o.buyer == "b2"), "Quantity": 1 + i%3}); err != nil {
			return err
		}
		if i%(3*lineEvery) != 0 {
			return nil
		}
		if err := d.submit(id, o.token); err != nil {
			return err
		}
		// The marketplace forwards it: its lines' products are s1's, so
		// s1 receives a submitted order of its own.
		return d.forward(id)
	}); err != nil {
		return err
	}
	d.someOrder = orderID(0)

	// The order whose line items are listed.
	phase = time.Now()
	d.lineOrder = "lines"
	if err := must(201, "POST", apptest.Outgoing, d.shopper, map[string]any{"ID": d.lineOrder, "Comments": "many lines"}); err != nil {
		return err
	}
	for k := 0; k < lineOrderLines; k++ {
		if err := must(201, "POST", apptest.Outgoing+"/"+d.lineOrder+"/lineitems", d.shopper,
			map[string]any{"ProductID": activeProduct(k*13, false), "Quantity": 1}); err != nil {
			return err
		}
	}
	step("line order")

	// A window of DateCreated holding about 10% of the orders.
	slices.Sort(created)
	d.from, d.to = created[d.n*45/100], created[d.n*55/100]
	return nil
}

// submit submits an order.
func (d *benchData) submit(id, token string) error {
	return d.act(apptest.Outgoing+"/"+id+"/submit", token)
}

// forward forwards a submitted incoming order to its lines' supplier (a
// retried forward that finds the lines forwarded already creates nothing).
func (d *benchData) forward(id string) error {
	return d.act("/v1/orders/Incoming/"+id+"/forward", d.admin)
}

// act POSTs an order action: 201 (200 tolerated, as apptest.Submitted
// does).
func (d *benchData) act(path, token string) error {
	r, err := d.must(201, "POST", path, token, nil)
	if err != nil && r.Status == 200 {
		return nil
	}
	return err
}
