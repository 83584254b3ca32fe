package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
)

// KeyStore keeps the signing key's PEM text: a file locally, a Secrets
// Manager secret when deployed.
type KeyStore interface {
	// Load returns the PEM, or "" when none has been stored yet.
	Load(ctx context.Context) (string, error)
	Save(ctx context.Context, pemText string) error
}

// LoadOrCreateKey reads the key, creating and saving one when absent.
func LoadOrCreateKey(ctx context.Context, ks KeyStore, create bool) (*rsa.PrivateKey, error) {
	text, err := ks.Load(ctx)
	if err != nil {
		return nil, err
	}
	if k, err := parseKey(text); err == nil {
		return k, nil
	}
	if !create {
		return nil, errors.New("auth: no signing key stored yet (run the bootstrap)")
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der := x509.MarshalPKCS1PrivateKey(k)
	if err := ks.Save(ctx, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}))); err != nil {
		return nil, err
	}
	return k, nil
}

func parseKey(text string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

// FileKeyStore keeps the key in a file (local runs).
type FileKeyStore struct{ Path string }

func (f FileKeyStore) Load(context.Context) (string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return string(b), err
}

func (f FileKeyStore) Save(_ context.Context, text string) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(f.Path, []byte(text), 0o600)
}

// MemoryKeyStore keeps the key in memory (tests).
type MemoryKeyStore struct{ Text string }

func (m *MemoryKeyStore) Load(context.Context) (string, error)   { return m.Text, nil }
func (m *MemoryKeyStore) Save(_ context.Context, t string) error { m.Text = t; return nil }
