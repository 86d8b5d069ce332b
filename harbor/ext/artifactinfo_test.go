package ext

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func statsNear(a, b Stats) bool {
	return near(a.Mean, b.Mean) && near(a.Median, b.Median) && near(a.Stdev, b.Stdev) && near(a.Min, b.Min) && near(a.Max, b.Max)
}

func TestArtifactInfoNames(t *testing.T) {
	_, reg := testRegistry(t)
	tests := []struct {
		info                             *ArtifactInfo
		project, repo, digest, full, tag string
		tags                             []string
	}{
		{reg["alpine"], "library", "alpine", "library/alpine@sha256:4297b288",
			"library/alpine@sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e",
			"library/alpine:3.19", []string{"3.19", "latest"}},
		{reg["web/app"], "team", "web/app", "team/web/app@sha256:dddddddd",
			"team/web/app@" + digestOf('d'), "team/web/app:untagged", nil},
	}
	for _, tt := range tests {
		i := tt.info
		if got := i.ProjectName(); got != tt.project {
			t.Errorf("ProjectName = %q, want %q", got, tt.project)
		}
		if got := i.RepositoryName(); got != tt.repo {
			t.Errorf("RepositoryName = %q, want %q", got, tt.repo)
		}
		if got := i.NameWithDigest(); got != tt.digest {
			t.Errorf("NameWithDigest = %q, want %q", got, tt.digest)
		}
		if got := i.NameWithDigestFull(); got != tt.full {
			t.Errorf("NameWithDigestFull = %q, want %q", got, tt.full)
		}
		if got := i.NameWithTag(); got != tt.tag {
			t.Errorf("NameWithTag = %q, want %q", got, tt.tag)
		}
		if got := i.Tags(); !reflect.DeepEqual(got, tt.tags) {
			t.Errorf("Tags = %q, want %q", got, tt.tags)
		}
	}
}

func TestArtifactInfoNamesWithoutRepository(t *testing.T) {
	// Infos built from an artifact alone take the name from the artifact.
	info := &ArtifactInfo{Artifact: mustArtifact(t, "library/alpine", "sha256:abc", "edge")}
	if got := info.NameWithTag(); got != "library/alpine:edge" {
		t.Errorf("NameWithTag = %q", got)
	}
	if got := info.NameWithDigest(); got != "library/alpine@sha256:abc" {
		t.Errorf("short digest must stay whole, got %q", got)
	}
	var empty ArtifactInfo
	if empty.NameWithTag() != ":untagged" || empty.CVSSMax() != 0 || len(empty.Tags()) != 0 {
		t.Errorf("an empty info must not panic and has no data")
	}
}

func TestArtifactInfoCVSS(t *testing.T) {
	_, reg := testRegistry(t)
	tests := []struct {
		name string
		want Stats
	}{
		{"alpine", Stats{Mean: 6.1, Median: 5.5, Stdev: 1.216552506059644, Min: 5.3, Max: 7.5}},
		{"debian", Stats{Mean: 7.025, Median: 6.5, Stdev: 2.099801577927464, Min: 5.3, Max: 9.8}},
		// nginx: vendor nvd 5.3, vendor redhat 7.5, v2 4.3; apt has no score.
		{"nginx", Stats{Mean: 5.7, Median: 5.3, Stdev: 1.6370705543744901, Min: 4.3, Max: 7.5}},
		{"web/app", Stats{Mean: 7.2, Median: 7.4, Stdev: 1.812456896039186, Min: 4.8, Max: 9.8}},
		{"python", Stats{Mean: 5.6, Median: 5.6, Stdev: 0.4242640687119289, Min: 5.3, Max: 5.9}},
		{"busybox", Stats{}},
		{"scratch", Stats{}},
	}
	for _, tt := range tests {
		info := reg[tt.name]
		if got := info.CVSS(); !statsNear(got, tt.want) {
			t.Errorf("%s: CVSS = %+v, want %+v", tt.name, got, tt.want)
		}
		if got := info.CVSSMax(); !near(got, tt.want.Max) {
			t.Errorf("%s: CVSSMax = %v, want %v", tt.name, got, tt.want.Max)
		}
	}
}

