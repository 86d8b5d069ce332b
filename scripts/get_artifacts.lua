-- get_artifacts.lua: list every artifact of project "library", reporting the
-- requests that failed through an exception callback.
--
-- Port of the exception-handling example of harborapi's ext.api docs.
-- Arguments: [project] (default "library")
-- Example:   harborscript run --demo scripts/get_artifacts.lua library
local harbor = require("harbor")
local api    = require("harbor.ext.api")

local client = harbor.client{
  url       = os.getenv("HARBOR_URL"),
  basicauth = os.getenv("HARBOR_CREDENTIALS"),
}

local function handle_exceptions(exceptions)
  if #exceptions == 0 then return end
  print("The following exceptions occurred:")
  for _, e in ipairs(exceptions) do
    if e:is("HTTPError") then
      print(("HTTPError: %s %s"):format(e.request.method, e.request.url))
    else
      print(tostring(e))
    end
  end
end

local artifacts = api.get_artifacts(client, {
  projects = {arg[1] or "library"},
  callback = handle_exceptions,
})
for _, artifact in ipairs(artifacts) do
  print(artifact.artifact.digest)
end
