package luainfo

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

var methods = map[string]lua.LGFunction{
	"has_cve":                hasCVE,
	"has_tag":                hasTag,
	"has_description":        hasDescription,
	"has_package":            hasPackage,
	"vuln_with_cve":          vulnWithCVE,
	"vulns_with_package":     vulnsWithPackage,
	"vulns_with_description": vulnsWithDescription,
}

func hasCVE(L *lua.LState) int {
	info := check(L, "has_cve", 1)
	ok, err := info.HasCVE(luaconv.CheckString(L, "has_cve", 2))
	return pushBool(L, ok, err)
}

func hasTag(L *lua.LState) int {
	info := check(L, "has_tag", 1)
	ok, err := info.HasTag(luaconv.CheckString(L, "has_tag", 2))
	return pushBool(L, ok, err)
}

func hasDescription(L *lua.LState) int {
	info := check(L, "has_description", 1)
	text := luaconv.CheckString(L, "has_description", 2)
	ok, err := info.HasDescription(text, OptCaseSensitive(L, "has_description", 3))
	return pushBool(L, ok, err)
}

func hasPackage(L *lua.LState) int {
	info := check(L, "has_package", 1)
	name := luaconv.CheckString(L, "has_package", 2)
	ok, err := info.HasPackage(name, CheckPackageOptions(L, "has_package", 3))
	return pushBool(L, ok, err)
}

func vulnWithCVE(L *lua.LState) int {
	info := check(L, "vuln_with_cve", 1)
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

func vulnsWithPackage(L *lua.LState) int {
	info := check(L, "vulns_with_package", 1)
	name := luaconv.CheckString(L, "vulns_with_package", 2)
	vulns, err := info.VulnsWithPackage(name, OptCaseSensitive(L, "vulns_with_package", 3))
	return pushVulns(L, vulns, err)
}

func vulnsWithDescription(L *lua.LState) int {
	info := check(L, "vulns_with_description", 1)
	text := luaconv.CheckString(L, "vulns_with_description", 2)
	vulns, err := info.VulnsWithDescription(text, OptCaseSensitive(L, "vulns_with_description", 3))
	return pushVulns(L, vulns, err)
}

func pushBool(L *lua.LState, ok bool, err error) int {
	if err != nil {
		luaharbor.Raise(L, err)
	}
	L.Push(lua.LBool(ok))
	return 1
}

func pushVulns(L *lua.LState, vulns []harbor.VulnerabilityItem, err error) int {
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
