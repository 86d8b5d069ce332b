package harbor

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unique"
)

// The models carry Harbor's JSON names. Top-level resources keep the bytes
// the server sent in Raw, so fields a model lacks are never lost (the Lua
// layer builds its tables from Raw).

// Project is a Harbor project.
type Project struct {
	ProjectID          int64            `json:"project_id"`
	OwnerID            int64            `json:"owner_id"`
	Name               string           `json:"name"`
	RegistryID         int64            `json:"registry_id,omitempty"`
	CreationTime       time.Time        `json:"creation_time"`
	UpdateTime         time.Time        `json:"update_time"`
	Deleted            bool             `json:"deleted"`
	OwnerName          string           `json:"owner_name"`
	Togglable          bool             `json:"togglable"`
	CurrentUserRoleID  int64            `json:"current_user_role_id"`
	CurrentUserRoleIDs []int64          `json:"current_user_role_ids"`
	RepoCount          int64            `json:"repo_count"`
	Metadata           *ProjectMetadata `json:"metadata,omitempty"`
	CVEAllowlist       json.RawMessage  `json:"cve_allowlist,omitempty"`
	Raw                json.RawMessage  `json:"-"`
}

// ProjectMetadata holds a project's settings; Harbor sends every value as a
// string ("true", "false").
type ProjectMetadata struct {
	Public               string `json:"public,omitempty"`
	EnableContentTrust   string `json:"enable_content_trust,omitempty"`
	PreventVul           string `json:"prevent_vul,omitempty"`
	Severity             string `json:"severity,omitempty"`
	AutoScan             string `json:"auto_scan,omitempty"`
	ReuseSysCVEAllowlist string `json:"reuse_sys_cve_allowlist,omitempty"`
	RetentionID          string `json:"retention_id,omitempty"`
}

// Repository is a repository; Name includes the project ("library/alpine").
type Repository struct {
	ID            int64           `json:"id"`
	ProjectID     int64           `json:"project_id"`
	Name          string          `json:"name"`
	Description   string          `json:"description,omitempty"`
	ArtifactCount int64           `json:"artifact_count"`
	PullCount     int64           `json:"pull_count"`
	CreationTime  time.Time       `json:"creation_time"`
	UpdateTime    time.Time       `json:"update_time"`
	Raw           json.RawMessage `json:"-"`
}

// ProjectName is the project part of the repository's full name.
func (r *Repository) ProjectName() string { p, _ := SplitRepositoryName(r.Name); return p }

// BaseName is the repository name without its project ("alpine", "team/app").
func (r *Repository) BaseName() string { _, n := SplitRepositoryName(r.Name); return n }

// Artifact is an image, image index or other OCI artifact.
type Artifact struct {
	ID                int64                    `json:"id"`
	Type              string                   `json:"type"`
	MediaType         string                   `json:"media_type"`
	ManifestMediaType string                   `json:"manifest_media_type"`
	ArtifactType      string                   `json:"artifact_type,omitempty"`
	ProjectID         int64                    `json:"project_id"`
	RepositoryID      int64                    `json:"repository_id"`
	RepositoryName    string                   `json:"repository_name"`
	Digest            string                   `json:"digest"`
	Size              int64                    `json:"size"`
	Icon              string                   `json:"icon,omitempty"`
	PushTime          time.Time                `json:"push_time"`
	PullTime          time.Time                `json:"pull_time"`
	ExtraAttrs        map[string]any           `json:"extra_attrs,omitempty"`
	Annotations       map[string]string        `json:"annotations,omitempty"`
	References        []Reference              `json:"references"`
	Tags              []Tag                    `json:"tags"`
	AdditionLinks     map[string]AdditionLink  `json:"addition_links,omitempty"`
	Labels            []Label                  `json:"labels"`
	ScanOverview      map[string]*ScanOverview `json:"scan_overview,omitempty"`
	Accessories       []json.RawMessage        `json:"accessories"`
	Raw               json.RawMessage          `json:"-"`
}

// TagNames lists the artifact's tag names (none for an untagged artifact).
func (a *Artifact) TagNames() []string {
	names := make([]string, 0, len(a.Tags))
	for _, t := range a.Tags {
		names = append(names, t.Name)
	}
	return names
}

