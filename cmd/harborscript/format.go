package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Limits that keep printing a huge or deep result readable.
const (
	formatMaxDepth = 4
	formatMaxItems = 50
	formatWidth    = 80
)

// formatValue renders v for the REPL: strings raw at the top level (as the
// Lua prompt does), tables nested with sorted keys.
func formatValue(L *lua.LState, v lua.LValue, top bool) string {
	if s, ok := v.(lua.LString); ok && top {
		return string(s)
	}
	return formatNested(L, v, 0, map[*lua.LTable]bool{})
}

func formatNested(L *lua.LState, v lua.LValue, depth int, seen map[*lua.LTable]bool) string {
	switch x := v.(type) {
	case lua.LString:
		return strconv.Quote(string(x))
	case *lua.LTable:
		if s, ok := tostringMeta(L, x); ok {
			return s
		}
		return formatTable(L, x, depth, seen)
	case *lua.LUserData:
		if s, ok := tostringMeta(L, x); ok {
			return s
		}
	}
	return v.String()
}

// tostringMeta applies a __tostring metamethod, as objects such as exceptions
// describe themselves better than their fields do.
func tostringMeta(L *lua.LState, v lua.LValue) (string, bool) {
	if L.GetMetaField(v, "__tostring") == lua.LNil {
		return "", false
	}
	return safeToString(L, v), true
}

func safeToString(L *lua.LState, v lua.LValue) string {
	fn := L.NewFunction(func(L *lua.LState) int {
		L.Push(L.ToStringMeta(L.Get(1)))
		return 1
	})
	if err := L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, v); err != nil {
		return fmt.Sprintf("<%s: __tostring failed>", v.Type())
	}
	s := lua.LVAsString(L.Get(-1))
	L.Pop(1)
	return s
}

type tableEntry struct {
	key   lua.LValue
	value lua.LValue
}

func formatTable(L *lua.LState, t *lua.LTable, depth int, seen map[*lua.LTable]bool) string {
	if seen[t] {
		return "<cycle>"
	}
	// A table built on first read (ArtifactInfo parts) is built now, so the
	// print shows what pairs would.
	luaconv.Materialize(t)
	// The sequence part is what ipairs walks; Len may stop at any border.
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	var rest []tableEntry
	t.ForEach(func(k, v lua.LValue) {
		if i, ok := k.(lua.LNumber); ok && float64(i) == float64(int(i)) && int(i) >= 1 && int(i) <= n {
			return
		}
		rest = append(rest, tableEntry{k, v})
	})
	if n == 0 && len(rest) == 0 {
		return "{}"
	}
	if depth >= formatMaxDepth {
		return "{...}"
	}
	sort.Slice(rest, func(i, j int) bool { return keyLess(rest[i].key, rest[j].key) })
	seen[t] = true
	defer delete(seen, t)

	var items []string
	for i := 1; i <= n; i++ {
		if len(items) == formatMaxItems {
			break
		}
		items = append(items, formatNested(L, t.RawGetInt(i), depth+1, seen))
	}
	for _, e := range rest {
		if len(items) == formatMaxItems {
			break
		}
		items = append(items, formatKey(e.key)+" = "+formatNested(L, e.value, depth+1, seen))
	}
	if total := n + len(rest); total > len(items) {
		items = append(items, fmt.Sprintf("... (%d more)", total-len(items)))
	}
	one := "{ " + strings.Join(items, ", ") + " }"
	if len(one)+2*depth <= formatWidth && !strings.Contains(one, "\n") {
		return one
	}
	indent := strings.Repeat("  ", depth+1)
	var b strings.Builder
	b.WriteString("{\n")
	for _, it := range items {
		b.WriteString(indent)
		b.WriteString(it)
		b.WriteString(",\n")
	}
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString("}")
	return b.String()
}

// keyLess orders numbers before strings before anything else.
func keyLess(a, b lua.LValue) bool {
	ra, rb := keyRank(a), keyRank(b)
	if ra != rb {
		return ra < rb
	}
	switch x := a.(type) {
	case lua.LNumber:
		return x < b.(lua.LNumber)
	case lua.LString:
		return x < b.(lua.LString)
	}
	return a.String() < b.String()
}

func keyRank(v lua.LValue) int {
	switch v.(type) {
	case lua.LNumber:
		return 0
	case lua.LString:
		return 1
	case lua.LBool:
		return 2
	}
	return 3
}

func formatKey(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok && isIdentifier(string(s)) {
		return string(s)
	}
	if s, ok := k.(lua.LString); ok {
		return "[" + strconv.Quote(string(s)) + "]"
	}
	return "[" + k.String() + "]"
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true, "false": true,
	"for": true, "function": true, "goto": true, "if": true, "in": true, "local": true, "nil": true,
	"not": true, "or": true, "repeat": true, "return": true, "then": true, "true": true, "until": true, "while": true,
}

func isIdentifier(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}
