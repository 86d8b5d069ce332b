package harbor

import (
	"math"
	"strings"
	"testing"
)

// fuzzValue turns fuzz input into one of the Go values a Lua table can
// produce.
func fuzzValue(kind uint8, s string, f float64, n int64, b bool) any {
	switch kind % 9 {
	case 0:
		return s
	case 1:
		return f
	case 2:
		return n
	case 3:
		return b
	case 4:
		return []any{s, f, b}
	case 5:
		return map[string]any{s: f}
	case 6:
		return []any{}
	case 7:
		return map[string]any{}
	}
	return nil
}

func FuzzBuildRequest(f *testing.F) {
	f.Add(uint16(0), "project_name", uint8(0), "library", 0.0, int64(0), false, "repository_name", uint8(0), "a/b")
	f.Add(uint16(5), "page_size", uint8(1), "", 1.5, int64(0), true, "page", uint8(2), "")
	f.Add(uint16(50), "body", uint8(6), "x", math.NaN(), int64(-1), false, "project_name_or_id", uint8(0), "123")
	f.Add(uint16(120), "status", uint8(4), "\r\n", math.Inf(1), int64(math.MaxInt64), true, "X-Request-Id", uint8(0), "\n")
	f.Add(uint16(202), "addition", uint8(0), "sbom", 1e300, int64(math.MinInt64), false, "with_tag", uint8(3), "")
	f.Add(uint16(77), "", uint8(8), "%2F", -0.0, int64(7), true, "X-Is-Resource-Name", uint8(5), "{}")
	ops := Operations()
	f.Fuzz(func(t *testing.T, opIndex uint16, k1 string, kind1 uint8, s string, fl float64, n int64, b bool, k2 string, kind2 uint8, s2 string) {
		op := ops[int(opIndex)%len(ops)]
		params := map[string]any{
			k1: fuzzValue(kind1, s, fl, n, b),
			k2: fuzzValue(kind2, s2, fl, n, !b),
		}
		// Fill the required parameters too, so that fuzzing reaches past the
		// first missing one.
		for i, p := range op.Params {
			if p.Required {
				if _, set := params[p.Name]; !set {
					params[p.Name] = fuzzValue(kind1+uint8(i), s, fl, n, b)
				}
			}
		}
		req, err := op.BuildRequest(params)
		if err != nil {
			if he, ok := err.(*Error); !ok || he.Type != TypeValueError {
				t.Fatalf("error %T %v is not a ValueError", err, err)
			}
			return
		}
		// A value can never leave a template brace behind: braces in values
		// are escaped.
		if req.Method != op.Method || !strings.HasPrefix(req.Path, "/") || strings.ContainsAny(req.Path, "{}") {
			t.Fatalf("bad request %+v for %s", req, op.ID)
		}
	})
}
