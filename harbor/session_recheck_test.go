package harbor

import (
	"context"
	"testing"
	"time"
)

// A session that expired on the server while the client was idle must not
// be trusted: Harbor would answer reads as anonymous, with public data only.
func TestSessionRecheckedAfterIdle(t *testing.T) {
	old := sessionRecheck
	sessionRecheck = 20 * time.Millisecond
	defer func() { sessionRecheck = old }()
	l := &webLogin{user: "admin", password: "Harbor12345"}
	c := sessionServer(t, l)(Options{Username: l.user, Secret: l.password})
	ctx := context.Background()
	if ps, err := c.GetProjects(ctx, ListOptions{}); err != nil || len(ps) != 2 {
		t.Fatalf("first read: %d projects, %v", len(ps), err)
	}
	// A quick second read trusts the session without asking.
	if ps, err := c.GetProjects(ctx, ListOptions{}); err != nil || len(ps) != 2 {
		t.Fatalf("second read: %d projects, %v", len(ps), err)
	}
	if n := len(l.requests()); n != 2 {
		t.Errorf("%d API requests for two quick reads, want 2", n)
	}
	l.validSID.Store("") // the server forgets the session
	time.Sleep(40 * time.Millisecond)
	ps, err := c.GetProjects(ctx, ListOptions{})
	if err != nil || len(ps) != 2 {
		t.Fatalf("read after the session expired saw %d projects (%v); want 2, not the anonymous view", len(ps), err)
	}
	if n := l.logins.Load(); n != 4 {
		t.Errorf("%d login POSTs, want 4 (a second login after the check failed)", n)
	}
}

// An OIDC user's CLI secret works with basic auth but not at the web login:
// auto must not call it wrong.
func TestAutoFallsBackWhenLoginRefusesAnAPISecret(t *testing.T) {
	l := &webLogin{user: "admin", password: "cli-secret", refuseLogin: true}
	c := sessionServer(t, l)(Options{Username: l.user, Secret: l.password})
	ps, err := c.GetProjects(context.Background(), ListOptions{})
	if err != nil || len(ps) != 2 {
		t.Fatalf("got %d projects, %v; want the user's view through basic auth", len(ps), err)
	}
	for _, r := range l.requests() {
		if _, _, ok := r.BasicAuth(); !ok {
			t.Errorf("%s %s without basic auth", r.Method, r.URL.Path)
		}
	}
}
