package harbor

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Bodies captured from Harbor v2.16, re-printed compact.
const (
	// Two artifacts: a tagged, labelled, scanned image, then an untagged,
	// unscanned one (tags and labels null, no scan_overview).
	alpineArtifacts = `[{"accessories":null,"addition_links":{"build_history":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e/additions/build_history"},"sboms":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts//additions/sbom"},"vulnerabilities":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e/additions/vulnerabilities"}},"artifact_type":"application/vnd.oci.image.config.v1+json","digest":"sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e","extra_attrs":{"architecture":"amd64","author":"","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Labels":{"org.opencontainers.image.title":"alpine-3.19"}},"created":"2024-01-02T03:04:05Z","os":"linux"},"icon":"sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06","id":2,"labels":[{"color":"#48960C","creation_time":"2026-11-28T08:11:26.156Z","description":"promoted to stable","id":1,"name":"stable","scope":"g","update_time":"2026-11-28T08:11:26.156Z"}],"manifest_media_type":"application/vnd.oci.image.manifest.v1+json","media_type":"application/vnd.oci.image.config.v1+json","project_id":1,"pull_time":"2026-11-28T08:10:20.915Z","push_time":"2026-11-28T08:10:20.778Z","references":null,"repository_id":1,"repository_name":"library/alpine","scan_overview":{"application/vnd.security.vulnerability.report; version=1.1":{"complete_percent":100,"duration":3,"end_time":"2026-11-28T08:11:15.000Z","report_id":"8aa924e0-bf66-47da-b5c2-797d772d08c2","scan_status":"Success","scanner":{"name":"FakeScan","vendor":"Example Inc.","version":"0.1.0"},"severity":"High","start_time":"2026-11-28T08:11:12.000Z","summary":{"fixable":3,"summary":{"High":1,"Low":1,"Medium":1},"total":3}}},"size":982,"tags":[{"artifact_id":2,"id":2,"immutable":false,"name":"3.19","pull_time":"0001-01-01T00:00:00.000Z","push_time":"2026-11-28T08:10:21.038Z","repository_id":1},{"artifact_id":2,"id":1,"immutable":false,"name":"latest","pull_time":"2026-11-28T08:10:20.915Z","push_time":"2026-11-28T08:10:20.788Z","repository_id":1}],"type":"IMAGE"},{"accessories":null,"addition_links":{"build_history":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a/additions/build_history"},"sboms":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts//additions/sbom"},"vulnerabilities":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a/additions/vulnerabilities"}},"artifact_type":"application/vnd.oci.image.config.v1+json","digest":"sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a","extra_attrs":{"architecture":"amd64","author":"","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Labels":{"org.opencontainers.image.title":"alpine-3.18"}},"created":"2024-01-02T03:04:05Z","os":"linux"},"icon":"sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06","id":1,"labels":null,"manifest_media_type":"application/vnd.oci.image.manifest.v1+json","media_type":"application/vnd.oci.image.config.v1+json","project_id":1,"pull_time":"0001-01-01T00:00:00.000Z","push_time":"2026-11-28T08:10:20.558Z","references":null,"repository_id":1,"repository_name":"library/alpine","size":982,"tags":null,"type":"IMAGE"}]`
	// A multi-arch image index: references, no extra_attrs.
	debianIndex    = `{"accessories":null,"addition_links":{"sboms":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/debian/artifacts//additions/sbom"},"vulnerabilities":{"absolute":false,"href":"/api/v2.0/projects/library/repositories/debian/artifacts/sha256:b48bfa0255bccc210a8fdf9977886f8612af6add0e52912e2c37f4b46b5da991/additions/vulnerabilities"}},"digest":"sha256:b48bfa0255bccc210a8fdf9977886f8612af6add0e52912e2c37f4b46b5da991","icon":"sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06","id":6,"labels":null,"manifest_media_type":"application/vnd.oci.image.index.v1+json","media_type":"application/vnd.oci.image.index.v1+json","project_id":1,"pull_time":"2026-11-28T08:10:21.844Z","push_time":"2026-11-28T08:10:21.724Z","references":[{"child_digest":"sha256:d3f5d8fa68d79e6c86f5ecb0a441b24d68e54a7a288b2660edc90cfa17a07669","child_id":4,"parent_id":6,"platform":{"OsFeatures":null,"architecture":"amd64","os":"linux"},"urls":null},{"child_digest":"sha256:e10292e2836991c9678e5ed834fa93afdcaad264c54b82cb383434b8754c5edd","child_id":5,"parent_id":6,"platform":{"OsFeatures":null,"architecture":"arm64","os":"linux","variant":"v8"},"urls":null}],"repository_id":3,"repository_name":"library/debian","scan_overview":{"application/vnd.security.vulnerability.report; version=1.1":{"complete_percent":100,"duration":5,"end_time":"2026-11-28T08:11:30.000Z","report_id":"NmJkNjQzNDQtZWIwZS00ZDY5LWE4MDktZWQyMGQ0ZjllYzc4fDY0MmU1YjAwLTc3M2YtNDAzNC1iN2U4LWY5YTcyYzEyNWM4ZQ==","scan_status":"Success","scanner":{"name":"FakeScan","vendor":"Example Inc.","version":"0.1.0"},"severity":"Critical","start_time":"2026-11-28T08:11:25.000Z","summary":{"fixable":3,"summary":{"Critical":1,"High":1,"Low":1,"Medium":1},"total":4}}},"size":3391,"tags":[{"artifact_id":6,"id":5,"immutable":false,"name":"bookworm","pull_time":"0001-01-01T00:00:00.000Z","push_time":"2026-11-28T08:10:21.954Z","repository_id":3},{"artifact_id":6,"id":4,"immutable":false,"name":"latest","pull_time":"2026-11-28T08:10:21.844Z","push_time":"2026-11-28T08:10:21.729Z","repository_id":3}],"type":"IMAGE"}`
	libraryProject = `{"creation_time":"2026-11-28T08:09:14.114Z","current_user_role_id":1,"current_user_role_ids":[1],"cve_allowlist":{"creation_time":"0001-01-01T00:00:00.000Z","id":1,"items":[],"project_id":1,"update_time":"0001-01-01T00:00:00.000Z"},"metadata":{"public":"true"},"name":"library","owner_id":1,"owner_name":"admin","project_id":1,"repo_count":3,"update_time":"2026-11-28T08:09:14.114Z"}`
	alpineReport   = `{"application/vnd.security.vulnerability.report; version=1.1":{"generated_at":"2026-11-28T08:11:15.567513972Z","scanner":{"name":"FakeScan","vendor":"Example Inc.","version":"0.1.0"},"severity":"High","vulnerabilities":[{"artifact_digests":["sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e"],"cwe_ids":["CWE-754"],"description":"Generating excessively long X9.42 DH keys or checking excessively long X9.42 DH keys or parameters may be very slow.","fix_version":"3.1.4-r1","id":"CVE-2023-5678","links":["https://avd.aquasec.com/nvd/cve-2023-5678"],"package":"openssl","preferred_cvss":{"score_v2":null,"score_v3":5.3,"vector_v2":"","vector_v3":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"},"severity":"Medium","status":"","vendor_attributes":null,"version":"3.1.4-r0"},{"artifact_digests":["sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e"],"cwe_ids":["CWE-476"],"description":"Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash leading to a potential Denial of Service attack","fix_version":"3.1.4-r5","id":"CVE-2024-0727","links":["https://avd.aquasec.com/nvd/cve-2024-0727"],"package":"openssl","preferred_cvss":{"score_v2":null,"score_v3":5.5,"vector_v2":"","vector_v3":"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"},"severity":"Low","status":"","vendor_attributes":null,"version":"3.1.4-r0"},{"artifact_digests":["sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e"],"cwe_ids":["CWE-416"],"description":"A use-after-free vulnerability was discovered in xasprintf function in xfuncs_printf.c:344 in BusyBox v.1.36.1.","fix_version":"1.36.1-r17","id":"CVE-2023-42363","links":["https://avd.aquasec.com/nvd/cve-2023-42363"],"package":"busybox","preferred_cvss":{"score_v2":null,"score_v3":7.5,"vector_v2":"","vector_v3":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},"severity":"High","status":"","vendor_attributes":null,"version":"1.36.1-r15"}]}}`
)

