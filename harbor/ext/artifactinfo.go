package ext

import (
	"github.com/harborscript/harborscript/harbor"
)

// ArtifactInfo brings together an artifact, its repository and its
// vulnerability report. Report is nil when it was not fetched or the
// artifact was never scanned; it then behaves as a report without findings.
type ArtifactInfo struct {
	Artifact   *harbor.Artifact
	Repository *harbor.Repository
	Report     *harbor.VulnerabilityReport
}

// digestShortLen is how much of a digest Harbor's UI shows ("sha256:" and
// the first 8 hex digits).
const digestShortLen = 15

// FullRepositoryName is the repository name with its project
// ("library/alpine"), from the repository or else the artifact.
func (a *ArtifactInfo) FullRepositoryName() string {
	if a == nil {
		return ""
	}
	if a.Repository != nil && a.Repository.Name != "" {
		return a.Repository.Name
	}
	if a.Artifact != nil {
		return a.Artifact.RepositoryName
	}
	return ""
}

// ProjectName is the project the artifact belongs to ("library").
func (a *ArtifactInfo) ProjectName() string {
	p, _ := harbor.SplitRepositoryName(a.FullRepositoryName())
	return p
}

// RepositoryName is the repository name without its project ("alpine"),
// as harborapi's ArtifactInfo.repository_name is.
func (a *ArtifactInfo) RepositoryName() string {
	_, r := harbor.SplitRepositoryName(a.FullRepositoryName())
	return r
}

func (a *ArtifactInfo) digest() string {
	if a == nil || a.Artifact == nil {
		return ""
	}
	return a.Artifact.Digest
}

// NameWithDigest is "library/alpine@sha256:4297b288", the digest shortened
// as Harbor's UI shows it.
func (a *ArtifactInfo) NameWithDigest() string {
	d := a.digest()
	if len(d) > digestShortLen {
		d = d[:digestShortLen]
	}
	return a.FullRepositoryName() + "@" + d
}

// NameWithDigestFull is "library/alpine@<full digest>", a reference that
// docker pull accepts.
func (a *ArtifactInfo) NameWithDigestFull() string {
	return a.FullRepositoryName() + "@" + a.digest()
}

// NameWithTag is "library/alpine:<first tag>", or ":untagged" when the
// artifact has no tag.
func (a *ArtifactInfo) NameWithTag() string {
	tag := "untagged"
	if tags := a.Tags(); len(tags) > 0 {
		tag = tags[0]
	}
	return a.FullRepositoryName() + ":" + tag
}

// Tags lists the artifact's tag names in Harbor's order.
func (a *ArtifactInfo) Tags() []string {
	var tags []string
	if a == nil || a.Artifact == nil {
		return tags
	}
	for _, t := range a.Artifact.Tags {
		if t.Name != "" {
			tags = append(tags, t.Name)
		}
	}
	return tags
}

// Vulnerabilities are the report's findings; none without a report.
func (a *ArtifactInfo) Vulnerabilities() []harbor.VulnerabilityItem {
	if a == nil || a.Report == nil {
		return nil
	}
	return a.Report.Vulnerabilities
}

// Severity is the report's overall severity, Unknown without a report (as
// harborapi's empty report).
func (a *ArtifactInfo) Severity() string {
	if a == nil || a.Report == nil {
		return SeverityUnknown.String()
	}
	return severityName(a.Report.Severity)
}

// CVSS summarises the findings' scores; findings without any score are left
// out rather than counted as 0, which would drag the mean down.
func (a *ArtifactInfo) CVSS() Stats {
	return computeStats(a.appendScores(nil))
}

// CVSSMax is the highest score among the findings, 0 when none.
func (a *ArtifactInfo) CVSSMax() float64 {
	var hi float64
	vulns := a.Vulnerabilities()
	for i := range vulns {
		if s, ok := score(&vulns[i]); ok && s > hi {
			hi = s
		}
	}
	return hi
}

func (a *ArtifactInfo) appendScores(dst []float64) []float64 {
	vulns := a.Vulnerabilities()
	for i := range vulns {
		if s, ok := score(&vulns[i]); ok {
			dst = append(dst, s)
		}
	}
	return dst
}

// HasTag reports whether a tag matches pattern (RE2, case-insensitive,
// from the start of the tag).
func (a *ArtifactInfo) HasTag(pattern string) (bool, error) {
	m := compileMatcher(pattern, false, false)
	found := a.hasTag(m)
	return found, m.check(found, "has_tag", "pattern")
}

func (a *ArtifactInfo) hasTag(m *matcher) bool {
	for _, t := range a.Tags() {
		if m.match(t) {
			return true
		}
	}
	return false
}
