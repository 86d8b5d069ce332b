package harbortest

import "time"

// Event types the simulator records, named as Harbor's webhook events.
const (
	EventDeleteArtifact    = "DELETE_ARTIFACT"
	EventPushArtifact      = "PUSH_ARTIFACT"
	EventScanningCompleted = "SCANNING_COMPLETED"
)

// Event is something a webhook policy may be told about. The simulator
// records events; a WebhookSender (SendWebhooks) delivers them to the
// targets of the project's policies.
type Event struct {
	Type       string
	OccurAt    time.Time
	Operator   string
	ProjectID  int64
	Project    string
	Repository string // without the project
	Digest     string
	Tag        string
	Public     bool
	RequestID  string
}

// Events returns the events recorded so far, oldest first.
func (s *Server) Events() []Event {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Event(nil), s.events...)
}

// emit records an event; callers hold mu for writing.
func (s *Server) emit(c *call, typ string, p *Project, r *Repository, a *Artifact, tag string) {
	op := ""
	switch {
	case c.id.user != nil:
		op = c.id.user.Username
	case c.id.robot != nil:
		op = c.id.robot.Name
	}
	if tag == "" && len(a.Tags) > 0 {
		tag = a.Tags[0].Name
	}
	s.record(Event{Type: typ, OccurAt: s.now(), Operator: op, ProjectID: p.ID, Project: p.Name, Repository: r.Name,
		Digest: a.Digest, Tag: tag, Public: isPublic(p), RequestID: c.w.Header().Get("X-Request-Id")})
}

// record keeps ev and hands it to the subscribers; callers hold mu for
// writing.
func (s *Server) record(ev Event) {
	s.events = append(s.events, ev)
	for _, fn := range s.subscribers {
		fn(ev)
	}
}