// Scan returns the artifact's scan overview, whatever report MIME type it is
// keyed by, or nil when the artifact was never scanned.
func (a *Artifact) Scan() *ScanOverview {
	for _, mime := range ReportMIMETypes {
		if s := a.ScanOverview[mime]; s != nil {
			return s
		}
	}
	for _, s := range a.ScanOverview {
		return s
	}
	return nil
}

// Reference links an image index to one of its children.
type Reference struct {
	ParentID    int64             `json:"parent_id"`
	ChildID     int64             `json:"child_id"`
	ChildDigest string            `json:"child_digest"`
	Platform    *Platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	URLs        []string          `json:"urls"`
}

// Platform is the platform of an index child.
type Platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	Variant      string   `json:"variant,omitempty"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
}

// AdditionLink points at an addition of an artifact (vulnerabilities,
// build_history, sboms).
type AdditionLink struct {
	Href     string `json:"href"`
	Absolute bool   `json:"absolute"`
}

// Tag is one tag of an artifact.
type Tag struct {
	ID           int64     `json:"id"`
	RepositoryID int64     `json:"repository_id"`
	ArtifactID   int64     `json:"artifact_id"`
	Name         string    `json:"name"`
	PushTime     time.Time `json:"push_time"`
	PullTime     time.Time `json:"pull_time"`
	Immutable    bool      `json:"immutable"`
}

// Label is a global or project label.
type Label struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Color        string    `json:"color"`
	Scope        string    `json:"scope"`
	ProjectID    int64     `json:"project_id"`
	CreationTime time.Time `json:"creation_time"`
	UpdateTime   time.Time `json:"update_time"`
}

// ScanOverview is the summary of one scan report of an artifact.
type ScanOverview struct {
	ReportID        string                `json:"report_id"`
	ScanStatus      string                `json:"scan_status"`
	Severity        string                `json:"severity"`
	Duration        int64                 `json:"duration"`
	Summary         *VulnerabilitySummary `json:"summary,omitempty"`
	StartTime       time.Time             `json:"start_time"`
	EndTime         time.Time             `json:"end_time"`
	CompletePercent int                   `json:"complete_percent"`
	Scanner         *Scanner              `json:"scanner,omitempty"`
}

// VulnerabilitySummary counts vulnerabilities; Summary is keyed by severity
// and only holds severities that occur.
type VulnerabilitySummary struct {
	Total   int            `json:"total"`
	Fixable int            `json:"fixable"`
	Summary map[string]int `json:"summary"`
}

// Scanner names the scanner that produced a report.
type Scanner struct {
	Name    string `json:"name"`
	Vendor  string `json:"vendor"`
	Version string `json:"version"`
}

// UserResp is a Harbor user.
type UserResp struct {
	UserID          int64           `json:"user_id"`
	Username        string          `json:"username"`
	Email           string          `json:"email,omitempty"`
	Realname        string          `json:"realname"`
	Comment         string          `json:"comment"`
	SysadminFlag    bool            `json:"sysadmin_flag"`
	AdminRoleInAuth bool            `json:"admin_role_in_auth"`
	CreationTime    time.Time       `json:"creation_time"`
	UpdateTime      time.Time       `json:"update_time"`
	Raw             json.RawMessage `json:"-"`
}

// SystemInfo is the answer of /systeminfo (Harbor's GeneralInfo).
type SystemInfo struct {
	BannerMessage              string          `json:"banner_message,omitempty"`
	CurrentTime                *time.Time      `json:"current_time,omitempty"`
	RegistryURL                string          `json:"registry_url,omitempty"`
	ExternalURL                string          `json:"external_url,omitempty"`
	AuthMode                   string          `json:"auth_mode,omitempty"`
	PrimaryAuthMode            bool            `json:"primary_auth_mode,omitempty"`
	ProjectCreationRestriction string          `json:"project_creation_restriction,omitempty"`
	SelfRegistration           bool            `json:"self_registration,omitempty"`
	HasCARoot                  bool            `json:"has_ca_root,omitempty"`
	HarborVersion              string          `json:"harbor_version,omitempty"`
	ReadOnly                   bool            `json:"read_only,omitempty"`
	NotificationEnable         bool            `json:"notification_enable,omitempty"`
	Raw                        json.RawMessage `json:"-"`
}

// Robot is a robot account.
type Robot struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Level        string          `json:"level"`
	Duration     int64           `json:"duration"`
	Disable      bool            `json:"disable"`
	ExpiresAt    int64           `json:"expires_at"`
	CreationTime time.Time       `json:"creation_time"`
	UpdateTime   time.Time       `json:"update_time"`
	Raw          json.RawMessage `json:"-"`
}

// ReportMIMETypes are the vulnerability report MIME types Harbor keys scan
// overviews and reports by, preferred first.
var ReportMIMETypes = []string{
	"application/vnd.security.vulnerability.report; version=1.1",
	"application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
}

// VulnerabilityReport is a scanner's HarborVulnerabilityReport.
type VulnerabilityReport struct {
	GeneratedAt     string              `json:"generated_at"`
	Scanner         *Scanner            `json:"scanner,omitempty"`
	Severity        string              `json:"severity"`
	Vulnerabilities []VulnerabilityItem `json:"vulnerabilities"`
	// MIMEType is the key the report came under.
	MIMEType string `json:"-"`
}

// VulnerabilityItem is one finding of a report.
type VulnerabilityItem struct {
	ID               string          `json:"id"`
	Package          string          `json:"package"`
	Version          string          `json:"version"`
	FixVersion       string          `json:"fix_version"`
	Severity         string          `json:"severity"`
	Status           string          `json:"status,omitempty"`
	Description      string          `json:"description"`
	Links            []string        `json:"links"`
	ArtifactDigests  []string        `json:"artifact_digests,omitempty"`
	PreferredCVSS    *CVSSDetails    `json:"preferred_cvss,omitempty"`
	CWEIDs           []string        `json:"cwe_ids"`
	VendorAttributes json.RawMessage `json:"vendor_attributes,omitempty"`
}

// CVSSDetails holds a finding's preferred CVSS scores and vectors.
type CVSSDetails struct {
	ScoreV3  *float64 `json:"score_v3"`
	ScoreV2  *float64 `json:"score_v2"`
	VectorV3 string   `json:"vector_v3"`
	VectorV2 string   `json:"vector_v2"`
}

// keepRaw decodes b into v (a pointer to the model's plain alias) and returns
// a private copy of b for the model's Raw field.
func keepRaw(b []byte, v any) (json.RawMessage, error) {
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	return append(json.RawMessage(nil), b...), nil
}

func (p *Project) UnmarshalJSON(b []byte) (err error) {
	type plain Project
	p.Raw, err = keepRaw(b, (*plain)(p))
	return err
}

func (r *Repository) UnmarshalJSON(b []byte) (err error) {
	type plain Repository
	r.Raw, err = keepRaw(b, (*plain)(r))
	return err
}

func (a *Artifact) UnmarshalJSON(b []byte) (err error) {
	type plain Artifact
	a.Raw, err = keepRaw(b, (*plain)(a))
	return err
}

func (u *UserResp) UnmarshalJSON(b []byte) (err error) {
	type plain UserResp
	u.Raw, err = keepRaw(b, (*plain)(u))
	return err
}

func (s *SystemInfo) UnmarshalJSON(b []byte) (err error) {
	type plain SystemInfo
	s.Raw, err = keepRaw(b, (*plain)(s))
	return err
}

func (r *Robot) UnmarshalJSON(b []byte) (err error) {
	type plain Robot
	r.Raw, err = keepRaw(b, (*plain)(r))
	return err
}

// DecodeVulnerabilityReport picks the report out of the additions answer,
// which is keyed by report MIME type. An unscanned artifact answers {}: that
// gives nil and no error. Reports it returns share equal CVSS details and
// link, CWE and digest lists with each other: treat them as read-only.
func DecodeVulnerabilityReport(body []byte) (*VulnerabilityReport, error) {
	var byMIME map[string]json.RawMessage
	if err := json.Unmarshal(body, &byMIME); err != nil {
		return nil, err
	}
	if len(byMIME) == 0 {
		return nil, nil
	}
	key := ""
	for _, mime := range ReportMIMETypes {
		if _, ok := byMIME[mime]; ok {
			key = mime
			break
		}
	}
	if key == "" {
		for k := range byMIME {
			if key == "" || k < key {
				key = k
			}
		}
	}
	var r VulnerabilityReport
	if err := json.Unmarshal(byMIME[key], &r); err != nil {
		return nil, err
	}
	r.MIMEType = key
	r.compact()
	return &r, nil
}

// compact makes a kept report cost what is particular to it. Reports repeat
// the same CVEs, packages, versions, descriptions and links across artifacts
// (every image built on one base carries its findings), so their strings are
// interned: each distinct string is kept once for as long as any report uses
// it. Equal CVSS details and link and CWE lists are shared between reports,
// and the findings of one report share their artifact digest list, so such
// parts must be treated as read-only. The findings slice is trimmed to its
// length, since decoding leaves it up to a quarter larger.
func (r *VulnerabilityReport) compact() {
	r.GeneratedAt = intern(r.GeneratedAt)
	r.Severity = intern(r.Severity)
	if cap(r.Vulnerabilities) > len(r.Vulnerabilities) {
		r.Vulnerabilities = append([]VulnerabilityItem(nil), r.Vulnerabilities...)
	}
	var digests []string
	reportParts.Lock()
	defer reportParts.Unlock()
	for i := range r.Vulnerabilities {
		v := &r.Vulnerabilities[i]
		v.ID = intern(v.ID)
		v.Package = intern(v.Package)
		v.Version = intern(v.Version)
		v.FixVersion = intern(v.FixVersion)
		v.Severity = intern(v.Severity)
		v.Status = intern(v.Status)
		v.Description = intern(v.Description)
		v.Links = reportParts.list(v.Links)
		v.CWEIDs = reportParts.list(v.CWEIDs)
		if len(v.ArtifactDigests) > 0 && slices.Equal(v.ArtifactDigests, digests) {
			v.ArtifactDigests = digests
		} else {
			internAll(v.ArtifactDigests)
			digests = v.ArtifactDigests
		}
		v.PreferredCVSS = reportParts.cvss(v.PreferredCVSS)
	}
}

// reportParts holds the parts of findings that reports share, bounded:
// when a map is full it starts over, which only costs sharing. Across a
// kept sweep of 500,000 findings these parts were a third of the reports'
// memory, each finding having its own copies.
var reportParts sharedParts

const sharedPartsCapacity = 1 << 14

type sharedParts struct {
	sync.Mutex
	lists map[string][]string
	cvssd map[cvssValue]*CVSSDetails
}

type cvssValue struct {
	v3, v2           string
	scoreV3, scoreV2 float64
	hasV3, hasV2     bool
}

// list is ss interned, or an equal list already kept; empty and nil lists
// stay as they are, since JSON tells [] from null.
func (p *sharedParts) list(ss []string) []string {
	if len(ss) == 0 {
		return ss
	}
	k := strconv.Itoa(len(ss)) + "\x00" + strings.Join(ss, "\x00")
	if kept, ok := p.lists[k]; ok {
		return kept
	}
	internAll(ss)
	ss = slices.Clip(ss)
	if p.lists == nil || len(p.lists) >= sharedPartsCapacity {
		p.lists = make(map[string][]string, 256)
	}
	p.lists[k] = ss
	return ss
}

func (p *sharedParts) cvss(c *CVSSDetails) *CVSSDetails {
	if c == nil {
		return nil
	}
	k := cvssValue{v3: c.VectorV3, v2: c.VectorV2}
	if c.ScoreV3 != nil {
		k.scoreV3, k.hasV3 = *c.ScoreV3, true
	}
	if c.ScoreV2 != nil {
		k.scoreV2, k.hasV2 = *c.ScoreV2, true
	}
	if kept, ok := p.cvssd[k]; ok {
		return kept
	}
	c.VectorV3 = intern(c.VectorV3)
	c.VectorV2 = intern(c.VectorV2)
	if p.cvssd == nil || len(p.cvssd) >= sharedPartsCapacity {
		p.cvssd = make(map[cvssValue]*CVSSDetails, 256)
	}
	p.cvssd[k] = c
	return c
}

func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

func internAll(ss []string) {
	for i, s := range ss {
		ss[i] = intern(s)
	}
}
