package catalog

import (
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareInventory(r *resource.Registry) {
	product := resource.Parent{Param: "productID", Resource: "Products"}
	variant := resource.Parent{Param: "variantID", Resource: "Variants"}
	cat.InventoryRecords = r.Add(&resource.Resource{Name: "InventoryRecords", Model: "InventoryRecord", IDParam: "inventoryRecordID",
		Scope: []string{"productID"}, Parents: []resource.Parent{product},
		Prepare: cat.prepareInventoryRecord(false), Present: cat.presentInventoryRecord, Index: inventoryRecordAddressIndex, Reach: ownedByOwnerID,
		BeforeDelete: func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
			return cat.recordStockChanged(c, tx, false, doc, nil)
		}})
	cat.VariantInventoryRecords = r.Add(&resource.Resource{Name: "VariantInventoryRecords", Model: "InventoryRecord", Kind: "VariantInventoryRecord",
		ObjectType: "InventoryRecord", IDParam: "inventoryRecordID", Scope: []string{"productID", "variantID"},
		Parents: []resource.Parent{product, variant},
		OpIDs: map[string]string{"Get": "InventoryRecords.GetVariant", "List": "InventoryRecords.ListVariant",
			"Create": "InventoryRecords.CreateVariant", "Save": "InventoryRecords.SaveVariant",
			"Patch": "InventoryRecords.PatchVariant", "Delete": "InventoryRecords.DeleteVariant"},
		Prepare: cat.prepareInventoryRecord(true), Present: cat.presentInventoryRecord, Index: inventoryRecordAddressIndex, Reach: ownedByOwnerID,
		BeforeDelete: func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
			return cat.recordStockChanged(c, tx, true, doc, nil)
		}})

	// The engine checks the path's product (and variant), the record in
	// that scope and the party; deleting a record removes its assignments
	// by the engine's cascade.
	refs := func(records string, scope ...string) []resource.Ref {
		return []resource.Ref{{Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "InventoryRecordID", Resource: records, ScopeParams: scope}}
	}
	key := []string{"InventoryRecordID", "BuyerID", "UserGroupID"}
	cat.InventoryRecordAssignments = r.AddAssignment(&resource.Assignment{Resource: "InventoryRecords", Save: "SaveAssignment",
		Delete: "DeleteAssignment", List: "ListAssignments", Model: "InventoryRecordAssignment", Kind: "InventoryRecordAssignment",
		Scope: []string{"productID"}, Key: key, Refs: refs("InventoryRecords", "productID"), Party: true})
	cat.VariantInventoryRecordAssignments = r.AddAssignment(&resource.Assignment{Resource: "InventoryRecords", Save: "SaveVariantAssignment",
		Delete: "DeleteVariantAssignment", List: "ListVariantAssignments", Model: "InventoryRecordAssignment",
		Kind: "VariantInventoryRecordAssignment", Scope: []string{"productID", "variantID"}, Key: key,
		Refs: refs("VariantInventoryRecords", "productID", "variantID"), Party: true})

	r.Handle("Me.ListProductInventoryRecords", func(c *resource.Ctx) (any, error) { return cat.meInventoryRecords(c, false) })
	r.Handle("Me.ListVariantInventoryRecords", func(c *resource.Ctx) (any, error) { return cat.meInventoryRecords(c, true) })
}

// Inventory records (multi-location inventory) live under their product
// (InventoryRecord#<productID>) or under one of its variants
// (VariantInventoryRecord#<productID>#<variantID>); their assignments to
// buyers and user groups likewise. A product uses one level or the other,
// as Product.Inventory.VariantLevelTracking says.

// inventoryLevel names the record collection and assignment kind of a level.
func (cat *Catalog) inventoryLevel(c *resource.Ctx, variant bool) (*resource.Resource, *resource.Assignment, []string) {
	if variant {
		return cat.VariantInventoryRecords, cat.VariantInventoryRecordAssignments,
			[]string{c.Param("productID"), c.Param("variantID")}
	}
	return cat.InventoryRecords, cat.InventoryRecordAssignments, []string{c.Param("productID")}
}

func (cat *Catalog) prepareInventoryRecord(variant bool) func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		product, err := c.Reg.Load(c, cat.Products, nil, c.Param("productID"))
		if err != nil {
			return err
		}
		// Records belong at the variant level exactly when the product
		// tracks stock per variant.
		if variantLevelTracking(product.Doc) != variant {
			return api.E(http.StatusBadRequest, "InventoryConfiguration.InvalidVariantLevelTracking", nil)
		}
		if _, err := cat.inventoryAddress(c, api.Str(doc, "OwnerID"), api.Str(doc, "AddressID")); err != nil {
			return err
		}
		doc["LastUpdated"] = api.Now()
		return cat.recordStockChanged(c, tx, variant, old, doc)
	}
}

