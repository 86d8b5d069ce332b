package bindings_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// seedState is a state over the seed registry with every module set up and
// the seed's infos in the global infos, their reports not yet read.
func seedState(t *testing.T) *lua.LState {
	t.Helper()
	srv := harbortest.New(harbortest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	L := lua.NewState()
	t.Cleanup(L.Close)
	if err := bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: c}}); err != nil {
		t.Fatal(err)
	}
	if err := L.DoString(`infos = require("harbor.ext.api").get_artifact_vulnerabilities{}`); err != nil {
		t.Fatal(err)
	}
	return L
}

// scanned is the infos whose reports have findings, with their Go values.
func scanned(t *testing.T, L *lua.LState) (tables []*lua.LTable, counts []int) {
	t.Helper()
	infos := L.GetGlobal("infos").(*lua.LTable)
	for i := 1; i <= infos.Len(); i++ {
		it := infos.RawGetInt(i).(*lua.LTable)
		info, ok := luainfo.Lookup(L, it)
		if !ok {
			t.Fatalf("infos[%d] is not an ArtifactInfo", i)
		}
		if info.Report != nil && len(info.Report.Vulnerabilities) > 0 {
			tables = append(tables, it)
			counts = append(counts, len(info.Report.Vulnerabilities))
		}
	}
	if len(tables) < 2 {
		t.Fatalf("the seed registry has %d artifacts with findings, want at least 2", len(tables))
	}
	return tables, counts
}

// eager is the info table as it was built before reports became lazy: the
// same members, with the report's findings built at once.
func eager(L *lua.LState, it *lua.LTable) *lua.LTable {
	info, _ := luainfo.Lookup(L, it)
	out := L.NewTable()
	it.ForEach(func(k, v lua.LValue) { out.RawSet(k, v) })
	rep := L.NewTable()
	it.RawGetString("report").(*lua.LTable).ForEach(func(k, v lua.LValue) { rep.RawSet(k, v) })
	vulns := L.NewTable()
	for i := range info.Report.Vulnerabilities {
		vulns.Append(luainfo.VulnTable(L, &info.Report.Vulnerabilities[i]))
	}
	rep.RawSetString("vulnerabilities", vulns)
	out.RawSetString("report", rep)
	return out
}

func call(t *testing.T, L *lua.LState, code string, args ...lua.LValue) lua.LValue {
	t.Helper()
	fn, err := L.LoadString(code)
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), 1, nil); err != nil {
		t.Fatal(err)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

func report(it *lua.LTable) *lua.LTable { return it.RawGetString("report").(*lua.LTable) }

func TestLazyReportIsBuiltOnFirstRead(t *testing.T) {
	L := seedState(t)
	infos, counts := scanned(t, L)
	for i, it := range infos {
		if v := call(t, L, `return rawget(...)`, report(it), lua.LString("vulnerabilities")); v != lua.LNil {
			t.Fatalf("info %d: rawget before any read gave %s, want nil (the list is built on first read)", i, v.Type())
		}
	}
	n := call(t, L, `local info = ...; return #info.report.vulnerabilities`, infos[0])
	if int(n.(lua.LNumber)) != counts[0] {
		t.Errorf("#info.report.vulnerabilities = %s, want %d", n, counts[0])
	}
	n = call(t, L, `local info = ...; local n = 0
		for _, v in ipairs(info.report.vulnerabilities) do assert(v.id and v.score) n = n + 1 end
		assert(rawget(info.report, "vulnerabilities") == info.report.vulnerabilities)
		return n`, infos[0])
	if int(n.(lua.LNumber)) != counts[0] {
		t.Errorf("ipairs saw %s findings, want %d", n, counts[0])
	}
	if report(infos[0]).Metatable != lua.LNil {
		t.Error("a built report keeps its lazy metatable; it should be a plain table again")
	}
	// The info methods search the Go report and need no list.
	n = call(t, L, `local info = ...
		local pkg = info:vuln_with_cve("CVE") and info:vuln_with_cve("CVE").package
		return #info:vulns_with_package(pkg, true)`, infos[1])
	if int(n.(lua.LNumber)) < 1 {
		t.Error("vulns_with_package found nothing on an unread report")
	}
}

func TestPairsAndNextSeeLazyVulnerabilities(t *testing.T) {
	L := seedState(t)
	infos, counts := scanned(t, L)
	n := call(t, L, `local r = ...
		for k, v in pairs(r) do if k == "vulnerabilities" then return #v end end
		return -1`, report(infos[0]))
	if int(n.(lua.LNumber)) != counts[0] {
		t.Errorf("pairs(info.report) gave vulnerabilities of length %s, want %d", n, counts[0])
	}
	n = call(t, L, `local r = ...
		local k, v = next(r)
		while k ~= nil do
			if k == "vulnerabilities" then return #v end
			k, v = next(r, k)
		end
		return -1`, report(infos[1]))
	if int(n.(lua.LNumber)) != counts[1] {
		t.Errorf("next over info.report gave vulnerabilities of length %s, want %d", n, counts[1])
	}
}

func TestLazyInfoEncodesAsEager(t *testing.T) {
	L := seedState(t)
	infos, _ := scanned(t, L)
	for i, it := range infos {
		want, err := luaconv.EncodeJSON(eager(L, it), false, true)
		if err != nil {
			t.Fatal(err)
		}
		got := call(t, L, `return require("json").encode(...)`, it)
		if string(got.(lua.LString)) != string(want) {
			t.Errorf("info %d: json.encode\n got %s\nwant %s", i, got, want)
		}
	}
	// FromLua (what request bodies and log fields go through) as well.
	infos, counts := scanned(t, seedState(t))
	v, err := luaconv.FromLua(report(infos[0]))
	if err != nil {
		t.Fatal(err)
	}
	if vs, _ := v.(map[string]any)["vulnerabilities"].([]any); len(vs) != counts[0] {
		t.Errorf("FromLua(info.report) has %d vulnerabilities, want %d", len(vs), counts[0])
	}
}
