package main

import (
	"os"
	"strings"
	"testing"
)

// harborscript doc prints the committed reference, byte for byte.
func TestDocPrintsTheReference(t *testing.T) {
	r := harborscript(t, "doc")
	wantCode(t, r, 0)
	want, err := os.ReadFile("../../docs/lua-api.md")
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("doc output differs from docs/lua-api.md (%d bytes against %d); run: go generate ./bindings/luadoc", len(r.stdout), len(want))
	}
}

func TestDocOneModule(t *testing.T) {
	r := harborscript(t, "doc", "harbor.ext.api")
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "## harbor.ext.api module", "api.get_artifact_vulnerabilities([client,] opts)")
	if strings.Contains(r.stdout, "## time module") {
		t.Errorf("doc harbor.ext.api printed other modules too:\n%s", r.stdout)
	}
	r = harborscript(t, "doc", "artifactinfo")
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "info:has_package(name[, opts])")
}

func TestDocUnknownName(t *testing.T) {
	r := harborscript(t, "doc", "harbor.ext.nope")
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, `no module or value named "harbor.ext.nope"`, "harbor.ext.report")
}
