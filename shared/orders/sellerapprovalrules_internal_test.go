package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/buyers"
	"github.com/ordercloud-serverless/occ/shared/catalog"
	"github.com/ordercloud-serverless/occ/shared/expr"
	"github.com/ordercloud-serverless/occ/shared/marketplace"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
	"github.com/ordercloud-serverless/occ/shared/store/dynamo"
	"github.com/ordercloud-serverless/occ/shared/suppliers"
)

// sellerRulesService declares the domains on a registry over a fresh table
// of DynamoDB Local (TestMain starts it), for calling what order returns
// will call.
func sellerRulesService(t *testing.T) (*Service, *resource.Registry) {
	t.Helper()
	ctx := context.Background()
	client, err := dynamo.NewClient(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("seller_rules_%d", time.Now().UnixNano())
	if _, err := dynamo.EnsureStreamlessTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	r := resource.NewRegistry(&resource.Deps{Store: dynamo.New(client, table), Marketplace: resource.Marketplace{ID: "marketplace"}})
	acc := access.Declare(r)
	m := marketplace.Declare(r)
	b := buyers.Declare(r, acc)
	sup := suppliers.Declare(r, acc, b)
	return Declare(r, acc, b, catalog.Declare(r, acc, m, b, sup)), r
}

func TestSellerApprovalRulesFor(t *testing.T) {
	t.Parallel()
	s, r := sellerRulesService(t)
	admin := &auth.Principal{UserType: auth.Admin, UserID: "admin", CompanyID: "marketplace"}
	c := r.Context(context.Background(), admin)
	tx := &resource.Tx{}
	for id, rule := range map[string][2]string{
		"old":     {"marketplace", "Order.DateCompleted < now(-30)"},
		"big":     {"marketplace", "order.Total > 100"},
		"chained": {"marketplace", "approved('big')"},
		"broken":  {"marketplace", "order.Total / order.LineItemCount > 1"},
		"theirs":  {"s1", "true"},
	} {
		doc := api.Doc{"ID": id, "OwnerID": rule[0], "ApprovalType": "OrderReturn", "ApprovingGroupID": "returns", "RuleExpression": rule[1]}
		tx.Put(s.SellerApprovalRules.Item(nil, doc, 0), store.Always)
	}
	admins := s.access.Admin.Members
	tx.Put(admins.Item(api.Doc{"UserGroupID": "returns", "UserID": "admin"}), store.Always)
	if err := tx.Commit(c); err != nil {
		t.Fatal(err)
	}

	ids := func(env expr.Env) []string {
		t.Helper()
		rules, err := s.SellerApprovalRulesFor(c, "marketplace", env)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rules {
			out = append(out, api.Str(r, "ID"))
		}
		return out
	}
	recent := api.FormatTime(time.Now().Add(-24 * time.Hour))
	order := map[string]any{"Total": json.Number("150"), "LineItemCount": json.Number("0"), "DateCompleted": recent}
	// A division by zero cannot be evaluated: the rule holds.
	if got := ids(expr.Env{Order: order}); !slices.Equal(got, []string{"big", "broken"}) {
		t.Errorf("rules for a recent return of 150: %v", got)
	}
	order = map[string]any{"Total": json.Number("50"), "LineItemCount": json.Number("100"), "DateCompleted": api.FormatTime(time.Now().AddDate(0, 0, -40))}
	if got := ids(expr.Env{Order: order, Approved: func(id string) bool { return id == "big" }}); !slices.Equal(got, []string{"chained", "old"}) {
		t.Errorf("rules for an old return of 50, big approved: %v", got)
	}

	rule := api.Doc{"OwnerID": "marketplace", "ApprovingGroupID": "returns"}
	for _, tc := range []struct {
		p    *auth.Principal
		rule api.Doc
		want bool
	}{
		{admin, rule, true},
		{&auth.Principal{UserType: auth.Admin, UserID: "someone", CompanyID: "marketplace"}, rule, false},
		{&auth.Principal{UserType: auth.Supplier, UserID: "admin", CompanyID: "s1"}, rule, false},
		{admin, api.Doc{"OwnerID": "s1", "ApprovingGroupID": "returns"}, false},
	} {
		got, err := s.InSellerApprovingGroup(r.Context(context.Background(), tc.p), tc.rule)
		if err != nil || got != tc.want {
			t.Errorf("%s %s in %v: %v %v, want %v", tc.p.UserType, tc.p.UserID, tc.rule, got, err, tc.want)
		}
	}
}
