package catalog_test

import (
	"strings"
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// An explicit "xp": null is stored and returned as null (OrderCloud keeps
// it); an xp never written reads as {}.
func TestXpNullIsKept(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.AdminToken()
	isNull := func(r apptest.Resp) bool {
		t.Helper()
		_, present := r.Body["xp"]
		return present && r.Get("xp") == nil && strings.Contains(r.Raw, `"xp":null`)
	}
	isEmpty := func(r apptest.Resp) bool {
		xp, ok := r.Get("xp").(map[string]any)
		return ok && len(xp) == 0
	}
	apptest.Must(t, e, "POST", "/v1/catalogs", admin, map[string]any{"ID": "cat", "Name": "Catalog"}, 201)
	for _, base := range []string{"/v1/products", "/v1/catalogs/cat/categories"} {
		if r := apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "n", "Name": "N", "xp": nil}, 201); !isNull(r) {
			t.Errorf("%s create with xp null: %s", base, r.Raw)
		}
		if r := apptest.Must(t, e, "GET", base+"/n", admin, nil, 200); !isNull(r) {
			t.Errorf("%s read back: %s", base, r.Raw)
		}
		if r := apptest.Must(t, e, "GET", base+"?ID=n", admin, nil, 200); !strings.Contains(r.Raw, `"xp":null`) {
			t.Errorf("%s list: %s", base, r.Raw)
		}
		if r := apptest.Must(t, e, "POST", base, admin, map[string]any{"ID": "d", "Name": "D"}, 201); !isEmpty(r) {
			t.Errorf("%s create without xp: %s", base, r.Raw)
		}
		// PATCH: an object over null replaces it, null over an object clears it.
		if r := apptest.Must(t, e, "PATCH", base+"/n", admin, map[string]any{"xp": map[string]any{"a": 1}}, 200); r.S("xp.a") != "1" {
			t.Errorf("%s patch xp over null: %s", base, r.Raw)
		}
		apptest.Must(t, e, "PATCH", base+"/d", admin, map[string]any{"xp": nil}, 200)
		if r := apptest.Must(t, e, "GET", base+"/d", admin, nil, 200); !isNull(r) {
			t.Errorf("%s patch xp null: %s", base, r.Raw)
		}
		// PUT replaces: null stays null, absent becomes {}.
		apptest.Must(t, e, "PUT", base+"/n", admin, map[string]any{"Name": "N", "xp": nil}, 200)
		if r := apptest.Must(t, e, "GET", base+"/n", admin, nil, 200); !isNull(r) {
			t.Errorf("%s put xp null: %s", base, r.Raw)
		}
		if r := apptest.Must(t, e, "PUT", base+"/n", admin, map[string]any{"Name": "N"}, 200); !isEmpty(r) {
			t.Errorf("%s put without xp: %s", base, r.Raw)
		}
	}
}
