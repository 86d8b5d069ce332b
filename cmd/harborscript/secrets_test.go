package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestSecretsNeverPrinted runs every command that connects, at debug level,
// with requests that succeed and fail, and looks for the secret in any form.
func TestSecretsNeverPrinted(t *testing.T) {
	srv := simulator(t)
	const user, password = "auditor", "Zebra-Quokka-7731!"
	srv.AddUser(user, password, true)
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	credFile := writeFile(t, t.TempDir(), "robot.json", `{"name": "`+user+`", "secret": "`+password+`"}`)
	script := writeFile(t, t.TempDir(), "leak.lua", `
local harbor = require("harbor")
local c = harbor.default
print(c)
print(#c:get_projects())
local ok, err = pcall(c.get_project, c, "no-such-project")
print(ok, err)
local log = require("log")
log.debug("client", {client = tostring(c)})
error(tostring(c))
`)
	connections := map[string][]string{
		"flags":            {"--url", srv.URL(), "--username", user, "--password", password},
		"basic":            {"--url", srv.URL(), "--credentials", basic},
		"credentials file": {"--url", srv.URL(), "--credentials-file", credFile},
	}
	for name, conn := range connections {
		t.Run(name, func(t *testing.T) {
			var outputs []result
			args := append(append([]string{"run", "--log-level", "debug"}, conn...), script)
			r := runCLI(t, invocation{args: args})
			wantCode(t, r, 1)
			wantContains(t, "stderr", r.stderr, "level=DEBUG", "harbor request")
			outputs = append(outputs, r)

			args = append(append([]string{"run", "--log-level", "debug", "--log-format", "json"}, conn...), script)
			outputs = append(outputs, runCLI(t, invocation{args: args}))

			args = append([]string{"repl", "--log-level", "debug"}, conn...)
			outputs = append(outputs, runCLI(t, invocation{args: args, stdin: "harbor = require('harbor')\nharbor.default\nharbor.default:get_current_user()\nerror(harbor.default)\n"}))

			// check takes no connection, but reads the same environment.
			outputs = append(outputs, runCLI(t, invocation{args: []string{"check", script},
				env: []string{"HARBOR_URL=" + srv.URL(), "HARBOR_PASSWORD=" + password, "HARBOR_USERNAME=" + user}}))

			for _, o := range outputs {
				for _, secret := range []string{password, basic} {
					if strings.Contains(o.stdout+o.stderr, secret) {
						t.Errorf("a secret was printed:\n%s", o)
					}
				}
			}
		})
	}
}
