package integrations

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ordercloud-serverless/occ/shared/access"
	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/auth"
	"github.com/ordercloud-serverless/occ/shared/resource"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// Forgotten credentials: a user who lost its password or username asks
// for a message (through the message senders assigned to it) carrying a
// verification code, its username or a one-time password. Nothing secret
// is ever in the API's answer, and the answer is the same whether or not
// a user matched (no user enumeration). Codes are random, stored only as
// their SHA-256 under the table's time-to-live, and spent by their use.

const (
	// codeLife is how long a verification code serves (the contract's
	// summary of SendVerificationCode: 120 minutes).
	codeLife = 120 * time.Minute
	// otpLife is how long a one-time password serves.
	otpLife = 10 * time.Minute
	// codesPerHour bounds the codes (and one-time passwords) one user is
	// sent in an hour; more asks are answered alike and send nothing.
	codesPerHour = 5
	// codeAlphabet has no look-alike characters; 10 of them are 50 bits.
	codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	codeLength   = 10
)

// Code purposes.
const (
	purposeReset = "PasswordReset"
	purposeOTP   = "OneTimePassword"
)

func (in *Integrations) declareForgottenCredentials(r *resource.Registry) {
	// Public: the caller has no token (it forgot its password).
	r.HandlePublic("ForgottenCredentials.SendVerificationCode", in.sending(in.sendVerificationCode))
	r.HandlePublic("ForgottenCredentials.ResetPasswordByVerificationCode", in.sending(in.resetByCode))
	r.HandlePublic("ForgottenCredentials.RetrieveUsername", in.sending(in.retrieveUsername))
	r.HandlePublic("ForgottenCredentials.SendOneTimePassword", in.sending(in.sendOneTimePassword))
	for _, k := range []string{auth.Admin, auth.Buyer, auth.Supplier} {
		if kind := in.access.KindOf(k); kind.UserType == k {
			in.indexEmails(kind)
		}
	}
}

// sending serves a forgotten-credentials operation: h makes its writes
// (committed, or the request tries again) and returns its deliveries,
// which are sent then. A failed one is logged, never answered: the answer
// must not tell whether a user matched.
func (in *Integrations) sending(h func(c *resource.Ctx) ([]Delivery, error)) resource.Handler {
	return func(c *resource.Ctx) (any, error) {
		ds, err := h(c)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if err := in.Deliverer.Deliver(c, d); err != nil {
				slog.WarnContext(c, "message not delivered", "delivery", d.ID, "sender", d.Source, "err", err)
			}
		}
		// RetrieveUsername always answers 200 (its contract summary); the
		// others answer no content.
		if c.Op.ID() == "ForgottenCredentials.RetrieveUsername" {
			c.Status = http.StatusOK
		}
		return nil, nil
	}
}

// body reads the request's JSON object ({} when it has none).
func body(c *resource.Ctx) (api.Doc, error) {
	raw, err := io.ReadAll(c.R.Body)
	if err != nil {
		return nil, api.InvalidBody("")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return api.Doc{}, nil
	}
	d, aerr := api.ReadBody(bytes.NewReader(raw))
	if aerr != nil {
		return nil, aerr
	}
	return d, nil
}

// client checks the API client a request names.
func (in *Integrations) client(c *resource.Ctx, id string) error {
	if id == "" {
		return api.E(http.StatusBadRequest, "PasswordReset.MissingOrInvalidClientID", nil)
	}
	if _, err := c.Reg.Load(c, in.access.ApiClients, nil, id); err != nil {
		if ignoreGone(err) == nil {
			return api.E(http.StatusBadRequest, "PasswordReset.MissingOrInvalidClientID", nil)
		}
		return err
	}
	return nil
}

