package marketplace

import (
	"fmt"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Incrementors hand out sequential numbers for IDs such as
// "SO-{orderIncrementor}". The stored Incrementor doc keeps the number set
// by its last write (the base); a separate counter item counts the numbers
// handed out since, with DynamoDB's atomic ADD, so concurrent creates
// never share a number. LastNumber as read is base + counter. A write that
// changes LastNumber sets a new base and resets the counter in the same
// transaction.

func incrementorCounterKey(id string) store.Key {
	return store.Key{PK: "Counter#Incrementor", SK: id}
}

func (m *Marketplace) declareIncrementors(r *resource.Registry) {
	m.Incrementors = r.Add(&resource.Resource{Name: "Incrementors", Model: "Incrementor", IDParam: "incrementorID",
		Prepare: prepareIncrementor, Present: presentIncrementor, BeforeDelete: deleteIncrementorCounter})
	r.FillID = m.fillIncrementors
}

func prepareIncrementor(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if n := api.Int(doc["LastNumber"]); n < 0 {
		return api.Validation("LastNumber", "LastNumber cannot be negative.")
	}
	if n := api.Int(doc["LeftPaddingCount"]); n < 0 || n > 50 {
		return api.Validation("LeftPaddingCount", "LeftPaddingCount must be between 0 and 50.")
	}
	if old == nil || api.Int(old["LastNumber"]) != api.Int(doc["LastNumber"]) {
		k := incrementorCounterKey(api.Str(doc, "ID"))
		tx.Put(store.Item{PK: k.PK, SK: k.SK, Type: "Counter", ID: k.SK}, store.Always)
	}
	return nil
}

func presentIncrementor(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	// Adding 0 reads the counter (creating it at 0 when missing).
	n, err := c.Deps.Store.Increment(c, incrementorCounterKey(api.Str(doc, "ID")), 0)
	if err != nil {
		return nil, err
	}
	d := api.Clone(doc)
	d["LastNumber"] = api.Num(int64(api.Int(doc["LastNumber"])) + n)
	return d, nil
}

func deleteIncrementorCounter(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	tx.Delete(incrementorCounterKey(api.Str(doc, "ID")))
	return nil
}

// fillIncrementors replaces each "{incrementorID}" of id with that
// incrementor's next number, left-padded with zeros.
func (m *Marketplace) fillIncrementors(c *resource.Ctx, id string) (string, error) {
	var firstErr error
	out := api.IncrementorPlaceholder.ReplaceAllStringFunc(id, func(ph string) string {
		if firstErr != nil {
			return ph
		}
		incID := strings.Trim(ph, "{}")
		e, err := c.Reg.Load(c, m.Incrementors, nil, incID)
		if err != nil {
			firstErr = err
			return ph
		}
		n, err := c.Deps.Store.Increment(c, incrementorCounterKey(incID), 1)
		if err != nil {
			firstErr = err
			return ph
		}
		return fmt.Sprintf("%0*d", api.Int(e.Doc["LeftPaddingCount"]), int64(api.Int(e.Doc["LastNumber"]))+n)
	})
	if firstErr != nil {
		return "", firstErr
	}
	if !api.ValidID(out) {
		return "", api.Validation("ID", "ID can only contain characters Aa-Zz, 0-9, -, and _.")
	}
	return out, nil
}
