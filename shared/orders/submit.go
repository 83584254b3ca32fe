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

// Submit submits the order: the submit steps (see OnSubmit) check it,
// decide its status and add their writes, and everything is committed in
// one transaction with the order's versioned write — either the order is
// submitted with all its effects (stock taken, …) or nothing changes.
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
	doc := api.Clone(e.Doc)
	now := api.Now()
	doc["Status"], doc["IsSubmitted"], doc["DateSubmitted"], doc["LastUpdated"] = status, true, now, now
	sub := &Submission{Order: doc, Lines: lines, Tx: &resource.Tx{}}
	sub.Tx.Knows(e.Item)
	for _, step := range s.submitSteps {
		if err := step(c, sub); err != nil {
			return nil, err
		}
	}
	sub.Tx.Lead(store.Op{Put: ptr(s.orderItem(doc, e.Item.Version)), Cond: store.IfVersion}, nil)
	if err := sub.Tx.Commit(c); err != nil {
		return nil, err
	}
	return doc, nil
}

func ptr[T any](v T) *T { return &v }

// takeStock is the submit step taking the stock of every tracked product,
// conditionally: a product that ran out fails the whole submit.
func (s *Service) takeStock(c *resource.Ctx, sub *Submission) error {
	need := map[string]int64{}
	var order []string
	for _, l := range sub.Lines {
		pid := api.Str(l, "ProductID")
		if _, seen := need[pid]; !seen {
			order = append(order, pid)
		}
		need[pid] += int64(api.Int(l["Quantity"]))
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
	for i, pid := range order {
		it, ok := got[keys[i]]
		if !ok {
			return api.E(http.StatusBadRequest, "Order.ProductsNotFound", map[string]any{"ProductIDs": []string{pid}})
		}
		pd, _ := api.DecodeDoc(it.Doc)
		if pd["Active"] != true {
			return api.E(http.StatusBadRequest, "Order.CannotSubmitWithInactiveProduct", map[string]any{"ProductID": pid})
		}
		inv, _ := pd["Inventory"].(map[string]any)
		if it.Stock == nil || inv == nil {
			continue
		}
		if sub.DryRun && inv["OrderCanExceed"] != true && *it.Stock < need[pid] {
			return api.Refused(commerce.ErrInsufficientStock, map[string]any{"ProductID": pid,
				"QuantityAvailable": *it.Stock, "QuantityRequested": need[pid]})
		}
		sub.Tx.AddOr(store.Op{Decrement: &store.Key{PK: it.PK, SK: it.SK}, Amount: need[pid], Floorless: inv["OrderCanExceed"] == true},
			api.Refused(commerce.ErrInsufficientStock, map[string]any{"ProductID": pid,
				"QuantityAvailable": *it.Stock, "QuantityRequested": need[pid]}))
	}
	return nil
}
