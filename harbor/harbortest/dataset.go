package harbortest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Dataset is the content of a simulated registry. Its JSON form is the seed
// format of testdata/registry; New copies it, so one Dataset can seed many
// servers.
type Dataset struct {
	// ReferenceTime is the instant the seed was written for; ages in the
	// seed are meant relative to it.
	ReferenceTime time.Time  `json:"reference_time"`
	Users         []*User    `json:"users"`
	Robots        []*Robot   `json:"robots"`
	Labels        []*Label   `json:"labels"`
	Projects      []*Project `json:"projects"`
	Scanner       *Scanner   `json:"scanner,omitempty"`
}

// User is a local (db_auth) Harbor user.
type User struct {
	ID           int64     `json:"user_id"`
	Username     string    `json:"username"`
	Password     string    `json:"password"`
	Email        string    `json:"email,omitempty"`
	Realname     string    `json:"realname"`
	Comment      string    `json:"comment"`
	Sysadmin     bool      `json:"sysadmin_flag"`
	CreationTime time.Time `json:"creation_time"`
	UpdateTime   time.Time `json:"update_time"`
}

// Robot is a robot account; Name carries Harbor's "robot$" prefix.
type Robot struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Secret       string            `json:"secret"`
	Description  string            `json:"description,omitempty"`
	Level        string            `json:"level"`
	Duration     int64             `json:"duration"`
	Disable      bool              `json:"disable"`
	ExpiresAt    int64             `json:"expires_at"`
	Permissions  []RobotPermission `json:"permissions"`
	CreationTime time.Time         `json:"creation_time"`
	UpdateTime   time.Time         `json:"update_time"`
}

// RobotPermission grants access to one namespace ("*" = every project).
type RobotPermission struct {
	Kind      string        `json:"kind"`
	Namespace string        `json:"namespace"`
	Access    []RobotAccess `json:"access"`
}

// RobotAccess is one resource/action pair of a robot permission.
type RobotAccess struct {
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Effect   string `json:"effect,omitempty"`
}

// Label is a global label that artifacts can carry.
type Label struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Color        string    `json:"color"`
	Description  string    `json:"description"`
	Scope        string    `json:"scope"`
	CreationTime time.Time `json:"creation_time"`
	UpdateTime   time.Time `json:"update_time"`
}

// Scanner is the registered (default) scanner.
type Scanner struct {
	UUID         string    `json:"uuid"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	URL          string    `json:"url"`
	Vendor       string    `json:"vendor"`
	AdapterName  string    `json:"adapter_name"`
	Version      string    `json:"version"`
	CreationTime time.Time `json:"creation_time"`
}

// Member gives a user a role in a project: projectAdmin, maintainer,
// developer, guest or limitedGuest.
type Member struct {
	Username string `json:"username"`
	Role     string `json:"role"`
}

// Project is a Harbor project with its repositories.
type Project struct {
	ID           int64             `json:"project_id"`
	Name         string            `json:"name"`
	Owner        string            `json:"owner"`
	Metadata     map[string]string `json:"metadata"`
	Members      []Member          `json:"members,omitempty"`
	CreationTime time.Time         `json:"creation_time"`
	UpdateTime   time.Time         `json:"update_time"`
	Repositories []*Repository     `json:"repositories"`
	Webhooks     []*WebhookPolicy  `json:"webhook_policies,omitempty"`
}

// Repository holds artifacts; Name excludes the project.
type Repository struct {
	ID           int64       `json:"id"`
	Name         string      `json:"name"`
	Description  string      `json:"description,omitempty"`
	PullCount    int64       `json:"pull_count"`
	CreationTime time.Time   `json:"creation_time"`
	UpdateTime   time.Time   `json:"update_time"`
	Artifacts    []*Artifact `json:"artifacts"`
}

// Artifact is one manifest with its tags, labels and scan state.
// Vulnerabilities is what a scan of it finds; Scan says whether and how the
// last scan ran (nil = never scanned).
type Artifact struct {
	ID                int64             `json:"id"`
	Digest            string            `json:"digest"`
	Size              int64             `json:"size"`
	Type              string            `json:"type"`
	MediaType         string            `json:"media_type"`
	ManifestMediaType string            `json:"manifest_media_type"`
	ArtifactType      string            `json:"artifact_type,omitempty"`
	PushTime          time.Time         `json:"push_time"`
	PullTime          time.Time         `json:"pull_time"`
	ExtraAttrs        json.RawMessage   `json:"extra_attrs,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	Tags              []*Tag            `json:"tags,omitempty"`
	Labels            []int64           `json:"labels,omitempty"`
	References        []*Reference      `json:"references,omitempty"`
	// Child marks a manifest that is only reachable through an index: it
	// is not listed and not counted, but can be fetched by digest.
	Child           bool             `json:"child,omitempty"`
	Scan            *Scan            `json:"scan,omitempty"`
	Vulnerabilities []*Vulnerability `json:"vulnerabilities,omitempty"`
}

