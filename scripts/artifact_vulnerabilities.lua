-- artifact_vulnerabilities.lua: list the artifacts whose vulnerability
-- reports name a package at or above a version (by default OpenSSL 3.x),
-- with the affected versions found in each.
--
-- Port of harborapi's "get vulnerabilities in all artifacts" recipe: the
-- reports of every artifact are fetched concurrently (at most
-- --max-connections requests at a time), aggregated in an ArtifactReport and
-- filtered by package and version range.
-- Arguments: --package REGEX (default openssl), --min-version V (default
--   3.0.0), --max-version V, --project A,B (default every project),
--   --max-connections N (default 5)
-- Example:   harborscript run --demo scripts/artifact_vulnerabilities.lua --package libssl3 --max-version 3.0.7
local api    = require("harbor.ext.api")
local report = require("harbor.ext.report")
local re     = require("re")
local args   = require("lib.args")

local spec = {
  script  = "scripts/artifact_vulnerabilities.lua",
  summary = "List artifacts with vulnerabilities in a package within a version range.",
  options = {
    {"package", "pattern", default = "openssl", help = "package name (RE2, matched from the start, case-insensitive)"},
    {"min-version", "string", default = "3.0.0", help = "lowest affected version to report"},
    {"max-version", "string", help = "highest affected version to report"},
    {"project", "list", help = "only these projects"},
    {"max-connections", "int", default = 5, range = {1, 100}, help = "concurrent requests"},
  },
}
local opts = args.parse(arg, spec)

local failures = {}
local artifacts = api.get_artifact_vulnerabilities{
  projects        = #opts.project > 0 and opts.project or nil,
  max_connections = opts.max_connections,
  callback        = function(exceptions) failures = exceptions end,
}

-- Aggregate the artifacts, then keep those with the package in range.
local filtered = report.ArtifactReport(artifacts):with_package(opts.package, {
  min_version = opts.min_version,
  max_version = opts.max_version,
})

-- affected_versions gives the distinct versions of the package in one
-- artifact that fall in the range, sorted.
local function affected_versions(info)
  local seen, out = {}, {}
  for _, v in ipairs(info:vulns_with_package(opts.package)) do
    local exact = "^" .. re.quote(v.package) .. "$"
    if v.version and not seen[v.version]
      and info:has_package(exact, {min_version = opts.min_version, max_version = opts.max_version}) then
      seen[v.version] = true
      out[#out + 1] = v.version
    end
  end
  table.sort(out)
  return out
end

for _, info in ipairs(filtered.artifacts) do
  print(("%s: %s version: %s"):format(info.name_with_digest, opts.package, table.concat(affected_versions(info), ", ")))
end
print(("%d of %d scanned artifacts affected"):format(#filtered.artifacts, #artifacts))
for _, e in ipairs(failures) do
  print("failed: " .. tostring(e))
end
