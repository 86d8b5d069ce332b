package luaharbor

import (
	"io"
	"os"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// Env is what the runner gives the Harbor modules of one Lua state.
type Env struct {
	// Default is harbor.default: the client built from the runner's flags
	// and environment (nil when none was configured).
	Default *harbor.Client
	// ClientDefaults are inherited by clients a script builds with
	// harbor.client{} (dry run, logging); connection settings are not.
	ClientDefaults harbor.Options
	// MaxConnections is the default pool size of ext.api calls.
	MaxConnections int
	// Stderr receives warnings (failed requests without a callback).
	Stderr io.Writer
	// Progress, when set, returns a progress reporter for one bulk call and
	// a function to call when it ends.
	Progress func(label string) (func(ext.Progress), func())
	// Stats, when set, is told the number of exceptions each bulk call
	// reported (run history).
	Stats func(exceptions int)
}

const envKey = "harborscript.env"

// SetEnv attaches env to L; call it before the script runs.
func SetEnv(L *lua.LState, env *Env) {
	ud := L.NewUserData()
	ud.Value = env
	L.G.Registry.RawSetString(envKey, ud)
}

// EnvOf returns the Env of L (an empty one when none was set).
func EnvOf(L *lua.LState) *Env {
	if ud, ok := L.G.Registry.RawGetString(envKey).(*lua.LUserData); ok {
		if env, ok := ud.Value.(*Env); ok {
			return env
		}
	}
	env := &Env{}
	SetEnv(L, env)
	return env
}

func (e *Env) stderr() io.Writer {
	if e.Stderr == nil {
		return os.Stderr
	}
	return e.Stderr
}

// Warn writes one warning line to the run's stderr.
func (e *Env) Warn(msg string) {
	io.WriteString(e.stderr(), "warning: "+msg+"\n")
}

// MaxConns is the pool size to use when a call does not say.
func (e *Env) MaxConns() int {
	if e.MaxConnections > 0 {
		return e.MaxConnections
	}
	return ext.DefaultMaxConnections
}
