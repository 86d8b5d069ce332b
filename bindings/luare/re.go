// Package luare is the Lua "re" module: Go's RE2 regular expressions for scripts.
// Patterns are compiled once and kept in a bounded cache shared by all states.
package luare

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

const typeName = "re.Regexp"

// Preload makes require("re") available in L.
func Preload(L *lua.LState) { L.PreloadModule("re", Loader) }

// Loader builds the module table.
func Loader(L *lua.LState) int {
	mt := L.NewTypeMetatable(typeName)
	methods := map[string]lua.LGFunction{}
	for name, op := range ops {
		op := op
		fn := typeName + ":" + name
		methods[name] = func(L *lua.LState) int { return op(L, fn, checkRegexp(L, fn), 2) }
	}
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), methods))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(checkRegexp(L, "tostring").String()))
		return 1
	}))
	mt.RawSetString("__name", lua.LString(typeName))

	funcs := map[string]lua.LGFunction{}
	for name, op := range ops {
		op := op
		fn := "re." + name
		funcs[name] = func(L *lua.LState) int { return op(L, fn, checkPattern(L, fn, 1), 2) }
	}
	funcs["compile"] = func(L *lua.LState) int {
		ud := L.NewUserData()
		ud.Value = checkPattern(L, "re.compile", 1)
		ud.Metatable = L.GetTypeMetatable(typeName)
		L.Push(ud)
		return 1
	}
	funcs["quote"] = func(L *lua.LState) int {
		L.Push(lua.LString(regexp.QuoteMeta(luaconv.CheckString(L, "re.quote", 1))))
		return 1
	}
	L.Push(L.SetFuncs(L.NewTable(), funcs))
	return 1
}

// op implements one operation; the subject string is argument base, further
// arguments follow it.
type op func(L *lua.LState, fn string, re *regexp.Regexp, base int) int

var ops = map[string]op{
	"match":    match,
	"find":     find,
	"find_all": findAll,
	"gsub":     gsub,
	"split":    split,
}

func checkPattern(L *lua.LState, fn string, n int) *regexp.Regexp {
	pattern := luaconv.CheckString(L, fn, n)
	re, err := patterns.get(pattern)
	if err != nil {
		reason := err.Error()
		var se *syntax.Error
		if errors.As(err, &se) {
			reason = string(se.Code)
			if se.Expr != "" && se.Expr != pattern {
				reason += " at " + se.Expr
			}
		}
		luaconv.Raise(L, fn, "invalid pattern %q: %s", pattern, reason)
	}
	return re
}

func checkRegexp(L *lua.LState, fn string) *regexp.Regexp {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if re, ok := ud.Value.(*regexp.Regexp); ok {
			return re
		}
	}
	luaconv.Raise(L, fn, "must be called on a compiled pattern (use obj:%s(...)), got %s", fn[strings.LastIndexByte(fn, ':')+1:], luaconv.TypeName(L.Get(1)))
	return nil
}

// match reports whether s contains a match; anchor with ^ for a prefix match.
func match(L *lua.LState, fn string, re *regexp.Regexp, base int) int {
	L.Push(lua.LBool(re.MatchString(luaconv.CheckString(L, fn, base))))
	return 1
}

// find returns the first match followed by its submatches (nil for groups
// that did not take part), or nil when nothing matches.
func find(L *lua.LState, fn string, re *regexp.Regexp, base int) int {
	s := luaconv.CheckString(L, fn, base)
	loc := re.FindStringSubmatchIndex(s)
	if loc == nil {
		L.Push(lua.LNil)
		return 1
	}
	for i := 0; i < len(loc); i += 2 {
		if loc[i] < 0 {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(s[loc[i]:loc[i+1]]))
		}
	}
	return len(loc) / 2
}

// findAll returns a list of matches: strings when the pattern has no groups,
// otherwise tables {match, sub1, ...} with false for groups that did not take part.
func findAll(L *lua.LState, fn string, re *regexp.Regexp, base int) int {
	s := luaconv.CheckString(L, fn, base)
	n := luaconv.OptInt(L, fn, base+1, -1)
	all := re.FindAllStringSubmatchIndex(s, n)
	out := L.CreateTable(len(all), 0)
	for _, loc := range all {
		if re.NumSubexp() == 0 {
			out.Append(lua.LString(s[loc[0]:loc[1]]))
			continue
		}
		m := L.CreateTable(len(loc)/2, 0)
		for i := 0; i < len(loc); i += 2 {
			if loc[i] < 0 {
				m.Append(lua.LFalse)
			} else {
				m.Append(lua.LString(s[loc[i]:loc[i+1]]))
			}
		}
		out.Append(m)
	}
	L.Push(out)
	return 1
}

// gsub replaces every match and returns the new string and the number of
// replacements. A string replacement expands $1, ${name}; a function gets the
// match and submatches and returns the replacement, or nil/false to keep the match.
func gsub(L *lua.LState, fn string, re *regexp.Regexp, base int) int {
	s := luaconv.CheckString(L, fn, base)
	var b strings.Builder
	count, last := 0, 0
	all := re.FindAllStringSubmatchIndex(s, -1)
	switch repl := L.Get(base + 1).(type) {
	case lua.LString, lua.LNumber:
		tmpl := repl.String()
		for _, loc := range all {
			b.WriteString(s[last:loc[0]])
			b.Write(re.ExpandString(nil, tmpl, s, loc))
			last = loc[1]
			count++
		}
	case *lua.LFunction:
		for _, loc := range all {
			b.WriteString(s[last:loc[0]])
			args := make([]lua.LValue, 0, len(loc)/2)
			for i := 0; i < len(loc); i += 2 {
				if loc[i] < 0 {
					args = append(args, lua.LNil)
				} else {
					args = append(args, lua.LString(s[loc[i]:loc[i+1]]))
				}
			}
			L.Push(repl)
			for _, a := range args {
				L.Push(a)
			}
			L.Call(len(args), 1)
			r := L.Get(-1)
			L.Pop(1)
			switch r := r.(type) {
			case lua.LString, lua.LNumber:
				b.WriteString(r.String())
				count++
			case *lua.LNilType:
				b.WriteString(s[loc[0]:loc[1]])
			case lua.LBool:
				if r {
					luaconv.Raise(L, fn, "replacement function returned true; return a string, or nil/false to keep the match")
				}
				b.WriteString(s[loc[0]:loc[1]])
			default:
				luaconv.Raise(L, fn, "replacement function returned a %s; return a string, or nil/false to keep the match", luaconv.TypeName(r))
			}
			last = loc[1]
		}
	default:
		luaconv.ArgError(L, fn, base+1, "must be a string or a function, got %s", luaconv.TypeName(repl))
	}
	b.WriteString(s[last:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(count))
	return 2
}

// split cuts s around the matches; n limits the number of pieces as in Go.
func split(L *lua.LState, fn string, re *regexp.Regexp, base int) int {
	s := luaconv.CheckString(L, fn, base)
	n := luaconv.OptInt(L, fn, base+1, -1)
	parts := re.Split(s, n)
	out := L.CreateTable(len(parts), 0)
	for _, p := range parts {
		out.Append(lua.LString(p))
	}
	L.Push(out)
	return 1
}
