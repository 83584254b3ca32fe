package app_test

import (
	"slices"
	"testing"
	"time"
)

// collectionShop is newShop with a second buyer user u2 logged in and two
// visible products (p1, p2) and one the buyer cannot see (hidden).
func collectionShop(t *testing.T) (*shop, string) {
	t.Helper()
	s := newShop(t)
	e, admin := s.e, s.admin
	priceSchedule(t, e, admin, "list", nil, 1, 10)
	for _, p := range []string{"p1", "p2", "hidden"} {
		product(t, e, admin, p, "list", nil)
	}
	inCatalog(t, e, admin, "b1", "p1")
	inCatalog(t, e, admin, "b1", "p2")
	buyerUser(t, e, admin, "b1", "u2", "shopper-two")
	return s, s.login("shopper-two", "Shopper", "MeAdmin")
}

func TestProductCollectionCRUD(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e, me := s.e, s.token

	wantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"ID": "nameless"}), 400, "ValidationFailure")
	wantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"Name": "x", "AccessLevel": "Secret"}), 400, "ValidationFailure")
	c := must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Wishlist"}, 201)
	if c.S("ID") != "wishlist" || c.S("Name") != "Wishlist" || c.Get("_owner") != nil {
		t.Errorf("created: %s", c.Raw)
	}
	wantErr(t, e.Do("POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Again"}), 409, "IdExists")
	must(t, e, "PUT", "/v1/me/productcollections/later", me, map[string]any{"Name": "Save for later"}, 200)
	must(t, e, "PATCH", "/v1/me/productcollections/later", me, map[string]any{"Name": "Later"}, 200)
	if g := must(t, e, "GET", "/v1/me/productcollections/later", me, nil, 200); g.S("Name") != "Later" {
		t.Errorf("get: %s", g.Raw)
	}
	if l := ids(must(t, e, "GET", "/v1/me/productcollections", me, nil, 200)); !slices.Equal(l, []string{"later", "wishlist"}) {
		t.Errorf("mine %v", l)
	}

	// Another user of the buyer sees none of them and cannot take the ID.
	if l := ids(must(t, e, "GET", "/v1/me/productcollections", other, nil, 200)); len(l) != 0 {
		t.Errorf("other user sees %v", l)
	}
	wantErr(t, e.Do("GET", "/v1/me/productcollections/wishlist", other, nil), 404, "NotFound")
	wantErr(t, e.Do("PATCH", "/v1/me/productcollections/wishlist", other, map[string]any{"Name": "Mine"}), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/me/productcollections/wishlist", other, map[string]any{"Name": "Mine"}), 403, "ProductCollection.CannotModify")
	wantErr(t, e.Do("DELETE", "/v1/me/productcollections/wishlist", other, nil), 404, "NotFound")

	// A Public collection is readable by every user of the buyer, not editable.
	must(t, e, "PATCH", "/v1/me/productcollections/later", me, map[string]any{"AccessLevel": "Public"}, 200)
	must(t, e, "GET", "/v1/me/productcollections/later", other, nil, 200)
	wantErr(t, e.Do("PATCH", "/v1/me/productcollections/later", other, map[string]any{"Name": "x"}), 403, "ProductCollection.CannotModify")

	// Only buyer users have collections.
	wantErr(t, e.Do("GET", "/v1/me/productcollections", s.admin, nil), 403, "Auth.UserNotAuthorizedToAdmin")

	must(t, e, "DELETE", "/v1/me/productcollections/later", me, nil, 204)
	wantErr(t, e.Do("GET", "/v1/me/productcollections/later", me, nil), 404, "NotFound")
}

