package engine

import (
	"strings"
	"testing"
)

var harborGlobals = []string{"harbor", "json", "log", "re", "http", "time", "csv", "arg", "event"}

func diagStrings(ds []Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func TestCheckReportsSyntaxError(t *testing.T) {
	ds := Check("bad.lua", []byte("local x = 1\nif x then\n  print(x\nend\n"), nil)
	if len(ds) != 1 || ds[0].Severity != "error" || ds[0].Line != 4 {
		t.Fatalf("got %v", diagStrings(ds))
	}
	if !strings.HasPrefix(ds[0].String(), "bad.lua:4: error: ") {
		t.Fatalf("got %q", ds[0].String())
	}
}

func TestCheckReportsCompileError(t *testing.T) {
	ds := Check("loop.lua", []byte("local x = 1\nbreak\n"), nil)
	if len(ds) != 1 || ds[0].String() != "loop.lua:2: error: no loop to break" {
		t.Fatalf("got %v", diagStrings(ds))
	}
}

func TestCheckWarnsAboutMisspeltGlobals(t *testing.T) {
	src := `local artifacts = harbor.default:get_artifacts("library", "nginx")
for _, a in ipairs(artifcts) do
  print(a.digest)
end

local function tally(list)
  count = 0
  for _ in pairs(list) do count = count + 1 end
  return count
end

function main()
  total = tally(artifacts)
  log.info("total", total)
end

total = 0
main()
`
	ds := Check("scan.lua", []byte(src), harborGlobals)
	got := strings.Join(diagStrings(ds), "\n")
	want := strings.Join([]string{
		"scan.lua:2: warning: read of undefined global 'artifcts'",
		"scan.lua:7: warning: write to undefined global 'count' (make it local, or define it at top level)",
		"scan.lua:8: warning: read of undefined global 'count'",
		"scan.lua:8: warning: write to undefined global 'count' (make it local, or define it at top level)",
		"scan.lua:9: warning: read of undefined global 'count'",
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCheckIsQuietOnCleanScript(t *testing.T) {
	src := `#!/usr/bin/env harborscript
local client = harbor.default
local M = {}
function M:count(items) local n = 0 for _ in pairs(items) do n = n + 1 end return n end

local function walk(node, depth)
  if depth > 3 then return end
  return walk(node, depth + 1)
end

local i = 0
repeat local done = i > 3; i = i + 1 until done

for n = 1, 3 do walk(n, 0) end
local ok, err = pcall(function(...) return select("#", ...) end, arg[1])
local report = { total = M:count({}), when = time.now(), re = re.match("a", "a") }
print(json.encode(report), string.format("%d", #arg), math.max(1, 2), os.time(), io.write, _G, _VERSION)
if event then log.info(event.type) end
helper = function() return http, csv end
function main() return helper() end
main()
`
	ds := Check("clean.lua", []byte(src), harborGlobals)
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics:\n%s", strings.Join(diagStrings(ds), "\n"))
	}
}

func TestCheckWithoutKnownGlobalsFlagsThem(t *testing.T) {
	ds := Check("s.lua", []byte("print(harbor)\n"), nil)
	if len(ds) != 1 || ds[0].String() != "s.lua:1: warning: read of undefined global 'harbor'" {
		t.Fatalf("got %v", diagStrings(ds))
	}
}
