package harbortest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) listLabels(c *call) {
	page, size, ok := c.pageParams()
	if !ok {
		return
	}
	q := c.r.URL.Query()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []labelJSON
	for _, l := range s.data.Labels {
		if sc := q.Get("scope"); sc != "" && sc != l.Scope {
			continue
		}
		if n := q.Get("name"); n != "" && !strings.Contains(l.Name, n) {
			continue
		}
		out = append(out, renderLabel(l))
	}
	listJSON(c, out, page, size)
}

func (s *Server) createLabel(c *call) {
	if !c.needSysadmin() {
		return
	}
	var req struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
		Scope       string `json:"scope"`
	}
	if !c.decodeBody(&req, "label", "Label") {
		return
	}
	if req.Name == "" {
		c.fail(http.StatusBadRequest, "label name is required")
		return
	}
	if req.Scope == "" {
		req.Scope = "g"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.data.Labels {
		if l.Name == req.Name && l.Scope == req.Scope {
			c.fail(http.StatusConflict, "label "+req.Name+" already exists")
			return
		}
	}
	now := s.now()
	l := &Label{ID: s.newID("label"), Name: req.Name, Color: req.Color, Description: req.Description, Scope: req.Scope,
		CreationTime: now, UpdateTime: now}
	s.data.Labels = append(s.data.Labels, l)
	c.w.Header().Set("Location", apiPrefix+"/labels/"+strconv.FormatInt(l.ID, 10))
	writeEmpty(c.w, http.StatusCreated)
}

func (s *Server) getLabel(c *call) {
	id, _ := strconv.ParseInt(c.p["label_id"], 10, 64)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if l := s.label(id); l != nil {
		c.json(http.StatusOK, renderLabel(l))
		return
	}
	c.fail(http.StatusNotFound, "label "+c.p["label_id"]+" not found")
}

func (s *Server) deleteLabel(c *call) {
	if !c.needSysadmin() {
		return
	}
	id, _ := strconv.ParseInt(c.p["label_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, l := range s.data.Labels {
		if l.ID == id {
			s.data.Labels = append(s.data.Labels[:i], s.data.Labels[i+1:]...)
			for _, p := range s.data.Projects {
				for _, r := range p.Repositories {
					for _, a := range r.Artifacts {
						a.Labels = slices.DeleteFunc(a.Labels, func(x int64) bool { return x == id })
					}
				}
			}
			writeEmpty(c.w, http.StatusOK)
			return
		}
	}
	c.fail(http.StatusNotFound, "label "+c.p["label_id"]+" not found")
}
