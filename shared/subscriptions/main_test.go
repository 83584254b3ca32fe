package subscriptions_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

// TestMain runs the package's tests against DynamoDB Local.
func TestMain(m *testing.M) { apptest.Main(m) }
