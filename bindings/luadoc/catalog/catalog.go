// Package catalog gathers the documentation entries of every Lua module in
// the order the reference presents them, for the generator and the CLI.
package catalog

import (
	"github.com/harborscript/harborscript/bindings/luaapi"
	"github.com/harborscript/harborscript/bindings/luacsv"
	"github.com/harborscript/harborscript/bindings/luadoc"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luahttp"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/bindings/luajson"
	"github.com/harborscript/harborscript/bindings/lualog"
	"github.com/harborscript/harborscript/bindings/luare"
	"github.com/harborscript/harborscript/bindings/luareport"
	"github.com/harborscript/harborscript/bindings/luatime"
)

// Modules returns every documented module, value type and the globals:
// the Harbor modules first, then the toolbox, then what the runner sets.
func Modules() []luadoc.Module {
	var out []luadoc.Module
	for _, doc := range []func() []luadoc.Module{
		luaharbor.Doc, luaapi.Doc, luainfo.Doc, luareport.Doc,
		luajson.Doc, lualog.Doc, luare.Doc, luahttp.Doc, luatime.Doc, luacsv.Doc,
	} {
		out = append(out, doc()...)
	}
	return append(out, Globals(), Event())
}

// Reference is the Markdown of docs/lua-api.md.
func Reference() []byte { return luadoc.Render(Modules()) }
