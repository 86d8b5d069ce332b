package luaconv

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// EncodeOptions control EncodeJSONWith.
type EncodeOptions struct {
	// Indent, when not empty, pretty-prints with this string per level.
	Indent string
	// SortKeys orders object members by name; without it the order is Lua's
	// table iteration order, which changes from run to run.
	SortKeys bool
	// EmptyAsArray encodes unmarked empty tables as [] instead of {}.
	EmptyAsArray bool
	// Root names the value in error messages; "value" when empty.
	Root string
}

// EncodeJSON encodes v as JSON. pretty indents with two spaces.
func EncodeJSON(v lua.LValue, pretty bool, sortKeys bool) ([]byte, error) {
	o := EncodeOptions{SortKeys: sortKeys}
	if pretty {
		o.Indent = "  "
	}
	return EncodeJSONWith(v, o)
}

// EncodeJSONWith encodes v as JSON according to o.
func EncodeJSONWith(v lua.LValue, o EncodeOptions) ([]byte, error) {
	root := o.Root
	if root == "" {
		root = "value"
	}
	e := &encoder{opts: o, path: path{root: root}, seen: map[*lua.LTable]struct{}{}}
	if err := e.value(v, 0); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

type encoder struct {
	buf  bytes.Buffer
	opts EncodeOptions
	path path
	seen map[*lua.LTable]struct{}
}

func (e *encoder) fail(reason string) error {
	return &PathError{Path: e.path.String(), Reason: reason}
}

func (e *encoder) newline(depth int) {
	if e.opts.Indent == "" {
		return
	}
	e.buf.WriteByte('\n')
	for i := 0; i < depth; i++ {
		e.buf.WriteString(e.opts.Indent)
	}
}

func (e *encoder) value(v lua.LValue, depth int) error {
	switch x := v.(type) {
	case *lua.LNilType:
		e.buf.WriteString("null")
	case lua.LBool:
		if x {
			e.buf.WriteString("true")
		} else {
			e.buf.WriteString("false")
		}
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.fail("cannot encode " + x.String() + " (NaN and infinities have no JSON form)")
		}
		e.buf.WriteString(formatNumber(f))
	case lua.LString:
		writeString(&e.buf, string(x))
	case *lua.LTable:
		return e.table(x, depth)
	default:
		if v == Null {
			e.buf.WriteString("null")
			return nil
		}
		return e.fail("cannot encode a " + TypeName(v))
	}
	return nil
}

func (e *encoder) table(tb *lua.LTable, depth int) error {
	if _, cyc := e.seen[tb]; cyc {
		return e.fail("cycle: the table contains itself")
	}
	if depth >= maxDepth {
		return e.fail("nested too deeply")
	}
	sh, why := shape(tb, e.opts.EmptyAsArray, e.opts.SortKeys)
	if why != "" {
		return e.fail(why)
	}
	e.seen[tb] = struct{}{}
	defer delete(e.seen, tb)
	if sh.array {
		if sh.n == 0 {
			e.buf.WriteString("[]")
			return nil
		}
		e.buf.WriteByte('[')
		for i := 1; i <= sh.n; i++ {
			if i > 1 {
				e.buf.WriteByte(',')
			}
			e.newline(depth + 1)
			e.path.pushIndex(i)
			if err := e.value(tb.RawGetInt(i), depth+1); err != nil {
				return err
			}
			e.path.pop()
		}
		e.newline(depth)
		e.buf.WriteByte(']')
		return nil
	}
	if len(sh.keys) == 0 {
		e.buf.WriteString("{}")
		return nil
	}
	e.buf.WriteByte('{')
	for i, k := range sh.keys {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.newline(depth + 1)
		writeString(&e.buf, k)
		e.buf.WriteByte(':')
		if e.opts.Indent != "" {
			e.buf.WriteByte(' ')
		}
		e.path.pushKey(k)
		if err := e.value(sh.vals[i], depth+1); err != nil {
			return err
		}
		e.path.pop()
	}
	e.newline(depth)
	e.buf.WriteByte('}')
	return nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 1000

// formatNumber writes integers without a fraction and other numbers in the
// shortest form that reads back to the same float64, as encoding/json does.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs < 1e-6 || abs >= 1e21 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// 1e-07 -> 1e-7, matching encoding/json.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// writeString quotes s as a JSON string. Invalid UTF-8 becomes U+FFFD, and
// U+2028/U+2029 are escaped so the output is also valid JavaScript.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
