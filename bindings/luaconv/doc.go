// Package luaconv converts values between Go and Lua and encodes/decodes JSON straight to and from Lua tables.
// It is shared by every Lua module so that API results, json.encode and log fields follow one set of rules.
//
// JSON null: inside an array, null decodes to [Null] (shown to scripts as
// json.null) so the array keeps its length and positions. A null object member
// makes the key absent, unless DecodeOptions.PreserveNull is set, in which case
// it is stored as Null. A top-level null decodes to nil. Encoding turns both nil
// and Null into null.
//
// Arrays and objects: a Lua table whose keys are exactly 1..n is an array, a
// table whose keys are all strings is an object. An empty table is an object
// unless it was marked with MarkArray (json.array) or the caller asks for
// empty arrays (EmptyAsArray). Tables that mix both kinds of keys, sparse
// arrays, cycles, functions, userdata, NaN and infinities are errors that
// name the path of the offending value, such as value.tags[3].
package luaconv
