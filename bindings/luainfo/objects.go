package luainfo

import (
	"runtime"
	"sync"
	"weak"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/harbor/ext"
)

// infoObjects finds the Go value behind an info table. The tables stay plain
// (pairs shows data only, json.encode works), so the link lives beside them,
// keyed by weak pointers: gopher-lua ignores __mode, and a strong key would
// keep every info a streaming loop has seen, with its report, until the run
// ends. An entry goes when the garbage collector frees its table.
type infoObjects struct {
	mu sync.Mutex // cleanups run on the runtime's own goroutine
	m  map[weak.Pointer[lua.LTable]]*ext.ArtifactInfo
}

func objects(L *lua.LState) *infoObjects {
	if ud, ok := L.G.Registry.RawGetString(objectsKey).(*lua.LUserData); ok {
		if o, ok := ud.Value.(*infoObjects); ok {
			return o
		}
	}
	o := &infoObjects{m: map[weak.Pointer[lua.LTable]]*ext.ArtifactInfo{}}
	ud := L.NewUserData()
	ud.Value = o
	L.G.Registry.RawSetString(objectsKey, ud)
	return o
}

func (o *infoObjects) add(t *lua.LTable, info *ext.ArtifactInfo) {
	k := weak.Make(t)
	o.mu.Lock()
	o.m[k] = info
	o.mu.Unlock()
	runtime.AddCleanup(t, o.forget, k)
}

func (o *infoObjects) forget(k weak.Pointer[lua.LTable]) {
	o.mu.Lock()
	delete(o.m, k)
	o.mu.Unlock()
}

func (o *infoObjects) get(t *lua.LTable) (*ext.ArtifactInfo, bool) {
	o.mu.Lock()
	info, ok := o.m[weak.Make(t)]
	o.mu.Unlock()
	return info, ok
}

// len is the number of info tables not yet collected (for tests).
func (o *infoObjects) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.m)
}
