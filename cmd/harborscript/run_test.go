package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

func TestRunScriptWithArgumentsAndModuleBeside(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "greet.lua", "return { hello = function(n) return 'hello ' .. n end }\n")
	script := writeFile(t, dir, "main.lua", `
local greet = require("greet")
print(greet.hello(arg[1]), #arg, select("#", ...))
io.stderr:write("to stderr\n")
`)
	r := harborscript(t, "run", script, "world", "--not-a-flag")
	wantCode(t, r, 0)
	if r.stdout != "hello world\t2\t2\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if r.stderr != "to stderr\n" {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestRunScriptErrorShowsPositionAndTraceback(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "fail.lua", "local function check(n)\n  error('bad value ' .. n)\nend\ncheck(7)\n")
	r := harborscript(t, "run", script)
	wantCode(t, r, 1)
	first := strings.SplitN(r.stderr, "\n", 2)[0]
	if first != "error: "+script+":2: bad value 7" {
		t.Errorf("first line of stderr = %q", first)
	}
	wantContains(t, "stderr", r.stderr, "stack traceback:", script+":4: in main chunk")
}

func TestRunSyntaxError(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "syntax.lua", "print('ok')\nlocal x = = 1\n")
	r := harborscript(t, "run", script)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "error: "+script+":2:")
	if r.stdout != "" {
		t.Errorf("a script that does not compile printed %q", r.stdout)
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "ok.lua", "print('ran')\n")
	missing := filepath.Join(dir, "missing.lua")
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown flag", []string{"run", "--no-such-flag", script}, nil, "flag provided but not defined: -no-such-flag"},
		{"missing script", []string{"run"}, nil, "no script given"},
		{"unreadable script", []string{"run", missing}, nil, "cannot read script \"" + missing + "\": no such file or directory"},
		{"script is a directory", []string{"run", dir}, nil, "is a directory"},
		{"bad URL", []string{"run", "--url", "ftp://harbor.example", script}, nil, "--url"},
		{"bad URL from env", []string{"run", script}, []string{"HARBOR_URL=harbor.example:x:y"}, "HARBOR_URL"},
		{"unreadable credentials file", []string{"run", "--url", "http://127.0.0.1:1", "--credentials-file", missing, script}, nil, "--credentials-file: cannot read"},
		{"invalid base64 credentials", []string{"run", "--url", "http://127.0.0.1:1", "--credentials", "not*base64", script}, nil, "--credentials is not valid base64"},
		{"invalid base64 credentials from env", []string{"run", "--url", "http://127.0.0.1:1", script}, []string{"HARBOR_CREDENTIALS=%%%"}, "HARBOR_CREDENTIALS is not valid base64"},
		{"username without password", []string{"run", "--url", "http://127.0.0.1:1", "--username", "bob", script}, nil, "without a password"},
		{"two kinds of credentials", []string{"run", "--url", "http://127.0.0.1:1", "--username", "bob", "--password", "x", "--credentials", "Ym9iOng=", script}, nil, "give only one of"},
		{"credentials without URL", []string{"run", "--username", "bob", "--password", "x", script}, nil, "no Harbor URL"},
		{"demo with URL", []string{"run", "--demo", "--url", "http://127.0.0.1:1", script}, nil, "drop --url"},
		{"bad log level", []string{"run", "--log-level", "loud", script}, nil, "--log-level"},
		{"bad auth", []string{"run", "--auth", "kerberos", script}, nil, "--auth"},
		{"bad memory limit", []string{"run", "--memory-limit", "lots", script}, nil, "--memory-limit"},
		{"missing sandbox", []string{"run", "--sandbox", missing, script}, nil, "--sandbox"},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command \"frobnicate\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, invocation{args: tc.args, env: tc.env})
			wantCode(t, r, 2)
			wantContains(t, "stderr", r.stderr, tc.want)
			if lines := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") + 1; lines != 1 || !strings.HasPrefix(r.stderr, "error: ") {
				t.Errorf("want one \"error: \" line on stderr, got:\n%s", r.stderr)
			}
			if strings.Contains(r.stdout, "ran") {
				t.Errorf("the script ran despite the configuration error")
			}
		})
	}
}

