package ext

import (
	"github.com/harborscript/harborscript/harbor"
)

// PackageOptions narrows a package search. MinVersion and MaxVersion are
// inclusive bounds compared with CompareVersions; a finding whose version
// cannot be compared never falls inside a bound.
type PackageOptions struct {
	CaseSensitive bool
	MinVersion    string
	MaxVersion    string
}

// VulnWithCVE returns the first finding whose id matches id (RE2,
// case-insensitive, from the start; the exact id always matches), or nil.
func (a *ArtifactInfo) VulnWithCVE(id string) (*harbor.VulnerabilityItem, error) {
	return a.vulnWithCVE(id, "vuln_with_cve")
}

// HasCVE reports whether a finding's id matches id, as VulnWithCVE.
func (a *ArtifactInfo) HasCVE(id string) (bool, error) {
	v, err := a.vulnWithCVE(id, "has_cve")
	return v != nil, err
}

func (a *ArtifactInfo) vulnWithCVE(id, method string) (*harbor.VulnerabilityItem, error) {
	m := compileMatcher(id, false, false)
	v := a.findCVE(m)
	return v, m.check(v != nil, method, "id")
}

func (a *ArtifactInfo) findCVE(m *matcher) *harbor.VulnerabilityItem {
	vulns := a.Vulnerabilities()
	// An exact id wins over an earlier finding the pattern also matches.
	for i := range vulns {
		if m.literal(vulns[i].ID) {
			return &vulns[i]
		}
	}
	if m.re == nil {
		return nil
	}
	for i := range vulns {
		if m.re.MatchString(vulns[i].ID) {
			return &vulns[i]
		}
	}
	return nil
}

// VulnsWithPackage lists the findings whose package matches name (RE2, from
// the start of the package name).
func (a *ArtifactInfo) VulnsWithPackage(name string, caseSensitive bool) ([]harbor.VulnerabilityItem, error) {
	m := compileMatcher(name, false, caseSensitive)
	out := a.filterVulns(func(v *harbor.VulnerabilityItem) bool { return m.match(v.Package) })
	return out, m.check(len(out) > 0, "vulns_with_package", "name")
}

// VulnsWithDescription lists the findings whose description matches text
// anywhere (RE2).
func (a *ArtifactInfo) VulnsWithDescription(text string, caseSensitive bool) ([]harbor.VulnerabilityItem, error) {
	m := compileMatcher(text, true, caseSensitive)
	out := a.filterVulns(func(v *harbor.VulnerabilityItem) bool { return m.match(v.Description) })
	return out, m.check(len(out) > 0, "vulns_with_description", "text")
}

// HasDescription reports whether a finding's description matches text.
func (a *ArtifactInfo) HasDescription(text string, caseSensitive bool) (bool, error) {
	m := compileMatcher(text, true, caseSensitive)
	found := a.hasDescription(m)
	return found, m.check(found, "has_description", "text")
}

func (a *ArtifactInfo) hasDescription(m *matcher) bool {
	return a.anyVuln(func(v *harbor.VulnerabilityItem) bool { return m.match(v.Description) })
}

// HasPackage reports whether a finding's package matches name and, when
// bounds are given, its installed version lies within them.
func (a *ArtifactInfo) HasPackage(name string, o PackageOptions) (bool, error) {
	q, err := newPackageQuery("has_package", name, o)
	if err != nil {
		return false, err
	}
	found := a.hasPackage(q)
	return found, q.m.check(found, "has_package", "name")
}

// packageQuery is a validated HasPackage search, reused across artifacts.
type packageQuery struct {
	m        *matcher
	min, max string
}

func newPackageQuery(method, name string, o PackageOptions) (*packageQuery, error) {
	q := &packageQuery{m: compileMatcher(name, false, o.CaseSensitive), min: o.MinVersion, max: o.MaxVersion}
	if q.min != "" && !ParseableVersion(q.min) {
		return nil, harbor.ValueErrorf("%s: min_version %q is not a version", method, q.min)
	}
	if q.max != "" && !ParseableVersion(q.max) {
		return nil, harbor.ValueErrorf("%s: max_version %q is not a version", method, q.max)
	}
	if q.min != "" && q.max != "" {
		if c, ok := CompareVersions(q.max, q.min); ok && c < 0 {
			return nil, harbor.ValueErrorf("%s: max_version %q is lower than min_version %q", method, q.max, q.min)
		}
	}
	return q, nil
}

func (q *packageQuery) matches(v *harbor.VulnerabilityItem) bool {
	if !q.m.match(v.Package) {
		return false
	}
	if q.min != "" {
		if c, ok := CompareVersions(v.Version, q.min); !ok || c < 0 {
			return false
		}
	}
	if q.max != "" {
		if c, ok := CompareVersions(v.Version, q.max); !ok || c > 0 {
			return false
		}
	}
	return true
}

func (a *ArtifactInfo) hasPackage(q *packageQuery) bool {
	return a.anyVuln(q.matches)
}

func (a *ArtifactInfo) anyVuln(pred func(*harbor.VulnerabilityItem) bool) bool {
	vulns := a.Vulnerabilities()
	for i := range vulns {
		if pred(&vulns[i]) {
			return true
		}
	}
	return false
}

func (a *ArtifactInfo) filterVulns(pred func(*harbor.VulnerabilityItem) bool) []harbor.VulnerabilityItem {
	out := []harbor.VulnerabilityItem{}
	vulns := a.Vulnerabilities()
	for i := range vulns {
		if pred(&vulns[i]) {
			out = append(out, vulns[i])
		}
	}
	return out
}
