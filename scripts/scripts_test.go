// Package scripts_test runs every Lua script in scripts/ against the Harbor simulator
// and compares its output with the golden files in testdata/golden.
package scripts_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// referenceTime is the seed registry's reference_time: the scripts' clock is
// pinned to it so that ages and expiry in their output never drift.
var referenceTime = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

const goldenDir = "../testdata/golden"

// env is one script run against a fresh simulator.
type env struct {
	srv            *harbortest.Server
	client         *harbor.Client
	stdout, stderr bytes.Buffer
	dir            string            // a temporary directory for files the case writes
	vars           map[string]string // substituted for {name} in args and output
	hook           *webhook
	event          string // JSON set as the global event (webhook handlers)
}

// newEnv starts a simulator seeded with the demo registry and points
// harbor.default and HARBOR_URL/HARBOR_CREDENTIALS at it.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := newSimulator(t)
	t.Setenv("HARBOR_URL", e.vars["harbor"])
	t.Setenv("HARBOR_CREDENTIALS", base64.StdEncoding.EncodeToString([]byte(harbortest.AdminUser+":"+harbortest.AdminPassword)))
	return e
}

// newSimulator is newEnv without touching the process environment.
func newSimulator(t *testing.T) *env {
	t.Helper()
	srv := harbortest.New(harbortest.Options{Clock: func() time.Time { return referenceTime }})
	url := srv.Start()
	t.Cleanup(srv.Close)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Retry: harbor.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &env{srv: srv, client: c, dir: t.TempDir(), vars: map[string]string{"harbor": url}}
}

// run runs a script with args ({name} replaced from e.vars), collecting
// its output in e.stdout and e.stderr.
func (e *env) run(script string, args ...string) error {
	e.stdout.Reset()
	e.stderr.Reset()
	expanded := make([]string, len(args))
	for i, a := range args {
		expanded[i] = e.expand(a)
	}
	return engine.RunFile(context.Background(), script, engine.Options{
		Args:   expanded,
		Stdout: &e.stdout,
		Stderr: &e.stderr,
		Setup: func(L *lua.LState) error {
			if err := bindings.Setup(L, &bindings.Options{
				Harbor: luaharbor.Env{Default: e.client, Stderr: &e.stderr},
				Stdout: &e.stdout,
				Now:    func() time.Time { return referenceTime },
			}); err != nil {
				return err
			}
			if e.event != "" {
				ev, err := luaconv.DecodeJSON(L, []byte(e.event))
				if err != nil {
					return err
				}
				L.SetGlobal("event", ev)
			}
			return nil
		},
	})
}

// lua runs code against the same simulator, to prepare it for a case.
func (e *env) lua(t *testing.T, code string) {
	t.Helper()
	if err := engine.RunString(context.Background(), "setup.lua", code, engine.Options{
		Stdout: &e.stdout,
		Stderr: &e.stderr,
		Setup: func(L *lua.LState) error {
			return bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: e.client, Stderr: &e.stderr}})
		},
	}); err != nil {
		t.Fatalf("setup: %v", err)
	}
}

func (e *env) expand(s string) string {
	for k, v := range e.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// placeholders replaces every variable's value by {name}, so outputs that
// mention a random port or directory stay comparable.
func (e *env) placeholders(s string) string {
	keys := make([]string, 0, len(e.vars))
	for k := range e.vars {
		keys = append(keys, k)
	}
	// Longer values first: a directory may contain another's prefix.
	sort.Slice(keys, func(i, j int) bool { return len(e.vars[keys[i]]) > len(e.vars[keys[j]]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, e.vars[k], "{"+k+"}")
	}
	return s
}

// webhook is a local receiver for notify.lua.
type webhook struct {
	mu     sync.Mutex
	status int
	bodies []string
	types  []string
}

func (e *env) startWebhook(t *testing.T, status int) *webhook {
	t.Helper()
	h := &webhook{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, buf.String())
		h.types = append(h.types, r.Header.Get("Content-Type"))
		h.mu.Unlock()
		w.WriteHeader(h.status)
		_, _ = w.Write([]byte("receiver says " + http.StatusText(h.status)))
	}))
	t.Cleanup(srv.Close)
	e.vars["webhook"] = srv.URL + "/hooks/T000/B000"
	e.hook = h
	return h
}

