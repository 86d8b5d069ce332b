package luaharbor

import (
	"context"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaopts"
	"github.com/harborscript/harborscript/harbor"
)

// Preload registers the "harbor" module.
func Preload(L *lua.LState) { L.PreloadModule("harbor", Loader) }

// Loader builds the "harbor" module table.
func Loader(L *lua.LState) int {
	mod := L.NewTable()
	newClient := L.NewFunction(luaNewClient)
	mod.RawSetString("client", newClient)
	mod.RawSetString("HarborAsyncClient", newClient)
	mod.RawSetString("operations", L.NewFunction(luaOperations))
	mod.RawSetString("is_client", L.NewFunction(func(L *lua.LState) int {
		_, ok := asClient(L.Get(1))
		L.Push(lua.LBool(ok))
		return 1
	}))
	mod.RawSetString("version", lua.LString(harbor.Version))
	if env := EnvOf(L); env.Default != nil {
		mod.RawSetString("default", PushClient(L, env.Default))
	}
	L.Push(mod)
	return 1
}

// clientOptions are the fields of harbor.client{...}, named as harborapi's
// HarborAsyncClient arguments.
type clientOptions struct {
	URL             string        `lua:"url"`
	BasicAuth       string        `lua:"basicauth"`
	Username        string        `lua:"username"`
	Secret          string        `lua:"secret"`
	CredentialsFile string        `lua:"credentials_file"`
	Verify          lua.LValue    `lua:"verify"`
	Timeout         time.Duration `lua:"timeout"`
	Retry           lua.LValue    `lua:"retry"`
	Auth            string        `lua:"auth"`
	MaxConnections  int           `lua:"max_connections"`
}

type retryOptions struct {
	MaxTries int           `lua:"max_tries"`
	MaxTime  time.Duration `lua:"max_time"`
}

const fnClient = "harbor.client"

func luaNewClient(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		ValueError(L, "%s: argument #1 must be a table of options, got %s", fnClient, L.Get(1).Type())
	}
	var o clientOptions
	if err := luaopts.Decode(fnClient, t, &o); err != nil {
		Raise(L, err)
	}
	env := EnvOf(L)
	opts := env.ClientDefaults
	opts.URL, opts.BasicAuth, opts.Username, opts.Secret = o.URL, o.BasicAuth, o.Username, o.Secret
	opts.CredentialsFile, opts.Timeout, opts.Auth = o.CredentialsFile, o.Timeout, o.Auth
	opts.Insecure, opts.CAFile = false, ""
	switch v := o.Verify.(type) {
	case nil, *lua.LNilType:
	case lua.LBool:
		opts.Insecure = !bool(v)
	case lua.LString:
		opts.CAFile = string(v)
	default:
		ValueError(L, "%s: verify must be true, false or the path of a CA bundle, got %s", fnClient, v.Type())
	}
	switch v := o.Retry.(type) {
	case nil, *lua.LNilType:
	case lua.LBool:
		if !v {
			opts.Retry.MaxTries = 1
		}
	case *lua.LTable:
		var r retryOptions
		if err := luaopts.Decode(fnClient+" retry", v, &r); err != nil {
			Raise(L, err)
		}
		if r.MaxTries < 0 {
			ValueError(L, "%s: retry.max_tries must be 1 or more, got %d", fnClient, r.MaxTries)
		}
		opts.Retry.MaxTries, opts.Retry.MaxTime = r.MaxTries, r.MaxTime
	default:
		ValueError(L, "%s: retry must be a table {max_tries=, max_time=} or false, got %s", fnClient, v.Type())
	}
	if o.MaxConnections < 0 || o.MaxConnections > 100 {
		ValueError(L, "%s: max_connections must be between 1 and 100, got %d", fnClient, o.MaxConnections)
	}
	c, err := harbor.New(opts)
	if err != nil {
		he := AsError(err)
		he.Message = fnClient + ": " + he.Message
		Raise(L, he)
	}
	L.Push(pushClient(L, &Client{C: c, MaxConnections: o.MaxConnections, owned: true}))
	return 1
}

// Context is the run's context: cancelling the run abandons the requests.
// A state without one (an embedder's) gets a context that never ends.
func Context(L *lua.LState) context.Context { return ctx(L) }

func ctx(L *lua.LState) context.Context {
	if c := L.Context(); c != nil {
		return c
	}
	return context.Background()
}

// OperationMatches says whether filter (case-insensitive) occurs in the
// operation's id, snake_case name, path or tag.
func OperationMatches(op *harbor.Operation, filter string) bool {
	f := strings.ToLower(filter)
	for _, s := range []string{op.ID, op.Name, op.Path, op.Tag} {
		if strings.Contains(strings.ToLower(s), f) {
			return true
		}
	}
	return false
}

func luaOperations(L *lua.LState) int {
	filter := L.OptString(1, "")
	out := L.NewTable()
	for _, op := range harbor.Operations() {
		if filter != "" && !OperationMatches(op, filter) {
			continue
		}
		t := L.CreateTable(0, 6)
		t.RawSetString("id", lua.LString(op.ID))
		t.RawSetString("name", lua.LString(op.Name))
		t.RawSetString("method", lua.LString(op.Method))
		t.RawSetString("path", lua.LString(op.Path))
		t.RawSetString("tag", lua.LString(op.Tag))
		t.RawSetString("paginated", lua.LBool(op.Paginated))
		params := L.CreateTable(len(op.Params), 0)
		for _, p := range op.Params {
			pt := L.CreateTable(0, 4)
			pt.RawSetString("name", lua.LString(p.Name))
			pt.RawSetString("in", lua.LString(p.In))
			pt.RawSetString("type", lua.LString(p.Type))
			pt.RawSetString("required", lua.LBool(p.Required))
			params.Append(pt)
		}
		t.RawSetString("params", params)
		out.Append(t)
	}
	L.Push(out)
	return 1
}
