package luaconv

import lua "github.com/yuin/gopher-lua"

type nullValue struct{}

// Null is the Lua value standing for JSON null where nil cannot be stored
// (array elements, or object members when nulls are preserved). It is one
// immutable userdata without a metatable, so sharing it between states is
// safe: nothing in Lua can modify it, and equality is identity.
var Null lua.LValue = &lua.LUserData{Value: nullValue{}}

// IsNull reports whether v is Null.
func IsNull(v lua.LValue) bool { return v == Null }

// markerField is the metatable field that json.array and json.object set; it
// is read without a state, so FromLua and EncodeJSON need no *lua.LState.
const markerField = "__jsontype"

// Kinds a table is marked with by MarkArray and MarkObject.
const (
	KindArray  = "array"
	KindObject = "object"
)

func markerMeta(L *lua.LState, kind string) *lua.LTable {
	key := "luaconv." + kind
	if mt, ok := L.G.Registry.RawGetString(key).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString(markerField, lua.LString(kind))
	mt.RawSetString("__name", lua.LString("json."+kind))
	L.G.Registry.RawSetString(key, mt)
	return mt
}

// MarkArray gives tb the array marker so that it encodes as a JSON array even
// when empty. It fails if tb already carries a foreign metatable, because
// replacing it would silently break the script's own behaviour for that table.
func MarkArray(L *lua.LState, tb *lua.LTable) error { return mark(L, tb, KindArray) }

// MarkObject gives tb the object marker so that integer keys become member
// names and an empty table encodes as {}.
func MarkObject(L *lua.LState, tb *lua.LTable) error { return mark(L, tb, KindObject) }

func mark(L *lua.LState, tb *lua.LTable, kind string) error {
	if mt, ok := tb.Metatable.(*lua.LTable); ok {
		if _, marked := mt.RawGetString(markerField).(lua.LString); !marked {
			return errForeignMetatable
		}
	}
	tb.Metatable = markerMeta(L, kind)
	return nil
}

// marker returns "array", "object" or "" for tb.
func marker(tb *lua.LTable) string {
	mt, ok := tb.Metatable.(*lua.LTable)
	if !ok {
		return ""
	}
	s, _ := mt.RawGetString(markerField).(lua.LString)
	return string(s)
}

// TypeName names v's type as a script author knows it, so error messages say
// "json.null" rather than "userdata" for Null.
func TypeName(v lua.LValue) string {
	if v == Null {
		return "json.null"
	}
	return v.Type().String()
}
