-- get_artifacts_filtered.lua: fetch the "latest" artifacts of a few
-- repositories across two projects, concurrently.
--
-- Port of the "fetch multiple artifacts concurrently" example of harborapi's
-- ext.api docs. Repositories are matched by base name in every project.
-- Arguments: [tag] (default "latest")
-- Example:   harborscript run --demo scripts/get_artifacts_filtered.lua latest
local harbor = require("harbor")
local api    = require("harbor.ext.api")

local client = harbor.client{
  url       = os.getenv("HARBOR_URL"),
  basicauth = os.getenv("HARBOR_CREDENTIALS"),
}

local artifacts = api.get_artifacts(client, {
  projects     = {"library", "mirrors"},
  repositories = {"alpine", "busybox", "debian", "internal-repo"},
  tag          = arg[1] or "latest",
})
for _, artifact in ipairs(artifacts) do
  print(artifact.artifact.digest)
end
