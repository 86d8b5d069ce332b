package luainfo

import (
	"encoding/json"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// Registry keys.
const (
	metaKey    = "harbor.ext.ArtifactInfo.meta"
	objectsKey = "harbor.ext.ArtifactInfo.objects"
	reposKey   = "harbor.ext.ArtifactInfo.repositories"
)

// Push builds the Lua table of info: artifact, repository and report as
// Harbor sent them, plus the computed fields and the methods.
func Push(L *lua.LState, info *ext.ArtifactInfo) *lua.LTable {
	t := L.CreateTable(0, 14)
	if info == nil {
		info = &ext.ArtifactInfo{}
	}
	if info.Artifact != nil {
		t.RawSetString("artifact", decodeRaw(L, info.Artifact.Raw, info.Artifact, isArtifactDeferred))
		// The table now holds every field Harbor sent, or the text of those
		// it defers; the whole bytes would only add to what a kept result
		// costs. Each artifact belongs to one info, pushed once.
		// Repositories are shared by the infos of their artifacts and keep
		// theirs.
		info.Artifact.Raw = nil
	}
	if info.Repository != nil {
		t.RawSetString("repository", repositoryTable(L, info.Repository))
	}
	t.RawSetString("report", reportTable(L, info.Report))
	t.RawSetString("name_with_digest", lua.LString(info.NameWithDigest()))
	t.RawSetString("name_with_digest_full", lua.LString(info.NameWithDigestFull()))
	t.RawSetString("name_with_tag", lua.LString(info.NameWithTag()))
	t.RawSetString("project_name", lua.LString(info.ProjectName()))
	t.RawSetString("repository_name", lua.LString(info.RepositoryName()))
	t.RawSetString("tags", StringList(L, info.Tags()))
	t.RawSetString("cvss", StatsTable(L, info.CVSS()))
	t.RawSetString("cvss_max", lua.LNumber(info.CVSSMax()))
	t.Metatable = metatable(L)
	objects(L).Add(t, info)
	return t
}

// Lookup returns the Go value behind an info table made by Push.
func Lookup(L *lua.LState, v lua.LValue) (*ext.ArtifactInfo, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	return objects(L).Get(t)
}

// objects finds the Go value behind an info table (see luaconv.Objects).
func objects(L *lua.LState) *luaconv.Objects[*ext.ArtifactInfo] {
	return luaconv.StateObjects[*ext.ArtifactInfo](L, objectsKey)
}

// check returns the Go value of method fn's receiver, raising an error
// naming the method when it is not an info table.
func check(L *lua.LState, fn string) *ext.ArtifactInfo {
	v := L.Get(1)
	if info, ok := Lookup(L, v); ok {
		return info
	}
	luaconv.ArgError(L, fn, 1, "must be an ArtifactInfo (call it as info:%s(...)), got %s", fn, Describe(v))
	return nil
}

// Describe names v in an error that wanted an ArtifactInfo.
func Describe(v lua.LValue) string {
	if _, isTable := v.(*lua.LTable); isTable {
		return "a table that is not an ArtifactInfo"
	}
	return luaconv.TypeName(v)
}

func metatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(metaKey).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), methods))
	mt.RawSetString("__name", lua.LString("ArtifactInfo"))
	L.G.Registry.RawSetString(metaKey, mt)
	return mt
}

// decodeRaw prefers the bytes Harbor sent, so fields the Go model lacks
// reach the script; values built in Go fall back to their JSON encoding.
// Members whose names deferred accepts (when not nil) are built on first
// read (see luaconv.DecodeJSONDeferred).
func decodeRaw(L *lua.LState, raw json.RawMessage, v any, deferred func(string) bool) lua.LValue {
	if len(raw) == 0 {
		b, err := json.Marshal(v)
		if err != nil {
			return lua.LNil
		}
		raw = b
	}
	var (
		lv  lua.LValue
		err error
	)
	if deferred != nil {
		lv, err = luaconv.DecodeJSONDeferred(L, raw, deferred)
	} else {
		lv, err = luaconv.DecodeJSON(L, raw)
	}
	if err != nil {
		return lua.LNil
	}
	return lv
}

// artifactDeferred are the members of Harbor's Artifact that are tables
// (lists of tags, links, the scan overview, image config) and that few
// scripts read through info.artifact: info.tags and the info methods cover
// the usual needs. As tables they are about three quarters of a kept
// artifact's cost, so they are built on first read (see
// luaconv.DecodeJSONDeferred); to a script the table looks the same.
var artifactDeferred = map[string]bool{
	"accessories": true, "addition_links": true, "annotations": true, "extra_attrs": true,
	"labels": true, "references": true, "scan_overview": true, "tags": true,
}

func isArtifactDeferred(key string) bool { return artifactDeferred[key] }

// reportTable gives an unscanned artifact an empty report (no
// generated_at, no findings) so scripts can loop over
// info.report.vulnerabilities without a nil check.
func reportTable(L *lua.LState, r *harbor.VulnerabilityReport) *lua.LTable {
	t := L.CreateTable(0, 5)
	if r == nil {
		t.RawSetString("vulnerabilities", emptyList(L))
		return t
	}
	if r.GeneratedAt != "" {
		t.RawSetString("generated_at", lua.LString(r.GeneratedAt))
	}
	if r.Scanner != nil {
		t.RawSetString("scanner", decodeRaw(L, nil, r.Scanner, nil))
	}
	if r.Severity != "" {
		t.RawSetString("severity", lua.LString(r.Severity))
	}
	if r.MIMEType != "" {
		t.RawSetString("mime_type", lua.LString(r.MIMEType))
	}
	if len(r.Vulnerabilities) == 0 {
		t.RawSetString("vulnerabilities", emptyList(L))
		return t
	}
	setLazyVulns(L, t, r)
	return t
}

// StatsTable is {mean, median, stdev, min, max}.
func StatsTable(L *lua.LState, s ext.Stats) *lua.LTable {
	t := L.CreateTable(0, 5)
	t.RawSetString("mean", lua.LNumber(s.Mean))
	t.RawSetString("median", lua.LNumber(s.Median))
	t.RawSetString("stdev", lua.LNumber(s.Stdev))
	t.RawSetString("min", lua.LNumber(s.Min))
	t.RawSetString("max", lua.LNumber(s.Max))
	return t
}

// StringList is a Lua list of strings that encodes as [] when empty.
func StringList(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		t.Append(lua.LString(s))
	}
	if len(ss) == 0 {
		_ = luaconv.MarkArray(L, t)
	}
	return t
}

func emptyList(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	_ = luaconv.MarkArray(L, t)
	return t
}
