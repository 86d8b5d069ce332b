package ext

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor"
)

// The test registry: seven artifacts with real-looking findings. The
// expected answers in the tests were worked out by hand from this data.
//
//	library/alpine  3.19, latest   High      openssl 3.1.4-r0 (CVE-2023-5678 5.3 Medium, CVE-2024-0727 5.5 Low), busybox 1.36.1-r15 (7.5 High)
//	library/debian  bookworm,latest Critical  as alpine + libc6 2.36-9+deb12u3 (CVE-2024-12345 9.8 Critical, no fix)
//	library/nginx   1.25           High      openssl 3.0.11-1~deb12u2 (CVE-2023-5678, vendor nvd 5.3), nghttp2 (vendor redhat 7.5 High), apt (Negligible, no score, no fix), libssl3 (v2 4.3, no severity)
//	team/web/app    untagged       Critical  cryptography (GHSA 7.5 High), openssl 3.0.2-0ubuntu1.10 (7.4 High), curl (9.8 Critical), libstdc++6 (4.8 Medium, no fix), openssl "" (6.5 Medium)
//	library/python  3.12-alpine, 3.12 Medium openssl 3.0.7 (CVE-2022-3996 5.9 Medium, CVE-2023-5678 5.3 Medium)
//	library/busybox latest         not scanned (nil report)
//	library/scratch untagged       None      scanned, no findings
var alpineReport = `{"generated_at":"2026-11-28T08:11:15.567513972Z","scanner":{"name":"FakeScan","vendor":"Example Inc.","version":"0.1.0"},"severity":"High","vulnerabilities":[
 {"id":"CVE-2023-5678","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r1","severity":"Medium","description":"Generating excessively long X9.42 DH keys or checking excessively long X9.42 DH keys or parameters may be very slow.","links":["https://avd.aquasec.com/nvd/cve-2023-5678"],"preferred_cvss":{"score_v2":null,"score_v3":5.3,"vector_v2":"","vector_v3":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"},"cwe_ids":["CWE-754"],"vendor_attributes":null},
 {"id":"CVE-2024-0727","package":"openssl","version":"3.1.4-r0","fix_version":"3.1.4-r5","severity":"Low","description":"Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash leading to a potential Denial of Service attack","links":[],"preferred_cvss":{"score_v2":null,"score_v3":5.5},"cwe_ids":["CWE-476"],"vendor_attributes":null},
 {"id":"CVE-2023-42363","package":"busybox","version":"1.36.1-r15","fix_version":"1.36.1-r17","severity":"High","description":"A use-after-free vulnerability was discovered in xasprintf function in xfuncs_printf.c:344 in BusyBox v.1.36.1.","links":[],"preferred_cvss":{"score_v2":null,"score_v3":7.5},"cwe_ids":["CWE-416"],"vendor_attributes":null}]}`

var debianReport = strings.Replace(strings.Replace(alpineReport, `"severity":"High","vulnerabilities"`, `"severity":"Critical","vulnerabilities"`, 1), `]}`, `,
 {"id":"CVE-2024-12345","package":"libc6","version":"2.36-9+deb12u3","fix_version":"","severity":"Critical","description":"Example critical vulnerability without a fix version.","links":[],"preferred_cvss":{"score_v2":null,"score_v3":9.8},"cwe_ids":["CWE-787"],"vendor_attributes":null}]}`, 1)

var nginxReport = `{"generated_at":"2026-11-28T08:12:00Z","scanner":{"name":"Trivy","vendor":"Aqua Security","version":"0.50.1"},"severity":"High","vulnerabilities":[
 {"id":"CVE-2023-5678","package":"openssl","version":"3.0.11-1~deb12u2","fix_version":"3.0.13-1~deb12u1","severity":"Medium","description":"Generating excessively long X9.42 DH keys may be very slow.","links":[],"preferred_cvss":{"score_v2":null,"score_v3":null},"vendor_attributes":{"CVSS":{"nvd":{"V3Score":5.3},"redhat":{"V3Score":5.9}}}},
 {"id":"CVE-2023-44487","package":"nghttp2","version":"1.52.0-1","fix_version":"1.52.0-1+deb12u1","severity":"High","description":"The HTTP/2 protocol allows a denial of service (server resource consumption) because request cancellation can reset many streams quickly.","links":[],"vendor_attributes":{"CVSS":{"redhat":{"V3Score":7.5,"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}}}},
 {"id":"CVE-2011-3374","package":"apt","version":"2.6.1","fix_version":"","severity":"Negligible","description":"It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring.","links":[],"preferred_cvss":{"score_v2":null,"score_v3":null}},
 {"id":"CVE-2024-2511","package":"libssl3","version":"3.0.11-1~deb12u2","fix_version":"3.0.13-1~deb12u1","severity":"","description":"Unbounded memory growth with session handling in TLSv1.3","links":[],"preferred_cvss":{"score_v2":4.3,"score_v3":null}}]}`

