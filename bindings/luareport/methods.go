package luareport

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/harbor/ext"
)

// methods is filled in init: index refers to it, and the method
// constructors reach index through push, which Go sees as a cycle.
var methods map[string]lua.LGFunction

func init() {
	methods = map[string]lua.LGFunction{
		"vulnerabilities_by_severity": vulnerabilitiesBySeverity,
		"has_cve": boolMethod("has_cve", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			return r.HasCVE(luaconv.CheckString(L, fn, 2))
		}),
		"with_cve": reportMethod("with_cve", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithCVE(luaconv.CheckString(L, fn, 2))
		}),
		"has_description": boolMethod("has_description", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			return r.HasDescription(luaconv.CheckString(L, fn, 2), luainfo.OptCaseSensitive(L, fn, 3))
		}),
		"with_description": reportMethod("with_description", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithDescription(luaconv.CheckString(L, fn, 2), luainfo.OptCaseSensitive(L, fn, 3))
		}),
		"has_package": boolMethod("has_package", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			return r.HasPackage(luaconv.CheckString(L, fn, 2), luainfo.CheckPackageOptions(L, fn, 3))
		}),
		"with_package": reportMethod("with_package", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithPackage(luaconv.CheckString(L, fn, 2), luainfo.CheckPackageOptions(L, fn, 3))
		}),
		"has_severity": boolMethod("has_severity", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			return r.HasSeverity(luaconv.CheckString(L, fn, 2))
		}),
		"with_severity": reportMethod("with_severity", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithSeverity(luaconv.CheckString(L, fn, 2))
		}),
		"has_repository": boolMethod("has_repository", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			out, err := r.WithRepositories(repositoryPatterns(L, fn), luainfo.OptCaseSensitive(L, fn, 3))
			if err != nil {
				return false, err
			}
			return out.Len() > 0, nil
		}),
		"with_repository": reportMethod("with_repository", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithRepositories(repositoryPatterns(L, fn), luainfo.OptCaseSensitive(L, fn, 3))
		}),
		"has_tag": boolMethod("has_tag", func(L *lua.LState, r *ext.ArtifactReport, fn string) (bool, error) {
			return r.HasTag(luaconv.CheckString(L, fn, 2))
		}),
		"with_tag": reportMethod("with_tag", func(L *lua.LState, r *ext.ArtifactReport, fn string) (*ext.ArtifactReport, error) {
			return r.WithTag(luaconv.CheckString(L, fn, 2))
		}),
	}
}

func boolMethod(fn string, f func(*lua.LState, *ext.ArtifactReport, string) (bool, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		s := checkReport(L, fn)
		ok, err := f(L, s.report, fn)
		if err != nil {
			luaharbor.Raise(L, err)
		}
		L.Push(lua.LBool(ok))
		return 1
	}
}

func reportMethod(fn string, f func(*lua.LState, *ext.ArtifactReport, string) (*ext.ArtifactReport, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		s := checkReport(L, fn)
		out, err := f(L, s.report, fn)
		if err != nil {
			luaharbor.Raise(L, err)
		}
		L.Push(push(L, out, s.tables))
		return 1
	}
}

func vulnerabilitiesBySeverity(L *lua.LState) int {
	const fn = "vulnerabilities_by_severity"
	s := checkReport(L, fn)
	vulns, err := s.report.VulnerabilitiesBySeverity(luaconv.CheckString(L, fn, 2))
	if err != nil {
		luaharbor.Raise(L, err)
	}
	L.Push(s.vulnList(L, vulns))
	return 1
}

// repositoryPatterns accepts one pattern or a list of them, as harborapi's
// with_repository does.
func repositoryPatterns(L *lua.LState, fn string) []string {
	switch v := L.Get(2).(type) {
	case lua.LString:
		return []string{string(v)}
	case *lua.LTable:
		n := v.Len()
		out := make([]string, 0, n)
		for i := 1; i <= n; i++ {
			s, ok := v.RawGetInt(i).(lua.LString)
			if !ok {
				luaconv.ArgError(L, fn, 2, "must be a string or a list of strings, but item %d is %s", i, luaconv.TypeName(v.RawGetInt(i)))
			}
			out = append(out, string(s))
		}
		if len(out) == 0 {
			luaconv.ArgError(L, fn, 2, "must name at least one repository")
		}
		return out
	default:
		luaconv.ArgError(L, fn, 2, "must be a string or a list of strings, got %s", luaconv.TypeName(v))
		return nil
	}
}
