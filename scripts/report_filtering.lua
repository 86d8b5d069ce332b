-- report_filtering.lua: aggregate the vulnerability reports of every
-- artifact in an ArtifactReport and narrow it with chained filters, printing
-- the artifacts left and their severity distribution.
--
-- Port of the examples of harborapi's ArtifactReport docs: each with_*
-- returns a new report, so the filters given apply one after another (in
-- the order cve, package, severity, repository, tag). Patterns are RE2
-- regular expressions, case-insensitive unless --case-sensitive is given.
-- Arguments: --cve ID, --package REGEX [--min-version V] [--max-version V],
--   --severity NAME, --repository A,B, --tag REGEX, --case-sensitive,
--   --project A,B (default every project)
-- Example:   harborscript run --demo scripts/report_filtering.lua --package openssl --tag latest
local api    = require("harbor.ext.api")
local report = require("harbor.ext.report")
local args   = require("lib.args")

local severities = {"Critical", "High", "Medium", "Low", "Negligible", "Unknown", "None"}

local spec = {
  script  = "scripts/report_filtering.lua",
  summary = "Filter the aggregated vulnerability report of all artifacts.",
  options = {
    {"cve", "pattern", metavar = "ID", help = "artifacts with this CVE"},
    {"package", "pattern", help = "artifacts with a vulnerable package of this name"},
    {"min-version", "string", help = "with --package: lowest affected version"},
    {"max-version", "string", help = "with --package: highest affected version"},
    {"severity", "choice", choices = severities, help = "artifacts whose worst finding has this severity"},
    {"repository", "list", help = "artifacts in these repositories (name or project/name)"},
    {"tag", "pattern", help = "artifacts with a matching tag"},
    {"case-sensitive", "boolean", help = "match package and repository names case-sensitively"},
    {"project", "list", help = "only these projects"},
  },
}
local opts = args.parse(arg, spec)
if (opts.min_version or opts.max_version) and not opts.package then
  args.fail(spec, "--min-version and --max-version need --package")
end

local failures = {}
local artifacts = api.get_artifact_vulnerabilities{
  projects = #opts.project > 0 and opts.project or nil,
  callback = function(exceptions) failures = exceptions end,
}

local r = report.ArtifactReport(artifacts)
local applied = {}
if opts.cve then
  r = r:with_cve(opts.cve)
  applied[#applied + 1] = "cve " .. opts.cve
end
if opts.package then
  r = r:with_package(opts.package, {
    case_sensitive = opts.case_sensitive,
    min_version    = opts.min_version,
    max_version    = opts.max_version,
  })
  local range = ""
  if opts.min_version or opts.max_version then
    range = (" [%s, %s]"):format(opts.min_version or "", opts.max_version or "")
  end
  applied[#applied + 1] = "package " .. opts.package .. range
end
if opts.severity then
  r = r:with_severity(opts.severity)
  applied[#applied + 1] = "severity " .. opts.severity
end
if #opts.repository > 0 then
  r = r:with_repository(opts.repository, opts.case_sensitive)
  applied[#applied + 1] = "repository " .. table.concat(opts.repository, ",")
end
if opts.tag then
  r = r:with_tag(opts.tag)
  applied[#applied + 1] = "tag " .. opts.tag
end

print("filters: " .. (#applied > 0 and table.concat(applied, ", ") or "none"))
-- Iterating a report yields its ArtifactInfo tables.
for _, info in ipairs(r) do
  print(info.repository.name, info.artifact.digest)
end

local dist = r.distribution
local parts = {}
for _, s in ipairs(severities) do
  if dist[s] and dist[s] > 0 then parts[#parts + 1] = ("%s %d"):format(s, dist[s]) end
end
print(("%d of %d scanned artifacts; findings: %s; highest CVSS %.1f"):format(
  #r, #artifacts, #parts > 0 and table.concat(parts, ", ") or "none", r.cvss.max))
for _, e in ipairs(failures) do
  print("failed: " .. tostring(e))
end
