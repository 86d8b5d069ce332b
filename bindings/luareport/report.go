package luareport

import (
	"sort"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/harbor/ext"
)

// A report table's raw content is only its list of info tables, so ipairs,
// # and json.encode see the artifacts. Everything else (cvss, distribution,
// critical, ..., the methods) is reached through __index and computed on
// first access, then kept for that report: reports are immutable, every
// with_* builds a new one.
const (
	metaKey    = "harbor.ext.report.meta"
	objectsKey = "harbor.ext.report.objects"
)

// state is the Go side of one report table.
type state struct {
	report *ext.ArtifactReport
	// tables maps each artifact to the info table the script passed in, so
	// results hand back the very same tables.
	tables map[*ext.ArtifactInfo]*lua.LTable
	fields map[string]lua.LValue
}

// Preload registers the module for require("harbor.ext.report").
func Preload(L *lua.LState) { L.PreloadModule("harbor.ext.report", Loader) }

// Loader builds the module table.
func Loader(L *lua.LState) int {
	mod := L.NewTable()
	mod.RawSetString("ArtifactReport", L.NewFunction(newReport))
	L.Push(mod)
	return 1
}

func newReport(L *lua.LState) int {
	const fn = "ArtifactReport"
	var list *lua.LTable
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		list = L.NewTable()
	case *lua.LTable:
		list = v
	default:
		luaconv.ArgError(L, fn, 1, "must be a list of ArtifactInfo, got %s", luaconv.TypeName(v))
	}
	n := list.Len()
	infos := make([]*ext.ArtifactInfo, 0, n)
	tables := make(map[*ext.ArtifactInfo]*lua.LTable, n)
	for i := 1; i <= n; i++ {
		v := list.RawGetInt(i)
		info, ok := luainfo.Lookup(L, v)
		if !ok {
			luaconv.ArgError(L, fn, 1, "must be a list of ArtifactInfo, but item %d is %s", i, luainfo.Describe(v))
		}
		if _, dup := tables[info]; dup {
			continue
		}
		infos = append(infos, info)
		tables[info] = v.(*lua.LTable)
	}
	L.Push(push(L, ext.NewArtifactReport(infos), tables))
	return 1
}

// push makes a report table over r; tables gives the info table of each
// artifact (missing ones are built with luainfo.Push).
func push(L *lua.LState, r *ext.ArtifactReport, tables map[*ext.ArtifactInfo]*lua.LTable) *lua.LTable {
	arts := r.Artifacts()
	t := L.CreateTable(len(arts), 0)
	own := make(map[*ext.ArtifactInfo]*lua.LTable, len(arts))
	for _, a := range arts {
		it, ok := tables[a]
		if !ok {
			it = luainfo.Push(L, a)
		}
		own[a] = it
		t.Append(it)
	}
	t.Metatable = metatable(L)
	objects(L).Add(t, &state{report: r, tables: own, fields: map[string]lua.LValue{}})
	return t
}

// objects finds the state behind a report table (see luaconv.Objects). A
// state never refers to its own table, so a report the script drops is
// collected with everything it computed.
func objects(L *lua.LState) *luaconv.Objects[*state] {
	return luaconv.StateObjects[*state](L, objectsKey)
}

func metatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(metaKey).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(index))
	mt.RawSetString("__name", lua.LString("ArtifactReport"))
	L.G.Registry.RawSetString(metaKey, mt)
	return mt
}

func lookup(L *lua.LState, v lua.LValue) (*state, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	return objects(L).Get(t)
}

func checkReport(L *lua.LState, fn string) *state {
	if s, ok := lookup(L, L.Get(1)); ok {
		return s
	}
	luaconv.ArgError(L, fn, 1, "must be an ArtifactReport (call it as report:%s(...)), got %s", fn, luaconv.TypeName(L.Get(1)))
	return nil
}

// index serves methods and computed fields; unknown keys are nil, as for
// any table.
func index(L *lua.LState) int {
	s, ok := lookup(L, L.CheckTable(1))
	key, isString := L.Get(2).(lua.LString)
	if !ok || !isString {
		L.Push(lua.LNil)
		return 1
	}
	if f, ok := methods[string(key)]; ok {
		L.Push(L.NewFunction(f))
		return 1
	}
	if v, ok := s.fields[string(key)]; ok {
		L.Push(v)
		return 1
	}
	compute, ok := fields[string(key)]
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	v := compute(L, s)
	s.fields[string(key)] = v
	L.Push(v)
	return 1
}

var fields = map[string]func(*lua.LState, *state) lua.LValue{
	"cvss":         func(L *lua.LState, s *state) lua.LValue { return luainfo.StatsTable(L, s.report.CVSS()) },
	"is_aggregate": func(L *lua.LState, s *state) lua.LValue { return lua.LBool(s.report.IsAggregate()) },
	"distribution": distribution,
	"fixable":      func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.Fixable()) },
	"unfixable":    func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.Unfixable()) },
	"critical":     func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.Critical()) },
	"high":         func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.High()) },
	"medium":       func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.Medium()) },
	"low":          func(L *lua.LState, s *state) lua.LValue { return s.vulnList(L, s.report.Low()) },
	"artifacts":    artifacts,
}

func distribution(L *lua.LState, s *state) lua.LValue {
	d := s.report.Distribution()
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := L.CreateTable(0, len(d))
	for _, k := range keys {
		t.RawSetString(k, lua.LNumber(d[k]))
	}
	return t
}

func artifacts(L *lua.LState, s *state) lua.LValue {
	arts := s.report.Artifacts()
	t := L.CreateTable(len(arts), 0)
	for _, a := range arts {
		t.Append(s.tables[a])
	}
	if len(arts) == 0 {
		_ = luaconv.MarkArray(L, t)
	}
	return t
}

// vulnList gives each finding as its own table (Harbor's fields plus
// fixable and score) with artifact set to the info table it belongs to.
func (s *state) vulnList(L *lua.LState, vulns []ext.Vuln) *lua.LTable {
	t := L.CreateTable(len(vulns), 0)
	for _, v := range vulns {
		vt := luainfo.VulnTable(L, v.Vulnerability)
		if it, ok := s.tables[v.Artifact]; ok {
			vt.RawSetString("artifact", it)
		}
		t.Append(vt)
	}
	if len(vulns) == 0 {
		_ = luaconv.MarkArray(L, t)
	}
	return t
}
