package harbortest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault kinds beyond an error status.
const (
	FaultStatus      = "status"       // answer Status with Harbor's error body (default)
	FaultReset       = "reset"        // send headers and part of the body, then drop the connection
	FaultTruncate    = "truncate"     // 200 with the real body cut in half
	FaultInvalidJSON = "invalid-json" // 200 application/json whose body is not JSON
	FaultHang        = "hang"         // never answer; returns when the client gives up
	FaultSlow        = "slow"         // wait Delay, then answer normally
)

// FailRule injects a fault into matching requests, deterministically.
type FailRule struct {
	Method string // "" = any method
	// Path is a route template such as
	// "/projects/{project_name}/repositories/{repository_name}/artifacts",
	// compared exactly with the route the request matched. A Path
	// starting with "^" is instead a regular expression matched against
	// the raw (still escaped) request path, /api/v2.0 prefix included.
	// "" = any path.
	Path       string
	Kind       string // one of the Fault* kinds; "" = FaultStatus
	Status     int    // for FaultStatus; 0 = 500
	RetryAfter string // Retry-After header value, sent with FaultStatus
	Delay      time.Duration
	Every      int // fail every Nth matching request; 0 or 1 = all
	Times      int // stop after this many failures; 0 = unlimited
	Match      func(*http.Request) bool

	re       *regexp.Regexp
	matched  int
	injected int
}

type faultSet struct {
	mu    sync.Mutex
	rules []*FailRule
	// any is whether rules is non-empty, so that requests without faults
	// (benchmarks: all of them) skip the mutex.
	any atomic.Bool
}

// Fail adds a fault rule. A Path regular expression that does not compile
// panics, since it is a mistake in the calling test.
func (s *Server) Fail(rule FailRule) {
	r := rule
	if strings.HasPrefix(r.Path, "^") {
		r.re = regexp.MustCompile(r.Path)
	}
	s.faults.mu.Lock()
	s.faults.rules = append(s.faults.rules, &r)
	s.faults.any.Store(true)
	s.faults.mu.Unlock()
}

// ClearFailures removes every fault rule.
func (s *Server) ClearFailures() {
	s.faults.mu.Lock()
	s.faults.rules = nil
	s.faults.any.Store(false)
	s.faults.mu.Unlock()
}

func (f *FailRule) matches(r *http.Request, tmpl string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	switch {
	case f.re != nil:
		if !f.re.MatchString(r.URL.EscapedPath()) {
			return false
		}
	case f.Path != "" && f.Path != tmpl:
		return false
	}
	return f.Match == nil || f.Match(r)
}

// pick counts the request against the rules and returns the one that
// fires, if any.
func (fs *faultSet) pick(r *http.Request, tmpl string) *FailRule {
	if !fs.any.Load() {
		return nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.rules {
		if !f.matches(r, tmpl) {
			continue
		}
		if f.Times > 0 && f.injected >= f.Times {
			continue
		}
		f.matched++
		every := f.Every
		if every < 1 {
			every = 1
		}
		if f.matched%every != 0 {
			continue
		}
		f.injected++
		cp := *f
		return &cp
	}
	return nil
}

// injectFault answers the request itself when a rule fires; serve produces
// the real answer for the kinds that need it.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, tmpl string, serve func(http.ResponseWriter)) bool {
	f := s.faults.pick(r, tmpl)
	if f == nil {
		return false
	}
	switch f.Kind {
	case FaultSlow:
		if !sleepCtx(r.Context(), f.Delay) {
			return true
		}
		return false
	case FaultHang:
		<-r.Context().Done()
		return true
	case FaultInvalidJSON:
		writeBody(w, http.StatusOK, jsonType, []byte("<html><body>502 Bad Gateway</body></html>"))
		return true
	case FaultTruncate, FaultReset:
		rec := httptest.NewRecorder()
		serve(rec)
		body := rec.Body.Bytes()
		if len(body) < 2 {
			body = []byte(`[{"id":1,"name":"truncated"}]`)
		}
		cut := body[:len(body)/2]
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		if f.Kind == FaultTruncate {
			w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(cut)
			return true
		}
		// Promise the whole body, send half, then abort: the client sees
		// the connection drop mid-body.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = bytes.NewReader(cut).WriteTo(w)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	default:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, r, status, strings.ToLower(http.StatusText(status)))
		return true
	}
}
