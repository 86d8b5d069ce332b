// Package bindings installs every Lua module harborscript offers into a
// state: the Harbor client and bulk helpers, and the script toolbox.
package bindings

import (
	"io"
	"net/http"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaapi"
	"github.com/harborscript/harborscript/bindings/luacsv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luahttp"
	"github.com/harborscript/harborscript/bindings/luajson"
	"github.com/harborscript/harborscript/bindings/lualog"
	"github.com/harborscript/harborscript/bindings/luare"
	"github.com/harborscript/harborscript/bindings/luareport"
	"github.com/harborscript/harborscript/bindings/luatime"
)

// Options configure the modules of one state.
type Options struct {
	// Harbor is the environment of the harbor modules (default client,
	// pool size, warnings, progress).
	Harbor luaharbor.Env
	// Log configures the log module (level, format, output, secrets to
	// redact).
	Log lualog.Config
	// Stdout is where modules that print (csv) write by default.
	Stdout io.Writer
	// CheckWrite is asked before a module creates a file (the runner's
	// sandbox); nil allows every write.
	CheckWrite func(L *lua.LState, path string) error
	// HTTPClient sends the http module's requests (nil: a default client).
	HTTPClient *http.Client
	// Now replaces the clock of the time module (tests pin it so that ages
	// are reproducible); nil is the real clock.
	Now func() time.Time
	// Globals are set as global variables (e.g. "event" for webhook runs).
	Globals map[string]lua.LValue
}

// Modules are the names scripts can require.
var Modules = []string{"harbor", "harbor.ext.api", "harbor.ext.report", "json", "log", "re", "http", "time", "csv"}

// Setup preloads every module into L; require loads them on first use.
func Setup(L *lua.LState, o *Options) error {
	env := o.Harbor
	luaharbor.SetEnv(L, &env)
	luaharbor.Preload(L)
	luaapi.Preload(L)
	luareport.Preload(L)
	luajson.Preload(L)
	luare.Preload(L)
	luahttp.PreloadWith(L, luahttp.Config{Client: o.HTTPClient})
	luatime.PreloadWith(L, luatime.Config{Now: o.Now})
	luacsv.PreloadWith(L, luacsv.Config{Stdout: o.Stdout, CheckWrite: o.CheckWrite})
	if err := lualog.PreloadWith(L, o.Log); err != nil {
		return err
	}
	wrapIterators(L)
	for name, v := range o.Globals {
		L.SetGlobal(name, v)
	}
	return nil
}
