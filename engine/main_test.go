package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// Every run must leave no goroutine behind: the daemon runs thousands.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// writeScript writes src to dir/name and returns the path.
func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCode runs code and returns what it printed.
func runCode(t *testing.T, code string, opts Options) (string, error) {
	t.Helper()
	var out bytes.Buffer
	if opts.Stdout == nil {
		opts.Stdout = &out
	}
	err := RunString(context.Background(), "test.lua", code, opts)
	return out.String(), err
}

// scriptError asserts err is a *ScriptError and returns it.
func scriptError(t *testing.T, err error) *ScriptError {
	t.Helper()
	se, ok := AsScriptError(err)
	if !ok {
		t.Fatalf("want *ScriptError, got %T: %v", err, err)
	}
	return se
}

func errNotExist() error { return os.ErrNotExist }
