package catalog_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// collectionShop is newShop with a second buyer user u2 logged in and two
// visible products (p1, p2) and one the buyer cannot see (hidden).
func collectionShop(t *testing.T) (*apptest.Shop, string) {
	t.Helper()
	s := apptest.NewShop(t)
	e, admin := s.E, s.Admin
	apptest.PriceSchedule(t, e, admin, "list", nil, 1, 10)
	for _, p := range []string{"p1", "p2", "hidden"} {
		apptest.Product(t, e, admin, p, "list", nil)
	}
	apptest.InCatalog(t, e, admin, "b1", "p1")
	apptest.InCatalog(t, e, admin, "b1", "p2")
	apptest.BuyerUser(t, e, admin, "b1", "u2", "shopper-two")
	return s, s.Login("shopper-two", "Shopper", "MeAdmin")
}

func TestProductCollectionCRUD(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e, me := s.E, s.Token

	apptest.WantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"ID": "nameless"}), 400, "ValidationFailure")
	apptest.WantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"Name": "x", "AccessLevel": "Secret"}), 400, "ValidationFailure")
	c := apptest.Must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Wishlist"}, 201)
	if c.S("ID") != "wishlist" || c.S("Name") != "Wishlist" || c.Get("_owner") != nil {
		t.Errorf("created: %s", c.Raw)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Again"}), 409, "IdExists")
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/later", me, map[string]any{"Name": "Save for later"}, 200)
	apptest.Must(t, e, "PATCH", "/v1/me/productcollections/later", me, map[string]any{"Name": "Later"}, 200)
	if g := apptest.Must(t, e, "GET", "/v1/me/productcollections/later", me, nil, 200); g.S("Name") != "Later" {
		t.Errorf("get: %s", g.Raw)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections", me, nil, 200)); !slices.Equal(l, []string{"later", "wishlist"}) {
		t.Errorf("mine %v", l)
	}

	// Another user of the buyer sees none of them and cannot take the ID.
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections", other, nil, 200)); len(l) != 0 {
		t.Errorf("other user sees %v", l)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections/wishlist", other, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PATCH", "/v1/me/productcollections/wishlist", other, map[string]any{"Name": "Mine"}), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/productcollections/wishlist", other, map[string]any{"Name": "Mine"}), 403, "ProductCollection.CannotModify")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/productcollections/wishlist", other, nil), 404, "NotFound")

	// A Public collection is readable by every user of the buyer, not editable.
	apptest.Must(t, e, "PATCH", "/v1/me/productcollections/later", me, map[string]any{"AccessLevel": "Public"}, 200)
	apptest.Must(t, e, "GET", "/v1/me/productcollections/later", other, nil, 200)
	apptest.WantErr(t, e.Do("PATCH", "/v1/me/productcollections/later", other, map[string]any{"Name": "x"}), 403, "ProductCollection.CannotModify")

	// Only buyer users have collections.
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections", s.Admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")

	apptest.Must(t, e, "DELETE", "/v1/me/productcollections/later", me, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections/later", me, nil), 404, "NotFound")
}

