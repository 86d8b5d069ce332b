package harbor

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// failThen answers status the first n times, then 200 with body.
func failThen(n int32, status int, hdr http.Header, body string, calls *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			for k, v := range hdr {
				w.Header()[k] = v
			}
			writeHarborError(w, status, "UNKNOWN", http.StatusText(status))
			return
		}
		writeJSON(w, 200, body)
	}
}

func TestTransientStatusesRetried(t *testing.T) {
	for _, st := range []int{429, 502, 503, 504} {
		t.Run(strconv.Itoa(st), func(t *testing.T) {
			mux, srv := harborServer(t)
			var calls atomic.Int32
			mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(2, st, nil, `{"harbor_version":"v2.16.0"}`, &calls))
			c := newClient(t, srv, Options{})
			info, err := c.GetSystemInfo(context.Background())
			if err != nil {
				t.Fatalf("not retried: %v", err)
			}
			if info.HarborVersion != "v2.16.0" {
				t.Errorf("version %q", info.HarborVersion)
			}
			if n := calls.Load(); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
		})
	}
}

func TestPermanentStatusesNotRetried(t *testing.T) {
	for _, st := range []int{400, 401, 403, 404, 409, 412, 422, 500} {
		t.Run(strconv.Itoa(st), func(t *testing.T) {
			mux, srv := harborServer(t)
			var calls atomic.Int32
			mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(100, st, nil, `{}`, &calls))
			c := newClient(t, srv, Options{})
			_, err := c.GetSystemInfo(context.Background())
			if he := asError(t, err); he.StatusCode != st {
				t.Fatalf("got %v", err)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1, 503, http.Header{"Retry-After": {"1"}}, `{}`, &calls))
	c := newClient(t, srv, Options{})
	start := time.Now()
	if _, err := c.GetSystemInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, Retry-After asked for 1s", d)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"Sat, 28 Nov 2026 08:00:30 GMT", 30 * time.Second, true},
		{"Sat, 28 Nov 2026 07:00:00 GMT", 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	base, limit := 10*time.Millisecond, 80*time.Millisecond
	for attempt := 1; attempt <= 10; attempt++ {
		ceiling := base << (attempt - 1)
		if ceiling > limit {
			ceiling = limit
		}
		// Full jitter draws from the whole range: fifty draws all in its
		// lower half would happen once in 2^50 runs.
		var highest time.Duration
		for i := 0; i < 50; i++ {
			d := backoff(base, limit, attempt)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(attempt %d) = %v, outside [0, %v]", attempt, d, ceiling)
			}
			highest = max(highest, d)
		}
		if highest <= ceiling/2 {
			t.Errorf("backoff(attempt %d): 50 draws all at most %v, want the range up to %v", attempt, highest, ceiling)
		}
	}
}

func TestMaxTriesExact(t *testing.T) {
	for _, tries := range []int{1, 3, 6} {
		mux, srv := harborServer(t)
		var calls atomic.Int32
		mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1000, 503, nil, `{}`, &calls))
		c := newClient(t, srv, Options{Retry: RetryOptions{MaxTries: tries}})
		_, err := c.GetSystemInfo(context.Background())
		if he := asError(t, err); he.StatusCode != 503 {
			t.Fatalf("got %v", err)
		}
		if n := calls.Load(); int(n) != tries {
			t.Errorf("MaxTries %d made %d requests", tries, n)
		}
	}
}

func TestMaxTimeBound(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1<<30, 503, nil, `{}`, &calls))
	c := newClient(t, srv, Options{Retry: RetryOptions{MaxTries: 1 << 20, MaxTime: 300 * time.Millisecond,
		BaseDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond}})
	start := time.Now()
	_, err := c.GetSystemInfo(context.Background())
	d := time.Since(start)
	if he := asError(t, err); he.StatusCode != 503 {
		t.Fatalf("got %v", err)
	}
	if d > time.Second {
		t.Errorf("gave up after %v, MaxTime is 300ms", d)
	}
	if n := calls.Load(); n < 3 {
		t.Errorf("only %d requests within MaxTime", n)
	}
}

func TestRetryAfterBeyondMaxTimeGivesUp(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1000, 429, http.Header{"Retry-After": {"3600"}}, `{}`, &calls))
	c := newClient(t, srv, Options{Retry: RetryOptions{MaxTime: time.Second}})
	start := time.Now()
	_, err := c.GetSystemInfo(context.Background())
	if !IsType(err, TypeTooManyRequests) {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 500*time.Millisecond || calls.Load() != 1 {
		t.Errorf("waited %v for %d requests", time.Since(start), calls.Load())
	}
}

func TestPostRetryPolicy(t *testing.T) {
	mux, srv := harborServer(t)
	var c429, c503 atomic.Int32
	mux.HandleFunc("POST /api/v2.0/projects/{p}/repositories/{r}/artifacts/{ref}/scan", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("p") == "busy" {
			failThen(1, 429, nil, ``, &c429)(w, r)
			return
		}
		failThen(1, 503, nil, ``, &c503)(w, r)
	})
	c := newClient(t, srv, Options{})
	if err := c.ScanArtifact(context.Background(), "busy", "alpine", "latest"); err != nil {
		t.Fatalf("POST after 429: %v", err)
	}
	if n := c429.Load(); n != 2 {
		t.Errorf("POST answered 429: %d requests, want 2", n)
	}
	err := c.ScanArtifact(context.Background(), "down", "alpine", "latest")
	if he := asError(t, err); he.StatusCode != 503 {
		t.Fatalf("POST answered 503: got %v", err)
	}
	if n := c503.Load(); n != 1 {
		t.Errorf("POST answered 503 was sent %d times; it may have been processed", n)
	}
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// countingTransport counts round trips and runs hook after the first one.
type countingTransport struct {
	rt    http.RoundTripper
	n     atomic.Int32
	after func()
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if c.n.Add(1) == 1 && c.after != nil {
		c.after()
	}
	return resp, err
}

func TestConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	ct := &countingTransport{rt: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := New(Options{URL: "http://" + addr, Transport: ct,
		Retry: RetryOptions{MaxTries: 3, BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CreateArtifactTag(context.Background(), "library", "alpine", "latest", "v1")
	he := asError(t, err)
	if he.Type != TypeConnectError || !he.IsA(TypeTransportError) {
		t.Fatalf("want ConnectError, got %s: %v", he.Type, err)
	}
	if n := ct.n.Load(); n != 3 {
		t.Errorf("refused POST tried %d times, want 3: nothing reached the server", n)
	}
}

func TestPostRetriedAfterRefusalSucceeds(t *testing.T) {
	addr := closedAddr(t)
	var got atomic.Int32
	srv := httptest.NewUnstartedServer(withSID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(201)
	})))
	t.Cleanup(srv.Close)
	ct := &countingTransport{rt: http.DefaultTransport.(*http.Transport).Clone()}
	ct.after = func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port %s taken meanwhile: %v", addr, err)
		}
		srv.Listener = ln
		srv.Start()
	}
	c, err := New(Options{URL: "http://" + addr, Transport: ct, Retry: RetryOptions{BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateArtifactTag(context.Background(), "library", "alpine", "latest", "v1"); err != nil {
		t.Fatalf("POST after a refused connection: %v", err)
	}
	if got.Load() != 1 || ct.n.Load() != 2 {
		t.Errorf("server got %d, transport made %d tries", got.Load(), ct.n.Load())
	}
}

// hijackServer reads each request and then drops the connection, after
// writing prefix.
func hijackServer(t *testing.T, prefix string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString(prefix)
		buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, not a clean close
		}
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestPostNotRetriedAfterResetOnceSent(t *testing.T) {
	srv, calls := hijackServer(t, "")
	c := newClient(t, srv, Options{})
	err := c.CreateArtifactTag(context.Background(), "library", "alpine", "latest", "v1")
	he := asError(t, err)
	if !he.IsA(TypeTransportError) || he.Type == TypeConnectError {
		t.Fatalf("want a TransportError that is no ConnectError, got %s: %v", he.Type, err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("POST the server received was sent %d times", n)
	}

	// The same failure on a GET is retried: reading twice does no harm.
	_, err = c.GetSystemInfo(context.Background())
	if !IsType(err, TypeTransportError) {
		t.Fatalf("GET: %v", err)
	}
	if n := calls.Load(); n != 1+5 {
		t.Errorf("GET tried %d times, want 5", n-1)
	}
}

func TestBodyCutMidway(t *testing.T) {
	srv, calls := hijackServer(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n[{\"name\":\"lib")
	c := newClient(t, srv, Options{Retry: RetryOptions{MaxTries: 2}})
	_, err := c.GetProjects(context.Background(), ListOptions{})
	he := asError(t, err)
	if he.Type != TypeTransportError {
		t.Fatalf("want TransportError, got %s: %v", he.Type, err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d tries, want 2", n)
	}
}

func TestInvalidJSONIsDecodeError(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 200, `{"harbor_version": "v2.16`)
	})
	c := newClient(t, srv, Options{})
	_, err := c.GetSystemInfo(context.Background())
	he := asError(t, err)
	if he.Type != TypeDecodeError || !he.IsA(TypeTransportError) || he.StatusCode != 200 {
		t.Fatalf("want DecodeError, got %s (%d): %v", he.Type, he.StatusCode, err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests, want 1", calls.Load())
	}
}

func TestTimeout(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newClient(t, srv, Options{Timeout: 100 * time.Millisecond, Retry: RetryOptions{MaxTries: 2}})
	start := time.Now()
	_, err := c.GetSystemInfo(context.Background())
	he := asError(t, err)
	if he.Type != TypeTimeoutError || !he.IsA(TypeTransportError) {
		t.Fatalf("want TimeoutError, got %s: %v", he.Type, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 100ms timeout", d)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("a timed-out GET was tried %d times, want 2", n)
	}
}

func TestCancelStopsBackoffWait(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1000, 503, http.Header{"Retry-After": {"30"}}, `{}`, &calls))
	c := newClient(t, srv, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetSystemInfo(ctx)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("cancel took %v to stop the wait", d)
	}
	if !IsType(err, TypeTransportError) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a TransportError wrapping context.Canceled, got %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d requests", n)
	}
}

func TestDeadlineIsTimeoutError(t *testing.T) {
	mux, srv := harborServer(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /api/v2.0/systeminfo", failThen(1000, 503, http.Header{"Retry-After": {"30"}}, `{}`, &calls))
	c := newClient(t, srv, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.GetSystemInfo(ctx)
	if !IsType(err, TypeTimeoutError) {
		t.Fatalf("want TimeoutError, got %v", err)
	}
}
