package catalog

import (
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/shopspring/decimal"
)

func (cat *Catalog) declareDiscounts(r *resource.Registry) {
	cat.Discounts = r.Add(&resource.Resource{Name: "Discounts", Model: "Discount", IDParam: "discountID", Prepare: cat.prepareDiscount})
	cat.DiscountAssignments = r.AddAssignment(&resource.Assignment{Resource: "Discounts", Save: "SaveAssignment", Delete: "DeleteAssignment",
		List: "ListAssignments", Model: "DiscountAssignment", Key: []string{"DiscountID", "BuyerID", "UserGroupID", "UserID"},
		Refs: []resource.Ref{{Field: "DiscountID", Resource: "Discounts"}, {Field: "BuyerID", Resource: "Buyers"},
			{Field: "UserGroupID", Resource: "UserGroups", ScopeFields: []string{"BuyerID"}},
			{Field: "UserID", Resource: "Users", ScopeFields: []string{"BuyerID"}}},
		Party: true})
}

// discountTarget names, per Level, the field holding what the discount
// applies to.
var discountTarget = map[string]string{"Catalog": "CatalogID", "Category": "CategoryID", "Product": "ProductID"}

// prepareDiscount checks a discount's target exists and its amount and
// dates make sense.
func (cat *Catalog) prepareDiscount(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	level := api.Str(doc, "Level")
	if f := discountTarget[level]; f != "" && api.Str(doc, f) == "" {
		return api.Validation(f, f+" is required when Level is "+level+".")
	}
	if err := cat.checkDiscountTargets(c, doc); err != nil {
		return err
	}
	amount := api.Dec(doc["Amount"])
	if amount.IsNegative() {
		return api.Validation("Amount", "Amount cannot be negative.")
	}
	if api.Str(doc, "DiscountType") == "Percentage" && amount.GreaterThan(decimal.NewFromInt(100)) {
		return api.Validation("Amount", "A Percentage discount's Amount must be between 0 and 100.")
	}
	start, end := api.Time(doc["StartDate"]), api.Time(doc["EndDate"])
	if start != nil && end != nil && !end.After(*start) {
		return api.Validation("EndDate", "EndDate must be after StartDate.")
	}
	return nil
}

// checkDiscountTargets answers 404 for any catalog, category or product the
// discount names that does not exist.
func (cat *Catalog) checkDiscountTargets(c *resource.Ctx, doc api.Doc) error {
	if id := api.Str(doc, "CatalogID"); id != "" {
		if _, err := c.Reg.Load(c, cat.Catalogs, nil, id); err != nil {
			return err
		}
	}
	if id := api.Str(doc, "CategoryID"); id != "" {
		if api.Str(doc, "CatalogID") == "" {
			return api.Validation("CatalogID", "CatalogID is required with CategoryID: categories belong to a catalog.")
		}
		if _, err := c.Reg.Load(c, cat.Categories, []string{api.Str(doc, "CatalogID")}, id); err != nil {
			return err
		}
	}
	if id := api.Str(doc, "ProductID"); id != "" {
		if _, err := c.Reg.Load(c, cat.Products, nil, id); err != nil {
			return err
		}
	}
	return nil
}
