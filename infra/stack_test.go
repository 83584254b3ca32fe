package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/integrations"
	"github.com/ordercloud-serverless/occ/shared/routes"
	"github.com/ordercloud-serverless/occ/shared/tabledef"
)

// The jsii runtime takes seconds to start and a synth takes seconds more, so
// the stack is synthesized once in TestMain and every test reads the result.
var (
	testStack awscdk.Stack
	tmpl      assertions.Template
	// doc is the synthesized template as plain Go data, for walking
	// references (route -> integration -> function) without jsii calls.
	doc       map[string]any
	resources map[string]map[string]any
)

const testStackName = "TestStack"

func TestMain(m *testing.M) {
	code, err := synthOnce(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	jsii.Close()
	os.Exit(code)
}

func synthOnce(m *testing.M) (int, error) {
	assetDir, err := os.MkdirTemp("", "occ-assets-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(assetDir)
	for _, f := range AssetFolders() {
		if err := os.MkdirAll(filepath.Join(assetDir, f), 0o755); err != nil {
			return 1, err
		}
		// Distinct contents give every function its own asset hash.
		if err := os.WriteFile(filepath.Join(assetDir, f, "bootstrap"), []byte("dummy "+f), 0o755); err != nil {
			return 1, err
		}
	}
	if err := checkAssets(assetDir); err != nil {
		return 1, err
	}
	outDir, err := os.MkdirTemp("", "occ-cdk-out-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(outDir)

	// Same feature flags as `cdk synth` uses.
	ctx, err := cdkContext("../cdk.json")
	if err != nil {
		return 1, err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outDir)})
	testStack = NewStack(app, testStackName, StackProps{
		AssetDir:      assetDir,
		AdminUsername: "owner",
		AdminClientID: "owner-client",
	})
	tmpl = assertions.Template_FromStack(testStack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		return 1, err
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return 1, err
	}
	resources = map[string]map[string]any{}
	for id, r := range doc["Resources"].(map[string]any) {
		resources[id] = r.(map[string]any)
	}
	return m.Run(), nil
}

func cdkContext(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		App     string         `json:"app"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.App != "go run ./infra" {
		return nil, fmt.Errorf("%s: app is %q", path, cfg.App)
	}
	return cfg.Context, nil
}

// must turns a failed jsii assertion (a panic) into a test error.
func must(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}

// logicalID returns the CloudFormation logical ID of a function construct.
func logicalID(t *testing.T, constructID string) string {
	t.Helper()
	c := testStack.Node().TryFindChild(jsii.String(constructID))
	if c == nil {
		t.Fatalf("no construct %q in the stack", constructID)
	}
	fn, ok := c.(awslambda.Function)
	if !ok {
		t.Fatalf("construct %q is not a lambda function", constructID)
	}
	cfn := fn.Node().DefaultChild().(awslambda.CfnFunction)
	return *testStack.GetLogicalId(cfn)
}

func ofType(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range resources {
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// getAttArn returns X when v is {"Fn::GetAtt": [X, "Arn"]}.
func getAttArn(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	ga, ok := m["Fn::GetAtt"].([]any)
	if !ok || len(ga) != 2 || ga[1] != "Arn" {
		return ""
	}
	s, _ := ga[0].(string)
	return s
}

func ref(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	s, _ := m["Ref"].(string)
	return s
}

func TestTable(t *testing.T) {
	must(t, "one table", func() { tmpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1)) })

	var gsis []any
	for _, ix := range tabledef.Definition.Indexes {
		gsis = append(gsis, map[string]any{
			"IndexName": ix.Name,
			"KeySchema": []any{
				map[string]any{"AttributeName": ix.PartitionKey, "KeyType": "HASH"},
				map[string]any{"AttributeName": ix.SortKey, "KeyType": "RANGE"},
			},
			"Projection": map[string]any{"ProjectionType": "ALL"},
		})
	}
	if len(gsis) != 2 {
		t.Fatalf("tabledef has %d indexes, the stack test expects GSI1 and GSI2", len(gsis))
	}
	must(t, "table properties", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"KeySchema": []any{
				map[string]any{"AttributeName": "PK", "KeyType": "HASH"},
				map[string]any{"AttributeName": "SK", "KeyType": "RANGE"},
			},
			"BillingMode":                      "PAY_PER_REQUEST",
			"StreamSpecification":              map[string]any{"StreamViewType": "NEW_AND_OLD_IMAGES"},
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "E", "Enabled": true},
			"GlobalSecondaryIndexes":           gsis,
		})
	})
	must(t, "table retained", func() {
		tmpl.HasResource(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"DeletionPolicy":      "Retain",
			"UpdateReplacePolicy": "Retain",
		})
	})
	for _, tbl := range ofType("AWS::DynamoDB::Table") {
		if _, named := props(tbl)["TableName"]; named {
			t.Error("table name is hard-coded; CloudFormation should name it")
		}
		names := map[string]bool{}
		for _, a := range props(tbl)["AttributeDefinitions"].([]any) {
			a := a.(map[string]any)
			if a["AttributeType"] != "S" {
				t.Errorf("attribute %v is not a string", a["AttributeName"])
			}
			names[a["AttributeName"].(string)] = true
		}
		for _, want := range []string{"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"} {
			if !names[want] {
				t.Errorf("attribute %s not defined", want)
			}
		}
	}
}

func TestFunctions(t *testing.T) {
	goFns := tmpl.FindResources(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Properties": map[string]any{
			"Runtime":       "provided.al2023",
			"Architectures": []any{"arm64"},
			"Handler":       "bootstrap",
			"MemorySize":    512,
		},
	})
	want := len(routes.Groups) + 1 + len(Targets()) + 1 + 1
	if got := len(*goFns); got != want {
		t.Errorf("%d provided.al2023/arm64 functions, want %d (groups + stream + targets + bootstrap + subscriptions run)", got, want)
	}

	tableID := firstOf(t, "AWS::DynamoDB::Table")
	secretIDs := map[string]string{}
	for id, r := range ofType("AWS::SecretsManager::Secret") {
		if props(r)["Name"] != nil {
			secretIDs["admin"] = id
		} else {
			secretIDs["signing"] = id
		}
	}
	expectEnv := func(fnID string, want map[string]string) {
		t.Helper()
		r, ok := resources[fnID]
		if !ok {
			t.Errorf("function %s missing from template", fnID)
			return
		}
		env, _ := props(r)["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		for k, target := range want {
			if ref(vars[k]) != target {
				t.Errorf("%s: env %s = %v, want Ref %s", fnID, k, vars[k], target)
			}
		}
	}
	for _, g := range routes.Groups {
		id := logicalID(t, GroupFunctionID(g.Name))
		if got := props(resources[id])["Timeout"]; got != 29.0 {
			t.Errorf("%s timeout = %v, want 29", g.Name, got)
		}
		expectEnv(id, map[string]string{EnvTableName: tableID, EnvSigningKeySecret: secretIDs["signing"]})
	}
	for _, tg := range Targets() {
		expectEnv(logicalID(t, TargetFunctionID(tg)), map[string]string{EnvTableName: tableID})
	}
	expectEnv(logicalID(t, StreamFunctionID), map[string]string{EnvEventBusName: firstOf(t, "AWS::Events::EventBus"), EnvTableName: tableID})
	expectEnv(logicalID(t, BootstrapFunctionID), map[string]string{
		EnvTableName: tableID, EnvSigningKeySecret: secretIDs["signing"], EnvAdminSecretID: secretIDs["admin"],
	})

	// Only the bootstrap may create the signing key.
	for id, r := range ofType("AWS::Lambda::Function") {
		env, _ := props(r)["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		create, has := vars[EnvCreateSigningKey]
		if id == logicalID(t, BootstrapFunctionID) {
			if create != "true" {
				t.Errorf("bootstrap function: %s = %v, want \"true\"", EnvCreateSigningKey, create)
			}
		} else if has {
			t.Errorf("function %s may create the signing key", id)
		}
	}
}

func firstOf(t *testing.T, typ string) string {
	t.Helper()
	for id := range ofType(typ) {
		return id
	}
	t.Fatalf("no %s in template", typ)
	return ""
}

// routeTargets maps every route key to the logical ID of the function its
// integration invokes, checking the integration on the way.
func routeTargets(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for id, r := range ofType("AWS::ApiGatewayV2::Route") {
		p := props(r)
		key, _ := p["RouteKey"].(string)
		target, _ := p["Target"].(map[string]any)
		join, _ := target["Fn::Join"].([]any)
		if len(join) != 2 {
			t.Errorf("route %s (%s): unexpected target %v", id, key, p["Target"])
			continue
		}
		parts, _ := join[1].([]any)
		if len(parts) != 2 || parts[0] != "integrations/" {
			t.Errorf("route %s (%s): unexpected target %v", id, key, p["Target"])
			continue
		}
		integ := resources[ref(parts[1])]
		ip := props(integ)
		if integ["Type"] != "AWS::ApiGatewayV2::Integration" || ip["IntegrationType"] != "AWS_PROXY" ||
			ip["PayloadFormatVersion"] != "2.0" {
			t.Errorf("route %s: integration %v is not a Lambda proxy with payload 2.0", key, ip)
			continue
		}
		if _, dup := out[key]; dup {
			t.Errorf("route key %q defined twice", key)
		}
		out[key] = getAttArn(ip["IntegrationUri"])
	}
	return out
}

func TestRoutes(t *testing.T) {
	got := routeTargets(t)
	fnOf := func(group string) string { return logicalID(t, GroupFunctionID(group)) }

	// A few spelled out, so a mistake in RoutePaths cannot hide.
	for key, group := range map[string]string{
		"ANY /v1/products/{proxy+}": "catalogs",
		"ANY /v1/products":          "catalogs",
		"ANY /oauth/{proxy+}":       "auth",
		"ANY /oauth":                "auth",
		"ANY /v1/me/{proxy+}":       "me",
		"ANY /v1/orders/{proxy+}":   "orders",
		"ANY /v1/webhooks/{proxy+}": "integrations",
		"$default":                  routes.FallbackGroup,
	} {
		if got[key] != fnOf(group) {
			t.Errorf("route %q -> %q, want the %s function (%s)", key, got[key], group, fnOf(group))
		}
	}

	// And every path of every group.
	want := map[string]string{"$default": fnOf(routes.FallbackGroup)}
	for _, g := range routes.Groups {
		for _, p := range g.Prefixes {
			want["ANY /v1/"+p] = fnOf(g.Name)
			want["ANY /v1/"+p+"/{proxy+}"] = fnOf(g.Name)
		}
		for _, r := range g.Root {
			want["ANY "+r] = fnOf(g.Name)
			want["ANY "+r+"/{proxy+}"] = fnOf(g.Name)
		}
	}
	if !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("route %q -> %q, want %q", k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected route %q", k)
			}
		}
	}

	// Each API function may be invoked by API Gateway.
	for _, g := range routes.Groups {
		fn := fnOf(g.Name)
		found := false
		for _, p := range ofType("AWS::Lambda::Permission") {
			pp := props(p)
			if getAttArn(pp["FunctionName"]) == fn && pp["Principal"] == "apigateway.amazonaws.com" {
				found = true
			}
		}
		if !found {
			t.Errorf("no API Gateway invoke permission for %s", g.Name)
		}
	}

	must(t, "CORS", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{
			"Name":         testStackName + "-api",
			"ProtocolType": "HTTP",
			"CorsConfiguration": map[string]any{
				"AllowOrigins": []any{"*"},
				"AllowHeaders": []any{"Authorization", "Content-Type"},
				"AllowMethods": []any{"*"},
			},
		})
	})
	must(t, "ApiUrl output", func() { tmpl.HasOutput(jsii.String("ApiUrl"), map[string]any{}) })
	must(t, "TableName output", func() {
		tmpl.HasOutput(jsii.String("TableName"), map[string]any{
			"Value": map[string]any{"Ref": firstOf(t, "AWS::DynamoDB::Table")},
		})
	})
}

func TestEventRules(t *testing.T) {
	must(t, "rule count", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(float64(len(events.Rules))))
	})
	busID := firstOf(t, "AWS::Events::EventBus")
	for _, r := range events.Rules {
		var pattern map[string]any
		if err := json.Unmarshal([]byte(r.Pattern), &pattern); err != nil {
			t.Fatalf("rule %s: %v", r.Name, err)
		}
		fnID := logicalID(t, TargetFunctionID(r.Target))
		var ruleID string
		for id, res := range ofType("AWS::Events::Rule") {
			if reflect.DeepEqual(props(res)["EventPattern"], pattern) {
				ruleID = id
			}
		}
		if ruleID == "" {
			t.Errorf("rule %s: no rule with pattern %s", r.Name, r.Pattern)
			continue
		}
		p := props(resources[ruleID])
		if ref(p["EventBusName"]) != busID {
			t.Errorf("rule %s is not on the stack's bus: %v", r.Name, p["EventBusName"])
		}
		targets, _ := p["Targets"].([]any)
		if len(targets) != 1 || getAttArn(targets[0].(map[string]any)["Arn"]) != fnID {
			t.Errorf("rule %s targets %v, want %s", r.Name, targets, fnID)
		}
		allowed := false
		for _, perm := range ofType("AWS::Lambda::Permission") {
			pp := props(perm)
			if getAttArn(pp["FunctionName"]) == fnID && pp["Principal"] == "events.amazonaws.com" &&
				getAttArn(pp["SourceArn"]) == ruleID {
				allowed = true
			}
		}
		if !allowed {
			t.Errorf("rule %s may not invoke %s", r.Name, fnID)
		}
	}
}

func TestStreamProcessor(t *testing.T) {
	tableID := firstOf(t, "AWS::DynamoDB::Table")
	streamFn := logicalID(t, StreamFunctionID)
	must(t, "event source mapping", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
			"EventSourceArn":             map[string]any{"Fn::GetAtt": []any{tableID, "StreamArn"}},
			"FunctionName":               map[string]any{"Ref": streamFn},
			"BatchSize":                  100,
			"BisectBatchOnFunctionError": true,
			"MaximumRetryAttempts":       3,
			"StartingPosition":           "TRIM_HORIZON",
			"FunctionResponseTypes":      []any{"ReportBatchItemFailures"},
		})
	})
	must(t, "one mapping", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(1))
	})
}

// statements collects the IAM statements attached to a function's role.
func statements(t *testing.T, fnID string) []map[string]any {
	t.Helper()
	role := getAttArn(props(resources[fnID])["Role"])
	var out []map[string]any
	for _, pol := range ofType("AWS::IAM::Policy") {
		p := props(pol)
		attached := false
		for _, r := range p["Roles"].([]any) {
			if ref(r) == role {
				attached = true
			}
		}
		if !attached {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

func actions(stmts []map[string]any) []string {
	var out []string
	for _, s := range stmts {
		switch a := s["Action"].(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, x := range a {
				out = append(out, x.(string))
			}
		}
	}
	return out
}

func TestLeastPrivilege(t *testing.T) {
	for _, s := range ofType("AWS::IAM::Policy") {
		for _, st := range props(s)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			for _, a := range actions([]map[string]any{st.(map[string]any)}) {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("wildcard action %q granted", a)
				}
			}
		}
	}

	stream := actions(statements(t, logicalID(t, StreamFunctionID)))
	if !slices.Contains(stream, "events:PutEvents") {
		t.Errorf("stream function cannot put events: %v", stream)
	}
	if !slices.Contains(stream, "dynamodb:DeleteItem") {
		t.Errorf("stream function cannot clean up after expired items: %v", stream)
	}
	for _, a := range stream {
		if strings.HasPrefix(a, "secretsmanager:") || a == "dynamodb:DeleteTable" {
			t.Errorf("stream function has %s", a)
		}
	}
	for _, st := range statements(t, logicalID(t, StreamFunctionID)) {
		if st["Action"] == "events:PutEvents" && getAttArn(st["Resource"]) != firstOf(t, "AWS::Events::EventBus") {
			t.Errorf("events:PutEvents not limited to the bus: %v", st["Resource"])
		}
	}

	for _, g := range routes.Groups {
		acts := actions(statements(t, logicalID(t, GroupFunctionID(g.Name))))
		for _, need := range []string{"dynamodb:PutItem", "dynamodb:Query", "secretsmanager:GetSecretValue"} {
			if !slices.Contains(acts, need) {
				t.Errorf("%s function lacks %s", g.Name, need)
			}
		}
		for _, a := range acts {
			if a == "secretsmanager:PutSecretValue" || a == "dynamodb:DeleteTable" || (a == "events:PutEvents" && g.Name != DeliveringGroup) {
				t.Errorf("%s function has %s", g.Name, a)
			}
		}
		if g.Name == DeliveringGroup {
			destinationGrants(t, GroupFunctionID(g.Name))
		}
	}

	boot := statements(t, logicalID(t, BootstrapFunctionID))
	admin := ""
	for id, r := range ofType("AWS::SecretsManager::Secret") {
		if props(r)["Name"] != nil {
			admin = id
		}
	}
	writesAdmin := false
	for _, st := range boot {
		if ref(st["Resource"]) == admin && slices.Contains(actions([]map[string]any{st}), "secretsmanager:PutSecretValue") {
			writesAdmin = true
		}
		if ref(st["Resource"]) == admin && slices.Contains(actions([]map[string]any{st}), "secretsmanager:GetSecretValue") {
			t.Error("bootstrap may read the admin secret; it only needs to write it")
		}
	}
	if !writesAdmin {
		t.Error("bootstrap function cannot write the admin credentials secret")
	}
}

func TestBootstrapResource(t *testing.T) {
	must(t, "custom resource", func() {
		tmpl.HasResourceProperties(jsii.String(BootstrapResourceType), map[string]any{
			"adminUsername": "owner",
			"adminClientId": "owner-client",
		})
	})
	must(t, "admin secret name", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
			"Name": testStackName + "/admin-credentials",
		})
	})
	must(t, "two secrets", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::SecretsManager::Secret"), jsii.Number(2))
	})
	// The provider framework must invoke the bootstrap function.
	bootFn := logicalID(t, BootstrapFunctionID)
	var invokes bool
	for _, pol := range ofType("AWS::IAM::Policy") {
		for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			if slices.Contains(actions([]map[string]any{st}), "lambda:InvokeFunction") {
				res, _ := json.Marshal(st["Resource"])
				if strings.Contains(string(res), bootFn) {
					invokes = true
				}
			}
		}
	}
	if !invokes {
		t.Error("nothing may invoke the bootstrap function (provider framework missing?)")
	}
}

func TestAssetFoldersAreDistinct(t *testing.T) {
	if err := validate(); err != nil {
		t.Fatal(err)
	}
	folders := AssetFolders()
	if !slices.Contains(folders, "target-integrations") || !slices.Contains(folders, "integrations") {
		t.Errorf("asset folders %v lack the API group or the target folder for integrations", folders)
	}
}

func TestCheckAssetsReportsMissing(t *testing.T) {
	err := checkAssets(t.TempDir())
	if err == nil {
		t.Fatal("empty asset dir accepted")
	}
	for _, f := range AssetFolders() {
		if !strings.Contains(err.Error(), filepath.Join(f, "bootstrap")) {
			t.Errorf("error does not mention %s", f)
		}
	}
}

// What a target finally fails to handle goes to one encrypted SQS queue:
// from the function (its asynchronous invocation's failure destination,
// after bounded retries) and from each rule (events EventBridge could not
// invoke the function with); only EventBridge, for the stack's rules, and
// the target functions may send to it.
func TestDeadLetterQueue(t *testing.T) {
	must(t, "one queue", func() { tmpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(1)) })
	dlq := firstOf(t, "AWS::SQS::Queue")
	q := props(resources[dlq])
	if q["SqsManagedSseEnabled"] != true || q["MessageRetentionPeriod"] != float64(14*24*3600) {
		t.Errorf("dead-letter queue %v", q)
	}
	for _, target := range Targets() {
		fnID := logicalID(t, TargetFunctionID(target))
		found := false
		for _, r := range ofType("AWS::Lambda::EventInvokeConfig") {
			p := props(r)
			if ref(p["FunctionName"]) != fnID {
				continue
			}
			found = true
			dest, _ := p["DestinationConfig"].(map[string]any)
			onFailure, _ := dest["OnFailure"].(map[string]any)
			if getAttArn(onFailure["Destination"]) != dlq || p["MaximumRetryAttempts"] != float64(targetAsyncRetries) ||
				p["MaximumEventAgeInSeconds"] != float64(targetMaxEventAgeSeconds) {
				t.Errorf("%s async invoke config %v", target, p)
			}
		}
		if !found {
			t.Errorf("%s has no async invoke config", target)
		}
		var sends []map[string]any
		for _, st := range statements(t, fnID) {
			acts := actions([]map[string]any{st})
			if slices.ContainsFunc(acts, func(a string) bool { return strings.HasPrefix(a, "sqs:") }) && getAttArn(st["Resource"]) != "" {
				sends = append(sends, st)
			}
			for _, a := range acts {
				if a == "secretsmanager:PutSecretValue" || a == "dynamodb:DeleteTable" {
					t.Errorf("%s target has %s", target, a)
				}
			}
		}
		destinationGrants(t, TargetFunctionID(target))
		if len(sends) != 1 || getAttArn(sends[0]["Resource"]) != dlq || !slices.Contains(actions(sends), "sqs:SendMessage") {
			t.Errorf("%s target's SQS grants %v", target, sends)
		}
	}
	rules := ofType("AWS::Events::Rule")
	for id, r := range rules {
		targets, _ := props(r)["Targets"].([]any)
		for _, x := range targets {
			tp := x.(map[string]any)
			dl, _ := tp["DeadLetterConfig"].(map[string]any)
			rp, _ := tp["RetryPolicy"].(map[string]any)
			if getAttArn(dl["Arn"]) != dlq || rp["MaximumEventAgeInSeconds"] != float64(targetMaxEventAgeSeconds) {
				t.Errorf("rule %s target %v", id, tp)
			}
		}
	}
	allowed := map[string]bool{}
	for _, pol := range ofType("AWS::SQS::QueuePolicy") {
		p := props(pol)
		queues, _ := p["Queues"].([]any)
		if len(queues) != 1 || ref(queues[0]) != dlq {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			principal, _ := st["Principal"].(map[string]any)
			cond, _ := st["Condition"].(map[string]any)
			arnEq, _ := cond["ArnEquals"].(map[string]any)
			if principal["Service"] == "events.amazonaws.com" && st["Effect"] == "Allow" {
				allowed[getAttArn(arnEq["aws:SourceArn"])] = true
			}
		}
	}
	for id := range rules {
		if !allowed[id] {
			t.Errorf("EventBridge may not dead-letter rule %s's events", id)
		}
	}
	if len(allowed) != len(rules) {
		t.Errorf("queue policy allows %d sources for %d rules", len(allowed), len(rules))
	}
}

// TestSubscriptionsSchedule: one EventBridge Scheduler schedule, every
// minute, invoking the due-subscription function with its scheduled time,
// through a role the scheduler assumes that may invoke that function only.
func TestSubscriptionsSchedule(t *testing.T) {
	schedules := ofType("AWS::Scheduler::Schedule")
	if len(schedules) != 1 {
		t.Fatalf("%d schedules, want 1", len(schedules))
	}
	fnID := logicalID(t, SubscriptionsFunctionID)
	var p map[string]any
	for _, s := range schedules {
		p = props(s)
	}
	if p["ScheduleExpression"] != SubscriptionsSchedule || p["State"] != "ENABLED" {
		t.Errorf("schedule: %v", p)
	}
	target := p["Target"].(map[string]any)
	if getAttArn(target["Arn"]) != fnID {
		t.Errorf("schedule target %v, want the %s function", target["Arn"], SubscriptionsFunctionID)
	}
	if in, _ := target["Input"].(string); !strings.Contains(in, "<aws.scheduler.scheduled-time>") {
		t.Errorf("schedule input %q does not pass the scheduled time", in)
	}
	role := getAttArn(target["RoleArn"])
	assume, _ := json.Marshal(props(resources[role])["AssumeRolePolicyDocument"])
	if !strings.Contains(string(assume), "scheduler.amazonaws.com") {
		t.Errorf("schedule role not assumed by the scheduler: %s", assume)
	}
	invokes := false
	for _, pol := range ofType("AWS::IAM::Policy") {
		pp := props(pol)
		attached := false
		for _, r := range pp["Roles"].([]any) {
			attached = attached || ref(r) == role
		}
		if !attached {
			continue
		}
		for _, st := range pp["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			for _, a := range actions([]map[string]any{st}) {
				if a != "lambda:InvokeFunction" {
					t.Errorf("schedule role may %s", a)
				}
			}
			res, _ := json.Marshal(st["Resource"])
			if !strings.Contains(string(res), fnID) {
				t.Errorf("schedule role invokes %s", res)
			}
			invokes = true
		}
	}
	if !invokes {
		t.Error("schedule role cannot invoke the function")
	}
	acts := actions(statements(t, fnID))
	for _, need := range []string{"dynamodb:PutItem", "dynamodb:Query", "secretsmanager:GetSecretValue"} {
		if !slices.Contains(acts, need) {
			t.Errorf("subscriptions function lacks %s", need)
		}
	}
}

// destinationGrants: a function delivering to buses and queues chosen by
// delivery configs may put events and send messages only to those of the
// stack's account named with the destination prefix.
func destinationGrants(t *testing.T, functionID string) {
	t.Helper()
	want := map[string]string{
		"events:PutEvents": "arn:${AWS::Partition}:events:*:${AWS::AccountId}:event-bus/" + integrations.AWSDestinationPrefix + "*",
		"sqs:SendMessage":  "arn:${AWS::Partition}:sqs:*:${AWS::AccountId}:" + integrations.AWSDestinationPrefix + "*",
	}
	found := map[string]bool{}
	for _, st := range statements(t, logicalID(t, functionID)) {
		sub, _ := st["Resource"].(map[string]any)
		arn, _ := sub["Fn::Sub"].(string)
		for _, a := range actions([]map[string]any{st}) {
			if w, ok := want[a]; ok && arn != "" {
				if arn != w {
					t.Errorf("%s: %s on %s, want %s", functionID, a, arn, w)
				}
				found[a] = true
			}
			if a == "events:PutEvents" && arn == "" {
				t.Errorf("%s: events:PutEvents on %v", functionID, st["Resource"])
			}
		}
	}
	for a := range want {
		if !found[a] {
			t.Errorf("%s cannot %s to delivery destinations", functionID, a)
		}
	}
}
