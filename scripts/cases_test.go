package scripts_test

import (
	"fmt"
	"testing"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

// cases are the golden runs, at least one per script.
var cases = []scriptCase{
	{script: "get_artifacts.lua"},
	{script: "get_artifacts.lua", name: "team-a", args: []string{"team-a"}},
	{script: "get_artifacts.lua", name: "failure", setup: failArtifactListing("library", "busybox", 500)},
	{script: "get_artifacts_filtered.lua"},
	{script: "get_artifacts_filtered.lua", name: "tag", args: []string{"v1.0.0"}},

	{script: "artifact_vulnerabilities.lua"},
	{script: "artifact_vulnerabilities.lua", name: "libssl3-range",
		args: []string{"--package", "libssl3", "--min-version", "3.0.0", "--max-version", "3.0.7"}},
	{script: "artifact_vulnerabilities.lua", name: "bad-pattern", args: []string{"--package", "("},
		wantErr: `--package is not a valid regular expression: "("`},

	{script: "repositories.lua"},
	{script: "repositories.lua", name: "unknown-project", args: []string{"library", "nope"},
		wantErr: "repositories: 1 request(s) failed"},

	{script: "artifact_owner.lua", args: []string{"--project", "library,team-a"}},
	{script: "artifact_owner.lua", name: "forbidden-user", args: []string{"--project", "library,team-a"},
		setup: func(t *testing.T, e *env) {
			e.srv.Fail(harbortest.FailRule{Method: "GET", Path: "^/api/v2.0/users/2$", Status: 403})
		},
		wantErr: "artifact_owner: 8 lookup(s) failed"},

	{script: "report_filtering.lua"},
	{script: "report_filtering.lua", name: "chained", args: []string{"--package", "openssl", "--severity", "high", "--tag", "latest"}},
	{script: "report_filtering.lua", name: "cve-repository",
		args: []string{"--cve", "CVE-2023-2650", "--repository", "backend/api", "--severity", "critical"}},
	{script: "report_filtering.lua", name: "range-without-package", args: []string{"--min-version", "1.0"},
		wantErr: "--min-version and --max-version need --package"},

	{script: "cleanup.lua", args: []string{"--older-than", "90d", "--keep", "1"}, check: checkDryRunThenApply},
	{script: "cleanup.lua", name: "untagged-team-a", args: []string{"--untagged", "--project", "^team-a$"}},
	{script: "cleanup.lua", name: "keep-tags", args: []string{"--older-than", "30d", "--repository", "^team-a/", "--keep-tags", "^1\\."}},
	{script: "cleanup.lua", name: "delete-fails",
		args:    []string{"--untagged", "--project", "legacy", "--apply"},
		setup:   failDelete("sha256:ecafba059502", 500),
		wantErr: "cleanup: 1 deletion(s) failed"},
	{script: "cleanup.lua", name: "listing-fails",
		args:    []string{"--untagged", "--apply"},
		setup:   failArtifactListing("team-a", "backend%252Fapi", 500),
		wantErr: "listing request(s) failed; nothing was deleted", check: checkNothingDeleted},
	{script: "cleanup.lua", name: "no-criteria", wantErr: "say what to delete"},
	{script: "cleanup.lua", name: "no-project", args: []string{"--untagged", "--project", "^nope$"},
		wantErr: `no project matches --project "^nope$"`},
	{script: "cleanup.lua", name: "bad-age", args: []string{"--older-than", "ninety"},
		wantErr: `--older-than must be a positive age such as 90d, 12h or 2w, got "ninety"`},

	{script: "cve-impact.lua", args: []string{"--cve", "CVE-2021-44228"}},
	{script: "cve-impact.lua", name: "package-range",
		args: []string{"--package", "libssl3", "--min-version", "3.0.0", "--max-version", "3.0.7"}},
	{script: "cve-impact.lua", name: "openssl-csv", args: []string{"--package", "openssl", "--min-version", "3.0.0", "--format", "csv"}},
	{script: "cve-impact.lua", name: "json", args: []string{"--cve", "cve-2023-2650", "--project", "team-a,legacy", "--format", "json"}},
	{script: "cve-impact.lua", name: "prefix-is-not-a-match", args: []string{"--cve", "CVE-2021-4422"}},
	{script: "cve-impact.lua", name: "no-query", wantErr: "give --cve ID or --package NAME"},
	{script: "cve-impact.lua", name: "bad-format", args: []string{"--cve", "CVE-2021-44228", "--format", "xml"},
		wantErr: `--format must be one of table, csv, json, got "xml"`},

	{script: "vuln-summary.lua"},
	{script: "vuln-summary.lua", name: "json", args: []string{"--project", "team-a,legacy", "--top", "2", "--format", "json"}},
	{script: "vuln-summary.lua", name: "bad-top", args: []string{"--top", "-1"},
		wantErr: `--top must be a non-negative integer, got "-1"`},

	{script: "notify.lua", args: []string{"--webhook", "{webhook}"},
		setup: receiver(200), check: checkPosted("notify.received.txt")},
	{script: "notify.lua", name: "dry-run-critical", args: []string{"--dry-run", "--min-severity", "critical", "--limit", "3"}},
	{script: "notify.lua", name: "cve-impact-input", args: []string{"--input", "{input}", "--webhook", "{webhook}"},
		setup: both(receiver(200), withInput("cve-impact.lua", "--cve", "CVE-2023-2650", "--format", "json")),
		check: checkPosted("notify.cve-impact-input.received.txt")},
	{script: "notify.lua", name: "vuln-summary-input", args: []string{"--input", "{input}", "--dry-run"},
		setup: withInput("vuln-summary.lua", "--format", "json")},
	{script: "notify.lua", name: "webhook-error", args: []string{"--webhook", "{webhook}"},
		setup: receiver(500), check: checkPostedTimes(1),
		wantErr: "notify: the webhook answered HTTP 500: receiver says Internal Server Error"},
	{script: "notify.lua", name: "webhook-unreachable", args: []string{"--webhook", "http://127.0.0.1:1/hook"},
		wantErr: "notify: posting to the webhook failed: "},
	{script: "notify.lua", name: "input-not-script-output", args: []string{"--input", "{input}", "--dry-run"},
		setup:   withInput("repositories.lua"),
		wantErr: "notify: --input {input} is not JSON"},
	{script: "notify.lua", name: "no-webhook", wantErr: "--webhook URL is required"},

	{script: "audit.lua"},
	{script: "audit.lua", name: "auto-scan-and-short-window", args: []string{"--within", "6h"},
		setup: func(t *testing.T, e *env) {
			e.lua(t, `require("harbor").default:update_project("mirrors", {metadata = {auto_scan = "true", public = "false"}})`)
		}},
	{script: "audit.lua", name: "bad-within", args: []string{"--within", "soon"},
		wantErr: `--within must be a positive age such as 90d, 12h or 2w, got "soon"`},

	{script: "on_scan_critical.lua", event: scanCompleted("team-a", "java-app", "3.4.1",
		"sha256:375ff3839f861b05a8c9a668831764806b3ba8e5921f829ceac72bfe200c97b0", 3),
		env:   map[string]string{"CHAT_WEBHOOK_URL": "{webhook}", "CRITICAL_LABEL": "needs-fix"},
		setup: receiver(200),
		check: both(checkPosted("on_scan_critical.received.txt"), checkLabelled("team-a", "java-app", "3.4.1", "needs-fix"))},
	{script: "on_scan_critical.lua", name: "no-critical", event: scanCompleted("library", "alpine", "latest",
		"sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e", 0)},
	{script: "on_scan_critical.lua", name: "no-event", wantErr: "no event"},
}

// scanCompleted is a SCANNING_COMPLETED event as the schedule gives it to
// handlers, with critical findings in its summary.
func scanCompleted(project, repo, tag, digest string, critical int) string {
	return fmt.Sprintf(`{"type": "SCANNING_COMPLETED", "project": %q, "repository": %q, "repo_full_name": %q,
		"tag": %q, "digest": %q, "summary": {"Critical": %d}}`, project, repo, project+"/"+repo, tag, digest, critical)
}

// checkLabelled asserts that the artifact carries the label afterwards.
func checkLabelled(project, repo, ref, label string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		e.lua(t, fmt.Sprintf(`
			local a = require("harbor").default:get_artifact(%q, %q, %q, {with_label = true})
			for _, l in ipairs(a.labels or {}) do
				if l.name == %q then return end
			end
			error("artifact is not labelled %s")`, project, repo, ref, label, label))
	}
}
