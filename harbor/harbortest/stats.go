package harbortest

import (
	"sync"
	"sync/atomic"
	"time"
)

// Stats counts what the simulator served since it started or was reset.
type Stats struct {
	Total int64
	// PerEndpoint is keyed by method and route template, e.g.
	// "GET /projects/{project_name}/repositories"; requests matching no
	// route count under "GET (no route)".
	PerEndpoint map[string]int
	MaxInFlight int64
	// AuthTime is the server time spent hashing basic-auth passwords.
	AuthTime time.Duration
}

type statsCollector struct {
	total       atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64
	authTime    atomic.Int64
	mu          sync.Mutex
	perEndpoint map[string]int
}

func (c *statsCollector) reset() {
	c.total.Store(0)
	c.maxInFlight.Store(c.inFlight.Load())
	c.authTime.Store(0)
	c.mu.Lock()
	c.perEndpoint = map[string]int{}
	c.mu.Unlock()
}

func (c *statsCollector) begin() {
	c.total.Add(1)
	n := c.inFlight.Add(1)
	for {
		m := c.maxInFlight.Load()
		if n <= m || c.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

func (c *statsCollector) end() { c.inFlight.Add(-1) }

func (c *statsCollector) endpoint(key string) {
	c.mu.Lock()
	c.perEndpoint[key]++
	c.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Total:       s.stats.total.Load(),
		MaxInFlight: s.stats.maxInFlight.Load(),
		AuthTime:    time.Duration(s.stats.authTime.Load()),
		PerEndpoint: map[string]int{},
	}
	s.stats.mu.Lock()
	for k, v := range s.stats.perEndpoint {
		st.PerEndpoint[k] = v
	}
	s.stats.mu.Unlock()
	return st
}

// ResetStats zeroes the counters; MaxInFlight restarts from the requests
// in flight now.
func (s *Server) ResetStats() { s.stats.reset() }