func TestDecodeArtifactListing(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/projects/library/repositories/alpine/artifacts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Total-Count", "2")
		writeJSON(w, 200, alpineArtifacts)
	})
	c := newClient(t, srv, Options{})
	arts, err := c.GetArtifacts(context.Background(), "library", "alpine", DefaultArtifactOptions, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("%d artifacts", len(arts))
	}
	tagged, untagged := arts[0], arts[1]

	if got := strings.Join(tagged.TagNames(), ","); got != "3.19,latest" {
		t.Errorf("tags %q", got)
	}
	if len(tagged.Labels) != 1 || tagged.Labels[0].Name != "stable" || tagged.Labels[0].Scope != "g" {
		t.Errorf("labels %+v", tagged.Labels)
	}
	s := tagged.Scan()
	if s == nil || s.ScanStatus != "Success" || s.Severity != "High" || s.Summary == nil ||
		s.Summary.Total != 3 || s.Summary.Fixable != 3 || s.Summary.Summary["Medium"] != 1 || s.Scanner.Name != "FakeScan" {
		t.Errorf("scan overview %+v", s)
	}
	if tagged.ExtraAttrs["architecture"] != "amd64" {
		t.Errorf("extra_attrs %v", tagged.ExtraAttrs)
	}
	if tagged.AdditionLinks["vulnerabilities"].Href == "" {
		t.Errorf("addition_links %v", tagged.AdditionLinks)
	}
	if !tagged.Tags[0].PullTime.IsZero() {
		t.Errorf("never-pulled time %v is not the zero time", tagged.Tags[0].PullTime)
	}
	if want := time.Date(2026, 11, 28, 8, 10, 20, 778e6, time.UTC); !tagged.PushTime.Equal(want) {
		t.Errorf("push_time %v", tagged.PushTime)
	}

	if untagged.Tags != nil || len(untagged.TagNames()) != 0 {
		t.Errorf("untagged artifact has tags %v", untagged.Tags)
	}
	if untagged.Labels != nil || untagged.References != nil {
		t.Errorf("labels %v references %v", untagged.Labels, untagged.References)
	}
	if untagged.Scan() != nil || untagged.ScanOverview != nil {
		t.Errorf("unscanned artifact has a scan overview")
	}
	if untagged.Digest != "sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a" {
		t.Errorf("digest %q", untagged.Digest)
	}
	// Each artifact keeps its own bytes, not the whole page.
	var raw map[string]any
	if err := json.Unmarshal(untagged.Raw, &raw); err != nil || raw["id"] != float64(1) {
		t.Errorf("Raw of the second artifact: %v %v", raw["id"], err)
	}
}

