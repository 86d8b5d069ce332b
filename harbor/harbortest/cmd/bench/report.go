package main

import (
	"fmt"
	"io"
	"time"
)

// Targets (docs/performance.md).
const (
	meanInFlightShare = 0.9 // of max_connections, while work is queued
	wallFactor        = 1.5 // of the latency lower bound
	listRSSLimit      = 400 << 20
	streamRSSLimit    = 100 << 20
)

func (r *results) print(w io.Writer) {
	c := r.cfg
	fmt.Fprintf(w, "size %dx%dx%d: %d repositories, %d artifacts (%d scanned), %d vulnerabilities per report\n",
		c.projects, c.repos, c.artifacts, r.repos, r.artifacts, r.scanned, c.vulns)
	fmt.Fprintf(w, "latency %v, basic-auth cost %v, max_connections %d, auth %s, mode %s, %s\n",
		c.latency, c.basicAuthCost, c.maxConns, c.auth, c.mode, time.Now().UTC().Format("2006-01-02"))
	rss := "peak RSS is per call (VmHWM reset before each)"
	if !r.rssReset {
		rss = "peak RSS is the whole process's (VmHWM could not be reset)"
	}
	fmt.Fprintf(w, "the simulator runs in this process: %s and includes the simulator; peak heap is the Go heap (Lua tables live there), sampled every 1 ms\n", rss)
	if r.failures > 0 {
		fmt.Fprintf(w, "WARNING: %d request(s) failed\n", r.failures)
	}
	for _, k := range r.calls {
		bound := k.serverTime / time.Duration(c.maxConns)
		fmt.Fprintf(w, "\n%s\n", k.name)
		fmt.Fprintf(w, "  artifacts          %d", k.artifacts)
		switch {
		case k.reports && k.vulns < 0:
			fmt.Fprint(w, " (findings not read yet)")
		case k.reports:
			fmt.Fprintf(w, " (%d vulnerabilities)", k.vulns)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  requests           %d (lower bound %d)\n", k.requests, k.lower)
		fmt.Fprintf(w, "  in flight          max %d, mean %.2f over the call, mean %.2f while work was queued (%v of %v)\n",
			k.maxInFlight, k.meanInFlight, k.satInFlight, k.satTime.Round(time.Millisecond), k.wall.Round(time.Millisecond))
		fmt.Fprintf(w, "  wall time          %v (latency lower bound %v = requests × server time / max_connections)\n",
			k.wall.Round(time.Millisecond), bound.Round(time.Millisecond))
		fmt.Fprintf(w, "  server auth time   %v\n", k.authTime.Round(time.Millisecond))
		fmt.Fprintf(w, "  peak RSS           %s\n", mib(k.peakRSS))
		fmt.Fprintf(w, "  peak Go/Lua heap   %s\n", mib(k.peakHeap))
	}
	if c.mode == "simulator" {
		fmt.Fprintln(w, "\nno targets: these calls measure the simulator's own share of the peaks above")
		return
	}
	fmt.Fprintln(w, "\ntargets")
	limit, limitName := uint64(listRSSLimit), "400 MiB (results kept)"
	if c.mode == "stream" {
		limit, limitName = streamRSSLimit, "100 MiB (streaming)"
	}
	for _, k := range r.calls {
		if k.offline {
			verdict(w, k.peakRSS < limit, "%s: peak RSS %s, want under %s", k.name, mib(k.peakRSS), limitName)
			continue
		}
		bound := k.serverTime / time.Duration(c.maxConns)
		verdict(w, k.requests == k.lower, "%s: requests %d, lower bound %d", k.name, k.requests, k.lower)
		want := meanInFlightShare * float64(c.maxConns)
		verdict(w, k.satTime == 0 || k.satInFlight >= want,
			"%s: mean in flight while work was queued %.2f, want ≥ %.1f (%.0f%% of max_connections)", k.name, k.satInFlight, want, meanInFlightShare*100)
		ratio := 0.0
		if bound > 0 {
			ratio = float64(k.wall) / float64(bound)
		}
		verdict(w, bound > 0 && ratio <= wallFactor, "%s: wall %v = %.2f× the latency lower bound %v, want ≤ %.1f×",
			k.name, k.wall.Round(time.Millisecond), ratio, bound.Round(time.Millisecond), wallFactor)
		verdict(w, k.peakRSS < limit, "%s: peak RSS %s, want under %s", k.name, mib(k.peakRSS), limitName)
	}
}

func verdict(w io.Writer, ok bool, format string, args ...any) {
	v := "MISS"
	if ok {
		v = "PASS"
	}
	fmt.Fprintf(w, "%s %s\n", v, fmt.Sprintf(format, args...))
}
