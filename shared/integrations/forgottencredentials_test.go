package integrations_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ordercloud-serverless/occ/shared/apptest"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// credentialShop is a shop whose buyer has a sender of the forgotten
// credentials messages, at a msgReceiver checking the signature.
func credentialShop(t *testing.T) (*apptest.Shop, *msgReceiver) {
	s := apptest.NewShop(t)
	rc := newMsgReceiver(t, "fk")
	apptest.Must(t, s.E, "POST", "/v1/messagesenders", s.Admin, map[string]any{"ID": "creds", "Name": "Creds", "Description": "d",
		"URL": rc.URL + "/{messagetype}", "SharedKey": "fk",
		"MessageTypes": []string{"ForgottenPassword", "ForgottenUsername", "OneTimePassword"}}, 201)
	apptest.Must(t, s.E, "POST", "/v1/messagesenders/assignments", s.Admin, map[string]any{"MessageSenderID": "creds", "BuyerID": "b1"}, 204)
	return s, rc
}

func TestForgottenPasswordByVerificationCode(t *testing.T) {
	t.Parallel()
	s, rc := credentialShop(t)
	e := s.E
	// No token: the caller forgot its password.
	r := e.Do("POST", "/v1/password/reset", "", map[string]any{"ClientID": s.Client, "Username": "shopper-one", "URL": "https://shop/reset"})
	if r.Status != 204 || r.Raw != "" {
		t.Fatalf("send: %d %s", r.Status, r.Raw)
	}
	got := rc.at("/forgottenpassword")
	if len(got) != 1 {
		t.Fatalf("msgReceived %+v", rc.calls())
	}
	b := got[0].Body
	code, _ := field(b, "EventBody.PasswordRenewalVerificationCode").(string)
	if len(code) < 8 || field(b, "EventBody.Username") != "shopper-one" || field(b, "EventBody.PasswordRenewalUrl") != "https://shop/reset" ||
		field(b, "MessageType") != "ForgottenPassword" || field(b, "Recipient.ID") != "u1" {
		t.Fatalf("message %s", got[0].Raw)
	}

	// Unknown users, by name or email, are answered alike and sent nothing.
	for _, body := range []map[string]any{{"ClientID": s.Client, "Username": "nobody"}, {"ClientID": s.Client, "Email": "nobody@example.com"},
		{"ClientID": s.Client, "Username": "shopper-one", "Email": "someone-else@example.com"}} {
		if r := e.Do("POST", "/v1/password/reset", "", body); r.Status != 204 || r.Raw != "" {
			t.Fatalf("unknown %v: %d %s", body, r.Status, r.Raw)
		}
	}
	if n := len(rc.at("/forgottenpassword")); n != 1 {
		t.Fatalf("%d messages after unknown users", n)
	}
	apptest.WantErr(t, e.Do("POST", "/v1/password/reset", "", map[string]any{"Username": "shopper-one"}), 400, "PasswordReset.MissingOrInvalidClientID")
	apptest.WantErr(t, e.Do("POST", "/v1/password/reset", "", map[string]any{"ClientID": "nope", "Username": "shopper-one"}), 400, "PasswordReset.MissingOrInvalidClientID")
	apptest.WantErr(t, e.Do("POST", "/v1/password/reset", "", map[string]any{"ClientID": s.Client}), 400, "PasswordReset.MissingUsernameOrEmail")

	reset := func(code, username, pw string) apptest.Resp {
		return e.Do("PUT", "/v1/password/reset/"+code, "", map[string]any{"ClientID": s.Client, "Username": username, "Password": pw})
	}
	apptest.WantErr(t, reset("WRONGCODE99", "shopper-one", "N3wPassword!x"), 400, "PasswordReset.InvalidVerification")
	apptest.WantErr(t, reset(code, "listener", "N3wPassword!x"), 400, "PasswordReset.InvalidVerification")
	apptest.WantErr(t, reset(code, "shopper-one", "short"), 400, "PasswordReset.InsecurePassword")
	if r := reset(code, "shopper-one", "N3wPassword!x"); r.Status != 204 {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	e.Login(s.Client, "shopper-one", "N3wPassword!x")
	// Spent.
	apptest.WantErr(t, reset(code, "shopper-one", "An0therPassword!"), 400, "PasswordReset.InvalidVerification")

	// By email, a second code; once expired it serves no more.
	if r := e.Do("POST", "/v1/password/reset", "", map[string]any{"ClientID": s.Client, "Email": "SHOPPER-ONE@example.com"}); r.Status != 204 {
		t.Fatalf("by email: %d %s", r.Status, r.Raw)
	}
	got = rc.at("/forgottenpassword")
	if len(got) != 2 {
		t.Fatalf("by email: %+v", got)
	}
	code2, _ := field(got[1].Body, "EventBody.PasswordRenewalVerificationCode").(string)
	expire(t, e, code2)
	apptest.WantErr(t, reset(code2, "shopper-one", "An0therPassword!"), 400, "PasswordReset.InvalidVerification")

	// The token the message carries resets the password once (Me).
	tok, _ := field(got[1].Body, "EventBody.PasswordRenewalAccessToken").(string)
	if roles := apptest.TokenRoles(t, tok); len(roles) != 1 || roles[0] != "PasswordReset" {
		t.Fatalf("reset token roles %v", roles)
	}
	apptest.Must(t, e, "POST", "/v1/me/password", tok, map[string]any{"NewPassword": "Th1rdPassword!"}, 204)
	e.Login(s.Client, "shopper-one", "Th1rdPassword!")
}

// expire makes a stored code's record expired, as two hours would.
func expire(t *testing.T, e *apptest.Env, code string) {
	h := sha256.Sum256([]byte(code))
	k := store.Key{PK: "VerificationCode", SK: hex.EncodeToString(h[:])}
	it, err := e.Store.Get(context.Background(), k)
	if err != nil {
		t.Fatalf("code not stored under its hash: %v", err)
	}
	if strings.Contains(string(it.Doc), code) {
		t.Fatalf("the code is stored in clear: %s", it.Doc)
	}
	var rec map[string]any
	_ = json.Unmarshal(it.Doc, &rec)
	rec["_expires"] = time.Now().Add(-time.Minute).Unix()
	it.Doc, _ = json.Marshal(rec)
	if it.Expires == 0 {
		t.Fatal("code stored without the table's time-to-live")
	}
	if _, err := e.Store.Put(context.Background(), it, store.Always); err != nil {
		t.Fatal(err)
	}
}

func TestForgottenCredentialsRateAndOthers(t *testing.T) {
	t.Parallel()
	s, rc := credentialShop(t)
	e := s.E
	for range 7 {
		if r := e.Do("POST", "/v1/password/reset", "", map[string]any{"ClientID": s.Client, "Username": "shopper-one"}); r.Status != 204 {
			t.Fatalf("send: %d %s", r.Status, r.Raw)
		}
	}
	if n := len(rc.at("/forgottenpassword")); n != 5 {
		t.Fatalf("%d codes sent in an hour, want the bound 5", n)
	}

	// Usernames by email: always answered alike.
	q := "/v1/username/retrieve?clientID=" + url.QueryEscape(s.Client) + "&email="
	if r := e.Do("POST", q+"shopper-one%40example.com", "", nil); r.Status != 200 {
		t.Fatalf("retrieve: %d %s", r.Status, r.Raw)
	}
	if r := e.Do("POST", q+"nobody%40example.com", "", nil); r.Status != 200 {
		t.Fatalf("retrieve unknown: %d %s", r.Status, r.Raw)
	}
	got := rc.at("/forgottenusername")
	if len(got) != 1 || field(got[0].Body, "EventBody.Username") != "shopper-one" {
		t.Fatalf("username messages %+v", got)
	}

	// One-time passwords.
	apptest.WantErr(t, e.Do("POST", "/v1/password/onetimepassword", "", map[string]any{"ClientID": s.Client}), 400, "OneTimePasswordRequest.UsernameOrEmailRequired")
	r := e.Do("POST", "/v1/password/onetimepassword", "", map[string]any{"ClientID": s.Client, "Username": "shopper-one"})
	if r.Status != 204 || r.Raw != "" {
		t.Fatalf("otp: %d %s", r.Status, r.Raw)
	}
	// The hourly bound counts them with the codes: five were sent already.
	if n := len(rc.at("/onetimepassword")); n != 0 {
		t.Fatalf("%d one-time passwords past the bound", n)
	}

	// A user of a buyer no sender reaches is sent nothing.
	apptest.Buyer(t, e, s.Admin, "b2")
	apptest.BuyerUser(t, e, s.Admin, "b2", "x1", "elsewhere")
	e.Do("POST", "/v1/password/onetimepassword", "", map[string]any{"ClientID": s.Client, "Username": "elsewhere"})
	apptest.Must(t, e, "POST", "/v1/messagesenders/assignments", s.Admin, map[string]any{"MessageSenderID": "creds", "BuyerID": "b2"}, 204)
	e.Do("POST", "/v1/password/onetimepassword", "", map[string]any{"ClientID": s.Client, "Email": "elsewhere@example.com"})
	got = rc.at("/onetimepassword")
	if len(got) != 1 || field(got[0].Body, "Recipient.ID") != "x1" || len(field(got[0].Body, "EventBody.OneTimePassword").(string)) < 8 {
		t.Fatalf("otp messages %+v", got)
	}
}
