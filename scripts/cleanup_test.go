package scripts_test

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor/ext"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// registryArtifacts lists every artifact of the simulator as
// "project/repository@digest" with its tags.
func registryArtifacts(t *testing.T, e *env) map[string][]string {
	t.Helper()
	infos, errs := ext.GetArtifacts(context.Background(), e.client, ext.Options{})
	if len(errs) > 0 {
		t.Fatalf("listing the registry: %v", errs)
	}
	out := map[string][]string{}
	for _, info := range infos {
		out[info.FullRepositoryName()+"@"+info.Artifact.Digest] = info.Tags()
	}
	return out
}

var columnGap = regexp.MustCompile(`\s{2,}`)

// plannedDeletions reads the "delete" rows of cleanup.lua's plan table as
// "repository@short digest".
func plannedDeletions(t *testing.T, plan string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(plan, "\n") {
		cols := columnGap.Split(line, -1)
		if len(cols) == 7 && cols[5] == "delete" {
			out = append(out, cols[0]+"@"+cols[1])
		}
	}
	sort.Strings(out)
	return out
}

// shortKey turns "repo@sha256:<64 hex>" into the plan's "repo@sha256:<12 hex>".
func shortKey(key string) string {
	at := strings.LastIndexByte(key, '@')
	return key[:at] + "@" + key[at+1:at+1+len("sha256:")+12]
}

var keepTags = regexp.MustCompile(`^(latest|stable|prod)$`)

// checkDryRunThenApply is the contract of cleanup.lua: the dry run changes
// nothing, and --apply then removes exactly the planned artifacts, never
// one carrying a protected tag.
func checkDryRunThenApply(t *testing.T, e *env) {
	before := registryArtifacts(t, newSimulator(t))
	after := registryArtifacts(t, e)
	if len(after) != len(before) {
		t.Fatalf("the dry run changed the registry: %d artifacts in the seed, %d after", len(before), len(after))
	}
	planned := plannedDeletions(t, e.stdout.String())
	if len(planned) == 0 {
		t.Fatal("the plan deletes nothing; the case should exercise deletion")
	}
	if err := e.run("cleanup.lua", "--older-than", "90d", "--keep", "1", "--apply"); err != nil {
		t.Fatalf("--apply: %v\n%s", err, e.stdout.String())
	}
	golden(t, "cleanup.apply.txt", e.placeholders(e.stdout.String()))
	after = registryArtifacts(t, e)
	var removed []string
	for key, tags := range before {
		if _, ok := after[key]; ok {
			continue
		}
		removed = append(removed, shortKey(key))
		for _, tag := range tags {
			if keepTags.MatchString(tag) {
				t.Errorf("%s was deleted although it carries tag %q", key, tag)
			}
		}
	}
	sort.Strings(removed)
	if strings.Join(removed, " ") != strings.Join(planned, " ") {
		t.Errorf("--apply removed\n  %v\nthe dry run planned\n  %v", removed, planned)
	}
}

// checkNothingDeleted asserts that a failing run left the registry whole.
func checkNothingDeleted(t *testing.T, e *env) {
	e.srv.ClearFailures()
	want := len(registryArtifacts(t, newSimulator(t)))
	if got := len(registryArtifacts(t, e)); got != want {
		t.Errorf("the registry has %d artifacts, want all %d", got, want)
	}
}

// failDelete makes deleting the artifact with the given digest prefix fail.
func failDelete(digestPrefix string, status int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		e.srv.Fail(harbortest.FailRule{Method: "DELETE", Path: "^/api/v2.0/projects/.*/artifacts/" + regexp.QuoteMeta(digestPrefix), Status: status})
	}
}
