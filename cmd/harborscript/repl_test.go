package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReplThroughStdin(t *testing.T) {
	input := strings.Join([]string{
		"1 + 2",
		"function double(x)",
		"  return x * 2",
		"end",
		"double(21)",
		"{ b = 'two', a = { 1, 2 }, [3] = true, ['not id'] = 1 }",
		"error('oops')",
		"local t = setmetatable({}, {__index = function() error('deep') end}) return t.x",
		"print('still here')",
		"x = 10",
		"x, 'text'",
	}, "\n") + "\n"
	r := runCLI(t, invocation{args: []string{"repl"}, stdin: input})
	wantCode(t, r, 0)
	want := strings.Join([]string{
		"3",
		"42",
		`{ [3] = true, a = { 1, 2 }, b = "two", ["not id"] = 1 }`,
		"still here",
		"10\ttext",
	}, "\n") + "\n"
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	wantContains(t, "stderr", r.stderr, ">> ", "error: stdin:1: oops", "deep")
}

func TestReplPrintsNestedTablesWithinLimits(t *testing.T) {
	input := "local t = {} t.self = t t.deep = {{{{{{'bottom'}}}}}} return t\n"
	r := runCLI(t, invocation{args: []string{"repl"}, stdin: input})
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "self = <cycle>", "{...}")
	if strings.Contains(r.stdout, "bottom") {
		t.Errorf("nesting was not limited:\n%s", r.stdout)
	}
}

func TestReplWithDemoAndExit(t *testing.T) {
	input := "#require('harbor').default:get_projects() > 0\nos.exit(4)\nprint('not reached')\n"
	r := runCLI(t, invocation{args: []string{"repl", "--demo"}, stdin: input})
	wantCode(t, r, 4)
	if r.stdout != "true\n" {
		t.Errorf("stdout = %q\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func TestReplUnfinishedInputAtEOF(t *testing.T) {
	r := runCLI(t, invocation{args: []string{"repl"}, stdin: "for i = 1, 2 do\n"})
	wantCode(t, r, 0)
	wantContains(t, "stderr", r.stderr, "unfinished")
}

func TestReplInterruptStopsOnlyTheInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd, _, errb := command(ctx, invocation{args: []string{"repl"}})
	cmd.Stdin, cmd.Stdout = nil, nil
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(stdout)
	io.WriteString(stdin, "print('looping') io.stdout:flush() while true do end\n")
	if l, err := lines.ReadString('\n'); l != "looping\n" {
		t.Fatalf("waiting for the loop: %q, %v", l, err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, "'alive'\n")
	stdin.Close()
	rest, _ := io.ReadAll(lines)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("repl ended with %v\nstderr:\n%s", err, errb)
	}
	if string(rest) != "alive\n" {
		t.Errorf("stdout after the interrupt = %q", rest)
	}
	wantContains(t, "stderr", errb.String(), "error: interrupted")
}

// Each input is its own chunk; a leading local declaration is kept as a
// global so that the next input can use it, as people expect at a prompt.
func TestReplKeepsLocalsBetweenInputs(t *testing.T) {
	input := strings.Join([]string{
		"local n = 20",
		"local function twice(x) return 2 * x end",
		"local a, b = 1, 2",
		"twice(n) + a + b",
		"local s = 'local y = 1'",
		"s",
	}, "\n") + "\n"
	r := runCLI(t, invocation{args: []string{"repl"}, stdin: input})
	wantCode(t, r, 0)
	if r.stdout != "43\nlocal y = 1\n" {
		t.Errorf("stdout:\n%s", r)
	}
}

// Parts of an ArtifactInfo built on first read show when it is printed.
func TestReplPrintsLazyParts(t *testing.T) {
	input := "api = require('harbor.ext.api')\ninfo = api.get_artifact('library', 'alpine', 'latest')\ninfo.artifact\n#info.report.vulnerabilities\n"
	r := runCLI(t, invocation{args: []string{"repl", "--demo"}, stdin: input})
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "extra_attrs = {", "scan_overview = {", "addition_links = {", "\n3\n")
}
