package harbor

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// projectsHandler answers the project listing with one public project.
func projectsHandler(cnt *counter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		w.Header().Set("X-Total-Count", "1")
		writeJSON(w, 200, `[{"name":"library","project_id":1,"metadata":{"public":"true"},"repo_count":3}]`)
	}
}

func TestVerifyAcceptsUser(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345"})
	for i := 0; i < 3; i++ {
		ps, err := c.GetProjects(context.Background(), ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Name != "library" {
			t.Fatalf("projects %+v", ps)
		}
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 1 {
		t.Errorf("credentials checked %d times, want once", n)
	}
	if n := cnt.get("GET /api/v2.0/projects"); n != 3 {
		t.Errorf("listing requested %d times, want 3", n)
	}
}

func TestVerifyAcceptsRobotPrecondition(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		writeHarborError(w, 412, "PRECONDITION", "this API is not available for security context: robot")
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "robot$ci", Secret: "s3cret"})
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatalf("valid robot refused: %v", err)
	}
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 1 {
		t.Errorf("credentials checked %d times, want once", n)
	}
}

func TestVerifyRejectedCredentials(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		writeHarborError(w, 401, "UNAUTHORIZED", "unauthorized")
	})
	// Harbor answers a wrong password as anonymous here: 200 with the
	// public projects only.
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	mux.HandleFunc("DELETE /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		w.WriteHeader(200)
	})
	c := newClient(t, srv, Options{Username: "admin", Secret: "typo"})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_, err := c.GetProjects(ctx, ListOptions{})
		if err == nil {
			t.Fatal("listing succeeded with rejected credentials")
		}
		he := asError(t, err)
		if he.Type != TypeUnauthorized || he.StatusCode != 401 {
			t.Fatalf("want Unauthorized (401), got %s (%d)", he.Type, he.StatusCode)
		}
		if !strings.Contains(he.Message, "rejected") || !strings.Contains(he.Message, "admin") {
			t.Errorf("message does not say admin's credentials were rejected: %q", he.Message)
		}
	}
	if err := c.DeleteProject(ctx, "x"); !IsType(err, TypeUnauthorized) {
		t.Errorf("write after rejection: %v", err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 1 {
		t.Errorf("credentials checked %d times, want once", n)
	}
	if n := cnt.get("GET /api/v2.0/projects"); n != 0 {
		t.Errorf("listing requested %d times with rejected credentials", n)
	}
	if n := cnt.get("DELETE /api/v2.0/projects/x"); n != 0 {
		t.Errorf("delete sent %d times with rejected credentials", n)
	}
}

func TestVerifyTransientFailureCheckedAgain(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	var fail atomic.Bool
	fail.Store(true)
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		if fail.Load() {
			w.WriteHeader(503)
			return
		}
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345", Retry: RetryOptions{MaxTries: 2}})
	_, err := c.GetProjects(context.Background(), ListOptions{})
	if err == nil {
		t.Fatal("want the 503 of the check")
	}
	if he := asError(t, err); he.StatusCode != 503 || he.Type != TypeStatusError {
		t.Fatalf("want StatusError 503, got %v", err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 2 {
		t.Errorf("check tried %d times, want 2 (MaxTries)", n)
	}
	if n := cnt.get("GET /api/v2.0/projects"); n != 0 {
		t.Errorf("listing requested before the credentials were checked")
	}
	fail.Store(false)
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatalf("after the server recovered: %v", err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 3 {
		t.Errorf("check asked %d times in all, want 3", n)
	}
}

func TestVerifyRetriesTransientWithinOneCall(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		if calls.Add(1) == 1 {
			w.WriteHeader(503)
			return
		}
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345"})
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 2 {
		t.Errorf("check asked %d times, want 2", n)
	}
}

func TestAnonymousSkipsVerification(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		writeHarborError(w, 401, "UNAUTHORIZED", "unauthorized")
	})
	mux.HandleFunc("GET /api/v2.0/projects", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("anonymous client sent Authorization")
		}
		projectsHandler(&cnt)(w, r)
	})
	c := newClient(t, srv, Options{})
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 0 {
		t.Errorf("anonymous client asked /users/current %d times", n)
	}
}

func TestSkipCredentialCheck(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "admin", Secret: "x", SkipCredentialCheck: true})
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 0 {
		t.Errorf("check made although disabled")
	}
}

func TestVerifyOnceUnderConcurrentFirstCalls(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	release := make(chan struct{})
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		<-release // hold the check so that every caller arrives first
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", projectsHandler(&cnt))
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345"})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetProjects(context.Background(), ListOptions{})
			errs <- err
		}()
	}
	for cnt.get("GET /api/v2.0/users/current") == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := cnt.get("GET /api/v2.0/users/current"); n != 1 {
		t.Errorf("credentials checked %d times under 20 concurrent calls, want once", n)
	}
	if n := cnt.get("GET /api/v2.0/projects"); n != 20 {
		t.Errorf("listing requested %d times, want 20", n)
	}
}
