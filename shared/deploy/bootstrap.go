// Package deploy holds the logic behind the deployment-time Lambda functions,
// kept out of their main packages so it can be unit tested without AWS.
//
// The bootstrap custom resource is served through the CDK
// customresources.Provider framework. The framework (a Node.js Lambda created
// by CDK) receives the CloudFormation request, invokes our function with the
// same event (its ResponseURL is blanked) and reports the outcome to
// CloudFormation itself. So the handler here only returns a result or an
// error; it never talks to the response URL.
package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Names of the custom resource properties the CDK stack sets.
const (
	PropAdminUsername = "adminUsername"
	PropAdminClientID = "adminClientId"
)

// EnvAdminSecretID names the environment variable holding the ARN (or name)
// of the secret that receives generated admin credentials.
const EnvAdminSecretID = "OC_ADMIN_SECRET_ID"

// DefaultPhysicalID is the physical resource ID reported on Create. It never
// changes afterwards, so CloudFormation never asks to delete a replaced one.
const DefaultPhysicalID = "marketplace-bootstrap"

// BootstrapInput and BootstrapResult mirror app.BootstrapInput and
// app.BootstrapResult field for field (the Lambda main converts between
// them), so this package, and the CDK app importing its constants, do not
// link the whole API.
type BootstrapInput struct {
	Username, Password, ClientID, ClientSecret string
}

// BootstrapResult: see BootstrapInput. Password and ClientSecret are only set
// when the bootstrap generated them.
type BootstrapResult struct {
	Created                bool
	Username, Password     string
	ClientID, ClientSecret string
}

// Bootstrapper is the part of *app.App the handler needs.
type Bootstrapper interface {
	Bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error)
}

// SecretWriter is the part of the Secrets Manager client the handler needs.
type SecretWriter interface {
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput,
		opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// AdminCredentials is the JSON document stored in the admin secret.
type AdminCredentials struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// Response is what the Provider framework expects from an onEvent handler.
// Data becomes the custom resource's attributes (Fn::GetAtt); it never
// carries secrets, because the framework logs it.
type Response struct {
	PhysicalResourceID string         `json:"PhysicalResourceId"`
	Data               map[string]any `json:"Data,omitempty"`
}

// BootstrapHandler answers the bootstrap custom resource's events.
type BootstrapHandler struct {
	// NewApp builds the application (app.NewFromEnv in the Lambda). It is
	// only called for Create and Update.
	NewApp func(ctx context.Context) (Bootstrapper, error)
	// Secrets writes the admin credentials secret.
	Secrets SecretWriter
	// AdminSecretID is the secret receiving generated credentials.
	AdminSecretID string
}

// Handle runs the bootstrap on Create and Update and ignores Delete: the
// table outlives the stack, and so must the users it holds.
func (h *BootstrapHandler) Handle(ctx context.Context, ev cfn.Event) (Response, error) {
	physicalID := ev.PhysicalResourceID
	if physicalID == "" {
		physicalID = DefaultPhysicalID
	}
	resp := Response{PhysicalResourceID: physicalID}
	switch ev.RequestType {
	case cfn.RequestDelete:
		return resp, nil
	case cfn.RequestCreate, cfn.RequestUpdate:
	default:
		return resp, fmt.Errorf("bootstrap: unknown request type %q", ev.RequestType)
	}

	a, err := h.NewApp(ctx)
	if err != nil {
		return resp, fmt.Errorf("bootstrap: build app: %w", err)
	}
	in := BootstrapInput{
		Username: stringProp(ev.ResourceProperties, PropAdminUsername),
		ClientID: stringProp(ev.ResourceProperties, PropAdminClientID),
	}
	res, err := a.Bootstrap(ctx, in)
	if err != nil {
		return resp, fmt.Errorf("bootstrap: %w", err)
	}
	if res.Password != "" || res.ClientSecret != "" {
		if err := h.storeCredentials(ctx, res); err != nil {
			return resp, err
		}
	}
	resp.Data = map[string]any{
		"Username": res.Username,
		"ClientID": res.ClientID,
		"Created":  res.Created,
	}
	return resp, nil
}

// storeCredentials writes freshly generated credentials to the admin secret.
// It is the only place they are ever recorded, so a failure fails the
// deployment rather than losing them.
func (h *BootstrapHandler) storeCredentials(ctx context.Context, res BootstrapResult) error {
	if h.AdminSecretID == "" {
		return fmt.Errorf("bootstrap: credentials were generated but %s is not set", EnvAdminSecretID)
	}
	if h.Secrets == nil {
		return fmt.Errorf("bootstrap: credentials were generated but no Secrets Manager client is configured")
	}
	body, err := json.Marshal(AdminCredentials{
		Username:     res.Username,
		Password:     res.Password,
		ClientID:     res.ClientID,
		ClientSecret: res.ClientSecret,
	})
	if err != nil {
		return fmt.Errorf("bootstrap: encode credentials: %w", err)
	}
	text := string(body)
	_, err = h.Secrets.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:     &h.AdminSecretID,
		SecretString: &text,
	})
	if err != nil {
		return fmt.Errorf("bootstrap: store admin credentials: %w", err)
	}
	return nil
}

// stringProp reads a string property; CloudFormation passes every scalar
// property as a string, but be lenient about other scalar types.
func stringProp(props map[string]any, key string) string {
	switch v := props[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}
