package harbortest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

var artifactSorts = map[string]func(a, b *Artifact) int{
	"push_time": func(a, b *Artifact) int { return a.PushTime.Compare(b.PushTime) },
	"pull_time": func(a, b *Artifact) int { return a.PullTime.Compare(b.PullTime) },
	"id":        func(a, b *Artifact) int { return cmpInt(a.ID, b.ID) },
	"size":      func(a, b *Artifact) int { return cmpInt(a.Size, b.Size) },
}

func boolParam(c *call, name string, def bool) bool {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

func (c *call) artifactFlags() artifactFlags {
	return artifactFlags{
		tags:   boolParam(c, "with_tag", true),
		labels: boolParam(c, "with_label", false),
		scan:   boolParam(c, "with_scan_overview", false),
	}
}

// matchArtifact applies q to an artifact; unknown keys are ignored as on
// Harbor.
func matchArtifact(terms []qterm, a *Artifact) bool {
	for _, t := range terms {
		switch t.key {
		case "tags":
			switch {
			case t.kind == '=' && t.val == "*":
				if len(a.Tags) == 0 {
					return false
				}
			case t.kind == '=' && t.val == "nil":
				if len(a.Tags) != 0 {
					return false
				}
			default:
				found := false
				for _, tag := range a.Tags {
					if t.matchString(tag.Name) {
						found = true
					}
				}
				if !found {
					return false
				}
			}
		case "digest":
			if !t.matchString(a.Digest) {
				return false
			}
		case "type":
			if !t.matchString(a.Type) {
				return false
			}
		case "media_type":
			if !t.matchString(a.MediaType) {
				return false
			}
		case "manifest_media_type":
			if !t.matchString(a.ManifestMediaType) {
				return false
			}
		case "artifact_type":
			if !t.matchString(a.ArtifactType) {
				return false
			}
		case "label_id", "labels":
			found := false
			for _, id := range a.Labels {
				if t.matchString(strconv.FormatInt(id, 10)) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

func (s *Server) listArtifacts(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok {
		return
	}
	for _, t := range terms {
		if t.key == "tags" && t.kind != '=' && t.kind != '~' {
			c.fail(http.StatusBadRequest, `the value of "tags" query can only be fuzzy match value or exact match value`)
			return
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := c.project("project_name")
	if p == nil {
		return
	}
	r := findRepo(p, c.p["repository_name"])
	var rows []*Artifact
	if r != nil {
		for _, a := range r.Artifacts {
			if !a.Child && matchArtifact(terms, a) {
				rows = append(rows, a)
			}
		}
	}
	sortKeys(rows, "-push_time,-id", artifactSorts)
	sortKeys(rows, c.r.URL.Query().Get("sort"), artifactSorts)
	f := c.artifactFlags()
	listRendered(c, rows, page, size, func(a *Artifact) artifactJSON { return s.renderArtifact(p, r, a, f) })
}

// artifact resolves project, repository and reference of the path,
// answering Harbor's 404 for any of them missing; callers hold mu.
func (c *call) artifact() (*Project, *Repository, *Artifact) {
	p := c.project("project_name")
	if p == nil {
		return nil, nil, nil
	}
	name, ref := c.p["repository_name"], c.p["reference"]
	r := findRepo(p, name)
	a := findArtifact(r, ref)
	if a == nil {
		c.fail(http.StatusNotFound, "artifact "+artifactRefName(p.Name, name, ref)+" not found")
		return nil, nil, nil
	}
	return p, r, a
}

func (s *Server) getArtifact(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, r, a := c.artifact(); a != nil {
		c.json(http.StatusOK, s.renderArtifact(p, r, a, c.artifactFlags()))
	}
}

// deleteArtifact removes the manifest with all its tags, and the children
// of an index.
func (s *Server) deleteArtifact(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "artifact", "delete")) {
		return
	}
	gone := map[string]bool{a.Digest: true}
	for _, ref := range a.References {
		gone[ref.ChildDigest] = true
	}
	kept := r.Artifacts[:0]
	for _, x := range r.Artifacts {
		if !gone[x.Digest] || (x != a && !x.Child) {
			kept = append(kept, x)
		}
	}
	r.Artifacts = kept
	r.UpdateTime = s.now()
	s.emit(c, EventDeleteArtifact, p, r, a, "")
	writeEmpty(c.w, http.StatusOK)
}

// copyArtifact is POST .../artifacts?from=project/repo:tag|@digest.
func (s *Server) copyArtifact(c *call) {
	from := c.r.URL.Query().Get("from")
	srcRepo, ref, ok := splitFrom(from)
	if !ok {
		c.fail(http.StatusBadRequest, "invalid from: "+from)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dp := c.project("project_name")
	if dp == nil || c.deny(c.writeDenied(dp, "artifact", "create")) {
		return
	}
	sp := s.projectNamed(srcRepo[:strings.Index(srcRepo, "/")])
	var sr *Repository
	if sp != nil {
		if c.deny(c.readDenied(sp)) {
			return
		}
		sr = findRepo(sp, srcRepo[strings.Index(srcRepo, "/")+1:])
	}
	src := findArtifact(sr, ref)
	if src == nil {
		c.fail(http.StatusNotFound, "artifact "+srcRepo+refSep(ref)+ref+" not found")
		return
	}
	name := c.p["repository_name"]
	now := s.now()
	dr := s.pushRepo(dp, name, now)
	s.copyInto(dr, sr, src, now)
	dr.UpdateTime = now
	c.w.Header().Set("Location", apiPrefix+"/projects/"+dp.Name+"/repositories/"+escapeRepo(name)+"/artifacts/"+src.Digest)
	s.emit(c, EventPushArtifact, dp, dr, src, "")
	writeEmpty(c.w, http.StatusCreated)
}

// pushRepo is the repository a push into p names, created as a push
// creates it when it does not exist yet; callers hold mu.
func (s *Server) pushRepo(p *Project, name string, now time.Time) *Repository {
	if r := findRepo(p, name); r != nil {
		return r
	}
	r := &Repository{ID: s.newID("repository"), Name: name, CreationTime: now, UpdateTime: now}
	p.Repositories = append(p.Repositories, r)
	return r
}

// copyInto adds src (and an index's children) to dst, merging tags into an
// artifact of the same digest; callers hold mu.
func (s *Server) copyInto(dst, srcRepo *Repository, src *Artifact, now time.Time) *Artifact {
	existing := findArtifact(dst, src.Digest)
	if existing == nil {
		existing = src.clone()
		existing.ID = s.newID("artifact")
		existing.Tags = nil
		existing.Labels = nil
		existing.PushTime = now
		existing.PullTime = zeroTime
		existing.References = nil
		for _, ref := range src.References {
			child := findArtifact(srcRepo, ref.ChildDigest)
			cr := *ref
			if child != nil {
				cr.ChildID = s.copyInto(dst, srcRepo, child, now).ID
			}
			existing.References = append(existing.References, &cr)
		}
		dst.Artifacts = append(dst.Artifacts, existing)
	}
	for _, t := range src.Tags {
		if findArtifact(dst, t.Name) == nil {
			existing.Tags = append(existing.Tags, &Tag{ID: s.newID("tag"), Name: t.Name, PushTime: now})
		}
	}
	return existing
}

func refSep(ref string) string {
	if strings.HasPrefix(ref, "sha256:") {
		return "@"
	}
	return ":"
}

func splitFrom(from string) (repo, ref string, ok bool) {
	if i := strings.Index(from, "@"); i > 0 {
		repo, ref = from[:i], from[i+1:]
	} else if i := strings.LastIndex(from, ":"); i > strings.LastIndex(from, "/") {
		repo, ref = from[:i], from[i+1:]
	}
	return repo, ref, strings.Contains(repo, "/") && ref != "" && !strings.HasPrefix(repo, "/")
}

func (s *Server) listTags(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, r, a := c.artifact()
	if a == nil {
		return
	}
	var out []tagJSON
	for _, t := range renderTags(r, a) {
		if matchTerms(terms, func(k string) (string, bool) { return t.Name, k == "name" }) {
			out = append(out, t)
		}
	}
	listJSON(c, out, page, size)
}

func (s *Server) createTag(c *call) {
	var req struct {
		Name string `json:"name"`
	}
	if !c.decodeBody(&req, "tag", "Tag") {
		return
	}
	if req.Name == "" || strings.ContainsAny(req.Name, "/: ") {
		c.fail(http.StatusBadRequest, "invalid tag name: "+req.Name)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "tag", "create")) {
		return
	}
	if findArtifact(r, req.Name) != nil {
		c.fail(http.StatusConflict, "tag "+req.Name+" already exists")
		return
	}
	now := s.now()
	a.Tags = append(a.Tags, &Tag{ID: s.newID("tag"), Name: req.Name, PushTime: now})
	c.w.Header().Set("Location", apiPrefix+"/projects/"+p.Name+"/repositories/"+escapeRepo(r.Name)+"/artifacts/"+a.Digest+"/tags/"+req.Name)
	writeEmpty(c.w, http.StatusCreated)
}

// deleteTag removes only that tag; the artifact stays.
func (s *Server) deleteTag(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "tag", "delete")) {
		return
	}
	name := c.p["tag_name"]
	for i, t := range a.Tags {
		if t.Name == name {
			a.Tags = append(a.Tags[:i], a.Tags[i+1:]...)
			writeEmpty(c.w, http.StatusOK)
			return
		}
	}
	c.fail(http.StatusNotFound, "tag "+name+" attached to artifact "+strconv.FormatInt(a.ID, 10)+" not found")
}

func (s *Server) addArtifactLabel(c *call) {
	var req struct {
		ID int64 `json:"id"`
	}
	if !c.decodeBody(&req, "label", "Label") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "artifact-label", "create")) {
		return
	}
	if s.label(req.ID) == nil {
		c.fail(http.StatusNotFound, "label "+strconv.FormatInt(req.ID, 10)+" not found")
		return
	}
	for _, id := range a.Labels {
		if id == req.ID {
			c.fail(http.StatusConflict, "label "+strconv.FormatInt(req.ID, 10)+" is already added to the artifact "+strconv.FormatInt(a.ID, 10))
			return
		}
	}
	a.Labels = append(a.Labels, req.ID)
	writeEmpty(c.w, http.StatusOK)
}

func (s *Server) removeArtifactLabel(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "artifact-label", "delete")) {
		return
	}
	id, _ := strconv.ParseInt(c.p["label_id"], 10, 64)
	if i := slices.Index(a.Labels, id); i >= 0 {
		a.Labels = slices.Delete(a.Labels, i, i+1)
		writeEmpty(c.w, http.StatusOK)
		return
	}
	c.fail(http.StatusNotFound, "label "+c.p["label_id"]+" not found on artifact "+strconv.FormatInt(a.ID, 10))
}