func TestRunTimeout(t *testing.T) {
	start := time.Now()
	r := harborscript(t, "run", "--timeout", "300ms", "-e", "while true do end")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "timeout", "--timeout 300ms")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the run took %v despite --timeout 300ms", d)
	}
}

func TestRunInterruptExits130(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd, _, errb := command(ctx, invocation{args: []string{"run", "-e", "print('looping') io.stdout:flush() while true do end"}})
	cmd.Stdout = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "looping\n" {
		t.Fatalf("waiting for the script to start: %q, %v", line, err)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if d := time.Since(sent); d > 2*time.Second {
		t.Errorf("exiting took %v after SIGINT", d)
	}
	if cmd.ProcessState.ExitCode() != 130 {
		t.Fatalf("exit code %d (%v), want 130; stderr:\n%s", cmd.ProcessState.ExitCode(), err, errb)
	}
	wantContains(t, "stderr", errb.String(), "interrupted")
}

func TestRunFromStdinAndExpression(t *testing.T) {
	r := runCLI(t, invocation{args: []string{"run", "-", "a", "b"}, stdin: "print(arg[0], arg[1], ...)\nerror('from stdin')\n"})
	wantCode(t, r, 1)
	if r.stdout != "stdin\ta\ta\tb\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	wantContains(t, "stderr", r.stderr, "error: stdin:2: from stdin")

	r = harborscript(t, "run", "-e", "print(#arg, ...)", "x", "--y")
	wantCode(t, r, 0)
	if r.stdout != "2\tx\t--y\n" {
		t.Errorf("-e stdout = %q", r.stdout)
	}
}

func TestRunOsExit(t *testing.T) {
	r := harborscript(t, "run", "-e", "print('before') os.exit(3) print('after')")
	wantCode(t, r, 3)
	if r.stdout != "before\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("os.exit printed %q on stderr", r.stderr)
	}
}

func TestRunDemo(t *testing.T) {
	r := harborscript(t, "run", "--demo", "-e", `
local harbor = require("harbor")
local names = {}
for _, p in ipairs(harbor.default:get_projects()) do names[#names+1] = p.name end
table.sort(names)
print(table.concat(names, ","))
-- scripts written for a real Harbor find the demo through the environment
local c = harbor.client{url = os.getenv("HARBOR_URL"), basicauth = os.getenv("HARBOR_CREDENTIALS")}
print(c:get_current_user().username, os.getenv("HARBOR_USERNAME"), os.getenv("HARBOR_PASSWORD") ~= nil)
`)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "library", "team-a", "admin\tadmin\ttrue")
}

func TestRunWithoutHarborHasNoDefaultClient(t *testing.T) {
	r := harborscript(t, "run", "-e", "print(require('harbor').default == nil)")
	wantCode(t, r, 0)
	if r.stdout != "true\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	r = harborscript(t, "run", "-e", `require("harbor.ext.api").get_artifacts{projects = {"library"}}`)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "ValueError", "no default client", "--url or --demo")
}