func TestProductCollectionEntries(t *testing.T) {
	t.Parallel()
	s, _ := collectionShop(t)
	e, me, admin := s.E, s.Token, s.Admin
	apptest.Must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Wishlist"}, 201)

	// Only products the user can see may be added.
	apptest.WantErr(t, e.Do("PUT", "/v1/me/productcollections/wishlist/hidden", me, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("PUT", "/v1/me/productcollections/missing/p1", me, nil), 404, "NotFound")
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/wishlist/p1", me, nil, 204)
	apptest.WantErr(t, e.Do("POST", "/v1/me/productcollections/wishlist/products", me, map[string]any{"ListOrder": 1}), 400, "ValidationFailure")
	apptest.Must(t, e, "POST", "/v1/me/productcollections/wishlist/products", me, map[string]any{"ProductID": "p2", "ListOrder": 2}, 204)
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/wishlist/p2", me, nil, 204) // again: keeps its ListOrder

	r := apptest.Must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)
	if l := apptest.IDs(r); !slices.Equal(l, []string{"p1", "p2"}) || r.S("Items.1.ListOrder") != "2" || r.S("Items.0.DateAdded") == "" ||
		r.S("Items.0.PriceSchedule.ID") != "list" || r.Get("Meta.Facets") == nil {
		t.Errorf("entries: %s", r.Raw)
	}
	// The marketplace owner reads the buyer's collections and their products.
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/productcollections", admin, nil, 200)); !slices.Equal(l, []string{"wishlist"}) {
		t.Errorf("admin list %v", l)
	}
	apptest.Must(t, e, "GET", "/v1/buyers/b1/productcollections/wishlist", admin, nil, 200)
	apptest.WantErr(t, e.Do("GET", "/v1/buyers/nobody/productcollections", admin, nil), 404, "NotFound")

	// Revoked visibility hides the entry (the admin still sees it); restored, it returns.
	apptest.Must(t, e, "DELETE", "/v1/catalogs/b1/productassignments/p2", admin, nil, 204)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p1"}) {
		t.Errorf("after revoking p2: %v", l)
	}
	a := apptest.Must(t, e, "GET", "/v1/buyers/b1/productcollections/wishlist/products", admin, nil, 200)
	if l := apptest.IDs(a); !slices.Equal(l, []string{"p1", "p2"}) || a.S("Items.1.ListOrder") != "2" || a.S("Items.0.OwnerID") == "" {
		t.Errorf("admin entries: %s", a.Raw)
	}
	apptest.InCatalog(t, e, admin, "b1", "p2")
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p1", "p2"}) {
		t.Errorf("after restoring p2: %v", l)
	}
	apptest.Must(t, e, "DELETE", "/v1/me/productcollections/wishlist/p1", me, nil, 204)
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p2"}) {
		t.Errorf("after removing p1: %v", l)
	}
}

