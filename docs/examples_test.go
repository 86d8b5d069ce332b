// Package docs holds the documentation; its test runs every Lua example in
// it (and in the README) against the simulator, so none of them is broken.
package docs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/lualog"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// notRun marks an example that cannot run here; the reason follows it.
const notRun = "-- not run:"

type example struct {
	file string
	line int // of the opening fence
	code string
}

// extract returns the ```lua blocks of a Markdown file.
func extract(t *testing.T, path string) []example {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out  []example
		cur  *example
		body []string
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```lua":
			cur, body = &example{file: filepath.Base(path), line: n}, nil
		case cur != nil && trimmed == "```":
			cur.code = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	if cur != nil {
		t.Errorf("%s:%d: lua block is never closed", path, cur.line)
	}
	return out
}

func markdownFiles(t *testing.T) []string {
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append(files, filepath.Join("..", "README.md"))
}

// Every example runs without error against a fresh simulator, with
// harbor.default, HARBOR_URL and HARBOR_CREDENTIALS pointing at it and
// WEBHOOK_URL at a loopback receiver.
func TestExamplesRun(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	}))
	defer hook.Close()
	t.Setenv("WEBHOOK_URL", hook.URL)
	t.Setenv("HARBOR_CREDENTIALS", base64.StdEncoding.EncodeToString([]byte(harbortest.AdminUser+":"+harbortest.AdminPassword)))

	ran, skipped := 0, 0
	for _, path := range markdownFiles(t) {
		for _, ex := range extract(t, path) {
			first, _, _ := strings.Cut(strings.TrimSpace(ex.code), "\n")
			if strings.HasPrefix(first, notRun) {
				if strings.TrimSpace(strings.TrimPrefix(first, notRun)) == "" {
					t.Errorf("%s:%d: %q needs a reason", ex.file, ex.line, notRun)
				}
				skipped++
				continue
			}
			ran++
			runExample(t, ex)
		}
	}
	if ran == 0 {
		t.Fatal("no Lua examples found in the documentation")
	}
	t.Logf("%d examples run, %d marked %q", ran, skipped, notRun)
}

func runExample(t *testing.T, ex example) {
	t.Helper()
	srv := harbortest.New(harbortest.Options{})
	url := srv.Start()
	defer srv.Close()
	t.Setenv("HARBOR_URL", url)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Retry: harbor.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err = engine.RunString(ctx, ex.file, ex.code, engine.Options{
		Stdout: &stdout,
		Stderr: &stderr,
		Setup: func(L *lua.LState) error {
			return bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: c, Stderr: &stderr}, Stdout: &stdout, Log: lualog.Config{Out: &stderr}})
		},
	})
	if err != nil {
		t.Errorf("%s:%d: example fails: %v\n--- code ---\n%s\n--- stderr ---\n%s", ex.file, ex.line, err, ex.code, stderr.String())
	}
}

// An example marked as not runnable is still valid Lua, so it cannot rot
// into a syntax error unnoticed.
func TestSkippedExamplesCompile(t *testing.T) {
	for _, path := range markdownFiles(t) {
		for _, ex := range extract(t, path) {
			if !strings.HasPrefix(strings.TrimSpace(ex.code), notRun) {
				continue
			}
			for _, d := range engine.Check(ex.file, []byte(ex.code), []string{"arg", "event"}) {
				if d.Severity == "error" {
					t.Errorf("%s:%d: %s", ex.file, ex.line, d)
				}
			}
		}
	}
}
