// Package luajson is the Lua "json" module: encode and decode JSON with explicit null and array markers.
// It follows the conversion rules of package luaconv so scripts see API results and their own JSON alike.
package luajson

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Preload makes require("json") available in L.
func Preload(L *lua.LState) { L.PreloadModule("json", Loader) }

// Loader builds the module table.
func Loader(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"encode": encode,
		"decode": decode,
		"array":  func(L *lua.LState) int { return markAs(L, "json.array", luaconv.MarkArray) },
		"object": func(L *lua.LState) int { return markAs(L, "json.object", luaconv.MarkObject) },
	})
	mod.RawSetString("null", luaconv.Null)
	L.Push(mod)
	return 1
}

// encode implements json.encode(v[, {pretty, sort_keys, indent, empty_as_array}]).
func encode(L *lua.LState) int {
	const fn = "json.encode"
	if L.GetTop() < 1 {
		luaconv.ArgError(L, fn, 1, "is missing")
	}
	opts := luaconv.OptTable(L, fn, 2)
	o := luaconv.EncodeOptions{
		SortKeys:     luaconv.OptBool(L, fn, opts, "sort_keys", true),
		EmptyAsArray: luaconv.OptBool(L, fn, opts, "empty_as_array", false),
		Indent:       luaconv.OptStringField(L, fn, opts, "indent", ""),
	}
	if luaconv.OptBool(L, fn, opts, "pretty", false) && o.Indent == "" {
		o.Indent = "  "
	}
	out, err := luaconv.EncodeJSONWith(L.Get(1), o)
	if err != nil {
		luaconv.Raise(L, fn, "%s", err.Error())
	}
	L.Push(lua.LString(out))
	return 1
}

// decode implements json.decode(s[, {preserve_null}]).
func decode(L *lua.LState) int {
	const fn = "json.decode"
	v := L.Get(1)
	s, ok := v.(lua.LString)
	if !ok {
		luaconv.ArgError(L, fn, 1, "must be a string, got %s", luaconv.TypeName(v))
	}
	opts := luaconv.OptTable(L, fn, 2)
	o := luaconv.DecodeOptions{PreserveNull: luaconv.OptBool(L, fn, opts, "preserve_null", false)}
	out, err := luaconv.DecodeJSONWith(L, []byte(s), o)
	if err != nil {
		luaconv.Raise(L, fn, "%s", err.Error())
	}
	L.Push(out)
	return 1
}

// markAs implements json.array(t) and json.object(t): with no argument they
// return a new empty marked table.
func markAs(L *lua.LState, fn string, mark func(*lua.LState, *lua.LTable) error) int {
	var tb *lua.LTable
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		tb = L.NewTable()
	} else {
		tb = luaconv.CheckTable(L, fn, 1)
	}
	if err := mark(L, tb); err != nil {
		luaconv.ArgError(L, fn, 1, "already has a metatable; cannot mark it")
	}
	L.Push(tb)
	return 1
}
