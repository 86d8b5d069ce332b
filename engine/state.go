package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// session is what the engine keeps about one Lua state. It is found from
// any thread of the state through the state's shared globals, so coroutines
// and Go functions see the same run.
type session struct {
	opts           Options
	stdout, stderr io.Writer
	// traceback is debug.traceback as opened, kept so that a script that
	// replaces it cannot spoil error reports.
	traceback lua.LValue

	mu        sync.Mutex
	cancelRun context.CancelCauseFunc // the active run's cancel, nil when idle
	exitCode  *int
	sandbox   *sandboxRoot // nil without a sandbox
}

var sessions sync.Map // *lua.Global → *session

func sessionOf(L *lua.LState) *session {
	if v, ok := sessions.Load(L.G); ok {
		return v.(*session)
	}
	return nil
}

// requestExit records the script's exit code and stops the active run, so a
// pcall around os.exit cannot keep the script going.
func (s *session) requestExit(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exitCode == nil {
		s.exitCode = &code
	}
	if s.cancelRun != nil {
		s.cancelRun(&exitCause{code: code})
	}
}

func (s *session) takeExit() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exitCode == nil {
		return 0, false
	}
	return *s.exitCode, true
}

func (s *session) setCancel(c context.CancelCauseFunc) {
	s.mu.Lock()
	s.cancelRun = c
	s.mu.Unlock()
}

var standardLibs = []struct {
	name string
	open lua.LGFunction
}{
	{lua.LoadLibName, lua.OpenPackage},
	{lua.BaseLibName, lua.OpenBase},
	{lua.TabLibName, lua.OpenTable},
	{lua.StringLibName, lua.OpenString},
	{lua.MathLibName, lua.OpenMath},
	{lua.OsLibName, lua.OpenOs},
	{lua.IoLibName, lua.OpenIo},
	{lua.CoroutineLibName, lua.OpenCoroutine},
	{lua.DebugLibName, lua.OpenDebug},
}

// NewState returns a state with the standard libraries, output, os.exit,
// sandbox and the Setup hook applied, bound to ctx. Use Eval to run chunks
// in it; the returned function closes it.
func NewState(ctx context.Context, opts Options) (*lua.LState, func(), error) {
	return newState(ctx, opts, "", "")
}

// newState builds the state; script names arg[0] and dir is searched first
// by require (both may be empty).
func newState(ctx context.Context, opts Options, script, dir string) (L *lua.LState, closeFn func(), err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	stack := opts.CallStackSize
	if stack <= 0 {
		stack = DefaultCallStackSize
	}
	L = lua.NewState(lua.Options{
		SkipOpenLibs:  true,
		CallStackSize: stack,
		// The fixed call stack (about 80 bytes a frame) is used because the
		// growing one lets overflow escape its own check as a Go panic.
		RegistrySize: 1024 * 16,
		// Registers grow with call depth; leave room for the call stack to
		// overflow first so runaway recursion reads as "stack overflow".
		RegistryMaxSize: stack * 64,
	})
	s := &session{opts: opts, stdout: opts.Stdout, stderr: opts.Stderr}
	if s.stdout == nil {
		s.stdout = os.Stdout
	}
	if s.stderr == nil {
		s.stderr = os.Stderr
	}
	sessions.Store(L.G, s)
	state := L
	closeState := func() {
		sessions.Delete(state.G)
		state.Close()
	}
	defer func() {
		if r := recover(); r != nil {
			err = &ScriptError{Message: fmt.Sprintf("setting up the Lua state failed: %v", r)}
		}
		if err != nil {
			closeState()
			L, closeFn = nil, nil
		}
	}()

	for _, lib := range standardLibs {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		s.traceback = dbg.RawGetString("traceback")
	}
	setPackagePath(L, dir)
	setArgs(L, script, opts.Args)
	// The sandbox goes first so that io.output(name) opens through the
	// sandboxed io.open.
	if opts.Sandbox != nil {
		if err := installSandbox(L, opts.Sandbox); err != nil {
			return nil, nil, err
		}
	}
	installOutput(L, s)
	installExit(L)
	installErrorFunc(L)
	L.SetContext(ctx)
	if opts.Setup != nil {
		if err := opts.Setup(L); err != nil {
			return nil, nil, fmt.Errorf("setting up modules: %w", err)
		}
	}
	return L, closeState, nil
}

func setPackagePath(L *lua.LState, dir string) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok || dir == "" {
		return
	}
	first := filepath.Join(dir, "?.lua") + ";" + filepath.Join(dir, "?", "init.lua")
	if rest := lua.LVAsString(pkg.RawGetString("path")); rest != "" {
		first += ";" + rest
	}
	pkg.RawSetString("path", lua.LString(first))
}

func setArgs(L *lua.LState, script string, args []string) {
	t := L.CreateTable(len(args), 1)
	if script != "" {
		t.RawSetInt(0, lua.LString(script))
	}
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	L.SetGlobal("arg", t)
}

// chunkName turns a Lua-style chunk name ("=stdin", "@file.lua") into the
// name shown in messages.
func chunkName(name string) string {
	if strings.HasPrefix(name, "=") || strings.HasPrefix(name, "@") {
		return name[1:]
	}
	return name
}
