package orders

import (
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Inventory on orders (inventory-management.mdx, multi-location-inventory.mdx).
// A line draws its stock, on submit, from one place:
//
//   - the inventory record it names (InventoryRecordID; at the variant's
//     level when the product tracks stock per variant);
//   - nothing, when its product (or variant) has records but the line
//     names none, as the docs say;
//   - its variant, when the product tracks stock per variant;
//   - else its product, when the product tracks stock.
//
// What submit took is kept on the order (stockTakenField), so canceling or
// declining gives back exactly that, whatever the catalog has become.

// stockTakenField lists the stock an order's submit took.
const stockTakenField = "_stockTaken"

// stockSource is where a line's stock is drawn from; ok is false when
// nothing is.
func (s *Service) stockSource(c *resource.Ctx, product api.Doc, line api.Doc) (d catalog.StockDelta, ok bool, err error) {
	inv, _ := product["Inventory"].(map[string]any)
	if inv == nil || inv["Enabled"] != true {
		return d, false, nil
	}
	d.ProductID = api.Str(product, "ID")
	variantID := ""
	if v, _ := line["Variant"].(map[string]any); v != nil {
		variantID = api.Str(v, "ID")
	}
	perVariant := inv["VariantLevelTracking"] == true
	if perVariant {
		if variantID == "" {
			return d, false, nil
		}
		d.VariantID = variantID
	}
	if d.RecordID = api.Str(line, "InventoryRecordID"); d.RecordID != "" {
		return d, true, nil
	}
	records, scope := s.catalog.InventoryLevel(product, variantID)
	has, err := s.catalog.HasInventoryRecords(c, records, scope)
	return d, !has, err
}

// sameSource reports whether two lines of an order draw on the same stock.
func sameSource(a, b api.Doc) bool {
	vid := func(l api.Doc) string {
		v, _ := l["Variant"].(map[string]any)
		return api.Str(v, "ID")
	}
	return api.Str(a, "ProductID") == api.Str(b, "ProductID") && vid(a) == vid(b) &&
		api.Str(a, "InventoryRecordID") == api.Str(b, "InventoryRecordID")
}

// checkStock checks, as a line is added or changed, that the place it
// draws on has enough for it and the order's other lines drawing there
// (unless it may be oversold), and that an inventory record it names is
// one the order's user may draw on. The submit decides for good.
func (s *Service) checkStock(c *resource.Ctx, order, product, line api.Doc, others []api.Doc) error {
	var record api.Doc
	if rid := api.Str(line, "InventoryRecordID"); rid != "" {
		variantID := ""
		if v, _ := line["Variant"].(map[string]any); v != nil {
			variantID = api.Str(v, "ID")
		}
		e, err := s.catalog.UsableInventoryRecord(c, api.Str(order, "FromCompanyID"), api.Str(order, "FromUserID"), product, variantID, rid)
		if err != nil {
			return err
		}
		record = e.Doc
	}
	src, ok, err := s.stockSource(c, product, line)
	if err != nil || !ok {
		return err
	}
	inv, _ := product["Inventory"].(map[string]any)
	have, canExceed := int64(api.Int(inv["QuantityAvailable"])), inv["OrderCanExceed"] == true
	switch {
	case src.RecordID != "":
		have, canExceed = int64(api.Int(record["QuantityAvailable"])), record["OrderCanExceed"] == true
	case src.VariantID != "":
		variants, err := s.catalog.ProductVariants(c, src.ProductID)
		if err != nil {
			return err
		}
		have = 0
		for _, v := range variants {
			if api.Str(v, "ID") == src.VariantID {
				vinv, _ := v["Inventory"].(map[string]any)
				have = int64(api.Int(vinv["QuantityAvailable"]))
			}
		}
	}
	if canExceed {
		return nil
	}
	want := int64(api.Int(line["Quantity"]))
	for _, o := range others {
		if sameSource(o, line) {
			want += int64(api.Int(o["Quantity"]))
		}
	}
	if want > have {
		data := map[string]any{"ProductID": src.ProductID, "QuantityAvailable": have, "QuantityRequested": want}
		if src.VariantID != "" {
			data["VariantID"] = src.VariantID
		}
		if src.RecordID != "" {
			data["InventoryRecordID"] = src.RecordID
		}
		return api.Refused(commerce.ErrInsufficientStock, data)
	}
	return nil
}

// takeStock is the submit step taking each line's stock, conditionally:
// a place that ran out fails the whole submit (Inventory.Insufficient),
// and what was taken is kept on the order for a cancel to give back.
func (s *Service) takeStock(c *resource.Ctx, sub *Submission) error {
	var order []string
	seen := map[string]bool{}
	for _, l := range sub.Lines {
		if pid := api.Str(l, "ProductID"); l["IsBundle"] != true && !seen[pid] {
			seen[pid] = true
			order = append(order, pid)
		}
	}
	products := s.catalog.Products
	keys := make([]store.Key, len(order))
	for i, pid := range order {
		keys[i] = products.Key(nil, pid)
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return err
	}
	docs := map[string]api.Doc{}
	for i, pid := range order {
		it, ok := got[keys[i]]
		if !ok {
			return api.E(http.StatusBadRequest, "Order.ProductsNotFound", map[string]any{"ProductIDs": []string{pid}})
		}
		pd, err := resource.DecodeItem(it)
		if err != nil {
			return err
		}
		if pd["Active"] != true {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitWithInactiveProduct", map[string]any{"ProductID": pid})
		}
		docs[pid] = pd
	}
	var deltas []catalog.StockDelta
	var taken []any
	for _, l := range sub.Lines {
		if l["IsBundle"] == true || api.Str(l, "IncomingOrderID") != "" {
			continue // a bundle's own line; a split line, taken on its incoming order
		}
		d, ok, err := s.stockSource(c, docs[api.Str(l, "ProductID")], l)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		qty := int64(api.Int(l["Quantity"]))
		d.Delta = -qty
		deltas = append(deltas, d)
		taken = append(taken, map[string]any{"ProductID": d.ProductID, "VariantID": d.VariantID, "InventoryRecordID": d.RecordID,
			"Quantity": api.Num(qty)})
	}
	if len(deltas) == 0 {
		return nil
	}
	if err := s.catalog.ApplyStock(c, sub.Tx, deltas, true); err != nil {
		return err
	}
	sub.Order[stockTakenField] = taken
	return nil
}

// ReturnStock queues into tx the return of the stock the order's submit
// took (for a cancel or a decline: the caller writes the order in tx) and
// forgets it on the order, so it is given back once. Places that have
// gone since are skipped.
func (s *Service) ReturnStock(c *resource.Ctx, order api.Doc, tx *resource.Tx) error {
	var deltas []catalog.StockDelta
	for _, t := range api.Maps(order[stockTakenField]) {
		deltas = append(deltas, catalog.StockDelta{ProductID: api.Str(t, "ProductID"), VariantID: api.Str(t, "VariantID"),
			RecordID: api.Str(t, "InventoryRecordID"), Delta: int64(api.Int(t["Quantity"]))})
	}
	delete(order, stockTakenField)
	if len(deltas) == 0 {
		return nil
	}
	return s.catalog.ApplyStock(c, tx, deltas, false)
}
