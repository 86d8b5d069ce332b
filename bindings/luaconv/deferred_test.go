package luaconv

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

var deferredDocs = []string{
	`{"id":1,"tags":[{"name":"v1"}],"labels":null,"extra_attrs":{"config":{},"os":"linux"},"digest":"sha256:ab"}`,
	`{"tags":null,"labels":null,"id":2}`,
	`{"a":{"b":[{},[]]},"a":null,"c":[1,2],"c":{"x":true}}`,
	`{"tags":[],"x":"\u00e9\n","links":{"self":{"href":"/p"}},"n":-1.5e3}`,
	`{}`, `[{"tags":[]}]`, `"tags"`, `null`,
	` { "tags" : [ 1 , 2 ] , "id" : 3 } `,
}

func deferSome(k string) bool {
	return k == "tags" || k == "extra_attrs" || k == "a" || k == "links" || k == "c"
}
func deferAll(string) bool { return true }

// unsorted is the table as iteration order gives it, which json.encode
// without sort_keys follows.
func unsorted(t *testing.T, v lua.LValue) string {
	t.Helper()
	out, err := EncodeJSON(v, false, false)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestDeferredBuildsWhatDecodeJSONBuilds(t *testing.T) {
	for _, pred := range []func(string) bool{deferSome, deferAll} {
		for _, doc := range deferredDocs {
			L := lua.NewState(lua.Options{SkipOpenLibs: true})
			want, err := DecodeJSON(L, []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeJSONDeferred(L, []byte(doc), pred)
			if err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			if g, w := unsorted(t, got), unsorted(t, want); g != w {
				t.Errorf("%s:\n got %s\nwant %s", doc, g, w)
			}
			L.Close()
		}
	}
}

func TestDeferredMembersAreLeftOutUntilRead(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v, err := DecodeJSONDeferred(L, []byte(deferredDocs[0]), deferSome)
	if err != nil {
		t.Fatal(err)
	}
	tb := v.(*lua.LTable)
	if tb.RawGetString("tags") != lua.LNil || tb.RawGetString("extra_attrs") != lua.LNil {
		t.Fatal("deferred members are in the table before any read")
	}
	if tb.RawGetString("digest") != lua.LString("sha256:ab") {
		t.Fatalf("digest = %v, want the decoded string", tb.RawGetString("digest"))
	}
	L.SetGlobal("a", tb)
	if err := L.DoString(`
		assert(a.extra_attrs.os == "linux", "extra_attrs.os")
		assert(next(a.extra_attrs.config) == nil, "config is an empty object")
		assert(a.tags[1].name == "v1", "tags[1].name")
		assert(rawget(a, "tags") == a.tags, "built members are plain members")
		assert(getmetatable(a) == nil, "the lazy metatable stays after building")
		assert(a.labels == nil, "null members stay absent")`); err != nil {
		t.Fatal(err)
	}
}

func TestWritingDeferredTableBuildsItFirst(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for _, code := range []string{
		// Assigning a deferred member must not be undone by building.
		`a.tags = "mine"; assert(a.tags == "mine"); assert(a.extra_attrs.os == "linux")`,
		// Removing one that was never read must remove it.
		`a.tags = nil; assert(a.tags == nil); assert(a.extra_attrs ~= nil)`,
		// A new member builds the rest too, so nothing is lost.
		`a.note = 1; assert(rawget(a, "tags") ~= nil)`,
		`assert(not pcall(function() a[nil] = 1 end), "a nil key is still an error")`,
	} {
		v, err := DecodeJSONDeferred(L, []byte(deferredDocs[0]), deferSome)
		if err != nil {
			t.Fatal(err)
		}
		L.SetGlobal("a", v)
		if err := L.DoString(code); err != nil {
			t.Errorf("%s: %v", code, err)
		}
	}
}

func TestMaterializeBuildsDeferredMembersInPlace(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	doc := []byte(deferredDocs[0])
	v, _ := DecodeJSONDeferred(L, doc, deferSome)
	want, _ := DecodeJSON(L, doc)
	tb := v.(*lua.LTable)
	Materialize(tb)
	var keys []string
	for k, _ := tb.Next(lua.LNil); k != lua.LNil; k, _ = tb.Next(k) {
		keys = append(keys, k.String())
	}
	var wantKeys []string
	w := want.(*lua.LTable)
	for k, _ := w.Next(lua.LNil); k != lua.LNil; k, _ = w.Next(k) {
		wantKeys = append(wantKeys, k.String())
	}
	if strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
		t.Errorf("next order %v, want %v", keys, wantKeys)
	}
	// A copied lazy metatable builds nothing into the other table.
	v2, _ := DecodeJSONDeferred(L, doc, deferSome)
	other := L.NewTable()
	other.Metatable = v2.(*lua.LTable).Metatable
	Materialize(other)
	if other.RawGetString("tags") != lua.LNil {
		t.Error("building a table that only borrowed the metatable filled it")
	}
	Materialize(v2)
	if v2.(*lua.LTable).RawGetString("tags") == lua.LNil {
		t.Error("the owner was not built after another table used its metatable")
	}
}

func TestDeferredRefusesWhatDecodeJSONRefuses(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, doc := range []string{
		`{"tags":[1,}`, `{"tags":"\x"}`, `{"tags":{"a" 1}}`, `{"tags":[tru]}`, `{"tags":[1]`,
		`{"tags":[1]} x`, `{"tags":-}`, `{"tags":"` + "\x01" + `"}`,
		`{"tags":` + strings.Repeat("[", maxDepth+1),
	} {
		_, want := DecodeJSON(L, []byte(doc))
		_, got := DecodeJSONDeferred(L, []byte(doc), deferAll)
		if want == nil || got == nil {
			t.Errorf("%q: DecodeJSON error %v, deferred error %v; want both to fail", doc, want, got)
			continue
		}
		if got.Error() != want.Error() {
			t.Errorf("%q: deferred error %q, want %q", doc, got, want)
		}
	}
}

// FuzzDecodeJSONDeferred holds deferred decoding to DecodeJSON: the same
// errors, and once built the same table in the same iteration order.
func FuzzDecodeJSONDeferred(f *testing.F) {
	for _, s := range deferredDocs {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, mask uint8) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		pred := func(k string) bool { return len(k) > 0 && mask&(1<<(k[0]%8)) != 0 }
		want, wantErr := DecodeJSON(L, data)
		got, err := DecodeJSONDeferred(L, data, pred)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: deferred error %v, DecodeJSON error %v", data, err, wantErr)
		}
		if err != nil {
			if err.Error() != wantErr.Error() {
				t.Fatalf("%q: deferred error %q, want %q", data, err, wantErr)
			}
			return
		}
		Materialize(got)
		w, errW := EncodeJSON(want, false, false)
		g, errG := EncodeJSON(got, false, false)
		if (errW == nil) != (errG == nil) || string(w) != string(g) {
			t.Fatalf("%q:\n got %s (%v)\nwant %s (%v)", data, g, errG, w, errW)
		}
	})
}
