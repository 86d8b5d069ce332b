package luainfo

import (
	"runtime"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// collected waits until cond holds, running the collector: cleanups run on
// their own goroutine after the cycle that freed the tables.
func collected(cond func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// A loop that reads infos one by one and keeps none must not accumulate
// them: streaming over a registry depends on it.
func TestInfosALoopDropsAreCollected(t *testing.T) {
	infos := benchInfos(t, 300, 20)
	L := lua.NewState()
	defer L.Close()
	next := 0
	L.SetGlobal("next_info", L.NewFunction(func(L *lua.LState) int {
		if next == len(infos) {
			return 0
		}
		L.Push(Push(L, infos[next]))
		next++
		return 1
	}))
	kept := 0
	L.SetGlobal("check", L.NewFunction(func(L *lua.LState) int {
		if _, ok := Lookup(L, L.Get(1)); !ok {
			L.RaiseError("Lookup failed on a live info")
		}
		kept++
		return 0
	}))
	if err := L.DoString(`
		local keep
		for info in next_info do
			assert(info:has_cve("CVE-2024-0001") ~= nil)
			keep = keep or info
		end
		KEEP = keep
	`); err != nil {
		t.Fatal(err)
	}
	o := objects(L)
	if !collected(func() bool { return o.Len() <= 1 }) {
		t.Fatalf("%d of %d infos still recorded after the loop dropped them", o.Len(), len(infos))
	}
	if err := L.DoString(`check(KEEP)`); err != nil || kept != 1 {
		t.Fatalf("the info kept in a global lost its Go value: %v", err)
	}
}

// Methods, pairs and json.encode keep working on an info that survived
// collections, and a plain table is not mistaken for one.
func TestKeptInfoStillWorks(t *testing.T) {
	infos := benchInfos(t, 2, 3)
	L := lua.NewState()
	defer L.Close()
	t1 := Push(L, infos[0])
	runtime.GC()
	runtime.GC()
	info, ok := Lookup(L, t1)
	if !ok || info != infos[0] {
		t.Fatal("Lookup lost a live info")
	}
	if _, ok := Lookup(L, L.NewTable()); ok {
		t.Fatal("a plain table was taken for an info")
	}
	hidden := 0
	t1.ForEach(func(k, _ lua.LValue) {
		if _, ok := k.(lua.LString); !ok {
			hidden++
		}
	})
	if hidden != 0 {
		t.Errorf("pairs(info) shows %d non-field keys", hidden)
	}
	if _, err := luaconv.EncodeJSON(t1, false, true); err != nil {
		t.Errorf("json.encode(info): %v", err)
	}
	L.SetGlobal("info", t1)
	if err := L.DoString(`assert(info:has_tag("v0") == true)`); err != nil {
		t.Fatal(err)
	}
}
