package harbortest

import (
	"net/http"
	"strings"
)

type repoRow struct {
	p *Project
	r *Repository
}

var repoSorts = map[string]func(a, b repoRow) int{
	"name": func(a, b repoRow) int {
		return strings.Compare(a.p.Name+"/"+a.r.Name, b.p.Name+"/"+b.r.Name)
	},
	"id":            func(a, b repoRow) int { return cmpInt(a.r.ID, b.r.ID) },
	"creation_time": func(a, b repoRow) int { return a.r.CreationTime.Compare(b.r.CreationTime) },
	"update_time":   func(a, b repoRow) int { return a.r.UpdateTime.Compare(b.r.UpdateTime) },
	"pull_count":    func(a, b repoRow) int { return cmpInt(a.r.PullCount, b.r.PullCount) },
}

// listRepoRows filters, orders (newest first unless sort says otherwise)
// and writes repository rows.
func (c *call) listRepoRows(rows []repoRow, page, size int64, terms []qterm) {
	var kept []repoRow
	for _, row := range rows {
		name := func(k string) (string, bool) { return row.p.Name + "/" + row.r.Name, k == "name" }
		if matchTerms(terms, name) {
			kept = append(kept, row)
		}
	}
	sortKeys(kept, "-creation_time,-id", repoSorts)
	sortKeys(kept, c.r.URL.Query().Get("sort"), repoSorts)
	listRendered(c, kept, page, size, func(row repoRow) repositoryJSON { return renderRepository(row.p, row.r) })
}

func (c *call) listParams() (page, size int64, terms []qterm, ok bool) {
	page, size, ok = c.pageParams()
	if !ok {
		return
	}
	terms, err := parseQ(c.r.URL.Query().Get("q"))
	if err != nil {
		c.fail(http.StatusBadRequest, err.Error())
		return 0, 0, nil, false
	}
	return page, size, terms, true
}

func (s *Server) listAllRepositories(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []repoRow
	for _, p := range c.visibleProjects() {
		for _, r := range p.Repositories {
			rows = append(rows, repoRow{p, r})
		}
	}
	c.listRepoRows(rows, page, size, terms)
}

func (s *Server) listRepositories(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := c.project("project_name")
	if p == nil {
		return
	}
	var rows []repoRow
	for _, r := range p.Repositories {
		rows = append(rows, repoRow{p, r})
	}
	c.listRepoRows(rows, page, size, terms)
}

// repository resolves the path's project and repository, answering 404s
// itself; callers hold mu.
func (c *call) repository() (*Project, *Repository) {
	p := c.project("project_name")
	if p == nil {
		return nil, nil
	}
	name := c.p["repository_name"]
	r := findRepo(p, name)
	if r == nil {
		c.fail(http.StatusNotFound, "repository "+p.Name+"/"+name+" not found")
		return nil, nil
	}
	return p, r
}

func (s *Server) getRepository(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, r := c.repository(); r != nil {
		c.json(http.StatusOK, renderRepository(p, r))
	}
}

func (s *Server) updateRepository(c *call) {
	var req struct {
		Description string `json:"description"`
	}
	if !c.decodeBody(&req, "repository", "Repository") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := c.repository()
	if r == nil || c.deny(c.writeDenied(p, "repository", "update")) {
		return
	}
	r.Description = req.Description
	r.UpdateTime = s.now()
	writeEmpty(c.w, http.StatusOK)
}

func (s *Server) deleteRepository(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := c.repository()
	if r == nil || c.deny(c.writeDenied(p, "repository", "delete")) {
		return
	}
	p.Repositories = without(p.Repositories, r)
	for _, a := range r.Artifacts {
		if !a.Child {
			s.emit(c, EventDeleteArtifact, p, r, a, "")
		}
	}
	writeEmpty(c.w, http.StatusOK)
}