var appReport = `{"generated_at":"2026-11-28T08:13:00Z","scanner":{"name":"Trivy","vendor":"Aqua Security","version":"0.50.1"},"severity":"Critical","vulnerabilities":[
 {"id":"GHSA-3ww4-gg4f-jr7f","package":"cryptography","version":"41.0.3","fix_version":"41.0.4","severity":"High","description":"Null-dereference when loading PKCS7 certificates","links":[],"preferred_cvss":{"score_v3":7.5}},
 {"id":"CVE-2023-0286","package":"openssl","version":"3.0.2-0ubuntu1.10","fix_version":"3.0.2-0ubuntu1.12","severity":"High","description":"There is a type confusion vulnerability relating to X.400 address processing inside an X.509 GeneralName.","links":[],"preferred_cvss":{"score_v3":7.4}},
 {"id":"CVE-2023-38545","package":"curl","version":"7.81.0-1ubuntu1.13","fix_version":"7.81.0-1ubuntu1.14","severity":"Critical","description":"This flaw makes curl overflow a heap based buffer in the SOCKS5 proxy handshake.","links":[],"preferred_cvss":{"score_v3":9.8}},
 {"id":"CVE-2023-4039","package":"libstdc++6","version":"12.2.0-14","fix_version":"","severity":"Medium","description":"A failure in the -fstack-protector feature in GCC-based toolchains that target AArch64.","links":[],"preferred_cvss":{"score_v3":4.8}},
 {"id":"CVE-2023-2650","package":"openssl","version":"","fix_version":"3.0.2-0ubuntu1.11","severity":"Medium","description":"Processing some specially crafted ASN.1 object identifiers or data containing them may be very slow.","links":[],"preferred_cvss":{"score_v3":6.5}}]}`

var pythonReport = `{"generated_at":"2026-11-28T08:14:00Z","scanner":{"name":"Trivy","vendor":"Aqua Security","version":"0.50.1"},"severity":"Medium","vulnerabilities":[
 {"id":"CVE-2022-3996","package":"openssl","version":"3.0.7","fix_version":"3.0.8","severity":"Medium","description":"If an X.509 certificate contains a malformed policy constraint and policy processing is enabled, a write lock will be taken twice recursively.","links":[],"preferred_cvss":{"score_v3":5.9}},
 {"id":"CVE-2023-5678","package":"openssl","version":"3.0.7","fix_version":"3.0.13","severity":"Medium","description":"Generating excessively long X9.42 DH keys may be very slow.","links":[],"preferred_cvss":{"score_v3":5.3}}]}`

var scratchReport = `{"generated_at":"2026-11-28T08:15:00Z","scanner":{"name":"Trivy","vendor":"Aqua Security","version":"0.50.1"},"severity":"None","vulnerabilities":[]}`

func mustReport(t testing.TB, s string) *harbor.VulnerabilityReport {
	t.Helper()
	var r harbor.VulnerabilityReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("test report does not decode: %v", err)
	}
	return &r
}

func mustArtifact(t testing.TB, repo, digest string, tags ...string) *harbor.Artifact {
	t.Helper()
	tagList := "null"
	if len(tags) > 0 {
		parts := make([]string, len(tags))
		for i, tag := range tags {
			parts[i] = `{"name":"` + tag + `"}`
		}
		tagList = "[" + strings.Join(parts, ",") + "]"
	}
	body := `{"id":1,"type":"IMAGE","repository_name":"` + repo + `","digest":"` + digest + `","tags":` + tagList + `,"push_time":"2026-11-28T08:10:21.954Z"}`
	var a harbor.Artifact
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("test artifact does not decode: %v", err)
	}
	return &a
}

func mustRepository(t testing.TB, name string) *harbor.Repository {
	t.Helper()
	var r harbor.Repository
	if err := json.Unmarshal([]byte(`{"id":3,"project_id":1,"name":"`+name+`","artifact_count":1}`), &r); err != nil {
		t.Fatalf("test repository does not decode: %v", err)
	}
	return &r
}

func digestOf(c byte) string { return "sha256:" + strings.Repeat(string(c), 64) }

// testRegistry returns the infos in the order of the table above, keyed by
// short name as well.
func testRegistry(t testing.TB) ([]*ArtifactInfo, map[string]*ArtifactInfo) {
	t.Helper()
	mk := func(repo, digest, report string, tags ...string) *ArtifactInfo {
		info := &ArtifactInfo{Artifact: mustArtifact(t, repo, digest, tags...), Repository: mustRepository(t, repo)}
		if report != "" {
			info.Report = mustReport(t, report)
		}
		return info
	}
	infos := []*ArtifactInfo{
		mk("library/alpine", "sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e", alpineReport, "3.19", "latest"),
		mk("library/debian", "sha256:b48bfa0255bccc210a8fdf9977886f8612af6add0e52912e2c37f4b46b5da991", debianReport, "bookworm", "latest"),
		mk("library/nginx", digestOf('c'), nginxReport, "1.25"),
		mk("team/web/app", digestOf('d'), appReport),
		mk("library/python", digestOf('e'), pythonReport, "3.12-alpine", "3.12"),
		mk("library/busybox", digestOf('f'), "", "latest"),
		mk("library/scratch", digestOf('a'), scratchReport),
	}
	byName := map[string]*ArtifactInfo{}
	for _, i := range infos {
		byName[i.RepositoryName()] = i
	}
	return infos, byName
}

// names lists the base repository names of infos, to compare filter results.
func names(infos []*ArtifactInfo) string {
	out := make([]string, len(infos))
	for i, a := range infos {
		out[i] = a.RepositoryName()
	}
	return strings.Join(out, ",")
}

// fixture reads a capture of the real Harbor, skipping when the captures are
// not available.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "harbor-fixtures", name))
	if err != nil {
		t.Skipf("fixture %s not available: %v", name, err)
	}
	return b
}
