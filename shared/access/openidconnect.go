package access

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

func (a *Access) declareOpenIDConnects(r *resource.Registry) {
	a.OpenIdConnects = r.Add(&resource.Resource{Name: "OpenIdConnects", Model: "OpenIdConnect", IDParam: "openidconnectID",
		Prepare: a.prepareOpenIDConnect})
}

// prepareOpenIDConnect checks the API client the configuration signs in to.
func (a *Access) prepareOpenIDConnect(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	_, err := c.Reg.Load(c, a.ApiClients, nil, api.Str(doc, "OrderCloudApiClientID"))
	return err
}