// scanArtifact starts a scan: Pending for ScanDelay, then Success with the
// artifact's findings.
func (s *Server) scanArtifact(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r, a := c.artifact()
	if a == nil || c.deny(c.writeDenied(p, "scan", "create")) {
		return
	}
	now := s.now()
	sc := &Scan{ReportID: newUUID(), Status: "Pending", StartTime: now, readyAt: now.Add(s.opts.ScanDelay)}
	if s.opts.ScanDelay <= 0 {
		sc.Status, sc.EndTime, sc.GeneratedAt = "Success", now, now
		sc.readyAt = zeroTime
	}
	a.Scan = sc
	if sc.Status == "Success" {
		s.emit(c, EventScanningCompleted, p, r, a, "")
	}
	writeEmpty(c.w, http.StatusAccepted)
}

// vulnerabilities answers the report under the MIME type the client asked
// for; an unscanned (or not yet finished) artifact gives {}.
func (s *Server) vulnerabilities(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, _, a := c.artifact()
	if a == nil {
		return
	}
	sc := s.effectiveScan(a)
	if sc == nil || sc.Status != "Success" {
		c.json(http.StatusOK, map[string]reportJSON{})
		return
	}
	mime := MimeGenericReport
	for _, accept := range strings.Split(c.r.Header.Get("X-Accept-Vulnerabilities"), ",") {
		if strings.TrimSpace(accept) == MimeNativeReport {
			mime = MimeNativeReport
		}
	}
	writeBody(c.w, http.StatusOK, jsonType, s.reportBody(a, sc, mime))
}

// buildHistory answers Harbor's build history addition, which the test
// images reduce to one entry without a creation time.
func (s *Server) buildHistory(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, _, a := c.artifact()
	if a == nil {
		return
	}
	if c.p["addition"] != "build_history" {
		c.fail(http.StatusNotFound, "addition "+c.p["addition"]+" not found")
		return
	}
	writeBody(c.w, http.StatusOK, jsonCharsetType, []byte(`[{"created":"0001-01-01T00:00:00Z"}]`))
}
