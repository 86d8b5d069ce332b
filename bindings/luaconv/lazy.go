package luaconv

import lua "github.com/yuin/gopher-lua"

// LazyField is the metatable field of a lazy table: a table some of whose
// members are built from Go values only when first read, because building
// them for every result of a bulk call would cost more than most scripts
// ever look at. The field holds an *lua.LUserData whose Value is a
// Materializer. Everything that walks a table's raw content (pairs, next,
// json.encode, FromLua) calls Materialize first, so to a script the table
// looks as if its members had always been there.
const LazyField = "__lazy"

// Materializer builds the missing members of a lazy table into it with
// RawSet, and removes the lazy metatable when nothing is left to build.
type Materializer interface {
	Materialize(t *lua.LTable)
}

// Materialize builds the missing members of v when v is a lazy table; for
// anything else it does nothing.
func Materialize(v lua.LValue) {
	tb, ok := v.(*lua.LTable)
	if !ok {
		return
	}
	mt, ok := tb.Metatable.(*lua.LTable)
	if !ok {
		return
	}
	ud, ok := mt.RawGetString(LazyField).(*lua.LUserData)
	if !ok {
		return
	}
	if m, ok := ud.Value.(Materializer); ok {
		m.Materialize(tb)
	}
}
