-- cleanup.lua: delete untagged artifacts and/or artifacts pushed longer ago
-- than an age, keeping the newest few of every repository and anything
-- carrying a protected tag. A dry run by default: it prints the plan and
-- deletes nothing until --apply is given.
--
-- Selection: an artifact is deleted when it matches every criterion given
-- (--untagged: it has no tag; --older-than AGE: it was pushed more than AGE
-- ago), unless it is among the --keep newest artifacts of its repository or
-- carries a tag matching --keep-tags. Harbor deletes an artifact with all its
-- tags, so artifacts are deleted by digest and the plan shows every tag that
-- goes with them. Projects and repositories are chosen by RE2 patterns on
-- the project name and the full repository name (project/name).
-- Arguments: --untagged, --older-than AGE (e.g. 90d, 12w), --keep N
--   (default 0), --keep-tags REGEX (default ^(latest|stable|prod)$),
--   --project REGEX, --repository REGEX, --apply
-- Example:   harborscript run --demo scripts/cleanup.lua --older-than 90d --keep 1
local harbor = require("harbor")
local api    = require("harbor.ext.api")
local re     = require("re")
local time   = require("time")
local args   = require("lib.args")
local fmt    = require("lib.fmt")

local spec = {
  script  = "scripts/cleanup.lua",
  summary = "Plan (or, with --apply, carry out) the deletion of stale artifacts.",
  options = {
    {"untagged", "boolean", help = "select artifacts without tags"},
    {"older-than", "duration", help = "select artifacts pushed more than AGE ago (90d, 12w, 36h)"},
    {"keep", "int", default = 0, help = "always keep the N newest artifacts of each repository"},
    {"keep-tags", "pattern", default = "^(latest|stable|prod)$", help = "never delete an artifact with a matching tag"},
    {"project", "pattern", help = "only projects whose name matches"},
    {"repository", "pattern", help = "only repositories whose full name (project/name) matches"},
    {"apply", "boolean", help = "delete; without it nothing is changed"},
  },
}
local opts = args.parse(arg, spec)
if not opts.untagged and not opts.older_than then
  args.fail(spec, "say what to delete: --untagged, --older-than AGE, or both")
end

local client = harbor.default
if not client then
  error("cleanup: no Harbor configured (run with --url or --demo)", 0)
end

-- Projects first, so that a pattern matching nothing is an error rather
-- than an empty plan that looks like a clean registry.
local projects = {}
for _, p in ipairs(client:get_projects()) do
  if not opts.project or re.match(opts.project, p.name) then
    projects[#projects + 1] = p.name
  end
end
if #projects == 0 then
  error(("cleanup: no project matches --project %q"):format(opts.project), 0)
end

local listing_failures = {}
local artifacts = api.get_artifacts(client, {
  projects = projects,
  callback = function(exceptions) listing_failures = exceptions end,
})

-- Group by repository, newest first.
local by_repo, repo_names = {}, {}
for _, info in ipairs(artifacts) do
  local name = info.repository.name
  if not opts.repository or re.match(opts.repository, name) then
    if not by_repo[name] then
      by_repo[name] = {}
      repo_names[#repo_names + 1] = name
    end
    local list = by_repo[name]
    list[#list + 1] = { info = info, pushed = time.parse(info.artifact.push_time) or 0 }
  end
end
table.sort(repo_names)

local function protected_tag(info)
  for _, tag in ipairs(info.tags) do
    if re.match(opts.keep_tags, tag) then return tag end
  end
  return nil
end

-- decide returns the action and the reason shown for one artifact; rank is
-- its place in its repository, newest first.
local function decide(entry, rank)
  local info = entry.info
  local age = time.since(entry.pushed)
  local why = {}
  if opts.untagged then
    if #info.tags > 0 then return "keep", "tagged" end
    why[#why + 1] = "untagged"
  end
  if opts.older_than then
    if age <= opts.older_than then
      return "keep", ("not older than %s"):format(opts._text["older-than"])
    end
    why[#why + 1] = ("older than %s"):format(opts._text["older-than"])
  end
  local tag = protected_tag(info)
  if tag then
    return "keep", ("protected: tag %s matches --keep-tags"):format(tag)
  end
  if rank <= opts.keep then
    return "keep", ("newest %d of repository"):format(opts.keep)
  end
  return "delete", table.concat(why, ", ")
end

local plan, rows = {}, {}
local to_delete, kept = 0, 0
for _, name in ipairs(repo_names) do
  local list = by_repo[name]
  table.sort(list, function(a, b)
    if a.pushed ~= b.pushed then return a.pushed > b.pushed end
    return a.info.artifact.digest < b.info.artifact.digest
  end)
  for rank, entry in ipairs(list) do
    local action, reason = decide(entry, rank)
    local info = entry.info
    if action == "delete" then
      to_delete = to_delete + 1
      plan[#plan + 1] = info
    else
      kept = kept + 1
    end
    rows[#rows + 1] = {
      name, fmt.digest(info.artifact.digest), fmt.tags(info.tags),
      fmt.date(info.artifact.push_time), ("%dd"):format(math.floor(time.since(entry.pushed) / 86400)),
      action, reason,
    }
  end
end

if #rows > 0 then
  print(fmt.table({"REPOSITORY", "DIGEST", "TAGS", "PUSHED", "AGE", "ACTION", "REASON"}, rows))
else
  print("no artifacts in the selected repositories")
end

local function print_failures(title, list)
  if #list == 0 then return end
  print(title)
  for _, e in ipairs(list) do print("  " .. tostring(e)) end
end
print_failures("listing failed (the plan may be incomplete):", listing_failures)

if not opts.apply then
  print(("%d to delete, %d kept (dry run: nothing was deleted; add --apply to delete)"):format(to_delete, kept))
  return
end
if #listing_failures > 0 then
  -- A partial listing can hide newer artifacts, and with them the ones
  -- --keep must protect: deleting now could remove the wrong ones.
  error(("cleanup: %d listing request(s) failed; nothing was deleted"):format(#listing_failures), 0)
end

local deleted, failures = 0, {}
for _, info in ipairs(plan) do
  local ok, err = pcall(client.delete_artifact, client, info.project_name, info.repository_name, info.artifact.digest)
  if ok then
    deleted = deleted + 1
    local tags = #info.tags > 0 and ("with tags " .. table.concat(info.tags, ",")) or "untagged"
    print(("deleted %s@%s (%s)"):format(info.repository.name, fmt.digest(info.artifact.digest), tags))
  else
    failures[#failures + 1] = err
  end
end
print_failures("failed deletions:", failures)
print(("deleted %d, failed %d, kept %d"):format(deleted, #failures, kept))
if #failures > 0 then
  error(("cleanup: %d deletion(s) failed"):format(#failures), 0)
end
