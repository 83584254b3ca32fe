package app

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/resource"
)

// Every path parameter of every served operation names a declared
// resource (so the engine's company confinement checks it) or is known to
// name no entity.
func TestPathParamsNameEntities(t *testing.T) {
	r := resource.NewRegistry(&resource.Deps{})
	_, _, _, _, _ = declare(r)
	for op, params := range r.UnknownPathParams() {
		t.Errorf("%s: path parameters %v name no declared resource", op, params)
	}
}
