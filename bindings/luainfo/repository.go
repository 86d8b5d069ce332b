package luainfo

import (
	"weak"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/harbor"
)

// One call returns the artifacts of a repository with one Repository value
// between them, as harborapi shares one Repository object between its
// ArtifactInfos. Their tables share one repository table the same way: a
// kept sweep of 10,000 artifacts in 1,000 repositories otherwise decodes
// each repository ten times. Writing to info.repository therefore shows in
// every info of that repository from the same call.

// repoCapacity bounds the map; when full it starts over, which only costs
// sharing for repositories seen again afterwards (a call's results come
// grouped by repository).
const repoCapacity = 1 << 12

// repoTables maps a Repository value to its table. Both sides are weak, so
// the map keeps neither alive: results a script drops are collected, and a
// table that was collected is decoded again. Only the goroutine running the
// state uses it.
type repoTables struct {
	m map[weak.Pointer[harbor.Repository]]weak.Pointer[lua.LTable]
}

func repositories(L *lua.LState) *repoTables {
	if ud, ok := L.G.Registry.RawGetString(reposKey).(*lua.LUserData); ok {
		if r, ok := ud.Value.(*repoTables); ok {
			return r
		}
	}
	r := &repoTables{}
	ud := L.NewUserData()
	ud.Value = r
	L.G.Registry.RawSetString(reposKey, ud)
	return r
}

// repositoryTable is the table of repo, decoded once per Repository value.
func repositoryTable(L *lua.LState, repo *harbor.Repository) lua.LValue {
	rt := repositories(L)
	k := weak.Make(repo)
	if t := rt.m[k].Value(); t != nil {
		return t
	}
	v := decodeRaw(L, repo.Raw, repo, nil)
	t, ok := v.(*lua.LTable)
	if !ok {
		return v
	}
	if rt.m == nil || len(rt.m) >= repoCapacity {
		rt.m = make(map[weak.Pointer[harbor.Repository]]weak.Pointer[lua.LTable], 64)
	}
	rt.m[k] = weak.Make(t)
	return t
}
