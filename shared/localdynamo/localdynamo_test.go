package localdynamo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A server that is not DynamoDB must never pass for it, even when it
// answers on the port DynamoDB Local was meant to take.
func TestReadinessNeedsDynamoDB(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }))
	defer other.Close()
	if isDynamoDB(other.URL) {
		t.Fatal("an unrelated server passed the readiness check")
	}
	in, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Stop()
	if !isDynamoDB(in.Endpoint) {
		t.Fatal("DynamoDB Local failed the readiness check")
	}
}
