package luareport

import (
	"encoding/json"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luainfo"
	"github.com/harborscript/harborscript/bindings/luajson"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// A small registry with known answers (worked out by hand):
//
//	library/alpine  3.19, latest  High      openssl 3.1.4-r0 (CVE-2023-5678 5.3 Medium, CVE-2024-0727 5.5 Low), busybox 1.36.1-r15 (CVE-2023-42363 7.5 High)
//	library/debian  latest        Critical  openssl 3.1.4-r0 (CVE-2023-5678 5.3 Medium), libc6 (CVE-2024-12345 9.8 Critical, no fix)
//	team/web/app    untagged      High      openssl 3.0.2-0ubuntu1.10 (CVE-2023-0286 7.4 High)
//	library/python  3.12          Medium    openssl 3.0.7 (CVE-2023-5678 5.3 Medium)
//	library/busybox latest        not scanned
var registry = []struct {
	repo, digest, tags, report string
}{
	{"library/alpine", "sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e", `[{"name":"3.19"},{"name":"latest"}]`, `{"generated_at":"2026-11-28T08:11:15Z","scanner":{"name":"Trivy","vendor":"Aqua Security","version":"0.50.1"},"severity":"High","vulnerabilities":[
		{"id":"CVE-2023-5678","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r1","severity":"Medium","description":"Generating excessively long X9.42 DH keys may be very slow.","links":["https://avd.aquasec.com/nvd/cve-2023-5678"],"preferred_cvss":{"score_v3":5.3,"score_v2":null}},
		{"id":"CVE-2024-0727","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r5","severity":"Low","description":"Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash","preferred_cvss":{"score_v3":5.5}},
		{"id":"CVE-2023-42363","package":"busybox","version":"1.36.1-r15","fix_version":"1.36.1-r17","severity":"High","description":"A use-after-free in BusyBox","preferred_cvss":{"score_v3":7.5}}]}`},
	{"library/debian", "sha256:b48bfa0255bccc210a8fdf9977886f8612af6add0e52912e2c37f4b46b5da991", `[{"name":"latest"}]`, `{"severity":"Critical","vulnerabilities":[
		{"id":"CVE-2023-5678","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r1","severity":"Medium","description":"Generating excessively long X9.42 DH keys may be very slow.","preferred_cvss":{"score_v3":5.3}},
		{"id":"CVE-2024-12345","package":"libc6","version":"2.36-9+deb12u3","fix_version":"","severity":"Critical","description":"Example critical vulnerability without a fix version.","preferred_cvss":{"score_v3":9.8}}]}`},
	{"team/web/app", "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", `null`, `{"severity":"High","vulnerabilities":[
		{"id":"CVE-2023-0286","package":"openssl","version":"3.0.2-0ubuntu1.10","fix_version":"3.0.2-0ubuntu1.12","severity":"High","description":"Type confusion in X.400 address processing","preferred_cvss":{"score_v3":7.4}}]}`},
	{"library/python", "sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", `[{"name":"3.12"}]`, `{"severity":"Medium","vulnerabilities":[
		{"id":"CVE-2023-5678","package":"openssl","version":"3.0.7","fix_version":"3.0.13","severity":"Medium","description":"Generating excessively long X9.42 DH keys may be very slow.","preferred_cvss":{"score_v3":5.3}}]}`},
	{"library/busybox", "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", `[{"name":"latest"}]`, ``},
}

func testInfos(t testing.TB) []*ext.ArtifactInfo {
	t.Helper()
	var infos []*ext.ArtifactInfo
	for _, r := range registry {
		var a harbor.Artifact
		body := `{"id":7,"repository_name":"` + r.repo + `","digest":"` + r.digest + `","tags":` + r.tags + `,"extra_attrs":{"os":"linux"}}`
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		var repo harbor.Repository
		if err := json.Unmarshal([]byte(`{"id":1,"name":"`+r.repo+`","pull_count":12}`), &repo); err != nil {
			t.Fatal(err)
		}
		info := &ext.ArtifactInfo{Artifact: &a, Repository: &repo}
		if r.report != "" {
			var rep harbor.VulnerabilityReport
			if err := json.Unmarshal([]byte(r.report), &rep); err != nil {
				t.Fatal(err)
			}
			info.Report = &rep
		}
		infos = append(infos, info)
	}
	return infos
}

// newState returns a state with the modules preloaded and the registry's
// info tables in the global "infos".
func newState(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	Preload(L)
	luajson.Preload(L)
	list := L.NewTable()
	for _, info := range testInfos(t) {
		list.Append(luainfo.Push(L, info))
	}
	L.SetGlobal("infos", list)
	return L
}

// errorText runs code under pcall and returns what tostring makes of the
// error (exception objects render as "ValueError: ..."), or "" on success.
func errorText(t *testing.T, L *lua.LState, code string) string {
	t.Helper()
	top := L.GetTop()
	defer L.SetTop(top)
	wrapped := "local report = require('harbor.ext.report'); local ok, e = pcall(function() " + code + " end); if ok then return '' end; return tostring(e)"
	if err := L.DoString(wrapped); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return L.Get(-1).String()
}

func run(t *testing.T, L *lua.LState, code string) {
	t.Helper()
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
}

const luaHelpers = `
local report = require("harbor.ext.report")
local function names(list)
  local out = {}
  for _, i in ipairs(list) do out[#out+1] = i.repository_name end
  return table.concat(out, ",")
end
local function check(got, want, what)
  if got ~= want then error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2) end
end
local function near(got, want, what)
  if math.abs(got - want) > 1e-9 then error(what .. ": got " .. got .. ", want " .. want, 2) end
end
`

func TestInfoTables(t *testing.T) {
	L := newState(t)
	run(t, L, luaHelpers+`
local json = require("json")
local a = infos[1]
check(a.name_with_digest, "library/alpine@sha256:4297b288", "name_with_digest")
check(a.name_with_digest_full, "library/alpine@sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e", "full")
check(a.name_with_tag, "library/alpine:3.19", "name_with_tag")
check(infos[3].name_with_tag, "team/web/app:untagged", "untagged")
check(a.project_name, "library", "project_name")
check(infos[3].repository_name, "web/app", "repository_name")
check(#a.tags, 2, "#tags"); check(a.tags[2], "latest", "tags[2]")
check(#infos[3].tags, 0, "untagged tags")
-- fields the Go model does not have still reach the script
check(a.artifact.extra_attrs.os, "linux", "extra_attrs")
check(a.repository.pull_count, 12, "repository")
check(#a.report.vulnerabilities, 3, "#vulnerabilities")
local v = a.report.vulnerabilities[1]
check(v.id, "CVE-2023-5678", "id"); check(v.fixable, true, "fixable"); check(v.score, 5.3, "score")
check(v.links[1], "https://avd.aquasec.com/nvd/cve-2023-5678", "links")
check(a.report.scanner.name, "Trivy", "scanner")
check(infos[2].report.vulnerabilities[2].fixable, false, "unfixable")
near(a.cvss.mean, 6.1, "mean"); near(a.cvss.median, 5.5, "median"); near(a.cvss.stdev, 1.216552506059644, "stdev")
check(a.cvss.min, 5.3, "min"); check(a.cvss_max, 7.5, "cvss_max")
-- unscanned: an empty report, zero statistics
local b = infos[5]
check(#b.report.vulnerabilities, 0, "unscanned vulns"); check(b.report.generated_at, nil, "generated_at")
check(b.cvss_max, 0, "unscanned cvss_max"); check(b.cvss.mean, 0, "unscanned mean")
-- pairs shows data only; json.encode works
local keys = 0
for k, v in pairs(a) do
  if type(v) == "function" then error("pairs shows method " .. k) end
  keys = keys + 1
end
check(keys, 11, "data keys")
local decoded = json.decode(json.encode(a))
check(decoded.name_with_tag, "library/alpine:3.19", "json round trip")
check(decoded.report.vulnerabilities[3].package, "busybox", "json vulns")
check(json.encode(b.report.vulnerabilities), "[]", "empty list encodes as array")
`)
}

func TestInfoMethods(t *testing.T) {
	L := newState(t)
	run(t, L, luaHelpers+`
local function which(f)
  local out = {}
  for _, i in ipairs(infos) do if f(i) then out[#out+1] = i.repository_name end end
  return table.concat(out, ",")
end
check(which(function(i) return i:has_cve("CVE-2023-5678") end), "alpine,debian,python", "has_cve")
check(which(function(i) return i:has_cve("cve-2023-5678") end), "alpine,debian,python", "has_cve case")
check(which(function(i) return i:has_cve("2023-5678") end), "", "has_cve from start")
check(which(function(i) return i:has_tag("latest") end), "alpine,debian,busybox", "has_tag")
check(which(function(i) return i:has_tag("3\\.1") end), "alpine,python", "has_tag pattern")
check(which(function(i) return i:has_description("x9.42") end), "alpine,debian,python", "has_description")
check(which(function(i) return i:has_description("x9.42", true) end), "", "has_description case")
check(which(function(i) return i:has_package("openssl", {min_version="3.0.0", max_version="3.0.7"}) end), "web/app,python", "openssl range")
check(which(function(i) return i:has_package("OpenSSL", {case_sensitive=true}) end), "", "case_sensitive")
check(which(function(i) return i:has_package("openssl", {min_version=3.1}) end), "alpine,debian", "numeric version")
local v = infos[1]:vuln_with_cve("CVE-2024-0727")
check(v.package, "openssl", "vuln_with_cve"); check(v.score, 5.5, "vuln score")
check(infos[1]:vuln_with_cve("CVE-1999-0001"), nil, "missing cve")
check(#infos[1]:vulns_with_package("openssl"), 2, "vulns_with_package")
check(#infos[1]:vulns_with_package("OPENSSL", true), 0, "vulns_with_package case")
check(#infos[1]:vulns_with_description("pkcs12|busybox"), 2, "vulns_with_description")
check(#infos[5]:vulns_with_package("openssl"), 0, "unscanned")
`)
}

func TestInfoErrors(t *testing.T) {
	L := newState(t)
	tests := []struct{ code, want string }{
		{`infos[1]:has_cve("CVE-[")`, `has_cve: id "CVE-[" is not a valid pattern`},
		{`infos[1]:has_package("openssl", {min_version="3.1", max_version="3.0"})`, `has_package: max_version "3.0" is lower than min_version "3.1"`},
		{`infos[1]:has_package("openssl", {min_version="latest"})`, `has_package: min_version "latest" is not a version`},
		{`infos[1]:has_package("openssl", {min_versoin="1"})`, `has_package: option "min_versoin" is unknown`},
		{`infos[1]:has_package("openssl", {case_sensitive="yes"})`, `option "case_sensitive" must be a boolean`},
		{`infos[1].has_cve({}, "x")`, `has_cve: argument #1 must be an ArtifactInfo`},
		{`infos[1].has_tag("x")`, `has_tag: argument #1 must be an ArtifactInfo`},
		{`infos[1]:has_tag()`, `has_tag: argument #2 must be a string, got nil`},
		{`infos[1]:vulns_with_description("x", "yes")`, `vulns_with_description: argument #3 case_sensitive must be a boolean`},
	}
	for _, tt := range tests {
		if err := errorText(t, L, tt.code); !strings.Contains(err, tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.code, err, tt.want)
		}
	}
	// Bad patterns raise the ValueError exception object.
	run(t, L, `
local ok, e = pcall(function() return infos[1]:has_cve("CVE-[") end)
assert(not ok and type(e) == "table" and e:is("ValueError"), "want a ValueError object, got " .. tostring(e))
`)
}

