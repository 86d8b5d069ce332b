package ext

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor"
)

func vulnIDs(vs []Vuln) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Artifact.RepositoryName() + ":" + v.Vulnerability.ID
	}
	return strings.Join(out, " ")
}

func TestReportStatistics(t *testing.T) {
	infos, _ := testRegistry(t)
	r := NewArtifactReport(append(infos, nil))
	if r.Len() != 7 || !r.IsAggregate() {
		t.Fatalf("Len = %d, IsAggregate = %v; nil entries are dropped", r.Len(), r.IsAggregate())
	}
	want := Stats{Mean: 6.511764705882353, Median: 5.9, Stdev: 1.6286045993968183, Min: 4.3, Max: 9.8}
	if got := r.CVSS(); !statsNear(got, want) {
		t.Errorf("CVSS = %+v, want %+v", got, want)
	}
	dist := map[string]int{"Critical": 2, "High": 5, "Medium": 7, "Low": 2, "Negligible": 1, "Unknown": 1}
	if got := r.Distribution(); !reflect.DeepEqual(got, dist) {
		t.Errorf("Distribution = %v, want %v", got, dist)
	}
	if n := len(r.Fixable()); n != 15 {
		t.Errorf("Fixable = %d, want 15", n)
	}
	if got := vulnIDs(r.Unfixable()); got != "debian:CVE-2024-12345 nginx:CVE-2011-3374 web/app:CVE-2023-4039" {
		t.Errorf("Unfixable = %s", got)
	}
	if got := vulnIDs(r.Critical()); got != "debian:CVE-2024-12345 web/app:CVE-2023-38545" {
		t.Errorf("Critical = %s", got)
	}
	if got := vulnIDs(r.High()); got != "alpine:CVE-2023-42363 debian:CVE-2023-42363 nginx:CVE-2023-44487 web/app:GHSA-3ww4-gg4f-jr7f web/app:CVE-2023-0286" {
		t.Errorf("High = %s", got)
	}
	if got := vulnIDs(r.Low()); got != "alpine:CVE-2024-0727 debian:CVE-2024-0727" {
		t.Errorf("Low = %s", got)
	}
	if n := len(r.Medium()); n != 7 {
		t.Errorf("Medium = %d, want 7", n)
	}
	neg, err := r.VulnerabilitiesBySeverity("negligible")
	if err != nil || vulnIDs(neg) != "nginx:CVE-2011-3374" {
		t.Errorf("VulnerabilitiesBySeverity(negligible) = %s, %v", vulnIDs(neg), err)
	}
	unknown, _ := r.VulnerabilitiesBySeverity("Unknown")
	if vulnIDs(unknown) != "nginx:CVE-2024-2511" {
		t.Errorf("a finding without severity counts as Unknown, got %s", vulnIDs(unknown))
	}
	_, err = r.VulnerabilitiesBySeverity("severe")
	if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), `vulnerabilities_by_severity: severity "severe"`) || !strings.Contains(err.Error(), "Critical") {
		t.Errorf("bad severity: want a ValueError naming it and the valid names, got %v", err)
	}

	empty := NewArtifactReport(nil)
	if empty.IsAggregate() || empty.CVSS() != (Stats{}) || len(empty.Distribution()) != 0 || len(empty.Fixable()) != 0 {
		t.Errorf("an empty report has no statistics")
	}
	single := NewArtifactReport(infos[:1])
	if single.IsAggregate() {
		t.Errorf("one artifact is not an aggregate")
	}
}

func TestReportFilters(t *testing.T) {
	infos, _ := testRegistry(t)
	r := NewArtifactReport(infos)
	type step func(*ArtifactReport) (*ArtifactReport, error)
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"cve", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithCVE("CVE-2023-5678") }}, "alpine,debian,nginx,python"},
		{"cve pattern", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithCVE(`cve-2023-4\d+`) }}, "alpine,debian,nginx,web/app"},
		{"openssl 3.0.0..3.0.7", []step{func(r *ArtifactReport) (*ArtifactReport, error) {
			return r.WithPackage("openssl", PackageOptions{MinVersion: "3.0.0", MaxVersion: "3.0.7"})
		}}, "web/app,python"},
		{"severity", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithSeverity("Critical") }}, "debian,web/app"},
		{"unscanned is Unknown", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithSeverity("unknown") }}, "busybox"},
		{"clean scan", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithSeverity("None") }}, "scratch"},
		{"critical then openssl up to 3.0.7", []step{
			func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithSeverity("Critical") },
			func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithPackage("openssl", PackageOptions{}) },
			func(r *ArtifactReport) (*ArtifactReport, error) {
				return r.WithPackage("openssl", PackageOptions{MaxVersion: "3.0.7"})
			},
		}, "web/app"},
		{"description", []step{func(r *ArtifactReport) (*ArtifactReport, error) {
			return r.WithDescription("dos|denial of service", false)
		}}, "alpine,debian,nginx"},
		{"description case", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithDescription("Denial", true) }}, "alpine,debian"},
		{"repository base name", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithRepository("alpine", false) }}, "alpine"},
		{"repository full name", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithRepository("library/", false) }}, "alpine,debian,nginx,python,busybox,scratch"},
		{"repository nested", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithRepository("web/", false) }}, "web/app"},
		{"repositories", []step{func(r *ArtifactReport) (*ArtifactReport, error) {
			return r.WithRepositories([]string{"nginx", "team/web/app"}, false)
		}}, "nginx,web/app"},
		{"repository case", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithRepository("Alpine", true) }}, ""},
		{"tag", []step{func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithTag("latest") }}, "alpine,debian,busybox"},
		{"tag then cve", []step{
			func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithTag("latest") },
			func(r *ArtifactReport) (*ArtifactReport, error) { return r.WithCVE("CVE-2024-12345") },
		}, "debian"},
	}
	for _, tt := range tests {
		cur := r
		for _, s := range tt.steps {
			next, err := s(cur)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			cur = next
		}
		if got := names(cur.Artifacts()); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	if r.Len() != 7 {
		t.Errorf("filters must not change the report they start from")
	}
}

