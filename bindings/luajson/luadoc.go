package luajson

import "github.com/harborscript/harborscript/bindings/luadoc"

// Doc documents the "json" module.
func Doc() []luadoc.Module {
	return []luadoc.Module{{
		Name:    "json",
		Kind:    luadoc.KindModule,
		Summary: "JSON encoding and decoding with the same rules as every API result.",
		Text: "A table whose keys are exactly 1..n is an array, one with string keys an object; an empty table is an object " +
			"unless marked with `json.array`. Mixed keys, sparse arrays, cycles, functions, NaN and infinities are errors naming " +
			"the path of the offending value (`value.tags[3]`). A `null` inside an array decodes to `json.null` so positions " +
			"are kept; a `null` object member is left out unless `preserve_null` is set.",
		Fields: []luadoc.Field{
			{Name: "null", Type: "json.null", Summary: "Stands for JSON null where nil cannot be stored; encodes as `null`. Compare with `v == json.null`."},
		},
		Functions: []luadoc.Func{
			{
				Name: "encode", Signature: "json.encode(v[, opts])", Summary: "Encodes a Lua value as JSON.",
				Params: []luadoc.Param{
					{Name: "pretty", Type: "boolean", Default: "false", Summary: "Indent with two spaces."},
					{Name: "indent", Type: "string", Default: `""`, Summary: "Indent with this string."},
					{Name: "sort_keys", Type: "boolean", Default: "true", Summary: "Object keys in sorted order, so output is reproducible."},
					{Name: "empty_as_array", Type: "boolean", Default: "false", Summary: "Encode every empty table as `[]`."},
				},
				Returns: "a string.",
				Example: `local json = require("json")
print(json.encode({name = "alpine", tags = json.array(), size = 3}))
print(json.encode({1, 2, json.null}, {pretty = true}))`,
			},
			{
				Name: "decode", Signature: "json.decode(s[, opts])", Summary: "Decodes JSON text.",
				Params:  []luadoc.Param{{Name: "preserve_null", Type: "boolean", Default: "false", Summary: "Keep null object members as `json.null`."}},
				Returns: "a Lua value (a top-level null is nil).",
				Example: `local json = require("json")
local t = json.decode('{"a": null, "b": [1, null]}', {preserve_null = true})
assert(t.a == json.null and t.b[2] == json.null and #t.b == 2)`,
			},
			{Name: "array", Signature: "json.array([t])", Summary: "Marks t (or a new table) to encode as an array even when empty.", Returns: "t."},
			{Name: "object", Signature: "json.object([t])", Summary: "Marks t (or a new table) to encode as an object even when empty.", Returns: "t."},
		},
	}}
}
