package harbor

import (
	"fmt"
	"math"
)

// Lua hands over numbers, strings, booleans and tables; these functions read
// them as the spec's types.

// asInteger accepts Lua numbers that hold a whole value.
func asInteger(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n != math.Trunc(n) || math.IsInf(n, 0) || n < -(1<<63) || n >= 1<<63 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	}
	return 0, false
}

func asArray(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []string:
		out := make([]any, len(a))
		for i, s := range a {
			out[i] = s
		}
		return out, true
	case map[string]any:
		// An empty Lua table.
		return nil, len(a) == 0
	}
	return nil, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// typeName names a value's type as a script author sees it.
func typeName(v any) string {
	switch n := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if _, ok := asInteger(n); ok {
			return "integer"
		}
		return "number"
	case int, int32, int64:
		return "integer"
	case []any, []string:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func article(typ string) string {
	switch typ {
	case "integer", "array", "object":
		return "an " + typ
	case "":
		return "a value"
	}
	return "a " + typ
}
