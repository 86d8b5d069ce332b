package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor"
)

func TestOpsFilter(t *testing.T) {
	r := harborscript(t, "ops", "listArtifacts")
	wantCode(t, r, 0)
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(lines[0], "listArtifacts") {
		t.Fatalf("first line %q", lines[0])
	}
	wantContains(t, "stdout", r.stdout, "GET", "/projects/{project_name}/repositories/{repository_name}/artifacts",
		"project_name*", "path string", "page_size", "query integer")
	if strings.Contains(r.stdout, "page_size*") {
		t.Error("an optional parameter is marked required")
	}
	if strings.Contains(r.stdout, "deleteArtifact") {
		t.Error("the filter let through an operation that does not match")
	}
}

func TestOpsJSON(t *testing.T) {
	r := harborscript(t, "ops", "--json", "ARTIFACT")
	wantCode(t, r, 0)
	var ops []opJSON
	if err := json.Unmarshal([]byte(r.stdout), &ops); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	want := 0
	for _, op := range harbor.Operations() {
		if matchesOp(op, "artifact") {
			want++
		}
	}
	if len(ops) != want || want == 0 {
		t.Fatalf("%d operations, want %d", len(ops), want)
	}
	for _, op := range ops {
		if op.ID == "deleteArtifact" {
			if op.Method != "DELETE" || len(op.Params) == 0 {
				t.Errorf("deleteArtifact = %+v", op)
			}
			return
		}
	}
	t.Error("deleteArtifact is missing")
}

func TestOpsAllAndNoMatch(t *testing.T) {
	r := harborscript(t, "ops", "--json")
	wantCode(t, r, 0)
	var ops []opJSON
	if err := json.Unmarshal([]byte(r.stdout), &ops); err != nil || len(ops) != len(harbor.Operations()) {
		t.Fatalf("ops --json listed %d operations (%v), want %d", len(ops), err, len(harbor.Operations()))
	}
	r = harborscript(t, "ops", "no-such-operation-anywhere")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "no operation matches")
}
