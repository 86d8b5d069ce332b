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
	total       atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64
	authTime    atomic.Int64
	mu          sync.Mutex
	perEndpoint map[string]int

	// The in-flight integral needs the level and the time of its last
	// change together, hence a mutex rather than atomics.
	flightMu    sync.Mutex
	flightLevel int64
	flightArea  time.Duration
	flightLast  time.Time
	since       time.Time
}

// flight moves the in-flight level by d, adding the area of the level
// that held until now.
func (c *statsCollector) flight(d int64) {
	now := time.Now()
	c.flightMu.Lock()
	if !c.flightLast.IsZero() {
		c.flightArea += time.Duration(c.flightLevel) * now.Sub(c.flightLast)
	}
	c.flightLevel += d
	c.flightLast = now
	c.flightMu.Unlock()
}

func (c *statsCollector) flightSnapshot() (area, elapsed time.Duration) {
	now := time.Now()
	c.flightMu.Lock()
	defer c.flightMu.Unlock()
	area = c.flightArea
	if !c.flightLast.IsZero() {
		area += time.Duration(c.flightLevel) * now.Sub(c.flightLast)
	}
	return area, now.Sub(c.since)
}

func (c *statsCollector) reset() {
	c.total.Store(0)
	c.maxInFlight.Store(c.inFlight.Load())
	c.authTime.Store(0)
	now := time.Now()
	c.flightMu.Lock()
	c.flightArea, c.flightLast, c.since = 0, now, now
	c.flightMu.Unlock()
	c.mu.Lock()
	c.perEndpoint = map[string]int{}
	c.mu.Unlock()
}

func (c *statsCollector) begin() {
	c.total.Add(1)
	n := c.inFlight.Add(1)
	c.flight(1)
	for {
		m := c.maxInFlight.Load()
		if n <= m || c.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

func (c *statsCollector) end() {
	c.inFlight.Add(-1)
	c.flight(-1)
}

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
	st.InFlightTime, st.Elapsed = s.stats.flightSnapshot()
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
