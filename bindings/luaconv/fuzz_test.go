package luaconv

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// FuzzDecodeJSON checks that any JSON encoding/json accepts decodes to Lua
// and encodes back to the same value, and that bad input never panics.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`null`, `[]`, `{}`, `[null,null]`, `{"a":null}`, `{"tags":null,"x":[1,2.5,-3e-7]}`,
		`"\u2028\ud800"`, `{"a":{"b":[{},[]]}}`, `[1e21, 123456789012345678]`, "\"\xff\"",
		`{"1":"one","2":"two"}`, `{"a":1,"a":2}`, `[`, `{"a"`, `-0`, `1.5e300`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		v, err := DecodeJSONWith(L, data, DecodeOptions{PreserveNull: true})
		var want any
		stdErr := json.Unmarshal(data, &want)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is not a SyntaxError: %v", err)
			}
			if se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside input of %d bytes", se.Offset, len(data))
			}
			if stdErr == nil && se.Msg != "nested too deeply" {
				t.Fatalf("rejected valid JSON %q: %v", data, err)
			}
			return
		}
		if stdErr != nil {
			t.Fatalf("accepted invalid JSON %q (encoding/json: %v)", data, stdErr)
		}
		out, err := EncodeJSON(v, false, true)
		if err != nil {
			t.Fatalf("cannot encode decoded %q: %v", data, err)
		}
		var got any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("encoded output %q is not JSON: %v", out, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed value:\n in: %q\nout: %q", data, out)
		}
	})
}

// FuzzFromLua builds arbitrary table graphs (sparse, mixed, cyclic, marked)
// and checks that FromLua and EncodeJSON agree on what is valid and on the
// value, and that neither panics.
func FuzzFromLua(f *testing.F) {
	for _, s := range []string{"", "\x01\x01\x01\x02", "\x00\x00\x04\x00", "\x02\x01\x01\x01", "\x01\x05", "\x00\x01\x07\x00\x06\x00", "\x05\x03\x05\x04"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, prog []byte) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		root := build(L, prog)
		goVal, ferr := FromLua(root)
		out, eerr := EncodeJSON(root, false, true)
		if (ferr == nil) != (eerr == nil) {
			t.Fatalf("FromLua error %v but EncodeJSON error %v", ferr, eerr)
		}
		if ferr != nil {
			var pe *PathError
			if !errors.As(ferr, &pe) || !errors.As(eerr, &pe) {
				t.Fatalf("errors must be PathErrors: %v / %v", ferr, eerr)
			}
			return
		}
		viaGo, err := json.Marshal(goVal)
		if err != nil {
			t.Fatalf("FromLua produced unmarshallable %#v: %v", goVal, err)
		}
		var a, b any
		if err := json.Unmarshal(viaGo, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("EncodeJSON output %q is not JSON: %v", out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("FromLua %s != EncodeJSON %s", viaGo, out)
		}
	})
}

// build interprets prog as pairs of (operation, argument) bytes that grow a
// graph of tables starting from one root.
func build(L *lua.LState, prog []byte) lua.LValue {
	tables := []*lua.LTable{L.NewTable()}
	cur := tables[0]
	key := func(a byte) lua.LValue {
		switch a % 3 {
		case 0:
			return lua.LNumber(a%5 + 1)
		case 1:
			return lua.LString([]string{"a", "b", "c d", "1"}[a%4])
		default:
			return lua.LNumber(a%7) - 1
		}
	}
	for i := 0; i+1 < len(prog); i += 2 {
		op, a := prog[i], prog[i+1]
		switch op % 8 {
		case 0:
			t := L.NewTable()
			cur.RawSet(key(a), t)
			tables = append(tables, t)
			cur = t
		case 1:
			cur.RawSet(key(a), lua.LNumber(float64(a)/4))
		case 2:
			cur.RawSet(key(a), lua.LString([]string{"x", "\xff", "\u2028", ""}[a%4]))
		case 3:
			cur.RawSet(lua.LNumber(float64(a)/3), lua.LTrue)
		case 4:
			cur.RawSet(key(a), tables[int(a)%len(tables)])
		case 5:
			vals := []lua.LValue{lua.LNumber(math.NaN()), lua.LNumber(math.Inf(1)), Null, L.NewFunction(func(*lua.LState) int { return 0 }), lua.LFalse}
			cur.RawSet(key(a), vals[int(a)%len(vals)])
		case 6:
			cur = tables[int(a)%len(tables)]
		case 7:
			switch a % 3 {
			case 0:
				_ = MarkArray(L, cur)
			case 1:
				_ = MarkObject(L, cur)
			default:
				cur.Metatable = lua.LNil
			}
		}
	}
	return tables[0]
}
