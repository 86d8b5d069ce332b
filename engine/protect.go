package engine

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Protect wraps a Go function for Lua so that a Go panic inside it becomes
// a Lua error the script can catch, instead of unwinding through the VM.
// Lua errors raised by the function (L.RaiseError, L.ArgError, ...) pass
// through unchanged.
func Protect(fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) (n int) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if _, isLua := r.(*lua.ApiError); isLua {
				panic(r)
			}
			L.RaiseError("internal error: %v", fmt.Sprint(r))
		}()
		return fn(L)
	}
}
