package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Bad flags, schedule files and credentials files are usage errors (exit
// 2) whose one line names what was wrong; none panics.
func TestBadInputAtTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "ok.lua", "print('ran')\n")
	badCred := writeFile(t, dir, "bad.json", `{"name": `)
	schedule := func(name, body string) string { return writeFile(t, dir, name, body) }
	job := "jobs:\n  - {name: a, script: ok.lua, schedule: '@daily', %s}\n"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"malformed credentials file", []string{"run", "--url", "http://127.0.0.1:1", "--credentials-file", badCred, script},
			`--credentials-file (HARBOR_CREDENTIALS_FILE): "` + badCred + `" is not valid JSON`},
		{"bad duration flag", []string{"run", "--timeout", "soon", script}, `invalid value "soon" for flag -timeout`},
		{"max-connections too low", []string{"run", "--max-connections", "0", script}, "--max-connections must be between 1 and 100, got 0"},
		{"max-connections too high", []string{"run", "--max-connections", "1000", script}, "--max-connections must be between 1 and 100, got 1000"},
		{"negative request timeout", []string{"run", "--request-timeout", "-1s", script}, "--request-timeout must not be negative, got -1s"},
		{"missing schedule file", []string{"schedule", filepath.Join(dir, "none.yaml")}, "reading schedule file"},
		{"empty schedule file", []string{"schedule", "--once", schedule("empty.yaml", "")}, "empty.yaml: no jobs: the file is empty"},
		{"schedule bad memory_limit", []string{"schedule", "--once", schedule("m.yaml", strings.Replace(job, "%s", "memory_limit: lots", 1))},
			`m.yaml:2: job "a": memory_limit: "lots" is not a size`},
		{"schedule missing sandbox", []string{"schedule", "--once", schedule("sb.yaml", strings.Replace(job, "%s", "sandbox: nobox", 1))},
			`sb.yaml:2: job "a": sandbox "nobox": no such file or directory`},
		{"schedule bad timeout", []string{"schedule", "--once", schedule("to.yaml", strings.Replace(job, "%s", "timeout: soon", 1))},
			`to.yaml:2: job "a": timeout: "soon" is not a positive duration`},
		{"schedule bad listen address", []string{"schedule", "--listen", "nonsense", schedule("ok.yaml", strings.Replace(job, ", %s", "", 1))},
			"--listen nonsense"},
		{"schedule bad --last", []string{"schedule", "--last", "-1", "--history", filepath.Join(dir, "h.jsonl")}, "--last must be at least 1, got -1"},
		{"schedule without file", []string{"schedule"}, "give one schedule FILE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, invocation{args: tc.args})
			wantCode(t, r, 2)
			noPanic(t, r)
			wantContains(t, "stderr", r.stderr, tc.want)
			if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") + 1; n != 1 || !strings.HasPrefix(r.stderr, "error: ") {
				t.Errorf("want one \"error: \" line on stderr, got:\n%s", r.stderr)
			}
			if strings.Contains(r.stdout, "ran") {
				t.Error("the script ran despite the error")
			}
		})
	}
}

// A script that fails inside an api callback, or does not compile, is a
// script error (exit 1) with file:line and a traceback.
func TestScriptErrorsAreReportedWithPosition(t *testing.T) {
	srv := simulator(t)
	dir := t.TempDir()
	cb := writeFile(t, dir, "cb.lua", `local api = require("harbor.ext.api")
api.get_artifacts{projects = {"library"}, callback = function(ex)
	error("refusing " .. #ex .. " exceptions")
end}
`)
	syntax := writeFile(t, dir, "syntax.lua", "print('a'\nlocal = 3\n")
	r := runCLI(t, invocation{args: append(append([]string{"run"}, adminFlags(srv)...), cb)})
	wantCode(t, r, 1)
	noPanic(t, r)
	wantContains(t, "stderr", r.stderr, "cb.lua:3: refusing 0 exceptions", "stack traceback", "get_artifacts")
	r = runCLI(t, invocation{args: []string{"run", syntax}})
	wantCode(t, r, 1)
	noPanic(t, r)
	wantContains(t, "stderr", r.stderr, "syntax.lua:2")
	r = runCLI(t, invocation{args: []string{"check", syntax}})
	noPanic(t, r)
	wantContains(t, "output", r.stdout+r.stderr, "syntax.lua:2")
	if r.code == 0 {
		t.Errorf("check passed a script that does not compile:\n%s", r)
	}
}
