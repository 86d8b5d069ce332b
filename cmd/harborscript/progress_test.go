package main

import (
	"os/exec"
	"strings"
	"testing"
)

// On a terminal a bulk call draws a progress bar on stderr; in a pipe it
// draws nothing. script(1) gives the binary a terminal.
func TestProgressBarOnlyOnATerminal(t *testing.T) {
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed: no terminal to test with")
	}
	code := `local a = require("harbor.ext.api").get_artifact_vulnerabilities{}; print(#a)`
	out, err := exec.Command(scriptCmd, "-q", "-e", "-c", binary+" run --demo -e '"+code+"'", "/dev/null").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "get_artifact_vulnerabilities") || !strings.Contains(string(out), "10") {
		t.Errorf("no progress bar on a terminal:\n%q", out)
	}
	r := runCLI(t, invocation{args: []string{"run", "--demo", "-e", code}})
	wantCode(t, r, 0)
	if r.stderr != "" || r.stdout != "10\n" {
		t.Errorf("output in a pipe:\n%s", r)
	}
}
