package luainfo

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
)

// A kept sweep of 10,000 artifacts × 50 findings built 500,000 finding
// tables up front (about 730 MB), while most scripts read a few reports or
// filter through the Go side (the info methods, harbor.ext.report). So a
// report's vulnerabilities list is built the first time anything reads it:
// the report table carries a metatable of its own whose __index builds the
// list on a read of report.vulnerabilities, and whose luaconv.LazyField
// lets pairs, next, json.encode and FromLua build it before they walk the
// table. Building it stores the list with RawSet and removes the metatable,
// so from then on the report is the plain table it always was. Before that,
// only rawget(report, "vulnerabilities") can tell: it gives nil.

const lazyIndexKey = "harbor.ext.ArtifactInfo.lazyindex"

// lazyReport builds the vulnerabilities list of one report table. L is the
// state that made the table; all its threads share the registry that
// VulnTable's caches live in, and Lua runs one thread at a time.
type lazyReport struct {
	L *lua.LState
	r *harbor.VulnerabilityReport
}

func (z *lazyReport) Materialize(t *lua.LTable) {
	if z.r == nil {
		return
	}
	vulns := z.L.CreateTable(len(z.r.Vulnerabilities), 0)
	for i := range z.r.Vulnerabilities {
		vulns.Append(sharedVulnTable(z.L, &z.r.Vulnerabilities[i]))
	}
	t.RawSetString("vulnerabilities", vulns)
	t.Metatable = lua.LNil
	z.r = nil
}

// setLazyVulns makes t build its vulnerabilities list from r when first
// read. r must have findings: an empty list is cheaper to build at once.
func setLazyVulns(L *lua.LState, t *lua.LTable, r *harbor.VulnerabilityReport) {
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__index", lazyIndex(L))
	ud := L.NewUserData()
	ud.Value = &lazyReport{L: L, r: r}
	mt.RawSetString(luaconv.LazyField, ud)
	t.Metatable = mt
}

// lazyIndex is the __index of every lazy report, made once per state.
func lazyIndex(L *lua.LState) *lua.LFunction {
	if f, ok := L.G.Registry.RawGetString(lazyIndexKey).(*lua.LFunction); ok {
		return f
	}
	f := L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		if k, ok := L.Get(2).(lua.LString); ok && k == "vulnerabilities" {
			luaconv.Materialize(t)
			L.Push(t.RawGetString("vulnerabilities"))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	})
	L.G.Registry.RawSetString(lazyIndexKey, f)
	return f
}
