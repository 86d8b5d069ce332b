package luaapi_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	"go.uber.org/goleak"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaapi"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

const reportRoute = "GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/vulnerabilities"

// iterRun runs scripts against a generated registry; the script can ask
// the simulator how many requests it served (requests(), reports()) and
// pause (pause(ms)) so that the workers run ahead if they can.
type iterRun struct {
	srv    *harbortest.Server
	client *harbor.Client
	out    bytes.Buffer
	errOut bytes.Buffer
}

func newIterRun(t *testing.T, spec harbortest.GenSpec, latency time.Duration) *iterRun {
	t.Helper()
	srv := harbortest.New(harbortest.Options{Dataset: harbortest.Generate(spec), Latency: latency})
	url := srv.Start()
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	r := &iterRun{srv: srv, client: c}
	t.Cleanup(r.close)
	return r
}

func (r *iterRun) close() {
	r.client.Close()
	r.srv.Close()
}

func (r *iterRun) run(t *testing.T, code string) {
	t.Helper()
	opts := engine.Options{
		Stdout: &r.out,
		Stderr: &r.errOut,
		Setup: func(L *lua.LState) error {
			if err := bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: r.client, Stderr: &r.errOut}}); err != nil {
				return err
			}
			L.SetGlobal("requests", L.NewFunction(func(L *lua.LState) int {
				L.Push(lua.LNumber(r.srv.Stats().Total))
				return 1
			}))
			L.SetGlobal("reports", L.NewFunction(func(L *lua.LState) int {
				L.Push(lua.LNumber(r.srv.Stats().PerEndpoint[reportRoute]))
				return 1
			}))
			L.SetGlobal("pause", L.NewFunction(func(L *lua.LState) int {
				time.Sleep(time.Duration(L.CheckInt(1)) * time.Millisecond)
				return 0
			}))
			L.SetGlobal("WINDOW", lua.LNumber(luaapi.Window))
			L.SetGlobal("DECODERS", lua.LNumber(runtime.GOMAXPROCS(0)))
			return nil
		},
	}
	if err := engine.RunString(context.Background(), "iter_test.lua", code, opts); err != nil {
		t.Fatalf("%v\nstderr: %s", err, r.errOut.String())
	}
}

func TestIteratorsYieldEveryArtifactOnce(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 2, ReposPerProject: 3, ArtifactsPerRepo: 120, VulnsPerReport: 2, Seed: 11}
	r := newIterRun(t, spec, 0)
	r.run(t, `
		local api = require("harbor.ext.api")
		for _, fn in ipairs({"artifacts", "artifact_vulnerabilities"}) do
			local want = {}
			local n = 0
			for _, info in ipairs(api["get_" .. fn]{}) do want[info.name_with_digest_full] = true; n = n + 1 end
			local seen, got, calls = {}, 0, 0
			for info in api["iter_" .. fn]{callback = function(errs) calls = calls + 1; assert(#errs == 0) end} do
				local key = info.name_with_digest_full
				assert(not seen[key], key .. " yielded twice")
				assert(want[key], key .. " is not a result of get_" .. fn)
				seen[key] = true
				got = got + 1
				if fn == "artifact_vulnerabilities" then assert(#info.report.vulnerabilities == 2) end
			end
			print(fn, n, got, calls)
		end`)
	want := "artifacts\t720\t720\t1\nartifact_vulnerabilities\t720\t720\t1\n"
	if r.out.String() != want {
		t.Errorf("got\n%swant\n%s", r.out.String(), want)
	}
}

// A slow loop holds back the workers: reports are fetched at most a window
// (plus one per connection and one per decoder) ahead of the loop, whatever the registry's size.
func TestIteratorWindowBoundsFetchAhead(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 1, ReposPerProject: 4, ArtifactsPerRepo: 100, VulnsPerReport: 1, Seed: 2}
	r := newIterRun(t, spec, 0)
	r.run(t, `
		local api = require("harbor.ext.api")
		local conns = 3
		local consumed, worst = 0, 0
		for info in api.iter_artifact_vulnerabilities{max_connections = conns} do
			consumed = consumed + 1
			if consumed % 50 == 1 then pause(30) end
			local ahead = reports() - consumed
			if ahead > worst then worst = ahead end
			assert(ahead <= WINDOW + conns + DECODERS, ("%d reports fetched ahead of the loop, window %d"):format(ahead, WINDOW))
		end
		print(consumed, worst > WINDOW / 2)`)
	// The second field shows the workers did run ahead, so the bound was
	// exercised rather than never approached.
	if got := r.out.String(); got != "400\ttrue\n" {
		t.Errorf("got %q", got)
	}
}

