-- on_scan_critical.lua: webhook handler for SCANNING_COMPLETED. When the
-- scanned artifact has Critical vulnerabilities, label it and tell a chat
-- channel.
--
-- Run by "harborscript schedule" (see schedule.example.yaml), which puts the
-- delivery in the global `event`; or once by hand:
--   harborscript run --demo --event scan.json scripts/on_scan_critical.lua
-- Environment: CRITICAL_LABEL (default "critical-cve"),
--              CHAT_WEBHOOK_URL (optional: a Slack/Mattermost-style incoming webhook)
local harbor = require("harbor")
local http   = require("http")
local log    = require("log")

if not event then
  error("no event: run this from a schedule job with on: [SCANNING_COMPLETED] or with --event FILE", 0)
end
if event.type ~= "SCANNING_COMPLETED" then
  log.info("ignoring event", {type = event.type})
  return
end

local critical = (event.summary or {}).Critical or 0
if critical == 0 then
  log.info("no critical vulnerabilities", {artifact = event.repo_full_name .. "@" .. (event.digest or "?")})
  return
end

local client = harbor.default
local label_name = os.getenv("CRITICAL_LABEL") or "critical-cve"

-- Find the global label, creating it on first use.
local function find_label()
  for _, l in ipairs(client:get_labels{scope = "g"}) do
    if l.name == label_name then return l end
  end
end
local label = find_label()
if not label then
  client:create_label{name = label_name, scope = "g", color = "#C92100",
                      description = "artifact with Critical vulnerabilities"}
  if client:dry_run() then
    -- The creation was only printed: there is nothing to read back.
    label = {id = 0, name = label_name}
  else
    label = assert(find_label(), "label " .. label_name .. " was created but cannot be found")
  end
end

local ok, err = pcall(client.add_artifact_label, client, event.project, event.repository, event.digest, label)
if not ok then
  -- 409: the artifact already carries the label (a rescan).
  if type(err) == "table" and err.is and err:is("Conflict") then
    log.info("already labelled", {artifact = event.repo_full_name .. "@" .. event.digest})
  else
    error(err, 0)
  end
end
local text = ("%s:%s has %d critical vulnerabilities (labelled %s)"):format(
  event.repo_full_name, event.tag or event.digest, critical, label_name)
print(text)

local chat = os.getenv("CHAT_WEBHOOK_URL")
if chat and chat ~= "" then
  local resp = http.post(chat, {json = {text = text}})
  if resp.status >= 300 then
    error(("chat webhook answered %d"):format(resp.status), 0)
  end
end