func TestProductCollectionEntries(t *testing.T) {
	t.Parallel()
	s, _ := collectionShop(t)
	e, me, admin := s.e, s.token, s.admin
	must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "wishlist", "Name": "Wishlist"}, 201)

	// Only products the user can see may be added.
	wantErr(t, e.Do("PUT", "/v1/me/productcollections/wishlist/hidden", me, nil), 404, "NotFound")
	wantErr(t, e.Do("PUT", "/v1/me/productcollections/missing/p1", me, nil), 404, "NotFound")
	must(t, e, "PUT", "/v1/me/productcollections/wishlist/p1", me, nil, 204)
	wantErr(t, e.Do("POST", "/v1/me/productcollections/wishlist/products", me, map[string]any{"ListOrder": 1}), 400, "ValidationFailure")
	must(t, e, "POST", "/v1/me/productcollections/wishlist/products", me, map[string]any{"ProductID": "p2", "ListOrder": 2}, 204)
	must(t, e, "PUT", "/v1/me/productcollections/wishlist/p2", me, nil, 204) // again: keeps its ListOrder

	r := must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)
	if l := ids(r); !slices.Equal(l, []string{"p1", "p2"}) || r.S("Items.1.ListOrder") != "2" || r.S("Items.0.DateAdded") == "" ||
		r.S("Items.0.PriceSchedule.ID") != "list" || r.Get("Meta.Facets") == nil {
		t.Errorf("entries: %s", r.Raw)
	}
	// The marketplace owner reads the buyer's collections and their products.
	if l := ids(must(t, e, "GET", "/v1/buyers/b1/productcollections", admin, nil, 200)); !slices.Equal(l, []string{"wishlist"}) {
		t.Errorf("admin list %v", l)
	}
	must(t, e, "GET", "/v1/buyers/b1/productcollections/wishlist", admin, nil, 200)
	wantErr(t, e.Do("GET", "/v1/buyers/nobody/productcollections", admin, nil), 404, "NotFound")

	// Revoked visibility hides the entry (the admin still sees it); restored, it returns.
	must(t, e, "DELETE", "/v1/catalogs/b1/productassignments/p2", admin, nil, 204)
	if l := ids(must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p1"}) {
		t.Errorf("after revoking p2: %v", l)
	}
	a := must(t, e, "GET", "/v1/buyers/b1/productcollections/wishlist/products", admin, nil, 200)
	if l := ids(a); !slices.Equal(l, []string{"p1", "p2"}) || a.S("Items.1.ListOrder") != "2" || a.S("Items.0.OwnerID") == "" {
		t.Errorf("admin entries: %s", a.Raw)
	}
	inCatalog(t, e, admin, "b1", "p2")
	if l := ids(must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p1", "p2"}) {
		t.Errorf("after restoring p2: %v", l)
	}
	must(t, e, "DELETE", "/v1/me/productcollections/wishlist/p1", me, nil, 204)
	if l := ids(must(t, e, "GET", "/v1/me/productcollections/wishlist/products", me, nil, 200)); !slices.Equal(l, []string{"p2"}) {
		t.Errorf("after removing p1: %v", l)
	}
}