func TestIteratorBreakAndClose(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	spec := harbortest.GenSpec{Projects: 2, ReposPerProject: 20, ArtifactsPerRepo: 20, VulnsPerReport: 1, Seed: 4}
	r := newIterRun(t, spec, 2*time.Millisecond)
	r.run(t, `
		local api = require("harbor.ext.api")
		local calls = 0
		local it = api.iter_artifact_vulnerabilities{callback = function(errs)
			calls = calls + 1
			assert(#errs == 0, "close reported its own cancellations")
		end}
		local n = 0
		for info in it do
			n = n + 1
			if n == 3 then break end
		end
		it:close()
		assert(calls == 1, "callback fired " .. calls .. " times at close")
		-- Requests already on the wire when close came may still reach the
		-- server; after that the count must stand still.
		pause(50)
		local before = requests()
		pause(50)
		assert(requests() == before, ("requests kept coming after close: %d then %d"):format(before, requests()))
		assert(before < 2 * 20 * 21, "close came after everything was fetched")
		it:close()
		assert(it() == nil, "a closed iterator yields nothing")
		api.get_repositories{projects = {"project-001"}}
		assert(calls == 1, "callback fired again")
		print(tostring(it))`)
	if got := r.out.String(); got != "ArtifactIterator(iter_artifact_vulnerabilities, closed)\n" {
		t.Errorf("got %q", got)
	}
	r.close()
}

// Leaving a loop with break is noticed by the next harbor.ext.api call;
// calls made inside a running loop leave its iterator alone.
func TestAbandonedIteratorClosedByNextCall(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	spec := harbortest.GenSpec{Projects: 1, ReposPerProject: 30, ArtifactsPerRepo: 10, VulnsPerReport: 1, Seed: 9}
	r := newIterRun(t, spec, time.Millisecond)
	r.run(t, `
		local api = require("harbor.ext.api")
		local calls = 0
		local function cb(errs) calls = calls + 1 end
		for info in api.iter_artifacts{callback = cb} do break end
		assert(calls == 0, "callback fired before anything could notice the break")
		local repos = api.get_repositories{projects = {"project-001"}}
		assert(calls == 1, "the next api call did not close the abandoned iterator")
		-- Requests already on the wire at the close may still arrive; after
		-- that the count must stand still, far short of the whole sweep.
		pause(30)
		local settled = requests()
		pause(30)
		assert(requests() == settled, ("requests went on: %d, then %d"):format(settled, requests()))
		assert(settled < 30, "the abandoned iterator fetched everything: " .. settled)

		local n, inner = 0, 0
		for info in api.iter_artifacts{callback = cb} do
			n = n + 1
			if n % 100 == 1 then
				inner = inner + #api.get_repositories{projects = {"project-001"}}
			end
		end
		assert(calls == 2, "callbacks: " .. calls)
		print(#repos, n, inner)`)
	if got := r.out.String(); got != fmt.Sprintf("30\t300\t%d\n", 3*30) {
		t.Errorf("got %q", got)
	}
	r.close()
}

func TestIteratorArgumentErrors(t *testing.T) {
	r := newIterRun(t, harbortest.GenSpec{Projects: 1, ReposPerProject: 1, ArtifactsPerRepo: 1}, 0)
	r.run(t, `
		local api = require("harbor.ext.api")
		local ok, err = pcall(api.iter_artifacts, {projects = 3})
		print(ok, tostring(err):match("iter_artifacts: projects") ~= nil)
		ok, err = pcall(api.iter_artifacts, {tags = {"x"}})
		print(ok, tostring(err):match("tags is an option of get_artifact_vulnerabilities") ~= nil)`)
	if got := r.out.String(); got != "false\ttrue\nfalse\ttrue\n" {
		t.Errorf("got %q", got)
	}
	if strings.Contains(r.errOut.String(), "warning") {
		t.Errorf("unexpected warning: %s", r.errOut.String())
	}
}
