-- lib/args.lua: the command-line parsing shared by the scripts in this
-- folder (require("lib.args")); require finds it beside the script.
--
-- Flags are "--name value", "--name=value" or, for booleans, "--name".
-- Anything not starting with "--" is a positional argument. "--" ends the
-- flags. A bad flag raises an error whose message ends with the usage text,
-- so a user who mistyped sees at once what the script accepts.
--
--   local args = require("lib.args")
--   local opts = args.parse(arg, {
--     script  = "scripts/cleanup.lua",
--     summary = "delete old artifacts",
--     options = {
--       {"older-than", "duration", help = "..."},
--       {"keep", "int", default = 0, help = "..."},
--     },
--   })
--   -- opts.older_than (seconds), opts.keep, opts._ (positional arguments),
--   -- opts._given["keep"] (true when given on the command line),
--   -- opts._text["older-than"] (the text as typed).
--
-- Kinds: string, int (a non-negative integer; range = {lo, hi} bounds it),
-- boolean (no value), list
-- (repeatable and comma-separated), duration (e.g. 90d, 12h; seconds in the
-- result), pattern (an RE2 regular expression, checked when parsed),
-- choice (one of o.choices, any letter case; the result is spelt as listed).
local re   = require("re")
local time = require("time")

local M = {}

local metavars = {
  string = "TEXT", choice = "NAME", int = "N", list = "A,B", duration = "AGE", pattern = "REGEX",
}

local function key(name) return (name:gsub("-", "_")) end

-- usage renders the usage text of spec, one aligned line per option.
function M.usage(spec)
  local lines = {}
  local head = "usage: harborscript run " .. spec.script
  if spec.positional then head = head .. " " .. spec.positional end
  lines[#lines + 1] = head .. " [options]"
  if spec.summary then lines[#lines + 1] = spec.summary end
  local left, width = {}, 0
  for i, o in ipairs(spec.options) do
    local name, kind = o[1], o[2]
    local s = "--" .. name
    if kind ~= "boolean" then
      s = s .. " " .. (o.metavar or metavars[kind] or "VALUE")
    end
    left[i] = s
    if #s > width then width = #s end
  end
  lines[#lines + 1] = "options:"
  for i, o in ipairs(spec.options) do
    local help = o.help or ""
    if o[2] == "choice" then
      help = help .. " (one of " .. table.concat(o.choices, ", ") .. ")"
    end
    if o.default ~= nil and o[2] ~= "boolean" then
      help = help .. " (default " .. tostring(o.text_default or o.default) .. ")"
    end
    lines[#lines + 1] = ("  %-" .. width .. "s  %s"):format(left[i], help)
  end
  lines[#lines + 1] = ("  %-" .. width .. "s  %s"):format("--help", "print this text")
  return table.concat(lines, "\n")
end

-- callerLevel is the error level of the first frame outside this module,
-- so a usage error points at the script's line, not at the parser.
local function callerLevel()
  if not debug or not debug.getinfo then return 0 end
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if not info then return 0 end
    if info.what ~= "C" and not tostring(info.source):find("lib[/\\]args%.lua$") then
      return level - 1
    end
    level = level + 1
  end
end

-- fail raises a usage error: the script name, the message and the usage.
function M.fail(spec, fmt, ...)
  local msg = select("#", ...) > 0 and fmt:format(...) or fmt
  error(spec.script .. ": " .. msg .. "\n" .. M.usage(spec), callerLevel())
end

local function convert(spec, o, flag, value)
  local kind = o[2]
  if kind == "int" then
    local n = tonumber(value)
    if not n or n < 0 or n ~= math.floor(n) then
      M.fail(spec, "%s must be a non-negative integer, got %q", flag, value)
    end
    if o.range and (n < o.range[1] or n > o.range[2]) then
      M.fail(spec, "%s must be between %d and %d, got %d", flag, o.range[1], o.range[2], n)
    end
    return n
  elseif kind == "duration" then
    local ok, sec = pcall(time.duration, value)
    if not ok or sec <= 0 then
      M.fail(spec, "%s must be a positive age such as 90d, 12h or 2w, got %q", flag, value)
    end
    return sec
  elseif kind == "pattern" then
    local ok = pcall(re.compile, value)
    if not ok then
      M.fail(spec, "%s is not a valid regular expression: %q", flag, value)
    end
    return value
  elseif kind == "choice" then
    for _, c in ipairs(o.choices) do
      if c:lower() == value:lower() then return c end
    end
    M.fail(spec, "%s must be one of %s, got %q", flag, table.concat(o.choices, ", "), value)
  end
  return value
end

-- parse reads argv (the script's arg table) according to spec and returns
-- the options by name (dashes become underscores).
function M.parse(argv, spec)
  local byName = {}
  for _, o in ipairs(spec.options) do byName[o[1]] = o end
  local out = { _ = {}, _given = {}, _text = {} }
  for _, o in ipairs(spec.options) do
    local k = key(o[1])
    if o[2] == "list" then
      out[k] = {}
      for _, v in ipairs(o.default or {}) do out[k][#out[k] + 1] = v end
    elseif o[2] == "boolean" then
      out[k] = o.default or false
    elseif o.default ~= nil then
      out[k] = o.default
      if o[2] == "duration" then out[k] = time.duration(o.default) end
      out._text[o[1]] = tostring(o.default)
    end
  end
  local i, n = 1, #argv
  while i <= n do
    local a = argv[i]
    if a == "--" then
      for j = i + 1, n do out._[#out._ + 1] = argv[j] end
      break
    elseif a == "--help" or a == "-h" then
      print(M.usage(spec))
      os.exit(0)
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      name = name or a:sub(3)
      local o = byName[name]
      if not o then M.fail(spec, "unknown option --%s", name) end
      local flag = "--" .. name
      if o[2] == "boolean" then
        if value ~= nil then M.fail(spec, "%s takes no value", flag) end
        out[key(name)] = true
      else
        if value == nil then
          i = i + 1
          value = argv[i]
          if value == nil then M.fail(spec, "%s needs a value", flag) end
        end
        if value == "" then M.fail(spec, "%s needs a non-empty value", flag) end
        if o[2] == "list" then
          if not out._given[name] then out[key(name)] = {} end
          for item in value:gmatch("[^,]+") do
            local v = item:match("^%s*(.-)%s*$")
            if v ~= "" then table.insert(out[key(name)], v) end
          end
        else
          if out._given[name] then M.fail(spec, "%s given twice", flag) end
          out[key(name)] = convert(spec, o, flag, value)
          out._text[name] = value
        end
      end
      out._given[name] = true
    else
      if not spec.positional then
        M.fail(spec, "unexpected argument %q", a)
      end
      out._[#out._ + 1] = a
    end
    i = i + 1
  end
  return out
end

return M
