package harbor

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRetryDefaults(t *testing.T) {
	d := RetryOptions{}.withDefaults()
	if d.MaxTries != 5 || d.MaxTime != 60*time.Second || d.BaseDelay != 200*time.Millisecond || d.MaxDelay != 10*time.Second {
		t.Errorf("defaults %+v", d)
	}
	set := RetryOptions{MaxTries: 1, MaxTime: time.Second, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	if got := set.withDefaults(); got != set {
		t.Errorf("explicit options changed: %+v", got)
	}
	if got := (RetryOptions{MaxTries: -3}).withDefaults(); got.MaxTries != 5 {
		t.Errorf("negative MaxTries became %d", got.MaxTries)
	}
}

func TestAuthModes(t *testing.T) {
	cases := []struct {
		auth  string
		robot bool
		want  string
		err   bool
	}{
		{"", false, "auto", false},
		{"", true, "basic", false},
		{"basic", false, "basic", false},
		{"auto", false, "auto", false},
		{"auto", true, "basic", false},
		{"session", false, "session", false},
		{"session", true, "", true},
		{"oidc", false, "", true},
		{"Basic", false, "", true},
	}
	for _, tc := range cases {
		o := Options{Auth: tc.auth}
		got, err := o.validateAuth(tc.robot)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("validateAuth(%q, robot=%v) = %q, %v", tc.auth, tc.robot, got, err)
		}
		if err != nil && !IsType(err, TypeValueError) {
			t.Errorf("%q: %v is no ValueError", tc.auth, err)
		}
	}
}

func TestRobotNames(t *testing.T) {
	for name, robot := range map[string]bool{"robot$ci": true, "robot+ci": true, "robot$proj+ci": true, "robotnik": false, "admin": false} {
		c, err := New(Options{URL: "https://h", Username: name, Secret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if c.IsRobot() != robot {
			t.Errorf("%q: IsRobot %v", name, c.IsRobot())
		}
	}
	c, _ := New(Options{URL: "https://h"})
	if c.Username() != "" || c.IsRobot() || !strings.Contains(c.String(), "anonymous") {
		t.Errorf("anonymous client: %q %v %s", c.Username(), c.IsRobot(), c)
	}
}

func TestBasicAuthSecretWithColon(t *testing.T) {
	b := base64.StdEncoding.EncodeToString([]byte("admin:pa:ss"))
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/systeminfo", func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		writeJSON(w, 200, `{"auth_mode":"`+u+"/"+p+`"}`)
	})
	c := newClient(t, srv, Options{BasicAuth: " " + b + "\n", SkipCredentialCheck: true})
	s, err := c.GetSystemInfo(context.Background())
	if err != nil || s.AuthMode != "admin/pa:ss" {
		t.Errorf("sent %q, %v", s.AuthMode, err)
	}
}

func TestListOptionsValidate(t *testing.T) {
	for _, o := range []ListOptions{{}, {PageSize: 1}, {PageSize: 100}, {Page: 3}, {Limit: 10}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	for _, o := range []ListOptions{{PageSize: 101}, {PageSize: -1}, {Page: -1}, {Limit: -5}} {
		if err := o.Validate(); !IsType(err, TypeValueError) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if (ListOptions{}).pageSize() != MaxPageSize || (ListOptions{PageSize: 20}).pageSize() != 20 {
		t.Error("page size defaults")
	}
}

func TestPageRequestLeavesOriginal(t *testing.T) {
	orig := &Request{Path: "/projects", Query: url.Values{"q": {"name=~lib"}}}
	p := PageRequest(orig, 4, 50)
	if p.Query.Get("page") != "4" || p.Query.Get("page_size") != "50" || p.Query.Get("q") != "name=~lib" {
		t.Errorf("page request %v", p.Query)
	}
	if orig.Query.Get("page") != "" || len(orig.Query) != 1 {
		t.Errorf("original request changed: %v", orig.Query)
	}
}

func TestLoggerShowsNoSecret(t *testing.T) {
	const secret = "Log-Secret-55aa"
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, usersCurrent) })
	mux.HandleFunc("GET /api/v2.0/projects/{p}", func(w http.ResponseWriter, r *http.Request) {
		writeHarborError(w, 404, "NOT_FOUND", "project x not found")
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv, Options{Username: "admin", Secret: secret, Logger: logger})
	c.GetProject(context.Background(), "x")
	out := buf.String()
	if strings.Count(out, "harbor request") != 2 {
		t.Errorf("want one line per request:\n%s", out)
	}
	if !strings.Contains(out, "/api/v2.0/projects/x") || !strings.Contains(out, "status=404") {
		t.Errorf("log lacks the request:\n%s", out)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte("admin:" + secret))
	if strings.Contains(out, secret) || strings.Contains(out, b64) {
		t.Errorf("log shows the secret:\n%s", out)
	}
}
