package integrations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// syncs holds the delivery configurations and what uses them: entity,
// product and order syncs, the error config, tracking events and the
// inventory, promotion and subscription integrations.
type syncs struct {
	in              *Integrations
	reg             *resource.Registry
	deliveryConfigs *resource.Resource
	trackingEvents  *resource.Resource
	// configs are the marketplace's one-of configurations by name.
	configs map[string]*resource.Resource
}

// declareSyncs declares the delivery configurations, the syncs and the
// integration configs, and the change handler that syncs from the stream.
func (in *Integrations) declareSyncs(r *resource.Registry) {
	s := &syncs{in: in, reg: r, configs: map[string]*resource.Resource{}}
	in.syncs = s
	// The tables below name resources: a name that resolves to none fails
	// composition (and so every test), not a sync at run time.
	for _, es := range entitySyncs {
		mustResource(r, es.Resource)
	}
	for _, name := range typeResources {
		mustResource(r, name)
	}
	s.declareDeliveryConfigs(r)
	for _, es := range entitySyncs {
		ops := map[string]string{}
		for verb, op := range es.Ops {
			ops[verb] = "EntitySyncs." + op
		}
		s.singleton(r, "EntitySyncConfig", es.Name, ops)
		r.Handle("EntitySyncs."+es.SyncOp, s.forceSync(es))
		r.MarketplaceOnly("EntitySyncs." + es.SyncOp)
	}
	s.singleton(r, "ProductSyncConfig", "ProductSync", crud("ProductSyncs"))
	r.Handle("ProductSyncs.Sync", s.forceSync(productSync))
	r.MarketplaceOnly("ProductSyncs.Sync")
	s.singleton(r, "OrderSyncConfig", "OrderSync", crud("OrderSyncs"))
	s.declareErrorConfig(r)
	s.declareTrackingEvents(r)
	s.declareIntegrationConfigs(r)
	in.OnChange(s.syncChange)
	in.OnChange(s.trackingChange)
	in.OnChange(s.inventoryChange)
}

// crud names the four operations of a one-of configuration resource.
func crud(resource string) map[string]string {
	return map[string]string{"Get": resource + ".Get", "Save": resource + ".Save", "Patch": resource + ".Patch", "Delete": resource + ".Delete"}
}

// singleton serves a configuration the marketplace has at most one of (per
// entity type), at a path without an ID: GET, PUT (create or replace),
// PATCH and DELETE of the one entity of a collection, stored under a fixed
// ID, through the engine's writes (contract validation, DeliveryConfigID
// checked to exist, use markers kept). Only marketplace users may.
func (s *syncs) singleton(r *resource.Registry, model, id string, ops map[string]string) *resource.Resource {
	res := r.Add(&resource.Resource{Name: "Integrations." + id, Model: model, Kind: model, Ops: []string{},
		Refs: []resource.Ref{{Field: "DeliveryConfigID", Resource: "DeliveryConfigurations"}},
		Prepare: func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
			markUse(tx, model+"#"+id, old, doc)
			return nil
		},
		BeforeDelete: func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
			markUse(tx, model+"#"+id, doc, nil)
			return nil
		}})
	s.configs[id] = res
	load := func(c *resource.Ctx) (*resource.Entity, error) { return r.Load(c, res, nil, id) }
	for verb, op := range ops {
		r.MarketplaceOnly(op)
		switch verb {
		case "Get":
			r.Handle(op, func(c *resource.Ctx) (any, error) {
				e, err := load(c)
				if err != nil {
					return nil, err
				}
				return r.Out(c, res, e.Doc)
			})
		case "Save":
			r.Handle(op, func(c *resource.Ctx) (any, error) {
				doc, err := c.Decode(res.ContractModel(), false)
				if err != nil {
					return nil, err
				}
				doc["ID"] = id
				old, err := load(c)
				if isNotFound(err) {
					return r.Insert(c, res, nil, doc)
				}
				if err != nil {
					return nil, err
				}
				return r.Replace(c, res, nil, old, doc)
			})
		case "Patch":
			r.Handle(op, func(c *resource.Ctx) (any, error) {
				patch, err := c.Decode(res.ContractModel(), true)
				if err != nil {
					return nil, err
				}
				old, err := load(c)
				if err != nil {
					return nil, err
				}
				return r.Replace(c, res, nil, old, api.Merge(api.Clone(old.Doc), patch))
			})
		case "Delete":
			r.Handle(op, func(c *resource.Ctx) (any, error) {
				e, err := load(c)
				if err != nil {
					return nil, err
				}
				return nil, r.Remove(c, res, nil, e)
			})
		}
	}
	return res
}

