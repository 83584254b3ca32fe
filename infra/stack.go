package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ordercloud-serverless/occ/events"
	"github.com/ordercloud-serverless/occ/shared/deploy"
	"github.com/ordercloud-serverless/occ/shared/integrations"
	"github.com/ordercloud-serverless/occ/shared/routes"
	"github.com/ordercloud-serverless/occ/shared/tabledef"
)

// Environment variables the stack hands to its functions.
const (
	EnvTableName        = "OC_TABLE_NAME"
	EnvSigningKeySecret = "OC_SIGNING_KEY_SECRET_ID"
	EnvEventBusName     = "OC_EVENT_BUS_NAME"
	EnvAdminSecretID    = deploy.EnvAdminSecretID
	// EnvCreateSigningKey lets app.NewFromEnv generate the signing key when
	// the secret still holds its placeholder. Only the bootstrap function
	// gets it: API functions must never mint a key of their own.
	EnvCreateSigningKey = "OC_CREATE_SIGNING_KEY"
)

// Asset folders (under StackProps.AssetDir) of the functions that are not API
// groups. API groups use their routes.Group name; event targets use
// TargetAssetFolder.
const (
	StreamAssetFolder    = "stream"
	BootstrapAssetFolder = "bootstrap"
	// SubscriptionsAssetFolder is the due-subscription run the scheduler
	// invokes (the "subscriptions" API group is another function).
	SubscriptionsAssetFolder = "subscriptions-due"
)

// SubscriptionsSchedule is how often the scheduler runs the due
// subscriptions: at least once a minute, so an order is placed within a
// minute of its NextOrderDate.
const SubscriptionsSchedule = "rate(1 minute)"

// BootstrapResourceType is the CloudFormation type of the bootstrap resource.
const BootstrapResourceType = "Custom::MarketplaceBootstrap"

// Sizing of the Go functions.
const (
	functionMemoryMB = 512
	// API Gateway gives up on an integration after 29 seconds, so an API
	// function running longer would only burn money.
	apiTimeoutSeconds = 29
	// Stream, event target and bootstrap functions are not behind the
	// gateway and may take a little longer.
	backgroundTimeoutSeconds = 60
	// An event target's function retries its deliveries in-process
	// (integrations.DefaultRetryPolicy, 40 s); Lambda then retries a failed
	// event targetAsyncRetries more times (about 1 and 2 minutes later)
	// within targetMaxEventAgeSeconds, then dead-letters it. EventBridge
	// retries an invoke that fails (throttling) as long.
	targetAsyncRetries       = 2
	targetInvokeRetries      = 20
	targetMaxEventAgeSeconds = 3600
)

// StackProps configures NewStack.
type StackProps struct {
	awscdk.StackProps
	// AssetDir holds one folder per function, each with a "bootstrap"
	// executable (linux/arm64). See AssetFolders for the folder names.
	AssetDir string
	// AdminUsername and AdminClientID are handed to the bootstrap custom
	// resource; empty values let the bootstrap choose/generate them.
	AdminUsername string
	AdminClientID string
}

// TargetAssetFolder is the asset folder of an EventBridge target's function.
// The "target-" prefix keeps it apart from the API group of the same name.
func TargetAssetFolder(target string) string { return "target-" + target }

// Targets lists the distinct targets of events.Rules, in first-use order.
func Targets() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range events.Rules {
		if !seen[r.Target] {
			seen[r.Target] = true
			out = append(out, r.Target)
		}
	}
	return out
}

// AssetFolders lists every folder the stack expects under AssetDir.
func AssetFolders() []string {
	out := append([]string{}, routes.Names()...)
	out = append(out, StreamAssetFolder)
	for _, t := range Targets() {
		out = append(out, TargetAssetFolder(t))
	}
	return append(out, BootstrapAssetFolder, SubscriptionsAssetFolder)
}

// Construct IDs of the functions, so tests and tools can find them.
func GroupFunctionID(group string) string   { return pascal(group) + "Function" }
func TargetFunctionID(target string) string { return pascal(TargetAssetFolder(target)) + "Function" }

const (
	// DeliveringGroup is the API group that sends to delivery configs at
	// once (forced syncs, error config tests).
	DeliveringGroup         = "integrations"
	StreamFunctionID        = "StreamFunction"
	DeadLetterQueueID       = "DeliveryDeadLetterQueue"
	BootstrapFunctionID     = "BootstrapFunction"
	SubscriptionsFunctionID = "SubscriptionsDueFunction"
)

// RoutePaths are the HTTP API paths (without method) served by a group.
func RoutePaths(g routes.Group) []string {
	var out []string
	for _, r := range g.Root {
		out = append(out, r, r+"/{proxy+}")
	}
	for _, p := range g.Prefixes {
		out = append(out, "/v1/"+p, "/v1/"+p+"/{proxy+}")
	}
	return out
}

