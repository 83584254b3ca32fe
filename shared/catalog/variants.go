package catalog

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareVariants(r *resource.Registry) {
	// Variants count towards their product's VariantCount. They are made
	// and removed only by generation, which sets the count outright in the
	// product's versioned write, in the transaction that writes them.
	cat.Variants = r.Add(&resource.Resource{Name: "Variants", Model: "Variant", IDParam: "variantID", Scope: []string{"productID"},
		Parents: []resource.Parent{{Param: "productID", Resource: "Products"}}, Ops: []string{"Get", "List"},
		OpIDs:  map[string]string{"Get": "Products.GetVariant", "List": "Products.ListVariants"},
		Counts: []resource.Counter{{Field: "VariantCount", Resource: "Products", By: "productID"}}})
	r.Handle("Products.SaveVariant", func(c *resource.Ctx) (any, error) { return cat.writeVariant(c, false) })
	r.Handle("Products.PatchVariant", func(c *resource.Ctx) (any, error) { return cat.writeVariant(c, true) })
	r.Handle("Products.GenerateVariants", cat.generateVariants)
	r.Handle("Me.ListVariants", cat.meListVariants)
	r.Handle("Me.GetVariant", cat.meGetVariant)
}

// Variants live under their product (partition Variant#<productID>), keyed
// by their current ID. Which spec options a variant stands for is kept in
// its Specs, so regeneration recognizes a variant whose ID was edited.

// variantWriteModel is the Variant model with xp writable: the contract
// marks Variant.xp read-only, but the SDK's Variant writes it like any xp.
var variantWriteModel = sync.OnceValue(func() *contract.Model {
	m := variantModel
	w := &contract.Model{Name: m.Name}
	for _, f := range m.Fields {
		if f.Name == "xp" {
			f.ReadOnly = false
		}
		w.Fields = append(w.Fields, f)
	}
	return contract.Rebuild(w)
})

// variantLevelTracking reports whether a product tracks stock per variant.
func variantLevelTracking(product api.Doc) bool {
	inv, _ := product["Inventory"].(map[string]any)
	return inv != nil && inv["Enabled"] == true && inv["VariantLevelTracking"] == true
}

// writeVariant serves PUT and PATCH of a variant. Variants are only made
// by generation, so a missing one is a 404. The body's ID, when it
// differs, renames the variant (OrderCloud lets SKUs replace generated IDs).
func (cat *Catalog) writeVariant(c *resource.Ctx, partial bool) (any, error) {
	productID, id := c.Param("productID"), c.Param("variantID")
	product, err := c.Reg.Load(c, cat.Products, nil, productID)
	if err != nil {
		return nil, err
	}
	patch, err := c.Decode(variantWriteModel(), partial)
	if err != nil {
		return nil, err
	}
	if inv, ok := patch["Inventory"].(map[string]any); ok {
		if !variantLevelTracking(product.Doc) {
			return nil, api.E(http.StatusBadRequest, "Variant.MustEnableInventory", nil)
		}
		inv["LastUpdated"] = api.Now()
	}
	variants := cat.Variants
	old, err := c.Reg.Load(c, variants, []string{productID}, id)
	if err != nil {
		return nil, err
	}
	doc := patch
	if partial {
		doc = api.Merge(api.Clone(old.Doc), doc)
	}
	if api.Str(doc, "ID") == "" {
		doc["ID"] = id
	}
	doc["Specs"] = old.Doc["Specs"]
	api.Complete(variants.ContractModel(), doc)
	if err := cat.putVariant(c, product.Doc, old, doc); err != nil {
		return nil, err
	}
	return c.Reg.Out(c, variants, doc)
}