func (h *webhook) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scripts -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// scriptCase is one golden run of a script.
type scriptCase struct {
	script string
	name   string // "" for the script's default run
	args   []string
	// setup prepares the simulator or the environment before the run.
	setup func(t *testing.T, e *env)
	// event is the JSON of a webhook event, given to the script as the
	// global event, as "harborscript schedule" does.
	event string
	// env sets environment variables ({name} replaced) for the run.
	env map[string]string
	// wantErr, when set, must occur in the script's error (a failing run).
	wantErr string
	// check asserts more than the golden output after the run.
	check func(t *testing.T, e *env)
}

func (c scriptCase) goldenName() string {
	base := strings.TrimSuffix(c.script, ".lua")
	if c.name == "" {
		return base + ".txt"
	}
	return base + "." + c.name + ".txt"
}

func (c scriptCase) run(t *testing.T) {
	e := newEnv(t)
	if c.setup != nil {
		c.setup(t, e)
	}
	for k, v := range c.env {
		t.Setenv(k, e.expand(v))
	}
	e.event = c.event
	err := e.run(c.script, c.args...)
	switch {
	case c.wantErr == "" && err != nil:
		t.Fatalf("%s failed: %v\nstderr:\n%s\nstdout:\n%s", c.script, err, e.stderr.String(), e.stdout.String())
	case c.wantErr != "" && err == nil:
		t.Fatalf("%s succeeded, want an error containing %q\nstdout:\n%s", c.script, c.wantErr, e.stdout.String())
	case c.wantErr != "" && !strings.Contains(e.placeholders(err.Error()), c.wantErr):
		t.Fatalf("%s error = %q, want it to contain %q", c.script, e.placeholders(err.Error()), c.wantErr)
	}
	var se *engine.ScriptError
	if err != nil && !errors.As(err, &se) {
		t.Fatalf("%s: error is %T, want a script error: %v", c.script, err, err)
	}
	golden(t, c.goldenName(), e.placeholders(e.stdout.String()))
	if c.check != nil {
		c.check(t, e)
	}
}

// scripts lists the .lua files that are scripts (lib/ holds modules).
func scripts(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == "lib" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".lua") {
			out = append(out, filepath.ToSlash(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestEveryScriptHasAGoldenCase(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.script] = true
	}
	all := scripts(t)
	if len(all) == 0 {
		t.Fatal("no scripts found")
	}
	for _, s := range all {
		if !covered[s] {
			t.Errorf("%s has no golden case in scripts_test.go", s)
		}
	}
	for s := range covered {
		if _, err := os.Stat(s); err != nil {
			t.Errorf("a case names %s, which does not exist", s)
		}
	}
}

func TestScripts(t *testing.T) {
	for _, c := range cases {
		c := c
		name := strings.TrimSuffix(c.goldenName(), ".txt")
		t.Run(name, func(t *testing.T) { c.run(t) })
	}
}

// TestEveryScriptDocumentsItself checks the header every script starts with:
// what it does, its arguments and an example command.
func TestEveryScriptDocumentsItself(t *testing.T) {
	for _, s := range scripts(t) {
		src, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		head := string(src)
		if !strings.HasPrefix(head, "-- "+s+":") {
			t.Errorf("%s: header must start with %q", s, "-- "+s+":")
		}
		if !regexp.MustCompile(`(?m)^--.*harborscript run --demo .*scripts/` + regexp.QuoteMeta(s)).MatchString(head) {
			t.Errorf("%s: header has no example command `harborscript run --demo ... scripts/%s`", s, s)
		}
		// Webhook handlers take their input from the event and the
		// environment rather than from arguments.
		if !strings.Contains(head, "-- Arguments:") && !strings.Contains(head, "-- Environment:") {
			t.Errorf("%s: header describes neither its arguments nor its environment", s)
		}
	}
}

// TestReadmeListsEveryScript keeps the README's table of scripts in step
// with the directory.
func TestReadmeListsEveryScript(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+\\.lua)` \\|").FindAllStringSubmatch(string(readme), -1) {
		listed[m[1]] = true
	}
	all := scripts(t)
	for _, s := range all {
		if !listed[s] {
			t.Errorf("README.md's table of scripts lacks %s", s)
		}
		delete(listed, s)
	}
	for s := range listed {
		t.Errorf("README.md lists %s, which is not in scripts/", s)
	}
}
