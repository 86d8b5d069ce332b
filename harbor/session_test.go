package harbor

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// webLogin imitates Harbor's /c/login as the web UI meets it: a POST
// without a token earns 403 with a token and its cookie; the same POST with
// both checks the password and sets two sid cookies, the last being the
// session. Reads with that sid are the user; writes with it need CSRF.
type webLogin struct {
	user, password string
	notFound       bool // no such endpoint (an old Harbor, a proxy)
	refuseLogin    bool // the web login refuses what basic auth accepts (OIDC CLI secrets)

	logins     atomic.Int32
	logouts    atomic.Int32
	validSID   atomic.Value // string
	sessionNum atomic.Int32

	mu   sync.Mutex
	seen []*http.Request
}

const csrfToken, csrfCookie = "tok-7e1f", "gorilla-c0ffee"

func (l *webLogin) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /c/login", func(w http.ResponseWriter, r *http.Request) {
		l.logins.Add(1)
		if l.notFound {
			http.NotFound(w, r)
			return
		}
		ck, err := r.Cookie("_gorilla_csrf")
		if r.Header.Get("X-Harbor-Csrf-Token") == "" || err != nil {
			w.Header().Set("X-Harbor-Csrf-Token", csrfToken)
			http.SetCookie(w, &http.Cookie{Name: "_gorilla_csrf", Value: csrfCookie, HttpOnly: true, SameSite: http.SameSiteStrictMode})
			writeHarborError(w, 403, "FORBIDDEN", "CSRF token not found in request")
			return
		}
		if r.Header.Get("X-Harbor-Csrf-Token") != csrfToken || ck.Value != csrfCookie {
			writeHarborError(w, 403, "FORBIDDEN", "CSRF token invalid")
			return
		}
		r.ParseForm()
		if l.refuseLogin || r.PostForm.Get("principal") != l.user || r.PostForm.Get("password") != l.password || strings.HasPrefix(l.user, "robot$") {
			w.WriteHeader(401)
			return
		}
		sid := "session-" + string(rune('A'+l.sessionNum.Add(1)))
		l.validSID.Store(sid)
		// The wrapper already set one sid; this one is the session.
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
		w.WriteHeader(200)
	})
	mux.HandleFunc("GET /c/log_out", func(w http.ResponseWriter, r *http.Request) {
		l.logouts.Add(1)
		if ck, err := r.Cookie("sid"); err == nil && ck.Value == l.validSID.Load() {
			l.validSID.Store("")
		}
		w.WriteHeader(200)
	})
}

// identity says who a request is: "session", "basic", "bad" or "anonymous";
// it also records the request.
func (l *webLogin) identity(r *http.Request) string {
	l.mu.Lock()
	l.seen = append(l.seen, r)
	l.mu.Unlock()
	if u, p, ok := r.BasicAuth(); ok {
		if u == l.user && p == l.password {
			return "basic"
		}
		return "bad"
	}
	if ck, err := r.Cookie("sid"); err == nil && ck.Value != "" && ck.Value == l.validSID.Load() {
		return "session"
	}
	return "anonymous"
}

func (l *webLogin) requests() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.seen...)
}

func sessionServer(t *testing.T, l *webLogin) func(Options) *Client {
	t.Helper()
	mux, srv := harborServer(t)
	l.register(mux)
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		switch l.identity(r) {
		case "session", "basic":
			writeJSON(w, 200, usersCurrent)
		default:
			writeHarborError(w, 401, "UNAUTHORIZED", "unauthorized")
		}
	})
	mux.HandleFunc("GET /api/v2.0/projects", func(w http.ResponseWriter, r *http.Request) {
		id := l.identity(r)
		w.Header().Set("X-Total-Count", "1")
		if id == "session" || id == "basic" {
			w.Header().Set("X-Total-Count", "2")
			writeJSON(w, 200, `[{"name":"library","project_id":1},{"name":"mirrors","project_id":2}]`)
			return
		}
		writeJSON(w, 200, `[{"name":"library","project_id":1}]`)
	})
	mux.HandleFunc("DELETE /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		id := l.identity(r)
		if _, err := r.Cookie("sid"); err == nil {
			writeHarborError(w, 403, "FORBIDDEN", "CSRF token not found in request")
			return
		}
		if id != "basic" {
			writeHarborError(w, 401, "UNAUTHORIZED", "unauthorized")
			return
		}
		w.WriteHeader(200)
	})
	return func(o Options) *Client { return newClient(t, srv, o) }
}

