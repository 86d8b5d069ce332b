package luaharbor

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaopts"
)

func decodeOpts(fn string, t *lua.LTable, dst any) error { return luaopts.Decode(fn, t, dst) }