func TestDecodeImageIndex(t *testing.T) {
	var a Artifact
	if err := json.Unmarshal([]byte(debianIndex), &a); err != nil {
		t.Fatal(err)
	}
	if a.ManifestMediaType != "application/vnd.oci.image.index.v1+json" || a.ExtraAttrs != nil {
		t.Errorf("media type %q extra_attrs %v", a.ManifestMediaType, a.ExtraAttrs)
	}
	if len(a.References) != 2 {
		t.Fatalf("references %+v", a.References)
	}
	arm := a.References[1]
	if arm.ParentID != 6 || arm.ChildID != 5 || !strings.HasPrefix(arm.ChildDigest, "sha256:e10292e2") ||
		arm.Platform == nil || arm.Platform.Architecture != "arm64" || arm.Platform.Variant != "v8" || arm.Platform.OS != "linux" {
		t.Errorf("arm64 child %+v %+v", arm, arm.Platform)
	}
	if s := a.Scan(); s == nil || s.Severity != "Critical" {
		t.Errorf("scan %+v", s)
	}
}

func TestUnknownFieldsKeptInRaw(t *testing.T) {
	body := `{"name":"library","project_id":1,"metadata":{"public":"true","some_future_setting":"on"},"future_field":{"nested":[1,2]},"repo_count":3}`
	var p Project
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("unknown fields failed decoding: %v", err)
	}
	if p.Name != "library" || p.RepoCount != 3 || p.Metadata.Public != "true" {
		t.Errorf("known fields %+v", p)
	}
	var raw map[string]any
	if err := json.Unmarshal(p.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["future_field"].(map[string]any); !ok {
		t.Errorf("future_field lost: %v", raw)
	}
	if raw["metadata"].(map[string]any)["some_future_setting"] != "on" {
		t.Errorf("nested unknown field lost")
	}

	for name, v := range map[string]interface{ raw() json.RawMessage }{
		"repository": &rawRepo{}, "artifact": &rawArtifact{}, "user": &rawUser{}, "systeminfo": &rawSys{}, "robot": &rawRobot{},
	} {
		if err := json.Unmarshal([]byte(`{"id":1,"name":"x","brand_new":true}`), v); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(string(v.raw()), `"brand_new":true`) {
			t.Errorf("%s: Raw %s", name, v.raw())
		}
	}
}

type rawRepo struct{ Repository }
type rawArtifact struct{ Artifact }
type rawUser struct{ UserResp }
type rawSys struct{ SystemInfo }
type rawRobot struct{ Robot }

