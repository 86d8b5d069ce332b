package harbor

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests below run the client against an httptest server whose handlers
// answer the way the captured Harbor v2.16 responses do (see the fixtures
// described in the design notes): every response sets a sid cookie, errors
// are {"errors":[{"code","message"}]} with a charset, listings carry
// X-Total-Count and a relative Link.

const (
	jsonType      = "application/json"
	jsonErrorType = "application/json; charset=utf-8"
	usersCurrent  = `{"admin_role_in_auth":false,"comment":"admin user","creation_time":"2026-11-28T08:07:52.449Z","email":"admin@example.com","realname":"system admin","sysadmin_flag":true,"update_time":"2026-11-28T08:07:52.449Z","user_id":1,"username":"admin"}`
)

// harborServer starts a loopback server that routes through mux and, like
// Harbor, sets a sid cookie on every response.
func harborServer(t *testing.T) (*http.ServeMux, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(withSID(mux))
	t.Cleanup(srv.Close)
	return mux, srv
}

func withSID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "c2b1e0f0d6a84b0e9d1c", Path: "/", HttpOnly: true})
		h.ServeHTTP(w, r)
	})
}

// newClient builds a client for srv; tiny backoff keeps retry tests fast.
func newClient(t *testing.T, srv *httptest.Server, opts Options) *Client {
	t.Helper()
	opts.URL = srv.URL
	if opts.Retry.BaseDelay == 0 {
		opts.Retry.BaseDelay = time.Millisecond
	}
	if opts.Retry.MaxDelay == 0 {
		opts.Retry.MaxDelay = 5 * time.Millisecond
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// writeHarborError answers the way Harbor reports every JSON error.
func writeHarborError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", jsonErrorType)
	w.WriteHeader(status)
	io.WriteString(w, `{"errors":[{"code":"`+code+`","message":"`+message+`"}]}`)
}

// counter counts requests per "METHOD path".
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) hit(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("want *harbor.Error, got %T: %v", err, err)
	}
	return he
}

func wantValueError(t *testing.T, err error, mention string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want ValueError mentioning %q, got nil", mention)
	}
	he := asError(t, err)
	if he.Type != TypeValueError {
		t.Fatalf("want ValueError, got %s: %v", he.Type, err)
	}
	if !strings.Contains(err.Error(), mention) {
		t.Fatalf("error %q does not mention %q", err, mention)
	}
}

func TestNewNormalizesURL(t *testing.T) {
	cases := map[string]string{
		"http://harbor.local":                     "http://harbor.local/api/v2.0",
		"https://harbor.local/":                   "https://harbor.local/api/v2.0",
		"https://harbor.local/api/v2.0":           "https://harbor.local/api/v2.0",
		"https://harbor.local/api/v2.0/":          "https://harbor.local/api/v2.0",
		"  https://harbor.local:8443/api/v2.0// ": "https://harbor.local:8443/api/v2.0",
		"https://example.com/harbor/":             "https://example.com/harbor/api/v2.0",
	}
	for in, want := range cases {
		c, err := New(Options{URL: in})
		if err != nil {
			t.Errorf("New(%q): %v", in, err)
			continue
		}
		if got := c.BaseURL(); got != want {
			t.Errorf("New(%q).BaseURL() = %q, want %q", in, got, want)
		}
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"harbor.local",
		"harbor.local:8080/api/v2.0",
		"ftp://harbor.local",
		"http://",
		"https://admin:secret@harbor.local",
		"https://harbor.local/?x=1",
		"http://[::1",
	} {
		_, err := New(Options{URL: in})
		wantValueError(t, err, "url")
	}
}

func TestURLWithAndWithoutPrefixReachSameEndpoint(t *testing.T) {
	mux, srv := harborServer(t)
	var got []string
	var mu sync.Mutex
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		writeJSON(w, 200, `{"auth_mode":"db_auth"}`)
	})
	for _, u := range []string{srv.URL, srv.URL + "/", srv.URL + "/api/v2.0", srv.URL + "/api/v2.0/"} {
		c, err := New(Options{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetSystemInfo(context.Background()); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		c.Close()
	}
	for _, p := range got {
		if p != "/api/v2.0/systeminfo" {
			t.Errorf("request went to %q, want /api/v2.0/systeminfo", p)
		}
	}
	if len(got) != 4 {
		t.Errorf("server saw %d requests, want 4", len(got))
	}
}

func TestNewCredentialSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	robot := write("robot.json", `{"id":7,"name":"robot$ci","secret":"Zq8-robot-secret","expires_at":-1}`)

	c, err := New(Options{URL: "https://h", CredentialsFile: robot})
	if err != nil {
		t.Fatalf("robot credentials file: %v", err)
	}
	if c.Username() != "robot$ci" || !c.IsRobot() {
		t.Errorf("credentials file gave user %q robot=%v", c.Username(), c.IsRobot())
	}

	// base64("admin:Harbor12345")
	c, err = New(Options{URL: "https://h", BasicAuth: "YWRtaW46SGFyYm9yMTIzNDU="})
	if err != nil {
		t.Fatalf("basicauth: %v", err)
	}
	if c.Username() != "admin" || c.IsRobot() {
		t.Errorf("basicauth gave user %q robot=%v", c.Username(), c.IsRobot())
	}

	missing := filepath.Join(dir, "nope.json")
	malformed := write("malformed.json", `{"name": "robot$ci", `)
	noSecret := write("nosecret.json", `{"name":"robot$ci"}`)
	noName := write("noname.json", `{"secret":"x"}`)
	for _, f := range []string{missing, malformed, noSecret, noName} {
		_, err := New(Options{URL: "https://h", CredentialsFile: f})
		wantValueError(t, err, f)
		wantValueError(t, err, "credentials_file")
	}

	for _, b := range []string{"not base64!!", "YWRtaW4=" /* "admin", no colon */, "OnNlY3JldA==" /* ":secret" */} {
		_, err := New(Options{URL: "https://h", BasicAuth: b})
		wantValueError(t, err, "basicauth")
	}

	for _, o := range []Options{
		{Username: "admin", Secret: "x", BasicAuth: "YWRtaW46eA=="},
		{Username: "admin", Secret: "x", CredentialsFile: robot},
		{BasicAuth: "YWRtaW46eA==", CredentialsFile: robot},
	} {
		o.URL = "https://h"
		_, err := New(o)
		wantValueError(t, err, "only one")
	}

	_, err = New(Options{URL: "https://h", Username: "admin"})
	wantValueError(t, err, "secret")
	_, err = New(Options{URL: "https://h", Secret: "x"})
	wantValueError(t, err, "username")
}

func TestNewCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "ca.pem")
	_, err := New(Options{URL: "https://h", CAFile: missing})
	wantValueError(t, err, missing)

	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("this is no certificate\n"), 0o600)
	_, err = New(Options{URL: "https://h", CAFile: notPEM})
	wantValueError(t, err, "PEM")
}

func tlsServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(withSID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"healthy","components":[]}`)
	})))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestTLSVerifiedByDefault(t *testing.T) {
	srv, conns := tlsServer(t)
	c, err := New(Options{URL: srv.URL, Retry: RetryOptions{BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.HealthCheck(context.Background())
	if err == nil {
		t.Fatal("an unknown certificate was accepted")
	}
	he := asError(t, err)
	if !he.IsA(TypeTransportError) {
		t.Fatalf("want a TransportError, got %s: %v", he.Type, err)
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("error does not say the certificate was the problem: %v", err)
	}
	// A certificate that fails verification fails the same way every time.
	if n := conns.Load(); n != 1 {
		t.Errorf("certificate failure was tried %d times, want 1", n)
	}
}

func TestTLSInsecure(t *testing.T) {
	srv, _ := tlsServer(t)
	c, err := New(Options{URL: srv.URL, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h, err := c.HealthCheck(context.Background())
	if err != nil {
		t.Fatalf("insecure client: %v", err)
	}
	if h.Status != "healthy" {
		t.Errorf("status %q", h.Status)
	}
}

func TestTLSCAFile(t *testing.T) {
	srv, _ := tlsServer(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{URL: srv.URL, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.HealthCheck(context.Background()); err != nil {
		t.Fatalf("client trusting the server's CA: %v", err)
	}
}

func TestHeadersAndNoCookies(t *testing.T) {
	mux, srv := harborServer(t)
	var mu sync.Mutex
	var seen []*http.Request
	record := func(r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
	}
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		writeJSON(w, 200, usersCurrent)
	})
	mux.HandleFunc("GET /api/v2.0/projects", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("X-Total-Count", "0")
		writeJSON(w, 200, `[]`)
	})
	mux.HandleFunc("POST /api/v2.0/projects", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		// Harbor refuses a write that carries the session cookie.
		if _, err := r.Cookie("sid"); err == nil {
			writeHarborError(w, 403, "FORBIDDEN", "CSRF token not found in request")
			return
		}
		w.Header().Set("Location", "/api/v2.0/projects/3")
		w.WriteHeader(201)
	})
	mux.HandleFunc("DELETE /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		if _, err := r.Cookie("sid"); err == nil {
			writeHarborError(w, 403, "FORBIDDEN", "CSRF token not found in request")
			return
		}
		w.WriteHeader(200)
	})
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345"})
	ctx := context.Background()
	if _, err := c.GetProjects(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	loc, err := c.CreateProject(ctx, &ProjectReq{ProjectName: "scratch"})
	if err != nil {
		t.Fatalf("create after reads that set cookies: %v", err)
	}
	if loc != "/api/v2.0/projects/3" {
		t.Errorf("Location %q", loc)
	}
	if err := c.DeleteProject(ctx, "scratch"); err != nil {
		t.Fatalf("delete after reads that set cookies: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(seen))
	}
	for _, r := range seen {
		if ua := r.Header.Get("User-Agent"); ua != "harborscript/"+Version {
			t.Errorf("%s %s: User-Agent %q", r.Method, r.URL.Path, ua)
		}
		if a := r.Header.Get("Accept"); a != "application/json" {
			t.Errorf("%s %s: Accept %q", r.Method, r.URL.Path, a)
		}
		if ck := r.Header.Get("Cookie"); ck != "" {
			t.Errorf("%s %s sent cookies %q", r.Method, r.URL.Path, ck)
		}
		if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != "Harbor12345" {
			t.Errorf("%s %s: basic auth %q %q %v", r.Method, r.URL.Path, u, p, ok)
		}
	}
}

func TestClientStringHidesSecret(t *testing.T) {
	c, err := New(Options{URL: "https://h", Username: "admin", Secret: "Pw-Unique-7731"})
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "Pw-Unique-7731") || !strings.Contains(s, "admin") {
		t.Errorf("String() = %q", s)
	}
}

func TestHTTPSClientAgainstPlainServer(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := New(Options{URL: "https://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.HealthCheck(context.Background())
	if !IsType(err, TypeTransportError) {
		t.Fatalf("want a TransportError, got %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("tried %d times; a server that does not speak TLS will not start to", n)
	}
}
