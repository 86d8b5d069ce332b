package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func smallConfig(t *testing.T, mode string) config {
	t.Helper()
	cfg, err := parseFlags([]string{"-size", "2x3x4", "-vulns", "5", "-latency", "1ms", "-mode", mode})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Every mode sweeps the whole registry with the fewest requests, so the
// numbers it prints are about the same work.
func TestModesSweepEveryArtifact(t *testing.T) {
	for _, mode := range []string{"list", "stream", "simulator"} {
		t.Run(mode, func(t *testing.T) {
			res, err := run(context.Background(), smallConfig(t, mode))
			if err != nil {
				t.Fatal(err)
			}
			if res.failures != 0 {
				t.Fatalf("%d requests failed", res.failures)
			}
			last := res.calls[len(res.calls)-1]
			if last.artifacts != 24 {
				t.Errorf("%s: %d artifacts, want 24", last.name, last.artifacts)
			}
			if mode != "simulator" && last.vulns != 24*5 {
				t.Errorf("%s: %d vulnerabilities, want %d", last.name, last.vulns, 24*5)
			}
			for _, k := range res.calls {
				if k.requests != k.lower {
					t.Errorf("%s: %d requests, lower bound %d", k.name, k.requests, k.lower)
				}
			}
		})
	}
}

func TestMemProfileWrittenPerCall(t *testing.T) {
	cfg := smallConfig(t, "stream")
	cfg.memProfile = filepath.Join(t.TempDir(), "heap")
	res, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range res.calls {
		fi, err := os.Stat(cfg.memProfile + "." + k.name)
		if err != nil || fi.Size() == 0 {
			t.Errorf("%s: no heap profile (%v)", k.name, err)
		}
	}
}

func TestBadFlagsAreRefused(t *testing.T) {
	for _, args := range [][]string{{"-mode", "fast"}, {"-size", "10x10"}, {"-size", "1x0x1"}, {"-max-connections", "0"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
