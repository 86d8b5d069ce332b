package luainfo

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// methods are an info's methods; each checks its receiver first, so that
// calling one with a dot instead of a colon is named as such.
var methods = map[string]lua.LGFunction{
	"has_cve": boolMethod("has_cve", func(L *lua.LState, info *ext.ArtifactInfo, fn string) (bool, error) {
		return info.HasCVE(luaconv.CheckString(L, fn, 2))
	}),
	"has_tag": boolMethod("has_tag", func(L *lua.LState, info *ext.ArtifactInfo, fn string) (bool, error) {
		return info.HasTag(luaconv.CheckString(L, fn, 2))
	}),
	"has_description": boolMethod("has_description", func(L *lua.LState, info *ext.ArtifactInfo, fn string) (bool, error) {
		return info.HasDescription(luaconv.CheckString(L, fn, 2), OptCaseSensitive(L, fn, 3))
	}),
	"has_package": boolMethod("has_package", func(L *lua.LState, info *ext.ArtifactInfo, fn string) (bool, error) {
		return info.HasPackage(luaconv.CheckString(L, fn, 2), CheckPackageOptions(L, fn, 3))
	}),
	"vuln_with_cve": vulnWithCVE,
	"vulns_with_package": vulnsMethod("vulns_with_package", func(L *lua.LState, info *ext.ArtifactInfo, fn string) ([]harbor.VulnerabilityItem, error) {
		return info.VulnsWithPackage(luaconv.CheckString(L, fn, 2), OptCaseSensitive(L, fn, 3))
	}),
	"vulns_with_description": vulnsMethod("vulns_with_description", func(L *lua.LState, info *ext.ArtifactInfo, fn string) ([]harbor.VulnerabilityItem, error) {
		return info.VulnsWithDescription(luaconv.CheckString(L, fn, 2), OptCaseSensitive(L, fn, 3))
	}),
}

func boolMethod(fn string, f func(*lua.LState, *ext.ArtifactInfo, string) (bool, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		ok, err := f(L, check(L, fn), fn)
		if err != nil {
			luaharbor.Raise(L, err)
		}
		L.Push(lua.LBool(ok))
		return 1
	}
}

func vulnsMethod(fn string, f func(*lua.LState, *ext.ArtifactInfo, string) ([]harbor.VulnerabilityItem, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		vulns, err := f(L, check(L, fn), fn)
		if err != nil {
			luaharbor.Raise(L, err)
		}
		t := L.CreateTable(len(vulns), 0)
		for i := range vulns {
			t.Append(VulnTable(L, &vulns[i]))
		}
		if len(vulns) == 0 {
			_ = luaconv.MarkArray(L, t)
		}
		L.Push(t)
		return 1
	}
}

func vulnWithCVE(L *lua.LState) int {
	info := check(L, "vuln_with_cve")
	v, err := info.VulnWithCVE(luaconv.CheckString(L, "vuln_with_cve", 2))
	if err != nil {
		luaharbor.Raise(L, err)
	}
	if v == nil {
		L.Push(lua.LNil)
	} else {
		L.Push(VulnTable(L, v))
	}
	return 1
}

// OptCaseSensitive reads an optional boolean argument.
func OptCaseSensitive(L *lua.LState, fn string, n int) bool {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return false
	case lua.LBool:
		return bool(v)
	default:
		luaconv.ArgError(L, fn, n, "case_sensitive must be a boolean, got %s", luaconv.TypeName(v))
		return false
	}
}

// CheckPackageOptions reads the optional {case_sensitive=, min_version=,
// max_version=} table. A bare boolean is accepted as case_sensitive, the
// positional form harborapi scripts use.
func CheckPackageOptions(L *lua.LState, fn string, n int) ext.PackageOptions {
	var o ext.PackageOptions
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return o
	case lua.LBool:
		o.CaseSensitive = bool(v)
		return o
	case *lua.LTable:
		v.ForEach(func(k, val lua.LValue) {
			key, ok := k.(lua.LString)
			if !ok {
				luaconv.ArgError(L, fn, n, "must be an options table with string keys, got key %s", luaconv.TypeName(k))
			}
			switch string(key) {
			case "case_sensitive":
				b, ok := val.(lua.LBool)
				if !ok {
					luaconv.OptionError(L, fn, "case_sensitive", "must be a boolean, got %s", luaconv.TypeName(val))
				}
				o.CaseSensitive = bool(b)
			case "min_version":
				o.MinVersion = versionOption(L, fn, "min_version", val)
			case "max_version":
				o.MaxVersion = versionOption(L, fn, "max_version", val)
			default:
				luaconv.OptionError(L, fn, string(key), "is unknown (expected case_sensitive, min_version, max_version)")
			}
		})
		return o
	default:
		luaconv.ArgError(L, fn, n, "must be an options table, got %s", luaconv.TypeName(v))
		return o
	}
}

// versionOption accepts numbers too, since min_version=3 is natural to write.
func versionOption(L *lua.LState, fn, name string, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return x.String()
	default:
		luaconv.OptionError(L, fn, name, "must be a version string, got %s", luaconv.TypeName(v))
		return ""
	}
}