func TestProductCollectionInvitations(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e, me, admin := s.E, s.Token, s.Admin
	apptest.BuyerUser(t, e, admin, "b1", "u3", "shopper-three")
	third := s.Login("shopper-three", "Shopper", "MeAdmin")
	apptest.Must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "gifts", "Name": "Gifts", "AccessLevel": "Shareable"}, 201)
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/gifts/p1", me, nil, 204)
	base := "/v1/me/productcollections/gifts/invitations"

	apptest.WantErr(t, e.Do("POST", base, me, map[string]any{"Admin": true}), 400, "ValidationFailure")
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	apptest.WantErr(t, e.Do("POST", base, me, map[string]any{"Name": "x", "ExpirationDate": past}), 400, "GroupOrderInvitation.InvalidExpiration")
	inv := apptest.Must(t, e, "POST", base, me, map[string]any{"Name": "For u2"}, 201)
	id := inv.S("ID")
	if id == "" || inv.Get("Accepted") != false || inv.S("ExpirationDate") == "" {
		t.Fatalf("invitation: %s", inv.Raw)
	}
	editorInv := apptest.Must(t, e, "POST", base, me, map[string]any{"Name": "For u3", "Admin": true}, 201).S("ID")
	apptest.Must(t, e, "PATCH", base+"/"+id, me, map[string]any{"Name": "For shopper two"}, 200)
	if g := apptest.Must(t, e, "GET", base+"/"+id, me, nil, 200); g.S("Name") != "For shopper two" {
		t.Errorf("get: %s", g.Raw)
	}
	if r := apptest.Must(t, e, "GET", base, me, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("list: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", base, other, nil), 404, "NotFound") // not shared with u2 yet

	// The owner cannot answer its own invitation.
	apptest.WantErr(t, e.Do("POST", base+"/accept/"+id, me, nil), 400, "ProductCollection.CannotAcceptOrDeclineOwnInvitation")
	apptest.WantErr(t, e.Do("POST", base+"/accept/nope", other, nil), 404, "NotFound")
	apptest.Must(t, e, "POST", base+"/accept/"+id, other, nil, 204)
	apptest.WantErr(t, e.Do("POST", base+"/accept/"+id, other, nil), 400, "ProductCollection.AlreadyAcceptedInvitation")
	apptest.WantErr(t, e.Do("POST", base+"/accept/"+id, third, nil), 404, "NotFound") // bound to u2 now
	if g := apptest.Must(t, e, "GET", base+"/"+id, me, nil, 200); g.Get("Accepted") != true {
		t.Errorf("accepted flag: %s", g.Raw)
	}

	// u2 reads the collection and its products but may not edit it.
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections", other, nil, 200)); !slices.Equal(l, []string{"gifts"}) {
		t.Errorf("shared list %v", l)
	}
	if l := apptest.IDs(apptest.Must(t, e, "GET", "/v1/me/productcollections/gifts/products", other, nil, 200)); !slices.Equal(l, []string{"p1"}) {
		t.Errorf("shared entries %v", l)
	}
	apptest.WantErr(t, e.Do("PUT", "/v1/me/productcollections/gifts/p2", other, nil), 403, "ProductCollection.CannotModify")
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/productcollections/gifts", other, nil), 403, "ProductCollection.CannotModify")

	// Made admin, u2 may edit it (but still not delete it).
	apptest.Must(t, e, "PATCH", base+"/"+id, me, map[string]any{"Admin": true}, 200)
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/gifts/p2", other, nil, 204)
	apptest.WantErr(t, e.Do("DELETE", "/v1/me/productcollections/gifts", other, nil), 403, "ProductCollection.CannotModify")

	// Declining removes the invitation; u3 never gets access.
	apptest.Must(t, e, "POST", base+"/decline/"+editorInv, third, nil, 204)
	apptest.WantErr(t, e.Do("GET", base+"/"+editorInv, me, nil), 404, "NotFound")
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", third, nil), 404, "NotFound")

	// Deleting an accepted invitation revokes its member's access.
	apptest.Must(t, e, "DELETE", base+"/"+id, me, nil, 204)
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", other, nil), 404, "NotFound")

	// Deleting the collection removes its invitations and entries.
	again := apptest.Must(t, e, "POST", base, me, map[string]any{"Name": "Again"}, 201).S("ID")
	apptest.Must(t, e, "POST", base+"/accept/"+again, other, nil, 204)
	apptest.Must(t, e, "DELETE", "/v1/me/productcollections/gifts", me, nil, 204)
	apptest.Must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "gifts", "Name": "Gifts"}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/me/productcollections/gifts/products", me, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("entries survived: %s", r.Raw)
	}
	if r := apptest.Must(t, e, "GET", base, me, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("invitations survived: %s", r.Raw)
	}
	apptest.WantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", other, nil), 404, "NotFound")
}

// Deleting a buyer user removes the collections they own.
func TestProductCollectionsGoWithTheirOwner(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e := s.E
	apptest.Must(t, e, "POST", "/v1/me/productcollections", other, map[string]any{"ID": "theirs", "Name": "Theirs"}, 201)
	apptest.Must(t, e, "PUT", "/v1/me/productcollections/theirs/p1", other, nil, 204)
	apptest.Must(t, e, "POST", "/v1/me/productcollections", s.Token, map[string]any{"ID": "mine", "Name": "Mine"}, 201)
	apptest.Must(t, e, "DELETE", "/v1/buyers/b1/users/u2", s.Admin, nil, 204)
	if got := apptest.IDs(apptest.Must(t, e, "GET", "/v1/buyers/b1/productcollections", s.Admin, nil, 200)); len(got) != 1 || got[0] != "mine" {
		t.Errorf("collections after deleting their owner: %v", got)
	}
	// The ID is free again, with no entries left behind.
	apptest.Must(t, e, "POST", "/v1/me/productcollections", s.Token, map[string]any{"ID": "theirs", "Name": "Reused"}, 201)
	if r := apptest.Must(t, e, "GET", "/v1/buyers/b1/productcollections/theirs/products", s.Admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("entries survived: %s", r.Raw)
	}
}