func TestSessionLoginAndUse(t *testing.T) {
	l := &webLogin{user: "admin", password: "Harbor12345"}
	c := sessionServer(t, l)(Options{Username: l.user, Secret: l.password, Auth: "session"})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		ps, err := c.GetProjects(ctx, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 {
			t.Fatalf("session read saw %d projects, want 2 (as admin)", len(ps))
		}
	}
	if err := c.DeleteProject(ctx, "scratch"); err != nil {
		t.Fatalf("write during a session: %v", err)
	}
	if n := l.logins.Load(); n != 2 {
		t.Errorf("%d login POSTs, want 2 (token, then login)", n)
	}
	reqs := l.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d API requests, want 3 reads and 1 write (login proves the credentials)", len(reqs))
	}
	for _, r := range reqs {
		ck := r.Header.Get("Cookie")
		auth := r.Header.Get("Authorization")
		if r.Method == http.MethodGet {
			if ck != "sid="+l.validSID.Load().(string) || auth != "" {
				t.Errorf("read carried Cookie %q Authorization %q; want only the session cookie", ck, auth)
			}
		} else if ck != "" || !strings.HasPrefix(auth, "Basic ") {
			t.Errorf("write carried Cookie %q Authorization %q; want basic auth only", ck, auth)
		}
	}
	sid := l.validSID.Load().(string)
	c.Close()
	if l.logouts.Load() != 1 || l.validSID.Load() != "" {
		t.Errorf("Close did not log session %s out", sid)
	}
	c.Close()
	if n := l.logouts.Load(); n != 1 {
		t.Errorf("a second Close logged out again (%d logouts)", n)
	}
}

func TestSessionRejectedReadRetriedWithBasic(t *testing.T) {
	l := &webLogin{user: "admin", password: "Harbor12345"}
	c := sessionServer(t, l)(Options{Username: l.user, Secret: l.password, Auth: "session"})
	ctx := context.Background()
	if _, err := c.GetProjects(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	before := len(l.requests())
	// The server forgets the session (restart, expiry): the sid is
	// anonymous now, and a private listing answers 401.
	l.validSID.Store("")
	_, err := c.GetCurrentUser(ctx)
	if err != nil {
		t.Fatalf("read after the session was dropped: %v", err)
	}
	reqs := l.requests()[before:]
	if len(reqs) != 2 {
		t.Fatalf("%d requests for one read, want 2 (session, then basic)", len(reqs))
	}
	if reqs[0].Header.Get("Cookie") == "" || reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("first try: Cookie %q Authorization %q", reqs[0].Header.Get("Cookie"), reqs[0].Header.Get("Authorization"))
	}
	if reqs[1].Header.Get("Cookie") != "" || !strings.HasPrefix(reqs[1].Header.Get("Authorization"), "Basic ") {
		t.Errorf("retry: Cookie %q Authorization %q; want basic auth only", reqs[1].Header.Get("Cookie"), reqs[1].Header.Get("Authorization"))
	}
}

func TestSessionAutoFallsBackToBasic(t *testing.T) {
	l := &webLogin{user: "admin", password: "Harbor12345", notFound: true}
	build := sessionServer(t, l)
	c := build(Options{Username: "admin", Secret: "Harbor12345", Auth: "auto"})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		ps, err := c.GetProjects(ctx, ListOptions{})
		if err != nil {
			t.Fatalf("auto mode without a login endpoint: %v", err)
		}
		if len(ps) != 2 {
			t.Fatalf("%d projects", len(ps))
		}
	}
	if n := l.logins.Load(); n != 1 {
		t.Errorf("login tried %d times, want once", n)
	}
	reqs := l.requests()
	if len(reqs) != 3 || reqs[0].URL.Path != "/api/v2.0/users/current" {
		t.Fatalf("want the credential check then 2 reads, got %d requests", len(reqs))
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") || r.Header.Get("Cookie") != "" {
			t.Errorf("%s: Authorization %q Cookie %q", r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie"))
		}
	}
}