func TestProductCollectionInvitations(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e, me, admin := s.e, s.token, s.admin
	buyerUser(t, e, admin, "b1", "u3", "shopper-three")
	third := s.login("shopper-three", "Shopper", "MeAdmin")
	must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "gifts", "Name": "Gifts", "AccessLevel": "Shareable"}, 201)
	must(t, e, "PUT", "/v1/me/productcollections/gifts/p1", me, nil, 204)
	base := "/v1/me/productcollections/gifts/invitations"

	wantErr(t, e.Do("POST", base, me, map[string]any{"Admin": true}), 400, "ValidationFailure")
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	wantErr(t, e.Do("POST", base, me, map[string]any{"Name": "x", "ExpirationDate": past}), 400, "GroupOrderInvitation.InvalidExpiration")
	inv := must(t, e, "POST", base, me, map[string]any{"Name": "For u2"}, 201)
	id := inv.S("ID")
	if id == "" || inv.Get("Accepted") != false || inv.S("ExpirationDate") == "" {
		t.Fatalf("invitation: %s", inv.Raw)
	}
	editorInv := must(t, e, "POST", base, me, map[string]any{"Name": "For u3", "Admin": true}, 201).S("ID")
	must(t, e, "PATCH", base+"/"+id, me, map[string]any{"Name": "For shopper two"}, 200)
	if g := must(t, e, "GET", base+"/"+id, me, nil, 200); g.S("Name") != "For shopper two" {
		t.Errorf("get: %s", g.Raw)
	}
	if r := must(t, e, "GET", base, me, nil, 200); r.S("Meta.TotalCount") != "2" {
		t.Errorf("list: %s", r.Raw)
	}
	wantErr(t, e.Do("GET", base, other, nil), 404, "NotFound") // not shared with u2 yet

	// The owner cannot answer its own invitation.
	wantErr(t, e.Do("POST", base+"/accept/"+id, me, nil), 400, "ProductCollection.CannotAcceptOrDeclineOwnInvitation")
	wantErr(t, e.Do("POST", base+"/accept/nope", other, nil), 404, "NotFound")
	must(t, e, "POST", base+"/accept/"+id, other, nil, 204)
	wantErr(t, e.Do("POST", base+"/accept/"+id, other, nil), 400, "ProductCollection.AlreadyAcceptedInvitation")
	wantErr(t, e.Do("POST", base+"/accept/"+id, third, nil), 404, "NotFound") // bound to u2 now
	if g := must(t, e, "GET", base+"/"+id, me, nil, 200); g.Get("Accepted") != true {
		t.Errorf("accepted flag: %s", g.Raw)
	}

	// u2 reads the collection and its products but may not edit it.
	if l := ids(must(t, e, "GET", "/v1/me/productcollections", other, nil, 200)); !slices.Equal(l, []string{"gifts"}) {
		t.Errorf("shared list %v", l)
	}
	if l := ids(must(t, e, "GET", "/v1/me/productcollections/gifts/products", other, nil, 200)); !slices.Equal(l, []string{"p1"}) {
		t.Errorf("shared entries %v", l)
	}
	wantErr(t, e.Do("PUT", "/v1/me/productcollections/gifts/p2", other, nil), 403, "ProductCollection.CannotModify")
	wantErr(t, e.Do("DELETE", "/v1/me/productcollections/gifts", other, nil), 403, "ProductCollection.CannotModify")

	// Made admin, u2 may edit it (but still not delete it).
	must(t, e, "PATCH", base+"/"+id, me, map[string]any{"Admin": true}, 200)
	must(t, e, "PUT", "/v1/me/productcollections/gifts/p2", other, nil, 204)
	wantErr(t, e.Do("DELETE", "/v1/me/productcollections/gifts", other, nil), 403, "ProductCollection.CannotModify")

	// Declining removes the invitation; u3 never gets access.
	must(t, e, "POST", base+"/decline/"+editorInv, third, nil, 204)
	wantErr(t, e.Do("GET", base+"/"+editorInv, me, nil), 404, "NotFound")
	wantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", third, nil), 404, "NotFound")

	// Deleting an accepted invitation revokes its member's access.
	must(t, e, "DELETE", base+"/"+id, me, nil, 204)
	wantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", other, nil), 404, "NotFound")

	// Deleting the collection removes its invitations and entries.
	again := must(t, e, "POST", base, me, map[string]any{"Name": "Again"}, 201).S("ID")
	must(t, e, "POST", base+"/accept/"+again, other, nil, 204)
	must(t, e, "DELETE", "/v1/me/productcollections/gifts", me, nil, 204)
	must(t, e, "POST", "/v1/me/productcollections", me, map[string]any{"ID": "gifts", "Name": "Gifts"}, 201)
	if r := must(t, e, "GET", "/v1/me/productcollections/gifts/products", me, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("entries survived: %s", r.Raw)
	}
	if r := must(t, e, "GET", base, me, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("invitations survived: %s", r.Raw)
	}
	wantErr(t, e.Do("GET", "/v1/me/productcollections/gifts", other, nil), 404, "NotFound")
}

// Deleting a buyer user removes the collections they own.
func TestProductCollectionsGoWithTheirOwner(t *testing.T) {
	t.Parallel()
	s, other := collectionShop(t)
	e := s.e
	must(t, e, "POST", "/v1/me/productcollections", other, map[string]any{"ID": "theirs", "Name": "Theirs"}, 201)
	must(t, e, "PUT", "/v1/me/productcollections/theirs/p1", other, nil, 204)
	must(t, e, "POST", "/v1/me/productcollections", s.token, map[string]any{"ID": "mine", "Name": "Mine"}, 201)
	must(t, e, "DELETE", "/v1/buyers/b1/users/u2", s.admin, nil, 204)
	if got := ids(must(t, e, "GET", "/v1/buyers/b1/productcollections", s.admin, nil, 200)); len(got) != 1 || got[0] != "mine" {
		t.Errorf("collections after deleting their owner: %v", got)
	}
	// The ID is free again, with no entries left behind.
	must(t, e, "POST", "/v1/me/productcollections", s.token, map[string]any{"ID": "theirs", "Name": "Reused"}, 201)
	if r := must(t, e, "GET", "/v1/buyers/b1/productcollections/theirs/products", s.admin, nil, 200); r.S("Meta.TotalCount") != "0" {
		t.Errorf("entries survived: %s", r.Raw)
	}
}
