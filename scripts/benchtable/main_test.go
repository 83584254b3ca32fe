package main

import (
	"strings"
	"testing"
)

const sample = `  N=1000 products: 1000 in 24.2s (41/s, 2.0 DynamoDB calls each)
seed N=1000: 1000 products, 1000 orders, 111 users in 50.9s
goos: linux
goarch: amd64
pkg: github.com/ordercloud-serverless/occ/shared/app
cpu: Intel(R) Xeon(R) Processor
BenchmarkScale/N=1000/Products.List-2         	      20	   6460639 ns/op	     12743 bytes/op	         3.000 calls/op	        20.00 docs/op	        24.00 items/op	         6.441 p50-ms	      1000 total
BenchmarkScale/N=1000/Products.Get-2                       	      20	   1146195 ns/op	       636.0 bytes/op	         1.000 calls/op	         1.000 docs/op	         1.000 items/op	         1.069 p50-ms
BenchmarkScale/N=1000/Orders.List(buyer_company)-2                     	      20	   8929310 ns/op	     24975 bytes/op	         6.000 calls/op	        20.00 docs/op	       108.0 items/op	         9.177 p50-ms	       801.0 total
seed N=50000: 50000 products, 50000 orders, 5011 users in 2000.0s
BenchmarkScale/N=50000/Products.List-2         	      20	   6460639 ns/op	     12800 bytes/op	         3.000 calls/op	        20.00 docs/op	        24.00 items/op	         6.5 p50-ms	     50000 total
BenchmarkScale/N=50000/Me.ListProducts-2        	      20	   8e+09 ns/op	   37823488 bytes/op	       509.1 calls/op	     100054 docs/op	     100054 items/op	      7890 p50-ms	      40000 total
PASS
ok  	github.com/ordercloud-serverless/occ/shared/app	69.418s
`

func TestParse(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Sizes; len(got) != 2 || got[0] != 1000 || got[1] != 50000 {
		t.Errorf("sizes %v", got)
	}
	want := []string{"Products.List", "Products.Get", "Orders.List(buyer_company)", "Me.ListProducts"}
	if strings.Join(res.Kinds, " ") != strings.Join(want, " ") {
		t.Errorf("kinds %v, want %v", res.Kinds, want)
	}
	pl := res.Metrics["Products.List"][1000]
	for unit, v := range map[string]float64{"ns/op": 6460639, "bytes/op": 12743, "calls/op": 3, "docs/op": 20, "items/op": 24, "p50-ms": 6.441, "total": 1000} {
		if pl[unit] != v {
			t.Errorf("Products.List N=1000 %s = %v, want %v", unit, pl[unit], v)
		}
	}
	if got := res.Metrics["Me.ListProducts"][50000]["ns/op"]; got != 8e9 {
		t.Errorf("exponent notation: %v", got)
	}
	if _, ok := res.Metrics["Me.ListProducts"][1000]; ok {
		t.Error("Me.ListProducts has no N=1000 result")
	}
	if len(res.Seeds) != 2 || !strings.HasPrefix(res.Seeds[1], "seed N=50000:") {
		t.Errorf("seeds %q", res.Seeds)
	}
}

func TestParseRejectsBrokenLines(t *testing.T) {
	for _, in := range []string{
		"BenchmarkScale/N=1000/Products.Get-2 20 1146195 ns/op 636.0",
		"BenchmarkScale/N=1000/Products.Get-2 20 x ns/op",
	} {
		if _, err := parse(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestRender(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	out := render(res)
	lines := strings.Split(out, "\n")
	if want := "| request | calls 1k | items 1k | KB 1k | docs 1k | p50 1k | calls 50k | items 50k | KB 50k | docs 50k | p50 50k |"; lines[0] != want {
		t.Errorf("header\n got %s\nwant %s", lines[0], want)
	}
	if want := "| `Products.List` | 3 | 24 | 12.4 | 20 | 6.44 | 3 | 24 | 12.5 | 20 | 6.50 |"; lines[2] != want {
		t.Errorf("row\n got %s\nwant %s", lines[2], want)
	}
	if want := "| `Me.ListProducts` | – | – | – | – | – | 509.1 | 100,054 | 36,937 | 100,054 | 7,890 |"; lines[5] != want {
		t.Errorf("row\n got %s\nwant %s", lines[5], want)
	}
	if !strings.Contains(out, "seed N=50000: 50000 products") {
		t.Errorf("seed lines missing:\n%s", out)
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 3: "3", 0.9408: "0.94", 12.44: "12.4", 1234567: "1,234,567", 1234.5: "1,234.5", 100: "100"} {
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q, want %q", v, got, want)
		}
	}
}
