package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/harborscript/harborscript/harbor/ext"
)

// flightMeter watches the client side: requests in flight (from the
// transport) and work queued (from the bulk call's progress). It integrates
// the requests in flight over the time during which the call had at least
// max_connections requests' worth of work queued or running, which is when
// every connection could be busy.
type flightMeter struct {
	maxConns int

	mu       sync.Mutex
	inFlight int
	pending  int
	last     time.Time
	satArea  time.Duration // in flight × time, while saturated
	satTime  time.Duration
}

func (m *flightMeter) advance(now time.Time) {
	if !m.last.IsZero() && m.pending >= m.maxConns {
		d := now.Sub(m.last)
		m.satArea += time.Duration(m.inFlight) * d
		m.satTime += d
	}
	m.last = now
}

func (m *flightMeter) flight(d int) {
	m.mu.Lock()
	m.advance(time.Now())
	m.inFlight += d
	m.mu.Unlock()
}

func (m *flightMeter) progress(p ext.Progress) {
	m.mu.Lock()
	m.advance(time.Now())
	m.pending = p.Total - p.Done
	m.mu.Unlock()
}

// reset starts a new call.
func (m *flightMeter) reset() {
	m.mu.Lock()
	m.satArea, m.satTime, m.pending, m.last = 0, 0, 0, time.Now()
	m.mu.Unlock()
}

// saturated returns the mean requests in flight while work was queued, and
// for how long work was queued.
func (m *flightMeter) saturated() (float64, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advance(time.Now())
	if m.satTime <= 0 {
		return 0, 0
	}
	return float64(m.satArea) / float64(m.satTime), m.satTime
}

// transport counts a request in flight from the moment it is sent until
// its body has been read and closed.
type transport struct {
	next http.RoundTripper
	m    *flightMeter
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.m.flight(1)
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.m.flight(-1)
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, done: func() { t.m.flight(-1) }}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// heapMeter samples the Go heap (where the Lua tables live too) and keeps
// the peak since the last reset.
type heapMeter struct {
	mu   sync.Mutex
	peak uint64
	stop chan struct{}
	done chan struct{}
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startHeapMeter(every time.Duration) *heapMeter {
	h := &heapMeter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		s := []metrics.Sample{{Name: heapMetric}}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(s)
			if s[0].Value.Kind() == metrics.KindUint64 {
				v := s[0].Value.Uint64()
				h.mu.Lock()
				if v > h.peak {
					h.peak = v
				}
				h.mu.Unlock()
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapMeter) reset() {
	h.mu.Lock()
	h.peak = 0
	h.mu.Unlock()
}

func (h *heapMeter) peakBytes() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}

func (h *heapMeter) close() {
	close(h.stop)
	<-h.done
}

// resetPeakRSS asks Linux to restart VmHWM from the current RSS (writing 5
// to clear_refs); false when the kernel refuses, so the peak is the
// process's since it started.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS reads VmHWM, the peak resident set size, in bytes.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0
			}
			kb, err := strconv.ParseUint(fields[0], 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