// sendVerificationCode serves ForgottenCredentials.SendVerificationCode:
// a ForgottenPassword message with a new code (and a token allowed only
// to reset the password) to the user the username or email names.
func (in *Integrations) sendVerificationCode(c *resource.Ctx) ([]Delivery, error) {
	b, err := body(c)
	if err != nil {
		return nil, err
	}
	clientID, username, email := api.Str(b, "ClientID"), api.Str(b, "Username"), api.Str(b, "Email")
	if err := in.client(c, clientID); err != nil {
		return nil, err
	}
	if username == "" && email == "" {
		return nil, api.E(http.StatusBadRequest, "PasswordReset.MissingUsernameOrEmail", nil)
	}
	users, err := in.usersNamed(c, username, email)
	if err != nil {
		return nil, err
	}
	return in.sendCodes(c, users, "ForgottenPassword", purposeReset, clientID, codeLife, func(r recipient, code string) (map[string]any, error) {
		tok, err := in.passwordResetToken(c, clientID, r)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Username": api.Str(r.User, "Username"), "PasswordRenewalUrl": nilIfEmpty(api.Str(b, "URL")),
			"PasswordRenewalVerificationCode": code, "PasswordRenewalAccessToken": tok}, nil
	})
}

// sendOneTimePassword serves ForgottenCredentials.SendOneTimePassword: a
// OneTimePassword message with a short-lived code.
func (in *Integrations) sendOneTimePassword(c *resource.Ctx) ([]Delivery, error) {
	b, err := body(c)
	if err != nil {
		return nil, err
	}
	clientID, username, email := api.Str(b, "ClientID"), api.Str(b, "Username"), api.Str(b, "Email")
	if err := in.client(c, clientID); err != nil {
		return nil, err
	}
	if username == "" && email == "" {
		return nil, api.E(http.StatusBadRequest, "OneTimePasswordRequest.UsernameOrEmailRequired", nil)
	}
	users, err := in.usersNamed(c, username, email)
	if err != nil {
		return nil, err
	}
	return in.sendCodes(c, users, "OneTimePassword", purposeOTP, clientID, otpLife, func(r recipient, code string) (map[string]any, error) {
		return map[string]any{"Username": api.Str(r.User, "Username"), "ClientID": clientID, "OneTimePassword": code}, nil
	})
}

