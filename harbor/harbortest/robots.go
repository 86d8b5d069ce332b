package harbortest

import (
	"net/http"
	"strconv"
	"time"
)

type robotJSON struct {
	CreationTime htime             `json:"creation_time"`
	CreatorRef   int64             `json:"creator_ref"`
	CreatorType  string            `json:"creator_type"`
	Description  string            `json:"description,omitempty"`
	Disable      bool              `json:"disable"`
	Duration     int64             `json:"duration"`
	Editable     bool              `json:"editable"`
	ExpiresAt    int64             `json:"expires_at"`
	ID           int64             `json:"id"`
	Level        string            `json:"level"`
	Name         string            `json:"name"`
	Permissions  []RobotPermission `json:"permissions"`
	UpdateTime   htime             `json:"update_time"`
}

func renderRobot(r *Robot) robotJSON {
	perms := r.Permissions
	if perms == nil {
		perms = []RobotPermission{}
	}
	return robotJSON{CreationTime: htime(r.CreationTime), CreatorRef: 1, CreatorType: "local", Description: r.Description,
		Disable: r.Disable, Duration: r.Duration, Editable: true, ExpiresAt: r.ExpiresAt, ID: r.ID, Level: r.Level,
		Name: r.Name, Permissions: perms, UpdateTime: htime(r.UpdateTime)}
}

func (s *Server) listRobots(c *call) {
	page, size, terms, ok := c.listParams()
	if !ok || !c.needSysadmin() {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []robotJSON
	for _, r := range s.data.Robots {
		field := func(k string) (string, bool) {
			switch k {
			case "name":
				return r.Name, true
			case "Level", "level":
				return r.Level, true
			}
			return "", false
		}
		if matchTerms(terms, field) {
			out = append(out, renderRobot(r))
		}
	}
	listJSON(c, out, page, size)
}

func (c *call) robotByPath() *Robot {
	id, _ := strconv.ParseInt(c.p["robot_id"], 10, 64)
	for _, r := range c.s.data.Robots {
		if r.ID == id {
			return r
		}
	}
	c.fail(http.StatusNotFound, "robot "+c.p["robot_id"]+" not found")
	return nil
}

func (s *Server) getRobot(c *call) {
	if !c.needSysadmin() {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := c.robotByPath(); r != nil {
		c.json(http.StatusOK, renderRobot(r))
	}
}

func (s *Server) deleteRobot(c *call) {
	if !c.needSysadmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := c.robotByPath()
	if r == nil {
		return
	}
	s.data.Robots = without(s.data.Robots, r)
	writeEmpty(c.w, http.StatusOK)
}

type robotCreatedJSON struct {
	CreationTime htime  `json:"creation_time"`
	ExpiresAt    int64  `json:"expires_at"`
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Secret       string `json:"secret"`
}

// createRobot names system robots robot$name and project robots
// robot$project+name, and answers the secret once.
func (s *Server) createRobot(c *call) {
	if !c.needSysadmin() {
		return
	}
	var req struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		Secret      string            `json:"secret"`
		Level       string            `json:"level"`
		Disable     bool              `json:"disable"`
		Duration    int64             `json:"duration"`
		Permissions []RobotPermission `json:"permissions"`
	}
	if !c.decodeBody(&req, "robot", "RobotCreate") {
		return
	}
	if !nameRE.MatchString(req.Name) {
		c.fail(http.StatusBadRequest, "robot name is not in lower case or contains illegal characters")
		return
	}
	if req.Level != "system" && req.Level != "project" {
		c.fail(http.StatusBadRequest, "bad request: unknown robot account level "+req.Level)
		return
	}
	if req.Duration == 0 || req.Duration < -1 {
		c.fail(http.StatusBadRequest, "bad request: duration must be either -1(Never) or a positive integer")
		return
	}
	name := "robot$" + req.Name
	if req.Level == "project" {
		if len(req.Permissions) != 1 {
			c.fail(http.StatusBadRequest, "bad request: a project level robot must have exactly one project permission")
			return
		}
		name = "robot$" + req.Permissions[0].Namespace + "+" + req.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.data.Robots {
		if r.Name == name {
			c.fail(http.StatusConflict, "robot account "+name+" already exists")
			return
		}
	}
	now := s.now()
	secret := req.Secret
	if secret == "" {
		secret = randomHex(16)
	}
	expires := int64(-1)
	if req.Duration > 0 {
		expires = now.Add(time.Duration(req.Duration) * 24 * time.Hour).Unix()
	}
	rb := &Robot{ID: s.newID("robot"), Name: name, Secret: secret, Description: req.Description, Level: req.Level,
		Duration: req.Duration, Disable: req.Disable, ExpiresAt: expires, Permissions: req.Permissions,
		CreationTime: now, UpdateTime: now}
	s.data.Robots = append(s.data.Robots, rb)
	c.w.Header().Set("Location", apiPrefix+"/robots/"+strconv.FormatInt(rb.ID, 10))
	c.json(http.StatusCreated, robotCreatedJSON{CreationTime: htime(now), ExpiresAt: expires, ID: rb.ID, Name: name, Secret: secret})
}
