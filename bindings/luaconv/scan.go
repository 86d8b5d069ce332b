package luaconv

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// scanner parses JSON bytes straight into Lua values. It replaces
// json.Decoder.Token, which boxes every token in an interface and ran at
// about 30 MB/s on artifact listings; the fuzz test holds it to
// encoding/json's notion of valid JSON.
type scanner struct {
	L         *lua.LState
	data      []byte
	pos       int
	opts      DecodeOptions
	emptyMeta *lua.LTable
}

func (s *scanner) errAt(off int, msg string) error {
	if off > len(s.data) {
		off = len(s.data)
	}
	line, col := 1, 1
	for _, c := range s.data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Msg: msg, Offset: int64(off), Line: line, Column: col}
}

func (s *scanner) unexpected(context string) error {
	if s.pos >= len(s.data) {
		return s.errAt(len(s.data), "unexpected end of JSON input")
	}
	return s.errAt(s.pos, fmt.Sprintf("invalid character %s %s", quoteChar(s.data[s.pos]), context))
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	if c >= utf8.RuneSelf {
		q = fmt.Sprintf("%q", string([]byte{c}))
	}
	return "'" + q[1:len(q)-1] + "'"
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) document() (lua.LValue, error) {
	s.skipSpace()
	v, err := s.value(0)
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return nil, s.unexpected("after top-level value")
	}
	if v == Null {
		v = lua.LNil
	}
	return v, nil
}

func (s *scanner) value(depth int) (lua.LValue, error) {
	if s.pos >= len(s.data) {
		return nil, s.unexpected("")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if depth >= maxDepth {
			return nil, s.errAt(s.pos, "nested too deeply")
		}
		return s.object(depth)
	case c == '[':
		if depth >= maxDepth {
			return nil, s.errAt(s.pos, "nested too deeply")
		}
		return s.array(depth)
	case c == '"':
		str, err := s.str()
		return lua.LString(str), err
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return lua.LTrue, s.literal("true")
	case c == 'f':
		return lua.LFalse, s.literal("false")
	case c == 'n':
		return Null, s.literal("null")
	}
	return nil, s.unexpected("looking for beginning of value")
}

func (s *scanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if s.pos >= len(s.data) {
			return s.unexpected("")
		}
		if s.data[s.pos] != word[i] {
			return s.unexpected(fmt.Sprintf("in literal %s (expecting '%c')", word, word[i]))
		}
		s.pos++
	}
	return nil
}

func (s *scanner) number() (lua.LValue, error) {
	start := s.pos
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(d) && d[s.pos] >= '0' && d[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if s.pos < len(d) && d[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		return nil, s.unexpected("in numeric literal")
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return nil, s.unexpected("after decimal point in numeric literal")
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return nil, s.unexpected("in exponent of numeric literal")
		}
	}
	f, err := strconv.ParseFloat(string(d[start:s.pos]), 64)
	if err != nil {
		return nil, s.errAt(start, "number "+string(d[start:s.pos])+" is out of range")
	}
	return lua.LNumber(f), nil
}

// str reads a string; the common case without escapes is a plain slice, the
// rest is handed to encoding/json so escapes and invalid UTF-8 are treated
// exactly as the standard library does.
func (s *scanner) str() (string, error) {
	start := s.pos
	plain, err := s.skipStr()
	if err != nil {
		return "", err
	}
	raw := s.data[start+1 : s.pos-1]
	if plain && utf8.Valid(raw) {
		return string(raw), nil
	}
	var out string
	if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
		return "", s.errAt(start, "invalid string: "+err.Error())
	}
	return out, nil
}

// skipStr moves past a string, checking its escapes and control characters
// (all encoding/json refuses in one), and tells whether it had no escapes.
func (s *scanner) skipStr() (plain bool, err error) {
	s.pos++
	plain = true
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return plain, nil
		case c == '\\':
			plain = false
			s.pos++
			if s.pos >= len(s.data) {
				return false, s.unexpected("")
			}
			switch s.data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for i := 0; i < 4; i++ {
					if s.pos >= len(s.data) {
						return false, s.unexpected("")
					}
					if !isHex(s.data[s.pos]) {
						return false, s.unexpected("in \\u hexadecimal character escape")
					}
					s.pos++
				}
			default:
				return false, s.unexpected("in string escape code")
			}
		case c < 0x20:
			return false, s.unexpected("in string literal")
		default:
			s.pos++
		}
	}
	return false, s.unexpected("")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *scanner) array(depth int) (lua.LValue, error) {
	s.pos++ // '['
	tb := s.L.CreateTable(4, 0)
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		if s.emptyMeta == nil {
			s.emptyMeta = markerMeta(s.L, KindArray)
		}
		// Keeps [] as [] when the table is encoded again.
		tb.Metatable = s.emptyMeta
		return tb, nil
	}
	for {
		s.skipSpace()
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		tb.Append(v)
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.unexpected("")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return tb, nil
		default:
			return nil, s.unexpected("after array element")
		}
	}
}

func (s *scanner) object(depth int) (lua.LValue, error) {
	s.pos++ // '{'
	tb := s.L.CreateTable(0, 4)
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return tb, nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return nil, s.unexpected("looking for beginning of object key string")
		}
		key, err := s.str()
		if err != nil {
			return nil, err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return nil, s.unexpected("after object key")
		}
		s.pos++
		s.skipSpace()
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if v == Null && !s.opts.PreserveNull {
			// A repeated key with null must still drop the earlier value.
			v = lua.LNil
		}
		tb.RawSetString(key, v)
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.unexpected("")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return tb, nil
		default:
			return nil, s.unexpected("after object key:value pair")
		}
	}
}
