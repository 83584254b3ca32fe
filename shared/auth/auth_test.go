package auth

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestTokenRoundTripAndRoleClaimShapes(t *testing.T) {
	ks := &MemoryKeyStore{}
	key, err := LoadOrCreateKey(context.Background(), ks, true)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(key)
	tok, err := s.Issue(Claims{Usr: "buyer01", Cid: "c1", U: "u1", UsrType: Buyer, Role: Roles{"Shopper"}, Cmp: "b1"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Verify(tok)
	if err != nil || p.UserID != "u1" || p.CompanyID != "b1" || !p.Has("Shopper") || p.Has("ProductAdmin") {
		t.Fatalf("%+v %v", p, err)
	}
	// One role is a string in the payload, several are an array.
	one, _ := json.Marshal(Roles{"Shopper"})
	many, _ := json.Marshal(Roles{"Shopper", "MeAdmin"})
	if string(one) != `"Shopper"` || string(many) != `["Shopper","MeAdmin"]` {
		t.Fatal(string(one), string(many))
	}
	// The same key is loaded again rather than regenerated.
	again, _ := LoadOrCreateKey(context.Background(), ks, false)
	if NewSigner(again).KeyID() != s.KeyID() {
		t.Fatal("key changed")
	}
	if _, err := s.Verify(tok[:len(tok)-4] + "AAAA"); err == nil {
		t.Fatal("tampered token verified")
	}
	expired, _ := s.Issue(Claims{U: "u1"}, -time.Minute)
	if _, err := s.Verify(expired); err == nil {
		t.Fatal("expired token verified")
	}
	full := &Principal{Roles: []string{"FullAccess"}}
	if !full.HasAny([]string{"ProductAdmin"}) {
		t.Fatal("FullAccess must allow every role")
	}
	if jwk := s.PublicJWK(); jwk["kid"] != s.KeyID() || jwk["alg"] != "RS256" {
		t.Fatal(jwk)
	}
}

func TestPasswords(t *testing.T) {
	h := HashPassword("Passw0rdOK")
	if !strings.HasPrefix(h, "$argon2id$") || !CheckPassword(h, "Passw0rdOK") || CheckPassword(h, "passw0rdOK") {
		t.Fatal(h)
	}
	if HashPassword("Passw0rdOK") == h {
		t.Fatal("hashes must be salted")
	}
	for pw, ok := range map[string]bool{"Passw0rdOK": true, "short1A": false, "alllowercase1": false, "NoDigitsHere": false} {
		if (PasswordProblem(pw) == "") != ok {
			t.Errorf("%s: %q", pw, PasswordProblem(pw))
		}
	}
}
