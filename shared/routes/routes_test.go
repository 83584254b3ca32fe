package routes

import "testing"

func TestGroupFor(t *testing.T) {
	cases := map[string]string{
		"/oauth/token": "auth", "/oauth/certs/abc": "auth", "/v1/products/SHIRT": "catalogs", "/v1/products": "catalogs",
		"/v1/buyers/b/users": "buyers", "/v1/me/products": "me", "/v1/orders/Outgoing/x/submit": "orders",
		"/v1/apiclients/assignments": "seller", "/v1/integrationEvents": "integrations", "/v1/openapi/v3": "auth", "/v1/nope": FallbackGroup, "/": FallbackGroup,
	}
	for path, want := range cases {
		if got := GroupFor(path); got != want {
			t.Errorf("%s → %s, want %s", path, got, want)
		}
	}
	seen := map[string]bool{}
	for _, g := range Groups {
		for _, p := range g.Prefixes {
			if seen[p] {
				t.Errorf("prefix %s in two groups", p)
			}
			seen[p] = true
		}
	}
}