func TestReport(t *testing.T) {
	L := newState(t)
	run(t, L, luaHelpers+`
local json = require("json")
local r = report.ArtifactReport(infos)
check(#r, 5, "#report")
check(r[1], infos[1], "report holds the info tables")
check(r.is_aggregate, true, "is_aggregate")
check(report.ArtifactReport({infos[1]}).is_aggregate, false, "single")
-- scores: 5.3 5.5 7.5 | 5.3 9.8 | 7.4 | 5.3
near(r.cvss.mean, 46.1/7, "mean"); check(r.cvss.median, 5.5, "median"); check(r.cvss.max, 9.8, "max"); check(r.cvss.min, 5.3, "min")
near(r.cvss.stdev, 1.7305380390970622, "stdev")
local d = r.distribution
check(d.Critical, 1, "Critical"); check(d.High, 2, "High"); check(d.Medium, 3, "Medium"); check(d.Low, 1, "Low"); check(d.Negligible, nil, "absent")
check(#r.fixable, 6, "fixable"); check(#r.unfixable, 1, "unfixable")
check(r.unfixable[1].id, "CVE-2024-12345", "unfixable id")
check(r.unfixable[1].artifact, infos[2], "finding points at its artifact")
check(#r.critical, 1, "critical"); check(#r.high, 2, "high"); check(#r.medium, 3, "medium"); check(#r.low, 1, "low")
check(r.high[2].artifact.repository_name, "web/app", "high[2]")
check(#r:vulnerabilities_by_severity("medium"), 3, "by severity")
check(r.fixable, r.fixable, "computed fields are kept")

check(names(r:with_cve("CVE-2023-5678")), "alpine,debian,python", "with_cve")
check(names(r:with_package("openssl", {min_version="3.0.0", max_version="3.0.7"})), "web/app,python", "with_package range")
check(names(r:with_severity("Critical"):with_package("openssl")), "debian", "chain")
check(names(r:with_severity("unknown")), "busybox", "unscanned is Unknown")
check(names(r:with_tag("latest"):with_cve("CVE-2023-5678")), "alpine,debian", "tag chain")
check(names(r:with_repository("alpine")), "alpine", "repository base name")
check(names(r:with_repository({"python", "team/"})), "web/app,python", "repository list")
check(names(r:with_description("X9.42", true)), "alpine,debian,python", "description")
check(#r, 5, "filters leave the report alone")
check(r:has_cve("CVE-2024-12345"), true, "has_cve")
check(r:has_severity("Low"), false, "has_severity")
check(r:has_repository("library/busybox"), true, "has_repository")
check(r:has_tag("3.12"), true, "has_tag")
check(r:has_package("libc6", {max_version="2.35"}), false, "has_package")
check(r:has_description("use-after-free"), true, "has_description")
local empty = r:with_cve("CVE-1999-0001")
check(#empty, 0, "empty"); check(empty.is_aggregate, false, "empty aggregate"); check(#empty.critical, 0, "empty critical")

-- pairs and json.encode see only the artifacts
local n = 0
for k in pairs(r) do n = n + 1; assert(type(k) == "number", "pairs shows " .. tostring(k)) end
check(n, 5, "pairs")
check(#json.decode(json.encode(r:with_tag("latest"))), 3, "json.encode")
`)
}

