package access

import (
	"errors"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Company IDs are one namespace: a buyer, a supplier and the marketplace
// never share an ID. Orders (FromCompanyID, ToCompanyID), shipments and
// promotions name a company by its ID alone, and a buyer or supplier user
// reaches what names its company's ID, so a supplier created with a
// buyer's ID would read that buyer's orders (and one named after the
// marketplace, every order sent to it). Each company reserves its ID in
// its create's transaction.

// companyIDKey is the item reserving a company ID.
func companyIDKey(id string) store.Key { return store.Key{PK: "CompanyID", SK: id} }

func companyIDItem(id, kind string) store.Item {
	k := companyIDKey(id)
	return store.Item{PK: k.PK, SK: k.SK, Type: k.PK, ID: id, Doc: []byte(`{"Kind":"` + kind + `"}`)}
}

// reserveCompanyID refuses a new company whose ID is another company's or
// the marketplace's, and reserves it.
func reserveCompanyID(companies *resource.Resource) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if old != nil {
			return nil // IDs never change (PUT and PATCH keep the path's)
		}
		id := api.Str(doc, "ID")
		taken := api.IDExists(companies.Model, id)
		if id == c.MarketplaceID() {
			return taken
		}
		tx.PutOr(companyIDItem(id, companies.Model), store.IfAbsent, taken)
		return nil
	}
}

// forgetCompanyID frees a deleted company's ID.
func forgetCompanyID(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	tx.Delete(companyIDKey(api.Str(doc, "ID")))
	return nil
}

// companyIDUpgrade reserves the IDs of companies created before IDs were
// reserved (app.Upgrade). Two companies already sharing an ID keep
// working as before; the first one scanned holds the reservation.
func companyIDUpgrade(companies *resource.Resource) resource.UpgradeHook {
	return func(c *resource.Ctx, it store.Item) (bool, error) {
		if it.PK != companies.PK() || it.Type != companies.Model {
			return false, nil
		}
		_, err := c.Deps.Store.Put(c, companyIDItem(it.SK, companies.Model), store.IfAbsent)
		if errors.Is(err, store.ErrConflict) {
			return false, nil
		}
		return err == nil, err
	}
}
