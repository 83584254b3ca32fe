package app_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/contract"
)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// indexEndpoints is the size of the API index (seed-endpoints.json).
const indexEndpoints = 632

// TestIndexServed sends a request to every endpoint of the API index — all
// 632, every group — as the marketplace owner, and fails on any that no
// handler serves (RouteNotFound, 501) or that answers a 5xx to a request
// naming missing IDs with an empty body.
func TestIndexServed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	served, total := map[string]int{}, map[string]int{}
	var groups []string
	all := 0
	for _, ep := range contract.Endpoints() {
		if total[ep.Group] == 0 {
			groups = append(groups, ep.Group)
		}
		total[ep.Group]++
		all++
		var body any
		if ep.Method == http.MethodPost || ep.Method == http.MethodPut || ep.Method == http.MethodPatch {
			body = map[string]any{}
		}
		// An order's direction is a route's part, not an ID.
		path := strings.ReplaceAll(ep.Path, "{direction}", "Incoming")
		r := e.Do(ep.Method, "/v1"+pathParam.ReplaceAllString(path, "missing"), admin, body)
		if r.Code() == "RouteNotFound" || r.Status == http.StatusNotImplemented || r.Status >= 500 {
			t.Errorf("%s %s %s (%s): %d %s", ep.Group, ep.Method, ep.Path, ep.SDK, r.Status, r.Raw)
			continue
		}
		served[ep.Group]++
	}
	if all != indexEndpoints {
		t.Errorf("the index lists %d endpoints, want %d", all, indexEndpoints)
	}
	n := 0
	for _, g := range groups {
		n += served[g]
		t.Logf("%-26s %d/%d", g, served[g], total[g])
	}
	t.Logf("%d of %d endpoints served in %d groups", n, all, len(groups))
}
