package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	lua "github.com/yuin/gopher-lua"
)

// RunFile runs the script at path in a fresh state. arg[0] is path, and
// require looks beside the script first.
func RunFile(ctx context.Context, path string, opts Options) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading script: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("locating script directory: %w", err)
	}
	return runSource(ctx, path, path, dir, src, opts)
}

// RunString runs code as a chunk called name in a fresh state; name is also
// arg[0] (for example "-" or "=(command line)").
func RunString(ctx context.Context, name, code string, opts Options) error {
	return runSource(ctx, name, chunkName(name), "", []byte(code), opts)
}

func runSource(ctx context.Context, script, chunk, dir string, src []byte, opts Options) (err error) {
	L, closeState, err := newState(ctx, opts, script, dir)
	if err != nil {
		return err
	}
	defer closeState()
	defer func() {
		if r := recover(); r != nil {
			err = &ScriptError{File: chunk, Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	fn, serr := compile(L, chunk, src)
	if serr != nil {
		return serr
	}
	args := make([]lua.LValue, len(opts.Args))
	for i, a := range opts.Args {
		args[i] = lua.LString(a)
	}
	_, err = execute(L, fn, args)
	return err
}

// Eval compiles code as a chunk called name and runs it in a state made by
// NewState, returning the chunk's results. Timeout and MemoryLimit apply to
// this one call; ctx cancels it.
func Eval(ctx context.Context, L *lua.LState, name, code string) (results []lua.LValue, err error) {
	s := sessionOf(L)
	if s == nil {
		return nil, errors.New("engine: Eval needs a state made by NewState")
	}
	defer func() {
		if r := recover(); r != nil {
			err = &ScriptError{File: chunkName(name), Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	fn, serr := compile(L, chunkName(name), []byte(code))
	if serr != nil {
		return nil, serr
	}
	prev := L.Context()
	if ctx != nil {
		L.SetContext(ctx)
	}
	defer func() {
		if prev != nil {
			L.SetContext(prev)
		}
	}()
	return execute(L, fn, nil)
}

// errorSite is what the message handler learns about an error while the
// erroring frames are still on the stack.
type errorSite struct {
	file      string
	line      int
	traceback string
}

// execute calls fn under the state's context narrowed by the session's
// timeout and memory limit, and converts the outcome.
func execute(L *lua.LState, fn *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	s := sessionOf(L)
	parent := L.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	runCtx := ctx
	if s.opts.Timeout > 0 {
		var cancelTimeout context.CancelFunc
		runCtx, cancelTimeout = context.WithTimeoutCause(ctx, s.opts.Timeout, &timeoutCause{after: s.opts.Timeout.String()})
		defer cancelTimeout()
	}
	s.setCancel(cancel)
	defer s.setCancel(nil)
	L.SetContext(runCtx)
	defer L.SetContext(parent)

	if s.opts.MemoryLimit > 0 {
		stop := watchMemory(s.opts.MemoryLimit, cancel)
		defer stop()
	}

	var site errorSite
	top := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	perr := L.PCall(len(args), lua.MultRet, L.NewFunction(s.messageHandler(&site)))
	if code, ok := s.takeExit(); ok {
		L.SetTop(top)
		return nil, &ExitError{Code: code}
	}
	if perr == nil {
		n := L.GetTop() - top
		results := make([]lua.LValue, n)
		for i := range results {
			results[i] = L.Get(top + 1 + i)
		}
		L.SetTop(top)
		return results, nil
	}
	L.SetTop(top)
	if runCtx.Err() != nil {
		return nil, interruption(runCtx, &site)
	}
	return nil, s.scriptError(L, perr, &site)
}

// interruption describes a run stopped by its context.
func interruption(ctx context.Context, site *errorSite) *ScriptError {
	e := &ScriptError{File: site.file, Line: site.line, Traceback: site.traceback}
	cause := context.Cause(ctx)
	var tc *timeoutCause
	var mc *memoryCause
	switch {
	case errors.As(cause, &tc):
		e.Timeout = true
		e.Message = tc.Error()
	case errors.As(cause, &mc):
		e.MemoryExceeded = true
		e.Message = mc.Error()
	case errors.Is(cause, context.DeadlineExceeded):
		e.Timeout = true
		e.Message = "deadline exceeded"
	case errors.Is(cause, context.Canceled) || cause == nil:
		e.Canceled = true
		e.Message = "canceled"
	default:
		e.Canceled = true
		e.Message = "canceled: " + cause.Error()
	}
	return e
}

// scriptError turns a Lua error into a ScriptError. The message's own
// file:line wins over the frame position, since error(msg, 2) deliberately
// blames the caller.
func (s *session) scriptError(L *lua.LState, err error, site *errorSite) *ScriptError {
	e := &ScriptError{File: site.file, Line: site.line, Traceback: site.traceback}
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) {
		e.Message = err.Error()
		return e
	}
	switch v := apiErr.Object.(type) {
	case lua.LString:
		e.Message = string(v)
		if file, line, rest, ok := splitPosition(e.Message); ok {
			e.File, e.Line, e.Message = file, line, rest
		}
	case *lua.LTable, *lua.LUserData:
		e.Value = v
		e.Message = safeToString(L, v)
	case nil:
		e.Message = err.Error()
	default:
		e.Message = safeToString(L, v)
	}
	if e.Traceback == "" {
		e.Traceback = apiErr.StackTrace
	}
	return e
}

// safeToString applies tostring (with __tostring) without letting a
// failing metamethod escape.
func safeToString(L *lua.LState, v lua.LValue) string {
	err := L.CallByParam(lua.P{
		Fn: L.NewFunction(func(L *lua.LState) int {
			L.Push(L.ToStringMeta(L.Get(1)))
			return 1
		}),
		NRet:    1,
		Protect: true,
	}, v)
	if err != nil {
		return fmt.Sprintf("%s (its __tostring failed: %v)", v.Type(), err)
	}
	out := L.Get(-1)
	L.Pop(1)
	return lua.LVAsString(out)
}

// messageHandler runs while the erroring frames are still on the stack, so
// the position and traceback are those of the error, not of the caller.
func (s *session) messageHandler(site *errorSite) lua.LGFunction {
	return func(L *lua.LState) int {
		v := L.Get(1)
		for level := 1; ; level++ {
			dbg, ok := L.GetStack(level)
			if !ok {
				break
			}
			if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
				continue
			}
			if dbg.What != "G" && dbg.CurrentLine > 0 {
				site.file, site.line = dbg.Source, dbg.CurrentLine
				break
			}
		}
		if s.traceback != nil {
			// Level 2 leaves out debug.traceback and this handler.
			if err := L.CallByParam(lua.P{Fn: s.traceback, NRet: 1, Protect: true}, lua.LNil, lua.LNumber(2)); err == nil {
				site.traceback = lua.LVAsString(L.Get(-1))
				L.Pop(1)
			}
		}
		L.Push(v)
		return 1
	}
}
