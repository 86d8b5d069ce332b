package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// wrapIterators makes pairs and next build a lazy table's members (see
// luaconv.LazyField) before they walk its raw content, so that a report's
// vulnerabilities appear in a loop over the report as if they had been
// built with it. The originals keep doing the work, with their own
// upvalues (pairs carries its step function in one).
func wrapIterators(L *lua.LState) {
	for _, name := range []string{"pairs", "next"} {
		orig, ok := L.GetGlobal(name).(*lua.LFunction)
		if !ok || !orig.IsG {
			continue
		}
		ups := make([]lua.LValue, len(orig.Upvalues))
		for i, u := range orig.Upvalues {
			ups[i] = u.Value()
		}
		fn := orig.GFunction
		L.SetGlobal(name, L.NewClosure(func(L *lua.LState) int {
			luaconv.Materialize(L.Get(1))
			return fn(L)
		}, ups...))
	}
}