// isNotFound reports whether err is a 404 answer.
func isNotFound(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// An entitySync is one synced entity type: its configuration (stored under
// Name), the stored entity types it covers, the resource they are read
// through, the forced sync's operation and body fields (scope first, then
// the ID), and the refusal when it is not configured.
type entitySync struct {
	Name     string
	Types    []string
	Resource string
	Ops      map[string]string // verb → EntitySyncs operation
	SyncOp   string
	Fields   []string
	NotOn    string
}

var entitySyncs = []entitySync{
	{Name: "AdminUsers", Types: []string{"AdminUser"}, Resource: "AdminUsers",
		Ops:    map[string]string{"Get": "GetAdminUsers", "Save": "SaveAdminUsers", "Patch": "PatchAdminUsers", "Delete": "DeleteAdminUsers"},
		SyncOp: "SyncAdminUser", Fields: []string{"UserID"}, NotOn: "Synchronize.EntitySyncForAdminUsersNotEnabled"},
	{Name: "Buyers", Types: []string{"Buyer"}, Resource: "Buyers",
		Ops:    map[string]string{"Get": "GetBuyers", "Save": "SaveBuyers", "Patch": "PatchBuyers", "Delete": "DeleteBuyers"},
		SyncOp: "SyncBuyer", Fields: []string{"BuyerID"}, NotOn: "Synchronize.EntitySyncForBuyerNotEnabled"},
	{Name: "BuyerUserGroups", Types: []string{"BuyerUserGroup"}, Resource: "UserGroups",
		Ops:    map[string]string{"Get": "GetBuyerUserGroups", "Save": "SaveUserGroups", "Patch": "PatchBuyerUserGroups", "Delete": "DeleteUserGroups"},
		SyncOp: "SyncBuyerUserGroup", Fields: []string{"BuyerID", "UserGroupID"}, NotOn: "Synchronize.EntitySyncForBuyerUserGroupNotEnabled"},
	{Name: "BuyerUsers", Types: []string{"BuyerUser"}, Resource: "Users",
		Ops:    map[string]string{"Get": "GetBuyerUsers", "Save": "SaveBuyerUsers", "Patch": "PatchBuyerUsers", "Delete": "DeleteBuyerUsers"},
		SyncOp: "SyncBuyerUser", Fields: []string{"BuyerID", "UserID"}, NotOn: "Synchronize.EntitySyncForBuyerUsersNotEnabled"},
	{Name: "Categories", Types: []string{"Category"}, Resource: "Categories",
		Ops:    map[string]string{"Get": "GetCategories", "Save": "SaveCategories", "Patch": "PatchCategories", "Delete": "DeleteCategories"},
		SyncOp: "SyncCategory", Fields: []string{"CatalogID", "CategoryID"}, NotOn: "Synchronize.EntitySyncForCategoryNotEnabled"},
	{Name: "InventoryRecords", Types: []string{"InventoryRecord"}, Resource: "InventoryRecords",
		Ops:    map[string]string{"Get": "GetInventoryRecords", "Save": "SaveInventoryRecords", "Patch": "PatchInventoryRecords", "Delete": "DeleteInventoryRecords"},
		SyncOp: "SyncInventoryRecord", Fields: []string{"ProductID", "InventoryRecordID"}, NotOn: "Synchronize.EntitySyncForInventoryRecordNotEnabled"},
	{Name: "Suppliers", Types: []string{"Supplier"}, Resource: "Suppliers",
		Ops:    map[string]string{"Get": "GetSuppliers", "Save": "SaveSuppliers", "Patch": "PatchSuppliers", "Delete": "DeleteSuppliers"},
		SyncOp: "SyncSupplier", Fields: []string{"SupplierID"}, NotOn: "Synchronize.EntitySyncForSupplierNotEnabled"},
	{Name: "SupplierUsers", Types: []string{"SupplierUser"}, Resource: "SupplierUsers",
		Ops:    map[string]string{"Get": "GetSupplierUsers", "Save": "SaveSupplierUsers", "Patch": "PatchSupplierUsers", "Delete": "DeleteSupplierUsers"},
		SyncOp: "SyncSupplierUser", Fields: []string{"SupplierID", "UserID"}, NotOn: "Synchronize.EntitySyncForSupplierUsersNotEnabled"},
}

// productSync is the product sync as an entitySync: products and, unless
// excluded, their price schedules.
var productSync = entitySync{Name: "ProductSync", Types: []string{"Product", "PriceSchedule"}, Resource: "Products",
	Fields: []string{"ProductID"}, NotOn: "Synchronize.ProductSyncNotEnabled"}

// syncFor finds the sync covering a stored entity type.
func syncFor(typ string) (entitySync, bool) {
	for _, es := range append(entitySyncs, productSync) {
		for _, t := range es.Types {
			if t == typ {
				return es, true
			}
		}
	}
	return entitySync{}, false
}

// typeResources are the resources a stored entity type is presented with.
var typeResources = map[string]string{"AdminUser": "AdminUsers", "Buyer": "Buyers", "BuyerUserGroup": "UserGroups",
	"BuyerUser": "Users", "Category": "Categories", "InventoryRecord": "InventoryRecords", "Supplier": "Suppliers",
	"SupplierUser": "SupplierUsers", "Product": "Products", "PriceSchedule": "PriceSchedules", "Order": "Orders", "LineItem": "LineItems"}

// A SyncMessage is the body of a sync delivery (beyond OrderCloud, which
// documents none): what happened to which entity, and the entity as the
// API renders it (as it was, for a delete).
type SyncMessage struct {
	Action     string // Create, Update, Delete, Sync (forced), or an order transition (Submitted…)
	EntityType string
	EntityID   string
	Date       string
	ConfigData any `json:",omitempty"`
	Entity     any
}

// bgCtx is a resource context outside any request (a stream change).
func (s *syncs) bgCtx(ctx context.Context) *resource.Ctx {
	return &resource.Ctx{Context: ctx, Deps: s.reg.Deps(), Reg: s.reg}
}

// changeKind is a change's kind, the transition when the detail-type names one.
func changeKind(ch Change) string {
	if _, k, ok := strings.Cut(ch.DetailType, "."); ok && k != "" {
		return k
	}
	return ch.Kind
}

// syncChange delivers a change of a synced entity to its sync's delivery
// config: entity syncs per type, the product sync for products and price
// schedules, the order sync for order status transitions.
func (s *syncs) syncChange(ctx context.Context, ch Change) ([]Delivery, error) {
	c := s.bgCtx(ctx)
	kind := changeKind(ch)
	if ch.Type == "Order" {
		if kind == "Created" || kind == "Updated" || kind == "Deleted" {
			return nil, nil // only status changes are synced
		}
		cfg, dc, err := s.activeConfig(c, "OrderSync")
		if err != nil || cfg == nil {
			return nil, err
		}
		return s.deliver(c, ch, cfg, dc, kind, "OrderSync")
	}
	es, ok := syncFor(ch.Type)
	if !ok {
		return nil, nil
	}
	cfg, dc, err := s.activeConfig(c, es.Name)
	if err != nil || cfg == nil {
		return nil, err
	}
	if b, _ := cfg["Paused"].(bool); b {
		return nil, nil
	}
	changed, deleted := "SyncEntityChanged", "SyncEntityDeleted"
	if es.Name == "ProductSync" {
		changed, deleted = "SyncProductChanged", "SyncProductDeleted"
		if b, _ := cfg["ExcludePriceSchedules"].(bool); b && ch.Type == "PriceSchedule" {
			return nil, nil
		}
	}
	action := map[string]string{"Created": "Create", "Updated": "Update", "Deleted": "Delete"}[kind]
	if action == "" {
		action = "Update"
	}
	flag := changed
	if action == "Delete" {
		flag = deleted
	}
	if on, _ := cfg[flag].(bool); !on {
		return nil, nil
	}
	return s.deliver(c, ch, cfg, dc, action, es.Name)
}

// activeConfig reads a one-of configuration and its delivery config; nil
// when either is missing or the delivery config is disabled.
func (s *syncs) activeConfig(c *resource.Ctx, name string) (cfg, dc api.Doc, err error) {
	e, err := s.reg.Load(c, s.configs[name], nil, name)
	if isNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	dc, err = s.loadDeliveryConfig(c, api.Str(e.Doc, "DeliveryConfigID"))
	if err != nil || dc == nil {
		return nil, nil, err
	}
	if on, _ := dc["Enabled"].(bool); !on {
		return nil, nil, nil
	}
	return e.Doc, dc, nil
}

// deliver builds the deliveries of a change to a config's destinations.
func (s *syncs) deliver(c *resource.Ctx, ch Change, cfg, dc api.Doc, action, source string) ([]Delivery, error) {
	doc := ch.New
	if doc == nil || action == "Delete" {
		doc = ch.Old
	}
	if doc == nil && ch.PK != "" {
		// Left out of an oversized event: read the item as it is now.
		it, err := c.Deps.Store.Get(c, store.Key{PK: ch.PK, SK: ch.SK})
		if err == nil {
			doc, _ = resource.DecodeItem(it)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	msg := SyncMessage{Action: action, EntityType: ch.Type, EntityID: ch.ID, Date: api.Now(), ConfigData: cfg["ConfigData"],
		Entity: s.render(ch.Type, doc)}
	return deliveriesTo(dc, ch.EventID, source, msg)
}

// render presents an entity document with its contract model, so internal
// and write-only fields never leave.
func (s *syncs) render(typ string, doc map[string]any) any {
	if doc == nil {
		return nil
	}
	if res := s.reg.Resource(typeResources[typ]); res != nil {
		return api.Ordered{Model: res.ContractModel(), Doc: doc}
	}
	return doc
}

// forceSync serves a Sync operation: the entity the body names is
// delivered now to the sync's delivery config, whatever the sync's flags
// (a paused sync too). A failed delivery is reported to the error config.
func (s *syncs) forceSync(es entitySync) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		body, err := c.Body()
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(es.Fields))
		for i, f := range es.Fields {
			if ids[i] = api.Str(body, f); ids[i] == "" {
				return nil, api.Validation(f, f+" is required.")
			}
		}
		e, err := s.reg.Load(c, s.configs[es.Name], nil, es.Name)
		if isNotFound(err) {
			return nil, api.E(http.StatusBadRequest, es.NotOn, nil)
		}
		if err != nil {
			return nil, err
		}
		dc, err := s.loadDeliveryConfig(c, api.Str(e.Doc, "DeliveryConfigID"))
		if err != nil {
			return nil, err
		}
		if dc == nil {
			return nil, api.E(http.StatusBadRequest, es.NotOn, nil)
		}
		if on, _ := dc["Enabled"].(bool); !on {
			return nil, api.E(http.StatusBadRequest, "DeliveryConfig.ConfigurationDisabled", map[string]any{"DeliveryConfigID": api.Str(dc, "ID")})
		}
		res := s.reg.Resource(es.Resource)
		ent, err := s.reg.Load(c, res, ids[:len(ids)-1], ids[len(ids)-1])
		if err != nil {
			return nil, err
		}
		typ := res.Kind
		if typ == "" {
			typ = res.Model
		}
		ch := Change{EventID: newEventID(), Type: typ, ID: ids[len(ids)-1], Kind: "Sync", New: ent.Doc}
		ds, err := s.deliver(c, ch, e.Doc, dc, "Sync", es.Name)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if derr := s.in.Deliverer.Deliver(c, d); derr != nil {
				s.reportFailure(c, d, derr)
			}
		}
		return nil, nil
	}
}

// newEventID identifies a forced sync (there is no stream event).
func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "sync-" + hex.EncodeToString(b)
}

// mustResource panics unless name is a declared resource.
func mustResource(r *resource.Registry, name string) {
	if r.Resource(name) == nil {
		panic("integrations: no resource named " + name)
	}
}