func (r *rawRepo) raw() json.RawMessage     { return r.Raw }
func (r *rawArtifact) raw() json.RawMessage { return r.Raw }
func (r *rawUser) raw() json.RawMessage     { return r.Raw }
func (r *rawSys) raw() json.RawMessage      { return r.Raw }
func (r *rawRobot) raw() json.RawMessage    { return r.Raw }

func TestDecodeProject(t *testing.T) {
	var p Project
	if err := json.Unmarshal([]byte(libraryProject), &p); err != nil {
		t.Fatal(err)
	}
	if p.ProjectID != 1 || p.OwnerName != "admin" || p.CurrentUserRoleID != 1 || len(p.CurrentUserRoleIDs) != 1 ||
		p.Metadata == nil || p.Metadata.Public != "true" || len(p.CVEAllowlist) == 0 {
		t.Errorf("project %+v", p)
	}
}

func TestRawIsACopy(t *testing.T) {
	buf := []byte(`{"id":1,"name":"library/alpine"}`)
	var r Repository
	if err := json.Unmarshal(buf, &r); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXXXXX")
	if !strings.HasPrefix(string(r.Raw), `{"id":1`) {
		t.Errorf("Raw shares the decoder's buffer: %s", r.Raw)
	}
}

func TestDecodeVulnerabilityReport(t *testing.T) {
	r, err := DecodeVulnerabilityReport([]byte(`{}`))
	if r != nil || err != nil {
		t.Errorf("{} gave %+v, %v; want nil, nil", r, err)
	}
	r, err = DecodeVulnerabilityReport([]byte(`null`))
	if r != nil || err != nil {
		t.Errorf("null gave %+v, %v", r, err)
	}

	r, err = DecodeVulnerabilityReport([]byte(alpineReport))
	if err != nil {
		t.Fatal(err)
	}
	if r.MIMEType != ReportMIMETypes[0] || r.Severity != "High" || len(r.Vulnerabilities) != 3 || r.Scanner.Name != "FakeScan" {
		t.Errorf("generic report %+v", r)
	}
	v := r.Vulnerabilities[0]
	if v.ID != "CVE-2023-5678" || v.Package != "openssl" || v.FixVersion != "3.1.4-r1" ||
		v.PreferredCVSS == nil || v.PreferredCVSS.ScoreV3 == nil || *v.PreferredCVSS.ScoreV3 != 5.3 || v.PreferredCVSS.ScoreV2 != nil {
		t.Errorf("first finding %+v", v)
	}

	native := strings.Replace(alpineReport, ReportMIMETypes[0], ReportMIMETypes[1], 1)
	r, err = DecodeVulnerabilityReport([]byte(native))
	if err != nil || r == nil || r.MIMEType != ReportMIMETypes[1] || len(r.Vulnerabilities) != 3 {
		t.Errorf("native report %+v %v", r, err)
	}

	// Both keys: the generic one is preferred.
	var inner map[string]json.RawMessage
	json.Unmarshal([]byte(alpineReport), &inner)
	both, _ := json.Marshal(map[string]any{
		ReportMIMETypes[0]: inner[ReportMIMETypes[0]],
		ReportMIMETypes[1]: map[string]any{"severity": "Low", "vulnerabilities": []any{}},
	})
	r, err = DecodeVulnerabilityReport(both)
	if err != nil || r.MIMEType != ReportMIMETypes[0] || r.Severity != "High" {
		t.Errorf("both keys: %+v %v", r, err)
	}

	r, err = DecodeVulnerabilityReport([]byte(`{"application/x-other-scanner":{"severity":"Low","vulnerabilities":[{"id":"CVE-1"}]}}`))
	if err != nil || r.MIMEType != "application/x-other-scanner" || len(r.Vulnerabilities) != 1 {
		t.Errorf("unknown key %+v %v", r, err)
	}

	for _, bad := range []string{``, `[]`, `{"` + ReportMIMETypes[0] + `":"text"}`, `{"a":`} {
		if _, err := DecodeVulnerabilityReport([]byte(bad)); err == nil {
			t.Errorf("%q decoded without error", bad)
		}
	}
}

func TestArtifactScanPicksAnyKey(t *testing.T) {
	a := Artifact{ScanOverview: map[string]*ScanOverview{"application/x-other": {ScanStatus: "Running"}}}
	if s := a.Scan(); s == nil || s.ScanStatus != "Running" {
		t.Errorf("Scan() = %+v", s)
	}
	a.ScanOverview[ReportMIMETypes[1]] = &ScanOverview{ScanStatus: "Success"}
	if s := a.Scan(); s.ScanStatus != "Success" {
		t.Errorf("Scan() preferred %q over a known MIME type", s.ScanStatus)
	}
}
