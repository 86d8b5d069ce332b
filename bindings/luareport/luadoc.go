package luareport

import (
	"sort"

	"github.com/harborscript/harborscript/bindings/luadoc"
)

// Members lists the methods and computed fields a report answers through
// its __index function, which pairs cannot enumerate (the reference is
// checked against it).
func Members() (methodNames, fieldNames []string) {
	for k := range methods {
		methodNames = append(methodNames, k)
	}
	for k := range fields {
		fieldNames = append(fieldNames, k)
	}
	sort.Strings(methodNames)
	sort.Strings(fieldNames)
	return methodNames, fieldNames
}

// Doc documents the "harbor.ext.report" module and the ArtifactReport value.
func Doc() []luadoc.Module {
	cs := luadoc.Param{Name: "case_sensitive", Type: "boolean", Default: "false", Summary: "Match case exactly."}
	vulnList := "a list of finding tables, each with `artifact` set to its ArtifactInfo."
	return []luadoc.Module{
		{
			Name:    "harbor.ext.report",
			Kind:    luadoc.KindModule,
			Summary: "Reports over many artifacts, as harborapi's ArtifactReport.",
			Functions: []luadoc.Func{{
				Name: "ArtifactReport", Signature: "report.ArtifactReport(artifacts)",
				Summary: "A report over a list of ArtifactInfo (duplicates are kept once).",
				Params:  []luadoc.Param{{Name: "artifacts", Type: "list of ArtifactInfo", Default: "{}", Summary: "Usually from `get_artifact_vulnerabilities`."}},
				Returns: "an ArtifactReport.",
				Example: `local api    = require("harbor.ext.api")
local report = require("harbor.ext.report")
local r = report.ArtifactReport(api.get_artifact_vulnerabilities{})
print(#r, r.distribution.Critical or 0, #r.fixable)
for _, info in ipairs(r:with_severity("critical")) do print(info.name_with_tag) end`,
			}},
		},
		{
			Name:    "ArtifactReport",
			Kind:    luadoc.KindType,
			Summary: "A list of ArtifactInfo (`ipairs`, `#` and `json.encode` see the artifacts) with computed fields and filters. Reports never change: every `with_*` returns a new report, so filters chain.",
			Text: "Severities are Harbor's names (`Critical`, `High`, `Medium`, `Low`, `Negligible`, `Unknown`, `None`) in any case. " +
				"`with_severity` and `has_severity` compare each artifact's overall severity (its report's `severity`), " +
				"as harborapi does; `vulnerabilities_by_severity` and the `critical`/`high`/... fields look at single findings. " +
				"Patterns follow the ArtifactInfo rules.",
			Fields: []luadoc.Field{
				{Name: "artifacts", Type: "list of ArtifactInfo", Summary: "The artifacts, as a plain list."},
				{Name: "cvss", Type: "table", Summary: "`{mean, median, stdev, min, max}` over every scored finding (unscored ones are skipped)."},
				{Name: "is_aggregate", Type: "boolean", Summary: "True when the report covers more than one artifact."},
				{Name: "distribution", Type: "table", Summary: "Severity name (`Critical`, `High`, ...) → number of findings; only severities that occur are present."},
				{Name: "fixable", Type: "list", Summary: "Findings with a fixed version."},
				{Name: "unfixable", Type: "list", Summary: "Findings without one."},
				{Name: "critical", Type: "list", Summary: "Critical findings."},
				{Name: "high", Type: "list", Summary: "High findings."},
				{Name: "medium", Type: "list", Summary: "Medium findings."},
				{Name: "low", Type: "list", Summary: "Low findings."},
			},
			Functions: []luadoc.Func{
				{Name: "vulnerabilities_by_severity", Signature: "r:vulnerabilities_by_severity(severity)", Summary: "Findings of one severity.", Returns: vulnList},
				{Name: "has_cve", Signature: "r:has_cve(id)", Summary: "Whether any artifact has a matching finding.", Returns: "a boolean."},
				{Name: "with_cve", Signature: "r:with_cve(id)", Summary: "The artifacts with a matching finding.", Returns: "a new ArtifactReport.",
					Example: `local api, report = require("harbor.ext.api"), require("harbor.ext.report")
local r = report.ArtifactReport(api.get_artifact_vulnerabilities{})
local hit = r:with_cve("CVE-2023-5678"):with_repository({"alpine", "debian"})
for _, info in ipairs(hit) do print(info.name_with_tag) end`},
				{Name: "has_description", Signature: "r:has_description(text[, case_sensitive])", Params: []luadoc.Param{cs}, Summary: "Whether any finding's description matches.", Returns: "a boolean."},
				{Name: "with_description", Signature: "r:with_description(text[, case_sensitive])", Params: []luadoc.Param{cs}, Summary: "The artifacts with a finding whose description matches.", Returns: "a new ArtifactReport."},
				{Name: "has_package", Signature: "r:has_package(name[, opts])", Summary: "Whether any artifact has a finding of a matching package; opts as for `info:has_package`.", Returns: "a boolean."},
				{Name: "with_package", Signature: "r:with_package(name[, opts])", Summary: "The artifacts with a finding of a matching package, in the version range of opts (`case_sensitive`, `min_version`, `max_version`).", Returns: "a new ArtifactReport.",
					Example: `local api, report = require("harbor.ext.api"), require("harbor.ext.report")
local r = report.ArtifactReport(api.get_artifact_vulnerabilities{})
print(#r:with_package("openssl", {min_version = "3.0", max_version = "3.1"}))`},
				{Name: "has_severity", Signature: "r:has_severity(severity)", Summary: "Whether any artifact's overall severity is severity.", Returns: "a boolean."},
				{Name: "with_severity", Signature: "r:with_severity(severity)", Summary: "The artifacts whose overall severity is severity.", Returns: "a new ArtifactReport."},
				{Name: "has_repository", Signature: "r:has_repository(patterns[, case_sensitive])", Params: []luadoc.Param{cs}, Summary: "Whether any artifact's repository matches one of the patterns (a string or a list).", Returns: "a boolean."},
				{Name: "with_repository", Signature: "r:with_repository(patterns[, case_sensitive])", Params: []luadoc.Param{cs}, Summary: "The artifacts whose repository matches one of the patterns.", Returns: "a new ArtifactReport."},
				{Name: "has_tag", Signature: "r:has_tag(pattern)", Summary: "Whether any artifact has a matching tag.", Returns: "a boolean."},
				{Name: "with_tag", Signature: "r:with_tag(pattern)", Summary: "The artifacts with a matching tag.", Returns: "a new ArtifactReport."},
			},
		},
	}
}
