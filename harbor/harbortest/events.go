package harbortest

import "time"

// Event types the simulator records, named as Harbor's webhook events.
const (
	EventDeleteArtifact    = "DELETE_ARTIFACT"
	EventPushArtifact      = "PUSH_ARTIFACT"
	EventScanningCompleted = "SCANNING_COMPLETED"
)

// Event is something a webhook policy may be told about. The simulator
// records events; delivering them to policy targets is left to a sender
// that reads Events (or Subscribe) and the project's policies.
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

// Subscribe registers fn to be called, in its own goroutine, with every
// event recorded from now on.
func (s *Server) Subscribe(fn func(Event)) {
	s.mu.Lock()
	s.subscribers = append(s.subscribers, fn)
	s.mu.Unlock()
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
	ev := Event{Type: typ, OccurAt: s.now(), Operator: op, ProjectID: p.ID, Project: p.Name, Repository: r.Name,
		Digest: a.Digest, Tag: tag, Public: isPublic(p), RequestID: c.w.Header().Get("X-Request-Id")}
	s.events = append(s.events, ev)
	for _, fn := range s.subscribers {
		go fn(ev)
	}
}
