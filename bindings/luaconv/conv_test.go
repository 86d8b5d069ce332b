package luaconv

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// run executes a Lua chunk with a "decode" and "encode" global bound to this package.
func newState(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	L.SetGlobal("null", Null)
	L.SetGlobal("decode", L.NewFunction(func(L *lua.LState) int {
		v, err := DecodeJSONWith(L, []byte(L.CheckString(1)), DecodeOptions{PreserveNull: L.OptBool(2, false)})
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(v)
		return 1
	}))
	L.SetGlobal("encode", L.NewFunction(func(L *lua.LState) int {
		b, err := EncodeJSON(L.Get(1), false, true)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(lua.LString(b))
		return 1
	}))
	L.SetGlobal("mark_array", L.NewFunction(func(L *lua.LState) int {
		if err := MarkArray(L, L.CheckTable(1)); err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(L.Get(1))
		return 1
	}))
	return L
}

func TestDecodeNullRules(t *testing.T) {
	L := newState(t)
	err := L.DoString(`
		local v = decode('{"a":null,"list":[1,null,3],"n":{"x":null}}')
		assert(v.a == nil, "null member must be absent")
		assert(#v.list == 3, "array keeps its length")
		assert(v.list[2] == null, "null element is json.null")
		assert(next(v.n) == nil, "nested null member absent")
		local p = decode('{"a":null}', true)
		assert(p.a == null, "preserved null member")
		assert(decode('null') == nil, "top-level null is nil")
		local d = decode('{"a":1,"a":null}')
		assert(d.a == nil, "later null overrides earlier value")
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestDecodeEncodeRoundTripKeepsShapes(t *testing.T) {
	L := newState(t)
	in := `{"a":[],"b":{},"c":[null,{"d":"e\u2028\"\n"}],"f":1.5,"g":-0.000001,"h":1e+21,"i":true}`
	v, err := DecodeJSON(L, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeJSON(v, false, true)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("encoded output is not JSON: %s: %v", out, err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the value:\n in: %s\nout: %s", in, out)
	}
	if !strings.Contains(string(out), `"a":[]`) || !strings.Contains(string(out), `"b":{}`) {
		t.Fatalf("empty array/object not preserved: %s", out)
	}
}

func TestDecodeErrorsGivePosition(t *testing.T) {
	L := newState(t)
	cases := []struct{ in, want string }{
		{"{\n  \"a\": tru\n}", "line 2, column"},
		{`[1,2`, "unexpected end of JSON input at byte 4 (line 1, column 5)"},
		{``, "unexpected end of JSON input at byte 0"},
		{`{"a":1} x`, "at byte 8 (line 1, column 9)"},
		{`[1e400]`, "number 1e400 is out of range"},
		{`{1:2}`, "at byte 1"},
		{strings.Repeat("[", maxDepth+1), "nested too deeply"},
	}
	for _, c := range cases {
		_, err := DecodeJSON(L, []byte(c.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: want SyntaxError, got %v", c.in, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %q does not contain %q", c.in, err, c.want)
		}
	}
}

func TestEncodeErrorsNamePath(t *testing.T) {
	L := newState(t)
	cases := []struct{ src, want string }{
		{`return {tags={"a","b",print}}`, "value.tags[3]: cannot encode a function"},
		{`return {x=0/0}`, "value.x: cannot encode NaN"},
		{`return {["a b"]={1/0}}`, `value["a b"][1]: cannot encode +Inf`},
		{`return {1,2,nil,4}`, "value: sparse array: 3 elements but index 4 is set"},
		{`return {1, a=2}`, `value: table mixes array indices and string keys (index 1 and key "a")`},
		{`return {[1.5]=1}`, "value: key 1.5 is not an array index"},
		{`return {[true]=1}`, "value: key of type boolean cannot be encoded"},
		{`local t = {} t.self = {t} return t`, "value.self[1]: cycle"},
		{`return mark_array({a=1})`, `value: table marked as array has string key "a"`},
		{`return {u=newproxy and newproxy() or coroutine.create(print)}`, "value.u: cannot encode a"},
	}
	for _, c := range cases {
		if err := L.DoString(c.src); err != nil {
			t.Fatal(err)
		}
		v := L.Get(-1)
		L.Pop(1)
		_, err := EncodeJSON(v, false, true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
		_, ferr := FromLua(v)
		if ferr == nil {
			t.Errorf("%s: FromLua accepted what EncodeJSON refused", c.src)
		}
	}
}

func TestEncodeSharedTableIsNotACycle(t *testing.T) {
	L := newState(t)
	if err := L.DoString(`local s = {1} return {a=s, b=s}`); err != nil {
		t.Fatal(err)
	}
	out, err := EncodeJSON(L.Get(-1), false, true)
	if err != nil || string(out) != `{"a":[1],"b":[1]}` {
		t.Fatalf("got %s, %v", out, err)
	}
}

func TestEncodePrettyAndUnsorted(t *testing.T) {
	L := newState(t)
	if err := L.DoString(`return {b={1,2}, a={}}`); err != nil {
		t.Fatal(err)
	}
	out, err := EncodeJSON(L.Get(-1), true, true)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ]\n}"
	if string(out) != want {
		t.Fatalf("pretty output:\n%s\nwant:\n%s", out, want)
	}
	out, err = EncodeJSONWith(L.Get(-1), EncodeOptions{EmptyAsArray: true})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["a"].([]any); !ok {
		t.Fatalf("EmptyAsArray not honoured: %s", out)
	}
}

func TestFromLuaTypesAndHints(t *testing.T) {
	L := newState(t)
	if err := L.DoString(`return {n=3, f=2.5, s="x", b=false, list={"a", null}, e={}, big=2^70}`); err != nil {
		t.Fatal(err)
	}
	got, err := FromLua(L.Get(-1))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"n": int64(3), "f": 2.5, "s": "x", "b": false,
		"list": []any{"a", nil}, "e": map[string]any{}, "big": math.Pow(2, 70)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	if err := L.DoString(`return {}`); err != nil {
		t.Fatal(err)
	}
	arr, err := FromLua(L.Get(-1), EmptyAsArray())
	if err != nil || !reflect.DeepEqual(arr, []any{}) {
		t.Fatalf("EmptyAsArray: %#v %v", arr, err)
	}
	_, err = FromLua(L.NewFunction(func(*lua.LState) int { return 0 }), Root("opts.body"))
	if err == nil || err.Error() != "opts.body: cannot convert a function" {
		t.Fatalf("root name: %v", err)
	}
}

func TestToLua(t *testing.T) {
	L := newState(t)
	type item struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	L.SetGlobal("v", ToLua(L, map[string]any{
		"list":   []any{1.0, nil, "x"},
		"num":    json.Number("12"),
		"absent": nil,
		"ss":     []string{},
		"ms":     map[string]string{"k": "v"},
		"when":   when,
		"item":   item{Name: "alpine", Tags: []string{"3.19"}},
		"i64":    int64(-7),
		"ints":   []int{4, 5},
		"floats": []float64{},
		"whenp":  &when,
		"nowhen": (*time.Time)(nil),
	}))
	err := L.DoString(`
		assert(#v.list == 3 and v.list[2] == null and v.list[3] == "x")
		assert(v.num == 12)
		assert(v.absent == nil)
		assert(encode(v.ss) == "[]", "empty []string stays an array")
		assert(v.ms.k == "v")
		assert(v.when == "2026-01-02T02:04:05Z", v.when)
		assert(v.item.name == "alpine" and v.item.tags[1] == "3.19")
		assert(v.i64 == -7)
		assert(#v.ints == 2 and v.ints[1] == 4 and v.ints[2] == 5)
		assert(encode(v.floats) == "[]", "empty []float64 stays an array")
		assert(v.whenp == v.when and v.nowhen == nil)
	`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ToLuaE(L, make(chan int)); err == nil || !strings.Contains(err.Error(), "cannot convert chan int") {
		t.Fatalf("unmarshallable value: %v", err)
	}
}

func TestMarkArrayRefusesForeignMetatable(t *testing.T) {
	L := newState(t)
	err := L.DoString(`mark_array(setmetatable({}, {}))`)
	if err == nil || !strings.Contains(err.Error(), "already has a metatable") {
		t.Fatalf("got %v", err)
	}
	if err := L.DoString(`return mark_array(mark_array({}))`); err != nil {
		t.Fatalf("re-marking a marked table must work: %v", err)
	}
}
