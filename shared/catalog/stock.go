package catalog

import (
	"encoding/json"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Stock and where it is kept. A product's Inventory.QuantityAvailable is
// its stock mirror (the item's numeric Q, decremented in place). A variant
// of a product tracking stock per variant keeps its own in
// Inventory.QuantityAvailable, and an inventory record in its
// QuantityAvailable. Sums are kept in the transaction of every change:
//
//   - a product with inventory records holds the sum of its records; one
//     tracking per variant holds the sum of its variants;
//   - a variant with inventory records holds the sum of its records.
//
// A holder's own figure (written before its first record, or while it has
// records) is kept aside in _ownStock and comes back when its last record
// goes, as the multi-location inventory doc describes.

// ownStockField keeps a holder's own figure while records stand in for it.
const ownStockField = "_ownStock"

// StockDelta is a change of the stock held at one place: a product, a
// variant (ProductID and VariantID) or an inventory record (RecordID, with
// VariantID for a variant-level record).
type StockDelta struct {
	ProductID, VariantID, RecordID string
	Delta                          int64 // added; negative takes
}

// ApplyStock queues stock changes an order makes (taken on submit, given
// back on cancel) into tx, with their sums. Records and variants are
// rewritten with their new quantity, conditioned on the version read (a
// concurrent change makes the request try again); a product's mirror is
// changed atomically. When check is set, a take that exceeds what the
// place has is refused (Inventory.Insufficient) unless it may be
// oversold, and a product's own take is conditioned on its stock at
// commit. Places that have gone since are skipped.
func (cat *Catalog) ApplyStock(c *resource.Ctx, tx *resource.Tx, deltas []StockDelta, check bool) error {
	type variantKey struct{ product, variant string }
	type recordKey struct{ product, variant, record string }
	var (
		productOrder []string
		product      = map[string]int64{}
		productOwn   = map[string]bool{}
		variantOrder []variantKey
		variant      = map[variantKey]int64{}
		variantOwn   = map[variantKey]bool{}
		recordOrder  []recordKey
		record       = map[recordKey]int64{}
	)
	addProduct := func(pid string, d int64, own bool) {
		if _, ok := product[pid]; !ok {
			productOrder = append(productOrder, pid)
		}
		product[pid] += d
		productOwn[pid] = productOwn[pid] || own
	}
	addVariant := func(k variantKey, d int64, own bool) {
		if _, ok := variant[k]; !ok {
			variantOrder = append(variantOrder, k)
		}
		variant[k] += d
		variantOwn[k] = variantOwn[k] || own
	}
	for _, d := range deltas {
		switch {
		case d.RecordID != "":
			k := recordKey{d.ProductID, d.VariantID, d.RecordID}
			if _, ok := record[k]; !ok {
				recordOrder = append(recordOrder, k)
			}
			record[k] += d.Delta
			if d.VariantID != "" {
				addVariant(variantKey{d.ProductID, d.VariantID}, d.Delta, false)
			}
			addProduct(d.ProductID, d.Delta, false)
		case d.VariantID != "":
			addVariant(variantKey{d.ProductID, d.VariantID}, d.Delta, true)
			addProduct(d.ProductID, d.Delta, false)
		default:
			addProduct(d.ProductID, d.Delta, true)
		}
	}
	products, err := cat.productItems(c, productOrder)
	if err != nil {
		return err
	}
	canExceed := func(pid string) bool {
		d, _ := api.DecodeDoc(products[pid].Doc)
		inv, _ := d["Inventory"].(map[string]any)
		return inv != nil && inv["OrderCanExceed"] == true
	}
	insufficient := func(data map[string]any, have, want int64) error {
		data["QuantityAvailable"], data["QuantityRequested"] = have, want
		return api.Refused(commerce.ErrInsufficientStock, data)
	}
	for _, k := range recordOrder {
		records, scope := cat.InventoryRecords, []string{k.product}
		if k.variant != "" {
			records, scope = cat.VariantInventoryRecords, []string{k.product, k.variant}
		}
		e, err := c.Reg.Load(c, records, scope, k.record)
		if err != nil {
			if check {
				return api.NotFound("InventoryRecord", k.record)
			}
			continue
		}
		have, d := int64(api.Int(e.Doc["QuantityAvailable"])), record[k]
		if check && d < 0 && have+d < 0 && e.Doc["OrderCanExceed"] != true {
			return insufficient(map[string]any{"ProductID": k.product, "InventoryRecordID": k.record}, have, -d)
		}
		doc := api.Clone(e.Doc)
		doc["QuantityAvailable"], doc["LastUpdated"] = api.Num(have+d), api.Now()
		tx.Knows(e.Item)
		tx.Put(records.Item(scope, doc, e.Item.Version), store.IfVersion)
	}
	for _, k := range variantOrder {
		e, err := c.Reg.Load(c, cat.Variants, []string{k.product}, k.variant)
		if err != nil {
			continue
		}
		have, d := variantStock(e.Doc), variant[k]
		if check && variantOwn[k] && d < 0 && have+d < 0 && !canExceed(k.product) {
			return insufficient(map[string]any{"ProductID": k.product, "VariantID": k.variant}, have, -d)
		}
		doc := withVariantStock(e.Doc, have+d)
		tx.Knows(e.Item)
		tx.Put(cat.Variants.Item([]string{k.product}, doc, e.Item.Version), store.IfVersion)
	}
	for _, pid := range productOrder {
		it, ok := products[pid]
		if !ok || it.Stock == nil || product[pid] == 0 {
			continue
		}
		d := product[pid]
		conditional := check && productOwn[pid] && d < 0 && !canExceed(pid)
		op := store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: -d, Floorless: !conditional}
		if conditional && *it.Stock < -d {
			// Short as read: refused now (a validation's dry run never
			// commits, so the condition below would not tell it).
			return insufficient(map[string]any{"ProductID": pid}, *it.Stock, -d)
		}
		if conditional {
			tx.AddOr(op, insufficient(map[string]any{"ProductID": pid}, *it.Stock, -d))
			continue
		}
		tx.Add(op)
	}
	return nil
}

