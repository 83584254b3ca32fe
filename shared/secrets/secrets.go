// Package secrets is the Secrets Manager adapter: it keeps the JWT signing
// key of a deployed stack.
package secrets

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// API is the part of the Secrets Manager client used here.
type API interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// FromEnv builds a client from the Lambda environment.
func FromEnv(ctx context.Context) (*secretsmanager.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return secretsmanager.NewFromConfig(cfg), nil
}

// KeyStore keeps the signing key PEM in a secret (auth.KeyStore).
type KeyStore struct {
	Client   API
	SecretID string
}

// Load returns the PEM, or "" while the secret still holds the stack's
// generated placeholder.
func (k KeyStore) Load(ctx context.Context) (string, error) {
	out, err := k.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(k.SecretID)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	v := aws.ToString(out.SecretString)
	if !strings.Contains(v, "PRIVATE KEY") {
		return "", nil
	}
	return v, nil
}

// Save stores the PEM as the secret's new value.
func (k KeyStore) Save(ctx context.Context, pemText string) error {
	_, err := k.Client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(k.SecretID), SecretString: aws.String(pemText)})
	return err
}
