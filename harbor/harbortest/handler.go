package harbortest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

const apiPrefix = "/api/v2.0"

// route is one operation. template is Harbor's path template without the
// /api/v2.0 prefix (web UI routes such as /c/login are not under it).
type route struct {
	method   string
	template string
	api      bool
	segs     []string
	h        func(*call)
	statsKey string // "METHOD template", what Stats counts it under
}

// call carries one request through its handler.
type call struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	p     map[string]string
	id    identity
	route *route
}

func (c *call) fail(status int, msg string) { writeError(c.w, c.r, status, msg) }

func (c *call) json(status int, v any) { writeJSON(c.w, status, v) }

func newRoute(method, template string, api bool, h func(*call)) *route {
	return &route{method: method, template: template, api: api, segs: strings.Split(strings.Trim(template, "/"), "/"), h: h,
		statsKey: method + " " + template}
}

// match finds the route of a request. Segments are unescaped once, and the
// repository name once more, so that team%252Fapp and team%2Fapp both name
// team/app while a raw slash matches nothing, as on Harbor.
func (s *Server) match(r *http.Request) (rt *route, params map[string]string, pathFound bool) {
	p := r.URL.EscapedPath()
	api := strings.HasPrefix(p, apiPrefix+"/")
	if api {
		p = strings.TrimPrefix(p, apiPrefix)
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for _, cand := range s.routes {
		if cand.api != api || len(cand.segs) != len(segs) {
			continue
		}
		ps, ok := matchSegs(cand.segs, segs)
		if !ok {
			continue
		}
		pathFound = true
		if cand.method == r.Method {
			return cand, ps, true
		}
	}
	return nil, nil, pathFound
}

func matchSegs(tmpl, segs []string) (map[string]string, bool) {
	ps := map[string]string{}
	for i, t := range tmpl {
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, false
		}
		if strings.HasPrefix(t, "{") {
			name := strings.Trim(t, "{}")
			if v == "" {
				return nil, false
			}
			if name == "repository_name" {
				if v2, err := url.PathUnescape(v); err == nil {
					v = v2
				}
			}
			ps[name] = v
			continue
		}
		if t != v {
			return nil, false
		}
	}
	return ps, true
}

// ServeHTTP runs the pipeline every request goes through: stats, request id,
// latency, routing, fault injection, authentication, the sid cookie, CSRF.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.begin()
	defer s.stats.end()
	reqID := r.Header.Get("X-Request-Id")
	if reqID == "" {
		reqID = newUUID()
	}
	w.Header().Set("X-Request-Id", reqID)
	if !sleepCtx(r.Context(), s.currentLatency()) {
		return
	}
	rt, params, pathFound := s.match(r)
	tmpl := ""
	if rt != nil {
		tmpl = rt.template
		s.stats.endpoint(rt.statsKey)
	} else {
		s.stats.endpoint(r.Method + " (no route)")
	}
	if s.injectFault(w, r, tmpl, func(w http.ResponseWriter) { s.serveRoute(w, r, rt, params, pathFound) }) {
		return
	}
	s.serveRoute(w, r, rt, params, pathFound)
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, pathFound bool) {
	id := s.authenticate(r)
	ck, err := r.Cookie("sid")
	hasSid := err == nil
	var sid string
	if hasSid && id.user != nil && s.hasSession(ck.Value) {
		sid = ck.Value
	} else {
		sid = randomHex(16)
	}
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
	isLogin := rt != nil && rt.template == "/c/login"
	// A write that carries a session cookie must prove it came from the
	// web UI; basic auth without cookies never needs a token.
	if isWrite(r.Method) && (hasSid || isLogin) {
		if msg := s.checkCSRF(r); msg != "" {
			s.issueCSRF(w, r)
			writeError(w, r, http.StatusForbidden, msg)
			return
		}
	}
	if rt == nil {
		if pathFound {
			writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed")
			return
		}
		writeError(w, r, http.StatusNotFound, "path "+r.URL.EscapedPath()+" was not found")
		return
	}
	rt.h(&call{s: s, w: w, r: r, p: params, id: id, route: rt})
}

func (s *Server) hasSession(sid string) bool {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	return s.sessions[sid] != nil
}

func (s *Server) currentLatency() time.Duration { return time.Duration(s.latency.Load()) }
