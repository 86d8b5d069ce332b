package luaconv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

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
	d := &decoder{L: L, data: data, dec: json.NewDecoder(bytes.NewReader(data)), opts: o}
	tok, err := d.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, d.errAt("unexpected end of JSON input", int64(len(data)))
		}
		return nil, d.wrap(err)
	}
	v, err := d.value(tok, 0)
	if err != nil {
		return nil, err
	}
	if v == Null {
		v = lua.LNil
	}
	if _, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return nil, d.wrap(err)
		}
		return nil, d.errAt("unexpected data after the JSON value", d.offsetOfNext())
	}
	return v, nil
}

type decoder struct {
	L         *lua.LState
	data      []byte
	dec       *json.Decoder
	opts      DecodeOptions
	emptyMeta *lua.LTable
}

// offsetOfNext skips the whitespace after the decoder's position so that
// errors point at the offending byte rather than the end of the last token.
func (d *decoder) offsetOfNext() int64 {
	off := d.dec.InputOffset()
	for off < int64(len(d.data)) {
		switch d.data[off] {
		case ' ', '\t', '\r', '\n':
			off++
			continue
		}
		break
	}
	return off
}

func (d *decoder) errAt(msg string, off int64) error {
	if off > int64(len(d.data)) {
		off = int64(len(d.data))
	}
	line, col := 1, 1
	for _, c := range d.data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Msg: msg, Offset: off, Line: line, Column: col}
}

func (d *decoder) wrap(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Inside a scalar, encoding/json reports the offset just past the
		// offending byte; between tokens it reports where the token began.
		off := d.offsetOfNext()
		if se.Offset > off {
			off = se.Offset - 1
		}
		return d.errAt(se.Error(), off)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return d.errAt("unexpected end of JSON input", int64(len(d.data)))
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return d.errAt("number "+ute.Value+" is out of range", ute.Offset)
	}
	return d.errAt(err.Error(), d.dec.InputOffset())
}

// next reads a token that must exist (inside an array or object).
func (d *decoder) next() (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.wrap(err)
	}
	return tok, nil
}

func (d *decoder) value(tok json.Token, depth int) (lua.LValue, error) {
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return nil, d.errAt("nested too deeply", d.dec.InputOffset()-1)
		}
		if t == '[' {
			return d.array(depth)
		}
		return d.object(depth)
	case string:
		return lua.LString(t), nil
	case float64:
		return lua.LNumber(t), nil
	case bool:
		return lua.LBool(t), nil
	case nil:
		return Null, nil
	}
	return nil, d.errAt(fmt.Sprintf("unexpected token %v", tok), d.dec.InputOffset())
}

func (d *decoder) array(depth int) (lua.LValue, error) {
	tb := d.L.CreateTable(4, 0)
	for d.dec.More() {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		v, err := d.value(tok, depth+1)
		if err != nil {
			return nil, err
		}
		tb.Append(v)
	}
	if _, err := d.next(); err != nil { // ']'
		return nil, err
	}
	if tb.Len() == 0 {
		// Keeps [] as [] when the table is encoded again.
		if d.emptyMeta == nil {
			d.emptyMeta = markerMeta(d.L, KindArray)
		}
		tb.Metatable = d.emptyMeta
	}
	return tb, nil
}

func (d *decoder) object(depth int) (lua.LValue, error) {
	tb := d.L.CreateTable(0, 4)
	for d.dec.More() {
		ktok, err := d.next()
		if err != nil {
			return nil, err
		}
		key, ok := ktok.(string)
		if !ok {
			return nil, d.errAt("object key must be a string", d.dec.InputOffset())
		}
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		v, err := d.value(tok, depth+1)
		if err != nil {
			return nil, err
		}
		if v == Null && !d.opts.PreserveNull {
			// A repeated key with null must still drop the earlier value.
			tb.RawSetString(key, lua.LNil)
			continue
		}
		tb.RawSetString(key, v)
	}
	if _, err := d.next(); err != nil { // '}'
		return nil, err
	}
	return tb, nil
}
