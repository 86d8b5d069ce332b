package ext

import (
	"github.com/harborscript/harborscript/harbor"
)

// Vuln is one finding together with the artifact it was found in.
type Vuln struct {
	Vulnerability *harbor.VulnerabilityItem
	Artifact      *ArtifactInfo
}

// ArtifactReport answers questions over many artifacts at once. Its With*
// methods return a new report holding the matching artifacts, so filters
// chain; the original is never changed.
type ArtifactReport struct {
	artifacts []*ArtifactInfo
}

// NewArtifactReport builds a report over infos; nil entries are dropped.
func NewArtifactReport(infos []*ArtifactInfo) *ArtifactReport {
	r := &ArtifactReport{artifacts: make([]*ArtifactInfo, 0, len(infos))}
	for _, a := range infos {
		if a != nil {
			r.artifacts = append(r.artifacts, a)
		}
	}
	return r
}

// Artifacts are the report's artifacts in the order given.
func (r *ArtifactReport) Artifacts() []*ArtifactInfo {
	return append([]*ArtifactInfo(nil), r.artifacts...)
}

// Len is the number of artifacts.
func (r *ArtifactReport) Len() int { return len(r.artifacts) }

// IsAggregate is true when the report covers more than one artifact.
func (r *ArtifactReport) IsAggregate() bool { return len(r.artifacts) > 1 }

// CVSS summarises the scores of every finding of every artifact.
func (r *ArtifactReport) CVSS() Stats {
	var scores []float64
	for _, a := range r.artifacts {
		scores = a.appendScores(scores)
	}
	return computeStats(scores)
}

// Distribution counts findings per severity name; only severities that
// occur are present.
func (r *ArtifactReport) Distribution() map[string]int {
	dist := make(map[string]int)
	for _, a := range r.artifacts {
		for _, v := range a.Vulnerabilities() {
			dist[severityName(v.Severity)]++
		}
	}
	return dist
}

func (r *ArtifactReport) vulns(pred func(*harbor.VulnerabilityItem) bool) []Vuln {
	out := []Vuln{}
	for _, a := range r.artifacts {
		vulns := a.Vulnerabilities()
		for i := range vulns {
			if pred(&vulns[i]) {
				out = append(out, Vuln{Vulnerability: &vulns[i], Artifact: a})
			}
		}
	}
	return out
}

// Fixable lists the findings that have a fix version.
func (r *ArtifactReport) Fixable() []Vuln { return r.vulns(Fixable) }

// Unfixable lists the findings without a fix version.
func (r *ArtifactReport) Unfixable() []Vuln {
	return r.vulns(func(v *harbor.VulnerabilityItem) bool { return !Fixable(v) })
}

// Critical lists the Critical findings.
func (r *ArtifactReport) Critical() []Vuln { return r.bySeverity(SeverityCritical) }

// High lists the High findings.
func (r *ArtifactReport) High() []Vuln { return r.bySeverity(SeverityHigh) }

// Medium lists the Medium findings.
func (r *ArtifactReport) Medium() []Vuln { return r.bySeverity(SeverityMedium) }

// Low lists the Low findings.
func (r *ArtifactReport) Low() []Vuln { return r.bySeverity(SeverityLow) }

// VulnerabilitiesBySeverity lists the findings of severity s (a Harbor
// severity name in any case).
func (r *ArtifactReport) VulnerabilitiesBySeverity(s string) ([]Vuln, error) {
	sev, err := parseSeverityArg("vulnerabilities_by_severity", s)
	if err != nil {
		return nil, err
	}
	return r.bySeverity(sev), nil
}

func (r *ArtifactReport) bySeverity(sev Severity) []Vuln {
	name := sev.String()
	return r.vulns(func(v *harbor.VulnerabilityItem) bool { return severityName(v.Severity) == name })
}

func (r *ArtifactReport) filter(pred func(*ArtifactInfo) bool) *ArtifactReport {
	out := &ArtifactReport{artifacts: []*ArtifactInfo{}}
	for _, a := range r.artifacts {
		if pred(a) {
			out.artifacts = append(out.artifacts, a)
		}
	}
	return out
}

// WithCVE keeps the artifacts with a finding whose id matches id.
func (r *ArtifactReport) WithCVE(id string) (*ArtifactReport, error) {
	m := compileMatcher(id, false, false)
	out := r.filter(func(a *ArtifactInfo) bool { return a.findCVE(m) != nil })
	return out, m.check(out.Len() > 0, "with_cve", "id")
}

// HasCVE reports whether any artifact has a finding whose id matches id.
func (r *ArtifactReport) HasCVE(id string) (bool, error) {
	m := compileMatcher(id, false, false)
	found := r.any(func(a *ArtifactInfo) bool { return a.findCVE(m) != nil })
	return found, m.check(found, "has_cve", "id")
}

