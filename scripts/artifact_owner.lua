-- artifact_owner.lua: show who owns each artifact of some projects (the
-- owner of the artifact's project, as Harbor records no per-artifact owner).
--
-- Port of harborapi's "get artifact owner" recipe. Looking up users needs
-- an account allowed to read them (a system admin); an artifact whose owner
-- cannot be fetched is reported on its line and the others still print.
-- Arguments: --project A,B (default library)
-- Example:   harborscript run --demo scripts/artifact_owner.lua --project library,team-a
local api  = require("harbor.ext.api")
local args = require("lib.args")
local fmt  = require("lib.fmt")

local spec = {
  script  = "scripts/artifact_owner.lua",
  summary = "Show the owner of every artifact in the given projects.",
  options = {
    {"project", "list", default = {"library"}, text_default = "library", help = "projects to list"},
  },
}
local opts = args.parse(arg, spec)

local failures = {}
local artifacts = api.get_artifacts{
  projects = opts.project,
  callback = function(exceptions) failures = exceptions end,
}

local rows, failed = {}, 0
for _, info in ipairs(artifacts) do
  local ok, owner = pcall(api.get_artifact_owner, info)
  local who
  if ok then
    who = owner.username
    if owner.realname and owner.realname ~= "" then who = who .. " (" .. owner.realname .. ")" end
  else
    failed = failed + 1
    who = "unknown: " .. tostring(owner)
  end
  rows[#rows + 1] = {info.repository.name, fmt.digest(info.artifact.digest), fmt.tags(info.tags), who}
end
print(fmt.table({"REPOSITORY", "DIGEST", "TAGS", "OWNER"}, rows))
for _, e in ipairs(failures) do
  print("failed: " .. tostring(e))
end
if failed + #failures > 0 then
  error(("artifact_owner: %d lookup(s) failed"):format(failed + #failures), 0)
end
