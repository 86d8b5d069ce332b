package luaapi

import (
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/harbor/ext"
)

// Window is how many finished ArtifactInfos an iterator holds ahead of the
// loop that reads them (plus one per connection and one per decoder about
// to hand one over).
const Window = ext.DefaultWindow

// The streaming forms of get_artifacts and get_artifact_vulnerabilities:
//
//	for info in api.iter_artifacts{projects={"library"}} do ... end
//
// The iterator is a callable object, so it serves as a generic for's
// iterator and also has it:close(). Its results come from the pool workers
// through ext.Iterator's bounded window; the Lua tables are built here, on
// the script's goroutine, one per step.
//
// The callback fires exactly once: when the loop has read the last result,
// when it:close() is called, or when an abandoned iterator is closed. Lua 5.1
// has no to-be-closed variables, so a loop left with break or an error goes
// unnoticed at that moment. An iterator counts as abandoned when no local
// variable of a running function of its coroutine holds it (the hidden
// variables of a running for loop included); every harbor.ext.api call
// first closes the abandoned iterators: it cancels their outstanding
// requests, waits for their workers and then fires their callbacks. An
// iterator kept in a local variable stays open until it:close() or the end
// of the run; when the run's context ends, its requests are cancelled and its
// workers stop, but the callback is not called since the script no longer
// runs.

const (
	iterMetaKey = "harbor.ext.api.iterator.meta"
	openKey     = "harbor.ext.api.iterators"
)

type iterator struct {
	it       *ext.Iterator
	fn       string
	cb       *lua.LFunction
	owner    *lua.LState
	ud       *lua.LUserData
	finish   func() // ends the progress display, or nil
	finished bool
}

// openSet is the iterators of one state not yet finished, in creation order.
type openSet struct{ list []*iterator }

func opened(L *lua.LState) *openSet {
	if ud, ok := L.G.Registry.RawGetString(openKey).(*lua.LUserData); ok {
		if s, ok := ud.Value.(*openSet); ok {
			return s
		}
	}
	s := &openSet{}
	ud := L.NewUserData()
	ud.Value = s
	L.G.Registry.RawSetString(openKey, ud)
	return s
}

func (s *openSet) remove(it *iterator) {
	for i, x := range s.list {
		if x == it {
			s.list = append(s.list[:i], s.list[i+1:]...)
			return
		}
	}
}

func iterArtifacts(L *lua.LState) int {
	return iterate(L, "iter_artifacts", false)
}

func iterArtifactVulnerabilities(L *lua.LState) int {
	return iterate(L, "iter_artifact_vulnerabilities", true)
}

func iterate(L *lua.LState, fn string, reports bool) int {
	c, o := bulkArgs(L, fn, reports)
	env := luaharbor.EnvOf(L)
	opts := o.ext()
	it := &iterator{fn: fn, cb: o.Callback, owner: L}
	if env.Progress != nil {
		opts.Progress, it.finish = env.Progress(fn)
	}
	ctx := luaharbor.Context(L)
	it.it = ext.Iterate(ctx, c.C, opts, reports, Window)
	it.ud = L.NewUserData()
	it.ud.Value = it
	it.ud.Metatable = iterMeta(L)
	s := opened(L)
	s.list = append(s.list, it)
	L.Push(it.ud)
	return 1
}

func iterMeta(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(iterMetaKey).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__call", L.NewFunction(iterStep))
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{"close": iterClose}))
	mt.RawSetString("__name", lua.LString("ArtifactIterator"))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		it := checkIter(L, "tostring")
		state := "open"
		if it.finished {
			state = "closed"
		}
		L.Push(lua.LString("ArtifactIterator(" + it.fn + ", " + state + ")"))
		return 1
	}))
	L.G.Registry.RawSetString(iterMetaKey, mt)
	return mt
}

func checkIter(L *lua.LState, what string) *iterator {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if it, ok := ud.Value.(*iterator); ok {
			return it
		}
	}
	luaharbor.ValueError(L, "%s: expected an iterator from iter_artifacts or iter_artifact_vulnerabilities", what)
	return nil
}

// iterStep is the generic for's call: the next ArtifactInfo, or nil at the
// end, when the callback fires.
func iterStep(L *lua.LState) int {
	it := checkIter(L, "iterator")
	if it.finished {
		L.Push(lua.LNil)
		return 1
	}
	info, ok := it.it.Next()
	if ok {
		L.Push(luainfo.Push(L, info))
		return 1
	}
	end(L, it)
	L.Push(lua.LNil)
	return 1
}

// iterClose is it:close(): stop now and fire the callback if it has not
// fired yet. Closing twice is harmless.
func iterClose(L *lua.LState) int {
	end(L, checkIter(L, "close"))
	return 0
}

// end finishes an iterator once: its fetch is stopped and waited for, then
// the callback gets the failures. When the run itself was cancelled, the
// cancellation is raised instead, as the get_* functions do.
func end(L *lua.LState, it *iterator) {
	if it.finished {
		return
	}
	it.finished = true
	opened(L).remove(it)
	errs := it.it.Close()
	if it.finish != nil {
		it.finish()
	}
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		luaharbor.Raise(L, ctx.Err())
	}
	report(L, it.fn, it.cb, errs)
}

// closeAbandoned ends the iterators of L's coroutine that no running
// function holds in a local variable any more.
func closeAbandoned(L *lua.LState) {
	s := opened(L)
	if len(s.list) == 0 {
		return
	}
	held := heldLocals(L)
	for _, it := range append([]*iterator(nil), s.list...) {
		if it.owner == L && !held[it.ud] {
			end(L, it)
		}
	}
}

// heldLocals collects the userdata held by named local variables of every
// running function of L, including a for loop's hidden "(for generator)".
// Temporaries are skipped: a register freed by break may still hold the
// iterator until it is reused.
func heldLocals(L *lua.LState) map[*lua.LUserData]bool {
	held := map[*lua.LUserData]bool{}
	for level := 0; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		for n := 1; ; n++ {
			name, v := L.GetLocal(dbg, n)
			if name == "" {
				break
			}
			if strings.HasPrefix(name, "(*") {
				continue
			}
			if ud, ok := v.(*lua.LUserData); ok {
				held[ud] = true
			}
		}
	}
	return held
}

// withIterators adds the iterator functions to the module and makes every
// function of the module close abandoned iterators before it runs.
func withIterators(L *lua.LState, mod *lua.LTable) {
	mod.RawSetString("iter_artifacts", L.NewFunction(iterArtifacts))
	mod.RawSetString("iter_artifact_vulnerabilities", L.NewFunction(iterArtifactVulnerabilities))
	var names []string
	mod.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
	for _, name := range names {
		fn := mod.RawGetString(name).(*lua.LFunction).GFunction
		mod.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			closeAbandoned(L)
			return fn(L)
		}))
	}
}
