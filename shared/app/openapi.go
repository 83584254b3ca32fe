package app

import (
	"net/http"
	"sync"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/openapi"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// declareOpenAPI serves the API's OpenAPI description, as OrderCloud does
// at /v1/openapi/v3: generated once, on first request (every handler is
// declared by then), from the contract and the registry's handlers. Public.
func declareOpenAPI(r *resource.Registry) {
	doc := sync.OnceValues(func() ([]byte, error) {
		return openapi.Generate(openapi.Source{Served: r.Implemented, Roles: resource.RolesFor, Status: r.SuccessStatus})
	})
	r.HandleRoute(resource.Route{Pattern: "GET /v1/openapi/v3", Handler: func(w http.ResponseWriter, req *http.Request) {
		b, err := doc()
		if err != nil {
			api.WriteError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
	}})
}
