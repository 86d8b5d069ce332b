-- lib/fmt.lua: text helpers shared by the scripts in this folder
-- (require("lib.fmt")): aligned tables, short digests, tag lists, ages.
local time = require("time")

local M = {}

-- table renders rows (lists of strings) under header as text columns
-- separated by two spaces, the last column unpadded.
function M.table(header, rows)
  local widths = {}
  local all = { header }
  for _, r in ipairs(rows) do all[#all + 1] = r end
  for _, r in ipairs(all) do
    for c, cell in ipairs(r) do
      local w = #tostring(cell)
      if not widths[c] or w > widths[c] then widths[c] = w end
    end
  end
  local out = {}
  for _, r in ipairs(all) do
    local cells = {}
    for c = 1, #header do
      local cell = tostring(r[c] == nil and "" or r[c])
      if c < #header then cell = cell .. string.rep(" ", widths[c] - #cell) end
      cells[c] = cell
    end
    out[#out + 1] = (table.concat(cells, "  "):gsub("%s+$", ""))
  end
  return table.concat(out, "\n")
end

-- digest shortens "sha256:<64 hex>" to the 12 hex digits people quote.
function M.digest(d)
  if type(d) ~= "string" then return "" end
  return d:sub(1, 19)
end

-- tags lists an artifact's tag names, "-" when it has none.
function M.tags(list)
  if not list or #list == 0 then return "-" end
  return table.concat(list, ",")
end

-- days is the whole number of days since a Harbor timestamp, on the
-- run's clock (which tests pin).
function M.days(ts)
  local sec = time.parse(ts)
  if not sec then return nil end
  return math.floor(time.since(sec) / 86400)
end

-- date renders a Harbor timestamp as YYYY-MM-DD ("never" for Harbor's zero time).
function M.date(ts)
  local sec = time.parse(ts)
  if not sec then return "never" end
  return time.format(sec, "date")
end

-- duration renders seconds as the largest whole unit that fits (90d, 12h).
function M.duration(sec)
  if sec >= 86400 and sec % 86400 == 0 then return ("%dd"):format(sec / 86400) end
  if sec >= 3600 and sec % 3600 == 0 then return ("%dh"):format(sec / 3600) end
  if sec >= 60 and sec % 60 == 0 then return ("%dm"):format(sec / 60) end
  return ("%ds"):format(sec)
end

-- count renders "1 artifact", "3 artifacts".
function M.count(n, noun, plural)
  if n == 1 then return "1 " .. noun end
  return ("%d %s"):format(n, plural or (noun .. "s"))
end

return M
