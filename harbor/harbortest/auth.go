package harbortest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// identity is who a request acts as; both nil is anonymous. badCreds records
// credentials that were sent but wrong, which Harbor treats as anonymous
// wherever anonymous access is allowed.
type identity struct {
	user     *User
	robot    *Robot
	badCreds bool
}

func (id identity) anonymous() bool { return id.user == nil && id.robot == nil }

func (id identity) sysadmin() bool { return id.user != nil && id.user.Sysadmin }

type session struct {
	user    *User
	lastUse time.Time
}

// authenticate resolves the caller from basic auth or a session cookie and
// charges what the real server would spend on it.
func (s *Server) authenticate(r *http.Request) identity {
	if name, secret, ok := r.BasicAuth(); ok {
		return s.basicAuth(r, name, secret)
	}
	if ck, err := r.Cookie("sid"); err == nil {
		s.authMu.Lock()
		defer s.authMu.Unlock()
		if sess := s.sessions[ck.Value]; sess != nil {
			now := s.now()
			if now.Sub(sess.lastUse) <= s.opts.SessionTTL {
				sess.lastUse = now
				return identity{user: sess.user}
			}
			delete(s.sessions, ck.Value)
		}
	}
	return identity{}
}

func (s *Server) basicAuth(r *http.Request, name, secret string) identity {
	if strings.HasPrefix(name, "robot$") {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, rb := range s.data.Robots {
			if rb.Name == name {
				expired := rb.ExpiresAt > 0 && s.now().Unix() >= rb.ExpiresAt
				if rb.Secret == secret && !rb.Disable && !expired {
					return identity{robot: rb}
				}
				break
			}
		}
		return identity{badCreds: true}
	}
	u := s.lookupUser(name)
	if u == nil {
		return identity{badCreds: true}
	}
	if !s.checkPassword(r, u, secret) {
		return identity{badCreds: true}
	}
	return identity{user: u}
}

func (s *Server) lookupUser(name string) *User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, u := range s.data.Users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

// checkPassword pays the hashing cost, then the failed-login delay and lock
// of a wrong password. A locked user is refused even with the right password.
func (s *Server) checkPassword(r *http.Request, u *User, password string) bool {
	if d := s.opts.BasicAuthCost; d > 0 {
		start := time.Now()
		sleepCtx(r.Context(), d)
		s.stats.authTime.Add(int64(time.Since(start)))
	}
	s.authMu.Lock()
	locked := s.now().Before(s.lockedTo[u.Username])
	s.authMu.Unlock()
	s.mu.RLock()
	ok := u.Password == password
	s.mu.RUnlock()
	if ok && !locked {
		return true
	}
	if d := s.opts.FailedLoginDelay; d > 0 && !ok {
		// Locked while the answer is delayed and for as long after it.
		s.authMu.Lock()
		s.lockedTo[u.Username] = s.now().Add(2 * d)
		s.authMu.Unlock()
		sleepCtx(r.Context(), d)
	}
	return false
}

func (s *Server) csrfToken(cookie string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(cookie))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF answers "" when the request carries a token that matches its
// _gorilla_csrf cookie, else the message of Harbor's 403.
func (s *Server) checkCSRF(r *http.Request) string {
	tok := r.Header.Get("X-Harbor-Csrf-Token")
	if tok == "" {
		return "CSRF token not found in request"
	}
	ck, err := r.Cookie("_gorilla_csrf")
	if err != nil || !hmac.Equal([]byte(tok), []byte(s.csrfToken(ck.Value))) {
		return "CSRF token invalid"
	}
	return ""
}

// issueCSRF hands out a token and its cookie, as the web UI receives them.
func (s *Server) issueCSRF(w http.ResponseWriter, r *http.Request) {
	val := ""
	if ck, err := r.Cookie("_gorilla_csrf"); err == nil && ck.Value != "" {
		val = ck.Value
	} else {
		val = randomHex(32)
		http.SetCookie(w, &http.Cookie{Name: "_gorilla_csrf", Value: val, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	}
	w.Header().Set("X-Harbor-Csrf-Token", s.csrfToken(val))
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// handleLogin is the web UI's POST /c/login (form principal, password).
func (s *Server) handleLogin(c *call) {
	r := c.r
	if err := r.ParseForm(); err != nil {
		c.fail(http.StatusBadRequest, "invalid login form: "+err.Error())
		return
	}
	name, pw := r.PostForm.Get("principal"), r.PostForm.Get("password")
	if strings.HasPrefix(name, "robot$") {
		c.fail(http.StatusUnauthorized, "unauthorized")
		return
	}
	u := s.lookupUser(name)
	if u == nil || !s.checkPassword(r, u, pw) {
		c.fail(http.StatusUnauthorized, "unauthorized")
		return
	}
	sid := randomHex(16)
	s.authMu.Lock()
	s.sessions[sid] = &session{user: u, lastUse: s.now()}
	s.authMu.Unlock()
	http.SetCookie(c.w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
	writeEmpty(c.w, http.StatusOK)
}

// handleLogout is GET /c/log_out: the session ends and its cookie is cleared.
func (s *Server) handleLogout(c *call) {
	if ck, err := c.r.Cookie("sid"); err == nil {
		s.authMu.Lock()
		delete(s.sessions, ck.Value)
		s.authMu.Unlock()
	}
	http.SetCookie(c.w, &http.Cookie{Name: "sid", Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
	writeEmpty(c.w, http.StatusOK)
}
