package harbor

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// The everyday calls, typed. Every other operation is reachable through
// Call (operations.go) or Do.

func projectPath(project string) string { return "/projects/" + url.PathEscape(project) }

func repoPath(project, repo string) string {
	return projectPath(project) + "/repositories/" + EscapeRepository(repo)
}

func artifactPath(project, repo, ref string) string {
	return repoPath(project, repo) + "/artifacts/" + url.PathEscape(ref)
}

// GetProjects lists projects.
func (c *Client) GetProjects(ctx context.Context, opts ListOptions) ([]*Project, error) {
	return List[*Project](ctx, c, &Request{Method: http.MethodGet, Path: "/projects"}, opts)
}

// GetProject gets a project by name. A name made only of digits is sent with
// X-Is-Resource-Name so Harbor does not take it for an id.
func (c *Client) GetProject(ctx context.Context, name string) (*Project, error) {
	var p Project
	req := &Request{Method: http.MethodGet, Path: projectPath(name), Header: http.Header{}}
	if isDigits(name) {
		req.Header.Set(headerIsResourceName, "true")
	}
	_, err := c.DoJSON(ctx, req, &p)
	return &p, err
}

// ProjectReq is the body of a project creation.
type ProjectReq struct {
	ProjectName  string            `json:"project_name"`
	Public       *bool             `json:"public,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	StorageLimit *int64            `json:"storage_limit,omitempty"`
	RegistryID   *int64            `json:"registry_id,omitempty"`
}

// CreateProject creates a project and returns its Location.
func (c *Client) CreateProject(ctx context.Context, p *ProjectReq) (string, error) {
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: "/projects", Body: p})
	if err != nil {
		return "", err
	}
	return resp.Header.Get("Location"), nil
}

// DeleteProject deletes an empty project.
func (c *Client) DeleteProject(ctx context.Context, name string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: projectPath(name)})
	return err
}

// RepositoriesRequest lists the repositories of a project, or of every
// project when project is "".
func RepositoriesRequest(project string) *Request {
	if project == "" {
		return &Request{Method: http.MethodGet, Path: "/repositories"}
	}
	return &Request{Method: http.MethodGet, Path: projectPath(project) + "/repositories"}
}

// GetRepositories lists the repositories of a project ("" for all).
func (c *Client) GetRepositories(ctx context.Context, project string, opts ListOptions) ([]*Repository, error) {
	return List[*Repository](ctx, c, RepositoriesRequest(project), opts)
}

// GetRepository gets one repository; repo is without its project.
func (c *Client) GetRepository(ctx context.Context, project, repo string) (*Repository, error) {
	var r Repository
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: repoPath(project, repo)}, &r)
	return &r, err
}

// DeleteRepository deletes a repository with all its artifacts.
func (c *Client) DeleteRepository(ctx context.Context, project, repo string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: repoPath(project, repo)})
	return err
}

// ArtifactOptions are the with_* flags of artifact reads.
type ArtifactOptions struct {
	WithTag                bool
	WithLabel              bool
	WithScanOverview       bool
	WithSignature          bool
	WithImmutableStatus    bool
	WithAccessory          bool
	WithSBOMOverview       bool
	XAcceptVulnerabilities string
}

// DefaultArtifactOptions are what bulk reads ask for.
var DefaultArtifactOptions = ArtifactOptions{WithTag: true, WithLabel: true, WithScanOverview: true}

func (o ArtifactOptions) query() url.Values {
	q := url.Values{}
	q.Set("with_tag", strconv.FormatBool(o.WithTag))
	set := func(k string, v bool) {
		if v {
			q.Set(k, "true")
		}
	}
	set("with_label", o.WithLabel)
	set("with_scan_overview", o.WithScanOverview)
	set("with_signature", o.WithSignature)
	set("with_immutable_status", o.WithImmutableStatus)
	set("with_accessory", o.WithAccessory)
	set("with_sbom_overview", o.WithSBOMOverview)
	return q
}

// ArtifactsRequest lists the artifacts of a repository.
func ArtifactsRequest(project, repo string, o ArtifactOptions) *Request {
	return &Request{Method: http.MethodGet, Path: repoPath(project, repo) + "/artifacts", Query: o.query()}
}

// GetArtifacts lists the artifacts of a repository (repo without project).
func (c *Client) GetArtifacts(ctx context.Context, project, repo string, o ArtifactOptions, opts ListOptions) ([]*Artifact, error) {
	return List[*Artifact](ctx, c, ArtifactsRequest(project, repo, o), opts)
}

// GetArtifact gets one artifact by tag or digest.
func (c *Client) GetArtifact(ctx context.Context, project, repo, ref string, o ArtifactOptions) (*Artifact, error) {
	var a Artifact
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: artifactPath(project, repo, ref), Query: o.query()}, &a)
	return &a, err
}

// DeleteArtifact deletes an artifact with all its tags, even when ref is a
// tag: to remove only a tag use DeleteArtifactTag.
func (c *Client) DeleteArtifact(ctx context.Context, project, repo, ref string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: artifactPath(project, repo, ref)})
	return err
}

// CopyArtifact copies from "project/repo:tag" or "project/repo@digest" into
// project/repo.
func (c *Client) CopyArtifact(ctx context.Context, project, repo, from string) (string, error) {
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: repoPath(project, repo) + "/artifacts",
		Query: url.Values{"from": {from}}})
	if err != nil {
		return "", err
	}
	return resp.Header.Get("Location"), nil
}

// GetArtifactTags lists the tags of an artifact.
func (c *Client) GetArtifactTags(ctx context.Context, project, repo, ref string, opts ListOptions) ([]*Tag, error) {
	return List[*Tag](ctx, c, &Request{Method: http.MethodGet, Path: artifactPath(project, repo, ref) + "/tags"}, opts)
}

// CreateArtifactTag adds a tag to an artifact.
func (c *Client) CreateArtifactTag(ctx context.Context, project, repo, ref, tag string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: artifactPath(project, repo, ref) + "/tags",
		Body: map[string]string{"name": tag}})
	return err
}

// DeleteArtifactTag removes one tag, leaving the artifact and its other tags.
func (c *Client) DeleteArtifactTag(ctx context.Context, project, repo, ref, tag string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: artifactPath(project, repo, ref) + "/tags/" + url.PathEscape(tag)})
	return err
}

// VulnerabilitiesRequest reads the vulnerability report addition.
func VulnerabilitiesRequest(project, repo, ref string) *Request {
	h := http.Header{}
	h.Set("X-Accept-Vulnerabilities", ReportMIMETypes[0]+", "+ReportMIMETypes[1])
	return &Request{Method: http.MethodGet, Path: artifactPath(project, repo, ref) + "/additions/vulnerabilities", Header: h}
}

// GetArtifactVulnerabilities gets an artifact's vulnerability report; nil
// when it was never scanned.
func (c *Client) GetArtifactVulnerabilities(ctx context.Context, project, repo, ref string) (*VulnerabilityReport, error) {
	resp, err := c.Do(ctx, VulnerabilitiesRequest(project, repo, ref))
	if err != nil {
		return nil, err
	}
	return DecodeVulnerabilities(resp)
}

// DecodeVulnerabilities decodes the answer of VulnerabilitiesRequest; nil
// when the artifact was never scanned.
func DecodeVulnerabilities(resp *Response) (*VulnerabilityReport, error) {
	r, err := DecodeVulnerabilityReport(resp.Body)
	if err != nil {
		return nil, &Error{Type: TypeDecodeError, Request: resp.Request, StatusCode: resp.StatusCode,
			Message: "invalid vulnerability report: " + err.Error(), Err: err}
	}
	return r, nil
}

// ScanArtifact asks Harbor to scan an artifact (202, asynchronous).
func (c *Client) ScanArtifact(ctx context.Context, project, repo, ref string) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: artifactPath(project, repo, ref) + "/scan"})
	return err
}

// AddArtifactLabel attaches an existing label to an artifact.
func (c *Client) AddArtifactLabel(ctx context.Context, project, repo, ref string, labelID int64) error {
	_, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: artifactPath(project, repo, ref) + "/labels",
		Body: map[string]int64{"id": labelID}})
	return err
}

// GetCurrentUser returns the user the client is; robots get a
// PreconditionFailed error from Harbor.
func (c *Client) GetCurrentUser(ctx context.Context) (*UserResp, error) {
	var u UserResp
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: "/users/current"}, &u)
	return &u, err
}

// GetUser gets a user by id.
func (c *Client) GetUser(ctx context.Context, id int64) (*UserResp, error) {
	var u UserResp
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: "/users/" + strconv.FormatInt(id, 10)}, &u)
	return &u, err
}

// GetSystemInfo reads /systeminfo.
func (c *Client) GetSystemInfo(ctx context.Context) (*SystemInfo, error) {
	var s SystemInfo
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: "/systeminfo"}, &s)
	return &s, err
}

// Health is Harbor's overall and per-component health.
type Health struct {
	Status     string `json:"status"`
	Components []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Error  string `json:"error,omitempty"`
	} `json:"components"`
}

// HealthCheck reads /health (Harbor answers 200 even when unhealthy).
func (c *Client) HealthCheck(ctx context.Context) (*Health, error) {
	var h Health
	_, err := c.DoJSON(ctx, &Request{Method: http.MethodGet, Path: "/health"}, &h)
	return &h, err
}