func TestScoreSources(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	tests := []struct {
		name string
		v    harbor.VulnerabilityItem
		want float64
	}{
		{"v3 preferred", harbor.VulnerabilityItem{PreferredCVSS: &harbor.CVSSDetails{ScoreV3: f(7.1), ScoreV2: f(5)}}, 7.1},
		{"v2 when no v3", harbor.VulnerabilityItem{PreferredCVSS: &harbor.CVSSDetails{ScoreV2: f(5)}}, 5},
		{"nvd before redhat", harbor.VulnerabilityItem{VendorAttributes: []byte(`{"CVSS":{"redhat":{"V3Score":6.1},"nvd":{"V3Score":9.1}}}`)}, 9.1},
		{"vendor v3 before v2", harbor.VulnerabilityItem{VendorAttributes: []byte(`{"CVSS":{"nvd":{"V2Score":4.3},"redhat":{"V3Score":6.1}}}`)}, 6.1},
		{"other vendor", harbor.VulnerabilityItem{VendorAttributes: []byte(`{"CVSS":{"ubuntu":{"V3Score":3.3}}}`)}, 3.3},
		{"malformed vendor data", harbor.VulnerabilityItem{VendorAttributes: []byte(`{"CVSS":{"nvd":"high"}}`)}, 0},
		{"vendor attributes not an object", harbor.VulnerabilityItem{VendorAttributes: []byte(`[1,2]`)}, 0},
		{"nothing", harbor.VulnerabilityItem{}, 0},
	}
	for _, tt := range tests {
		if got := Score(&tt.v); got != tt.want {
			t.Errorf("%s: Score = %v, want %v", tt.name, got, tt.want)
		}
	}
	if Score(nil) != 0 || Fixable(nil) {
		t.Error("nil finding must score 0 and not be fixable")
	}
}

func TestArtifactInfoHasCVE(t *testing.T) {
	infos, _ := testRegistry(t)
	tests := []struct {
		id   string
		want string // repositories whose artifact has it
	}{
		{"CVE-2023-5678", "alpine,debian,nginx,python"},
		{"cve-2023-5678", "alpine,debian,nginx,python"},
		{"CVE-2024-12345", "debian"},
		{"GHSA-3ww4-gg4f-jr7f", "web/app"},
		{"GHSA-", "web/app"},
		{"2023-5678", ""}, // matches from the start only
		{`CVE-2023-(0286|38545)`, "web/app"},
		{"CVE-2099-0001", ""},
	}
	for _, tt := range tests {
		var got []*ArtifactInfo
		for _, info := range infos {
			ok, err := info.HasCVE(tt.id)
			if err != nil {
				t.Fatalf("HasCVE(%q): %v", tt.id, err)
			}
			if ok {
				got = append(got, info)
			}
		}
		if names(got) != tt.want {
			t.Errorf("HasCVE(%q) on %s, want %s", tt.id, names(got), tt.want)
		}
	}
}

func TestInvalidPatternIsValueError(t *testing.T) {
	_, reg := testRegistry(t)
	_, err := reg["alpine"].HasCVE("CVE-[")
	if !harbor.IsType(err, harbor.TypeValueError) {
		t.Fatalf("want ValueError, got %v", err)
	}
	if !strings.Contains(err.Error(), `has_cve: id "CVE-["`) {
		t.Errorf("error must name method and argument: %v", err)
	}
	checks := map[string]func() error{
		"has_tag":                func() error { _, err := reg["alpine"].HasTag("("); return err },
		"has_description":        func() error { _, err := reg["alpine"].HasDescription("x[", false); return err },
		"vulns_with_package":     func() error { _, err := reg["alpine"].VulnsWithPackage("*", false); return err },
		"vulns_with_description": func() error { _, err := reg["alpine"].VulnsWithDescription("a{2,1}", true); return err },
		"vuln_with_cve":          func() error { _, err := reg["alpine"].VulnWithCVE("CVE-("); return err },
		"has_package":            func() error { _, err := reg["web/app"].HasPackage("libstdc++", PackageOptions{}); return err },
	}
	for method, f := range checks {
		err := f()
		if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), method+":") {
			t.Errorf("%s: want a ValueError naming it, got %v", method, err)
		}
	}
}

func TestExactTextMatchesEvenWhenNotAPattern(t *testing.T) {
	_, reg := testRegistry(t)
	// "libstdc++6" is not valid RE2 (nested repetition) but is a real package.
	ok, err := reg["web/app"].HasPackage("libstdc++6", PackageOptions{})
	if err != nil || !ok {
		t.Errorf("HasPackage(libstdc++6) = %v, %v; want true, nil", ok, err)
	}
	info := &ArtifactInfo{Report: &harbor.VulnerabilityReport{Vulnerabilities: []harbor.VulnerabilityItem{
		{ID: "ALAS-2023+1", Package: "p"}, {ID: "ALAS-2023(2)", Package: "q"},
	}}}
	for _, id := range []string{"ALAS-2023+1", "ALAS-2023(2)"} {
		v, err := info.VulnWithCVE(id)
		if err != nil || v == nil || v.ID != id {
			t.Errorf("VulnWithCVE(%q) = %v, %v; want the finding with that id", id, v, err)
		}
	}
}