func TestRunConnectionPrecedence(t *testing.T) {
	srv := simulator(t)
	script := "print(require('harbor').default:get_current_user().username)"
	srv.AddUser("fromflag", "flag-secret-1", false)
	srv.AddUser("fromenv", "env-secret-1", false)
	envCreds := "HARBOR_CREDENTIALS=" + base64.StdEncoding.EncodeToString([]byte("fromenv:env-secret-1"))
	credFile := writeFile(t, t.TempDir(), "robot.json", `{"name": "fromfile", "secret": "file-secret"}`)

	// The environment alone connects.
	r := runCLI(t, invocation{args: []string{"run", "-e", script}, env: []string{"HARBOR_URL=" + srv.URL(), envCreds}})
	wantCode(t, r, 0)
	if r.stdout != "fromenv\n" {
		t.Errorf("env only: stdout = %q", r.stdout)
	}
	// A flag wins over the environment, which wins over a credentials file.
	r = runCLI(t, invocation{
		args: []string{"run", "--username", "fromflag", "--password", "flag-secret-1", "-e", script},
		env:  []string{"HARBOR_URL=" + srv.URL(), envCreds, "HARBOR_CREDENTIALS_FILE=" + credFile},
	})
	wantCode(t, r, 0)
	if r.stdout != "fromflag\n" {
		t.Errorf("flag over env: stdout = %q", r.stdout)
	}
	r = runCLI(t, invocation{
		args: []string{"run", "-e", script},
		env:  []string{"HARBOR_URL=" + srv.URL(), envCreds, "HARBOR_CREDENTIALS_FILE=" + credFile},
	})
	wantCode(t, r, 0)
	if r.stdout != "fromenv\n" {
		t.Errorf("env over credentials file: stdout = %q", r.stdout)
	}
	// The password may come from the environment while the user is a flag.
	r = runCLI(t, invocation{
		args: []string{"run", "--url", srv.URL(), "--username", "fromflag", "-e", script},
		env:  []string{"HARBOR_PASSWORD=flag-secret-1"},
	})
	wantCode(t, r, 0)
	if r.stdout != "fromflag\n" {
		t.Errorf("user flag with password env: stdout = %q", r.stdout)
	}
}

func TestRunDryRun(t *testing.T) {
	srv := simulator(t)
	script := `
local harbor = require("harbor")
harbor.default:delete_artifact("library", "busybox", "latest")
local mine = harbor.client{url = os.getenv("SIM_URL"), username = "admin", secret = os.getenv("SIM_PASSWORD")}
mine:delete_artifact("team-a", "backend/api", "1.0.0")
print("done")
`
	r := runCLI(t, invocation{
		args: append(append([]string{"run", "--dry-run"}, adminFlags(srv)...), "-e", script),
		env:  []string{"SIM_URL=" + srv.URL(), "SIM_PASSWORD=" + harbortest.AdminPassword},
	})
	wantCode(t, r, 0)
	wantContains(t, "stderr", r.stderr,
		"DRY-RUN DELETE /api/v2.0/projects/library/repositories/busybox/artifacts/latest",
		"DRY-RUN DELETE /api/v2.0/projects/team-a/repositories/backend%252Fapi/artifacts/1.0.0")
	if !artifactExists(t, srv, "library", "busybox", "latest") || !artifactExists(t, srv, "team-a", "backend/api", "1.0.0") {
		t.Error("an artifact was deleted despite --dry-run")
	}
	// Without --dry-run the same delete happens, so the check above can fail.
	r = runCLI(t, invocation{args: append(append([]string{"run"}, adminFlags(srv)...), "-e",
		`require("harbor").default:delete_artifact("library", "busybox", "latest")`)})
	wantCode(t, r, 0)
	if artifactExists(t, srv, "library", "busybox", "latest") {
		t.Error("the artifact survived a real delete")
	}
}

func TestRunSandbox(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "escaped.txt")
	r := harborscript(t, "run", "--sandbox", dir, "-e", `
local f = assert(io.open(arg[1] .. "/inside.txt", "w")) f:write("ok") f:close()
print(pcall(io.open, arg[2], "w"))
`, dir, outside)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "false", "outside the sandbox")
	if _, err := os.Stat(outside); err == nil {
		t.Error("the script wrote outside the sandbox")
	}
	if _, err := os.Stat(filepath.Join(dir, "inside.txt")); err != nil {
		t.Errorf("the script could not write inside the sandbox: %v", err)
	}
}

func TestRunInsecureWarns(t *testing.T) {
	srv := simulator(t)
	r := harborscript(t, append(append([]string{"run", "--insecure"}, adminFlags(srv)...), "-e", "print('ran')")...)
	wantCode(t, r, 0)
	wantContains(t, "stderr", r.stderr, "warning: --insecure")
	if r.stdout != "ran\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

func TestRunMemoryLimit(t *testing.T) {
	r := harborscript(t, "run", "--memory-limit", "32MiB", "--timeout", "20s", "-e",
		"local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(64) .. i end")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "memory limit of 32 MiB exceeded", "--memory-limit")
}

