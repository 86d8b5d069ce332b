package schedule

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sync"
	"time"
)

// dedupe remembers delivery keys for a window: Harbor resends a delivery
// it thinks failed (including one answered after its 3 s timeout) with an
// identical body.
type dedupe struct {
	mu     sync.Mutex
	window time.Duration
	seen   map[string]time.Time
	now    func() time.Time
}

func newDedupe(window time.Duration) *dedupe {
	return &dedupe{window: window, seen: map[string]time.Time{}, now: time.Now}
}

// check records key and reports whether it was already seen in the window.
func (d *dedupe) check(key string) bool {
	if d.window <= 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	for k, t := range d.seen {
		if now.Sub(t) > d.window {
			delete(d.seen, k)
		}
	}
	if _, ok := d.seen[key]; ok {
		return true
	}
	d.seen[key] = now
	return false
}

// Handler serves /healthz, /metrics and the webhook paths of the current
// configuration.
func (d *Daemon) Handler() http.Handler {
	metricsHandler := d.metrics.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			d.mu.Lock()
			stopping := d.stopping
			d.mu.Unlock()
			if stopping {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, "ok\n")
			return
		case "/metrics":
			metricsHandler.ServeHTTP(w, r)
			return
		}
		if !d.isHookPath(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "webhook deliveries are POSTed", http.StatusMethodNotAllowed)
			return
		}
		d.serveHook(w, r)
	})
}

func (d *Daemon) isHookPath(path string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, j := range d.cfg.Jobs {
		if len(j.On) > 0 && j.hookPath() == path {
			return true
		}
	}
	return false
}

func (j *Job) hookPath() string {
	if j.Path != "" {
		return j.Path
	}
	return DefaultPath
}

type hookAnswer struct {
	Status string            `json:"status"`
	ID     string            `json:"id,omitempty"`
	Type   string            `json:"type,omitempty"`
	Jobs   map[string]string `json:"jobs,omitempty"`
	Error  string            `json:"error,omitempty"`
}

func answer(w http.ResponseWriter, code int, a hookAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(a)
}

func (d *Daemon) reject(w http.ResponseWriter, r *http.Request, code int, msg string) {
	d.metrics.deliveries.WithLabelValues("rejected").Inc()
	d.log.Warn("webhook delivery rejected", "path", r.URL.Path, "remote", r.RemoteAddr, "status", code, "reason", msg)
	answer(w, code, hookAnswer{Status: "rejected", Error: msg})
}

// serveHook answers at once (Harbor gives up after 3 s and resends) and
// leaves the runs to the job queues.
func (d *Daemon) serveHook(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	cfg, dd, stopping := d.cfg, d.dedupe, d.stopping
	d.mu.Unlock()
	if stopping {
		answer(w, http.StatusServiceUnavailable, hookAnswer{Status: "stopping", Error: "shutting down"})
		return
	}
	got := r.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte(cfg.Webhook.AuthHeader)) != 1 {
		d.reject(w, r, http.StatusUnauthorized, "missing or wrong Authorization header")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/cloudevents+json") {
			d.reject(w, r, http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/cloudevents+json")
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.Webhook.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			d.reject(w, r, http.StatusRequestEntityTooLarge, "body larger than webhook.max_body")
			return
		}
		d.reject(w, r, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	ev, err := EventFromJSON(body)
	if err != nil {
		d.reject(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if dd.check(ev.ID) {
		d.metrics.deliveries.WithLabelValues("duplicate").Inc()
		d.log.Info("webhook delivery seen before: not run again", "type", ev.Type, "id", ev.ID)
		answer(w, http.StatusAccepted, hookAnswer{Status: "duplicate", ID: ev.ID, Type: ev.Type})
		return
	}
	results := map[string]string{}
	dropped := false
	for _, j := range cfg.Jobs {
		if j.hookPath() != r.URL.Path || !j.Matches(ev) {
			continue
		}
		res := d.trigger(j.Name, ev, "event:"+ev.Type)
		results[j.Name] = res
		if res == Dropped {
			dropped = true
		}
	}
	status := "accepted"
	if dropped {
		status = "dropped"
	}
	d.metrics.deliveries.WithLabelValues(status).Inc()
	d.log.Info("webhook delivery", "type", ev.Type, "id", ev.ID, "project", ev.Project, "repository", ev.Repository, "jobs", len(results), "status", status)
	answer(w, http.StatusAccepted, hookAnswer{Status: status, ID: ev.ID, Type: ev.Type, Jobs: results})
}

// Matches reports whether ev triggers the job: its type is listed in on:
// and its project and repository pass the filter.
func (j *Job) Matches(ev *Event) bool {
	listed := false
	for _, t := range j.On {
		if t == ev.Type {
			listed = true
			break
		}
	}
	if !listed {
		return false
	}
	if j.ProjectFilter != nil && !j.ProjectFilter.MatchString(ev.Project) {
		return false
	}
	if j.RepositoryFilter != nil && !j.RepositoryFilter.MatchString(ev.Repository) && !j.RepositoryFilter.MatchString(ev.RepoFull) {
		return false
	}
	return true
}
