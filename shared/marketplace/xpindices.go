package marketplace

import (
	"errors"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// XP indices are stored one item per (thing type, key) in one partition.
const xpIndexPK = "XpIndex"

var xpIndexModel = contract.MustModel("XpIndex")

func xpIndexSK(thingType, key string) string { return thingType + "|" + key }

func declareXpIndices(r *resource.Registry) {
	r.Handle("XpIndices.List", listXpIndices)
	r.Handle("XpIndices.Put", putXpIndex)
	r.Handle("XpIndices.Delete", deleteXpIndex)
}

func listXpIndices(c *resource.Ctx) (any, error) {
	items, err := c.Deps.Store.Query(c, store.Query{PK: xpIndexPK})
	if err != nil {
		return nil, err
	}
	docs := make([]api.Doc, 0, len(items))
	for _, it := range items {
		d, err := api.DecodeDoc(it.Doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return c.Reg.Page(c, xpIndexModel, docs, nil)
}

// putXpIndex saves an index; both fields are needed to name it, though
// the contract marks neither required.
func putXpIndex(c *resource.Ctx) (any, error) {
	doc, err := c.Decode(xpIndexModel, false)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"ThingType", "Key"} {
		if api.Str(doc, f) == "" {
			return nil, api.Validation(f, f+" is required.")
		}
	}
	sk := xpIndexSK(api.Str(doc, "ThingType"), api.Str(doc, "Key"))
	b, _ := api.Ordered{Model: xpIndexModel, Doc: doc}.MarshalJSON()
	_, err = c.Deps.Store.Put(c, store.Item{PK: xpIndexPK, SK: sk, Type: xpIndexPK, ID: sk, Doc: b}, store.Always)
	return nil, err
}

func deleteXpIndex(c *resource.Ctx) (any, error) {
	thing, key := c.Param("thingType"), c.Param("key")
	for _, t := range contract.Enum("XpThingType") {
		if strings.EqualFold(t, thing) {
			thing = t
		}
	}
	k := store.Key{PK: xpIndexPK, SK: xpIndexSK(thing, key)}
	if _, err := c.Deps.Store.Get(c, k); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, api.NotFound("XpIndex", thing+"/"+key)
		}
		return nil, err
	}
	return nil, c.Deps.Store.Delete(c, k, store.Always)
}
