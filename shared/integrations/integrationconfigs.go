package integrations

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The inventory, promotion and subscription integrations are one-of
// configurations. The inventory integration delivers stock changes of
// products and inventory records to its delivery config (inventoryChange);
// the promotion and subscription ones are kept for the parts of the API
// that call them (promotion evaluation with UseIntegration, subscription
// processing), which are not this package's.

func (s *syncs) declareIntegrationConfigs(r *resource.Registry) {
	s.singleton(r, "InventoryIntegration", "InventoryIntegration", crud("InventoryIntegrations"))
	s.singleton(r, "PromotionIntegration", "PromotionIntegration", crud("PromotionIntegrations"))
	sub := s.singleton(r, "SubscriptionIntegration", "SubscriptionIntegration", crud("SubscriptionIntegrations"))
	sub.AlsoPrepare(func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		if n, ok := doc["NotificationDays"].(json.Number); ok {
			if v, err := n.Int64(); err != nil || v < 1 {
				return api.Validation("NotificationDays", "NotificationDays must be at least 1.")
			}
		}
		if api.Str(old, "ApiClientID") == api.Str(doc, "ApiClientID") {
			return nil
		}
		client, err := s.reg.Load(c, s.in.access.ApiClients, nil, api.Str(doc, "ApiClientID"))
		if err != nil {
			return err
		}
		if api.Str(client.Doc, "OrderCheckoutIntegrationEventID") != "" {
			return api.E(http.StatusBadRequest, "SubscriptionIntegration.CannotUseApiClient", map[string]any{"ApiClientID": api.Str(doc, "ApiClientID")})
		}
		return nil
	})
	// An API client a subscription integration uses stays.
	s.in.access.ApiClients.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		e, err := s.reg.Load(c, sub, nil, "SubscriptionIntegration")
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if api.Str(e.Doc, "ApiClientID") == api.Str(doc, "ID") {
			return api.E(http.StatusBadRequest, "ApiClient.UsedByIntegration", map[string]any{"ApiClientID": api.Str(doc, "ID")})
		}
		return nil
	})
}

// inventoryChange delivers a change of a product's or inventory record's
// QuantityAvailable to the inventory integration's delivery config; with
// LimitNotifications, only the crossings that matter: reaching zero or
// below, rising above zero again, reaching the NotificationPoint or
// rising above it.
func (s *syncs) inventoryChange(ctx context.Context, ch Change) ([]Delivery, error) {
	if ch.Type != "Product" && ch.Type != "InventoryRecord" || changeKind(ch) != "Updated" && changeKind(ch) != "Created" {
		return nil, nil
	}
	was, wasOK := quantity(ch.Type, ch.Old)
	is, isOK := quantity(ch.Type, ch.New)
	if !isOK || wasOK && was == is {
		return nil, nil
	}
	c := s.bgCtx(ctx)
	cfg, dc, err := s.activeConfig(c, "InventoryIntegration")
	if err != nil || cfg == nil {
		return nil, err
	}
	if limit, _ := cfg["LimitNotifications"].(bool); limit && wasOK {
		point, hasPoint := notificationPoint(ch.Type, ch.New)
		crossed := is <= 0 || (was <= 0 && is > 0) || hasPoint && (is <= point && was > point || was <= point && is > point)
		if !crossed {
			return nil, nil
		}
	}
	msg := SyncMessage{Action: "InventoryChanged", EntityType: ch.Type, EntityID: ch.ID, Date: api.Now(), Entity: s.render(ch.Type, ch.New)}
	ds, err := deliveriesTo(dc, ch.EventID, "InventoryIntegration", msg)
	for i := range ds {
		ds[i].Kind = "inventory"
	}
	return ds, err
}

// quantity reads QuantityAvailable (a product's under Inventory, only when
// its inventory is tracked).
func quantity(typ string, doc map[string]any) (int64, bool) {
	src := doc
	if typ == "Product" {
		inv, _ := doc["Inventory"].(map[string]any)
		if en, _ := inv["Enabled"].(bool); !en {
			return 0, false
		}
		src = inv
	}
	return number(src["QuantityAvailable"])
}

func notificationPoint(typ string, doc map[string]any) (int64, bool) {
	src := doc
	if typ == "Product" {
		src, _ = doc["Inventory"].(map[string]any)
	}
	return number(src["NotificationPoint"])
}

// number reads an integer decoded from JSON (json.Number or float64).
func number(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), true
	}
	return 0, false
}
