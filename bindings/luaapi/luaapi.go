// Package luaapi is the Lua module "harbor.ext.api": harborapi's bulk
// helpers, run concurrently in Go with one exception callback per call.
package luaapi

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// Preload registers the "harbor.ext.api" module.
func Preload(L *lua.LState) { L.PreloadModule("harbor.ext.api", Loader) }

// Loader builds the module table.
func Loader(L *lua.LState) int {
	mod := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"get_artifacts":                getArtifacts,
		"get_artifact_vulnerabilities": getArtifactVulnerabilities,
		"get_artifact":                 getArtifact,
		"get_repositories":             getRepositories,
		"get_artifact_owner":           getArtifactOwner,
		"filter_artifacts_latest":      filterArtifactsLatest,
	} {
		mod.RawSetString(name, L.NewFunction(fn))
	}
	withIterators(L, mod)
	L.Push(mod)
	return 1
}

// bulkOptions are the options of get_artifacts and
// get_artifact_vulnerabilities, named as harborapi's keyword arguments.
type bulkOptions struct {
	Projects            []string       `lua:"projects,single"`
	Repositories        []string       `lua:"repositories,single"`
	Tag                 string         `lua:"tag"`
	Tags                []string       `lua:"tags,single"`
	Query               string         `lua:"query"`
	Callback            *lua.LFunction `lua:"callback"`
	MaxConnections      int            `lua:"max_connections"`
	WithLabel           bool           `lua:"with_label"`
	WithScanOverview    bool           `lua:"with_scan_overview"`
	WithSignature       bool           `lua:"with_signature"`
	WithImmutableStatus bool           `lua:"with_immutable_status"`
	WithAccessory       bool           `lua:"with_accessory"`
	WithSBOMOverview    bool           `lua:"with_sbom_overview"`
}

// poolSize checks a call's max_connections and picks the pool size: the
// call's, else its client's, else the run's.
func poolSize(L *lua.LState, fn string, max int, c *luaharbor.Client) int {
	if max < 0 || max > 100 {
		luaharbor.ValueError(L, "%s: max_connections must be between 1 and 100, got %d", fn, max)
	}
	if max == 0 {
		max = c.MaxConnections
	}
	if max == 0 {
		max = luaharbor.EnvOf(L).MaxConns()
	}
	return max
}

func (o *bulkOptions) ext() ext.Options {
	return ext.Options{
		Projects:       o.Projects,
		Repositories:   o.Repositories,
		Tag:            o.Tag,
		Tags:           o.Tags,
		Query:          o.Query,
		MaxConnections: o.MaxConnections,
		Artifact: harbor.ArtifactOptions{
			WithLabel:           o.WithLabel,
			WithScanOverview:    o.WithScanOverview,
			WithSignature:       o.WithSignature,
			WithImmutableStatus: o.WithImmutableStatus,
			WithAccessory:       o.WithAccessory,
			WithSBOMOverview:    o.WithSBOMOverview,
		},
	}
}

// bulkArgs reads ([client,] opts) and validates the options; MaxConnections
// comes back as the pool size to use.
func bulkArgs(L *lua.LState, fn string, reports bool) (*luaharbor.Client, *bulkOptions) {
	c, n := luaharbor.ClientArg(L, fn)
	var o bulkOptions
	luaharbor.OptionsArg(L, fn, n, &o)
	if L.GetTop() > n {
		luaharbor.ValueError(L, "%s: takes ([client,] options), got %d arguments", fn, L.GetTop())
	}
	o.MaxConnections = poolSize(L, fn, o.MaxConnections, c)
	if !reports && len(o.Tags) > 0 {
		luaharbor.ValueError(L, "%s: tags is an option of get_artifact_vulnerabilities; use tag or query here", fn)
	}
	return c, &o
}

func getArtifacts(L *lua.LState) int {
	return bulk(L, "get_artifacts", false)
}

func getArtifactVulnerabilities(L *lua.LState) int {
	return bulk(L, "get_artifact_vulnerabilities", true)
}

func bulk(L *lua.LState, fn string, reports bool) int {
	c, o := bulkArgs(L, fn, reports)
	env := luaharbor.EnvOf(L)
	opts := o.ext()
	var finish func()
	if env.Progress != nil {
		opts.Progress, finish = env.Progress(fn)
	}
	var (
		infos []*ext.ArtifactInfo
		errs  []error
	)
	if reports {
		infos, errs = ext.GetArtifactVulnerabilities(luaharbor.Context(L), c.C, opts)
	} else {
		infos, errs = ext.GetArtifacts(luaharbor.Context(L), c.C, opts)
	}
	if finish != nil {
		finish()
	}
	if err := luaharbor.Context(L).Err(); err != nil {
		luaharbor.Raise(L, err)
	}
	out := L.CreateTable(len(infos), 0)
	for _, info := range infos {
		out.Append(luainfo.Push(L, info))
	}
	report(L, fn, o.Callback, errs)
	L.Push(out)
	return 1
}

// report hands the failures of one call to its callback, exactly once and on
// the script's goroutine, or warns on stderr when there is no callback. An
// error raised by the callback propagates with its own traceback.
func report(L *lua.LState, fn string, cb *lua.LFunction, errs []error) {
	env := luaharbor.EnvOf(L)
	if env.Stats != nil {
		env.Stats(len(errs))
	}
	if cb == nil {
		if len(errs) > 0 {
			env.Warn(fmt.Sprintf("%s: %d request(s) failed; pass a callback to see them (first: %s)", fn, len(errs), errs[0]))
		}
		return
	}
	list := L.CreateTable(len(errs), 0)
	for _, err := range errs {
		list.Append(luaharbor.Exception(L, err))
	}
	L.Push(cb)
	L.Push(list)
	L.Call(1, 0)
}

