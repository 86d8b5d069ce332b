package harbortest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fixtureDataset is the demo seed reduced to the two projects the captured
// Harbor held, so that counts and Link headers compare exactly.
func fixtureDataset() *Dataset {
	d := DemoDataset()
	var keep []*Project
	for _, p := range d.Projects {
		if p.Name == "library" || p.Name == "mirrors" {
			keep = append(keep, p)
		}
	}
	d.Projects = keep
	return d
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
}

type reqOpt func(*http.Request)

func asUser(name, pw string) reqOpt { return func(r *http.Request) { r.SetBasicAuth(name, pw) } }

var asAdmin = asUser(AdminUser, AdminPassword)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func do(t *testing.T, base, method, path, body string, opts ...reqOpt) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func startServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	s := New(opts)
	base := s.Start()
	t.Cleanup(s.Close)
	return s, base
}

func wantStatus(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

func wantError(t *testing.T, r resp, status int, code, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	var e errorBody
	r.decode(t, &e)
	if len(e.Errors) != 1 || e.Errors[0].Code != code || (msg != "" && e.Errors[0].Message != msg) {
		t.Fatalf("error body %s, want code %s message %q", r.body, code, msg)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("error Content-Type %q", ct)
	}
}
