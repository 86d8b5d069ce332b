package luainfo

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Every method names itself when called with a dot instead of a colon, and
// when its first argument is missing.
func TestEveryMethodNamesItsMistakes(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("info", Push(L, benchInfos(t, 1, 2)[0]))
	for name := range methods {
		for code, want := range map[string]string{
			"info." + name + "({})": name + ": argument #1 must be an ArtifactInfo (call it as info:" + name + "(...)), got a table that is not an ArtifactInfo",
			"info:" + name + "()":   name + ": argument #2 must be a string, got nil",
		} {
			err := L.DoString(code)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: got %v, want %q", code, err, want)
			}
		}
	}
}
