package luaconv

import (
	"fmt"
	"math"
	"sort"

	lua "github.com/yuin/gopher-lua"
)

type tableShape struct {
	array bool
	n     int          // element count when array
	keys  []string     // member names when object
	vals  []lua.LValue // member values, parallel to keys
}

// shape decides whether tb is a JSON array or object. emptyArray is the
// caller's hint for tables with no keys and no marker.
func shape(tb *lua.LTable, emptyArray, sortKeys bool) (tableShape, string) {
	Materialize(tb)
	kind := marker(tb)
	var (
		count      int
		maxIdx     int
		firstStr   lua.LValue = lua.LNil
		firstNum   lua.LValue = lua.LNil
		badKey     lua.LValue = lua.LNil
		strKeys    []string
		strVals    []lua.LValue
		numEntries []lua.LValue
	)
	key, val := tb.Next(lua.LNil)
	for key != lua.LNil {
		count++
		switch k := key.(type) {
		case lua.LString:
			if firstStr == lua.LNil {
				firstStr = k
			}
			strKeys = append(strKeys, string(k))
			strVals = append(strVals, val)
		case lua.LNumber:
			f := float64(k)
			if f != math.Trunc(f) || math.IsInf(f, 0) || (kind != KindObject && f < 1) {
				if badKey == lua.LNil {
					badKey = k
				}
			} else if f > float64(maxIdx) {
				if f > math.MaxInt32 {
					badKey = k
				} else {
					maxIdx = int(f)
				}
			}
			if firstNum == lua.LNil {
				firstNum = k
			}
			if kind == KindObject {
				numEntries = append(numEntries, k, val)
			}
		default:
			if badKey == lua.LNil {
				badKey = key
			}
		}
		key, val = tb.Next(key)
	}

	if badKey != lua.LNil && !(kind == KindObject && badKey.Type() == lua.LTNumber) {
		if _, isNum := badKey.(lua.LNumber); isNum {
			return tableShape{}, fmt.Sprintf("key %s is not an array index (1..n) or a string", badKey.String())
		}
		return tableShape{}, fmt.Sprintf("key of type %s cannot be encoded (keys must be strings or array indices)", TypeName(badKey))
	}

	switch kind {
	case KindObject:
		for i := 0; i < len(numEntries); i += 2 {
			strKeys = append(strKeys, formatNumber(float64(numEntries[i].(lua.LNumber))))
			strVals = append(strVals, numEntries[i+1])
		}
		return objectShape(strKeys, strVals, sortKeys), ""
	case KindArray:
		if firstStr != lua.LNil {
			return tableShape{}, fmt.Sprintf("table marked as array has string key %q", string(firstStr.(lua.LString)))
		}
	default:
		if count == 0 {
			return tableShape{array: emptyArray}, ""
		}
		if firstStr != lua.LNil && firstNum != lua.LNil {
			return tableShape{}, fmt.Sprintf("table mixes array indices and string keys (index %s and key %q)", firstNum.String(), string(firstStr.(lua.LString)))
		}
		if firstStr != lua.LNil {
			return objectShape(strKeys, strVals, sortKeys), ""
		}
	}
	if maxIdx != count {
		return tableShape{}, fmt.Sprintf("sparse array: %d elements but index %d is set (use json.null for holes)", count, maxIdx)
	}
	return tableShape{array: true, n: count}, ""
}

func objectShape(keys []string, vals []lua.LValue, sortKeys bool) tableShape {
	if sortKeys && !sort.StringsAreSorted(keys) {
		sort.Sort(byKey{keys, vals})
	}
	return tableShape{keys: keys, vals: vals}
}

type byKey struct {
	k []string
	v []lua.LValue
}

func (b byKey) Len() int           { return len(b.k) }
func (b byKey) Less(i, j int) bool { return b.k[i] < b.k[j] }
func (b byKey) Swap(i, j int) {
	b.k[i], b.k[j] = b.k[j], b.k[i]
	b.v[i], b.v[j] = b.v[j], b.v[i]
}
