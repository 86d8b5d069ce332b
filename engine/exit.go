package engine

import (
	lua "github.com/yuin/gopher-lua"
)

// installExit replaces os.exit, which in gopher-lua ends the whole process,
// with one that ends only the run and reports the code as an ExitError.
func installExit(L *lua.LState) {
	oslib, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		return
	}
	oslib.RawSetString("exit", L.NewFunction(func(L *lua.LState) int {
		code := 0
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
		case lua.LBool:
			if !v {
				code = 1
			}
		case lua.LNumber:
			code = int(v)
		default:
			L.ArgError(1, "number or boolean expected, got "+v.Type().String())
		}
		if s := sessionOf(L); s != nil {
			s.requestExit(code)
		}
		L.RaiseError("os.exit(%d)", code)
		return 0
	}))
}