// retrieveUsername serves ForgottenCredentials.RetrieveUsername: a
// ForgottenUsername message to every user with the email.
func (in *Integrations) retrieveUsername(c *resource.Ctx) ([]Delivery, error) {
	clientID, email := c.Query("clientID"), c.Query("email")
	if err := in.client(c, clientID); err != nil {
		return nil, err
	}
	users, err := in.usersNamed(c, "", email)
	if err != nil {
		return nil, err
	}
	var out []Delivery
	for _, r := range users {
		m := message{Type: "ForgottenUsername", Recipients: []recipient{r}, EventBody: map[string]any{"Username": api.Str(r.User, "Username")}}
		ds, err := in.requestDeliveries(c, m, randomHex())
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// sendCodes issues each user a code (within the hourly bound) and builds
// its message; a user no sender reaches is issued none.
func (in *Integrations) sendCodes(c *resource.Ctx, users []recipient, typ, purpose, clientID string, life time.Duration,
	eventBody func(r recipient, code string) (map[string]any, error)) ([]Delivery, error) {
	senders, err := in.sendersFor(c, []string{typ})
	if err != nil || len(senders[typ]) == 0 {
		return nil, err
	}
	var out []Delivery
	for _, r := range users {
		code := newCode()
		ev, err := eventBody(r, code)
		if err != nil {
			return nil, err
		}
		m := message{Type: typ, Recipients: []recipient{r}, EventBody: ev}
		ds, err := in.deliveriesOf(c, codeHash(code), m, senders[typ])
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			continue
		}
		issued, err := in.storeCode(c, r.Ref, code, purpose, clientID, life)
		if err != nil {
			return nil, err
		}
		if issued {
			out = append(out, ds...)
		}
	}
	return out, nil
}

// requestDeliveries are a message's deliveries through the senders of its
// type reaching its recipients, identified by a key of the request.
func (in *Integrations) requestDeliveries(c *resource.Ctx, m message, key string) ([]Delivery, error) {
	senders, err := in.sendersFor(c, []string{m.Type})
	if err != nil {
		return nil, err
	}
	return in.deliveriesOf(c, key, m, senders[m.Type])
}

// resetByCode serves ForgottenCredentials.ResetPasswordByVerificationCode:
// the code must be live, of a password reset, for the username given; it
// is spent in the transaction that sets the password.
func (in *Integrations) resetByCode(c *resource.Ctx) ([]Delivery, error) {
	b, err := body(c)
	if err != nil {
		return nil, err
	}
	if api.Str(b, "ClientID") == "" {
		return nil, api.E(http.StatusBadRequest, "PasswordReset.MissingOrInvalidClientID", nil)
	}
	if api.Str(b, "Username") == "" {
		return nil, api.E(http.StatusBadRequest, "PasswordReset.MissingUsername", nil)
	}
	invalid := api.E(http.StatusBadRequest, "PasswordReset.InvalidVerification", nil)
	it, rec, err := in.loadCode(c, c.R.PathValue("verificationCode"))
	if err != nil {
		return nil, err
	}
	if it == nil || rec.Purpose != purposeReset || rec.ClientID != api.Str(b, "ClientID") {
		return nil, invalid
	}
	u, err := in.access.LoadUser(c, rec.User)
	if err != nil {
		if ignoreGone(err) == nil {
			return nil, invalid
		}
		return nil, err
	}
	if !strings.EqualFold(api.Str(u, "Username"), api.Str(b, "Username")) {
		return nil, invalid
	}
	spend := store.Key{PK: it.PK, SK: it.SK}
	return nil, in.access.ResetPassword(c, rec.User, api.Str(b, "Password"), func(tx *resource.Tx) {
		tx.Add(store.Op{Delete: &spend, Cond: store.IfVersion, Version: it.Version})
	})
}

// codeRecord is what a stored code says (internal keys: the stream never
// publishes them).
type codeRecord struct {
	User     access.UserRef `json:"_user"`
	Purpose  string         `json:"_purpose"`
	ClientID string         `json:"_client"`
	Expires  int64          `json:"_expires"`
}

// codeKey is where a code is kept: under its hash, so the table never
// holds a usable code.
func codeKey(code string) store.Key {
	return store.Key{PK: "VerificationCode", SK: codeHash(code)}
}

func codeHash(code string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(h[:])
}

// newCode is a random code of codeLength characters of codeAlphabet.
func newCode() string {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)] // 256 is a multiple of 32: uniform
	}
	return string(b)
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// loadCode reads a live code (nil when unknown, spent or expired).
func (in *Integrations) loadCode(c *resource.Ctx, code string) (*store.Item, codeRecord, error) {
	var rec codeRecord
	if strings.TrimSpace(code) == "" {
		return nil, rec, nil
	}
	it, err := c.Deps.Store.Get(c, codeKey(code))
	if errors.Is(err, store.ErrNotFound) {
		return nil, rec, nil
	}
	if err != nil {
		return nil, rec, err
	}
	if err := json.Unmarshal(it.Doc, &rec); err != nil {
		return nil, rec, err
	}
	// The table deletes expired items late; the record's own time rules.
	if time.Now().Unix() >= rec.Expires {
		return nil, rec, nil
	}
	return &it, rec, nil
}

// storeCode keeps a code's hash until it expires, counting it towards the
// user's hourly bound; issued is false when the bound is reached.
func (in *Integrations) storeCode(c *resource.Ctx, ref access.UserRef, code, purpose, clientID string, life time.Duration) (issued bool, err error) {
	now := time.Now()
	hour := now.Truncate(time.Hour)
	rk := store.Key{PK: "VerificationCodeRate", SK: strings.Join([]string{ref.Kind, ref.Company, ref.UserID, hour.UTC().Format("2006010215")}, "|")}
	var rate struct {
		N int `json:"_n"`
	}
	tx := &resource.Tx{}
	rateItem := store.Item{PK: rk.PK, SK: rk.SK, Type: "VerificationCodeRate", ID: rk.SK, Expires: hour.Add(2 * time.Hour).Unix()}
	cond := store.IfAbsent
	old, err := c.Deps.Store.Get(c, rk)
	switch {
	case err == nil:
		if err := json.Unmarshal(old.Doc, &rate); err != nil {
			return false, err
		}
		rateItem.Version, cond = old.Version, store.IfVersion
	case !errors.Is(err, store.ErrNotFound):
		return false, err
	}
	if rate.N >= codesPerHour {
		return false, nil
	}
	rate.N++
	rateItem.Doc, _ = json.Marshal(rate)
	tx.Put(rateItem, cond)
	rec := codeRecord{User: ref, Purpose: purpose, ClientID: clientID, Expires: now.Add(life).Unix()}
	doc, _ := json.Marshal(rec)
	k := codeKey(code)
	tx.Put(store.Item{PK: k.PK, SK: k.SK, Type: "VerificationCode", ID: k.SK, Doc: doc, Expires: rec.Expires}, store.IfAbsent)
	return true, tx.Commit(c)
}

