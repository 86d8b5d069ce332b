package luainfo

import (
	"encoding/json"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
)

var findingsJSON = `[
 {"id":"CVE-2023-5678","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r1","severity":"Medium","description":"slow DH keys","links":["https://avd.aquasec.com/nvd/cve-2023-5678"],"preferred_cvss":{"score_v2":null,"score_v3":5.3,"vector_v2":"","vector_v3":"CVSS:3.1/AV:N"},"cwe_ids":["CWE-754"],"vendor_attributes":null},
 {"id":"CVE-2024-0727","package":"openssl","version":"3.1.4-r0","fix_version":"","severity":"Low","status":"affected","description":"","links":[],"cwe_ids":[],"artifact_digests":["sha256:aa","sha256:bb"]},
 {"id":"CVE-2023-44487","package":"nghttp2","version":"1.52.0-1","fix_version":"1.52.0-1+deb12u1","severity":"High","description":"HTTP/2 reset","vendor_attributes":{"CVSS":{"redhat":{"V3Score":7.5,"V3Vector":"x"}},"list":[1,null,"a"]}},
 {"id":"CVE-2024-2511","package":"libssl3","version":"3.0.11","severity":"","preferred_cvss":{"score_v2":4.3,"score_v3":null}}
]`

// The direct conversion must give what decoding the finding's JSON gives,
// since scripts were written against that.
func TestVulnTableMatchesJSONDecoding(t *testing.T) {
	var items []harbor.VulnerabilityItem
	if err := json.Unmarshal([]byte(findingsJSON), &items); err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	defer L.Close()
	for i := range items {
		v := &items[i]
		want, ok := decodeRaw(L, nil, v, nil).(*lua.LTable)
		if !ok {
			t.Fatalf("%s: JSON decoding gave no table", v.ID)
		}
		want.RawSetString("fixable", lua.LBool(v.FixVersion != ""))
		got := VulnTable(L, v)
		want.RawSetString("score", got.RawGetString("score"))
		if d := diff(got, want, v.ID); d != "" {
			t.Error(d)
		}
		gj, err := luaconv.EncodeJSON(got, false, true)
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := luaconv.EncodeJSON(want, false, true)
		if string(gj) != string(wj) {
			t.Errorf("%s: json.encode differs:\n got %s\nwant %s", v.ID, gj, wj)
		}
	}
}

func diff(got, want lua.LValue, path string) string {
	gt, gok := got.(*lua.LTable)
	wt, wok := want.(*lua.LTable)
	if !gok || !wok {
		if got.Type() != want.Type() || got.String() != want.String() {
			return path + ": got " + got.String() + ", want " + want.String()
		}
		return ""
	}
	if gt.Metatable != wt.Metatable {
		return path + ": array marks differ"
	}
	msg := ""
	wt.ForEach(func(k, v lua.LValue) {
		if msg == "" {
			msg = diff(gt.RawGet(k), v, path+"."+k.String())
		}
	})
	gt.ForEach(func(k, v lua.LValue) {
		if msg == "" && wt.RawGet(k) == lua.LNil {
			msg = path + "." + k.String() + ": unexpected"
		}
	})
	return msg
}

// Identical findings of different artifacts share one table; different
// ones do not.
func TestReportsShareIdenticalFindings(t *testing.T) {
	var items []harbor.VulnerabilityItem
	if err := json.Unmarshal([]byte(findingsJSON), &items); err != nil {
		t.Fatal(err)
	}
	var again []harbor.VulnerabilityItem
	_ = json.Unmarshal([]byte(findingsJSON), &again)
	L := lua.NewState()
	defer L.Close()
	a := L.GetField(reportTable(L, &harbor.VulnerabilityReport{Vulnerabilities: items}), "vulnerabilities").(*lua.LTable)
	b := L.GetField(reportTable(L, &harbor.VulnerabilityReport{Vulnerabilities: again}), "vulnerabilities").(*lua.LTable)
	for i := 1; i <= a.Len(); i++ {
		if a.RawGetInt(i) != b.RawGetInt(i) {
			t.Errorf("finding %d: identical findings got separate tables", i)
		}
	}
	if a.RawGetInt(1) == a.RawGetInt(2) {
		t.Error("different findings share a table")
	}
}

// Harbor names each artifact in its findings, so the findings of two
// artifacts differ; what they have in common is built once.
func TestFindingsOfDifferentArtifactsShareTheirParts(t *testing.T) {
	var a, b []harbor.VulnerabilityItem
	_ = json.Unmarshal([]byte(findingsJSON), &a)
	_ = json.Unmarshal([]byte(findingsJSON), &b)
	a[0].ArtifactDigests = []string{"sha256:aa"}
	b[0].ArtifactDigests = []string{"sha256:bb"}
	L := lua.NewState()
	defer L.Close()
	ta, tb := VulnTable(L, &a[0]), VulnTable(L, &b[0])
	if ta == tb {
		t.Fatal("findings of different artifacts share one table")
	}
	for _, k := range []string{"links", "preferred_cvss", "cwe_ids"} {
		if ta.RawGetString(k) != tb.RawGetString(k) {
			t.Errorf("%s: identical parts were built twice", k)
		}
	}
	da, db := ta.RawGetString("artifact_digests").(*lua.LTable), tb.RawGetString("artifact_digests").(*lua.LTable)
	if da.RawGetInt(1).String() != "sha256:aa" || db.RawGetInt(1).String() != "sha256:bb" {
		t.Errorf("artifact_digests mixed up: %s, %s", da.RawGetInt(1), db.RawGetInt(1))
	}
}