// productItems reads products' items at once (their stock mirrors as they
// are now).
func (cat *Catalog) productItems(c *resource.Ctx, ids []string) (map[string]store.Item, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = cat.Products.Key(nil, id)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Item, len(got))
	for i, id := range ids {
		if it, ok := got[keys[i]]; ok {
			out[id] = it
		}
	}
	return out, nil
}

// variantStock is a variant's own quantity.
func variantStock(v api.Doc) int64 {
	inv, _ := v["Inventory"].(map[string]any)
	return int64(api.Int(inv["QuantityAvailable"]))
}

// withVariantStock is a copy of a variant holding qty.
func withVariantStock(v api.Doc, qty int64) api.Doc {
	doc := api.Clone(v)
	inv, _ := doc["Inventory"].(map[string]any)
	if inv == nil {
		inv = map[string]any{}
		doc["Inventory"] = inv
	}
	inv["QuantityAvailable"], inv["LastUpdated"] = api.Num(qty), api.Now()
	return doc
}

// --- sums kept by catalog writes ------------------------------------------

// recordStockChanged keeps the sums when an inventory record is created,
// changed (old set) or deleted (doc nil): its holder (the product, or the
// variant for a variant-level record) moves by the record's change, taking
// the record's quantity outright when it is the first and its own figure
// back when it was the last; a variant's change moves its product.
func (cat *Catalog) recordStockChanged(c *resource.Ctx, tx *resource.Tx, variantLevel bool, old, doc api.Doc) error {
	delta := int64(api.Int(qtyOf(doc)) - api.Int(qtyOf(old)))
	first, last := false, false
	if old == nil || doc == nil {
		records, scope := cat.InventoryRecords, []string{c.Param("productID")}
		if variantLevel {
			records, scope = cat.VariantInventoryRecords, []string{c.Param("productID"), c.Param("variantID")}
		}
		items, err := c.Deps.Store.Query(c, store.Query{PK: records.PK(scope...), Limit: 2, KeysOnly: true})
		if err != nil {
			return err
		}
		first, last = old == nil && len(items) == 0, doc == nil && len(items) <= 1
	}
	if delta == 0 && !first && !last {
		return nil
	}
	hold := func(current int64, d api.Doc) (int64, api.Doc) {
		d = api.Clone(d)
		switch {
		case first:
			d[ownStockField] = api.Num(current)
			return int64(api.Int(qtyOf(doc))), d
		case last:
			own := int64(api.Int(d[ownStockField]))
			delete(d, ownStockField)
			return own, d
		}
		return current + delta, d
	}
	pid := c.Param("productID")
	if !variantLevel {
		p, err := c.Reg.Load(c, cat.Products, nil, pid)
		if err != nil {
			return err
		}
		if p.Item.Stock == nil {
			return nil
		}
		qty, d := hold(*p.Item.Stock, p.Doc)
		d["Inventory"].(map[string]any)["QuantityAvailable"] = api.Num(qty)
		it := cat.Products.Item(nil, d, p.Item.Version)
		tx.Knows(p.Item)
		tx.Put(it, store.IfVersion)
		return nil
	}
	v, err := c.Reg.Load(c, cat.Variants, []string{pid}, c.Param("variantID"))
	if err != nil {
		return err
	}
	was := variantStock(v.Doc)
	qty, d := hold(was, v.Doc)
	tx.Knows(v.Item)
	tx.Put(cat.Variants.Item([]string{pid}, withVariantStock(d, qty), v.Item.Version), store.IfVersion)
	return cat.productStockMoves(c, tx, pid, qty-was)
}

