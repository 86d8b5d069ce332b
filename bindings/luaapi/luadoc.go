package luaapi

import "github.com/harborscript/harborscript/bindings/luadoc"

// bulkParams are the options get_artifacts and its relatives share.
var bulkParams = []luadoc.Param{
	{Name: "projects", Type: "list of strings or string", Default: "all projects", Summary: "Project names. A name that matches nothing is reported as a NotFound exception."},
	{Name: "repositories", Type: "list of strings or string", Default: "all", Summary: "Full (`library/alpine`) or base (`alpine`) repository names. A name that matches nothing is a NotFound exception."},
	{Name: "tag", Type: "string", Summary: "Only artifacts with this tag (wins over `query`)."},
	{Name: "query", Type: "string", Summary: "Harbor's `q` filter for the artifact listing, e.g. `tags=~v1`."},
	{Name: "callback", Type: "function(exceptions)", Summary: "Called exactly once, after all work, with the list (possibly empty) of exception objects. Without it, failures are not raised: one warning line on stderr says how many requests failed."},
	{Name: "max_connections", Type: "integer 1..100", Default: "5", Summary: "Requests in flight at once."},
	{Name: "with_label", Type: "boolean", Default: "false", Summary: "Ask Harbor to include labels."},
	{Name: "with_scan_overview", Type: "boolean", Default: "false", Summary: "Include the scan overview."},
	{Name: "with_signature", Type: "boolean", Default: "false", Summary: "Include signature status."},
	{Name: "with_immutable_status", Type: "boolean", Default: "false", Summary: "Include immutability."},
	{Name: "with_accessory", Type: "boolean", Default: "false", Summary: "Include accessories."},
	{Name: "with_sbom_overview", Type: "boolean", Default: "false", Summary: "Include the SBOM overview."},
}

func vulnParams() []luadoc.Param {
	out := append([]luadoc.Param(nil), bulkParams...)
	return append(out[:3:3], append([]luadoc.Param{
		{Name: "tags", Type: "list of strings or string", Summary: "Only artifacts with one of these tags (honoured, unlike harborapi which ignores it for vulnerabilities)."},
	}, out[3:]...)...)
}

