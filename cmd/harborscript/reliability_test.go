package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freeAddr finds a loopback port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func noPanic(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.stdout+r.stderr, "panic") || strings.Contains(r.stdout+r.stderr, "goroutine ") {
		t.Errorf("output shows a panic:\n%s", r)
	}
}

const hogScript = "local t, i = {}, 0\nwhile true do i = i + 1; t[i] = string.rep('x', 1024) .. i end\n"

// A job over its memory_limit fails with a clear message while the other
// jobs of the file still run; a job's sandbox: confines its writes and
// forbids programs, as --sandbox does for run.
func TestScheduleMemoryLimitAndSandboxPerJob(t *testing.T) {
	dir := t.TempDir()
	box := filepath.Join(dir, "box")
	if err := os.Mkdir(box, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, "outside.txt")
	writeFile(t, dir, "hog.lua", hogScript)
	writeFile(t, dir, "writer.lua", `
local ok, err = pcall(function() local f = assert(io.open("`+outside+`", "w")); f:write("x"); f:close() end)
print("outside", ok, err)
local f = assert(io.open("`+filepath.Join(box, "in.txt")+`", "w")); f:write("inside"); f:close()
print("inside ok")
print("exec", pcall(os.execute, "true"))
`)
	writeFile(t, dir, "free.lua", `local f = assert(io.open("`+filepath.Join(dir, "free.txt")+`", "w")); f:write("x"); f:close(); print("free ran")`)
	file := writeFile(t, dir, "s.yaml", `jobs:
  - {name: hog, script: hog.lua, schedule: '@daily', memory_limit: 32MiB, timeout: 20s}
  - {name: writer, script: writer.lua, schedule: '@daily', sandbox: box}
  - {name: free, script: free.lua, schedule: '@daily'}
`)
	hist := filepath.Join(dir, "h.jsonl")
	r := runCLI(t, invocation{args: []string{"schedule", "--once", "--history", hist, file}})
	wantCode(t, r, 1)
	noPanic(t, r)
	wantContains(t, "stderr", r.stderr, "memory limit of 32 MiB exceeded", "1 of 3 jobs failed")
	wantContains(t, "stdout", r.stdout, "[writer] outside\tfalse", "outside the sandbox write directory", "[writer] inside ok",
		"[writer] exec\tfalse", "os.execute is not allowed in the sandbox", "[free] free ran")
	if _, err := os.Stat(outside); err == nil {
		t.Error("the sandboxed job wrote outside its sandbox")
	}
	if _, err := os.Stat(filepath.Join(box, "in.txt")); err != nil {
		t.Errorf("the sandboxed job could not write inside: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "free.txt")); err != nil {
		t.Errorf("a job without sandbox: was confined: %v", err)
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct{ Job, Outcome, Error string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("history line %q: %v", line, err)
		}
		outcomes[rec.Job] = rec.Outcome
		if rec.Job == "hog" && !strings.Contains(rec.Error, "memory limit of 32 MiB exceeded") {
			t.Errorf("history of hog: %q", rec.Error)
		}
	}
	if outcomes["hog"] != "error" || outcomes["writer"] != "success" || outcomes["free"] != "success" {
		t.Errorf("outcomes %v", outcomes)
	}
}

// A running daemon survives a job that keeps hitting its memory limit: it
// stays healthy, other jobs keep their schedule, and SIGTERM ends it
// cleanly.
func TestScheduleDaemonSurvivesMemoryHog(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "hog.lua", hogScript)
	writeFile(t, dir, "tick.lua", "print('tick')\n")
	file := writeFile(t, dir, "s.yaml", `jobs:
  - {name: hog, script: hog.lua, schedule: '@every 1s', memory_limit: 32MiB}
  - {name: tick, script: tick.lua, schedule: '@every 1s'}
`)
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, _, _ := command(ctx, invocation{args: []string{"schedule", "--listen", addr, "--grace", "5s", file}})
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for strings.Count(errb.String(), "memory limit of 32 MiB exceeded") < 2 || strings.Count(out.String(), "[tick] tick") < 2 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the jobs did not run twice each:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after the memory failures: %d %s", code, body)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, errb.String())
	}
	noPanic(t, result{stdout: out.String(), stderr: errb.String()})
}

// An endless loop ends at --timeout inside a pcall, too; deep recursion is
// a Lua error with a position, not a crash of the process.
func TestRunawayScriptsEndCleanly(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"pcall cannot swallow the timeout", []string{"run", "--timeout", "300ms", "-e", "while true do pcall(function() while true do end end) end"}, 1, "timeout"},
		{"deep recursion", []string{"run", "-e", "local function f(n) return 1 + f(n + 1) end\nf(1)"}, 1, "stack overflow"},
		{"unbounded string growth", []string{"run", "--memory-limit", "32MiB", "--timeout", "20s", "-e", "local s = 'x'\nwhile true do s = s .. s end"}, 1, "memory limit of 32 MiB exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, invocation{args: tc.args})
			wantCode(t, r, tc.code)
			noPanic(t, r)
			wantContains(t, "stderr", strings.ToLower(r.stderr), strings.ToLower(tc.want))
		})
	}
}