// NewStack builds the whole deployment from the shared definitions: the
// table from tabledef, one function and its routes per routes.Groups entry,
// one rule per events.Rules entry.
func NewStack(scope constructs.Construct, id string, props StackProps) awscdk.Stack {
	if err := validate(); err != nil {
		panic(err)
	}
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	if props.AssetDir == "" {
		panic("infra: StackProps.AssetDir is required")
	}

	table := newTable(stack, tabledef.Definition)
	bus := awsevents.NewEventBus(stack, jsii.String("EventBus"), &awsevents.EventBusProps{
		Description: jsii.String("Entity change events emitted from the table stream"),
	})
	signingKey := awssecretsmanager.NewSecret(stack, jsii.String("SigningKey"), &awssecretsmanager.SecretProps{
		Description: jsii.String("JWT signing key. Starts as a generated placeholder; the bootstrap resource writes the real key."),
	})
	adminSecret := awssecretsmanager.NewSecret(stack, jsii.String("AdminCredentials"), &awssecretsmanager.SecretProps{
		SecretName:  jsii.String(*stack.StackName() + "/admin-credentials"),
		Description: jsii.String("Marketplace admin user and API client generated by the bootstrap resource."),
	})

	fn := functionFactory{stack: stack, assetDir: props.AssetDir}
	// apiEnv is what every function using the App needs.
	apiEnv := func() map[string]*string {
		return map[string]*string{
			EnvTableName:        table.TableName(),
			EnvSigningKeySecret: signingKey.SecretArn(),
		}
	}
	// Functions that deliver to EventBridge buses and SQS queues named by
	// delivery configs at run time may reach only those of the account
	// named with integrations.AWSDestinationPrefix.
	grantDestinations := func(f awslambda.Function) {
		f.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("events:PutEvents"),
			Resources: &[]*string{awscdk.Fn_Sub(jsii.String(
				"arn:${AWS::Partition}:events:*:${AWS::AccountId}:event-bus/"+integrations.AWSDestinationPrefix+"*"), nil)},
		}))
		f.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("sqs:SendMessage"),
			Resources: &[]*string{awscdk.Fn_Sub(jsii.String(
				"arn:${AWS::Partition}:sqs:*:${AWS::AccountId}:"+integrations.AWSDestinationPrefix+"*"), nil)},
		}))
	}
	grantApp := func(f awslambda.Function) {
		table.GrantReadWriteData(f)
		signingKey.GrantRead(f, nil)
	}

	// API functions and the HTTP API in front of them.
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, g := range routes.Groups {
		f := fn.new(GroupFunctionID(g.Name), g.Name, apiTimeoutSeconds, apiEnv(),
			"OrderCloud API: "+g.Name+" resources")
		grantApp(f)
		if g.Name == DeliveringGroup {
			grantDestinations(f) // forced syncs, error config tests
		}
		integrations[g.Name] = awsapigatewayv2integrations.NewHttpLambdaIntegration(
			jsii.String(pascal(g.Name)+"Integration"), f,
			&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
				PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
				// One invoke permission per function for the whole API
				// instead of one per route keeps the resource policies small.
				ScopePermissionToRoute: jsii.Bool(false),
			})
	}
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:     jsii.String(*stack.StackName() + "-api"),
		Description: jsii.String("OrderCloud-compatible API"),
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins: jsii.Strings("*"),
			AllowHeaders: jsii.Strings("Authorization", "Content-Type"),
			AllowMethods: &[]awsapigatewayv2.CorsHttpMethod{awsapigatewayv2.CorsHttpMethod_ANY},
		},
		// $default: anything no route matches gets the API's own 404.
		DefaultIntegration: integrations[routes.FallbackGroup],
	})
	for _, g := range routes.Groups {
		for _, path := range RoutePaths(g) {
			api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
				Path:        jsii.String(path),
				Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_ANY},
				Integration: integrations[g.Name],
			})
		}
	}

	// Stream processor: table changes -> events on the bus.
	streamFn := fn.new(StreamFunctionID, StreamAssetFolder, backgroundTimeoutSeconds,
		map[string]*string{EnvEventBusName: bus.EventBusName(), EnvTableName: table.TableName()},
		"Publishes table changes to the event bus; cleans up after time-to-live removals")
	streamFn.AddEventSource(awslambdaeventsources.NewDynamoEventSource(table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(100),
		BisectBatchOnError:      jsii.Bool(true),
		RetryAttempts:           jsii.Number(3),
		ReportBatchItemFailures: jsii.Bool(true),
	}))
	bus.GrantPutEventsTo(streamFn, nil)
	// Cleaning up after an expired order deletes its lines and index
	// items and moves counts: the table's items, never the signing key.
	table.GrantReadWriteData(streamFn)

	// Event targets and the rules feeding them. What a target finally
	// fails to handle lands in the dead-letter queue: events its function
	// still failed after Lambda's asynchronous retries (the function's
	// failure destination), and events EventBridge could not invoke it
	// with (the rule target's dead-letter queue).
	dlq := awssqs.NewQueue(stack, jsii.String(DeadLetterQueueID), &awssqs.QueueProps{
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
	})
	targetFns := map[string]awslambda.Function{}
	for _, t := range Targets() {
		f := fn.new(TargetFunctionID(t), TargetAssetFolder(t), backgroundTimeoutSeconds, apiEnv(),
			"Event target: "+t)
		grantApp(f)
		grantDestinations(f)
		f.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			MaxEventAge:   awscdk.Duration_Seconds(jsii.Number(targetMaxEventAgeSeconds)),
			RetryAttempts: jsii.Number(targetAsyncRetries),
			// Grants the function sqs:SendMessage on this queue only.
			OnFailure: awslambdadestinations.NewSqsDestination(dlq),
		})
		targetFns[t] = f
	}
	for _, r := range events.Rules {
		var pattern map[string]any
		if err := json.Unmarshal([]byte(r.Pattern), &pattern); err != nil {
			panic(fmt.Sprintf("infra: rule %s: pattern is not JSON: %v", r.Name, err))
		}
		target := targetFns[r.Target]
		rule := awsevents.NewCfnRule(stack, jsii.String("Rule"+pascal(r.Name)), &awsevents.CfnRuleProps{
			Description:  jsii.String(r.Description),
			EventBusName: bus.EventBusName(),
			EventPattern: pattern,
			State:        jsii.String("ENABLED"),
			Targets: &[]any{&awsevents.CfnRule_TargetProperty{
				Id:  jsii.String(pascal(r.Target)),
				Arn: target.FunctionArn(),
				RetryPolicy: &awsevents.CfnRule_RetryPolicyProperty{
					MaximumEventAgeInSeconds: jsii.Number(targetMaxEventAgeSeconds),
					MaximumRetryAttempts:     jsii.Number(targetInvokeRetries),
				},
				DeadLetterConfig: &awsevents.CfnRule_DeadLetterConfigProperty{Arn: dlq.QueueArn()},
			}},
		})
		// EventBridge may send this rule's undeliverable events to the
		// queue, and nothing else may.
		dlq.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
			Actions:    jsii.Strings("sqs:SendMessage"),
			Resources:  &[]*string{dlq.QueueArn()},
			Conditions: &map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": rule.AttrArn()}},
		}))
		target.AddPermission(jsii.String("InvokeFrom"+pascal(r.Name)), &awslambda.Permission{
			Principal: awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
			SourceArn: rule.AttrArn(),
		})
	}

	newSubscriptionsSchedule(stack, fn.new(SubscriptionsFunctionID, SubscriptionsAssetFolder, backgroundTimeoutSeconds, apiEnv(),
		"Orders the subscriptions due and sends their reminders"), grantApp)

	// Bootstrap custom resource: seeds the admin user, API client and key.
	bootEnv := apiEnv()
	bootEnv[EnvAdminSecretID] = adminSecret.SecretArn()
	bootEnv[EnvCreateSigningKey] = jsii.String("true")
	bootFn := fn.new(BootstrapFunctionID, BootstrapAssetFolder, backgroundTimeoutSeconds, bootEnv,
		"Bootstraps the marketplace admin user, API client and signing key")
	table.GrantReadWriteData(bootFn)
	signingKey.GrantRead(bootFn, nil)
	signingKey.GrantWrite(bootFn)
	adminSecret.GrantWrite(bootFn)
	provider := customresources.NewProvider(stack, jsii.String("BootstrapProvider"), &customresources.ProviderProps{
		OnEventHandler: bootFn,
	})
	bootProps := map[string]any{}
	if props.AdminUsername != "" {
		bootProps[deploy.PropAdminUsername] = props.AdminUsername
	}
	if props.AdminClientID != "" {
		bootProps[deploy.PropAdminClientID] = props.AdminClientID
	}
	awscdk.NewCustomResource(stack, jsii.String("Bootstrap"), &awscdk.CustomResourceProps{
		ServiceToken: provider.ServiceToken(),
		ResourceType: jsii.String(BootstrapResourceType),
		Properties:   &bootProps,
	})

	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("Base URL of the HTTP API"),
		Value:       api.ApiEndpoint(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{
		Description: jsii.String("DynamoDB table"),
		Value:       table.TableName(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("EventBusName"), &awscdk.CfnOutputProps{
		Value: bus.EventBusName(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("AdminCredentialsSecretArn"), &awscdk.CfnOutputProps{
		Description: jsii.String("Secret holding the generated admin credentials"),
		Value:       adminSecret.SecretArn(),
	})
	return stack
}

// newSubscriptionsSchedule runs the due subscriptions: one EventBridge
// Scheduler schedule, every minute, invoking f through a role that may
// invoke only f. Each invocation is given its scheduled time; the
// scheduler's retries of a failed invocation are harmless (a due date is
// ordered once however often it is run), and the next minute's run picks
// up anything left.
func newSubscriptionsSchedule(stack awscdk.Stack, f awslambda.Function, grantApp func(awslambda.Function)) {
	grantApp(f)
	role := awsiam.NewRole(stack, jsii.String("SubscriptionsSchedulerRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil),
		Description: jsii.String("Lets EventBridge Scheduler invoke the due-subscription run"),
	})
	f.GrantInvoke(role)
	awsscheduler.NewCfnSchedule(stack, jsii.String("SubscriptionsSchedule"), &awsscheduler.CfnScheduleProps{
		Description:        jsii.String("Orders the subscriptions due (NextOrderDate reached) and sends their reminders"),
		ScheduleExpression: jsii.String(SubscriptionsSchedule),
		FlexibleTimeWindow: &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
		State:              jsii.String("ENABLED"),
		Target: &awsscheduler.CfnSchedule_TargetProperty{
			Arn:     f.FunctionArn(),
			RoleArn: role.RoleArn(),
			Input:   jsii.String(`{"scheduledTime":"<aws.scheduler.scheduled-time>"}`),
			RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
				MaximumEventAgeInSeconds: jsii.Number(300),
				MaximumRetryAttempts:     jsii.Number(2),
			},
		},
	})
}

// newTable deploys the table definition.
func newTable(scope constructs.Construct, def tabledef.Table) awsdynamodb.Table {
	table := awsdynamodb.NewTable(scope, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey: stringAttr(def.PartitionKey),
		SortKey:      stringAttr(def.SortKey),
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Stream:       streamView(def.StreamView),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(def.PointInTimeRecovery),
		},
		TimeToLiveAttribute: jsii.String(def.TimeToLive),
		// The table holds the marketplace: deleting the stack keeps it.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	for _, ix := range def.Indexes {
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   stringAttr(ix.PartitionKey),
			SortKey:        stringAttr(ix.SortKey),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return table
}

func stringAttr(name string) *awsdynamodb.Attribute {
	if name == "" {
		return nil
	}
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}

func streamView(v string) awsdynamodb.StreamViewType {
	switch t := awsdynamodb.StreamViewType(v); t {
	case awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES, awsdynamodb.StreamViewType_NEW_IMAGE,
		awsdynamodb.StreamViewType_OLD_IMAGE, awsdynamodb.StreamViewType_KEYS_ONLY:
		return t
	}
	panic(fmt.Sprintf("infra: unknown stream view type %q in tabledef", v))
}

// functionFactory creates the Go (provided.al2023, arm64) functions.
type functionFactory struct {
	stack    awscdk.Stack
	assetDir string
}

func (f functionFactory) new(id, folder string, timeoutSeconds float64, env map[string]*string, description string) awslambda.Function {
	return awslambda.NewFunction(f.stack, jsii.String(id), &awslambda.FunctionProps{
		Description:  jsii.String(description),
		Code:         awslambda.Code_FromAsset(jsii.String(filepath.Join(f.assetDir, folder)), nil),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		MemorySize:   jsii.Number(functionMemoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(timeoutSeconds)),
		Environment:  &env,
	})
}

// validate catches inconsistencies in the shared tables that would otherwise
// surface as obscure CDK errors (duplicate construct IDs) or broken routing.
func validate() error {
	seenFolder := map[string]bool{}
	for _, f := range AssetFolders() {
		if seenFolder[f] {
			return fmt.Errorf("infra: two functions would use the asset folder %q", f)
		}
		seenFolder[f] = true
	}
	seenPath := map[string]string{}
	fallback := false
	for _, g := range routes.Groups {
		if g.Name == routes.FallbackGroup {
			fallback = true
		}
		for _, p := range RoutePaths(g) {
			if other, ok := seenPath[p]; ok {
				return fmt.Errorf("infra: path %s is claimed by groups %s and %s", p, other, g.Name)
			}
			seenPath[p] = g.Name
		}
	}
	if !fallback {
		return fmt.Errorf("infra: fallback group %q is not in routes.Groups", routes.FallbackGroup)
	}
	seenRule := map[string]bool{}
	for _, r := range events.Rules {
		if seenRule[pascal(r.Name)] {
			return fmt.Errorf("infra: duplicate event rule name %q", r.Name)
		}
		seenRule[pascal(r.Name)] = true
	}
	return nil
}

// pascal turns "target-integrations" into "TargetIntegrations".
func pascal(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if r == '-' || r == '_' || r == ' ' || r == '.' {
			upper = true
			continue
		}
		if upper {
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
