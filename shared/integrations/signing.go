package integrations

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// HashHeader carries the signature of every call the platform makes to an
// integrator (webhooks, integration events, message senders, HTTP
// deliveries), as OrderCloud names it.
const HashHeader = "X-oc-hash"

// Sign is the signature of a call's raw body: Base64(HMAC-SHA256(key,
// body)). The key is the configured object's HashKey, SharedKey or Secret;
// the receiver computes the same over the bytes it received.
func Sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig is body's signature under key, in constant
// time (what a receiver does; used by tests and the local receiver).
func Verify(key string, body []byte, sig string) bool {
	want, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hmac.Equal(m.Sum(nil), want)
}
