package luaconv

import (
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

var errForeignMetatable = errors.New("table already has a metatable")

// The Check* and Opt* functions validate the arguments of a Lua-callable Go
// function and raise an error naming the function and argument, e.g.
// "json.decode: argument #1 must be a string, got table". They must only be
// called from inside an LGFunction, where raising is how Lua reports errors.

// ArgError raises "fn: argument #n <message>".
func ArgError(L *lua.LState, fn string, n int, format string, args ...any) {
	L.RaiseError("%s", fmt.Sprintf("%s: argument #%d ", fn, n)+fmt.Sprintf(format, args...))
}

// OptionError raises `fn: option "name" <message>`.
func OptionError(L *lua.LState, fn, name string, format string, args ...any) {
	L.RaiseError("%s", fmt.Sprintf("%s: option %q ", fn, name)+fmt.Sprintf(format, args...))
}

// Raise raises "fn: <message>".
func Raise(L *lua.LState, fn string, format string, args ...any) {
	L.RaiseError("%s", fn+": "+fmt.Sprintf(format, args...))
}

// CheckString accepts a string, or a number converted as Lua's tostring does.
func CheckString(L *lua.LState, fn string, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	default:
		ArgError(L, fn, n, "must be a string, got %s", TypeName(v))
		return ""
	}
}

// OptString is CheckString with a default for a missing or nil argument.
func OptString(L *lua.LState, fn string, n int, def string) string {
	if L.Get(n) == lua.LNil {
		return def
	}
	return CheckString(L, fn, n)
}

// CheckTable requires a table.
func CheckTable(L *lua.LState, fn string, n int) *lua.LTable {
	v := L.Get(n)
	if tb, ok := v.(*lua.LTable); ok {
		return tb
	}
	ArgError(L, fn, n, "must be a table, got %s", TypeName(v))
	return nil
}

// OptTable returns nil for a missing or nil argument, else requires a table.
func OptTable(L *lua.LState, fn string, n int) *lua.LTable {
	if L.Get(n) == lua.LNil {
		return nil
	}
	return CheckTable(L, fn, n)
}

// CheckNumber requires a number; numeric strings are refused so that a
// mistaken argument order is reported instead of silently coerced.
func CheckNumber(L *lua.LState, fn string, n int) float64 {
	v := L.Get(n)
	if num, ok := v.(lua.LNumber); ok {
		return float64(num)
	}
	ArgError(L, fn, n, "must be a number, got %s", TypeName(v))
	return 0
}

// OptInt returns def for a missing or nil argument, else requires an integral number.
func OptInt(L *lua.LState, fn string, n int, def int) int {
	v := L.Get(n)
	if v == lua.LNil {
		return def
	}
	num, ok := v.(lua.LNumber)
	if !ok {
		ArgError(L, fn, n, "must be an integer, got %s", TypeName(v))
	}
	if float64(num) != float64(int(num)) {
		ArgError(L, fn, n, "must be an integer, got %s", num.String())
	}
	return int(num)
}

// OptBool reads the boolean field name of opts (nil opts or absent field gives def).
func OptBool(L *lua.LState, fn string, opts *lua.LTable, name string, def bool) bool {
	if opts == nil {
		return def
	}
	switch v := opts.RawGetString(name).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		OptionError(L, fn, name, "must be a boolean, got %s", TypeName(v))
		return def
	}
}

// OptStringField reads the string field name of opts.
func OptStringField(L *lua.LState, fn string, opts *lua.LTable, name string, def string) string {
	if opts == nil {
		return def
	}
	switch v := opts.RawGetString(name).(type) {
	case *lua.LNilType:
		return def
	case lua.LString:
		return string(v)
	default:
		OptionError(L, fn, name, "must be a string, got %s", TypeName(v))
		return def
	}
}
