package harbortest

import (
	"encoding/json"
	"strings"
	"time"
)

// Report MIME types: the generic one Harbor answers by default and the
// scanner's native one, chosen with X-Accept-Vulnerabilities.
const (
	MimeGenericReport = "application/vnd.security.vulnerability.report; version=1.1"
	MimeNativeReport  = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0"
)

const defaultIcon = "sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06"

type allowlistJSON struct {
	CreationTime htime `json:"creation_time"`
	ID           int64 `json:"id"`
	Items        []any `json:"items"`
	ProjectID    int64 `json:"project_id"`
	UpdateTime   htime `json:"update_time"`
}

type projectJSON struct {
	CreationTime       htime             `json:"creation_time"`
	CurrentUserRoleID  int64             `json:"current_user_role_id,omitempty"`
	CurrentUserRoleIDs []int64           `json:"current_user_role_ids"`
	CVEAllowlist       allowlistJSON     `json:"cve_allowlist"`
	Metadata           map[string]string `json:"metadata"`
	Name               string            `json:"name"`
	OwnerID            int64             `json:"owner_id"`
	OwnerName          string            `json:"owner_name"`
	ProjectID          int64             `json:"project_id"`
	RepoCount          int64             `json:"repo_count"`
	UpdateTime         htime             `json:"update_time"`
}

func (c *call) renderProject(p *Project) projectJSON {
	out := projectJSON{
		CreationTime: htime(p.CreationTime),
		CVEAllowlist: allowlistJSON{ID: p.ID, Items: []any{}, ProjectID: p.ID},
		Metadata:     p.Metadata,
		Name:         p.Name,
		OwnerName:    p.Owner,
		ProjectID:    p.ID,
		RepoCount:    int64(len(p.Repositories)),
		UpdateTime:   htime(p.UpdateTime),
	}
	for _, u := range c.s.data.Users {
		if u.Username == p.Owner {
			out.OwnerID = u.ID
		}
	}
	if role := c.roleIn(p); role != 0 {
		out.CurrentUserRoleID = role
		out.CurrentUserRoleIDs = []int64{role}
	}
	return out
}

type repositoryJSON struct {
	ArtifactCount int64  `json:"artifact_count"`
	CreationTime  htime  `json:"creation_time"`
	Description   string `json:"description,omitempty"`
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	ProjectID     int64  `json:"project_id"`
	PullCount     int64  `json:"pull_count"`
	UpdateTime    htime  `json:"update_time"`
}

func artifactCount(r *Repository) int64 {
	var n int64
	for _, a := range r.Artifacts {
		if !a.Child {
			n++
		}
	}
	return n
}

func renderRepository(p *Project, r *Repository) repositoryJSON {
	return repositoryJSON{
		ArtifactCount: artifactCount(r),
		CreationTime:  htime(r.CreationTime),
		Description:   r.Description,
		ID:            r.ID,
		Name:          p.Name + "/" + r.Name,
		ProjectID:     p.ID,
		PullCount:     r.PullCount,
		UpdateTime:    htime(r.UpdateTime),
	}
}

type tagJSON struct {
	ArtifactID   int64  `json:"artifact_id"`
	ID           int64  `json:"id"`
	Immutable    bool   `json:"immutable"`
	Name         string `json:"name"`
	PullTime     htime  `json:"pull_time"`
	PushTime     htime  `json:"push_time"`
	RepositoryID int64  `json:"repository_id"`
}

// renderTags lists tags newest push first; none is null, as on Harbor.
func renderTags(r *Repository, a *Artifact) []tagJSON {
	var out []tagJSON
	for _, t := range a.Tags {
		out = append(out, tagJSON{ArtifactID: a.ID, ID: t.ID, Immutable: t.Immutable, Name: t.Name,
			PullTime: htime(t.PullTime), PushTime: htime(t.PushTime), RepositoryID: r.ID})
	}
	sortKeys(out, "-push_time,-id", map[string]func(a, b tagJSON) int{
		"push_time": func(a, b tagJSON) int { return time.Time(a.PushTime).Compare(time.Time(b.PushTime)) },
		"id":        func(a, b tagJSON) int { return cmpInt(a.ID, b.ID) },
	})
	return out
}

type labelJSON struct {
	Color        string `json:"color"`
	CreationTime htime  `json:"creation_time"`
	Description  string `json:"description"`
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Scope        string `json:"scope"`
	UpdateTime   htime  `json:"update_time"`
}

func renderLabel(l *Label) labelJSON {
	return labelJSON{Color: l.Color, CreationTime: htime(l.CreationTime), Description: l.Description,
		ID: l.ID, Name: l.Name, Scope: l.Scope, UpdateTime: htime(l.UpdateTime)}
}

type linkJSON struct {
	Absolute bool   `json:"absolute"`
	Href     string `json:"href"`
}

type platformJSON struct {
	OsFeatures   []string `json:"OsFeatures"`
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	Variant      string   `json:"variant,omitempty"`
}