func TestReportHasMatchesWith(t *testing.T) {
	infos, _ := testRegistry(t)
	r := NewArtifactReport(infos)
	python := NewArtifactReport(infos[4:5])
	checks := []struct {
		name        string
		all, single func(*ArtifactReport) (bool, error)
		want, wantP bool
	}{
		{"cve", func(r *ArtifactReport) (bool, error) { return r.HasCVE("CVE-2024-12345") }, nil, true, false},
		{"description", func(r *ArtifactReport) (bool, error) { return r.HasDescription("X9.42", true) }, nil, true, true},
		{"package", func(r *ArtifactReport) (bool, error) { return r.HasPackage("curl", PackageOptions{}) }, nil, true, false},
		{"severity", func(r *ArtifactReport) (bool, error) { return r.HasSeverity("medium") }, nil, true, true},
		{"severity low", func(r *ArtifactReport) (bool, error) { return r.HasSeverity("Low") }, nil, false, false},
		{"repository", func(r *ArtifactReport) (bool, error) { return r.HasRepository("library/python", false) }, nil, true, true},
		{"tag", func(r *ArtifactReport) (bool, error) { return r.HasTag("bookworm") }, nil, true, false},
	}
	for _, c := range checks {
		if got, err := c.all(r); err != nil || got != c.want {
			t.Errorf("%s on all: %v, %v; want %v", c.name, got, err, c.want)
		}
		if got, err := c.all(python); err != nil || got != c.wantP {
			t.Errorf("%s on python: %v, %v; want %v", c.name, got, err, c.wantP)
		}
	}
}

func TestReportErrors(t *testing.T) {
	infos, _ := testRegistry(t)
	r := NewArtifactReport(infos)
	errs := map[string]error{}
	_, errs["with_cve"] = r.WithCVE("CVE-[")
	_, errs["has_cve"] = r.HasCVE("CVE-[")
	_, errs["with_description"] = r.WithDescription("[z", false)
	_, errs["has_description"] = r.HasDescription("[z", false)
	_, errs["with_package"] = r.WithPackage("openssl", PackageOptions{MinVersion: "3", MaxVersion: "2"})
	_, errs["has_package"] = r.HasPackage("[", PackageOptions{})
	_, errs["with_severity"] = r.WithSeverity("bad")
	_, errs["has_severity"] = r.HasSeverity("")
	_, errs["with_repository"] = r.WithRepository("lib(", false)
	_, errs["has_repository"] = r.HasRepository("lib(", false)
	_, errs["with_tag"] = r.WithTag("*")
	_, errs["has_tag"] = r.HasTag("*")
	for method, err := range errs {
		if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), method+": ") {
			t.Errorf("%s: want a ValueError naming the method, got %v", method, err)
		}
	}
}

func BenchmarkReportDistribution(b *testing.B) {
	sev := SeverityNames()
	infos := make([]*ArtifactInfo, 1000)
	for i := range infos {
		vulns := make([]harbor.VulnerabilityItem, 50)
		for j := range vulns {
			s := float64(j%100) / 10
			vulns[j] = harbor.VulnerabilityItem{
				ID: fmt.Sprintf("CVE-2024-%d", j), Package: "pkg", Version: "1.0",
				Severity: sev[j%len(sev)], PreferredCVSS: &harbor.CVSSDetails{ScoreV3: &s},
			}
		}
		infos[i] = &ArtifactInfo{
			Artifact: &harbor.Artifact{RepositoryName: fmt.Sprintf("library/r%d", i), Digest: "sha256:x"},
			Report:   &harbor.VulnerabilityReport{Severity: "High", Vulnerabilities: vulns},
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := NewArtifactReport(infos)
		if d := r.Distribution(); len(d) != len(sev) {
			b.Fatalf("distribution has %d severities", len(d))
		}
	}
}
