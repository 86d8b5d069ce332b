package harbortest

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// nameRE is Harbor's rule for project and robot names.
var nameRE = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

var projectSorts = map[string]func(a, b *Project) int{
	"name":          func(a, b *Project) int { return strings.Compare(a.Name, b.Name) },
	"project_id":    func(a, b *Project) int { return cmpInt(a.ID, b.ID) },
	"creation_time": func(a, b *Project) int { return a.CreationTime.Compare(b.CreationTime) },
	"update_time":   func(a, b *Project) int { return a.UpdateTime.Compare(b.UpdateTime) },
}

// visibleProjects are those the caller may list: public ones for anonymous
// callers (and wrong credentials), plus member or permitted ones.
func (c *call) visibleProjects() []*Project {
	var out []*Project
	for _, p := range c.s.data.Projects {
		if c.readDenied(p) == 0 {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) listProjects(c *call) {
	page, size, ok := c.pageParams()
	if !ok {
		return
	}
	terms, err := parseQ(c.r.URL.Query().Get("q"))
	if err != nil {
		c.fail(http.StatusBadRequest, err.Error())
		return
	}
	qp := c.r.URL.Query()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []*Project
	for _, p := range c.visibleProjects() {
		if n := qp.Get("name"); n != "" && p.Name != n {
			continue
		}
		if pub := qp.Get("public"); pub != "" && strconv.FormatBool(isPublic(p)) != pub {
			continue
		}
		if o := qp.Get("owner"); o != "" && p.Owner != o {
			continue
		}
		if !matchProject(terms, p) {
			continue
		}
		rows = append(rows, p)
	}
	sortKeys(rows, "name", projectSorts)
	sortKeys(rows, qp.Get("sort"), projectSorts)
	listRendered(c, rows, page, size, c.renderProject)
}

func matchProject(terms []qterm, p *Project) bool {
	return matchTerms(terms, func(k string) (string, bool) {
		switch k {
		case "name":
			return p.Name, true
		case "public":
			return strconv.FormatBool(isPublic(p)), true
		case "project_id":
			return strconv.FormatInt(p.ID, 10), true
		}
		return "", false
	})
}

func (s *Server) headProject(c *call) {
	name := c.r.URL.Query().Get("project_name")
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.projectNamed(name) != nil {
		writeEmpty(c.w, http.StatusOK)
		return
	}
	c.fail(http.StatusNotFound, "project "+name+" not found")
}

type projectReq struct {
	ProjectName  string            `json:"project_name"`
	Public       *bool             `json:"public"`
	Metadata     map[string]string `json:"metadata"`
	StorageLimit *int64            `json:"storage_limit"`
	RegistryID   *int64            `json:"registry_id"`
}

// decodeBody reads a JSON body the way Harbor's OpenAPI layer does: a body of
// the wrong type is a 422 naming the expected model.
func (c *call) decodeBody(v any, what, model string) bool {
	err := json.NewDecoder(c.r.Body).Decode(v)
	if err == nil {
		return true
	}
	msg := err.Error()
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		msg = "json: cannot unmarshal " + te.Value + " into Go value of type models." + model
	}
	c.fail(http.StatusUnprocessableEntity, "validation failure list:\nparsing "+what+" body from \"\" failed, because "+msg)
	return false
}

func (s *Server) createProject(c *call) {
	if !c.needIdentity() {
		return
	}
	if c.id.robot != nil && !robotAllows(c.id.robot, "*", "project", "create") {
		c.fail(http.StatusForbidden, "forbidden")
		return
	}
	var req projectReq
	if !c.decodeBody(&req, "project", "ProjectReq") {
		return
	}
	if !nameRE.MatchString(req.ProjectName) || len(req.ProjectName) > 255 {
		c.fail(http.StatusBadRequest, "project name is not in lower case or contains illegal characters")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.projectNamed(req.ProjectName) != nil {
		c.fail(http.StatusConflict, "The project named "+req.ProjectName+" already exists")
		return
	}
	meta := map[string]string{"public": "false"}
	if req.Public != nil {
		meta["public"] = strconv.FormatBool(*req.Public)
	}
	for k, v := range req.Metadata {
		meta[k] = v
	}
	owner := AdminUser
	if c.id.user != nil {
		owner = c.id.user.Username
	}
	now := s.now()
	p := &Project{ID: s.newID("project"), Name: req.ProjectName, Owner: owner, Metadata: meta, CreationTime: now, UpdateTime: now}
	if c.id.user != nil && !c.id.user.Sysadmin {
		p.Members = []Member{{Username: owner, Role: "projectAdmin"}}
	}
	s.data.Projects = append(s.data.Projects, p)
	c.w.Header().Set("Location", apiPrefix+"/projects/"+strconv.FormatInt(p.ID, 10))
	writeEmpty(c.w, http.StatusCreated)
}

func (s *Server) getProject(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := c.project("project_name_or_id"); p != nil {
		c.json(http.StatusOK, c.renderProject(p))
	}
}

func (s *Server) updateProject(c *call) {
	var req projectReq
	if !c.decodeBody(&req, "project", "ProjectReq") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := c.project("project_name_or_id")
	if p == nil || c.deny(c.writeDenied(p, "project", "update")) {
		return
	}
	if req.Public != nil {
		p.Metadata["public"] = strconv.FormatBool(*req.Public)
	}
	for k, v := range req.Metadata {
		p.Metadata[k] = v
	}
	p.UpdateTime = s.now()
	writeEmpty(c.w, http.StatusOK)
}

func (s *Server) deleteProject(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := c.project("project_name_or_id")
	if p == nil || c.deny(c.writeDenied(p, "project", "delete")) {
		return
	}
	if len(p.Repositories) > 0 {
		c.fail(http.StatusPreconditionFailed, "precondition failed: the project contains repositories, can not be deleted")
		return
	}
	s.data.Projects = without(s.data.Projects, p)
	writeEmpty(c.w, http.StatusOK)
}

type quotaJSON struct {
	Hard map[string]int64 `json:"hard"`
	Used map[string]int64 `json:"used"`
}

type summaryProjectJSON struct {
	ProjectAdminCount int64     `json:"project_admin_count"`
	MaintainerCount   int64     `json:"maintainer_count,omitempty"`
	DeveloperCount    int64     `json:"developer_count,omitempty"`
	GuestCount        int64     `json:"guest_count,omitempty"`
	Quota             quotaJSON `json:"quota"`
	RepoCount         int64     `json:"repo_count"`
}

func (s *Server) projectSummary(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := c.project("project_name_or_id")
	if p == nil {
		return
	}
	var used int64
	for _, r := range p.Repositories {
		for _, a := range r.Artifacts {
			used += a.Size
		}
	}
	out := summaryProjectJSON{ProjectAdminCount: 1, RepoCount: int64(len(p.Repositories)),
		Quota: quotaJSON{Hard: map[string]int64{"storage": -1}, Used: map[string]int64{"storage": used}}}
	for _, m := range p.Members {
		switch m.Role {
		case "projectAdmin":
			out.ProjectAdminCount++
		case "maintainer":
			out.MaintainerCount++
		case "developer":
			out.DeveloperCount++
		case "guest":
			out.GuestCount++
		}
	}
	c.json(http.StatusOK, out)
}

func (s *Server) getMetadatas(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := c.project("project_name_or_id"); p != nil {
		c.json(http.StatusOK, p.Metadata)
	}
}

func (s *Server) getMetadata(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := c.project("project_name_or_id")
	if p == nil {
		return
	}
	name := c.p["meta_name"]
	v, ok := p.Metadata[name]
	if !ok {
		c.fail(http.StatusNotFound, "metadata "+name+" of project "+p.Name+" not found")
		return
	}
	c.json(http.StatusOK, map[string]string{name: v})
}

func (s *Server) putMetadata(c *call) {
	var req map[string]string
	if !c.decodeBody(&req, "metadata", "ProjectMetadata") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := c.project("project_name_or_id")
	if p == nil || c.deny(c.writeDenied(p, "metadata", "update")) {
		return
	}
	for k, v := range req {
		p.Metadata[k] = v
	}
	writeEmpty(c.w, http.StatusOK)
}

func (s *Server) projectScanner(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := c.project("project_name_or_id"); p != nil {
		c.json(http.StatusOK, s.renderScanner())
	}
}
