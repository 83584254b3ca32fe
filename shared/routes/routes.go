// Package routes says which Lambda serves which part of the URL space. API
// Gateway routes (in infra/), the local single-port server and each
// function's handler all read this one table, so a path reaches the same
// handler code locally and deployed.
package routes

import "strings"

// Group is one Lambda function: a resource group of the API reference.
type Group struct {
	// Name is the function's folder under functions/ and its logical name.
	Name string
	// Prefixes are the first path segments under /v1 that belong to the
	// group (API Gateway routes "ANY /v1/<p>" and "ANY /v1/<p>/{proxy+}").
	Prefixes []string
	// Root are whole path prefixes outside /v1 (only the auth group has any).
	Root []string
}

// Groups are the Lambda functions of the API, in the order of the index.
var Groups = []Group{
	// The OpenAPI description (/v1/openapi/v3) is public, like /oauth.
	{Name: "auth", Root: []string{"/oauth"}, Prefixes: []string{"password", "username", "openapi"}},
	{Name: "seller", Prefixes: []string{"apiclients", "securityprofiles", "impersonationconfig", "openidconnects",
		"adminusers", "usergroups", "addresses", "incrementors", "locales", "xpindices", "approvalrules"}},
	{Name: "buyers", Prefixes: []string{"buyers", "buyergroups", "buyerusers"}},
	{Name: "suppliers", Prefixes: []string{"suppliers"}},
	{Name: "catalogs", Prefixes: []string{"catalogs", "products", "priceschedules", "specs", "productfacets",
		"bundles", "discounts", "promotions"}},
	{Name: "orders", Prefixes: []string{"orders", "lineitems", "shipments", "orderreturns", "cart", "grouporders"}},
	{Name: "me", Prefixes: []string{"me"}},
	{Name: "integrations", Prefixes: []string{"integrations", "integrationEvents", "webhooks", "messagesenders"}},
	{Name: "subscriptions", Prefixes: []string{"subscriptions"}},
}

// FallbackGroup answers requests no route matches (API Gateway's $default
// route), so unknown paths get OrderCloud's 404 shape rather than the
// gateway's own.
const FallbackGroup = "auth"

// GroupFor returns the group that serves the request path, or the fallback.
func GroupFor(path string) string {
	for _, g := range Groups {
		for _, r := range g.Root {
			if path == r || strings.HasPrefix(path, r+"/") {
				return g.Name
			}
		}
	}
	if rest, ok := strings.CutPrefix(path, "/v1/"); ok {
		seg, _, _ := strings.Cut(rest, "/")
		for _, g := range Groups {
			for _, p := range g.Prefixes {
				if seg == p {
					return g.Name
				}
			}
		}
	}
	return FallbackGroup
}

// Names lists the group names.
func Names() []string {
	out := make([]string, len(Groups))
	for i, g := range Groups {
		out[i] = g.Name
	}
	return out
}