// inventoryAddress loads a record's address, which its owner must own: an
// admin address for the marketplace, else one of the supplier's addresses.
func (cat *Catalog) inventoryAddress(c *resource.Ctx, ownerID, addressID string) (api.Doc, error) {
	if ownerID == c.MarketplaceID() {
		e, err := c.Reg.Load(c, cat.market.AdminAddresses, nil, addressID)
		if err != nil {
			return nil, err
		}
		return e.Doc, nil
	}
	sup := cat.suppliers.Addresses
	if sup == nil {
		return nil, api.NotFound("Address", addressID)
	}
	e, err := c.Reg.Load(c, sup, []string{ownerID}, addressID)
	if err != nil {
		return nil, err
	}
	return e.Doc, nil
}

// presentInventoryRecord fills the read-only Address on a single record,
// and on lists when includeAddress=true.
func (cat *Catalog) presentInventoryRecord(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	if !strings.HasPrefix(c.Op.Operation, "Get") && !strings.EqualFold(c.Query("includeAddress"), "true") {
		return doc, nil
	}
	out := api.Clone(doc)
	out["Address"] = nil
	if a, err := cat.inventoryAddress(c, api.Str(doc, "OwnerID"), api.Str(doc, "AddressID")); err == nil {
		out["Address"] = a
	}
	return out, nil
}

// meInventoryRecords lists the records of a visible product (or of one of
// its active variants) that the caller may use: those open to all buyers
// and those assigned to the caller's company or one of its groups.
func (cat *Catalog) meInventoryRecords(c *resource.Ctx, variant bool) (any, error) {
	v, err := cat.specMeProduct(c, c.Param("productID"))
	if err != nil {
		return nil, err
	}
	if variant {
		if _, err := cat.meVariant(c); err != nil {
			return nil, err
		}
	}
	records, asg, scope := cat.inventoryLevel(c, variant)
	docs, err := c.Reg.All(c, records, scope)
	if err != nil {
		return nil, err
	}
	asgs, err := c.Reg.AllAssignments(c, asg, scope...)
	if err != nil {
		return nil, err
	}
	assigned := map[string]bool{}
	for _, a := range asgs {
		if api.Str(a, "BuyerID") == v.Party.BuyerID && v.Party.ReachedBy(api.Str(a, "UserGroupID"), "") {
			assigned[api.Str(a, "InventoryRecordID")] = true
		}
	}
	usable := docs[:0]
	for _, d := range docs {
		if d["AllowAllBuyers"] == true || assigned[api.Str(d, "ID")] {
			usable = append(usable, d)
		}
	}
	return c.Reg.Page(c, records.ContractModel(), usable, func(d api.Doc) (api.Doc, error) { return cat.presentInventoryRecord(c, d) })
}

// checkVariantLevelTrackingChange refuses to flip a product's
// VariantLevelTracking while inventory records exist at either level.
func (cat *Catalog) checkVariantLevelTrackingChange(c *resource.Ctx, old, doc api.Doc) error {
	if old == nil || inventoryVLT(old) == inventoryVLT(doc) {
		return nil
	}
	productID := api.Str(old, "ID")
	has := func(pk string) (bool, error) {
		items, err := c.Deps.Store.Query(c, store.Query{PK: pk, Limit: 1})
		return len(items) > 0, err
	}
	pks := []string{cat.InventoryRecords.PK(productID)}
	variants, err := c.Reg.All(c, cat.Variants, []string{productID})
	if err != nil {
		return err
	}
	for _, v := range variants {
		pks = append(pks, cat.VariantInventoryRecords.PK(productID, api.Str(v, "ID")))
	}
	for _, pk := range pks {
		found, err := has(pk)
		if err != nil {
			return err
		}
		if found {
			return api.E(http.StatusBadRequest, "InventoryConfiguration.CannotChangeVariantLevelTracking", nil)
		}
	}
	return nil
}

func inventoryVLT(product api.Doc) bool {
	inv, _ := product["Inventory"].(map[string]any)
	return inv != nil && inv["VariantLevelTracking"] == true
}

// inventoryRecordAddressIndex files a record under its owner's address in
// GSI1, so deleting an address can tell in one query whether a record
// still ships from it.
func inventoryRecordAddressIndex(doc api.Doc) (string, string) {
	if api.Str(doc, "AddressID") == "" {
		return "", ""
	}
	return inventoryAddressPK(api.Str(doc, "OwnerID"), api.Str(doc, "AddressID")), api.Str(doc, "ID")
}

func inventoryAddressPK(owner, addressID string) string {
	return "InventoryRecordAddress#" + owner + "#" + addressID
}

// addressNotInInventory refuses to delete an address an inventory record
// uses; owner is the address's organization (the marketplace, or a
// supplier from the path).
func addressNotInInventory(owner func(c *resource.Ctx) string) func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		items, err := c.Deps.Store.Query(c, store.Query{Index: "GSI1", PK: inventoryAddressPK(owner(c), api.Str(doc, "ID")), Limit: 1})
		if err != nil {
			return err
		}
		if len(items) > 0 {
			return api.E(http.StatusBadRequest, "Address.CannotDeleteInventoryRecordAddress", map[string]any{"InventoryRecordID": items[0].ID})
		}
		return nil
	}
}
