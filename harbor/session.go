package harbor

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Harbor ≥ 2.15 hashes a user's password (PBKDF2, 600,000 rounds) on every
// basic-auth request: about 85 ms of server CPU each. Its web UI logs in once
// and then sends a session cookie, which costs nothing to check. A session
// does the same for reads; writes keep basic auth without cookies, which
// needs no CSRF token.

// sessionIdle is how long a session may stay unused before it is renewed;
// Harbor's default expiry is 60 minutes without use.
const sessionIdle = 30 * time.Minute

// sessionRecheck is the idle gap after which a session is confirmed before
// it is trusted again. Harbor's session lifetime is configurable, and a
// session that expired makes Harbor answer as anonymous with 200 and public
// data only: one cheap GET /users/current after a pause rules that out.
var sessionRecheck = 30 * time.Second

type session struct {
	user, secret string

	mu      sync.Mutex
	sid     string
	lastUse time.Time
	failed  bool // login impossible here: basic auth from now on
	recheck time.Duration

	rejections int
}

func (c *Client) rootURL(path string) string {
	u := *c.base
	u.Path = strings.TrimSuffix(c.base.Path, "/api/v2.0") + path
	u.RawPath = ""
	u.RawQuery = ""
	return u.String()
}

// login performs the web UI's login: a first POST earns a CSRF token and its
// cookie, the second carries both and earns the sid cookie.
func (s *session) login(ctx context.Context, c *Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loginLocked(ctx, c)
}

func (s *session) loginLocked(ctx context.Context, c *Client) error {
	loginURL := c.rootURL("/c/login")
	info := &RequestInfo{Method: http.MethodPost, URL: loginURL}
	form := url.Values{"principal": {s.user}, "password": {s.secret}}.Encode()
	post := func(token string, cookies []*http.Cookie) (*http.Response, error) {
		actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(actx, http.MethodPost, loginURL, strings.NewReader(form))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "harborscript/"+Version)
		if token != "" {
			req.Header.Set("X-Harbor-Csrf-Token", token)
		}
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, transportError(ctx, actx, info, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		return resp, nil
	}
	first, err := post("", nil)
	if err != nil {
		s.failed = true
		return err
	}
	token := first.Header.Get("X-Harbor-Csrf-Token")
	var csrf []*http.Cookie
	for _, ck := range first.Cookies() {
		if ck.Name == "_gorilla_csrf" {
			csrf = append(csrf, ck)
		}
	}
	if first.StatusCode == http.StatusUnauthorized {
		s.failed = true
		return &Error{Type: TypeUnauthorized, StatusCode: 401, Request: info,
			Message: "credentials for " + fmtUser(s.user) + " were rejected (wrong username or secret)"}
	}
	if token == "" || len(csrf) == 0 {
		s.failed = true
		return &Error{Type: TypeStatusError, StatusCode: first.StatusCode, Request: info, Message: "session login not offered by this server"}
	}
	second, err := post(token, csrf)
	if err != nil {
		s.failed = true
		return err
	}
	if second.StatusCode == http.StatusUnauthorized {
		s.failed = true
		return &Error{Type: TypeUnauthorized, StatusCode: 401, Request: info,
			Message: "credentials for " + fmtUser(s.user) + " were rejected (wrong username or secret)"}
	}
	sid := ""
	for _, ck := range second.Cookies() {
		if ck.Name == "sid" && ck.Value != "" {
			sid = ck.Value // the last one is the session
		}
	}
	if second.StatusCode != http.StatusOK || sid == "" {
		s.failed = true
		return &Error{Type: TypeForStatus(second.StatusCode), StatusCode: second.StatusCode, Request: info, Message: "session login failed"}
	}
	s.sid, s.lastUse = sid, time.Now()
	return nil
}

// current returns the sid to use for a read, or "" for basic auth. An idle
// session is renewed rather than risked: an expired sid makes Harbor answer
// as anonymous, which would silently shrink listings.
func (s *session) current(ctx context.Context, c *Client) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed {
		return ""
	}
	switch idle := time.Since(s.lastUse); {
	case s.sid == "":
	case idle > sessionIdle:
		s.sid = ""
	case idle > s.recheck && !s.alive(ctx, c):
		s.sid = ""
	}
	if s.sid == "" && s.loginLocked(ctx, c) != nil {
		return ""
	}
	s.lastUse = time.Now()
	return s.sid
}

// alive asks Harbor whether the session still stands for the user: 200 from
// /users/current with only the cookie.
func (s *session) alive(ctx context.Context, c *Client) bool {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, c.base.String()+"/users/current", nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", "harborscript/"+Version)
	req.AddCookie(&http.Cookie{Name: "sid", Value: s.sid})
	resp, err := c.http.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// rejected reports that a read sent with the session cookie was refused; the
// session is dropped and the caller retries with basic auth.
func (s *session) rejected(req *http.Request, resp *http.Response) bool {
	if resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	if req.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := req.Cookie("sid"); err != nil {
		return false
	}
	s.mu.Lock()
	s.sid = ""
	// A session refused twice is not worth a third login.
	s.rejections++
	s.failed = s.rejections >= 2
	s.mu.Unlock()
	return true
}

func (s *session) logout(c *Client) {
	s.mu.Lock()
	sid := s.sid
	s.sid = ""
	s.mu.Unlock()
	if sid == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.rootURL("/c/log_out"), nil)
	if err != nil {
		return
	}
	req.AddCookie(&http.Cookie{Name: "sid", Value: sid})
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
	}
}
