package harbor

import (
	"encoding/json"
	"reflect"
	"testing"
)

func sharedReportBody(digest string) []byte {
	finding := func(id, links, cwe string) string {
		return `{"id":"` + id + `","package":"openssl","version":"3.1.4-r0","severity":"High","links":` + links +
			`,"artifact_digests":["` + digest + `"],"preferred_cvss":{"score_v3":7.5,"score_v2":null,"vector_v3":"CVSS:3.1/AV:N","vector_v2":""},"cwe_ids":` + cwe + `}`
	}
	return []byte(`{"application/vnd.security.vulnerability.report; version=1.1":{"generated_at":"2026-01-01T00:00:00Z","severity":"High","vulnerabilities":[` +
		finding("CVE-2024-0727", `["https://avd.aquasec.com/nvd/cve-2024-0727","https://example.org/a"]`, `["CWE-476"]`) + "," +
		finding("CVE-2024-0728", `[]`, `null`) + `]}}`)
}

// Findings repeat across reports; their CVSS details and lists must be kept
// once, and every report must still read exactly as Harbor sent it.
func TestDecodedReportsShareEqualParts(t *testing.T) {
	a, err := DecodeVulnerabilityReport(sharedReportBody("sha256:aa"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeVulnerabilityReport(sharedReportBody("sha256:bb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		digest string
		r      *VulnerabilityReport
	}{{"sha256:aa", a}, {"sha256:bb", b}} {
		var plain map[string]VulnerabilityReport
		if err := json.Unmarshal(sharedReportBody(c.digest), &plain); err != nil {
			t.Fatal(err)
		}
		want := plain["application/vnd.security.vulnerability.report; version=1.1"]
		if !reflect.DeepEqual(c.r.Vulnerabilities, want.Vulnerabilities) {
			t.Errorf("%s: findings\n got %+v\nwant %+v", c.digest, c.r.Vulnerabilities, want.Vulnerabilities)
		}
	}
	va, vb := a.Vulnerabilities[0], b.Vulnerabilities[0]
	if va.PreferredCVSS != vb.PreferredCVSS {
		t.Error("equal CVSS details are kept twice")
	}
	if &va.Links[0] != &vb.Links[0] || &va.CWEIDs[0] != &vb.CWEIDs[0] {
		t.Error("equal link or CWE lists are kept twice")
	}
	if cap(va.Links) != len(va.Links) {
		t.Error("a shared list has spare capacity: appending to it would write into other reports")
	}
	if &a.Vulnerabilities[0].ArtifactDigests[0] != &a.Vulnerabilities[1].ArtifactDigests[0] {
		t.Error("the findings of one report keep one digest list each")
	}
	// [] and null differ in JSON and must stay apart.
	if l := a.Vulnerabilities[1].Links; l == nil || len(l) != 0 {
		t.Errorf("links [] decoded to %#v, want an empty list", l)
	}
	if a.Vulnerabilities[1].CWEIDs != nil {
		t.Errorf("cwe_ids null decoded to %#v, want nil", a.Vulnerabilities[1].CWEIDs)
	}
}
