package marketplace

import (
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

func (m *Marketplace) declareLocales(r *resource.Registry) {
	m.Locales = r.Add(&resource.Resource{Name: "Locales", Model: "Locale", IDParam: "localeID", Prepare: m.prepareLocale,
		Reach: resource.Reach{Owners: []string{"OwnerID"}}})
	// A party has one locale: saving another for the same buyer or group
	// replaces it, which is why the locale is not part of the key.
	m.LocaleAssignments = r.AddAssignment(&resource.Assignment{Resource: "Locales", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "LocaleAssignment", Key: []string{"BuyerID", "UserGroupID"},
		Refs: []resource.Ref{{Field: "LocaleID", Resource: "Locales"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}}},
		Party: true})
}

// prepareLocale keeps each language/currency pair unique across the
// marketplace.
func (m *Marketplace) prepareLocale(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	all, err := c.Reg.All(c, m.Locales, nil)
	if err != nil {
		return err
	}
	for _, l := range all {
		if api.Str(l, "ID") != api.Str(doc, "ID") && strings.EqualFold(api.Str(l, "Currency"), api.Str(doc, "Currency")) &&
			strings.EqualFold(api.Str(l, "Language"), api.Str(doc, "Language")) {
			return api.E(http.StatusBadRequest, "Locale.DuplicateLanguageAndCurrency", nil)
		}
	}
	return nil
}