// putVariant writes a variant over old, keeping its product's stock the
// sum of its variants; a new ID moves the variant, with its inventory
// records and their assignments, to the new key.
func (cat *Catalog) putVariant(c *resource.Ctx, product api.Doc, old *resource.Entity, doc api.Doc) error {
	variants := cat.Variants
	productID := api.Str(product, "ID")
	scope := []string{productID}
	oldID, newID := api.Str(old.Doc, "ID"), api.Str(doc, "ID")
	tx := &resource.Tx{}
	if err := cat.variantStockWrite(c, tx, product, old.Doc, doc); err != nil {
		return err
	}
	if oldID == newID {
		tx.Put(variants.Item(scope, doc, old.Item.Version), store.IfVersion)
		return tx.Commit(c)
	}
	tx.PutOr(variants.Item(scope, doc, 0), store.IfAbsent, api.IDExists("Variant", newID))
	tx.Delete(store.Key{PK: old.Item.PK, SK: old.Item.SK})
	if err := cat.moveVariantInventory(c, productID, oldID, newID, tx); err != nil {
		return err
	}
	return tx.Commit(c)
}

// moveVariantInventory re-keys a renamed variant's inventory records and
// their assignments.
func (cat *Catalog) moveVariantInventory(c *resource.Ctx, productID, oldID, newID string, tx *resource.Tx) error {
	records := cat.VariantInventoryRecords
	docs, err := c.Reg.All(c, records, []string{productID, oldID})
	if err != nil {
		return err
	}
	for _, d := range docs {
		tx.Delete(store.Key{PK: records.PK(productID, oldID), SK: api.Str(d, "ID")})
		tx.Put(records.Item([]string{productID, newID}, d, 0), store.Always)
	}
	asg := cat.VariantInventoryRecordAssignments
	asgs, err := c.Reg.AllAssignments(c, asg, productID, oldID)
	if err != nil {
		return err
	}
	for _, a := range asgs {
		tx.Delete(store.Key{PK: asg.PK(productID, oldID), SK: asg.SK(a)})
		tx.Put(asg.Item(a, productID, newID), store.Always)
	}
	return nil
}

// deleteVariantInventory removes a variant's inventory records and their
// assignments.
func (cat *Catalog) deleteVariantInventory(c *resource.Ctx, productID, variantID string, tx *resource.Tx) error {
	return tx.DeleteFound(c, store.Query{PK: cat.VariantInventoryRecords.PK(productID, variantID)},
		store.Query{PK: cat.VariantInventoryRecordAssignments.PK(productID, variantID)})
}

// deleteProductVariantData removes what lives under a deleted product:
// variants and inventory records (product and variant level) with their
// assignments.
func (cat *Catalog) deleteProductVariantData(c *resource.Ctx, productID string, tx *resource.Tx) error {
	variants, err := c.Reg.All(c, cat.Variants, []string{productID})
	if err != nil {
		return err
	}
	for _, v := range variants {
		if err := cat.deleteVariantInventory(c, productID, api.Str(v, "ID"), tx); err != nil {
			return err
		}
	}
	// The variants themselves, product-level records and their assignments.
	return c.Reg.DeleteScopedUnder(c, tx, "productID", productID, nil)
}

// variantSpecs gathers the product's variant-defining specs and options.
type variantSpecs struct {
	defs    []commerce.VariantSpecDef
	specs   map[string]api.Doc
	options map[string]api.Doc // by specID + "/" + optionID
}

func (cat *Catalog) loadVariantSpecs(c *resource.Ctx, productID string) (variantSpecs, error) {
	vs := variantSpecs{specs: map[string]api.Doc{}, options: map[string]api.Doc{}}
	asgs, err := c.Reg.AssignmentsWith(c, cat.SpecProductAssignments, "ProductID", productID)
	if err != nil {
		return vs, err
	}
	for _, a := range asgs {
		if api.Str(a, "ProductID") != productID {
			continue
		}
		e, err := c.Reg.Load(c, cat.Specs, nil, api.Str(a, "SpecID"))
		if err != nil || e.Doc["DefinesVariant"] != true {
			continue
		}
		spec := e.Doc
		opts, err := cat.specOptions(c, api.Str(spec, "ID"))
		if err != nil {
			return vs, err
		}
		def := commerce.VariantSpecDef{ID: api.Str(spec, "ID"), ListOrder: api.Int(spec["ListOrder"])}
		for _, o := range opts {
			def.Options = append(def.Options, commerce.VariantOptionDef{ID: api.Str(o, "ID"), ListOrder: api.Int(o["ListOrder"])})
			vs.options[def.ID+"/"+api.Str(o, "ID")] = o
		}
		vs.specs[def.ID] = spec
		vs.defs = append(vs.defs, def)
	}
	return vs, nil
}

