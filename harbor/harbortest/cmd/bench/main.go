// Command bench sweeps a generated registry served by the in-process
// simulator with harbor.ext.api and checks the performance targets.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

type config struct {
	projects, repos, artifacts int
	vulns                      int
	latency                    time.Duration
	basicAuthCost              time.Duration
	maxConns                   int
	auth                       string
	mode                       string
	seed                       int64
	memProfile                 string
	cpuProfile                 string
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	res, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	res.print(os.Stdout)
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	size := fs.String("size", "10x100x10", "projects x repositories per project x artifacts per repository")
	var cfg config
	fs.IntVar(&cfg.vulns, "vulns", 50, "vulnerabilities per report")
	fs.DurationVar(&cfg.latency, "latency", 2*time.Millisecond, "latency the simulator adds to every request")
	fs.DurationVar(&cfg.basicAuthCost, "basic-auth-cost", 0, "server time of each basic-auth request (Harbor ≥ 2.15: ~85ms)")
	fs.IntVar(&cfg.maxConns, "max-connections", 5, "max_connections of the api calls")
	fs.StringVar(&cfg.auth, "auth", "basic", "client authentication: basic, session or auto")
	fs.StringVar(&cfg.mode, "mode", "list", "list (get_*: results kept), stream (iter_*: nothing kept), or simulator (the same requests, answers discarded: what the in-process simulator costs alone)")
	fs.StringVar(&cfg.memProfile, "memprofile", "", "write a heap profile at the end of each call to `FILE`.<call>")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (simulator included) to `FILE`")
	fs.Int64Var(&cfg.seed, "seed", 1, "seed of the generated registry")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	parts := strings.Split(*size, "x")
	if len(parts) != 3 {
		return cfg, fmt.Errorf("-size must be PxRxA (e.g. 10x100x10), got %q", *size)
	}
	dims := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-size must be three positive numbers, got %q", *size)
		}
		dims[i] = n
	}
	cfg.projects, cfg.repos, cfg.artifacts = dims[0], dims[1], dims[2]
	switch {
	case cfg.vulns < 0:
		return cfg, fmt.Errorf("-vulns must be 0 or more, got %d", cfg.vulns)
	case cfg.maxConns < 1 || cfg.maxConns > 100:
		return cfg, fmt.Errorf("-max-connections must be between 1 and 100, got %d", cfg.maxConns)
	case cfg.latency < 0 || cfg.basicAuthCost < 0:
		return cfg, fmt.Errorf("-latency and -basic-auth-cost must not be negative")
	case cfg.auth != "basic" && cfg.auth != "session" && cfg.auth != "auto":
		return cfg, fmt.Errorf("-auth must be basic, session or auto, got %q", cfg.auth)
	case cfg.mode != "list" && cfg.mode != "stream" && cfg.mode != "simulator":
		return cfg, fmt.Errorf("-mode must be list, stream or simulator, got %q", cfg.mode)
	}
	return cfg, nil
}

func (c config) spec() harbortest.GenSpec {
	return harbortest.GenSpec{Projects: c.projects, ReposPerProject: c.repos, ArtifactsPerRepo: c.artifacts,
		VulnsPerReport: c.vulns, Seed: c.seed}
}
