package harbortest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

var zeroTime time.Time

type userJSON struct {
	AdminRoleInAuth bool   `json:"admin_role_in_auth"`
	Comment         string `json:"comment"`
	CreationTime    htime  `json:"creation_time"`
	Email           string `json:"email,omitempty"`
	Realname        string `json:"realname"`
	SysadminFlag    bool   `json:"sysadmin_flag"`
	UpdateTime      htime  `json:"update_time"`
	UserID          int64  `json:"user_id"`
	Username        string `json:"username"`
}

func renderUser(u *User) userJSON {
	return userJSON{Comment: u.Comment, CreationTime: htime(u.CreationTime), Email: u.Email, Realname: u.Realname,
		SysadminFlag: u.Sysadmin, UpdateTime: htime(u.UpdateTime), UserID: u.ID, Username: u.Username}
}

// currentUser is how credentials are verified: a robot has no user record,
// so Harbor answers 412 for it.
func (s *Server) currentUser(c *call) {
	switch {
	case c.id.robot != nil:
		c.fail(http.StatusPreconditionFailed, "get current user not available for security context: robot")
	case c.id.user != nil:
		s.mu.RLock()
		defer s.mu.RUnlock()
		c.json(http.StatusOK, renderUser(c.id.user))
	default:
		c.fail(http.StatusUnauthorized, "unauthorized")
	}
}

// getUser answers a user to admins and to the user itself. Anonymous
// callers crash this Harbor version: 500 with an empty body.
func (s *Server) getUser(c *call) {
	if c.id.anonymous() {
		c.w.Header().Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusInternalServerError)
		return
	}
	id, err := strconv.ParseInt(c.p["user_id"], 10, 64)
	if err != nil {
		c.fail(http.StatusUnprocessableEntity, "validation failure list:\nuser_id in path must be of type int64: \""+c.p["user_id"]+"\"")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !c.id.sysadmin() && (c.id.user == nil || c.id.user.ID != id) {
		c.fail(http.StatusForbidden, "forbidden")
		return
	}
	for _, u := range s.data.Users {
		if u.ID == id {
			c.json(http.StatusOK, renderUser(u))
			return
		}
	}
	c.fail(http.StatusNotFound, "user "+c.p["user_id"]+" not found")
}

func (s *Server) listUsers(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok || !c.needSysadmin() {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []userJSON
	for _, u := range s.data.Users {
		field := func(k string) (string, bool) {
			switch k {
			case "username":
				return u.Username, true
			case "email":
				return u.Email, true
			}
			return "", false
		}
		if matchTerms(terms, field) {
			out = append(out, renderUser(u))
		}
	}
	listJSON(c, out, page, size)
}

type userSearchJSON struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
}

func (s *Server) searchUsers(c *call) {
	page, size, ok := c.pageParams()
	if !ok || !c.needIdentity() {
		return
	}
	name := c.r.URL.Query().Get("username")
	if name == "" {
		c.fail(http.StatusUnprocessableEntity, "validation failure list:\nusername in query is required")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []userSearchJSON
	for _, u := range s.data.Users {
		if strings.Contains(u.Username, name) {
			out = append(out, userSearchJSON{UserID: u.ID, Username: u.Username})
		}
	}
	listJSON(c, out, page, size)
}