// Doc documents the "harbor.ext.api" module and its iterators.
func Doc() []luadoc.Module {
	return []luadoc.Module{
		{
			Name:    "harbor.ext.api",
			Kind:    luadoc.KindModule,
			Summary: "harborapi's bulk helpers: every artifact, report or repository of many projects, fetched concurrently in Go.",
			Text: "Every function takes the client as its optional first argument; left out, `harbor.default` is used " +
				"(`api.get_artifacts{projects={\"library\"}}`). Every listing page has 100 items, and the pages of a listing " +
				"are fetched concurrently once the first tells the total. Transient failures are retried with backoff before they become exceptions. " +
				"Each call first closes the iterators the script no longer holds (see the ArtifactIterator value).",
			Functions: []luadoc.Func{
				{
					Name:      "get_artifacts",
					Signature: "api.get_artifacts([client,] opts)",
					Summary:   "Every artifact of the chosen projects and repositories.",
					Params:    bulkParams,
					Returns:   "a list of ArtifactInfo with an empty report.",
					Example: `local api = require("harbor.ext.api")
local artifacts = api.get_artifacts{
  projects = {"library", "team-a"},
  repositories = {"alpine", "backend/api"},
  callback = function(exceptions)
    for _, e in ipairs(exceptions) do print("failed:", tostring(e)) end
  end,
}
for _, info in ipairs(artifacts) do print(info.name_with_tag) end`,
				},
				{
					Name:      "get_artifact_vulnerabilities",
					Signature: "api.get_artifact_vulnerabilities([client,] opts)",
					Summary:   "The artifacts whose scan succeeded, each with its vulnerability report. Reports are requested only for artifacts whose scan overview says Success, so unscanned artifacts cost no request.",
					Params:    vulnParams(),
					Returns:   "a list of ArtifactInfo with `report` filled.",
					Example: `local api = require("harbor.ext.api")
for _, info in ipairs(api.get_artifact_vulnerabilities{projects = {"library"}}) do
  print(info.name_with_tag, info.report.severity, #info.report.vulnerabilities)
end`,
				},
				{
					Name:      "get_artifact",
					Signature: "api.get_artifact([client,] project, repository, reference[, opts])",
					Summary:   "One artifact by tag or digest. Raises an exception (NotFound for a missing artifact) instead of using a callback.",
					Params: []luadoc.Param{
						{Name: "project", Type: "string", Summary: "Project name."},
						{Name: "repository", Type: "string", Summary: "Repository name without the project (`backend/api`)."},
						{Name: "reference", Type: "string", Summary: "Tag or digest."},
						{Name: "opts.with_report", Type: "boolean", Default: "true", Summary: "Also fetch the vulnerability report."},
					},
					Returns: "an ArtifactInfo.",
					Example: `local api = require("harbor.ext.api")
local info = api.get_artifact("library", "alpine", "3.19")
print(info.name_with_digest, info.cvss_max, info:has_cve("CVE-2023-5678"))`,
				},
				{
					Name:      "get_repositories",
					Signature: "api.get_repositories([client,] opts)",
					Summary:   "The repositories of some or all projects, one listing per project in parallel.",
					Params: []luadoc.Param{
						{Name: "projects", Type: "list of strings or string", Default: "all projects", Summary: "Project names; one that does not exist is a NotFound exception."},
						{Name: "callback", Type: "function(exceptions)", Summary: "As for get_artifacts: called once with the failures."},
						{Name: "max_connections", Type: "integer 1..100", Default: "5", Summary: "Requests in flight at once."},
					},
					Returns: "a list of Harbor Repository tables (`name`, `artifact_count`, `pull_count`, ...).",
					Example: `local api = require("harbor.ext.api")
for _, r in ipairs(api.get_repositories{projects = {"team-a"}}) do
  print(r.name, r.artifact_count)
end`,
				},
				{
					Name:      "get_artifact_owner",
					Signature: "api.get_artifact_owner([client,] artifact)",
					Summary:   "The owner of the artifact's project.",
					Params:    []luadoc.Param{{Name: "artifact", Type: "ArtifactInfo or artifact table", Summary: "What `get_artifacts` or `client:get_artifact` returned."}},
					Returns:   "a Harbor UserResp table (`username`, `email`, ...).",
					Example: `local api = require("harbor.ext.api")
local info = api.get_artifact("library", "alpine", "latest", {with_report = false})
print(api.get_artifact_owner(info).username)`,
				},
				{
					Name:      "filter_artifacts_latest",
					Signature: "api.filter_artifacts_latest(artifacts[, fallback])",
					Summary:   "The most recently pushed artifact of each repository, in the order the repositories first appear.",
					Params: []luadoc.Param{
						{Name: "artifacts", Type: "list of ArtifactInfo", Summary: "Typically the result of get_artifacts."},
						{Name: "fallback", Type: "function(a, b)", Summary: "Decides when push times are equal or missing; must return a or b. Without it the first seen stays."},
					},
					Returns: "a list of the same ArtifactInfo tables.",
					Example: `local api = require("harbor.ext.api")
local latest = api.filter_artifacts_latest(api.get_artifacts{projects = {"team-a"}})
for _, info in ipairs(latest) do print(info.name_with_tag, info.artifact.push_time) end`,
				},
				{
					Name:      "iter_artifacts",
					Signature: "api.iter_artifacts([client,] opts)",
					Summary:   "The streaming form of get_artifacts for a generic for: ArtifactInfos arrive while the rest are still fetched, and at most a window of 64 finished ones is held, so memory stays flat on a large registry.",
					Params:    bulkParams,
					Returns:   "an ArtifactIterator.",
					Example: `local api = require("harbor.ext.api")
for info in api.iter_artifacts{projects = {"team-a"}} do
  print(info.name_with_tag)
end`,
				},
				{
					Name:      "iter_artifact_vulnerabilities",
					Signature: "api.iter_artifact_vulnerabilities([client,] opts)",
					Summary:   "The streaming form of get_artifact_vulnerabilities.",
					Params:    vulnParams(),
					Returns:   "an ArtifactIterator.",
					Example: `local api = require("harbor.ext.api")
local it = api.iter_artifact_vulnerabilities{projects = {"library"}}
for info in it do
  if info.cvss_max >= 9 then print("critical:", info.name_with_tag) break end
end
it:close() -- the loop was left early: stop fetching and call the callback now`,
				},
			},
		},
		{
			Name:    "ArtifactIterator",
			Kind:    luadoc.KindType,
			Summary: "What `iter_artifacts` and `iter_artifact_vulnerabilities` return: callable, so `for info in it do` works.",
			Text: "The callback fires exactly once: when the loop has read the last result, when `it:close()` is called, " +
				"or when an abandoned iterator is closed. Lua 5.1 cannot tell when a loop is left with `break`, so an iterator " +
				"that no local variable holds any more is closed at the next `harbor.ext.api` call (its requests are cancelled, " +
				"its callback fires). Keep it in a local and call `it:close()` to decide the moment yourself.",
			Functions: []luadoc.Func{
				{Name: "close", Signature: "it:close()", Summary: "Stops fetching, waits for the workers and calls the callback if it has not been called. Closing twice is harmless."},
			},
		},
	}
}
