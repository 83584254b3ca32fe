package integrations

import "testing"

// The signature of a known body under a known key, computed independently
// (printf '{"a":1}' | openssl dgst -sha256 -hmac secret -binary | base64).
func TestSign(t *testing.T) {
	const want = "qp4uNXX11wmLbKzNeQiIw21f22M0KnO62i1qUXR6hJQ="
	got := Sign("secret", []byte(`{"a":1}`))
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if !Verify("secret", []byte(`{"a":1}`), got) || Verify("other", []byte(`{"a":1}`), got) || Verify("secret", []byte(`{"a":2}`), got) {
		t.Fatal("Verify accepts the wrong key or body")
	}
	if Verify("secret", []byte(`{"a":1}`), "not base64!") {
		t.Fatal("Verify accepts garbage")
	}
}
