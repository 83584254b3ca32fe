package integrations

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Delivery outcomes in the log.
const (
	StatusDelivered    = "Delivered"
	StatusFailed       = "Failed"       // retries ran out; the platform retries the event, then dead-letters it
	StatusDeadLettered = "DeadLettered" // retries ran out; handed to the dead-letter handler
)

// The delivery log: one item per outcome in one partition, newest last by
// sort key, kept deliveryLogTTL (the table's TTL deletes them).
const (
	DeliveryLogType = "DeliveryLog"
	deliveryLogTTL  = 7 * 24 * time.Hour
	// DeliveriesPath is the admin's read of the log (beyond OrderCloud).
	DeliveriesPath = "/v1/integrations/deliveries"
)

// DeliveryLog records delivery outcomes in the store.
type DeliveryLog struct{ Store store.Store }

// Record writes one outcome of d.
func (l *DeliveryLog) Record(ctx context.Context, d Delivery, status string, attempts int, err error) error {
	now := time.Now().UTC()
	entry := map[string]any{"DeliveryID": d.ID, "Kind": d.Kind, "Source": d.Source, "Url": d.URL, "Status": status,
		"Attempts": attempts, "Date": api.FormatTime(now), "Error": nil}
	if err != nil {
		entry["Error"] = err.Error()
	}
	doc, _ := json.Marshal(entry)
	// The sort key orders by time; the nanoseconds and ID keep two
	// outcomes of one instant apart.
	sk := fmt.Sprintf("%s#%s", now.Format("2006-01-02T15:04:05.000000000Z"), d.ID)
	_, perr := l.Store.Put(ctx, store.Item{PK: DeliveryLogType, SK: sk, Type: DeliveryLogType, ID: d.ID, Doc: doc,
		Expires: now.Add(deliveryLogTTL).Unix()}, store.Always)
	return perr
}

// Recent returns up to n outcomes, newest first.
func (l *DeliveryLog) Recent(ctx context.Context, n int) ([]json.RawMessage, error) {
	items, err := l.Store.Query(ctx, store.Query{PK: DeliveryLogType, Desc: true, Limit: n})
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		out = append(out, json.RawMessage(it.Doc))
	}
	return out, nil
}

// DeliveryLog is the log of this marketplace's deliveries.
func (in *Integrations) DeliveryLog() *DeliveryLog { return &DeliveryLog{Store: in.reg.Deps().Store} }

// deliveryLogRoles may read the log: the marketplace's admins who may read
// webhooks.
var deliveryLogRoles = []string{"WebhookReader", "WebhookAdmin", "FullAccess"}

// declareDeliveryLog serves GET /v1/integrations/deliveries?pageSize=n:
// the most recent delivery outcomes (at most 100), to marketplace admins.
func (in *Integrations) declareDeliveryLog(r *resource.Registry) {
	r.HandleRoute(resource.Route{Pattern: "GET " + DeliveriesPath, Handler: func(w http.ResponseWriter, req *http.Request) {
		deps := r.Deps()
		p, err := resource.Authenticate(deps.Signer, req)
		if err != nil {
			api.WriteError(w, err)
			return
		}
		if !p.HasAny(deliveryLogRoles) {
			api.WriteError(w, api.InsufficientRoles(deliveryLogRoles))
			return
		}
		if p.UserType != auth.Admin {
			api.WriteError(w, api.NotForUserType(""))
			return
		}
		size := 20
		if s := req.URL.Query().Get("pageSize"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100 {
				api.WriteError(w, api.Validation("pageSize", "pageSize must be between 1 and 100."))
				return
			}
			size = n
		}
		items, err := in.DeliveryLog().Recent(req.Context(), size)
		if err != nil {
			api.WriteError(w, err)
			return
		}
		api.WriteJSON(w, http.StatusOK, map[string]any{"Meta": map[string]any{"PageSize": size}, "Items": items})
	}})
}