func TestSessionWrongPassword(t *testing.T) {
	for _, mode := range []string{"session", "auto"} {
		l := &webLogin{user: "admin", password: "Harbor12345"}
		build := sessionServer(t, l)
		c := build(Options{Username: "admin", Secret: "wrong", Auth: mode})
		for i := 0; i < 2; i++ {
			_, err := c.GetProjects(context.Background(), ListOptions{})
			he := asError(t, err)
			if he.Type != TypeUnauthorized || !strings.Contains(he.Message, "rejected") {
				t.Fatalf("%s: want Unauthorized, got %v", mode, err)
			}
		}
		// auto asks basic auth before giving up (an OIDC user's CLI secret
		// works there but not at the web login); the listing is never sent.
		reqs := l.requests()
		want := map[string]int{"session": 0, "auto": 1}[mode]
		if len(reqs) != want || (want == 1 && reqs[0].URL.Path != "/api/v2.0/users/current") {
			t.Errorf("%s: %d API requests with a rejected password, want %d (the credential check)", mode, len(reqs), want)
		}
		if n := l.logins.Load(); n != 2 {
			t.Errorf("%s: %d login POSTs, want 2 and no second attempt", mode, n)
		}
	}
}

func TestSessionRobot(t *testing.T) {
	_, err := New(Options{URL: "https://h", Username: "robot$ci", Secret: "x", Auth: "session"})
	wantValueError(t, err, "auth")
	_, err = New(Options{URL: "https://h", Username: "admin", Secret: "x", Auth: "cookie"})
	wantValueError(t, err, "auth")

	// In auto mode a robot, which cannot log in, uses basic auth.
	l := &webLogin{user: "robot$ci", password: "s3cret"}
	build := sessionServer(t, l)
	c := build(Options{Username: "robot$ci", Secret: "s3cret", Auth: "auto"})
	if _, err := c.GetProjects(context.Background(), ListOptions{}); err != nil {
		t.Fatalf("robot in auto mode: %v", err)
	}
	if n := l.logins.Load(); n != 0 {
		t.Errorf("robot tried the web login %d times", n)
	}
}

// After a refused session the next read logs in anew; a session refused a
// second time is given up, and reads stay on basic auth without more logins.
func TestSessionRefusedTwiceGivesUp(t *testing.T) {
	l := &webLogin{user: "admin", password: "Harbor12345"}
	c := sessionServer(t, l)(Options{Username: l.user, Secret: l.password, Auth: "session"})
	ctx := context.Background()
	read := func(step string, wantCookie bool) {
		t.Helper()
		before := len(l.requests())
		ps, err := c.GetProjects(ctx, ListOptions{})
		if err != nil || len(ps) != 2 {
			t.Fatalf("%s: %d projects, %v; want both", step, len(ps), err)
		}
		reqs := l.requests()[before:]
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests for one read, want 1", step, len(reqs))
		}
		if hasCookie := reqs[0].Header.Get("Cookie") != ""; hasCookie != wantCookie {
			t.Errorf("%s: Cookie %q Authorization %q, want session %v", step, reqs[0].Header.Get("Cookie"),
				reqs[0].Header.Get("Authorization"), wantCookie)
		}
	}
	read("first read", true)
	l.validSID.Store("")
	if _, err := c.GetCurrentUser(ctx); err != nil {
		t.Fatalf("read after the first refusal: %v", err)
	}
	read("read after the first refusal", true)
	if n := l.logins.Load(); n != 4 {
		t.Errorf("%d login POSTs after one refusal, want 4 (a second login)", n)
	}
	l.validSID.Store("")
	if _, err := c.GetCurrentUser(ctx); err != nil {
		t.Fatalf("read after the second refusal: %v", err)
	}
	read("read after the second refusal", false)
	if n := l.logins.Load(); n != 4 {
		t.Errorf("%d login POSTs after two refusals, want still 4", n)
	}
}