// Tag is a name pointing at an artifact.
type Tag struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	PushTime  time.Time `json:"push_time"`
	PullTime  time.Time `json:"pull_time"`
	Immutable bool      `json:"immutable,omitempty"`
}

// Reference is a child of an image index.
type Reference struct {
	ChildDigest string   `json:"child_digest"`
	ChildID     int64    `json:"child_id"`
	Platform    Platform `json:"platform"`
}

// Platform of an index child.
type Platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

// Scan is the state of the last scan: Pending, Running, Success, Error or
// Stopped.
type Scan struct {
	ReportID    string    `json:"report_id"`
	Status      string    `json:"scan_status"`
	StartTime   time.Time `json:"start_time"`
	EndTime     time.Time `json:"end_time"`
	GeneratedAt time.Time `json:"generated_at,omitempty"`
	// readyAt, when set, is when a requested scan turns from Pending to
	// Success.
	readyAt time.Time
}

// Vulnerability is one finding, in the scanner's report format.
type Vulnerability struct {
	ID              string   `json:"id"`
	Package         string   `json:"package"`
	Version         string   `json:"version"`
	FixVersion      string   `json:"fix_version"`
	Severity        string   `json:"severity"`
	Description     string   `json:"description"`
	Links           []string `json:"links,omitempty"`
	ScoreV3         *float64 `json:"score_v3,omitempty"`
	VectorV3        string   `json:"vector_v3,omitempty"`
	CWEIDs          []string `json:"cwe_ids,omitempty"`
	ArtifactDigests []string `json:"artifact_digests,omitempty"`
}

// WebhookPolicy is a project's webhook policy as Harbor stores it.
type WebhookPolicy struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	ProjectID    int64           `json:"project_id"`
	Targets      []WebhookTarget `json:"targets"`
	EventTypes   []string        `json:"event_types"`
	Enabled      bool            `json:"enabled"`
	CreationTime time.Time       `json:"creation_time"`
	UpdateTime   time.Time       `json:"update_time"`
}

// WebhookTarget is where a policy delivers.
type WebhookTarget struct {
	Type           string `json:"type"`
	Address        string `json:"address"`
	AuthHeader     string `json:"auth_header,omitempty"`
	SkipCertVerify bool   `json:"skip_cert_verify,omitempty"`
	PayloadFormat  string `json:"payload_format,omitempty"`
}

// LoadDataset reads a dataset in the seed format and checks that it is
// consistent (unique ids and names, known label ids).
func LoadDataset(r io.Reader) (*Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("harbortest: reading dataset: %w", err)
	}
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("harbortest: dataset: %w", err)
	}
	return &d, nil
}

func (d *Dataset) validate() error {
	labels := map[int64]bool{}
	for _, l := range d.Labels {
		if labels[l.ID] {
			return fmt.Errorf("label id %d used twice", l.ID)
		}
		labels[l.ID] = true
	}
	users := map[string]bool{}
	for _, u := range d.Users {
		if u.Username == "" || users[u.Username] {
			return fmt.Errorf("user %q is empty or used twice", u.Username)
		}
		users[u.Username] = true
	}
	projects, repos, arts := map[string]bool{}, map[int64]bool{}, map[int64]bool{}
	projectIDs := map[int64]bool{}
	for _, p := range d.Projects {
		if p.Name == "" || projects[p.Name] || projectIDs[p.ID] {
			return fmt.Errorf("project %q (id %d) is unnamed or used twice", p.Name, p.ID)
		}
		projects[p.Name], projectIDs[p.ID] = true, true
		for _, r := range p.Repositories {
			if repos[r.ID] {
				return fmt.Errorf("repository id %d used twice", r.ID)
			}
			repos[r.ID] = true
			digests := map[string]bool{}
			for _, a := range r.Artifacts {
				if arts[a.ID] || digests[a.Digest] {
					return fmt.Errorf("artifact %d (%s) in %s/%s used twice", a.ID, a.Digest, p.Name, r.Name)
				}
				arts[a.ID], digests[a.Digest] = true, true
				for _, id := range a.Labels {
					if !labels[id] {
						return fmt.Errorf("artifact %s in %s/%s has unknown label %d", a.Digest, p.Name, r.Name, id)
					}
				}
			}
		}
	}
	return nil
}
