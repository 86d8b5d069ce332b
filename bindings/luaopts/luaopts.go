// Package luaopts decodes a Lua option table into a Go struct, with errors
// that name the function and the option in the script author's terms.
package luaopts

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Error is a bad option; the bindings raise it as a ValueError.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// maxDurationSeconds is the longest duration a number of seconds may give.
const maxDurationSeconds = float64(math.MaxInt64/int64(time.Second)) - 1

var (
	typeDuration = reflect.TypeOf(time.Duration(0))
	typeFunction = reflect.TypeOf((*lua.LFunction)(nil))
	typeLValue   = reflect.TypeOf((*lua.LValue)(nil)).Elem()
	typeAny      = reflect.TypeOf((*any)(nil)).Elem()
)

// Decode fills the struct dst points to from t. Fields are named by their
// `lua:"name"` tag; a key of t that names no field is an error listing the
// valid ones. Supported field types: string, bool, int, int64, float64,
// time.Duration (seconds as a number, or a duration string "1m30s"),
// []string (a list; a lone string is accepted as a list of one when the tag
// has ",single"), map[string]string, *lua.LFunction, lua.LValue and any
// (converted with luaconv.FromLua).
func Decode(fn string, t *lua.LTable, dst any) error {
	if t == nil {
		return nil
	}
	rv := reflect.ValueOf(dst).Elem()
	rt := rv.Type()
	fields := map[string]int{}
	singles := map[string]bool{}
	for i := 0; i < rt.NumField(); i++ {
		tag := rt.Field(i).Tag.Get("lua")
		if tag == "" || tag == "-" {
			continue
		}
		name, flags, _ := strings.Cut(tag, ",")
		fields[name] = i
		singles[name] = flags == "single"
	}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		key, ok := k.(lua.LString)
		if !ok {
			err = &Error{fmt.Sprintf("%s: options must be given by name, got a %s key", fn, luaconv.TypeName(k))}
			return
		}
		i, ok := fields[string(key)]
		if !ok {
			err = &Error{fmt.Sprintf("%s: unknown option %q (valid options: %s)", fn, string(key), validNames(fields))}
			return
		}
		err = set(fn, string(key), rv.Field(i), v, singles[string(key)])
	})
	return err
}

func validNames(fields map[string]int) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func typeErr(fn, name, want string, v lua.LValue) error {
	return &Error{fmt.Sprintf("%s: %s must be %s, got %s", fn, name, want, luaconv.TypeName(v))}
}

func set(fn, name string, f reflect.Value, v lua.LValue, single bool) error {
	if v == lua.LNil {
		return nil
	}
	switch f.Type() {
	case typeDuration:
		switch x := v.(type) {
		case lua.LNumber:
			if x < 0 {
				return &Error{fmt.Sprintf("%s: %s must not be negative, got %s", fn, name, x.String())}
			}
			// Beyond ~292 years (or NaN) the conversion to a Duration
			// overflows into a negative or meaningless value.
			if !(float64(x) <= maxDurationSeconds) {
				return &Error{fmt.Sprintf("%s: %s must be at most %.0f seconds, got %s", fn, name, maxDurationSeconds, x.String())}
			}
			f.SetInt(int64(float64(x) * float64(time.Second)))
			return nil
		case lua.LString:
			d, err := time.ParseDuration(string(x))
			if err != nil || d < 0 {
				return &Error{fmt.Sprintf("%s: %s must be a number of seconds or a duration like \"30s\", got %q", fn, name, string(x))}
			}
			f.SetInt(int64(d))
			return nil
		}
		return typeErr(fn, name, "a number of seconds or a duration string", v)
	case typeFunction:
		lf, ok := v.(*lua.LFunction)
		if !ok {
			return typeErr(fn, name, "a function", v)
		}
		f.Set(reflect.ValueOf(lf))
		return nil
	case typeLValue:
		f.Set(reflect.ValueOf(&v).Elem())
		return nil
	case typeAny:
		x, err := luaconv.FromLua(v, luaconv.Root(name))
		if err != nil {
			return &Error{fmt.Sprintf("%s: %v", fn, err)}
		}
		if x != nil {
			f.Set(reflect.ValueOf(x))
		}
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := v.(lua.LString)
		if !ok {
			return typeErr(fn, name, "a string", v)
		}
		f.SetString(string(s))
	case reflect.Bool:
		b, ok := v.(lua.LBool)
		if !ok {
			return typeErr(fn, name, "a boolean", v)
		}
		f.SetBool(bool(b))
	case reflect.Int, reflect.Int64:
		n, ok := v.(lua.LNumber)
		if !ok {
			return typeErr(fn, name, "an integer", v)
		}
		if float64(n) != float64(int64(n)) {
			return &Error{fmt.Sprintf("%s: %s must be an integer, got %s", fn, name, n.String())}
		}
		f.SetInt(int64(n))
	case reflect.Float64:
		n, ok := v.(lua.LNumber)
		if !ok {
			return typeErr(fn, name, "a number", v)
		}
		f.SetFloat(float64(n))
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			break
		}
		if s, ok := v.(lua.LString); ok && single {
			f.Set(reflect.ValueOf([]string{string(s)}))
			return nil
		}
		list, err := StringList(fn, name, v)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(list))
		return nil
	case reflect.Map:
		tb, ok := v.(*lua.LTable)
		if !ok || f.Type().Key().Kind() != reflect.String || f.Type().Elem().Kind() != reflect.String {
			return typeErr(fn, name, "a table of strings", v)
		}
		m := map[string]string{}
		var err error
		tb.ForEach(func(k, val lua.LValue) {
			ks, ok1 := k.(lua.LString)
			vs, ok2 := val.(lua.LString)
			if err == nil && (!ok1 || !ok2) {
				err = &Error{fmt.Sprintf("%s: %s must map strings to strings", fn, name)}
			}
			m[string(ks)] = string(vs)
		})
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(m))
	default:
		return &Error{fmt.Sprintf("%s: option %s has an unsupported Go type %s", fn, name, f.Type())}
	}
	return nil
}

// StringList reads a Lua list of strings.
func StringList(fn, name string, v lua.LValue) ([]string, error) {
	tb, ok := v.(*lua.LTable)
	if !ok {
		return nil, typeErr(fn, name, "a list of strings", v)
	}
	n := tb.Len()
	out := make([]string, 0, n)
	count := 0
	var bad error
	tb.ForEach(func(k, _ lua.LValue) {
		count++
		if kn, ok := k.(lua.LNumber); !ok || int(kn) < 1 || int(kn) > n {
			if bad == nil {
				bad = &Error{fmt.Sprintf("%s: %s must be a list of strings, got a table with key %s", fn, name, k.String())}
			}
		}
	})
	if bad != nil {
		return nil, bad
	}
	for i := 1; i <= n; i++ {
		s, ok := tb.RawGetInt(i).(lua.LString)
		if !ok {
			return nil, &Error{fmt.Sprintf("%s: %s must be a list of strings, got %s at position %d", fn, name, luaconv.TypeName(tb.RawGetInt(i)), i)}
		}
		out = append(out, string(s))
	}
	return out, nil
}
