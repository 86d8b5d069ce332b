-- audit.lua: a security review of the registry's settings: robot accounts
-- that never expire, have expired or expire soon, public projects, and
-- projects that do not scan pushed images for vulnerabilities.
--
-- Robots are listed with a finding each ("ok" when there is none);
-- disabled robots are reported as such, whatever their expiry. Needs an
-- account allowed to list robots (a system admin).
-- Arguments: --within AGE (default 30d: flag robots expiring sooner)
-- Example:   harborscript run --demo scripts/audit.lua --within 30d
local harbor = require("harbor")
local time   = require("time")
local args   = require("lib.args")
local fmt    = require("lib.fmt")

local spec = {
  script  = "scripts/audit.lua",
  summary = "Audit robot account expiry, public projects and automatic scanning.",
  options = {
    {"within", "duration", default = "30d", help = "report robots expiring within AGE"},
  },
}
local opts = args.parse(arg, spec)

local client = harbor.default
if not client then
  error("audit: no Harbor configured (run with --url or --demo)", 0)
end

-- span renders seconds as days and hours ("6d12h", "3h").
local function span(sec)
  local d, h = math.floor(sec / 86400), math.floor(sec % 86400 / 3600)
  if d > 0 and h > 0 then return ("%dd%dh"):format(d, h) end
  if d > 0 then return ("%dd"):format(d) end
  return ("%dh"):format(h)
end

local findings = 0

local robots = client:get_robots()
table.sort(robots, function(a, b) return a.name < b.name end)
local rows = {}
for _, r in ipairs(robots) do
  local expires, finding = "never", "ok"
  local at = tonumber(r.expires_at) or -1
  if at > 0 then
    expires = time.format(at, "date")
    local left = time.remaining(at)
    if left <= 0 then
      finding = ("expired %s ago"):format(span(-left))
    elseif left <= opts.within then
      finding = ("expires in %s (within %s)"):format(span(left), opts._text.within)
    end
  else
    finding = "never expires"
  end
  if r.disable then
    finding = finding == "ok" and "disabled" or (finding .. "; disabled")
  end
  if finding ~= "ok" then findings = findings + 1 end
  rows[#rows + 1] = { r.name, r.level or "", expires, finding }
end
print("Robot accounts")
if #rows > 0 then
  print(fmt.table({"NAME", "LEVEL", "EXPIRES", "FINDING"}, rows))
else
  print("(none)")
end

local projects = client:get_projects()
table.sort(projects, function(a, b) return a.name < b.name end)
rows = {}
for _, p in ipairs(projects) do
  local meta = p.metadata or {}
  local public = meta.public == "true"
  local auto_scan = meta.auto_scan == "true"
  local problems = {}
  if public then problems[#problems + 1] = "public: anyone can pull" end
  if not auto_scan then problems[#problems + 1] = "images are not scanned on push" end
  if #problems > 0 then findings = findings + 1 end
  rows[#rows + 1] = { p.name, public and "yes" or "no", auto_scan and "yes" or "no",
    #problems > 0 and table.concat(problems, "; ") or "ok" }
end
print("")
print("Projects")
print(fmt.table({"NAME", "PUBLIC", "AUTO SCAN", "FINDING"}, rows))
print("")
print(("%s in %s and %s"):format(fmt.count(findings, "finding"), fmt.count(#robots, "robot"), fmt.count(#projects, "project")))