type artifactOptions struct {
	WithReport bool `lua:"with_report"`
}

func getArtifact(L *lua.LState) int {
	const fn = "get_artifact"
	c, n := luaharbor.ClientArg(L, fn)
	args := make([]string, 3)
	for i, name := range []string{"project", "repository", "reference"} {
		s, ok := L.Get(n + i).(lua.LString)
		if !ok || s == "" {
			luaharbor.ValueError(L, "%s: %s must be a non-empty string, got %s", fn, name, luaconv.TypeName(L.Get(n+i)))
		}
		args[i] = string(s)
	}
	o := artifactOptions{WithReport: true}
	luaharbor.OptionsArg(L, fn, n+3, &o)
	info, err := ext.GetArtifact(luaharbor.Context(L), c.C, args[0], args[1], args[2], o.WithReport)
	if err != nil {
		luaharbor.Raise(L, err)
	}
	L.Push(luainfo.Push(L, info))
	return 1
}

type repositoriesOptions struct {
	Projects       []string       `lua:"projects,single"`
	Callback       *lua.LFunction `lua:"callback"`
	MaxConnections int            `lua:"max_connections"`
}

func getRepositories(L *lua.LState) int {
	const fn = "get_repositories"
	c, n := luaharbor.ClientArg(L, fn)
	var o repositoriesOptions
	luaharbor.OptionsArg(L, fn, n, &o)
	repos, errs := ext.GetRepositories(luaharbor.Context(L), c.C, o.Projects, poolSize(L, fn, o.MaxConnections, c))
	if err := luaharbor.Context(L).Err(); err != nil {
		luaharbor.Raise(L, err)
	}
	out := L.CreateTable(len(repos), 0)
	for _, r := range repos {
		v, err := luaconv.DecodeJSON(L, r.Raw)
		if err != nil {
			luaharbor.Raise(L, err)
		}
		out.Append(v)
	}
	report(L, fn, o.Callback, errs)
	L.Push(out)
	return 1
}

func getArtifactOwner(L *lua.LState) int {
	const fn = "get_artifact_owner"
	c, n := luaharbor.ClientArg(L, fn)
	var a *harbor.Artifact
	if info, ok := luainfo.Lookup(L, L.Get(n)); ok {
		a = info.Artifact
	} else if t, ok := L.Get(n).(*lua.LTable); ok {
		// A plain artifact table, as client:get_artifact returns.
		a = &harbor.Artifact{}
		if id, ok := t.RawGetString("project_id").(lua.LNumber); ok {
			a.ProjectID = int64(id)
		}
	} else {
		luaharbor.ValueError(L, "%s: argument #%d must be an ArtifactInfo or an artifact table, got %s", fn, n, luaconv.TypeName(L.Get(n)))
	}
	u, err := ext.GetArtifactOwner(luaharbor.Context(L), c.C, a)
	if err != nil {
		luaharbor.Raise(L, err)
	}
	v, err := luaconv.DecodeJSON(L, u.Raw)
	if err != nil {
		luaharbor.Raise(L, err)
	}
	L.Push(v)
	return 1
}

func filterArtifactsLatest(L *lua.LState) int {
	const fn = "filter_artifacts_latest"
	list, ok := L.Get(1).(*lua.LTable)
	if !ok {
		luaharbor.ValueError(L, "%s: argument #1 must be a list of ArtifactInfo, got %s", fn, luaconv.TypeName(L.Get(1)))
	}
	var fallback *lua.LFunction
	if v := L.Get(2); v != lua.LNil {
		if fallback, ok = v.(*lua.LFunction); !ok {
			luaharbor.ValueError(L, "%s: fallback must be a function, got %s", fn, luaconv.TypeName(v))
		}
	}
	tables := map[*ext.ArtifactInfo]*lua.LTable{}
	var infos []*ext.ArtifactInfo
	for i := 1; i <= list.Len(); i++ {
		info, ok := luainfo.Lookup(L, list.RawGetInt(i))
		if !ok {
			luaharbor.ValueError(L, "%s: element %d is not an ArtifactInfo (got %s)", fn, i, luaconv.TypeName(list.RawGetInt(i)))
		}
		tables[info] = list.RawGetInt(i).(*lua.LTable)
		infos = append(infos, info)
	}
	var pick func(a, b *ext.ArtifactInfo) *ext.ArtifactInfo
	if fallback != nil {
		pick = func(a, b *ext.ArtifactInfo) *ext.ArtifactInfo {
			L.Push(fallback)
			L.Push(tables[a])
			L.Push(tables[b])
			L.Call(2, 1)
			ret := L.Get(-1)
			L.Pop(1)
			if chosen, ok := luainfo.Lookup(L, ret); ok {
				return chosen
			}
			luaharbor.ValueError(L, "%s: fallback must return one of its two arguments, got %s", fn, luaconv.TypeName(ret))
			return nil
		}
	}
	out := L.NewTable()
	for _, info := range ext.FilterArtifactsLatest(infos, pick) {
		out.Append(tables[info])
	}
	L.Push(out)
	return 1
}