type referenceJSON struct {
	ChildDigest string       `json:"child_digest"`
	ChildID     int64        `json:"child_id"`
	ParentID    int64        `json:"parent_id"`
	Platform    platformJSON `json:"platform"`
	URLs        []string     `json:"urls"`
}

type scannerJSON struct {
	Name    string `json:"name"`
	Vendor  string `json:"vendor"`
	Version string `json:"version"`
}

type summaryJSON struct {
	Fixable int            `json:"fixable"`
	Summary map[string]int `json:"summary"`
	Total   int            `json:"total"`
}

type overviewJSON struct {
	CompletePercent *int         `json:"complete_percent,omitempty"`
	Duration        *int64       `json:"duration,omitempty"`
	EndTime         htime        `json:"end_time"`
	ReportID        string       `json:"report_id"`
	ScanStatus      string       `json:"scan_status"`
	Scanner         *scannerJSON `json:"scanner,omitempty"`
	Severity        *string      `json:"severity,omitempty"`
	StartTime       htime        `json:"start_time"`
	Summary         *summaryJSON `json:"summary,omitempty"`
}

type artifactJSON struct {
	Accessories       []any                   `json:"accessories"`
	AdditionLinks     map[string]linkJSON     `json:"addition_links"`
	Annotations       map[string]string       `json:"annotations,omitempty"`
	ArtifactType      string                  `json:"artifact_type,omitempty"`
	Digest            string                  `json:"digest"`
	ExtraAttrs        json.RawMessage         `json:"extra_attrs,omitempty"`
	Icon              string                  `json:"icon"`
	ID                int64                   `json:"id"`
	Labels            []labelJSON             `json:"labels"`
	ManifestMediaType string                  `json:"manifest_media_type"`
	MediaType         string                  `json:"media_type"`
	ProjectID         int64                   `json:"project_id"`
	PullTime          htime                   `json:"pull_time"`
	PushTime          htime                   `json:"push_time"`
	References        []referenceJSON         `json:"references"`
	RepositoryID      int64                   `json:"repository_id"`
	RepositoryName    string                  `json:"repository_name"`
	ScanOverview      map[string]overviewJSON `json:"scan_overview,omitempty"`
	Size              int64                   `json:"size"`
	Tags              []tagJSON               `json:"tags"`
	Type              string                  `json:"type"`
}

type artifactFlags struct {
	tags, labels, scan bool
}

func isIndex(a *Artifact) bool {
	return strings.Contains(a.ManifestMediaType, "index") || strings.Contains(a.ManifestMediaType, "manifest.list")
}

func (s *Server) renderArtifact(p *Project, r *Repository, a *Artifact, f artifactFlags) artifactJSON {
	base := apiPrefix + "/projects/" + p.Name + "/repositories/" + escapeRepo(r.Name) + "/artifacts/"
	links := map[string]linkJSON{
		"sboms":           {Href: base + "/additions/sbom"},
		"vulnerabilities": {Href: base + a.Digest + "/additions/vulnerabilities"},
	}
	if !isIndex(a) {
		links["build_history"] = linkJSON{Href: base + a.Digest + "/additions/build_history"}
	}
	out := artifactJSON{
		AdditionLinks: links, Annotations: a.Annotations, ArtifactType: a.ArtifactType, Digest: a.Digest,
		ExtraAttrs: a.ExtraAttrs, Icon: defaultIcon, ID: a.ID, ManifestMediaType: a.ManifestMediaType,
		MediaType: a.MediaType, ProjectID: p.ID, PullTime: htime(a.PullTime), PushTime: htime(a.PushTime),
		RepositoryID: r.ID, RepositoryName: p.Name + "/" + r.Name, Size: a.Size, Type: a.Type,
	}
	for _, ref := range a.References {
		out.References = append(out.References, referenceJSON{ChildDigest: ref.ChildDigest, ChildID: ref.ChildID,
			ParentID: a.ID, Platform: platformJSON{Architecture: ref.Platform.Architecture, OS: ref.Platform.OS,
				Variant: ref.Platform.Variant}})
	}
	if f.tags {
		out.Tags = renderTags(r, a)
	}
	if f.labels {
		for _, id := range a.Labels {
			if l := s.label(id); l != nil {
				out.Labels = append(out.Labels, renderLabel(l))
			}
		}
	}
	if f.scan {
		if ov, ok := s.overview(a); ok {
			out.ScanOverview = map[string]overviewJSON{MimeGenericReport: ov}
		}
	}
	return out
}

// escapeRepo writes a repository name the way Harbor's links do.
func escapeRepo(name string) string { return strings.ReplaceAll(name, "/", "%252F") }

