package main

import (
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

// secretScript touches everything that could carry a secret: the client,
// failed requests as exceptions (every field), the callback's exceptions,
// debug logs, a mutating call (dry-run) and a final error.
const secretScript = `
local harbor = require("harbor")
local api = require("harbor.ext.api")
local log = require("log")
local json = require("json")
local c = harbor.default
print(c, tostring(c))
local function dump(e)
	print(tostring(e), e.type, e.message, e.status_code, e.key)
	if e.request then print(e.request.method, e.request.url) end
	for k, v in pairs(e) do print(k, tostring(v)) end
end
local ok, e = pcall(c.get_project, c, "no-such-project")
dump(e)
api.get_artifacts{projects = {"library"}, callback = function(ex)
	for _, x in ipairs(ex) do dump(x) end
end}
pcall(c.delete_project, c, "library")
log.debug("client", {client = tostring(c)})
log.info("json", {exc = json.encode({type = e.type, message = e.message})})
error(tostring(c))
`

// Every command path that may see the credentials, run with a distinctive
// password at debug level in text and JSON: the password and its base64
// form appear in no output, log, traceback, exception, history file or
// metrics page.
func TestSecretsAbsentFromEveryCommandPath(t *testing.T) {
	const user, password, wrong = "zebra", "S3cr3t-Zebra-42!", "Wr0ng-Zebra-42!"
	srv := simulator(t)
	srv.AddUser(user, password, true)
	srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories/busybox/artifacts$", Status: 500})
	dir := t.TempDir()
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	secrets := []string{password, basic, wrong, base64.StdEncoding.EncodeToString([]byte(user + ":" + wrong)),
		base64.StdEncoding.EncodeToString([]byte(password))}
	script := writeFile(t, dir, "leak.lua", secretScript)
	credFile := writeFile(t, dir, "robot.json", `{"name": "`+user+`", "secret": "`+password+`"}`)
	conns := map[string]struct {
		args []string
		env  []string
	}{
		"flags":            {args: []string{"--url", srv.URL(), "--username", user, "--password", password}},
		"base64":           {args: []string{"--url", srv.URL(), "--credentials", basic}},
		"credentials file": {args: []string{"--url", srv.URL(), "--credentials-file", credFile}},
		"environment":      {env: []string{"HARBOR_URL=" + srv.URL(), "HARBOR_USERNAME=" + user, "HARBOR_PASSWORD=" + password}},
		"wrong password":   {args: []string{"--url", srv.URL(), "--username", user, "--password", wrong}},
	}
	check := func(t *testing.T, what, text string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q:\n%s", what, s, text)
			}
		}
	}
	for name, conn := range conns {
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				log := []string{"--log-level", "debug", "--log-format", format}
				for _, extra := range [][]string{nil, {"--dry-run"}} {
					args := append(append(append(append([]string{"run"}, log...), extra...), conn.args...), script)
					r := runCLI(t, invocation{args: args, env: conn.env})
					if r.code != 1 || !strings.Contains(r.stderr, "stack traceback") {
						t.Errorf("run %v: want a script error with traceback:\n%s", extra, r)
					}
					check(t, "run "+strings.Join(extra, " "), r.String())
				}
				r := runCLI(t, invocation{args: append(append([]string{"repl"}, log...), conn.args...), env: conn.env,
					stdin: "c = require('harbor').default\nc\nc:get_current_user()\nerror(c)\nprint(pcall(c.get_project, c, 'nope'))\n"})
				check(t, "repl", r.String())
			}
			for _, cmd := range [][]string{{"check", script}, {"ops", "artifact"}} {
				r := runCLI(t, invocation{args: cmd, env: append(conn.env, "HARBOR_PASSWORD="+password, "HARBOR_CREDENTIALS="+basic)})
				check(t, cmd[0], r.String())
			}

			// schedule --once with a history file.
			sdir := t.TempDir()
			writeFile(t, sdir, "leak.lua", secretScript)
			sfile := writeFile(t, sdir, "s.yaml", "jobs:\n  - {name: leak, script: leak.lua, schedule: '@daily'}\n")
			hist := filepath.Join(sdir, "h.jsonl")
			args := append(append([]string{"schedule", "--once", "--log-level", "debug", "--history", hist}, conn.args...), sfile)
			r := runCLI(t, invocation{args: args, env: conn.env})
			if r.code != 1 {
				t.Errorf("schedule --once: want exit 1 from the failing job:\n%s", r)
			}
			check(t, "schedule --once", r.String())
			h, err := os.ReadFile(hist)
			if err != nil || len(h) == 0 {
				t.Fatalf("no history: %v", err)
			}
			check(t, "the history file", string(h))
			r = runCLI(t, invocation{args: []string{"schedule", "--history", hist, "--last", "5"}})
			check(t, "schedule --last", r.String())

			// A running daemon's /metrics after the job ran.
			addr := freeAddr(t)
			dfile := writeFile(t, sdir, "d.yaml", "jobs:\n  - {name: leak, script: leak.lua, schedule: '@every 1s'}\n")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dargs := append(append([]string{"schedule", "--log-level", "debug", "--log-format", "json", "--listen", addr, "--grace", "1s"}, conn.args...), dfile)
			cmd, _, _ := command(ctx, invocation{args: dargs, env: conn.env})
			out, errb := &lockedBuffer{}, &lockedBuffer{}
			cmd.Stdout, cmd.Stderr = out, errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(15 * time.Second)
			for !strings.Contains(errb.String(), "run failed") {
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatalf("the job did not run:\n%s\n%s", out.String(), errb.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			code, metrics := httpGet(t, "http://"+addr+"/metrics")
			if code != 200 || !strings.Contains(metrics, "leak") {
				t.Errorf("/metrics: %d\n%s", code, metrics)
			}
			check(t, "/metrics", metrics)
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			check(t, "the daemon's output", out.String()+errb.String())
		})
	}
}
