-- repositories.lua: list the repositories of some or all projects, fetched
-- concurrently, with their artifact and pull counts.
--
-- Port of harborapi's "fetch repositories concurrently" recipe: the
-- repository listings of the projects are requested at the same time, and a
-- project name that matches nothing is reported instead of skipped.
-- Arguments: [PROJECT...] (default every project), --max-connections N
--   (default 5)
-- Example:   harborscript run --demo scripts/repositories.lua library team-a
local api  = require("harbor.ext.api")
local args = require("lib.args")
local fmt  = require("lib.fmt")

local spec = {
  script     = "scripts/repositories.lua",
  positional = "[PROJECT...]",
  summary    = "List repositories of the given projects (all when none is named).",
  options    = {
    {"max-connections", "int", default = 5, range = {1, 100}, help = "concurrent requests"},
  },
}
local opts = args.parse(arg, spec)

local failures = {}
local repos = api.get_repositories{
  projects        = #opts._ > 0 and opts._ or nil,
  max_connections = opts.max_connections,
  callback        = function(exceptions) failures = exceptions end,
}
table.sort(repos, function(a, b) return a.name < b.name end)

local rows, artifacts = {}, 0
for _, r in ipairs(repos) do
  rows[#rows + 1] = {r.name, tostring(r.artifact_count or 0), tostring(r.pull_count or 0), fmt.date(r.update_time)}
  artifacts = artifacts + (r.artifact_count or 0)
end
print(fmt.table({"REPOSITORY", "ARTIFACTS", "PULLS", "UPDATED"}, rows))
print(("%d repositories, %d artifacts"):format(#repos, artifacts))
for _, e in ipairs(failures) do
  print("failed: " .. tostring(e))
end
if #failures > 0 then
  error(("repositories: %d request(s) failed"):format(#failures), 0)
end
