package orders

import (
	"context"

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