// specsOf builds a variant's Specs list for a combination.
func (vs variantSpecs) specsOf(combo commerce.VariantCombo) []any {
	out := make([]any, 0, len(combo.Choices))
	for _, ch := range combo.Choices {
		o := vs.options[ch.SpecID+"/"+ch.OptionID]
		out = append(out, map[string]any{"SpecID": ch.SpecID, "Name": vs.specs[ch.SpecID]["Name"], "OptionID": ch.OptionID,
			"Value": o["Value"], "PriceMarkupType": o["PriceMarkupType"], "PriceMarkup": o["PriceMarkup"]})
	}
	return out
}

// variantKeyOf reads the combination a stored variant stands for.
func variantKeyOf(doc api.Doc) string {
	var choices []commerce.VariantChoice
	for _, s := range api.Maps(doc["Specs"]) {
		choices = append(choices, commerce.VariantChoice{SpecID: api.Str(s, "SpecID"), OptionID: api.Str(s, "OptionID")})
	}
	if len(choices) == 0 {
		return ""
	}
	return commerce.VariantKey(choices)
}

// generateVariants (re)generates a product's variants: one per combination
// of the options of its variant specs. Existing variants keep their edits
// unless overwriteExisting; variants of vanished combinations are removed
// with their inventory records. Returns the product with its VariantCount.
func (cat *Catalog) generateVariants(c *resource.Ctx) (any, error) {
	overrides := api.Doc{}
	if c.R.ContentLength != 0 {
		var err error
		if overrides, err = c.Decode(variantOverridesModel, true); err != nil {
			return nil, err
		}
	}
	overwrite := strings.EqualFold(c.Query("overwriteExisting"), "true")
	productID := c.Param("productID")
	products := cat.Products
	product, err := c.Reg.Load(c, products, nil, productID)
	if err != nil {
		return nil, err
	}
	if product.Doc["IsParent"] == true || api.Str(product.Doc, "ParentID") != "" {
		return nil, api.E(http.StatusBadRequest, "Product.ParentChildProductsCannotHaveVariants", nil)
	}
	if product.Doc["IsBundle"] == true {
		return nil, api.E(http.StatusBadRequest, "Product.BundleProductCannotHaveVariants", nil)
	}
	active, ok := overrides["Active"].(bool)
	if !ok {
		active = product.Doc["Active"] == true
	}
	pdoc, err := cat.regenerateVariants(c, product, active, overwrite)
	if err != nil {
		return nil, err
	}
	return c.Reg.Out(c, products, pdoc)
}