func TestRunWithEventFile(t *testing.T) {
	dir := t.TempDir()
	ev := writeFile(t, dir, "push.json", `{"type":"PUSH_ARTIFACT","occur_at":1764319167,"operator":"admin",
		"event_data":{"resources":[{"digest":"sha256:abc","tag":"v1","resource_url":"h/library/demo:v1"}],
		"repository":{"name":"demo","namespace":"library","repo_full_name":"library/demo","repo_type":"public"}}}`)
	r := harborscript(t, "run", "--event", ev, "-e", `print(event.type, arg.event.repository, event.project, event.resources[1].tag)`)
	wantCode(t, r, 0)
	if r.stdout != "PUSH_ARTIFACT\tdemo\tlibrary\tv1\n" {
		t.Errorf("event table: %s", r)
	}
	bad := writeFile(t, dir, "bad.json", `{"hello": 1}`)
	r = harborscript(t, "run", "--event", bad, "-e", `print(1)`)
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "bad.json is not a Harbor webhook event")
	r = harborscript(t, "run", "--event", filepath.Join(dir, "missing.json"), "-e", `print(1)`)
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "cannot read the event file")
}

// csv.writer creates files in Go, not through io.open: the sandbox must
// hold there too.
func TestRunSandboxHoldsForCSVFiles(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "escaped.csv")
	r := harborscript(t, "run", "--sandbox", dir, "-e", `
local csv = require("csv")
local w = csv.writer(arg[1] .. "/inside.csv"); w:write({"a", "b"}); w:close()
print(pcall(csv.writer, arg[2]))
`, dir, outside)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "false", "csv.writer:", "outside the sandbox")
	if _, err := os.Stat(outside); err == nil {
		t.Error("csv.writer wrote outside the sandbox")
	}
	if data, err := os.ReadFile(filepath.Join(dir, "inside.csv")); err != nil || string(data) != "a,b\n" {
		t.Errorf("csv.writer inside the sandbox: %q, %v", data, err)
	}
}

// The webhook handler example under --dry-run: the label it would create is
// only printed, so it must not try to read it back; the label request is
// printed too and nothing changes on the server.
func TestOnScanCriticalUnderDryRun(t *testing.T) {
	srv := simulator(t)
	ev := writeFile(t, t.TempDir(), "scan.json", `{"type":"SCANNING_COMPLETED","occur_at":1795855206,"operator":"admin",
		"event_data":{"repository":{"name":"java-app","namespace":"team-a","repo_full_name":"team-a/java-app","repo_type":"private"},
		"resources":[{"digest":"sha256:375ff3839f861b05a8c9a668831764806b3ba8e5921f829ceac72bfe200c97b0","tag":"3.4.1",
		"scan_overview":{"application/vnd.security.vulnerability.report; version=1.1":{"scan_status":"Success","severity":"Critical",
		"summary":{"total":4,"fixable":4,"summary":{"Critical":2,"High":2}}}}}]}}`)
	args := append([]string{"run", "--dry-run"}, adminFlags(srv)...)
	r := harborscript(t, append(args, "--event", ev, "../../scripts/on_scan_critical.lua")...)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "team-a/java-app:3.4.1 has 2 critical vulnerabilities (labelled critical-cve)")
	wantContains(t, "stderr", r.stderr, "DRY-RUN POST /api/v2.0/labels", "DRY-RUN POST /api/v2.0/projects/team-a/repositories/java-app/artifacts/")
	check := harborscript(t, append(append([]string{"run"}, adminFlags(srv)...), "-e",
		`for _, l in ipairs(require("harbor").default:get_labels()) do print(l.name) end`)...)
	wantCode(t, check, 0)
	if strings.Contains(check.stdout, "critical-cve") {
		t.Errorf("a dry run created the label:\n%s", check.stdout)
	}
}
