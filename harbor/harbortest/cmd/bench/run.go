package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// listScript keeps every result until the end, as a report script would.
const listScript = `
local api = require("harbor.ext.api")
local failures = 0
local function cb(errs) failures = failures + #errs end
local kept = {}
bench.begin("get_artifacts")
kept[1] = api.get_artifacts{callback = cb, max_connections = MAX}
bench.finish(#kept[1], 0)
-- Each call's peak counts its own results, not the previous call's.
kept[1] = nil
bench.begin("get_artifact_vulnerabilities")
kept[2] = api.get_artifact_vulnerabilities{callback = cb, max_connections = MAX}
-- -1: the findings lists are built when first read, which the next step does.
bench.finish(#kept[2], -1)
-- With everything kept, read every report's findings: no requests, the
-- peak is the kept results with every findings list built.
bench.begin("read_findings")
local vulns = 0
for _, info in ipairs(kept[2]) do vulns = vulns + #info.report.vulnerabilities end
bench.finish(#kept[2], vulns)
bench.failures(failures)
`

// streamScript reads the same results and keeps none.
const streamScript = `
local api = require("harbor.ext.api")
local failures = 0
local function cb(errs) failures = failures + #errs end
local n = 0
bench.begin("iter_artifacts")
for info in api.iter_artifacts{callback = cb, max_connections = MAX} do n = n + 1 end
bench.finish(n, 0)
n = 0
local vulns = 0
bench.begin("iter_artifact_vulnerabilities")
for info in api.iter_artifact_vulnerabilities{callback = cb, max_connections = MAX} do
	n = n + 1
	vulns = vulns + #info.report.vulnerabilities
end
bench.finish(n, vulns)
bench.failures(failures)
`

// simulatorScript measures the process without a client-side sweep (idle),
// then with the sweep's requests made and their answers thrown away.
const simulatorScript = `
bench.begin("idle")
bench.finish(0, 0)
bench.begin("discard")
local n, failures = bench.discard()
bench.finish(n, 0)
bench.failures(failures)
`

// call is what one api call cost.
type call struct {
	name             string
	reports          bool
	offline          bool // makes no requests: only the memory target applies
	artifacts, vulns int
	requests         int64
	lower            int64
	maxInFlight      int64
	meanInFlight     float64 // server side, over the whole call
	satInFlight      float64 // client side, while work was queued
	satTime          time.Duration
	wall             time.Duration
	serverTime       time.Duration // latency and auth cost of every request
	authTime         time.Duration
	peakRSS          uint64
	peakHeap         uint64
}

type results struct {
	cfg       config
	repos     int
	artifacts int
	scanned   int
	rssReset  bool
	calls     []*call
	failures  int
}

