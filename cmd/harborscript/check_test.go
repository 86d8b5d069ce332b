package main

import (
	"strings"
	"testing"
)

func TestCheckReportsSyntaxErrorsAndMisspeltGlobals(t *testing.T) {
	dir := t.TempDir()
	typo := writeFile(t, dir, "typo.lua", "local count = 1\nprint(arg[1], event)\nprnt(count)\n")
	broken := writeFile(t, dir, "broken.lua", "print('RAN-MARKER')\nlocal = 2\n")

	r := harborscript(t, "check", typo)
	wantCode(t, r, 0)
	if want := typo + ":3: warning: "; !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, "prnt") {
		t.Errorf("stdout = %q, want a warning starting %q about prnt", r.stdout, want)
	}
	if strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("want only the misspelt global reported (arg and event are known):\n%s", r.stdout)
	}

	r = harborscript(t, "check", typo, broken)
	wantCode(t, r, 1)
	wantContains(t, "stdout", r.stdout, broken+":2: error: ", typo+":3: warning: ")
	if strings.Contains(r.stdout, "RAN-MARKER") {
		t.Error("check ran the script")
	}

	r = runCLI(t, invocation{args: []string{"check", "-"}, stdin: "x = = 1\n"})
	wantCode(t, r, 1)
	wantContains(t, "stdout", r.stdout, "stdin:1: error: ")
}

func TestCheckUsageErrors(t *testing.T) {
	r := harborscript(t, "check")
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "no script given")
	r = harborscript(t, "check", "/no/such/script.lua")
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "cannot read script \"/no/such/script.lua\"")
}
