package harbor

import (
	"testing"
	"unsafe"
)

// Reports kept for thousands of artifacts repeat the same findings; their
// strings must be stored once, and the findings must read as sent.
func TestDecodedReportsShareRepeatedStrings(t *testing.T) {
	body := func(digest string) []byte {
		return []byte(`{"application/vnd.security.vulnerability.report; version=1.1":{"generated_at":"2026-01-01T00:00:00Z","severity":"High","vulnerabilities":[` +
			`{"id":"CVE-2024-0727","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r1","severity":"High","description":"a long description of the flaw","links":["https://avd.aquasec.com/nvd/cve-2024-0727"],"artifact_digests":["` + digest + `"],"preferred_cvss":{"score_v3":7.5,"vector_v3":"CVSS:3.1/AV:N"},"cwe_ids":[]}]}}`)
	}
	a, err := DecodeVulnerabilityReport(body("sha256:aa"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeVulnerabilityReport(body("sha256:bb"))
	if err != nil {
		t.Fatal(err)
	}
	va, vb := a.Vulnerabilities[0], b.Vulnerabilities[0]
	if va.Description != "a long description of the flaw" || va.ArtifactDigests[0] != "sha256:aa" || vb.ArtifactDigests[0] != "sha256:bb" {
		t.Fatalf("decoded wrongly: %+v / %+v", va, vb)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	for name, pair := range map[string][2]string{
		"id": {va.ID, vb.ID}, "description": {va.Description, vb.Description}, "link": {va.Links[0], vb.Links[0]},
		"vector": {va.PreferredCVSS.VectorV3, vb.PreferredCVSS.VectorV3}, "package": {va.Package, vb.Package},
	} {
		if !same(pair[0], pair[1]) {
			t.Errorf("%s is stored twice", name)
		}
	}
	if cap(a.Vulnerabilities) != len(a.Vulnerabilities) {
		t.Errorf("findings slice keeps %d spare places", cap(a.Vulnerabilities)-len(a.Vulnerabilities))
	}
}
