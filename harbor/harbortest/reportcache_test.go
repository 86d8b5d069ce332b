package harbortest

import (
	"bytes"
	"net/url"
	"testing"
	"time"
)

// wantFreshReports asserts that every served report is byte for byte what
// rendering it from scratch gives, for both MIME types.
func wantFreshReports(t *testing.T, s *Server, base string) int {
	t.Helper()
	n := 0
	for _, p := range s.data.Projects {
		for _, r := range p.Repositories {
			for _, a := range r.Artifacts {
				sc := s.effectiveScan(a)
				if sc == nil || sc.Status != "Success" || a.Child {
					continue
				}
				path := "/api/v2.0/projects/" + p.Name + "/repositories/" + url.PathEscape(url.PathEscape(r.Name)) +
					"/artifacts/" + a.Digest + "/additions/vulnerabilities"
				for _, mime := range []string{MimeGenericReport, MimeNativeReport} {
					got := do(t, base, "GET", path, "", asAdmin, withHeader("X-Accept-Vulnerabilities", mime))
					wantStatus(t, got, 200)
					want := encodeJSON(map[string]reportJSON{mime: s.renderReportAt(a, generatedAt(sc))})
					if !bytes.Equal(got.body, want) {
						t.Fatalf("%s (%s):\n got %s\nwant %s", path, mime, got.body, want)
					}
					n++
				}
			}
		}
	}
	return n
}

func TestCachedReportsEqualFreshRendering(t *testing.T) {
	for name, ds := range map[string]*Dataset{
		"demo":      DemoDataset(),
		"generated": Generate(GenSpec{Projects: 2, ReposPerProject: 3, ArtifactsPerRepo: 4, VulnsPerReport: 7, Seed: 3}),
	} {
		t.Run(name, func(t *testing.T) {
			s, base := startServer(t, Options{Dataset: ds})
			// Twice: the second round is served from the templates.
			if n := wantFreshReports(t, s, base); n == 0 {
				t.Fatal("no scanned artifact to compare")
			}
			wantFreshReports(t, s, base)
		})
	}
}

func TestCachedReportFollowsRescan(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ds := Generate(GenSpec{Projects: 1, ReposPerProject: 1, ArtifactsPerRepo: 2, VulnsPerReport: 3, Seed: 1})
	s, base := startServer(t, Options{Dataset: ds, Clock: clock})
	wantFreshReports(t, s, base)
	a := "/api/v2.0/projects/project-001/repositories/repo-001/artifacts/v1"
	before := do(t, base, "GET", a+"/additions/vulnerabilities", "", asAdmin).body
	now = now.Add(time.Hour)
	wantStatus(t, do(t, base, "POST", a+"/scan", "", asAdmin), 202)
	after := do(t, base, "GET", a+"/additions/vulnerabilities", "", asAdmin).body
	if bytes.Equal(before, after) {
		t.Fatal("the report after a rescan still carries the old generation time")
	}
	if !bytes.Contains(after, []byte(`"generated_at":"2026-03-01T13:00:00Z"`)) {
		t.Errorf("report after the rescan: %s", after)
	}
	wantFreshReports(t, s, base)
}