func (cat *Catalog) regenerateVariants(c *resource.Ctx, product *resource.Entity, active, overwrite bool) (api.Doc, error) {
	productID := api.Str(product.Doc, "ID")
	vs, err := cat.loadVariantSpecs(c, productID)
	if err != nil {
		return nil, err
	}
	combos, err := commerce.VariantCombinations(productID, vs.defs)
	if errors.Is(err, commerce.ErrTooManyVariants) {
		return nil, api.E(http.StatusBadRequest, "Variant.ExceededLimit", map[string]any{"Limit": commerce.MaxVariants})
	}
	if err != nil {
		return nil, err
	}
	variants := cat.Variants
	scope := []string{productID}
	stored, err := c.Reg.All(c, variants, scope)
	if err != nil {
		return nil, err
	}
	byID := map[string]api.Doc{}
	existing := make([]commerce.ExistingVariant, 0, len(stored))
	for _, d := range stored {
		byID[api.Str(d, "ID")] = d
		existing = append(existing, commerce.ExistingVariant{ID: api.Str(d, "ID"), Key: variantKeyOf(d)})
	}
	plan := commerce.PlanVariants(combos, existing, overwrite)

	tx := &resource.Tx{}
	// The product goes first so a concurrent change to it fails the first
	// batch and the whole generation is retried.
	pdoc := api.Clone(product.Doc)
	pdoc["VariantCount"] = api.Num(int64(len(combos)))
	if variantLevelTracking(pdoc) {
		// Stock of variants that go (or start afresh) leaves the product's sum.
		gone := int64(0)
		for _, id := range plan.Remove {
			gone += variantStock(byID[id])
		}
		for id := range plan.Reset {
			gone += variantStock(byID[id])
		}
		inv := pdoc["Inventory"].(map[string]any)
		inv["QuantityAvailable"] = api.Num(int64(api.Int(inv["QuantityAvailable"])) - gone)
	}
	tx.Put(cat.Products.Item(nil, pdoc, product.Item.Version), store.IfVersion)
	fresh := func(combo commerce.VariantCombo) api.Doc {
		return api.Complete(variants.ContractModel(), api.Doc{"ID": combo.ID, "Name": combo.ID, "Active": active, "Specs": vs.specsOf(combo)})
	}
	for _, combo := range plan.Create {
		tx.PutOr(variants.Item(scope, fresh(combo), 0), store.IfAbsent, api.IDExists("Variant", combo.ID))
	}
	for id, combo := range plan.Keep {
		d := api.Clone(byID[id])
		d["Specs"] = vs.specsOf(combo) // names, values and markups as they are now
		tx.Put(variants.Item(scope, d, 0), store.Always)
	}
	for id, combo := range plan.Reset {
		if id != combo.ID {
			tx.Delete(store.Key{PK: variants.PK(productID), SK: id})
			if err := cat.deleteVariantInventory(c, productID, id, tx); err != nil {
				return nil, err
			}
		}
		tx.Put(variants.Item(scope, fresh(combo), 0), store.Always)
	}
	for _, id := range plan.Remove {
		tx.Delete(store.Key{PK: variants.PK(productID), SK: id})
		if err := cat.deleteVariantInventory(c, productID, id, tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return pdoc, nil
}

// meVariant loads a variant of a product the buyer can see; inactive
// variants are hidden from buyers.
func (cat *Catalog) meVariant(c *resource.Ctx) (api.Doc, error) {
	productID := c.Param("productID")
	if _, err := cat.specMeProduct(c, productID); err != nil {
		return nil, err
	}
	e, err := c.Reg.Load(c, cat.Variants, []string{productID}, c.Param("variantID"))
	if err != nil {
		return nil, err
	}
	if e.Doc["Active"] != true {
		return nil, api.NotFound("Variant", c.Param("variantID"))
	}
	return e.Doc, nil
}

func (cat *Catalog) meListVariants(c *resource.Ctx) (any, error) {
	productID := c.Param("productID")
	if _, err := cat.specMeProduct(c, productID); err != nil {
		return nil, err
	}
	docs, err := c.Reg.All(c, cat.Variants, []string{productID})
	if err != nil {
		return nil, err
	}
	active := docs[:0]
	for _, d := range docs {
		if d["Active"] == true {
			active = append(active, d)
		}
	}
	return c.Reg.Page(c, variantModel, active, nil)
}

func (cat *Catalog) meGetVariant(c *resource.Ctx) (any, error) {
	d, err := cat.meVariant(c)
	if err != nil {
		return nil, err
	}
	return api.Ordered{Model: variantModel, Doc: d}, nil
}
