package harbortest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// AdminUser and AdminPassword are the credentials of the seeded system admin,
// Harbor's installation defaults.
const AdminUser, AdminPassword = "admin", "Harbor12345"

// Options configure a simulator.
type Options struct {
	Dataset *Dataset      // nil → the DemoDataset
	Latency time.Duration // added to every request
	// BasicAuthCost is what each basic-auth request of a user costs, as
	// Harbor ≥ 2.15 hashes the password every time (~85 ms). Robots and
	// session cookies do not pay it.
	BasicAuthCost time.Duration
	// FailedLoginDelay is how long a wrong user password takes to answer
	// and locks that user (real Harbor: 1.5 s); 0 disables both.
	FailedLoginDelay time.Duration
	// ScanDelay is how long a requested scan stays Pending; 0 finishes
	// scans at once.
	ScanDelay time.Duration
	// SessionTTL is the idle timeout of web UI sessions (default 60 min).
	SessionTTL time.Duration
	// Clock replaces time.Now, e.g. to make robot expiry deterministic.
	Clock func() time.Time
}

// Server is the simulator. It is an http.Handler; Start or Listen serve it.
type Server struct {
	opts    Options
	latency atomic.Int64
	routes  []*route

	mu          sync.RWMutex // guards data, ids and webhook events
	data        *Dataset
	lastID      map[string]int64
	events      []Event
	subscribers []func(Event) // called with mu held: they must not block

	authMu   sync.Mutex
	sessions map[string]*session
	lockedTo map[string]time.Time
	csrfKey  []byte

	faults  faultSet
	stats   statsCollector
	reports reportBodies

	srvMu sync.Mutex
	ts    *httptest.Server
	srv   *http.Server
	url   string
}

// New builds a simulator that is not yet listening.
func New(opts Options) *Server {
	ds := opts.Dataset
	if ds == nil {
		ds = demoSeed()
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = time.Hour
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	s := &Server{
		opts:     opts,
		data:     ds.clone(),
		sessions: map[string]*session{},
		lockedTo: map[string]time.Time{},
		csrfKey:  []byte(randomHex(32)),
	}
	s.latency.Store(int64(opts.Latency))
	s.stats.reset()
	s.initIDs()
	s.routes = s.buildRoutes()
	return s
}

func (s *Server) now() time.Time { return s.opts.Clock().UTC() }

// Start serves on an ephemeral port of 127.0.0.1 and returns the base URL
// (without /api/v2.0).
func (s *Server) Start() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.url != "" {
		return s.url
	}
	s.ts = httptest.NewServer(s)
	s.url = s.ts.URL
	return s.url
}

// Listen serves on addr (e.g. "127.0.0.1:8080") with a real listener and
// returns the base URL.
func (s *Server) Listen(addr string) (string, error) {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.url != "" {
		return "", errors.New("harbortest: server already started at " + s.url)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	s.url = "http://" + ln.Addr().String()
	return s.url, nil
}

// URL is the base URL once started, "" before.
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.url
}

// Close stops serving; requests that hang are cut.
func (s *Server) Close() {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
		s.ts = nil
	}
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
		_ = s.srv.Close()
		s.srv = nil
	}
}

// SetLatency changes the delay added to every request.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// AddUser adds a local user, or replaces the password and role of an
// existing one.
func (s *Server) AddUser(name, password string, sysadmin bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.data.Users {
		if u.Username == name {
			u.Password, u.Sysadmin = password, sysadmin
			return
		}
	}
	t := s.now()
	s.data.Users = append(s.data.Users, &User{
		ID: s.newID("user"), Username: name, Password: password, Sysadmin: sysadmin,
		CreationTime: t, UpdateTime: t,
	})
}

func (s *Server) initIDs() {
	s.lastID = map[string]int64{}
	bump := func(kind string, id int64) {
		if id > s.lastID[kind] {
			s.lastID[kind] = id
		}
	}
	for _, u := range s.data.Users {
		bump("user", u.ID)
	}
	for _, r := range s.data.Robots {
		bump("robot", r.ID)
	}
	for _, l := range s.data.Labels {
		bump("label", l.ID)
	}
	for _, p := range s.data.Projects {
		bump("project", p.ID)
		for _, w := range p.Webhooks {
			bump("webhook", w.ID)
		}
		for _, r := range p.Repositories {
			bump("repository", r.ID)
			for _, a := range r.Artifacts {
				bump("artifact", a.ID)
				for _, t := range a.Tags {
					bump("tag", t.ID)
				}
			}
		}
	}
}

// newID hands out the next id of a kind; callers hold mu.
func (s *Server) newID(kind string) int64 {
	s.lastID[kind]++
	return s.lastID[kind]
}

// without removes the first x from list.
func without[T comparable](list []T, x T) []T {
	if i := slices.Index(list, x); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string { return uuidFromHex(randomHex(16)) }

// uuidFromHex lays 32 hex digits out as a version 4 UUID.
func uuidFromHex(h string) string {
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// sleepCtx waits d unless the request ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
