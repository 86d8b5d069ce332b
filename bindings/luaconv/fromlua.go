package luaconv

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// FromOption adjusts FromLua.
type FromOption func(*fromConfig)

type fromConfig struct {
	emptyArray bool
	root       string
}

// EmptyAsArray converts unmarked empty tables to []any instead of map[string]any.
func EmptyAsArray() FromOption { return func(c *fromConfig) { c.emptyArray = true } }

// Root names the value in error messages (default "value"), e.g. "opts.body".
func Root(name string) FromOption { return func(c *fromConfig) { c.root = name } }

// FromLua converts a Lua value to Go: map[string]any, []any, int64 for
// integral numbers that fit, float64 for others, string, bool, and nil for
// nil and Null.
func FromLua(v lua.LValue, opts ...FromOption) (any, error) {
	c := fromConfig{root: "value"}
	for _, o := range opts {
		o(&c)
	}
	f := &fromLua{cfg: c, path: path{root: c.root}, seen: map[*lua.LTable]struct{}{}}
	return f.value(v, 0)
}

type fromLua struct {
	cfg  fromConfig
	path path
	seen map[*lua.LTable]struct{}
}

func (f *fromLua) fail(reason string) error {
	return &PathError{Path: f.path.String(), Reason: reason}
}

func (f *fromLua) value(v lua.LValue, depth int) (any, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LNumber:
		n := float64(x)
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, f.fail("cannot convert " + x.String() + " (NaN and infinities have no JSON form)")
		}
		if n == math.Trunc(n) && n >= -(1<<63) && n < 1<<63 {
			return int64(n), nil
		}
		return n, nil
	case lua.LString:
		return string(x), nil
	case *lua.LTable:
		return f.table(x, depth)
	default:
		if v == Null {
			return nil, nil
		}
		return nil, f.fail("cannot convert a " + TypeName(v))
	}
}

func (f *fromLua) table(tb *lua.LTable, depth int) (any, error) {
	if _, cyc := f.seen[tb]; cyc {
		return nil, f.fail("cycle: the table contains itself")
	}
	if depth >= maxDepth {
		return nil, f.fail("nested too deeply")
	}
	sh, why := shape(tb, f.cfg.emptyArray, false)
	if why != "" {
		return nil, f.fail(why)
	}
	f.seen[tb] = struct{}{}
	defer delete(f.seen, tb)
	if sh.array {
		out := make([]any, sh.n)
		for i := 1; i <= sh.n; i++ {
			f.path.pushIndex(i)
			v, err := f.value(tb.RawGetInt(i), depth+1)
			if err != nil {
				return nil, err
			}
			f.path.pop()
			out[i-1] = v
		}
		return out, nil
	}
	out := make(map[string]any, len(sh.keys))
	for i, k := range sh.keys {
		f.path.pushKey(k)
		v, err := f.value(sh.vals[i], depth+1)
		if err != nil {
			return nil, err
		}
		f.path.pop()
		out[k] = v
	}
	return out, nil
}
