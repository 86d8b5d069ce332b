package luainfo

import (
	"encoding/json"
	"fmt"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// benchInfos are n artifacts whose reports come from a pool of 16 reports
// of vulns findings each, as a scanner reports images sharing bases.
func benchInfos(b testing.TB, n, vulns int) []*ext.ArtifactInfo {
	b.Helper()
	pool := make([]*harbor.VulnerabilityReport, 16)
	for i := range pool {
		r := &harbor.VulnerabilityReport{GeneratedAt: "2026-11-28T08:11:15Z", Severity: "High",
			Scanner: &harbor.Scanner{Name: "Trivy", Vendor: "Aqua Security", Version: "0.50.1"}}
		for j := 0; j < vulns; j++ {
			score := float64((i*vulns+j)%90+10) / 10
			r.Vulnerabilities = append(r.Vulnerabilities, harbor.VulnerabilityItem{
				ID: fmt.Sprintf("CVE-2024-%04d", (i*7+j)%400), Package: "openssl", Version: fmt.Sprintf("3.0.%d", j%20),
				FixVersion: "3.0.99", Severity: "High", Description: "generated finding", Links: []string{},
				PreferredCVSS: &harbor.CVSSDetails{ScoreV3: &score, VectorV3: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}})
		}
		pool[i] = r
	}
	repo := &harbor.Repository{}
	if err := json.Unmarshal([]byte(`{"id":1,"name":"project-001/repo-001","project_id":1,"artifact_count":10,"pull_count":3,"creation_time":"2026-01-01T00:00:00Z","update_time":"2026-01-01T00:00:00Z"}`), repo); err != nil {
		b.Fatal(err)
	}
	infos := make([]*ext.ArtifactInfo, n)
	for i := range infos {
		a := &harbor.Artifact{}
		raw := fmt.Sprintf(`{"id":%d,"digest":"sha256:%064x","size":12345678,"type":"IMAGE","media_type":"application/vnd.oci.image.config.v1+json","manifest_media_type":"application/vnd.oci.image.manifest.v1+json","project_id":1,"repository_id":1,"push_time":"2026-01-01T01:00:00Z","pull_time":"0001-01-01T00:00:00Z","tags":[{"id":%d,"name":"v%d","push_time":"2026-01-01T01:00:00Z","immutable":false,"repository_id":1,"artifact_id":%d}],"labels":null,"extra_attrs":{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z"}}`, i, i, i, i, i)
		if err := json.Unmarshal([]byte(raw), a); err != nil {
			b.Fatal(err)
		}
		infos[i] = &ext.ArtifactInfo{Artifact: a, Repository: repo, Report: pool[i%len(pool)]}
	}
	return infos
}

// BenchmarkPush builds the tables of 1000 artifacts with 50 findings each,
// what get_artifact_vulnerabilities does for every result.
func BenchmarkPush(b *testing.B) {
	infos := benchInfos(b, 1000, 50)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		L := lua.NewState()
		for _, info := range infos {
			Push(L, info)
		}
		L.Close()
	}
}

// BenchmarkVulnTable is one finding's table on its own.
func BenchmarkVulnTable(b *testing.B) {
	infos := benchInfos(b, 1, 50)
	L := lua.NewState()
	defer L.Close()
	v := &infos[0].Report.Vulnerabilities[0]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		VulnTable(L, v)
	}
}
