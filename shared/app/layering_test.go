package app_test

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ordercloud-serverless/occ/"

// The domain packages, in the order imports flow: each may import only
// the ones listed for it (and the foundation packages), never one that
// builds on it. shared/app composes them all.
var domainImports = map[string][]string{
	"shared/marketplace":   {},
	"shared/access":        {},
	"shared/buyers":        {"shared/access"},
	"shared/suppliers":     {"shared/access", "shared/buyers"},
	"shared/catalog":       {"shared/access", "shared/buyers", "shared/suppliers", "shared/marketplace"},
	"shared/orders":        {"shared/access", "shared/buyers", "shared/suppliers", "shared/catalog", "shared/marketplace"},
	"shared/integrations":  {"shared/access", "shared/buyers", "shared/suppliers", "shared/catalog", "shared/marketplace", "shared/orders"},
	"shared/subscriptions": {"shared/access", "shared/buyers", "shared/suppliers", "shared/catalog", "shared/marketplace", "shared/orders", "shared/integrations"},
}

// awsAllowed are the packages that may import an AWS SDK package: the
// adapters and what runs them (the store, secrets, the deploy-time
// bootstrap, the AWS configuration, DynamoDB Local, the stream and bus).
var awsAllowed = []string{"shared/store/dynamo", "shared/secrets", "shared/deploy", "shared/awscfg", "shared/localdynamo", "events"}

// TestImportsFlowOneWay fails when a package imports against the flow of
// the domains, when a foundation package imports a domain, or when a
// package other than the adapters imports an AWS SDK package.
func TestImportsFlowOneWay(t *testing.T) {
	root := filepath.Join("..", "..")
	var dirs []string
	for _, top := range []string{"shared", "events"} {
		_ = filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				dirs = append(dirs, filepath.ToSlash(rel))
			}
			return nil
		})
	}
	checked := 0
	for _, dir := range dirs {
		pkg, err := build.ImportDir(filepath.Join(root, dir), 0)
		if err != nil {
			continue // no Go files
		}
		checked++
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, "github.com/aws/") && !slices.Contains(awsAllowed, dir) {
				t.Errorf("%s imports %s: only the AWS adapters may", dir, imp)
			}
			local, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			_, importsDomain := domainImports[local]
			allowed, isDomain := domainImports[dir]
			switch {
			case dir == "shared/app" || dir == "shared/apptest":
				// Composition: everything.
			case local == "shared/app" || local == "shared/apptest":
				t.Errorf("%s imports %s: only tests and mains compose the API", dir, local)
			case isDomain && importsDomain && !slices.Contains(allowed, local):
				t.Errorf("%s imports %s, against the flow of the domains", dir, local)
			case !isDomain && importsDomain:
				t.Errorf("%s is a foundation package but imports the domain package %s", dir, local)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d packages checked", checked)
	}
}

// scanAllowed are the only files that may scan the table: the store's
// adapter, which implements store.Scanner, and the offline upgrade
// (scripts/upgrade). Request paths use GetItem, Query, BatchGetItem and
// transactions only (ACCESS_PATTERNS.md).
var scanAllowed = []string{"shared/store/dynamo/dynamo.go", "shared/app/upgrade.go"}

// TestNoScanOnRequestPaths fails when code outside those files scans the
// table or asks the store for its Scanner.
func TestNoScanOnRequestPaths(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	for _, top := range []string{"shared", "events", "functions", "infra"} {
		_ = filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			checked++
			if slices.Contains(scanAllowed, rel) {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"store.Scanner", "ScanInput", ".Scan(ctx", ".Scan(c,"} {
				if strings.Contains(string(src), s) {
					t.Errorf("%s uses %q: only the store adapter and the offline upgrade may scan the table", rel, s)
				}
			}
			return nil
		})
	}
	if checked < 100 {
		t.Fatalf("only %d files checked", checked)
	}
}