func TestVulnWithCVEPrefersExactID(t *testing.T) {
	info := &ArtifactInfo{Report: &harbor.VulnerabilityReport{Vulnerabilities: []harbor.VulnerabilityItem{
		{ID: "CVE-2023-56789"}, {ID: "CVE-2023-5678"},
	}}}
	v, err := info.VulnWithCVE("CVE-2023-5678")
	if err != nil || v == nil || v.ID != "CVE-2023-5678" {
		t.Fatalf("VulnWithCVE = %+v, %v; want the exact id", v, err)
	}
	v, _ = info.VulnWithCVE("CVE-2023-567")
	if v == nil || v.ID != "CVE-2023-56789" {
		t.Errorf("a prefix pattern finds the first matching finding, got %+v", v)
	}
}

func TestArtifactInfoHasTag(t *testing.T) {
	infos, _ := testRegistry(t)
	tests := []struct{ pattern, want string }{
		{"latest", "alpine,debian,busybox"},
		{"LATEST", "alpine,debian,busybox"},
		{"3.1", "alpine,python"},
		{`3\.19$`, "alpine"},
		{"test", ""}, // from the start: "latest" does not start with it
		{".*test", "alpine,debian,busybox"},
		{"3.12-alpine", "python"},
	}
	for _, tt := range tests {
		var got []*ArtifactInfo
		for _, info := range infos {
			ok, err := info.HasTag(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				got = append(got, info)
			}
		}
		if names(got) != tt.want {
			t.Errorf("HasTag(%q) on %s, want %s", tt.pattern, names(got), tt.want)
		}
	}
}

func TestArtifactInfoDescriptions(t *testing.T) {
	_, reg := testRegistry(t)
	tests := []struct {
		info          string
		text          string
		caseSensitive bool
		want          []string
	}{
		{"alpine", "x9.42", false, []string{"CVE-2023-5678"}},
		{"alpine", "x9.42", true, nil},
		{"alpine", "X9.42", true, []string{"CVE-2023-5678"}},
		{"alpine", "denial of service", false, []string{"CVE-2024-0727"}},
		{"alpine", "openssl|busybox", false, []string{"CVE-2024-0727", "CVE-2023-42363"}},
		{"scratch", "anything", false, nil},
		{"busybox", "anything", false, nil},
	}
	for _, tt := range tests {
		vulns, err := reg[tt.info].VulnsWithDescription(tt.text, tt.caseSensitive)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vulns {
			ids = append(ids, v.ID)
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("%s VulnsWithDescription(%q, %v) = %v, want %v", tt.info, tt.text, tt.caseSensitive, ids, tt.want)
		}
		has, err := reg[tt.info].HasDescription(tt.text, tt.caseSensitive)
		if err != nil || has != (len(tt.want) > 0) {
			t.Errorf("%s HasDescription(%q) = %v, %v", tt.info, tt.text, has, err)
		}
	}
}

func TestArtifactInfoPackages(t *testing.T) {
	infos, reg := testRegistry(t)
	vulns, err := reg["alpine"].VulnsWithPackage("OpenSSL", false)
	if err != nil || len(vulns) != 2 {
		t.Errorf("VulnsWithPackage(OpenSSL) = %d findings, %v; want 2", len(vulns), err)
	}
	if vulns, _ := reg["alpine"].VulnsWithPackage("OpenSSL", true); len(vulns) != 0 {
		t.Errorf("case-sensitive OpenSSL must not match openssl")
	}
	if vulns, _ := reg["nginx"].VulnsWithPackage("ssl", false); len(vulns) != 0 {
		t.Errorf("package names match from the start; ssl matched %d", len(vulns))
	}
	tests := []struct {
		name string
		o    PackageOptions
		want string
	}{
		{"openssl", PackageOptions{}, "alpine,debian,nginx,web/app,python"},
		// 3.0.2-0ubuntu1.10 and 3.0.7 are in range; 3.0.11-1~deb12u2 and 3.1.4-r0 are above.
		{"openssl", PackageOptions{MinVersion: "3.0.0", MaxVersion: "3.0.7"}, "web/app,python"},
		{"openssl", PackageOptions{MinVersion: "3.1"}, "alpine,debian"},
		{"openssl", PackageOptions{MaxVersion: "3.0.6"}, "web/app"},
		{"busybox", PackageOptions{MaxVersion: "1.36.1-r16"}, "alpine,debian"},
		{"busybox", PackageOptions{MaxVersion: "1.36.1-r14"}, ""},
		{"libc", PackageOptions{MinVersion: "2.36"}, "debian"},
		{"libc6", PackageOptions{MinVersion: "2.37"}, ""},
		{"curl", PackageOptions{MinVersion: "7.81.0-1ubuntu1.13", MaxVersion: "7.81.0-1ubuntu1.13"}, "web/app"},
	}
	for _, tt := range tests {
		var got []*ArtifactInfo
		for _, info := range infos {
			ok, err := info.HasPackage(tt.name, tt.o)
			if err != nil {
				t.Fatalf("HasPackage(%q, %+v): %v", tt.name, tt.o, err)
			}
			if ok {
				got = append(got, info)
			}
		}
		if names(got) != tt.want {
			t.Errorf("HasPackage(%q, %+v) on %s, want %s", tt.name, tt.o, names(got), tt.want)
		}
	}
}

