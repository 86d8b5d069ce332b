package harbortest

import (
	"net/http"
	"strconv"
	"strings"
)

// Project role ids, as Harbor numbers them.
var roleIDs = map[string]int64{"projectAdmin": 1, "developer": 2, "guest": 3, "maintainer": 4, "limitedGuest": 5}

func isPublic(p *Project) bool { return p.Metadata["public"] == "true" }

// roleIn is the caller's role id in p: system admins act as project admins;
// 0 = no role.
func (c *call) roleIn(p *Project) int64 {
	if c.id.sysadmin() {
		return 1
	}
	if c.id.user != nil {
		for _, m := range p.Members {
			if m.Username == c.id.user.Username {
				return roleIDs[m.Role]
			}
		}
	}
	return 0
}

// robotAllows reports whether the robot's permissions reach project p for
// resource/action ("" action = any access to the project).
func robotAllows(rb *Robot, project, resource, action string) bool {
	for _, perm := range rb.Permissions {
		if perm.Namespace != "*" && perm.Namespace != project {
			continue
		}
		for _, a := range perm.Access {
			if action == "" {
				return true
			}
			if (a.Resource == "*" || a.Resource == resource) && (a.Action == "*" || a.Action == action) {
				return true
			}
		}
	}
	return false
}

// readDenied answers the status that refuses reading p, or 0 when allowed.
// Anonymous callers of a private project get 401, as on Harbor.
func (c *call) readDenied(p *Project) int {
	switch {
	case isPublic(p) || c.id.sysadmin():
		return 0
	case c.id.anonymous():
		return http.StatusUnauthorized
	case c.id.robot != nil:
		if robotAllows(c.id.robot, p.Name, "", "") {
			return 0
		}
		return http.StatusForbidden
	case c.roleIn(p) != 0:
		return 0
	}
	return http.StatusForbidden
}

// writeDenied answers the status that refuses resource/action in p, or 0.
// Developers may change content but not delete it; guests only read.
func (c *call) writeDenied(p *Project, resource, action string) int {
	switch {
	case c.id.anonymous():
		return http.StatusUnauthorized
	case c.id.sysadmin():
		return 0
	case c.id.robot != nil:
		if robotAllows(c.id.robot, p.Name, resource, action) {
			return 0
		}
		return http.StatusForbidden
	}
	switch c.roleIn(p) {
	case 1, 4:
		return 0
	case 2:
		if action != "delete" {
			return 0
		}
	}
	return http.StatusForbidden
}

// deny writes the refusal for a status from readDenied/writeDenied and
// reports whether it did.
func (c *call) deny(status int) bool {
	switch status {
	case 0:
		return false
	case http.StatusUnauthorized:
		c.fail(status, "unauthorized")
	default:
		c.fail(status, "forbidden")
	}
	return true
}

// needIdentity refuses callers that are not a logged-in user or robot.
func (c *call) needIdentity() bool {
	if c.id.anonymous() {
		c.fail(http.StatusUnauthorized, "unauthorized")
		return false
	}
	return true
}

func (c *call) needSysadmin() bool {
	if !c.needIdentity() {
		return false
	}
	if !c.id.sysadmin() {
		if c.id.robot != nil && robotAllows(c.id.robot, "*", "*", "*") {
			return true
		}
		c.fail(http.StatusForbidden, "forbidden")
		return false
	}
	return true
}

// projectNamed is the project of that name, or nil; callers hold mu.
func (s *Server) projectNamed(name string) *Project {
	for _, p := range s.data.Projects {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// findProject resolves {project_name_or_id}; callers hold mu.
func (c *call) findProject(v string) *Project {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strings.EqualFold(c.r.Header.Get("X-Is-Resource-Name"), "true") {
		return c.s.projectNamed(v)
	}
	for _, p := range c.s.data.Projects {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// project looks up the path's project and checks read access, answering
// the error itself; callers hold mu.
func (c *call) project(param string) *Project {
	v := c.p[param]
	p := c.findProject(v)
	if p == nil {
		c.fail(http.StatusNotFound, "project "+v+" not found")
		return nil
	}
	if c.deny(c.readDenied(p)) {
		return nil
	}
	return p
}

func findRepo(p *Project, name string) *Repository {
	for _, r := range p.Repositories {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// findArtifact resolves a tag or a digest; index children are reachable by
// digest only.
func findArtifact(r *Repository, ref string) *Artifact {
	if r == nil {
		return nil
	}
	isDigest := strings.HasPrefix(ref, "sha256:")
	for _, a := range r.Artifacts {
		if isDigest {
			if a.Digest == ref {
				return a
			}
			continue
		}
		for _, t := range a.Tags {
			if t.Name == ref {
				return a
			}
		}
	}
	return nil
}

// artifactRefName is how Harbor names a missing artifact: repo:tag, or
// repo@digest for a well-formed digest.
func artifactRefName(project, repo, ref string) string {
	if strings.HasPrefix(ref, "sha256:") && len(ref) == len("sha256:")+64 {
		return project + "/" + repo + "@" + ref
	}
	return project + "/" + repo + ":" + ref
}
