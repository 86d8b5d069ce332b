package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestRuntimeErrorHasPositionAndTraceback(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "fail.lua", `local function inner()
  local t = nil
  return t.field
end
local function outer()
  return inner()  -- not a tail call once wrapped
    , 1
end
outer()
`)
	err := RunFile(context.Background(), path, Options{Stdout: &strings.Builder{}})
	se := scriptError(t, err)
	if se.File != path || se.Line != 3 {
		t.Fatalf("position %s:%d, want %s:3", se.File, se.Line, path)
	}
	if !strings.HasPrefix(se.Error(), path+":3: ") || strings.Contains(se.Error(), "traceback") {
		t.Fatalf("Error() = %q", se.Error())
	}
	for _, want := range []string{"stack traceback:", "fail.lua:3: in function 'inner'", "fail.lua:6: in function 'outer'", "fail.lua:9: in main chunk"} {
		if !strings.Contains(se.Traceback, want) {
			t.Errorf("traceback lacks %q:\n%s", want, se.Traceback)
		}
	}
	if strings.Contains(se.Traceback, "messageHandler") {
		t.Errorf("traceback shows engine internals:\n%s", se.Traceback)
	}
}

func TestErrorCalledWithLevelBlamesCaller(t *testing.T) {
	_, err := runCode(t, `local function check(x)
  if not x then error("x is required", 2) end
end
check(nil)
`, Options{})
	se := scriptError(t, err)
	if se.Line != 4 || se.Message != "x is required" {
		t.Fatalf("got line %d message %q", se.Line, se.Message)
	}
}

func TestTableErrorValueKeepsObjectAndTostring(t *testing.T) {
	_, err := runCode(t, `
local NotFound = { __tostring = function(e) return "NotFound: " .. e.message end }
local function fetch()
  error(setmetatable({ message = "artifact missing", status = 404 }, NotFound))
end
fetch()
`, Options{})
	se := scriptError(t, err)
	if se.Message != "NotFound: artifact missing" {
		t.Fatalf("message %q", se.Message)
	}
	if se.Line != 4 {
		t.Fatalf("line %d, want 4 (where error was called)", se.Line)
	}
	tbl, ok := se.Value.(*lua.LTable)
	if !ok {
		t.Fatalf("Value is %T, want the raised table", se.Value)
	}
	if tbl.RawGetString("status") != lua.LNumber(404) {
		t.Fatalf("the raised table lost its fields")
	}
	if !strings.Contains(se.Traceback, "in function 'fetch'") {
		t.Fatalf("traceback:\n%s", se.Traceback)
	}
}

func TestFailingTostringDoesNotHideTheError(t *testing.T) {
	_, err := runCode(t, `error(setmetatable({}, { __tostring = function() error("broken") end }))`, Options{})
	se := scriptError(t, err)
	if !strings.Contains(se.Message, "__tostring failed") || se.Value == nil {
		t.Fatalf("got %q, value %v", se.Message, se.Value)
	}
}

func TestGoPanicBecomesLuaError(t *testing.T) {
	setup := func(L *lua.LState) error {
		L.SetGlobal("explode", L.NewFunction(Protect(func(L *lua.LState) int {
			var m map[string]int
			m["x"] = 1 // a nil-map write panics
			return 0
		})))
		L.SetGlobal("explode_raw", L.NewFunction(func(L *lua.LState) int {
			panic("raw panic")
		}))
		L.SetGlobal("needs_number", L.NewFunction(Protect(func(L *lua.LState) int {
			L.Push(lua.LNumber(L.CheckNumber(1) * 2))
			return 1
		})))
		return nil
	}
	out, err := runCode(t, `
local ok, msg = pcall(explode)
print(ok, msg)
print(needs_number(21))
local ok2, msg2 = pcall(needs_number, "x")
print(ok2, msg2)
explode_raw()
`, Options{Setup: setup})
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "false\t") || !strings.Contains(lines[0], "assignment to entry in nil map") {
		t.Fatalf("protected panic not caught by pcall: %q", out)
	}
	if lines[1] != "42" {
		t.Fatalf("Protect changed results: %q", lines[1])
	}
	if !strings.Contains(lines[2], "number expected") {
		t.Fatalf("Protect must let argument errors through unchanged: %q", lines[2])
	}
	se := scriptError(t, err)
	if !strings.Contains(se.Message, "raw panic") || se.Line != 7 {
		t.Fatalf("unprotected panic: %v (line %d)", se, se.Line)
	}
}

func TestSetupPanicIsReported(t *testing.T) {
	_, err := runCode(t, `print(1)`, Options{Setup: func(*lua.LState) error { panic("setup exploded") }})
	if err == nil || !strings.Contains(err.Error(), "setup exploded") {
		t.Fatalf("got %v", err)
	}
}

func TestSyntaxError(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "bad.lua", "#!/usr/bin/env harborscript\nlocal x = 1\nif x then\n  print(x\nend\n")
	err := RunFile(context.Background(), path, Options{})
	se := scriptError(t, err)
	if !se.Syntax || se.File != path || se.Line != 5 {
		t.Fatalf("got syntax=%v %s:%d %q", se.Syntax, se.File, se.Line, se.Message)
	}
	if !strings.HasPrefix(se.Error(), path+":5: ") {
		t.Fatalf("Error() = %q", se.Error())
	}

	_, err = runCode(t, "local function f()\n  return 1\n", Options{})
	se = scriptError(t, err)
	if !se.Syntax || !strings.Contains(se.Message, "end of file") {
		t.Fatalf("unterminated function: %+v", se)
	}
}

func TestShebangKeepsLineNumbers(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "s.lua", "#!/usr/bin/env harborscript\n\nerror('line three')\n")
	se := scriptError(t, RunFile(context.Background(), path, Options{}))
	if se.Line != 3 {
		t.Fatalf("line %d, want 3", se.Line)
	}
}

func TestMissingScriptIsAPlainError(t *testing.T) {
	err := RunFile(context.Background(), "/nonexistent/script.lua", Options{})
	if err == nil || !errors.Is(err, errNotExist()) {
		t.Fatalf("got %v", err)
	}
}