func TestPackageVersionBounds(t *testing.T) {
	_, reg := testRegistry(t)
	_, err := reg["alpine"].HasPackage("openssl", PackageOptions{MinVersion: "3.1", MaxVersion: "3.0"})
	if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), "max_version") {
		t.Errorf("max below min: want a ValueError naming max_version, got %v", err)
	}
	_, err = reg["alpine"].HasPackage("openssl", PackageOptions{MinVersion: "latest"})
	if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), `min_version "latest"`) {
		t.Errorf("bound that is no version: want a ValueError naming it, got %v", err)
	}
	// A finding whose installed version is unknown matches by name but
	// never falls within a bound, and raises nothing.
	info := &ArtifactInfo{Report: &harbor.VulnerabilityReport{Vulnerabilities: []harbor.VulnerabilityItem{{ID: "CVE-1", Package: "openssl", Version: ""}}}}
	if ok, err := info.HasPackage("openssl", PackageOptions{}); !ok || err != nil {
		t.Errorf("no bounds: %v, %v", ok, err)
	}
	if ok, err := info.HasPackage("openssl", PackageOptions{MinVersion: "0"}); ok || err != nil {
		t.Errorf("unknown version within a bound: %v, %v", ok, err)
	}
	if ok, err := info.HasPackage("openssl", PackageOptions{MaxVersion: "99"}); ok || err != nil {
		t.Errorf("unknown version within a bound: %v, %v", ok, err)
	}
}

func TestInfosFromFixtures(t *testing.T) {
	var alpine, debian harbor.Artifact
	if err := alpine.UnmarshalJSON(fixture(t, "artifact.library.alpine.by_tag_latest.json")); err != nil {
		t.Fatal(err)
	}
	if err := debian.UnmarshalJSON(fixture(t, "artifact.library.debian.index_latest.json")); err != nil {
		t.Fatal(err)
	}
	ar, err := harbor.DecodeVulnerabilityReport(fixture(t, "vulnerabilities.library.alpine.latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	dr, err := harbor.DecodeVulnerabilityReport(fixture(t, "vulnerabilities.library.debian.index_latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := &ArtifactInfo{Artifact: &alpine, Report: ar}
	d := &ArtifactInfo{Artifact: &debian, Report: dr}
	if a.NameWithDigest() != "library/alpine@sha256:4297b288" || a.NameWithTag() != "library/alpine:3.19" {
		t.Errorf("names: %s %s", a.NameWithDigest(), a.NameWithTag())
	}
	if !statsNear(a.CVSS(), Stats{Mean: 6.1, Median: 5.5, Stdev: 1.216552506059644, Min: 5.3, Max: 7.5}) {
		t.Errorf("alpine CVSS = %+v", a.CVSS())
	}
	if !statsNear(d.CVSS(), Stats{Mean: 7.025, Median: 6.5, Stdev: 2.099801577927464, Min: 5.3, Max: 9.8}) {
		t.Errorf("debian CVSS = %+v", d.CVSS())
	}
	r := NewArtifactReport([]*ArtifactInfo{a, d})
	hit, err := r.WithCVE("CVE-2023-5678")
	if err != nil || hit.Len() != 2 {
		t.Errorf("both fixture images carry CVE-2023-5678: %d, %v", hit.Len(), err)
	}
	crit, _ := r.WithSeverity("critical")
	if crit.Len() != 1 || crit.Artifacts()[0] != d {
		t.Errorf("only debian is Critical")
	}
	want := map[string]int{"Critical": 1, "High": 2, "Medium": 2, "Low": 2}
	if got := r.Distribution(); !reflect.DeepEqual(got, want) {
		t.Errorf("Distribution = %v, want %v", got, want)
	}
	if len(r.Unfixable()) != 1 || r.Unfixable()[0].Vulnerability.ID != "CVE-2024-12345" {
		t.Errorf("the libc6 finding is the only unfixable one")
	}
}