func (s *Server) label(id int64) *Label {
	for _, l := range s.data.Labels {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (s *Server) scannerInfo() scannerJSON {
	sc := s.data.Scanner
	if sc == nil {
		return scannerJSON{Name: "FakeScan", Vendor: "Example Inc.", Version: "0.1.0"}
	}
	return scannerJSON{Name: sc.AdapterName, Vendor: sc.Vendor, Version: sc.Version}
}

// effectiveScan is the scan as seen now: a requested scan is Pending until
// its delay has passed, then Success, without a write on the read path.
func (s *Server) effectiveScan(a *Artifact) *Scan {
	if a.Scan == nil {
		return nil
	}
	sc := *a.Scan
	if sc.Status == "Pending" && !sc.readyAt.IsZero() && !s.now().Before(sc.readyAt) {
		sc.Status = "Success"
		sc.EndTime = sc.readyAt
		sc.GeneratedAt = sc.readyAt
	}
	return &sc
}

var severityRank = map[string]int{"None": 0, "Unknown": 1, "Low": 2, "Medium": 3, "High": 4, "Critical": 5}

func summarize(vulns []*Vulnerability) (string, summaryJSON) {
	sum := summaryJSON{Summary: map[string]int{}}
	top := "None"
	for _, v := range vulns {
		sum.Total++
		if v.FixVersion != "" {
			sum.Fixable++
		}
		sum.Summary[v.Severity]++
		if severityRank[v.Severity] > severityRank[top] {
			top = v.Severity
		}
	}
	return top, sum
}

func (s *Server) overview(a *Artifact) (overviewJSON, bool) {
	sc := s.effectiveScan(a)
	if sc == nil {
		return overviewJSON{}, false
	}
	ov := overviewJSON{ReportID: sc.ReportID, ScanStatus: sc.Status, StartTime: htime(sc.StartTime), EndTime: htime(sc.EndTime)}
	switch sc.Status {
	case "Pending":
		ov.StartTime, ov.EndTime = htime{}, htime{}
	case "Success":
		pct, dur := 100, int64(sc.EndTime.Sub(sc.StartTime).Seconds())
		sev, sum := summarize(a.Vulnerabilities)
		scn := s.scannerInfo()
		ov.CompletePercent, ov.Duration, ov.Severity, ov.Summary, ov.Scanner = &pct, &dur, &sev, &sum, &scn
	default:
		pct, dur, sev := 0, int64(sc.EndTime.Sub(sc.StartTime).Seconds()), ""
		scn := s.scannerInfo()
		ov.CompletePercent, ov.Duration, ov.Severity, ov.Scanner = &pct, &dur, &sev, &scn
	}
	return ov, true
}

type cvssJSON struct {
	ScoreV2  *float64 `json:"score_v2"`
	ScoreV3  *float64 `json:"score_v3"`
	VectorV2 string   `json:"vector_v2"`
	VectorV3 string   `json:"vector_v3"`
}

type vulnJSON struct {
	ArtifactDigests  []string `json:"artifact_digests"`
	CWEIDs           []string `json:"cwe_ids"`
	Description      string   `json:"description"`
	FixVersion       string   `json:"fix_version"`
	ID               string   `json:"id"`
	Links            []string `json:"links"`
	Package          string   `json:"package"`
	PreferredCVSS    cvssJSON `json:"preferred_cvss"`
	Severity         string   `json:"severity"`
	Status           string   `json:"status"`
	VendorAttributes any      `json:"vendor_attributes"`
	Version          string   `json:"version"`
}

type reportJSON struct {
	GeneratedAt     string      `json:"generated_at"`
	Scanner         scannerJSON `json:"scanner"`
	Severity        string      `json:"severity"`
	Vulnerabilities []vulnJSON  `json:"vulnerabilities"`
}

func generatedAt(sc *Scan) string {
	gen := sc.GeneratedAt
	if gen.IsZero() {
		gen = sc.EndTime
	}
	return gen.UTC().Format(time.RFC3339Nano)
}

func (s *Server) renderReportAt(a *Artifact, generated string) reportJSON {
	sev, _ := summarize(a.Vulnerabilities)
	out := reportJSON{GeneratedAt: generated, Scanner: s.scannerInfo(), Severity: sev,
		Vulnerabilities: make([]vulnJSON, 0, len(a.Vulnerabilities))}
	for _, v := range a.Vulnerabilities {
		digests := v.ArtifactDigests
		if len(digests) == 0 {
			digests = []string{a.Digest}
		}
		links := v.Links
		if links == nil {
			links = []string{"https://avd.aquasec.com/nvd/" + strings.ToLower(v.ID)}
		}
		cwe := v.CWEIDs
		if cwe == nil {
			cwe = []string{}
		}
		out.Vulnerabilities = append(out.Vulnerabilities, vulnJSON{
			ArtifactDigests: digests, CWEIDs: cwe, Description: v.Description, FixVersion: v.FixVersion,
			ID: v.ID, Links: links, Package: v.Package, Severity: v.Severity, Version: v.Version,
			PreferredCVSS: cvssJSON{ScoreV3: v.ScoreV3, VectorV3: v.VectorV3},
		})
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