// productStockMoves moves a product's stock mirror by delta (its variants'
// sum changed), when the product tracks stock.
func (cat *Catalog) productStockMoves(c *resource.Ctx, tx *resource.Tx, productID string, delta int64) error {
	if delta == 0 {
		return nil
	}
	items, err := cat.productItems(c, []string{productID})
	if err != nil {
		return err
	}
	it, ok := items[productID]
	if !ok || it.Stock == nil {
		return nil
	}
	tx.Add(store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: -delta, Floorless: true})
	return nil
}

func qtyOf(d api.Doc) any {
	if d == nil {
		return nil
	}
	return d["QuantityAvailable"]
}

// keepHeldStock keeps a holder's quantity as the sum of its records when a
// write of the holder sets it: the written figure is kept aside as its own
// (see ownStockField). inv is the holder's Inventory as written, oldInv as
// stored.
func keepHeldStock(doc, old api.Doc, inv, oldInv map[string]any) {
	if inv == nil || oldInv == nil {
		return
	}
	written, _ := json.Marshal(inv["QuantityAvailable"])
	held, _ := json.Marshal(oldInv["QuantityAvailable"])
	if inv["QuantityAvailable"] == nil {
		inv["QuantityAvailable"] = oldInv["QuantityAvailable"]
		return
	}
	if string(written) == string(held) {
		return
	}
	doc[ownStockField] = inv["QuantityAvailable"]
	inv["QuantityAvailable"] = oldInv["QuantityAvailable"]
}

// productStockWrite keeps a product's stock right across a write of the
// product: while it has records its quantity stays their sum; when it
// starts tracking stock per variant its quantity becomes their sum.
func (cat *Catalog) productStockWrite(c *resource.Ctx, old, doc api.Doc) error {
	inv, _ := doc["Inventory"].(map[string]any)
	if old == nil || inv == nil || inv["Enabled"] != true {
		return nil
	}
	oldInv, _ := old["Inventory"].(map[string]any)
	pid := api.Str(old, "ID")
	if inv["VariantLevelTracking"] == true && !variantLevelTracking(old) {
		variants, err := c.Reg.All(c, cat.Variants, []string{pid})
		if err != nil {
			return err
		}
		var sum int64
		for _, v := range variants {
			sum += variantStock(v)
		}
		inv["QuantityAvailable"] = api.Num(sum)
		return nil
	}
	if inv["VariantLevelTracking"] == true {
		keepHeldStock(doc, old, inv, oldInv) // the variants' sum
		return nil
	}
	has, err := cat.HasInventoryRecords(c, cat.InventoryRecords, []string{pid})
	if err != nil || !has {
		return err
	}
	keepHeldStock(doc, old, inv, oldInv)
	return nil
}

// variantStockWrite keeps the sums across a write of a variant of a
// product tracking stock per variant: a variant with records keeps their
// sum, and the product moves by the variant's change.
func (cat *Catalog) variantStockWrite(c *resource.Ctx, tx *resource.Tx, product, old, doc api.Doc) error {
	if !variantLevelTracking(product) {
		return nil
	}
	productID := api.Str(product, "ID")
	has, err := cat.HasInventoryRecords(c, cat.VariantInventoryRecords, []string{productID, api.Str(old, "ID")})
	if err != nil {
		return err
	}
	if has {
		inv, _ := doc["Inventory"].(map[string]any)
		oldInv, _ := old["Inventory"].(map[string]any)
		if inv == nil {
			doc["Inventory"] = oldInv
		}
		keepHeldStock(doc, old, inv, oldInv)
		return nil
	}
	return cat.productStockMoves(c, tx, productID, variantStock(doc)-variantStock(old))
}