// passwordResetToken is a token for the recipient allowed only to reset
// its password (Me.ResetPasswordByToken), living as long as the code;
// the reset revokes it.
func (in *Integrations) passwordResetToken(c *resource.Ctx, clientID string, r recipient) (string, error) {
	return in.access.PasswordResetToken(c, clientID, r.Ref, api.Str(r.User, "Username"), codeLife)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// usersNamed finds the users a username and/or email name: the username's
// user (when an email is given too, only if it is that user's), else
// every user with the email.
func (in *Integrations) usersNamed(c *resource.Ctx, username, email string) ([]recipient, error) {
	if username != "" {
		ref, found, err := in.access.FindByUsername(c, username)
		if err != nil || !found {
			return nil, err
		}
		u, err := in.access.LoadUser(c, ref)
		if err != nil {
			return nil, ignoreGone(err)
		}
		if email != "" && !strings.EqualFold(api.Str(u, "Email"), email) {
			return nil, nil
		}
		return []recipient{{Ref: ref, User: u}}, nil
	}
	if email == "" {
		return nil, nil
	}
	items, err := c.Deps.Store.Query(c, store.Query{PK: emailPK(email)})
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, it := range items {
		var ref access.UserRef
		if err := json.Unmarshal(it.Doc, &ref); err != nil {
			return nil, err
		}
		u, err := in.access.LoadUser(c, ref)
		if err != nil {
			if ignoreGone(err) == nil {
				continue
			}
			return nil, err
		}
		// An entry can outlive its user's move or its company's cascade
		// delete (they run no user hooks): the user's own email rules.
		if strings.EqualFold(api.Str(u, "Email"), email) {
			out = append(out, recipient{Ref: ref, User: u})
		}
	}
	return out, nil
}

// emailPK is the partition listing the users with an email (any kind).
func emailPK(email string) string { return "UserEmail#" + strings.ToLower(strings.TrimSpace(email)) }

// indexEmails keeps, for a kind of users, an entry per user under its
// email, written in the user's own transaction, so forgotten credentials
// find users by email with one query.
func (in *Integrations) indexEmails(k *access.UserKind) {
	entry := func(doc api.Doc) (store.Key, access.UserRef) {
		ref := access.UserRef{Kind: k.Kind, UserID: api.Str(doc, "ID")}
		if k.Companies != nil {
			ref.Company = api.Str(doc, "CompanyID")
		}
		return store.Key{PK: emailPK(api.Str(doc, "Email")), SK: ref.Kind + "|" + ref.Company + "|" + ref.UserID}, ref
	}
	k.Users.AlsoPrepare(func(c *resource.Ctx, old, doc api.Doc, tx *resource.Tx) error {
		oldKey, _ := entry(old)
		newKey, ref := entry(doc)
		if old != nil && api.Str(old, "Email") != "" && oldKey != newKey {
			tx.Delete(oldKey)
		}
		if api.Str(doc, "Email") != "" && (old == nil || oldKey != newKey) {
			b, _ := json.Marshal(ref)
			tx.Put(store.Item{PK: newKey.PK, SK: newKey.SK, Type: "UserEmail", ID: newKey.SK, Doc: b}, store.Always)
		}
		return nil
	})
	k.Users.AlsoBeforeDelete(func(c *resource.Ctx, doc api.Doc, tx *resource.Tx) error {
		if api.Str(doc, "Email") != "" {
			key, _ := entry(doc)
			tx.Delete(key)
		}
		return nil
	})
}
