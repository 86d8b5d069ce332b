package luaconv

import (
	"runtime"
	"sync"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// Objects links plain tables (an ArtifactInfo, an ArtifactReport) to the Go
// values behind them. The tables stay plain so that pairs shows data only
// and json.encode works, so the link lives beside them, keyed by weak
// pointers: gopher-lua ignores __mode, and a strong key would keep every
// table a streaming loop has seen, with its Go value, until the run ends.
// An entry goes when the garbage collector frees its table, so a value must
// not refer to its own table.
type Objects[T any] struct {
	mu sync.Mutex // cleanups run on the runtime's own goroutine
	m  map[weak.Pointer[lua.LTable]]T
}

// StateObjects returns the Objects kept in L's registry under key, made on
// first use.
func StateObjects[T any](L *lua.LState, key string) *Objects[T] {
	if ud, ok := L.G.Registry.RawGetString(key).(*lua.LUserData); ok {
		if o, ok := ud.Value.(*Objects[T]); ok {
			return o
		}
	}
	o := &Objects[T]{m: map[weak.Pointer[lua.LTable]]T{}}
	ud := L.NewUserData()
	ud.Value = o
	L.G.Registry.RawSetString(key, ud)
	return o
}

// Add links t to v until t is collected.
func (o *Objects[T]) Add(t *lua.LTable, v T) {
	k := weak.Make(t)
	o.mu.Lock()
	o.m[k] = v
	o.mu.Unlock()
	runtime.AddCleanup(t, o.forget, k)
}

func (o *Objects[T]) forget(k weak.Pointer[lua.LTable]) {
	o.mu.Lock()
	delete(o.m, k)
	o.mu.Unlock()
}

// Get returns the value linked to t.
func (o *Objects[T]) Get(t *lua.LTable) (T, bool) {
	o.mu.Lock()
	v, ok := o.m[weak.Make(t)]
	o.mu.Unlock()
	return v, ok
}

// Len is the number of linked tables not yet collected.
func (o *Objects[T]) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.m)
}
