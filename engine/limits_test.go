package engine

import (
	"context"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func TestTimeoutStopsEndlessLoop(t *testing.T) {
	start := time.Now()
	_, err := runCode(t, "local n = 0\nwhile true do n = n + 1 end\n", Options{Timeout: 200 * time.Millisecond})
	elapsed := time.Since(start)
	se := scriptError(t, err)
	if !se.Timeout || se.Canceled || se.Message != "timeout after 200ms" {
		t.Fatalf("got %+v", se)
	}
	if se.Line != 2 {
		t.Errorf("interrupted at line %d, want 2", se.Line)
	}
	if elapsed > 200*time.Millisecond+time.Second {
		t.Fatalf("took %v to stop", elapsed)
	}
}

func TestTimeoutCannotBeSwallowedByPcall(t *testing.T) {
	start := time.Now()
	_, err := runCode(t, `
		while true do
			pcall(function() while true do end end)
		end`, Options{Timeout: 100 * time.Millisecond})
	se := scriptError(t, err)
	if !se.Timeout {
		t.Fatalf("got %+v", se)
	}
	if time.Since(start) > 1100*time.Millisecond {
		t.Fatalf("took %v", time.Since(start))
	}
}

func TestCancelStopsEndlessLoop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	setup := func(L *lua.LState) error {
		L.SetGlobal("ready", L.NewFunction(func(*lua.LState) int { close(started); return 0 }))
		return nil
	}
	done := make(chan error, 1)
	go func() {
		done <- RunString(ctx, "loop.lua", "ready()\nwhile true do end", Options{Setup: setup})
	}()
	<-started
	cancelled := time.Now()
	cancel()
	select {
	case err := <-done:
		se := scriptError(t, err)
		if !se.Canceled || se.Timeout || se.Message != "canceled" {
			t.Fatalf("got %+v", se)
		}
		if d := time.Since(cancelled); d > time.Second {
			t.Fatalf("stopped %v after cancel", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the run did not stop after cancel")
	}
}

func TestBindingsSeeTheRunContext(t *testing.T) {
	var seen context.Context
	setup := func(L *lua.LState) error {
		L.SetGlobal("wait", L.NewFunction(func(L *lua.LState) int {
			seen = L.Context()
			<-L.Context().Done()
			L.RaiseError("wait interrupted: %v", L.Context().Err())
			return 0
		}))
		return nil
	}
	start := time.Now()
	_, err := runCode(t, "wait()", Options{Setup: setup, Timeout: 100 * time.Millisecond})
	se := scriptError(t, err)
	if !se.Timeout || seen == nil {
		t.Fatalf("got %+v", se)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

func TestMemoryLimitStopsUnboundedGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a few hundred MiB")
	}
	const limit = 64 << 20
	start := time.Now()
	_, err := runCode(t, `
		local t = {}
		local i = 0
		while true do
			i = i + 1
			t[i] = { i, tostring(i) .. "padding to make each entry larger" }
		end`, Options{MemoryLimit: limit, Timeout: 30 * time.Second})
	se := scriptError(t, err)
	if !se.MemoryExceeded || se.Timeout || se.Message != "memory limit of 64 MiB exceeded" {
		t.Fatalf("got %+v", se)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to notice", d)
	}
}

func TestMemoryLimitLeavesModestScriptsAlone(t *testing.T) {
	out, err := runCode(t, `
		local total = 0
		for round = 1, 20 do
			local t = {}
			for i = 1, 20000 do t[i] = tostring(i) end
			total = total + #t
		end
		print(total)`, Options{MemoryLimit: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if out != "400000\n" {
		t.Fatalf("got %q", out)
	}
}

func TestDeepRecursionIsALuaError(t *testing.T) {
	cases := []struct {
		code  string
		depth int
	}{
		{"local function f() return 1 + f() end\nf()", 0},
		// Recursion through Go functions also grows the Go stack; a smaller
		// limit keeps the test quick, the default is exercised above.
		{"local function f() return tostring(setmetatable({}, {__tostring = f})) end\nf()", 2000},
		{"local t = setmetatable({}, {__index = function(t, k) return t[k] end})\nlocal _ = t.a", 2000},
		{"local function f() local ok, e = pcall(f) error(e, 0) end\nf()", 500},
	}
	for _, c := range cases {
		_, err := runCode(t, c.code, Options{CallStackSize: c.depth})
		se := scriptError(t, err)
		if se.Message != "stack overflow" || se.Line != 1 {
			t.Errorf("%s\ngot %q at line %d", c.code, se.Message, se.Line)
		}
	}
}

func TestRecursionWithinTheLimitWorks(t *testing.T) {
	out, err := runCode(t, "local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end\nprint(sum(5000))", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "12502500\n" {
		t.Fatalf("got %q", out)
	}
}
