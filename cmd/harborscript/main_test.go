package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// binary is the harborscript executable built once for all tests: the
// command line is tested as users run it, as a process with exit codes.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "harborscript-cli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "harborscript")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building harborscript:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

type invocation struct {
	args  []string
	stdin string
	env   []string
	dir   string
}

// cleanEnv is the test process's environment without any Harbor settings
// a developer may have exported.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HARBOR_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func command(ctx context.Context, inv invocation) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, binary, inv.args...)
	cmd.Env = cleanEnv(inv.env...)
	cmd.Dir = inv.dir
	cmd.Stdin = strings.NewReader(inv.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

func runCLI(t *testing.T, inv invocation) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, out, errb := command(ctx, inv)
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %v: %v", inv.args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

func harborscript(t *testing.T, args ...string) result {
	t.Helper()
	return runCLI(t, invocation{args: args})
}

// simulator starts a Harbor simulator with the demo data for one test.
func simulator(t *testing.T) *harbortest.Server {
	t.Helper()
	srv := harbortest.New(harbortest.Options{})
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// adminFlags connect to srv as its admin through flags.
func adminFlags(srv *harbortest.Server) []string {
	return []string{"--url", srv.URL(), "--username", harbortest.AdminUser, "--password", harbortest.AdminPassword}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\n%s", r.code, code, r)
	}
}

func wantContains(t *testing.T, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s does not contain %q:\n%s", what, p, got)
		}
	}
}

// artifactExists asks the simulator directly, bypassing the command line.
func artifactExists(t *testing.T, srv *harbortest.Server, project, repo, ref string) bool {
	t.Helper()
	c, err := harbor.New(harbor.Options{URL: srv.URL(), Username: harbortest.AdminUser, Secret: harbortest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetArtifact(context.Background(), project, repo, ref, harbor.ArtifactOptions{})
	if err == nil {
		return true
	}
	if he := (*harbor.Error)(nil); errors.As(err, &he) && he.StatusCode == 404 {
		return false
	}
	t.Fatalf("looking up %s/%s:%s: %v", project, repo, ref, err)
	return false
}

func TestVersion(t *testing.T) {
	r := harborscript(t, "version")
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "harborscript "+harbor.Version)
}
