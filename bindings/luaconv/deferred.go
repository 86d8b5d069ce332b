package luaconv

import (
	lua "github.com/yuin/gopher-lua"
)

// In gopher-lua a table with string keys costs two Go maps and a slice, so
// a nested JSON object of a few hundred bytes becomes a few kilobytes of
// tables. Results a script keeps by the thousand (artifacts with their tags,
// links, scan overviews and extra attributes) are dominated by members it
// rarely reads. DecodeJSONDeferred keeps those members as JSON text and
// builds them into the table the first time anything needs them.

const (
	deferredIndexKey    = "luaconv.deferred.index"
	deferredNewIndexKey = "luaconv.deferred.newindex"
)

// DecodeJSONDeferred is DecodeJSON for a JSON object some of whose members
// are costly as tables and rarely read: the members whose names deferred
// accepts are checked but left as JSON text, and built into the table (see
// LazyField) the first time a script reads or writes a member the table
// lacks, or anything walks it (pairs, next, json.encode, FromLua). They then
// take the places in iteration order they would have had, so the table is
// exactly what DecodeJSON returns. Until then only rawget, rawset and
// getmetatable can tell. A document that is not an object, or whose
// deferred members are all null, decodes as with DecodeJSON.
func DecodeJSONDeferred(L *lua.LState, data []byte, deferred func(key string) bool) (lua.LValue, error) {
	s := &scanner{L: L, data: data}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return s.document()
	}
	tb, rest, err := s.deferredObject(deferred)
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return nil, s.unexpected("after top-level value")
	}
	if rest != nil {
		setDeferred(L, tb, rest)
	}
	return tb, nil
}

// span is one deferred member: its key and value as they appear in the text.
type span struct{ k0, k1, v0, v1 int }

// deferredObject is object at the top level, returning the deferred members
// as the text of an object of their own, or nil when none has a value.
func (s *scanner) deferredObject(deferred func(string) bool) (*lua.LTable, []byte, error) {
	s.pos++ // '{'
	tb := s.L.CreateTable(0, 16)
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return tb, nil, nil
	}
	var spans []span
	size, values := 1, false
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return nil, nil, s.unexpected("looking for beginning of object key string")
		}
		k0 := s.pos
		key, err := s.str()
		if err != nil {
			return nil, nil, err
		}
		k1 := s.pos
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return nil, nil, s.unexpected("after object key")
		}
		s.pos++
		s.skipSpace()
		if deferred(key) {
			v0 := s.pos
			if err := s.skip(1); err != nil {
				return nil, nil, err
			}
			spans = append(spans, span{k0, k1, v0, s.pos})
			size += k1 - k0 + 1 + s.pos - v0 + 1
			if s.data[v0] != 'n' {
				values = true
				// Holds the member's place in iteration order (gopher-lua
				// keeps a key's slot once set), so building it later gives
				// the order decoding at once would have.
				if tb.RawGetString(key) == lua.LNil {
					tb.RawSetString(key, lua.LTrue)
					tb.RawSetString(key, lua.LNil)
				}
			} else {
				// null drops an earlier value, as when decoding at once.
				tb.RawSetString(key, lua.LNil)
			}
		} else {
			v, err := s.value(1)
			if err != nil {
				return nil, nil, err
			}
			if v == Null {
				v = lua.LNil
			}
			tb.RawSetString(key, v)
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, nil, s.unexpected("")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			if !values {
				return tb, nil, nil
			}
			return tb, s.join(spans, size), nil
		default:
			return nil, nil, s.unexpected("after object key:value pair")
		}
	}
}

// join writes the deferred members as one object, in their order, so that
// a key given twice keeps its last value when built.
func (s *scanner) join(spans []span, size int) []byte {
	out := make([]byte, 0, size)
	out = append(out, '{')
	for i, sp := range spans {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, s.data[sp.k0:sp.k1]...)
		out = append(out, ':')
		out = append(out, s.data[sp.v0:sp.v1]...)
	}
	return append(out, '}')
}

// skip moves past a value, refusing what value would refuse, without
// building it.
func (s *scanner) skip(depth int) error {
	if s.pos >= len(s.data) {
		return s.unexpected("")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if depth >= maxDepth {
			return s.errAt(s.pos, "nested too deeply")
		}
		return s.skipContainer(depth, '}', true)
	case c == '[':
		if depth >= maxDepth {
			return s.errAt(s.pos, "nested too deeply")
		}
		return s.skipContainer(depth, ']', false)
	case c == '"':
		_, err := s.skipStr()
		return err
	case c == '-' || c >= '0' && c <= '9':
		_, err := s.number()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.unexpected("looking for beginning of value")
}

func (s *scanner) skipContainer(depth int, end byte, object bool) error {
	s.pos++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == end {
		s.pos++
		return nil
	}
	after := "after array element"
	if object {
		after = "after object key:value pair"
	}
	for {
		s.skipSpace()
		if object {
			if s.pos >= len(s.data) || s.data[s.pos] != '"' {
				return s.unexpected("looking for beginning of object key string")
			}
			if _, err := s.skipStr(); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos >= len(s.data) || s.data[s.pos] != ':' {
				return s.unexpected("after object key")
			}
			s.pos++
			s.skipSpace()
		}
		if err := s.skip(depth + 1); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.unexpected("")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case end:
			s.pos++
			return nil
		default:
			return s.unexpected(after)
		}
	}
}

// deferredMembers builds the members one table deferred. It holds its table
// so that a lazy metatable a script copies onto another table builds
// nothing into that one.
type deferredMembers struct {
	L     *lua.LState
	owner *lua.LTable
	data  []byte
}

func (d *deferredMembers) Materialize(t *lua.LTable) {
	if t != d.owner {
		return
	}
	t.Metatable = lua.LNil
	data := d.data
	d.data, d.owner = nil, nil
	if data == nil {
		return
	}
	// The text was checked when the table was made, so this cannot fail.
	v, err := DecodeJSON(d.L, data)
	if err != nil {
		return
	}
	src := v.(*lua.LTable)
	for k, val := src.Next(lua.LNil); k != lua.LNil; k, val = src.Next(k) {
		key := string(k.(lua.LString))
		// A value a script stored with rawset meanwhile wins.
		if t.RawGetString(key) == lua.LNil {
			t.RawSetString(key, val)
		}
	}
}

func setDeferred(L *lua.LState, tb *lua.LTable, data []byte) {
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", deferredFunc(L, deferredIndexKey, deferredIndex))
	mt.RawSetString("__newindex", deferredFunc(L, deferredNewIndexKey, deferredNewIndex))
	ud := L.NewUserData()
	ud.Value = &deferredMembers{L: L, owner: tb, data: data}
	mt.RawSetString(LazyField, ud)
	tb.Metatable = mt
}

// deferredFunc is one of the metamethods every deferred table shares, made
// once per state.
func deferredFunc(L *lua.LState, key string, fn lua.LGFunction) *lua.LFunction {
	if f, ok := L.G.Registry.RawGetString(key).(*lua.LFunction); ok {
		return f
	}
	f := L.NewFunction(fn)
	L.G.Registry.RawSetString(key, f)
	return f
}

// deferredIndex runs on a read of a member the table lacks.
func deferredIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	Materialize(t)
	L.Push(t.RawGet(L.Get(2)))
	return 1
}

// deferredNewIndex runs on a write of a member the table lacks: building
// first keeps a deferred member from overwriting what the script wrote.
func deferredNewIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	Materialize(t)
	L.RawSet(t, L.Get(2), L.Get(3))
	return 0
}