func TestReportErrors(t *testing.T) {
	L := newState(t)
	tests := []struct{ code, want string }{
		{`report.ArtifactReport({infos[1], {}})`, `ArtifactReport: argument #1 must be a list of ArtifactInfo, but item 2 is a table that is not an ArtifactInfo`},
		{`report.ArtifactReport({infos[1], 7})`, `ArtifactReport: argument #1 must be a list of ArtifactInfo, but item 2 is number`},
		{`report.ArtifactReport("x")`, `ArtifactReport: argument #1 must be a list of ArtifactInfo, got string`},
		{`report.ArtifactReport(infos):with_severity("severe")`, `with_severity: severity "severe" is not one of None, Unknown, Negligible, Low, Medium, High, Critical`},
		{`report.ArtifactReport(infos):vulnerabilities_by_severity("x")`, `vulnerabilities_by_severity: severity "x"`},
		{`report.ArtifactReport(infos):with_cve("CVE-[")`, `with_cve: id "CVE-[" is not a valid pattern`},
		{`report.ArtifactReport(infos):with_repository(3)`, `with_repository: argument #2 must be a string or a list of strings, got number`},
		{`report.ArtifactReport(infos):with_package("openssl", {max_version="1", min_version="2"})`, `with_package: max_version "1" is lower`},
		{`local r = report.ArtifactReport(infos); r.with_tag({}, "x")`, `with_tag: argument #1 must be an ArtifactReport`},
	}
	for _, tt := range tests {
		if err := errorText(t, L, tt.code); !strings.Contains(err, tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.code, err, tt.want)
		}
	}
}
