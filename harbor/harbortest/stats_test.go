package harbortest

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// The mean in flight is what a benchmark reads to judge whether a client
// keeps its connections busy; it must count overlapping requests, not just
// their number.
func TestStatsInFlightTime(t *testing.T) {
	const latency = 30 * time.Millisecond
	s := New(Options{Latency: latency})
	base := s.Start()
	t.Cleanup(s.Close)
	s.ResetStats()
	if st := s.Stats(); st.InFlightTime != 0 {
		t.Fatalf("InFlightTime after reset = %v, want 0", st.InFlightTime)
	}
	const n = 4
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(base + "/api/v2.0/health")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	st := s.Stats()
	if st.Total != n {
		t.Fatalf("Total = %d, want %d", st.Total, n)
	}
	// Every request spent at least the latency in the handler.
	if st.InFlightTime < n*latency {
		t.Errorf("InFlightTime = %v, want at least %v", st.InFlightTime, n*latency)
	}
	if m := st.MeanInFlight(); m <= 0 || m > float64(st.MaxInFlight) {
		t.Errorf("MeanInFlight = %.2f, want in (0, MaxInFlight=%d]", m, st.MaxInFlight)
	}
	if st.Elapsed < latency {
		t.Errorf("Elapsed = %v, want at least %v", st.Elapsed, latency)
	}
	s.ResetStats()
	if st := s.Stats(); st.InFlightTime > st.Elapsed*time.Duration(n) {
		t.Errorf("after reset InFlightTime = %v exceeds what %v could hold", st.InFlightTime, st.Elapsed)
	}
}
