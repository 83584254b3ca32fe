package app

import (
	"context"
	"errors"
	"net/http"
)

type core struct{}

func newFromEnv(ctx context.Context) (*App, error) { return nil, errors.New("not yet wired") }
func (c *core) handler(group string) http.Handler  { return http.NotFoundHandler() }
func (c *core) bootstrap(ctx context.Context, in BootstrapInput) (BootstrapResult, error) {
	return BootstrapResult{}, errors.New("not yet wired")
}
