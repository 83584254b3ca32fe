// Command withdynamo runs a command with one DynamoDB Local started for it
// (DYNAMODB_ENDPOINT set in its environment), so the test packages of
// `make test` share one instead of each starting its own:
//
//	go run ./scripts/withdynamo go test ./...
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/ordercloud-serverless/occ/shared/localdynamo"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: withdynamo command [args...]")
		os.Exit(2)
	}
	in, err := localdynamo.Start(context.Background(), localdynamo.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "withdynamo:", err)
		os.Exit(1)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "DYNAMODB_ENDPOINT="+in.Endpoint)
	err = cmd.Run()
	in.Stop()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "withdynamo:", err)
		os.Exit(1)
	}
}
