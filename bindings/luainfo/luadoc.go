package luainfo

import "github.com/harborscript/harborscript/bindings/luadoc"

// Doc documents the ArtifactInfo value.
func Doc() []luadoc.Module {
	cs := luadoc.Param{Name: "case_sensitive", Type: "boolean", Default: "false", Summary: "Match case exactly."}
	return []luadoc.Module{{
		Name:    "ArtifactInfo",
		Kind:    luadoc.KindType,
		Summary: "One artifact with its repository and vulnerability report, as `harbor.ext.api` returns it. A plain table: `pairs` shows the data and `json.encode` works; the methods come from its metatable.",
		Text: "Patterns are RE2 regular expressions (the `re` module's syntax), case-insensitive unless asked. " +
			"CVE ids, tags and package names match from the start of the string, like Python's `re.match` " +
			"(`CVE-2023-1` does not match inside `XCVE-2023-1`, but does match `CVE-2023-12`; end with `$` for an exact match); " +
			"descriptions match anywhere. Versions compare loosely, so `1.2`, `1.2.3-r4` and `2:1.1.1n-0+deb11u5` " +
			"(Debian epochs and revisions, Alpine `-rN`) all order sensibly.",
		Fields: []luadoc.Field{
			{Name: "artifact", Type: "table", Summary: "Harbor's Artifact, every field as Harbor sent it (`digest`, `tags`, `push_time`, `scan_overview`, ...). Its members that are tables (`tags`, `labels`, `extra_attrs`, `addition_links`, `scan_overview`, `references`, `accessories`, `annotations`) are built the first time the script reads or writes a member the table lacks; `pairs`, `next` and `json.encode` see them as always there, only `rawget` gives nil for them before that (a kept bulk result would otherwise hold each artifact's tags, links and image config as tables)."},
			{Name: "repository", Type: "table", Summary: "Harbor's Repository the artifact belongs to. The infos of one repository from the same call share this table, as harborapi's ArtifactInfos share one Repository: writing to it shows in all of them."},
			{Name: "report", Type: "table", Summary: "The vulnerability report: `{generated_at, scanner, severity, mime_type, vulnerabilities}`; empty (`vulnerabilities = {}`) when not fetched or not scanned. Each finding has Harbor's fields plus `fixable` and `score` (its CVSS base score). The findings list is built the first time it is read (a kept bulk result would otherwise hold every finding as a table); `pairs`, `next` and `json.encode` see it as always there, only `rawget(info.report, \"vulnerabilities\")` gives nil before the first read."},
			{Name: "name_with_digest", Type: "string", Summary: "`library/alpine@sha256:4297b288`: the digest cut to 15 characters, as Harbor's UI shows it."},
			{Name: "name_with_digest_full", Type: "string", Summary: "`library/alpine@sha256:<full digest>`, which `docker pull` accepts."},
			{Name: "name_with_tag", Type: "string", Summary: "`library/alpine:<first tag>`, or `:untagged`."},
			{Name: "project_name", Type: "string", Summary: "`library`."},
			{Name: "repository_name", Type: "string", Summary: "The repository without its project: `alpine`, `backend/api`."},
			{Name: "tags", Type: "list of strings", Summary: "Tag names in Harbor's order (empty when untagged)."},
			{Name: "cvss", Type: "table", Summary: "`{mean, median, stdev, min, max}` of the findings' scores; findings without a score are left out rather than counted as 0."},
			{Name: "cvss_max", Type: "number", Summary: "The highest score, 0 when none."},
		},
		Functions: []luadoc.Func{
			{Name: "has_cve", Signature: "info:has_cve(id)", Summary: "Whether a finding's id matches id (from the start).", Returns: "a boolean.",
				Example: `local info = require("harbor.ext.api").get_artifact("library", "debian", "bookworm")
print(info:has_cve("CVE-2023"), info:has_cve("CVE-1999-0001$"))`},
			{Name: "has_tag", Signature: "info:has_tag(pattern)", Summary: "Whether a tag matches pattern (from the start).", Returns: "a boolean."},
			{Name: "has_description", Signature: "info:has_description(text[, case_sensitive])", Summary: "Whether a finding's description contains a match of text.", Params: []luadoc.Param{cs}, Returns: "a boolean."},
			{
				Name: "has_package", Signature: "info:has_package(name[, opts])",
				Summary: "Whether a finding concerns a package matching name (from the start), optionally within a version range. opts may also be a bare boolean, meaning case_sensitive.",
				Params: []luadoc.Param{cs,
					{Name: "min_version", Type: "string or number", Summary: "Lowest version included."},
					{Name: "max_version", Type: "string or number", Summary: "Highest version included."}},
				Returns: "a boolean.",
				Example: `local api = require("harbor.ext.api")
for _, info in ipairs(api.get_artifact_vulnerabilities{}) do
  if info:has_package("openssl", {min_version = "3.0.0", max_version = "3.0.99"}) then
    print(info.name_with_tag)
  end
end`,
			},
			{Name: "vuln_with_cve", Signature: "info:vuln_with_cve(id)", Summary: "The first finding whose id matches.", Returns: "a finding table or nil."},
			{Name: "vulns_with_package", Signature: "info:vulns_with_package(name[, case_sensitive])", Summary: "The findings of packages matching name.", Params: []luadoc.Param{cs}, Returns: "a list of finding tables.",
				Example: `local info = require("harbor.ext.api").get_artifact("library", "debian", "bookworm")
for _, v in ipairs(info:vulns_with_package("openssl")) do
  print(v.id, v.version, v.fix_version, v.fixable, v.score)
end`},
			{Name: "vulns_with_description", Signature: "info:vulns_with_description(text[, case_sensitive])", Summary: "The findings whose description contains a match of text.", Params: []luadoc.Param{cs}, Returns: "a list of finding tables."},
		},
	}}
}
