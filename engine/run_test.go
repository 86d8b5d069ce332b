package engine

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func TestArgsReachArgTableAndVarargs(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "args.lua", `
		local a, b = ...
		print(arg[0], arg[1], arg[2], #arg, a, b, select("#", ...))
	`)
	var out bytes.Buffer
	err := RunFile(context.Background(), path, Options{Args: []string{"alpha", "beta"}, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	want := path + "\talpha\tbeta\t2\talpha\tbeta\t2\n"
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestRequireFindsModuleBesideScript(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "lib/greet.lua", `return { hello = function(n) return "hello " .. n end }`)
	writeScript(t, dir, "util/init.lua", `return { answer = 42 }`)
	path := writeScript(t, dir, "main.lua", `
		local greet = require("lib.greet")
		local util = require("util")
		print(greet.hello("harbor"), util.answer)
	`)
	var out bytes.Buffer
	// Run from elsewhere: the script's directory, not the working one, counts.
	t.Chdir(t.TempDir())
	if err := RunFile(context.Background(), path, Options{Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello harbor\t42\n" {
		t.Fatalf("got %q", out.String())
	}
}

func TestLuaPathIsSearchedAfterScriptDir(t *testing.T) {
	extra := t.TempDir()
	writeScript(t, extra, "shared.lua", `return "from LUA_PATH"`)
	t.Setenv("LUA_PATH", extra+"/?.lua")
	out, err := runCode(t, `print(require("shared"))`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "from LUA_PATH\n" {
		t.Fatalf("got %q", out)
	}
}

func TestOutputIsCaptured(t *testing.T) {
	var stderr bytes.Buffer
	out, err := runCode(t, `
		print("a", 1, nil, true, setmetatable({}, {__tostring = function() return "obj" end}))
		io.write("b", 2, "\n")
		io.stdout:write("c"):write("d\n")
		io.stderr:write("to stderr\n")
		assert(io.type(io.stdout) == "file")
		assert(io.output() == io.stdout)
		local ok, msg = io.stdout:close()
		assert(not ok and msg:find("standard"))
	`, Options{Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\t1\tnil\ttrue\tobj\nb2\ncd\n"; out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	if stderr.String() != "to stderr\n" {
		t.Fatalf("stderr %q", stderr.String())
	}
}

func TestIoOutputCanSwitchToAFile(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "placeholder", "")
	out, err := runCode(t, `
		local f = io.output(arg[1])
		io.write("into file\n")
		io.close()
		io.output(io.stdout)
		io.write("back\n")
		print(io.open(arg[1]):read("*a"))
	`, Options{Args: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	if out != "back\ninto file\n\n" {
		t.Fatalf("got %q", out)
	}
}

func TestSetupInstallsModules(t *testing.T) {
	setup := func(L *lua.LState) error {
		L.PreloadModule("greeting", func(L *lua.LState) int {
			L.Push(lua.LString("preloaded"))
			return 1
		})
		L.SetGlobal("answer", lua.LNumber(42))
		return nil
	}
	out, err := runCode(t, `print(require("greeting"), answer)`, Options{Setup: setup})
	if err != nil {
		t.Fatal(err)
	}
	if out != "preloaded\t42\n" {
		t.Fatalf("got %q", out)
	}

	failing := func(*lua.LState) error { return errors.New("no credentials") }
	_, err = runCode(t, `print("never")`, Options{Setup: failing})
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Fatalf("setup error not reported: %v", err)
	}
}

func TestOnlyTheStandardLibrariesAreOpen(t *testing.T) {
	out, err := runCode(t, `
		for _, name in ipairs({"string", "table", "math", "os", "io", "coroutine", "debug", "package"}) do
			assert(type(_G[name]) == "table", name)
		end
		print(type(channel))
	`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "nil\n" {
		t.Fatalf("channel library should not be open, got %q", out)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		code string
		want int
	}{
		{`os.exit()`, 0},
		{`os.exit(3)`, 3},
		{`os.exit(true)`, 0},
		{`os.exit(false)`, 1},
		// pcall must not swallow an exit: the run still ends with its code.
		{`pcall(os.exit, 4) print("still running") while true do end`, 4},
	}
	for _, c := range cases {
		out, err := runCode(t, c.code+"\nprint('after')", Options{})
		var ee *ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("%s: want *ExitError, got %T %v", c.code, err, err)
		}
		if ee.Code != c.want {
			t.Errorf("%s: code %d, want %d", c.code, ee.Code, c.want)
		}
		if strings.Contains(out, "after") {
			t.Errorf("%s: the script went on after os.exit: %q", c.code, out)
		}
	}
}

func TestEvalKeepsStateBetweenChunks(t *testing.T) {
	var out bytes.Buffer
	L, closeState, err := NewState(context.Background(), Options{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer closeState()
	if _, err := Eval(context.Background(), L, "=repl", "x = 20"); err != nil {
		t.Fatal(err)
	}
	res, err := Eval(context.Background(), L, "=repl", "return x + 1, 'two'")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0] != lua.LNumber(21) || res[1] != lua.LString("two") {
		t.Fatalf("results %v", res)
	}
	_, err = Eval(context.Background(), L, "=repl", "error('boom')")
	if se := scriptError(t, err); se.Error() != "repl:1: boom" {
		t.Fatalf("got %q", se.Error())
	}
	// The state survives an error.
	if _, err := Eval(context.Background(), L, "=repl", "print(x)"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "20\n" {
		t.Fatalf("got %q", out.String())
	}
}

func TestEvalSurvivesATimedOutChunk(t *testing.T) {
	var out bytes.Buffer
	L, closeState, err := NewState(context.Background(), Options{Stdout: &out, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer closeState()
	_, err = Eval(context.Background(), L, "=repl", "while true do end")
	if se := scriptError(t, err); !se.Timeout {
		t.Fatalf("got %+v", se)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Eval(ctx, L, "=repl", "while true do end")
	if se := scriptError(t, err); !se.Canceled {
		t.Fatalf("got %+v", se)
	}
	if _, err := Eval(context.Background(), L, "=repl", "print('alive')"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "alive\n" {
		t.Fatalf("got %q", out.String())
	}
}
