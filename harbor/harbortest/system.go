package harbortest

import (
	"net/http"
	"strings"
)

type systemInfoAnonJSON struct {
	AuthMode         string `json:"auth_mode"`
	BannerMessage    string `json:"banner_message"`
	OIDCProviderName string `json:"oidc_provider_name"`
	PrimaryAuthMode  bool   `json:"primary_auth_mode"`
	SelfRegistration bool   `json:"self_registration"`
}

type systemInfoJSON struct {
	systemInfoAnonJSON
	CurrentTime                 htime  `json:"current_time"`
	ExternalURL                 string `json:"external_url"`
	HarborVersion               string `json:"harbor_version"`
	HasCARoot                   bool   `json:"has_ca_root"`
	NotificationEnable          bool   `json:"notification_enable"`
	ProjectCreationRestriction  string `json:"project_creation_restriction"`
	ReadOnly                    bool   `json:"read_only"`
	RegistryStorageProviderName string `json:"registry_storage_provider_name"`
	RegistryURL                 string `json:"registry_url"`
}

// HarborVersion is the version the simulator reports.
const HarborVersion = "v2.16.0-c50c7ddd"

// systemInfo is reduced for anonymous callers, as on Harbor.
func (s *Server) systemInfo(c *call) {
	base := systemInfoAnonJSON{AuthMode: "db_auth"}
	if c.id.anonymous() {
		c.json(http.StatusOK, base)
		return
	}
	c.json(http.StatusOK, systemInfoJSON{systemInfoAnonJSON: base, CurrentTime: htime(s.now()),
		ExternalURL: "http://" + c.r.Host, HarborVersion: HarborVersion, NotificationEnable: true,
		ProjectCreationRestriction: "everyone", RegistryStorageProviderName: "filesystem", RegistryURL: c.r.Host})
}

type componentJSON struct {
	Error  string `json:"error,omitempty"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

func (s *Server) health(c *call) {
	var comps []componentJSON
	for _, n := range []string{"core", "database", "jobservice", "portal", "redis", "registry", "registryctl"} {
		comps = append(comps, componentJSON{Name: n, Status: "healthy"})
	}
	c.json(http.StatusOK, struct {
		Components []componentJSON `json:"components"`
		Status     string          `json:"status"`
	}{comps, "healthy"})
}

// ping answers text/plain, or a JSON string to a client that accepts JSON.
func (s *Server) ping(c *call) {
	if strings.Contains(c.r.Header.Get("Accept"), "application/json") {
		c.json(http.StatusOK, "Pong")
		return
	}
	c.w.Header().Set("Content-Type", "text/plain")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte("Pong"))
}

type scannerRegJSON struct {
	AccessCredential string          `json:"access_credential"`
	Auth             string          `json:"auth"`
	Capabilities     map[string]bool `json:"capabilities"`
	CreateTime       htime           `json:"create_time"`
	Description      string          `json:"description"`
	Disabled         bool            `json:"disabled"`
	IsDefault        bool            `json:"is_default"`
	Name             string          `json:"name"`
	SkipCertVerify   bool            `json:"skip_certVerify"`
	UpdateTime       htime           `json:"update_time"`
	URL              string          `json:"url"`
	UseInternalAddr  bool            `json:"use_internal_addr"`
	UUID             string          `json:"uuid"`
}

func (s *Server) renderScanner() scannerRegJSON {
	sc := s.data.Scanner
	if sc == nil {
		sc = &Scanner{UUID: "457ca2e2-eb03-11f1-b63f-0684a3efac9b", Name: "fakescan", Description: "fake scanner adapter",
			URL: "http://127.0.0.1:8090"}
	}
	return scannerRegJSON{Capabilities: map[string]bool{"support_vulnerability": true}, CreateTime: htime(sc.CreationTime),
		Description: sc.Description, IsDefault: true, Name: sc.Name, SkipCertVerify: true, UpdateTime: htime(sc.CreationTime),
		URL: sc.URL, UUID: sc.UUID}
}

func (s *Server) listScanners(c *call) {
	page, size, ok := c.pageParams()
	if !ok || !c.needSysadmin() {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	listJSON(c, []scannerRegJSON{s.renderScanner()}, page, size)
}

type searchRepoJSON struct {
	ArtifactCount  int64  `json:"artifact_count"`
	ProjectID      int64  `json:"project_id"`
	ProjectName    string `json:"project_name"`
	ProjectPublic  bool   `json:"project_public,omitempty"`
	PullCount      int64  `json:"pull_count,omitempty"`
	RepositoryName string `json:"repository_name"`
}

// search matches project and repository names by substring among what the
// caller can see.
func (s *Server) search(c *call) {
	q := c.r.URL.Query().Get("q")
	s.mu.RLock()
	defer s.mu.RUnlock()
	projects := []projectJSON{}
	repos := []searchRepoJSON{}
	var rows []repoRow
	for _, p := range c.visibleProjects() {
		if strings.Contains(p.Name, q) {
			projects = append(projects, c.renderProject(p))
		}
		for _, r := range p.Repositories {
			if strings.Contains(p.Name+"/"+r.Name, q) {
				rows = append(rows, repoRow{p, r})
			}
		}
	}
	sortKeys(rows, "-creation_time,-id", repoSorts)
	for _, row := range rows {
		repos = append(repos, searchRepoJSON{ArtifactCount: artifactCount(row.r), ProjectID: row.p.ID, ProjectName: row.p.Name,
			ProjectPublic: isPublic(row.p), PullCount: row.r.PullCount, RepositoryName: row.p.Name + "/" + row.r.Name})
	}
	c.json(http.StatusOK, map[string]any{"project": projects, "repository": repos})
}
