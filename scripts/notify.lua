-- notify.lua: post a vulnerability summary to a chat webhook as
-- Slack-compatible JSON ({"text": "..."}; Mattermost and Rocket.Chat accept
-- the same).
--
-- The summary comes either from another script's JSON output (--input FILE,
-- written by cve-impact.lua or vuln-summary.lua with --format json) or from
-- its own query: the scanned artifacts with findings at or above
-- --min-severity. --dry-run prints the payload instead of posting it. A
-- webhook that cannot be reached or answers an error status fails the run.
-- The webhook URL is treated as a secret and never printed.
-- Arguments: --webhook URL (required unless --dry-run), --input FILE,
--   --project A,B, --min-severity NAME (default High), --limit N (default
--   10 lines), --title TEXT, --dry-run
-- Example:   harborscript run --demo scripts/notify.lua --dry-run --min-severity critical
-- Example:   harborscript run --demo scripts/cve-impact.lua --cve CVE-2023-2650 --format json > impact.json &&
--            harborscript run --demo scripts/notify.lua --input impact.json --webhook https://hooks.slack.com/services/...
local api  = require("harbor.ext.api")
local http = require("http")
local json = require("json")
local args = require("lib.args")
local fmt  = require("lib.fmt")

local severities = {"Critical", "High", "Medium", "Low", "Negligible", "Unknown"}
local rank = {}
for i, s in ipairs(severities) do rank[s] = #severities - i + 1 end

local spec = {
  script  = "scripts/notify.lua",
  summary = "Post a vulnerability summary to a Slack-compatible webhook.",
  options = {
    {"webhook", "string", metavar = "URL", help = "incoming webhook URL"},
    {"input", "string", metavar = "FILE", help = "JSON written by cve-impact.lua or vuln-summary.lua --format json"},
    {"project", "list", help = "without --input: only these projects"},
    {"min-severity", "choice", choices = severities, default = "High", help = "without --input: lowest severity to report"},
    {"limit", "int", default = 10, help = "at most N artifact or project lines"},
    {"title", "string", help = "first line of the message"},
    {"dry-run", "boolean", help = "print the payload instead of posting it"},
  },
}
local opts = args.parse(arg, spec)
if not opts.webhook and not opts.dry_run then
  args.fail(spec, "--webhook URL is required (or use --dry-run to see the message)")
end
if opts.webhook and not opts.webhook:match("^https?://[^/]") then
  args.fail(spec, "--webhook must be an http:// or https:// URL")