func run(ctx context.Context, cfg config) (*results, error) {
	ds := harbortest.Generate(cfg.spec())
	res := &results{cfg: cfg}
	for _, p := range ds.Projects {
		for _, r := range p.Repositories {
			res.repos++
			for _, a := range r.Artifacts {
				res.artifacts++
				if a.Scan != nil && a.Scan.Status == "Success" {
					res.scanned++
				}
			}
		}
	}
	srv := harbortest.New(harbortest.Options{Dataset: ds, Latency: cfg.latency, BasicAuthCost: cfg.basicAuthCost})
	url := srv.Start()
	defer srv.Close()
	// The generated registry is the simulator's; collect what building it
	// left behind so that the peaks measure the sweep.
	ds = nil
	runtime.GC()

	fm := &flightMeter{maxConns: cfg.maxConns}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 100
	client, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Auth: cfg.auth, Transport: &transport{next: base, m: fm}})
	if err != nil {
		return nil, err
	}
	defer client.Close()
	hm := startHeapMeter(time.Millisecond)
	defer hm.close()
	if cfg.cpuProfile != "" {
		stop, err := startCPUProfile(cfg.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer stop()
	}

	var cur *call
	var start time.Time
	begin := func(L *lua.LState) int {
		name := L.CheckString(1)
		cur = &call{name: name, reports: strings.Contains(name, "vulnerabilities") || name == "discard" || name == "read_findings",
			offline: name == "idle" || name == "read_findings"}
		// Return freed memory to the OS so that the RSS peak starts from
		// what is live, not from what earlier calls left mapped.
		debug.FreeOSMemory()
		res.rssReset = resetPeakRSS()
		hm.reset()
		fm.reset()
		srv.ResetStats()
		start = time.Now()
		return 0
	}
	finish := func(L *lua.LState) int {
		cur.wall = time.Since(start)
		st := srv.Stats()
		cur.artifacts, cur.vulns = L.CheckInt(1), L.CheckInt(2)
		cur.requests = st.Total
		cur.maxInFlight = st.MaxInFlight
		cur.meanInFlight = st.MeanInFlight()
		cur.satInFlight, cur.satTime = fm.saturated()
		cur.authTime = st.AuthTime
		cur.serverTime = time.Duration(st.Total)*cfg.latency + st.AuthTime
		cur.peakRSS = peakRSS()
		cur.peakHeap = hm.peakBytes()
		if cfg.memProfile != "" {
			if err := writeHeapProfile(cfg.memProfile + "." + cur.name); err != nil {
				L.RaiseError("memprofile: %v", err)
			}
		}
		first := true
		for _, k := range res.calls {
			first = first && k.requests == 0
		}
		cur.lower = res.lowerBound(cur.reports, first)
		if cur.offline {
			cur.lower = 0
		}
		res.calls = append(res.calls, cur)
		return 0
	}
	script := listScript
	switch cfg.mode {
	case "stream":
		script = streamScript
	case "simulator":
		script = simulatorScript
	}
	opts := engine.Options{
		Stderr: os.Stderr,
		Setup: func(L *lua.LState) error {
			env := luaharbor.Env{Default: client, Stderr: os.Stderr, MaxConnections: cfg.maxConns,
				Progress: func(string) (func(ext.Progress), func()) { return fm.progress, func() {} }}
			if err := bindings.Setup(L, &bindings.Options{Harbor: env}); err != nil {
				return err
			}
			b := L.NewTable()
			b.RawSetString("begin", L.NewFunction(begin))
			b.RawSetString("finish", L.NewFunction(finish))
			b.RawSetString("discard", L.NewFunction(func(L *lua.LState) int {
				n, failed, err := discardSweep(L.Context(), client, cfg.maxConns)
				if err != nil {
					L.RaiseError("discard: %v", err)
				}
				L.Push(lua.LNumber(n))
				L.Push(lua.LNumber(failed))
				return 2
			}))
			b.RawSetString("failures", L.NewFunction(func(L *lua.LState) int {
				res.failures = L.CheckInt(1)
				return 0
			}))
			L.SetGlobal("bench", b)
			L.SetGlobal("MAX", lua.LNumber(cfg.maxConns))
			return nil
		},
	}
	if err := engine.RunString(ctx, "bench.lua", script, opts); err != nil {
		return nil, err
	}
	return res, nil
}

// lowerBound is the fewest requests a call can make: the credential check
// (first call only: GET /users/current with basic auth, the two-step login
// with a session), the repository pages, every repository's artifact pages,
// and one report per scanned artifact.
func (r *results) lowerBound(reports, first bool) int64 {
	n := int64(pages(r.repos))
	n += int64(r.repos * pages(r.cfg.artifacts))
	if reports {
		n += int64(r.scanned)
	}
	if first {
		n += int64(r.credentialRequests())
	}
	return n
}

func (r *results) credentialRequests() int {
	if r.cfg.auth == "basic" {
		return 1
	}
	return 2
}

func pages(n int) int {
	if n <= 0 {
		return 1
	}
	return (n + harbor.MaxPageSize - 1) / harbor.MaxPageSize
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// writeHeapProfile writes the live heap after a collection, so inuse_space
// shows what the call keeps.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startCPUProfile profiles the sweep only, not the registry's generation.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
