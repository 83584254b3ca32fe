// Command benchtable renders the output of the scale benchmark (`make
// bench`, shared/app/bench_test.go) as a Markdown table for the README:
// one row per request kind, and for each size its DynamoDB calls, items
// read, KB read, whole documents read (all per request) and median
// latency.
//
//	go run ./scripts/benchtable < .bench/bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	res, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(res.Kinds) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no BenchmarkScale results in the input")
		os.Exit(1)
	}
	fmt.Print(render(res))
}

// Results are the scale benchmark's measurements: sizes and request kinds
// in the order they first appear.
type Results struct {
	Sizes   []int
	Kinds   []string
	Metrics map[string]map[int]map[string]float64 // kind → size → unit → value
	Seeds   []string                              // the "seed N=…" lines
}

// benchLine is one result line: name, iterations, then value–unit pairs.
var benchLine = regexp.MustCompile(`^BenchmarkScale/N=(\d+)/(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads `go test -bench` output, keeping the BenchmarkScale results
// and the seed lines and skipping everything else.
func parse(r io.Reader) (*Results, error) {
	res := &Results{Metrics: map[string]map[int]map[string]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "seed N=") {
			res.Seeds = append(res.Seeds, line)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		size, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("size in %q: %v", line, err)
		}
		kind := m[2]
		fields := strings.Fields(m[3])
		if len(fields)%2 != 0 {
			return nil, fmt.Errorf("odd value/unit list in %q", line)
		}
		vals := map[string]float64{}
		for i := 0; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("value %q in %q: %v", fields[i], line, err)
			}
			vals[fields[i+1]] = v
		}
		if !slices.Contains(res.Sizes, size) {
			res.Sizes = append(res.Sizes, size)
		}
		if res.Metrics[kind] == nil {
			res.Kinds = append(res.Kinds, kind)
			res.Metrics[kind] = map[int]map[string]float64{}
		}
		res.Metrics[kind][size] = vals
	}
	return res, sc.Err()
}

// column is one figure shown per size.
type column struct {
	title, unit string
	scale       float64
}

var columns = []column{
	{"calls", "calls/op", 1},
	{"items", "items/op", 1},
	{"KB", "bytes/op", 1.0 / 1024},
	{"docs", "docs/op", 1},
	{"p50", "p50-ms", 1},
}

// render prints the Markdown table (and the seed lines under it).
func render(res *Results) string {
	var b strings.Builder
	head, rule := []string{"request"}, []string{"---"}
	for _, n := range res.Sizes {
		for _, c := range columns {
			head = append(head, c.title+" "+sizeLabel(n))
			rule = append(rule, "--:")
		}
	}
	row := func(cells []string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	row(head)
	row(rule)
	for _, k := range res.Kinds {
		cells := []string{"`" + k + "`"}
		for _, n := range res.Sizes {
			vals, ok := res.Metrics[k][n]
			for _, c := range columns {
				v, has := vals[c.unit]
				if !ok || !has {
					cells = append(cells, "–")
					continue
				}
				cells = append(cells, number(v*c.scale))
			}
		}
		row(cells)
	}
	b.WriteString("\nPer request: DynamoDB calls, items read, KB read, whole documents read; p50 is the median latency in ms.\n")
	if len(res.Seeds) > 0 {
		b.WriteString("\n")
		for _, s := range res.Seeds {
			b.WriteString(s + "  \n")
		}
	}
	return b.String()
}

// sizeLabel writes 1000 as 1k and 50000 as 50k.
func sizeLabel(n int) string {
	switch {
	case n >= 1000000 && n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// number prints whole numbers without decimals and others with one (two
// below 10), thousands separated.
func number(v float64) string {
	var s string
	switch {
	case v == float64(int64(v)):
		s = strconv.FormatInt(int64(v), 10)
	case v < 10:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	}
	whole, frac, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0 && whole[i-1] != '-'; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if frac != "" {
		return whole + "." + frac
	}
	return whole
}
