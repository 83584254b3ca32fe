package catalog

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/commerce"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

func (cat *Catalog) declareSpecs(r *resource.Registry) {
	specsParent := []resource.Parent{{Param: "specID", Resource: "Specs"}}
	cat.Specs = r.Add(&resource.Resource{Name: "Specs", Model: "Spec", IDParam: "specID", Prepare: cat.prepareSpec, Present: cat.presentSpec,
		Reach: ownedByOwnerID, BeforeDelete: cat.deleteSpecOptions})
	cat.SpecOptions = r.Add(&resource.Resource{Name: "SpecOptions", Model: "SpecOption", IDParam: "optionID", Scope: []string{"specID"},
		Parents: specsParent, BeforeDelete: cat.clearSpecDefaultOption,
		Counts: []resource.Counter{{Field: "OptionCount", Resource: "Specs", By: "specID"}},
		OpIDs: map[string]string{"Get": "Specs.GetOption", "List": "Specs.ListOptions", "Create": "Specs.CreateOption",
			"Save": "Specs.SaveOption", "Patch": "Specs.PatchOption", "Delete": "Specs.DeleteOption"}})
	cat.SpecProductAssignments = r.AddAssignment(&resource.Assignment{Resource: "Specs", Save: "SaveProductAssignment",
		Delete: "DeleteProductAssignment", List: "ListProductAssignments", Model: "SpecProductAssignment", Key: []string{"SpecID", "ProductID"}, IndexBy: []string{"ProductID"},
		Refs:    []resource.Ref{{Field: "SpecID", Resource: "Specs"}, {Field: "ProductID", Resource: "Products"}},
		Prepare: cat.prepareSpecProductAssignment, Reach: []string{"SpecID", "ProductID"},
		Counts: []resource.Counter{{Field: "SpecCount", Resource: "Products", By: "ProductID"}}})
	r.Handle("Products.ListSpecs", cat.listProductSpecs)
	r.Handle("Me.ListSpecs", cat.meListSpecs)
	r.Handle("Me.GetSpec", cat.meGetSpec)
}

// --- specs and options -----------------------------------------------------

func (cat *Catalog) prepareSpec(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
	if doc["DefinesVariant"] == true {
		if doc["AllowOpenText"] == true {
			return api.E(http.StatusBadRequest, "Spec.CannotAllowOpenText", nil)
		}
		if doc["Required"] != true {
			return api.E(http.StatusBadRequest, "Spec.MustBeRequired", nil)
		}
	}
	// DefaultOptionID must name one of the spec's own options, so it can
	// only be set once the spec and that option exist.
	if opt := api.Str(doc, "DefaultOptionID"); opt != "" {
		if _, err := c.Reg.Load(c, cat.SpecOptions, []string{api.Str(doc, "ID")}, opt); err != nil {
			return specOptionNotFound(opt)
		}
	}
	return nil
}

func specOptionNotFound(optionID string) error {
	return api.E(http.StatusBadRequest, "Spec.OptionNotFound", map[string]any{"OptionID": optionID})
}

// specOptions lists a spec's options in list order.
func (cat *Catalog) specOptions(c *resource.Ctx, specID string) ([]api.Doc, error) {
	v, err := c.Memo("specoptions#"+specID, func() (any, error) {
		opts, err := c.Reg.All(c, cat.SpecOptions, []string{specID})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(opts, func(a, b api.Doc) int {
			if d := cmp.Compare(api.Int(a["ListOrder"]), api.Int(b["ListOrder"])); d != 0 {
				return d
			}
			return strings.Compare(api.Str(a, "ID"), api.Str(b, "ID"))
		})
		return opts, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]api.Doc), nil
}

// presentSpec adds the spec's options (OptionCount is the count the spec
// keeps, see the SpecOptions declaration).
func (cat *Catalog) presentSpec(c *resource.Ctx, doc api.Doc) (api.Doc, error) {
	opts, err := cat.specOptions(c, api.Str(doc, "ID"))
	if err != nil {
		return nil, err
	}
	out := api.Clone(doc)
	list := make([]any, len(opts))
	for i, o := range opts {
		list[i] = api.Complete(specOptionModel, api.Clone(o))
	}
	out["Options"] = list
	return out, nil
}

// deleteSpecOptions removes a deleted spec's options (its product
// assignments go by the engine's cascade).
func (cat *Catalog) deleteSpecOptions(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	return tx.DeleteFound(c, store.Query{PK: cat.SpecOptions.PK(api.Str(doc, "ID"))})
}

// clearSpecDefaultOption unsets the spec's DefaultOptionID when that
// option is deleted.
func (cat *Catalog) clearSpecDefaultOption(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
	specs := cat.Specs
	spec, err := c.Reg.Load(c, specs, nil, c.Param("specID"))
	if err != nil {
		return err
	}
	if api.Str(spec.Doc, "DefaultOptionID") != api.Str(doc, "ID") {
		return nil
	}
	d := api.Clone(spec.Doc)
	d["DefaultOptionID"] = nil
	tx.Put(specs.Item(nil, d, spec.Item.Version), store.IfVersion)
	return nil
}

