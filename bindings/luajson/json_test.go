package luajson

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func run(t *testing.T, src string) error {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	return L.DoString(`local json = require("json")` + "\n" + src)
}

func TestJSONModule(t *testing.T) {
	err := run(t, `
		local s = json.encode({name="alpine", tags={"3.19","latest"}, labels=json.array({}), meta=json.object({})})
		assert(s == '{"labels":[],"meta":{},"name":"alpine","tags":["3.19","latest"]}', s)
		local p = json.encode({b=1, a={2}}, {pretty=true})
		assert(p == '{\n  "a": [\n    2\n  ],\n  "b": 1\n}', p)
		local p4 = json.encode({a=1}, {indent="    "})
		assert(p4 == '{\n    "a": 1\n}', p4)
		assert(json.encode({}, {empty_as_array=true}) == "[]")
		assert(json.encode(json.object({"x","y"})) == '{"1":"x","2":"y"}')
		assert(json.encode(nil) == "null" and json.encode(json.null) == "null")
		assert(json.encode("a\"b") == '"a\\"b"')

		local v = json.decode('{"tags":null,"list":[1,null],"empty":[]}')
		assert(v.tags == nil and #v.list == 2 and v.list[2] == json.null)
		assert(json.encode(v) == '{"empty":[],"list":[1,null]}', json.encode(v))
		local k = json.decode('{"tags":null}', {preserve_null=true})
		assert(k.tags == json.null)
		local a = json.array()
		a[1] = "x"
		assert(json.encode(a) == '["x"]')
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestJSONErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`json.decode({})`, "json.decode: argument #1 must be a string, got table"},
		{`json.decode(12)`, "json.decode: argument #1 must be a string, got number"},
		{`json.decode('{"a":\n  x}')`, "json.decode: invalid character 'x' looking for beginning of value at byte 8 (line 2, column 3)"},
		{`json.decode('[1,2')`, "json.decode: unexpected end of JSON input at byte 4 (line 1, column 5)"},
		{`json.decode('{}', 5)`, "json.decode: argument #2 must be a table, got number"},
		{`json.decode('{}', {preserve_null="yes"})`, `json.decode: option "preserve_null" must be a boolean, got string`},
		{`json.encode()`, "json.encode: argument #1 is missing"},
		{`json.encode({tags={"a", print}})`, "json.encode: value.tags[2]: cannot encode a function"},
		{`json.encode({1, x=2})`, `json.encode: value: table mixes array indices and string keys`},
		{`local t = {} t.t = t json.encode(t)`, "json.encode: value.t: cycle"},
		{`json.encode({}, {pretty=1})`, `json.encode: option "pretty" must be a boolean, got number`},
		{`json.encode({}, {indent=2})`, `json.encode: option "indent" must be a string, got number`},
		{`json.array(setmetatable({}, {}))`, "json.array: argument #1 already has a metatable; cannot mark it"},
		{`json.object("x")`, "json.object: argument #1 must be a table, got string"},
		{`json.encode(json.array({a=1}))`, `json.encode: value: table marked as array has string key "a"`},
	}
	for _, c := range cases {
		err := run(t, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}
