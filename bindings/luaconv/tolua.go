package luaconv

import (
	"encoding/json"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// ToLua converts a Go value to Lua. It handles what encoding/json produces
// when decoding into any, common scalar, slice and map types, and time.Time
// (as an RFC 3339 UTC string); anything else goes through a JSON round trip.
// A value that cannot be marshalled raises a Lua error, so ToLua must be
// called from inside a function that Lua called; use ToLuaE elsewhere.
func ToLua(L *lua.LState, v any) lua.LValue {
	lv, err := ToLuaE(L, v)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	return lv
}

// ToLuaE is ToLua returning the error instead of raising it.
func ToLuaE(L *lua.LState, v any) (lua.LValue, error) {
	switch x := v.(type) {
	case nil:
		return lua.LNil, nil
	case lua.LValue:
		return x, nil
	case string:
		return lua.LString(x), nil
	case bool:
		return lua.LBool(x), nil
	case float64:
		return lua.LNumber(x), nil
	case float32:
		return lua.LNumber(x), nil
	case int:
		return lua.LNumber(x), nil
	case int8:
		return lua.LNumber(x), nil
	case int16:
		return lua.LNumber(x), nil
	case int32:
		return lua.LNumber(x), nil
	case int64:
		return lua.LNumber(x), nil
	case uint:
		return lua.LNumber(x), nil
	case uint8:
		return lua.LNumber(x), nil
	case uint16:
		return lua.LNumber(x), nil
	case uint32:
		return lua.LNumber(x), nil
	case uint64:
		return lua.LNumber(x), nil
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return lua.LNumber(f), nil
		}
		return lua.LString(x), nil
	case []byte:
		return lua.LString(x), nil
	case json.RawMessage:
		return DecodeJSON(L, x)
	case time.Time:
		return lua.LString(x.UTC().Format(time.RFC3339Nano)), nil
	case *time.Time:
		if x == nil {
			return lua.LNil, nil
		}
		return ToLuaE(L, *x)
	case []any:
		tb := L.CreateTable(len(x), 0)
		for _, e := range x {
			lv, err := ToLuaE(L, e)
			if err != nil {
				return nil, err
			}
			if lv == lua.LNil {
				lv = Null
			}
			tb.Append(lv)
		}
		markEmpty(L, tb, len(x))
		return tb, nil
	case []string:
		return list(L, x, func(e string) lua.LValue { return lua.LString(e) }), nil
	case []int:
		return list(L, x, func(e int) lua.LValue { return lua.LNumber(e) }), nil
	case []float64:
		return list(L, x, func(e float64) lua.LValue { return lua.LNumber(e) }), nil
	case map[string]any:
		tb := L.CreateTable(0, len(x))
		for k, e := range x {
			lv, err := ToLuaE(L, e)
			if err != nil {
				return nil, err
			}
			tb.RawSetString(k, lv) // nil leaves the key absent, as for JSON null
		}
		return tb, nil
	case map[string]string:
		tb := L.CreateTable(0, len(x))
		for k, e := range x {
			tb.RawSetString(k, lua.LString(e))
		}
		return tb, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot convert %T to Lua: %w", v, err)
	}
	return DecodeJSON(L, data)
}

// list converts a slice whose elements cannot fail to convert.
func list[E any](L *lua.LState, xs []E, elem func(E) lua.LValue) *lua.LTable {
	tb := L.CreateTable(len(xs), 0)
	for _, e := range xs {
		tb.Append(elem(e))
	}
	markEmpty(L, tb, len(xs))
	return tb
}

func markEmpty(L *lua.LState, tb *lua.LTable, n int) {
	if n == 0 {
		tb.Metatable = markerMeta(L, KindArray)
	}
}