end
if opts.input and (#opts.project > 0 or opts._given["min-severity"]) then
  args.fail(spec, "--project and --min-severity select the own query; they cannot be used with --input")
end

-- lines caps a list of message lines at --limit, saying how many were left out.
local function capped(lines)
  local out = {}
  for i = 1, math.min(#lines, opts.limit) do out[i] = lines[i] end
  if #lines > opts.limit then
    out[#out + 1] = ("... and %d more"):format(#lines - opts.limit)
  end
  return out
end

local function from_cve_impact(doc)
  local q, s = doc.query or {}, doc.summary or {}
  local what = q.cve or q.package or "?"
  if q.cve and q.package then what = q.cve .. " in " .. q.package end
  if q.min_version or q.max_version then
    what = what .. (" [%s, %s]"):format(q.min_version or "any", q.max_version or "any")
  end
  local head = ("*%s*: %s of %d scanned affected (%s, %d fixable)"):format(
    opts.title or ("CVE impact of " .. what), fmt.count(s.affected_artifacts or #doc.artifacts, "artifact"),
    s.scanned_artifacts or 0, fmt.count(s.findings or 0, "finding"), s.fixable or 0)
  local lines = {}
  for _, a in ipairs(doc.artifacts) do
    local vulns = {}
    for _, v in ipairs(a.vulnerabilities or {}) do
      vulns[#vulns + 1] = ("%s %s %s -> %s"):format(v.id, v.package or "?", v.version or "?", v.fix_version or "no fix")
    end
    lines[#lines + 1] = ("- %s@%s (%s): %s"):format(a.repository, fmt.digest(a.digest), fmt.tags(a.tags), table.concat(vulns, "; "))
  end
  return head, lines
end

local function from_vuln_summary(doc)
  local head = ("*%s* (%s)"):format(opts.title or "Vulnerability summary", doc.generated_at or "")
  local lines = {}
  for _, p in ipairs(doc.projects) do
    local line = ("- %s: %s scanned"):format(p.project, fmt.count(p.scanned_artifacts or 0, "artifact"))
    if (p.scanned_artifacts or 0) > 0 then
      local parts = {}
      for _, s in ipairs(severities) do
        local n = (p.distribution or {})[s] or 0
        if n > 0 then parts[#parts + 1] = ("%s %d"):format(s, n) end
      end
      line = line .. ", findings: " .. (#parts > 0 and table.concat(parts, ", ") or "none")
      local top = (p.top_fixable or {})[1]
      if top then
        line = line .. ("; fix first: %s (%s %s -> %s, %s)"):format(top.id, top.package or "?",
          top.version or "?", top.fix_version or "?", fmt.count(top.artifacts or 0, "artifact"))
      end
    end
    lines[#lines + 1] = line
  end
  return head, lines
end

local function from_input(path)
  local f, err = io.open(path, "r")
  if not f then error(("notify: cannot read --input %s: %s"):format(path, err), 0) end
  local text = f:read("*a")
  f:close()
  local ok, doc = pcall(json.decode, text)
  if not ok or type(doc) ~= "table" then
    error(("notify: --input %s is not JSON: %s"):format(path, tostring(doc)), 0)
  end
  if type(doc.artifacts) == "table" and type(doc.query) == "table" then
    return from_cve_impact(doc)
  elseif type(doc.projects) == "table" then
    return from_vuln_summary(doc)
  end
  error(("notify: --input %s is neither cve-impact.lua nor vuln-summary.lua output (run them with --format json)"):format(path), 0)
end

local function from_query()
  local min = rank[opts.min_severity]
  local failures = {}
  local artifacts = api.get_artifact_vulnerabilities{
    projects = #opts.project > 0 and opts.project or nil,
    callback = function(exceptions) failures = exceptions end,
  }
  if #failures > 0 then
    -- A summary built from a partial listing would understate the risk.
    error(("notify: %d request(s) to Harbor failed, first: %s"):format(#failures, tostring(failures[1])), 0)
  end
  local lines = {}
  for _, info in ipairs(artifacts) do
    local counts = {}
    for _, v in ipairs(info.report.vulnerabilities) do
      if (rank[v.severity] or 0) >= min then counts[v.severity] = (counts[v.severity] or 0) + 1 end
    end
    local parts = {}
    for _, s in ipairs(severities) do
      if counts[s] then parts[#parts + 1] = ("%s %d"):format(s, counts[s]) end
    end
    if #parts > 0 then
      lines[#lines + 1] = ("- %s@%s (%s): %s"):format(info.repository.name, fmt.digest(info.artifact.digest),
        fmt.tags(info.tags), table.concat(parts, ", "))
    end
  end
  local worst = opts.min_severity == "Critical" and "Critical" or (opts.min_severity .. " or worse")
  local head = ("*%s*: %s of %d scanned have %s findings"):format(opts.title or "Harbor vulnerability report",
    fmt.count(#lines, "artifact"), #artifacts, worst)
  return head, lines
end

local head, lines
if opts.input then
  head, lines = from_input(opts.input)
else
  head, lines = from_query()
end
local body = { head }
for _, l in ipairs(capped(lines)) do body[#body + 1] = l end
local payload = { text = table.concat(body, "\n") }

if opts.dry_run then
  print(json.encode(payload, { pretty = true }))
  return
end

local ok, resp = pcall(http.post, opts.webhook, { json = payload, timeout = 15 })
if not ok then
  error("notify: posting to the webhook failed: " .. tostring(resp), 0)
end
if not resp.ok then
  local detail = resp.body:sub(1, 200):gsub("%s+$", "")
  error(("notify: the webhook answered HTTP %d: %s"):format(resp.status, detail), 0)
end
print(("notify: posted %s to the webhook (HTTP %d)"):format(fmt.count(#body, "line"), resp.status))
