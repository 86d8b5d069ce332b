-- vuln-summary.lua: per project, how many findings of each severity its
-- scanned artifacts carry, and the fixable vulnerabilities worth fixing
-- first (worst severity, then most artifacts affected).
--
-- Counts are findings, not distinct CVEs: a CVE in three artifacts counts
-- three times in the distribution and once, with "3 artifacts", in the top
-- list. Only artifacts whose last scan succeeded are counted.
-- Arguments: --project A,B (default every project), --top N (default 5),
--   --format table|json (default table)
-- Example:   harborscript run --demo scripts/vuln-summary.lua --top 3
local harbor = require("harbor")
local api    = require("harbor.ext.api")
local report = require("harbor.ext.report")
local json   = require("json")
local time   = require("time")
local args   = require("lib.args")
local fmt    = require("lib.fmt")

local spec = {
  script  = "scripts/vuln-summary.lua",
  summary = "Summarise vulnerabilities per project: severity counts and top fixable findings.",
  options = {
    {"project", "list", help = "only these projects"},
    {"top", "int", default = 5, help = "how many fixable vulnerabilities to list per project"},
    {"format", "choice", choices = {"table", "json"}, default = "table", help = "output format"},
  },
}
local opts = args.parse(arg, spec)

local severities = {"Critical", "High", "Medium", "Low", "Negligible", "Unknown"}
local rank = {}
for i, s in ipairs(severities) do rank[s] = #severities - i + 1 end

-- The projects in scope, so that a project without scanned artifacts still
-- shows up (as such) instead of vanishing from the summary.
local names = opts.project
if #names == 0 then
  for _, p in ipairs(harbor.default:get_projects()) do names[#names + 1] = p.name end
end
table.sort(names)

local failures = {}
local artifacts = api.get_artifact_vulnerabilities{
  projects = names,
  callback = function(exceptions) failures = exceptions end,
}
local by_project = {}
for _, info in ipairs(artifacts) do
  local p = info.project_name
  by_project[p] = by_project[p] or {}
  table.insert(by_project[p], info)
end

-- top_fixable merges the fixable findings of a report by vulnerability and
-- package version, counting the artifacts each affects.
local function top_fixable(r)
  local merged, list = {}, {}
  for _, v in ipairs(r.fixable) do
    local key = table.concat({v.id, v.package or "", v.version or "", v.fix_version or ""}, "\0")
    local m = merged[key]
    if not m then
      m = { id = v.id, severity = v.severity, package = v.package, version = v.version,
            fix_version = v.fix_version, digests = {}, artifacts = 0 }
      merged[key] = m
      list[#list + 1] = m
    end
    local digest = v.artifact.artifact.digest
    if not m.digests[digest] then
      m.digests[digest] = true
      m.artifacts = m.artifacts + 1
    end
  end
  table.sort(list, function(a, b)
    local ra, rb = rank[a.severity] or 0, rank[b.severity] or 0
    if ra ~= rb then return ra > rb end
    if a.artifacts ~= b.artifacts then return a.artifacts > b.artifacts end
    if a.id ~= b.id then return a.id < b.id end
    return (a.package or "") < (b.package or "")
  end)
  local out = {}
  for i = 1, math.min(opts.top, #list) do
    list[i].digests = nil
    out[i] = list[i]
  end
  return out, #list
end

local summary = {}
for _, name in ipairs(names) do
  local infos = by_project[name] or {}
  local entry = { project = name, scanned_artifacts = #infos, distribution = {}, top_fixable = json.array(), fixable_vulnerabilities = 0 }
  for _, s in ipairs(severities) do entry.distribution[s] = 0 end
  if #infos > 0 then
    local r = report.ArtifactReport(infos)
    for s, n in pairs(r.distribution) do entry.distribution[s] = n end
    local top, total = top_fixable(r)
    for i, m in ipairs(top) do entry.top_fixable[i] = m end
    entry.fixable_vulnerabilities = total
  end
  summary[#summary + 1] = entry
end

for _, e in ipairs(failures) do
  io.stderr:write("warning: request failed: " .. tostring(e) .. "\n")
end

if opts.format == "json" then
  print(json.encode({
    generated_at = time.format(time.now()),
    projects = summary,
    failed_requests = #failures,
  }, { pretty = true }))
  return
end

for i, entry in ipairs(summary) do
  if i > 1 then print("") end
  print(("%s: %s scanned"):format(entry.project, fmt.count(entry.scanned_artifacts, "artifact")))
  if entry.scanned_artifacts > 0 then
    local parts = {}
    for _, s in ipairs(severities) do
      local n = entry.distribution[s]
      if n > 0 or rank[s] >= rank.Low then parts[#parts + 1] = ("%s %d"):format(s, n) end
    end
    print("  findings: " .. table.concat(parts, ", "))
    if #entry.top_fixable == 0 then
      print("  no fixable vulnerabilities")
    else
      print(("  top fixable (%d of %d):"):format(#entry.top_fixable, entry.fixable_vulnerabilities))
      local rows = {}
      for _, m in ipairs(entry.top_fixable) do
        rows[#rows + 1] = { m.id, m.severity, m.package or "", (m.version or "?") .. " -> " .. (m.fix_version or "?"), tostring(m.artifacts) }
      end
      local text = fmt.table({"ID", "SEVERITY", "PACKAGE", "VERSION -> FIX", "ARTIFACTS"}, rows)
      print((("\n" .. text):gsub("\n", "\n    "):sub(2)))
    end
  end
end