// WithDescription keeps the artifacts with a finding whose description
// matches text anywhere.
func (r *ArtifactReport) WithDescription(text string, caseSensitive bool) (*ArtifactReport, error) {
	m := compileMatcher(text, true, caseSensitive)
	out := r.filter(func(a *ArtifactInfo) bool { return a.hasDescription(m) })
	return out, m.check(out.Len() > 0, "with_description", "text")
}

// HasDescription reports whether any finding's description matches text.
func (r *ArtifactReport) HasDescription(text string, caseSensitive bool) (bool, error) {
	m := compileMatcher(text, true, caseSensitive)
	found := r.any(func(a *ArtifactInfo) bool { return a.hasDescription(m) })
	return found, m.check(found, "has_description", "text")
}

// WithPackage keeps the artifacts with a finding in a package matching name
// whose installed version lies within the options' bounds.
func (r *ArtifactReport) WithPackage(name string, o PackageOptions) (*ArtifactReport, error) {
	q, err := newPackageQuery("with_package", name, o)
	if err != nil {
		return nil, err
	}
	out := r.filter(func(a *ArtifactInfo) bool { return a.hasPackage(q) })
	return out, q.m.check(out.Len() > 0, "with_package", "name")
}

// HasPackage reports whether any artifact passes WithPackage.
func (r *ArtifactReport) HasPackage(name string, o PackageOptions) (bool, error) {
	q, err := newPackageQuery("has_package", name, o)
	if err != nil {
		return false, err
	}
	found := r.any(func(a *ArtifactInfo) bool { return a.hasPackage(q) })
	return found, q.m.check(found, "has_package", "name")
}

// WithSeverity keeps the artifacts whose report's overall severity (its
// worst finding, as Harbor computes it) is s; harborapi filters the same
// way. An artifact without a report counts as Unknown.
func (r *ArtifactReport) WithSeverity(s string) (*ArtifactReport, error) {
	sev, err := parseSeverityArg("with_severity", s)
	if err != nil {
		return nil, err
	}
	name := sev.String()
	return r.filter(func(a *ArtifactInfo) bool { return a.Severity() == name }), nil
}

// HasSeverity reports whether any artifact's overall severity is s.
func (r *ArtifactReport) HasSeverity(s string) (bool, error) {
	sev, err := parseSeverityArg("has_severity", s)
	if err != nil {
		return false, err
	}
	name := sev.String()
	return r.any(func(a *ArtifactInfo) bool { return a.Severity() == name }), nil
}

// WithRepository keeps the artifacts whose repository matches pattern from
// the start of either its full name ("library/alpine") or its name without
// the project ("alpine").
func (r *ArtifactReport) WithRepository(pattern string, caseSensitive bool) (*ArtifactReport, error) {
	return r.WithRepositories([]string{pattern}, caseSensitive)
}

// WithRepositories keeps the artifacts whose repository matches any of
// patterns, as WithRepository.
func (r *ArtifactReport) WithRepositories(patterns []string, caseSensitive bool) (*ArtifactReport, error) {
	ms := make([]*matcher, len(patterns))
	for i, p := range patterns {
		ms[i] = compileMatcher(p, false, caseSensitive)
	}
	hit := make([]bool, len(ms))
	out := r.filter(func(a *ArtifactInfo) bool {
		matched := false
		for i, m := range ms {
			if m.match(a.FullRepositoryName()) || m.match(a.RepositoryName()) {
				hit[i], matched = true, true
			}
		}
		return matched
	})
	for i, m := range ms {
		if err := m.check(hit[i], "with_repository", "pattern"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HasRepository reports whether any artifact's repository matches pattern.
func (r *ArtifactReport) HasRepository(pattern string, caseSensitive bool) (bool, error) {
	m := compileMatcher(pattern, false, caseSensitive)
	found := r.any(func(a *ArtifactInfo) bool {
		return m.match(a.FullRepositoryName()) || m.match(a.RepositoryName())
	})
	return found, m.check(found, "has_repository", "pattern")
}

// WithTag keeps the artifacts with a tag matching pattern.
func (r *ArtifactReport) WithTag(pattern string) (*ArtifactReport, error) {
	m := compileMatcher(pattern, false, false)
	out := r.filter(func(a *ArtifactInfo) bool { return a.hasTag(m) })
	return out, m.check(out.Len() > 0, "with_tag", "pattern")
}

// HasTag reports whether any artifact has a tag matching pattern.
func (r *ArtifactReport) HasTag(pattern string) (bool, error) {
	m := compileMatcher(pattern, false, false)
	found := r.any(func(a *ArtifactInfo) bool { return a.hasTag(m) })
	return found, m.check(found, "has_tag", "pattern")
}

func (r *ArtifactReport) any(pred func(*ArtifactInfo) bool) bool {
	for _, a := range r.artifacts {
		if pred(a) {
			return true
		}
	}
	return false
}
