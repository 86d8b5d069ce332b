package catalog_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luadoc"
	"github.com/harborscript/harborscript/bindings/luadoc/catalog"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luareport"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/engine/schedule"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

const referencePath = "../../../docs/lua-api.md"

// The committed reference is what the generator writes from the code today.
func TestReferenceIsUpToDate(t *testing.T) {
	committed, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (run: go generate ./bindings/luadoc)", err)
	}
	if want := catalog.Reference(); !bytes.Equal(committed, want) {
		t.Errorf("docs/lua-api.md is out of date with the luadoc.go entries (first difference near line %d); run: go generate ./bindings/luadoc",
			firstDiffLine(committed, want))
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

// members is what a module or value registers: its functions and its other
// fields, by name.
type members struct{ funcs, fields []string }

// fixture is a fresh state with every module preloaded and harbor.default
// pointing at a simulator, as a script run has.
type fixture struct {
	L      *lua.LState
	client *harbor.Client
}

func newFixture(t *testing.T) *fixture {
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
	L.SetContext(context.Background())
	if err := bindings.Setup(L, &bindings.Options{Harbor: luaharbor.Env{Default: c, Stderr: &bytes.Buffer{}}, Stdout: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	return &fixture{L: L, client: c}
}

// eval runs code and returns its single result.
func (f *fixture) eval(t *testing.T, code string) lua.LValue {
	t.Helper()
	if err := f.L.DoString("return " + code); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	v := f.L.Get(-1)
	f.L.Pop(1)
	return v
}

func tableMembers(t *testing.T, v lua.LValue) members {
	t.Helper()
	tb, ok := v.(*lua.LTable)
	if !ok {
		t.Fatalf("expected a table, got %s", v.Type())
	}
	var m members
	tb.ForEach(func(k, v lua.LValue) {
		if v.Type() == lua.LTFunction {
			m.funcs = append(m.funcs, k.String())
		} else {
			m.fields = append(m.fields, k.String())
		}
	})
	return m
}

// methodMembers lists the __index table of v's metatable.
func (f *fixture) methodMembers(t *testing.T, v lua.LValue) members {
	t.Helper()
	mt, ok := f.L.GetMetatable(v).(*lua.LTable)
	if !ok {
		t.Fatalf("%s has no metatable", v.Type())
	}
	return tableMembers(t, mt.RawGetString("__index"))
}

// probes read what each documented module or value really registers; the
// keys are the Module names of the reference.
var probes = map[string]func(t *testing.T, f *fixture) members{
	"harbor": func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("harbor")`)) },
	"client": func(t *testing.T, f *fixture) members {
		return f.methodMembers(t, f.eval(t, `require("harbor").default`))
	},
	"exception": func(t *testing.T, f *fixture) members {
		e := luaharbor.Exception(f.L, &harbor.Error{Type: harbor.TypeNotFound, Message: "m", StatusCode: 404, Key: "library/x",
			Request: &harbor.RequestInfo{Method: "GET", URL: "http://h/x"}, Errors: []harbor.ErrorDetail{{Code: "NOT_FOUND", Message: "m"}}})
		m := tableMembers(t, e)
		m.funcs = f.methodMembers(t, e).funcs
		return m
	},
	"harbor.ext.api": func(t *testing.T, f *fixture) members {
		return tableMembers(t, f.eval(t, `require("harbor.ext.api")`))
	},
	"ArtifactIterator": func(t *testing.T, f *fixture) members {
		it := f.eval(t, `require("harbor.ext.api").iter_artifacts{projects = {"library"}}`)
		m := f.methodMembers(t, it)
		if err := f.L.CallByParam(lua.P{Fn: f.L.GetField(f.L.GetMetatable(it).(*lua.LTable).RawGetString("__index"), "close"), Protect: true}, it); err != nil {
			t.Fatal(err)
		}
		return m
	},
	"ArtifactInfo": func(t *testing.T, f *fixture) members {
		info := f.eval(t, `require("harbor.ext.api").get_artifact("library", "alpine", "latest")`)
		m := tableMembers(t, info)
		m.funcs = f.methodMembers(t, info).funcs
		return m
	},
	"harbor.ext.report": func(t *testing.T, f *fixture) members {
		return tableMembers(t, f.eval(t, `require("harbor.ext.report")`))
	},
	"ArtifactReport": func(t *testing.T, f *fixture) members {
		funcs, fields := luareport.Members()
		// Every name Members gives must really answer through __index.
		r := f.eval(t, `require("harbor.ext.report").ArtifactReport(require("harbor.ext.api").get_artifact_vulnerabilities{projects = {"library"}})`)
		for _, name := range append(append([]string(nil), funcs...), fields...) {
			if f.L.GetField(r, name) == lua.LNil {
				t.Errorf("ArtifactReport: Members lists %s but the report has no such member", name)
			}
		}
		return members{funcs: funcs, fields: fields}
	},
	"json": func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("json")`)) },
	"log":  func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("log")`)) },
	"re":   func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("re")`)) },
	"Regexp": func(t *testing.T, f *fixture) members {
		return f.methodMembers(t, f.eval(t, `require("re").compile("a")`))
	},
	"http": func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("http")`)) },
	"http response": func(t *testing.T, f *fixture) members {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{}`)) }))
		defer srv.Close()
		return tableMembers(t, f.eval(t, `require("http").get("`+srv.URL+`")`))
	},
	"time": func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("time")`)) },
	"csv":  func(t *testing.T, f *fixture) members { return tableMembers(t, f.eval(t, `require("csv")`)) },
	"csv writer": func(t *testing.T, f *fixture) members {
		path := filepath.Join(t.TempDir(), "out.csv")
		return f.methodMembers(t, f.eval(t, `require("csv").writer("`+filepath.ToSlash(path)+`")`))
	},
	"globals": func(t *testing.T, f *fixture) members { return members{fields: runGlobals(t)} },
	"event":   func(t *testing.T, f *fixture) members { return members{fields: eventFields(t)} },
}

// runGlobals runs a script the way harborscript run does for a webhook
// event and lists the globals a plain Lua state does not have.
func runGlobals(t *testing.T) []string {
	t.Helper()
	plain := lua.NewState()
	defer plain.Close()
	std := map[string]bool{}
	plain.G.Global.ForEach(func(k, _ lua.LValue) { std[k.String()] = true })
	ev, err := schedule.EventFromJSON([]byte(`{"type":"PUSH_ARTIFACT","occur_at":1,"operator":"admin","event_data":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = engine.RunString(context.Background(), "globals.lua", `for k in pairs(_G) do print(k) end`, engine.Options{
		Args:   []string{"x"},
		Stdout: &out,
		Setup: func(L *lua.LState) error {
			if err := bindings.Setup(L, &bindings.Options{}); err != nil {
				return err
			}
			return schedule.InstallEvent(L, ev)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, name := range strings.Fields(out.String()) {
		if !std[name] {
			extra = append(extra, name)
		}
	}
	return extra
}

// eventFields are the keys of the event table over deliveries that
// between them set every optional field.
func eventFields(t *testing.T) []string {
	t.Helper()
	deliveries := []string{
		`{"type":"SCANNING_COMPLETED","occur_at":1764319206,"operator":"auto",
		  "event_data":{"repository":{"name":"alpine","namespace":"library","repo_full_name":"library/alpine"},
		    "resources":[{"digest":"sha256:1","tag":"3.19","resource_url":"h/library/alpine:3.19",
		      "scan_overview":{"application/vnd.security.vulnerability.report; version=1.1":
		        {"scan_status":"Success","severity":"High","summary":{"summary":{"High":1}}}}}]}}`,
		`{"type":"QUOTA_EXCEED","occur_at":1764319206,"operator":"",
		  "event_data":{"repository":{"name":"a","namespace":"p"},"custom_attributes":{"Details":"quota exceeded"}}}`,
	}
	seen := map[string]bool{}
	for _, d := range deliveries {
		ev, err := schedule.EventFromJSON([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		for k := range ev.Table() {
			seen[k] = true
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	return out
}

// Every function and field a module or value registers is documented, and
// everything documented exists.
func TestReferenceMatchesRegisteredNames(t *testing.T) {
	documented := map[string]bool{}
	for _, m := range catalog.Modules() {
		m := m
		documented[m.Name] = true
		probe, ok := probes[m.Name]
		if !ok {
			t.Errorf("%s is documented but the test has no way to load it; add a probe", m.Name)
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			got := probe(t, newFixture(t))
			compare(t, m.Name+" functions", m.FunctionNames(), got.funcs)
			compare(t, m.Name+" fields", m.FieldNames(), got.fields)
		})
	}
	for name := range probes {
		if !documented[name] {
			t.Errorf("%s is loaded by the test but has no documentation entry", name)
		}
	}
}

func compare(t *testing.T, what string, documented, registered []string) {
	t.Helper()
	doc, reg := set(documented), set(registered)
	for _, n := range sorted(reg) {
		if !doc[n] {
			t.Errorf("%s: %s exists but is not documented", what, n)
		}
	}
	for _, n := range sorted(doc) {
		if !reg[n] {
			t.Errorf("%s: %s is documented but does not exist", what, n)
		}
	}
	if len(documented) != len(doc) {
		t.Errorf("%s: a name is documented twice: %v", what, documented)
	}
}

func set(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The everyday methods in the reference are exactly luaharbor.Aliases(),
// each naming the operation it calls.
func TestAliasesListedWithTheirOperation(t *testing.T) {
	var client luadoc.Module
	for _, m := range catalog.Modules() {
		if m.Name == "client" {
			client = m
		}
	}
	brief := map[string]luadoc.Func{}
	for _, f := range client.Functions {
		if f.Brief {
			brief[f.Name] = f
		}
	}
	aliases := luaharbor.Aliases()
	if len(brief) != len(aliases) {
		t.Errorf("reference lists %d everyday methods, the client has %d", len(brief), len(aliases))
	}
	for name, op := range aliases {
		f, ok := brief[name]
		if !ok {
			t.Errorf("client:%s is missing from the everyday methods", name)
			continue
		}
		if !strings.HasPrefix(strings.ToLower(f.Summary), "`"+strings.ToLower(op)+"`") {
			t.Errorf("client:%s: summary %q does not name its operation %s", name, f.Summary, op)
		}
	}
}
