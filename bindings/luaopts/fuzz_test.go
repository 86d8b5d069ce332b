package luaopts

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// fuzzOptions has a field of every type Decode supports.
type fuzzOptions struct {
	Name     string            `lua:"name"`
	Flag     bool              `lua:"flag"`
	Count    int               `lua:"count"`
	Big      int64             `lua:"big"`
	Ratio    float64           `lua:"ratio"`
	Wait     time.Duration     `lua:"wait"`
	List     []string          `lua:"list"`
	One      []string          `lua:"one,single"`
	Labels   map[string]string `lua:"labels"`
	Callback *lua.LFunction    `lua:"callback"`
	Raw      lua.LValue        `lua:"raw"`
	Any      any               `lua:"any"`
}

var fuzzKeys = []string{"name", "flag", "count", "big", "ratio", "wait", "list", "one", "labels", "callback", "raw", "any", "unknown", ""}

// fuzzValue draws a Lua value of some type from b, advancing it.
func fuzzValue(L *lua.LState, b *[]byte, depth int) lua.LValue {
	next := func() byte {
		if len(*b) == 0 {
			return 0
		}
		c := (*b)[0]
		*b = (*b)[1:]
		return c
	}
	switch c := next(); c % 16 {
	case 0:
		return lua.LNil
	case 1:
		return lua.LBool(c&16 != 0)
	case 2:
		return lua.LNumber(int(next()) - 128)
	case 3:
		return lua.LNumber(float64(next()) / 7)
	case 4:
		return lua.LNumber([]float64{math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e300, 9.3e18}[int(next())%6])
	case 5:
		return lua.LString(strings.Repeat("x", int(next())%5))
	case 6:
		return lua.LString([]string{"30s", "1m30s", "-5s", "soon", "", "1e9h"}[int(next())%6])
	case 7:
		return L.NewFunction(func(*lua.LState) int { return 0 })
	case 8:
		return L.NewUserData()
	default:
		t := L.NewTable()
		if depth > 3 {
			return t
		}
		n := int(next()) % 5
		for i := 0; i < n; i++ {
			switch next() % 3 {
			case 0:
				t.Append(fuzzValue(L, b, depth+1))
			case 1:
				t.RawSetString(fuzzKeys[int(next())%len(fuzzKeys)], fuzzValue(L, b, depth+1))
			default:
				t.RawSet(fuzzValue(L, b, depth+1), fuzzValue(L, b, depth+1))
			}
		}
		if next()%4 == 0 {
			t.RawSetInt(2, t) // a cycle
		}
		return t
	}
}

// FuzzDecode feeds Decode option tables of random keys and values: it never
// panics, every failure is an *Error naming the function, and every
// success holds exactly what the table said.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 5, 3})
	f.Add([]byte{9, 3, 1, 0, 5, 2, 1, 6, 1})
	f.Add([]byte{9, 4, 1, 6, 9, 2, 0, 5, 3, 0, 5, 1, 1, 1, 17})
	f.Add([]byte{9, 2, 1, 7, 4, 1, 1, 10, 13, 2})
	f.Add([]byte("Y$0")) // wait = math.huge once overflowed to a negative duration
	f.Fuzz(func(t *testing.T, data []byte) {
		L := lua.NewState()
		defer L.Close()
		b := data
		tbl := L.NewTable()
		for len(b) > 0 {
			key := fuzzKeys[int(b[0])%len(fuzzKeys)]
			b = b[1:]
			if len(b) > 0 && b[0] == 255 {
				b = b[1:]
				tbl.RawSet(lua.LNumber(1), fuzzValue(L, &b, 0))
				continue
			}
			tbl.RawSetString(key, fuzzValue(L, &b, 0))
		}
		var o fuzzOptions
		err := Decode("fuzz", tbl, &o)
		if err != nil {
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if !strings.HasPrefix(oe.Message, "fuzz: ") {
				t.Fatalf("error does not name the function: %q", oe.Message)
			}
			return
		}
		// Success: every string and number made it across unchanged.
		rv := reflect.ValueOf(o)
		for i := 0; i < rv.NumField(); i++ {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("lua"), ",")
			v := tbl.RawGetString(name)
			switch x := v.(type) {
			case lua.LString:
				if got := rv.Field(i); got.Kind() == reflect.String && got.String() != string(x) {
					t.Fatalf("%s: got %q, want %q", name, got.String(), string(x))
				}
			case lua.LNumber:
				got := rv.Field(i)
				if (got.Kind() == reflect.Int || got.Kind() == reflect.Int64) && rv.Type().Field(i).Type != reflect.TypeOf(time.Duration(0)) &&
					float64(got.Int()) != float64(x) {
					t.Fatalf("%s: got %d from %v", name, got.Int(), x)
				}
				if got.Kind() == reflect.Int64 && rv.Type().Field(i).Type == reflect.TypeOf(time.Duration(0)) && got.Int() < 0 {
					t.Fatalf("%s: negative duration %d accepted", name, got.Int())
				}
			}
		}
		if o.Wait < 0 {
			t.Fatalf("negative duration %v accepted", o.Wait)
		}
	})
}
