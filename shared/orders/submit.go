package orders

import (
	"context"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Submit opens the order in one transaction with the conditional decrement
// of every tracked product's stock: either the order is submitted and all
// stock taken, or nothing changes.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, dir Direction, id string) (api.Doc, error) {
	c := s.reg.Context(ctx, p)
	e, err := s.load(c, dir, id)
	if err != nil {
		return nil, err
	}
	lines, err := s.lines(c, id)
	if err != nil {
		return nil, err
	}
	status, err := commerce.Submit(api.Str(e.Doc, "Status"), len(lines))
	if err != nil {
		return nil, err
	}
	need := map[string]int64{}
	var order []string
	for _, l := range lines {
		pid := api.Str(l, "ProductID")
		if _, seen := need[pid]; !seen {
			order = append(order, pid)
		}
		need[pid] += int64(api.Int(l["Quantity"]))
	}
	products := s.catalog.Products
	keys := make([]store.Key, len(order))
	for i, pid := range order {
		keys[i] = store.Key{PK: products.PK(), SK: pid}
	}
	got, err := c.Deps.Store.BatchGet(c, keys)
	if err != nil {
		return nil, err
	}
	doc := api.Clone(e.Doc)
	now := api.Now()
	doc["Status"], doc["IsSubmitted"], doc["DateSubmitted"], doc["LastUpdated"] = status, true, now, now
	tx := &resource.Tx{}
	tx.Put(s.orderItem(doc, e.Item.Version), store.IfVersion)
	for _, pid := range order {
		it, ok := got[store.Key{PK: products.PK(), SK: pid}]
		if !ok {
			return nil, api.E(http.StatusBadRequest, "Order.ProductsNotFound", map[string]any{"ProductIDs": []string{pid}})
		}
		pd, _ := api.DecodeDoc(it.Doc)
		if pd["Active"] != true {
			return nil, api.E(http.StatusBadRequest, "Order.CannotSubmitWithInactiveProduct", map[string]any{"ProductID": pid})
		}
		inv, _ := pd["Inventory"].(map[string]any)
		if it.Stock == nil || inv == nil {
			continue
		}
		// Taking the stock fails the whole submit when it ran out.
		tx.AddOr(store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: need[pid], Floorless: inv["OrderCanExceed"] == true},
			api.Refused(commerce.ErrInsufficientStock, map[string]any{"ProductID": pid,
				"QuantityAvailable": *it.Stock, "QuantityRequested": need[pid]}))
	}
	if err := tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}
