package luaharbor

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaopts"
)

// OptionsArg decodes the options table at stack index n into dst (see
// luaopts.Decode); nil or absent leaves dst's defaults. A bad option is a
// ValueError naming fn.
func OptionsArg(L *lua.LState, fn string, n int, dst any) {
	switch t := L.Get(n).(type) {
	case *lua.LNilType:
	case *lua.LTable:
		if err := luaopts.Decode(fn, t, dst); err != nil {
			Raise(L, err)
		}
	default:
		ValueError(L, "%s: argument #%d must be a table of options, got %s", fn, n, luaconv.TypeName(t))
	}
}
