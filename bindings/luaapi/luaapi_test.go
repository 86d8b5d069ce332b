package luaapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

type run struct {
	srv            *harbortest.Server
	client         *harbor.Client
	stdout, stderr bytes.Buffer
}

func newRun(t *testing.T, opts harbortest.Options) *run {
	t.Helper()
	srv := harbortest.New(opts)
	url := srv.Start()
	t.Cleanup(srv.Close)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Retry: harbor.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	t.Setenv("HARBOR_URL", url)
	t.Setenv("HARBOR_CREDENTIALS", base64.StdEncoding.EncodeToString([]byte(harbortest.AdminUser+":"+harbortest.AdminPassword)))
	return &run{srv: srv, client: c}
}

func (r *run) opts(args ...string) engine.Options {
	return engine.Options{
		Args:   args,
		Stdout: &r.stdout,
		Stderr: &r.stderr,
		Setup: func(L *lua.LState) error {
			return bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: r.client, Stderr: &r.stderr}})
		},
	}
}

func (r *run) file(t *testing.T, path string, args ...string) error {
	t.Helper()
	return engine.RunFile(context.Background(), path, r.opts(args...))
}

func (r *run) code(t *testing.T, code string) error {
	t.Helper()
	return engine.RunString(context.Background(), "test.lua", code, r.opts())
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

func TestCallbackExampleWithInjectedFailure(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	r.srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories/busybox/artifacts$", Status: 500})
	r.srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories/debian/artifacts$", Status: 404})
	if err := r.file(t, "../../scripts/get_artifacts.lua"); err != nil {
		t.Fatalf("%v\n%s", err, r.stderr.String())
	}
	got := lines(r.stdout.String())
	want := []string{
		"The following exceptions occurred:",
		"HTTPError: GET " + r.srv.URL() + "/api/v2.0/projects/library/repositories/busybox/artifacts?page=1&page_size=100&with_tag=true",
		"HTTPError: GET " + r.srv.URL() + "/api/v2.0/projects/library/repositories/debian/artifacts?page=1&page_size=100&with_tag=true",
		// library/alpine's two artifacts, from the one repository that answered
		"sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e",
		"sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a",
	}
	// The failures and the artifacts are gathered concurrently: their order
	// within each group is not part of the contract, so both are compared
	// sorted.
	if len(got) == len(want) {
		sort.Strings(got[1:3])
		sort.Strings(got[3:5])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFilteredExample(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	if err := r.file(t, "../../scripts/get_artifacts_filtered.lua"); err != nil {
		t.Fatalf("%v\n%s", err, r.stderr.String())
	}
	got := lines(r.stdout.String())
	want := []string{
		"sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e", // library/alpine
		"sha256:5ccc06cea2ff353ab70d6c83a1e7dcde2c4204727c138a7c46ef2e8dd51ca81b", // library/busybox
		"sha256:b48bfa0255bccc210a8fdf9977886f8612af6add0e52912e2c37f4b46b5da991", // library/debian
		"sha256:6485b7997b087b0cdb48727d480c209d01a7ce16201c6eb8a0892fd5d178ee4c", // mirrors/alpine
		"sha256:996c508d0ea7f05d004463cee848b999510a641469cac6937f2c2f838be62a87", // mirrors/internal-repo
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCallbackDetails(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	r.srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/legacy/repositories/old-base/artifacts$", Status: 503, RetryAfter: "0"})
	err := r.code(t, `
		local api = require("harbor.ext.api")
		local calls, seen = 0, nil
		local arts = api.get_artifacts{projects = {"legacy"}, repositories = {"old-base", "nope"},
			callback = function(ex) calls = calls + 1; seen = ex end}
		print(calls, #arts, #seen)
		table.sort(seen, function(a, b) return a.type < b.type end)
		local nf, st = seen[1], seen[2]
		print(nf.type, nf:is("StatusError"), nf:is("HTTPError"), nf:is("TransportError"), nf.key)
		print(st.type, st.status_code, st.request.method, st:is("StatusError"), st.errors[1].code)
		-- the callback fires also when nothing failed, with an empty list
		local n = -1
		api.get_artifacts{projects = {"legacy"}, repositories = {"openssl-app"}, callback = function(ex) n = #ex end}
		print(n)
	`)
	if err != nil {
		t.Fatalf("%v\n%s", err, r.stderr.String())
	}
	want := "1\t0\t2\n" +
		"NotFound\ttrue\ttrue\tfalse\tnope\n" +
		"StatusError\t503\tGET\ttrue\tUNKNOWN\n" +
		"0\n"
	if got := r.stdout.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestNoCallbackWarnsOnce(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	r.srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories/[a-z]+/artifacts$", Status: 500})
	if err := r.code(t, `local api = require("harbor.ext.api"); print(#api.get_artifacts{projects = {"library"}})`); err != nil {
		t.Fatal(err)
	}
	if r.stdout.String() != "0\n" {
		t.Errorf("stdout %q", r.stdout.String())
	}
	warn := lines(r.stderr.String())
	if len(warn) != 1 || !strings.Contains(warn[0], "get_artifacts: 3 request(s) failed") {
		t.Errorf("stderr %q", r.stderr.String())
	}
}

func TestCallbackErrorsPropagateAndNest(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	err := r.code(t, `
		local api = require("harbor.ext.api")
		local function cb(ex)
			error("callback refused")
		end
		api.get_artifacts{projects = {"library"}, callback = cb}
	`)
	se, ok := engine.AsScriptError(err)
	if !ok || !strings.Contains(se.Message, "callback refused") || se.Line != 4 ||
		!strings.Contains(se.Traceback, "test.lua:4: in function") || !strings.Contains(se.Traceback, "in function 'get_artifacts'") {
		t.Fatalf("got %#v", err)
	}
	r.stdout.Reset()
	// A callback may itself call api functions.
	err = r.code(t, `
		local api = require("harbor.ext.api")
		local inner
		api.get_artifacts{projects = {"library"}, repositories = {"busybox"}, callback = function()
			inner = api.get_artifacts{projects = {"mirrors"}, repositories = {"team/app"}, callback = function() end}
		end}
		print(#inner, inner[1].artifact.digest)
	`)
	if err != nil || !strings.HasPrefix(r.stdout.String(), "1\tsha256:8a09905160ad") {
		t.Errorf("nested call: %v %q", err, r.stdout.String())
	}
}

func TestBadArguments(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	cases := map[string]string{
		`api.get_artifacts{projects = 5}`:                        "get_artifacts: projects must be a list of strings, got number",
		`api.get_artifacts{projects = {"a", 3}}`:                 "get_artifacts: projects must be a list of strings, got number at position 2",
		`api.get_artifacts{projcts = {"library"}}`:               `get_artifacts: unknown option "projcts"`,
		`api.get_artifacts{callback = "f"}`:                      "get_artifacts: callback must be a function, got string",
		`api.get_artifacts{max_connections = 0.5}`:               "get_artifacts: max_connections must be an integer, got 0.5",
		`api.get_artifacts(io.stdout, {})`:                       "get_artifacts: argument #1 must be a harbor client or an options table, got userdata",
		`api.get_artifacts("library")`:                           "get_artifacts: argument #1 must be a table of options, got string",
		`api.get_artifact_vulnerabilities{tags = {1}}`:           "get_artifact_vulnerabilities: tags must be a list of strings, got number at position 1",
		`api.get_artifact("library", nil, "latest")`:             "get_artifact: repository must be a non-empty string, got nil",
		`api.filter_artifacts_latest({1})`:                       "filter_artifacts_latest: element 1 is not an ArtifactInfo",
		`require("harbor").client{url = "ftp://x"}`:              "harbor.client: url:",
		`require("harbor").client{url = "http://x", verify = 3}`: "harbor.client: verify must be true, false or the path of a CA bundle, got number",
	}
	for code, want := range cases {
		err := r.code(t, `local api = require("harbor.ext.api")
			local ok, e = pcall(function() `+code+` end)
			assert(not ok, "no error")
			assert(type(e) == "table", "not an exception: " .. tostring(e))
			print(e.type, e.message)`)
		if err != nil {
			t.Errorf("%s: %v", code, err)
			continue
		}
		out := r.stdout.String()
		r.stdout.Reset()
		if !strings.HasPrefix(out, "ValueError\t") || !strings.Contains(out, want) {
			t.Errorf("%s:\n got  %q\n want ValueError with %q", code, out, want)
		}
	}
}

func TestNoDefaultClient(t *testing.T) {
	var out bytes.Buffer
	err := engine.RunString(context.Background(), "t.lua", `
		local ok, e = pcall(require("harbor.ext.api").get_artifacts, {})
		print(e.type, e.message)`, engine.Options{Stdout: &out, Setup: func(L *lua.LState) error {
		return bindings.Setup(L, &bindings.Options{})
	}})
	if err != nil || !strings.Contains(out.String(), "ValueError\tget_artifacts: no client given and no default client configured") {
		t.Errorf("%v %q", err, out.String())
	}
}

func TestCancelStopsFanOut(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 40, ArtifactsPerRepo: 2, Seed: 9})
	r := newRun(t, harbortest.Options{Dataset: ds, Latency: 40 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := engine.RunString(ctx, "t.lua", `require("harbor.ext.api").get_artifacts{}`, r.opts())
	if d := time.Since(start); d > 1200*time.Millisecond {
		t.Errorf("took %v", d)
	}
	if se, ok := engine.AsScriptError(err); !ok || !se.Canceled {
		t.Errorf("want a cancelled run, got %#v", err)
	}
}

// An embedder's state may have no context; the api must not panic there.
func TestStateWithoutContext(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	L := lua.NewState()
	defer L.Close()
	if err := bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: r.client}}); err != nil {
		t.Fatal(err)
	}
	if err := L.DoString(`local api = require("harbor.ext.api")
		assert(#api.get_artifacts{projects = {"library"}} == 4)
		assert(#api.get_repositories{projects = {"library"}} == 3)
		for info in api.iter_artifacts{projects = {"library"}} do end`); err != nil {
		t.Fatal(err)
	}
}

// get_repositories sizes its pool like the other bulk calls: the call's
// max_connections, else the client's, else the run's default of 5. Each
// project's repositories are one request.
func TestRepositoriesPoolSize(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 30, ReposPerProject: 1, ArtifactsPerRepo: 1, Seed: 5})
	r := newRun(t, harbortest.Options{Dataset: ds, Latency: 20 * time.Millisecond})
	for _, tc := range []struct {
		call   string
		bound  int64
		atMost bool
	}{
		{`api.get_repositories{projects = names}`, 5, false},
		{`api.get_repositories(harbor.client{url = os.getenv("HARBOR_URL"), basicauth = os.getenv("HARBOR_CREDENTIALS"), max_connections = 2}, {projects = names})`, 2, true},
		{`api.get_repositories{projects = names, max_connections = 3}`, 3, true},
	} {
		r.srv.ResetStats()
		if err := r.code(t, `local api = require("harbor.ext.api"); local harbor = require("harbor")
			local names = {}
			for _, p in ipairs(harbor.default:get_projects()) do names[#names + 1] = p.name end
			assert(#`+tc.call+` == 30)`); err != nil {
			t.Fatalf("%s: %v", tc.call, err)
		}
		got := r.srv.Stats().MaxInFlight
		if got > tc.bound || !tc.atMost && got < tc.bound {
			t.Errorf("%s: %d requests in flight at most, want %d", tc.call, got, tc.bound)
		}
	}
	if got := badInput(t, r, `api.get_repositories{max_connections = 101}`); got != "ValueError\tget_repositories: max_connections must be between 1 and 100, got 101" {
		t.Errorf("max_connections 101: %q", got)
	}
}
