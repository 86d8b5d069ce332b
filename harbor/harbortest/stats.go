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
	// InFlightTime is the integral of the requests in flight over time
	// since the reset (two requests for 1 s count 2 s), and Elapsed the time
	// since the reset: their ratio is the time-weighted mean concurrency,
	// which MaxInFlight alone cannot show.
	InFlightTime time.Duration
	Elapsed      time.Duration
}

// MeanInFlight is the time-weighted mean number of requests in flight
// since the reset.
func (st Stats) MeanInFlight() float64 {
	if st.Elapsed <= 0 {
		return 0
	}
	return float64(st.InFlightTime) / float64(st.Elapsed)
}

type statsCollector struct {
	total    atomic.Int64
	authTime atomic.Int64

	// The in-flight integral needs the level and the time of its last
	// change together, so the level, its peak and the per-route counts
	// share one mutex.
	mu          sync.Mutex
	level       int64
	maxLevel    int64
	area        time.Duration
	last        time.Time
	since       time.Time
	perEndpoint map[string]int
}

// flight moves the in-flight level by d, adding the area of the level
// that held until now.
func (c *statsCollector) flight(d int64) {
	now := time.Now()
	c.mu.Lock()
	c.area += time.Duration(c.level) * now.Sub(c.last)
	c.level += d
	c.last = now
	c.maxLevel = max(c.maxLevel, c.level)
	c.mu.Unlock()
}

func (c *statsCollector) reset() {
	c.total.Store(0)
	c.authTime.Store(0)
	now := time.Now()
	c.mu.Lock()
	c.maxLevel = c.level
	c.area, c.last, c.since = 0, now, now
	c.perEndpoint = map[string]int{}
	c.mu.Unlock()
}

func (c *statsCollector) begin() {
	c.total.Add(1)
	c.flight(1)
}

func (c *statsCollector) end() { c.flight(-1) }

func (c *statsCollector) endpoint(key string) {
	c.mu.Lock()
	c.perEndpoint[key]++
	c.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	st := Stats{
		Total:       c.total.Load(),
		AuthTime:    time.Duration(c.authTime.Load()),
		PerEndpoint: map[string]int{},
	}
	now := time.Now()
	c.mu.Lock()
	st.MaxInFlight = c.maxLevel
	st.InFlightTime = c.area + time.Duration(c.level)*now.Sub(c.last)
	st.Elapsed = now.Sub(c.since)
	for k, v := range c.perEndpoint {
		st.PerEndpoint[k] = v
	}
	c.mu.Unlock()
	return st
}

// ResetStats zeroes the counters; MaxInFlight restarts from the requests
// in flight now.
func (s *Server) ResetStats() { s.stats.reset() }
