package harbortest

import (
	"net/http"
	"slices"
	"strconv"
)

// webhookEventTypes are the event types Harbor offers to policies.
var webhookEventTypes = []string{"PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED", "QUOTA_WARNING",
	"SCANNING_FAILED", "SCANNING_STOPPED", "SCANNING_COMPLETED", "REPLICATION", "TAG_RETENTION"}

type webhookPolicyJSON struct {
	CreationTime htime           `json:"creation_time"`
	Description  string          `json:"description,omitempty"`
	Enabled      bool            `json:"enabled"`
	EventTypes   []string        `json:"event_types"`
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	ProjectID    int64           `json:"project_id"`
	Targets      []WebhookTarget `json:"targets"`
	UpdateTime   htime           `json:"update_time"`
}

func renderPolicy(w *WebhookPolicy) webhookPolicyJSON {
	return webhookPolicyJSON{CreationTime: htime(w.CreationTime), Description: w.Description, Enabled: w.Enabled,
		EventTypes: w.EventTypes, ID: w.ID, Name: w.Name, ProjectID: w.ProjectID, Targets: w.Targets,
		UpdateTime: htime(w.UpdateTime)}
}

// policiesOf returns copies of a project's policies, for the sender
// deciding where an Event goes.
func (s *Server) policiesOf(project string) []WebhookPolicy {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.projectNamed(project)
	if p == nil {
		return nil
	}
	out := make([]WebhookPolicy, 0, len(p.Webhooks))
	for _, w := range p.Webhooks {
		out = append(out, *w)
	}
	return out
}

type policyReq struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Targets     []WebhookTarget `json:"targets"`
	EventTypes  []string        `json:"event_types"`
	Enabled     *bool           `json:"enabled"`
}

// validate returns Harbor-like 400 messages for an unusable policy.
func (req *policyReq) validate() string {
	if req.Name == "" {
		return "name is required"
	}
	if len(req.Targets) == 0 {
		return "empty notification target with policy " + req.Name
	}
	for _, t := range req.Targets {
		if t.Address == "" || (t.Type != "http" && t.Type != "slack") {
			return "invalid notification target address or type: " + t.Address
		}
	}
	if len(req.EventTypes) == 0 {
		return "empty event type"
	}
	for _, e := range req.EventTypes {
		if !slices.Contains(webhookEventTypes, e) {
			return "unsupported event type " + e
		}
	}
	return ""
}

func (req *policyReq) apply(w *WebhookPolicy) {
	w.Name, w.Description, w.EventTypes = req.Name, req.Description, req.EventTypes
	w.Targets = nil
	for _, t := range req.Targets {
		if t.PayloadFormat == "" {
			t.PayloadFormat = "Default"
		}
		w.Targets = append(w.Targets, t)
	}
	w.Enabled = req.Enabled == nil || *req.Enabled
}

// policyProject resolves the path's project and checks that the caller may
// do action on its webhook policies, answering refusals itself; callers
// hold mu.
func (c *call) policyProject(action string) *Project {
	p := c.project("project_name_or_id")
	if p == nil || c.deny(c.writeDenied(p, "notification-policy", action)) {
		return nil
	}
	return p
}

// policy resolves the path's policy as policyProject does its project.
func (c *call) policy(action string) (*Project, *WebhookPolicy) {
	p := c.policyProject(action)
	if p == nil {
		return nil, nil
	}
	id, _ := strconv.ParseInt(c.p["webhook_policy_id"], 10, 64)
	for _, w := range p.Webhooks {
		if w.ID == id {
			return p, w
		}
	}
	c.fail(http.StatusNotFound, "notificationPolicy "+c.p["webhook_policy_id"]+" not found")
	return nil, nil
}

func (s *Server) listPolicies(c *call) {
	page, size, ok := c.pageParams()
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := c.policyProject("list")
	if p == nil {
		return
	}
	var out []webhookPolicyJSON
	for _, w := range p.Webhooks {
		out = append(out, renderPolicy(w))
	}
	listJSON(c, out, page, size)
}

func (s *Server) createPolicy(c *call) {
	var req policyReq
	if !c.decodeBody(&req, "policy", "WebhookPolicy") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := c.policyProject("create")
	if p == nil {
		return
	}
	if msg := req.validate(); msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	for _, w := range p.Webhooks {
		if w.Name == req.Name {
			c.fail(http.StatusConflict, "policy "+req.Name+" already exists")
			return
		}
	}
	now := s.now()
	w := &WebhookPolicy{ID: s.newID("webhook"), ProjectID: p.ID, CreationTime: now, UpdateTime: now}
	req.apply(w)
	p.Webhooks = append(p.Webhooks, w)
	c.w.Header().Set("Location", apiPrefix+"/projects/"+c.p["project_name_or_id"]+"/webhook/policies/"+strconv.FormatInt(w.ID, 10))
	writeEmpty(c.w, http.StatusCreated)
}

func (s *Server) getPolicy(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, w := c.policy("read"); w != nil {
		c.json(http.StatusOK, renderPolicy(w))
	}
}

func (s *Server) updatePolicy(c *call) {
	var req policyReq
	if !c.decodeBody(&req, "policy", "WebhookPolicy") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w := c.policy("update")
	if w == nil {
		return
	}
	if msg := req.validate(); msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	req.apply(w)
	w.UpdateTime = s.now()
	writeEmpty(c.w, http.StatusOK)
}

func (s *Server) deletePolicy(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, w := c.policy("delete")
	if w == nil {
		return
	}
	p.Webhooks = without(p.Webhooks, w)
	writeEmpty(c.w, http.StatusOK)
}

type payloadFormatJSON struct {
	Formats    []string `json:"formats"`
	NotifyType string   `json:"notify_type"`
}

func (s *Server) webhookEvents(c *call) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c.policyProject("read") == nil {
		return
	}
	c.json(http.StatusOK, map[string]any{
		"event_type":      webhookEventTypes,
		"notify_type":     []string{"http", "slack"},
		"payload_formats": []payloadFormatJSON{{Formats: []string{"Default", "CloudEvents"}, NotifyType: "http"}},
	})
}
