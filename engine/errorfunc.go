package engine

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// installErrorFunc replaces error: gopher-lua counts error's level one
// frame short, so error(msg, 2) blamed the function that called error
// rather than its caller, and argument-checking helpers pointed at
// themselves instead of at the bad call.
func installErrorFunc(L *lua.LState) {
	L.SetGlobal("error", L.NewFunction(func(L *lua.LState) int {
		obj := L.Get(1)
		level := L.OptInt(2, 1)
		if msg, ok := obj.(lua.LString); ok && level > 0 {
			// Frame 0 is error itself, so frame level is the one Lua means.
			if dbg, ok := L.GetStack(level); ok {
				if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
					obj = lua.LString(fmt.Sprintf("%s:%d: %s", dbg.Source, dbg.CurrentLine, msg))
				}
			}
		}
		L.Error(obj, 0)
		return 0
	}))
}
