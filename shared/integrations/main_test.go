package integrations_test

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/apptest"
)

func TestMain(m *testing.M) { apptest.Main(m) }
