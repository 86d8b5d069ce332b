package luaconv

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// DecodeOptions control DecodeJSONWith.
type DecodeOptions struct {
	// PreserveNull stores null object members as Null instead of dropping the key.
	PreserveNull bool
}

// SyntaxError is a JSON decoding error with the position of the fault.
type SyntaxError struct {
	Msg    string
	Offset int64 // byte offset, 0-based
	Line   int   // 1-based
	Column int   // 1-based, in bytes
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at byte %d (line %d, column %d)", e.Msg, e.Offset, e.Line, e.Column)
}

// DecodeJSON decodes one JSON document into Lua values, following the null
// rules of the package documentation. Trailing data after the document is an error.
func DecodeJSON(L *lua.LState, data []byte) (lua.LValue, error) {
	return DecodeJSONWith(L, data, DecodeOptions{})
}

// DecodeJSONWith is DecodeJSON with options.
func DecodeJSONWith(L *lua.LState, data []byte, o DecodeOptions) (lua.LValue, error) {
	s := &scanner{L: L, data: data, opts: o}
	return s.document()
}