// --- spec-product assignments ------------------------------------------------

func (cat *Catalog) prepareSpecProductAssignment(c *resource.Ctx, doc api.Doc) error {
	spec, err := c.Reg.Load(c, cat.Specs, nil, api.Str(doc, "SpecID"))
	if err != nil {
		return err
	}
	product, err := c.Reg.Load(c, cat.Products, nil, api.Str(doc, "ProductID"))
	if err != nil {
		return err
	}
	if api.Str(product.Doc, "OwnerID") != api.Str(spec.Doc, "OwnerID") {
		return api.E(http.StatusBadRequest, "Spec.CannotAssignProduct", nil)
	}
	if spec.Doc["DefinesVariant"] == true {
		if product.Doc["IsParent"] == true || api.Str(product.Doc, "ParentID") != "" {
			return api.E(http.StatusBadRequest, "ProductAssigment.ParentChildProductCannotBeAssignedToVariantSpec", nil)
		}
		if product.Doc["IsBundle"] == true {
			return api.E(http.StatusBadRequest, "ProductAssigment.BundleProductCannotBeAssignedToVariantSpec", nil)
		}
	}
	opts, err := cat.specOptions(c, api.Str(doc, "SpecID"))
	if err != nil {
		return err
	}
	// A spec a buyer could never give a value for is of no use on a product.
	if len(opts) == 0 && spec.Doc["AllowOpenText"] != true && api.Str(spec.Doc, "DefaultValue") == "" && api.Str(doc, "DefaultValue") == "" {
		return api.E(http.StatusBadRequest, "Spec.InvalidSpecConfiguration", nil)
	}
	if opt := api.Str(doc, "DefaultOptionID"); opt != "" &&
		!slices.ContainsFunc(opts, func(o api.Doc) bool { return api.Str(o, "ID") == opt }) {
		return specOptionNotFound(opt)
	}
	return nil
}

// productSpecs returns the specs assigned to a product, presented, with
// the assignment's DefaultValue/DefaultOptionID overriding the spec's.
func (cat *Catalog) productSpecs(c *resource.Ctx, productID string) ([]api.Doc, error) {
	asgs, err := c.Reg.AssignmentsWith(c, cat.SpecProductAssignments, "ProductID", productID)
	if err != nil {
		return nil, err
	}
	specs := cat.Specs
	var out []api.Doc
	for _, a := range asgs {
		if api.Str(a, "ProductID") != productID {
			continue
		}
		e, err := c.Reg.Load(c, specs, nil, api.Str(a, "SpecID"))
		if err != nil {
			continue // a spec deleted concurrently
		}
		d, err := cat.presentSpec(c, e.Doc)
		if err != nil {
			return nil, err
		}
		for _, f := range []string{"DefaultValue", "DefaultOptionID"} {
			if v := api.Str(a, f); v != "" {
				d[f] = v
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func (cat *Catalog) listProductSpecs(c *resource.Ctx) (any, error) {
	id := c.Param("productID")
	if _, err := c.Reg.Load(c, cat.Products, nil, id); err != nil {
		return nil, err
	}
	docs, err := cat.productSpecs(c, id)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, specModel, docs, nil)
}

// specMeProduct checks that the calling buyer user can see a product (or
// answers 404) and returns the caller's visibility.
func (cat *Catalog) specMeProduct(c *resource.Ctx, productID string) (commerce.Catalog, error) {
	if err := access.RequireBuyer(c); err != nil {
		return commerce.Catalog{}, err
	}
	v, err := cat.visibility(c, c.P.CompanyID, c.P.UserID)
	if err != nil {
		return v, err
	}
	docs, err := cat.buyerProducts(c, v, []string{productID})
	if err != nil {
		return v, err
	}
	if len(docs) == 0 {
		return v, api.NotFound("Product", productID)
	}
	return v, nil
}

func (cat *Catalog) meListSpecs(c *resource.Ctx) (any, error) {
	id := c.Param("productID")
	if _, err := cat.specMeProduct(c, id); err != nil {
		return nil, err
	}
	docs, err := cat.productSpecs(c, id)
	if err != nil {
		return nil, err
	}
	return c.Reg.Page(c, specModel, docs, nil)
}

func (cat *Catalog) meGetSpec(c *resource.Ctx) (any, error) {
	id := c.Param("productID")
	if _, err := cat.specMeProduct(c, id); err != nil {
		return nil, err
	}
	docs, err := cat.productSpecs(c, id)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if api.Str(d, "ID") == c.Param("specID") {
			return api.Ordered{Model: specModel, Doc: d}, nil
		}
	}
	return nil, api.NotFound("Spec", c.Param("specID"))
}
