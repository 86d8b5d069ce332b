package ext

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// faultTries is the retry budget of the fault tests: small, so exact request
// counts stay readable.
const faultTries = 3

// faultClient builds a client with a short per-attempt timeout and fast
// backoff; the credential check is made up front so that it never meets an
// injected fault.
func faultClient(t *testing.T, url string, timeout time.Duration) *harbor.Client {
	t.Helper()
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Auth: "basic", Timeout: timeout,
		Retry: harbor.RetryOptions{MaxTries: faultTries, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// bulkCall is one of the bulk entry points, reduced to results and errors.
type bulkCall struct {
	name    string
	reports bool
	run     func(context.Context, *harbor.Client, Options) ([]*ArtifactInfo, []error)
}

var bulkCalls = []bulkCall{
	{"GetArtifacts", false, GetArtifacts},
	{"GetArtifactVulnerabilities", true, GetArtifactVulnerabilities},
	{"Iterate", false, func(ctx context.Context, c *harbor.Client, o Options) ([]*ArtifactInfo, []error) {
		return drain(Iterate(ctx, c, o, false, 4))
	}},
	{"IterateReports", true, func(ctx context.Context, c *harbor.Client, o Options) ([]*ArtifactInfo, []error) {
		return drain(Iterate(ctx, c, o, true, 4))
	}},
}

func drain(it *Iterator) ([]*ArtifactInfo, []error) {
	var out []*ArtifactInfo
	for info, ok := it.Next(); ok; info, ok = it.Next() {
		out = append(out, info)
	}
	return out, it.Errors()
}

// verifyNoLeak closes what a test opened and checks that no goroutine of
// the fan-out, the pool or the transport outlives it.
func verifyNoLeak(t *testing.T, c *harbor.Client, srv *harbortest.Server, ignore goleak.Option) {
	t.Helper()
	c.Close()
	srv.Close()
	goleak.VerifyNone(t, ignore)
}

// Each fault kind on one repository's artifact listing (or one artifact's
// report) ends as one error of the right type naming the request and what
// it concerns, after exactly the tries the retry policy allows.
func TestFaultKindsEndAsTypedErrors(t *testing.T) {
	const artPath = "^/api/v2.0/projects/library/repositories/busybox/artifacts$"
	const repPath = "^/api/v2.0/projects/library/repositories/debian/artifacts/sha256:[0-9a-f]+/additions/vulnerabilities$"
	faults := []struct {
		name     string
		rule     harbortest.FailRule
		typ      string // "" = the call succeeds
		status   int
		requests int
	}{
		{"500 is not retried", harbortest.FailRule{Status: 500}, harbor.TypeInternalServerError, 500, 1},
		{"404 is not retried", harbortest.FailRule{Status: 404}, harbor.TypeNotFound, 404, 1},
		{"401 is never retried", harbortest.FailRule{Status: 401}, harbor.TypeUnauthorized, 401, 1},
		{"502 retried to the bound", harbortest.FailRule{Status: 502}, harbor.TypeStatusError, 502, faultTries},
		{"503 retried to the bound", harbortest.FailRule{Status: 503, RetryAfter: "0"}, harbor.TypeStatusError, 503, faultTries},
		{"429 retried to the bound", harbortest.FailRule{Status: 429, RetryAfter: "0"}, harbor.TypeTooManyRequests, 429, faultTries},
		{"503 twice then success", harbortest.FailRule{Status: 503, Times: 2}, "", 0, 3},
		{"429 once then success", harbortest.FailRule{Status: 429, RetryAfter: "0", Times: 1}, "", 0, 2},
		{"Retry-After beyond the time budget", harbortest.FailRule{Status: 429, RetryAfter: "3600"}, harbor.TypeTooManyRequests, 429, 1},
		{"reset mid-body retried", harbortest.FailRule{Kind: harbortest.FaultReset}, harbor.TypeTransportError, 200, faultTries},
		{"reset once then success", harbortest.FailRule{Kind: harbortest.FaultReset, Times: 1}, "", 0, 2},
		{"truncated JSON", harbortest.FailRule{Kind: harbortest.FaultTruncate}, harbor.TypeDecodeError, 200, 1},
		{"invalid JSON", harbortest.FailRule{Kind: harbortest.FaultInvalidJSON}, harbor.TypeDecodeError, 200, 1},
		{"slower than the timeout", harbortest.FailRule{Kind: harbortest.FaultSlow, Delay: 5 * time.Second}, harbor.TypeTimeoutError, 0, faultTries},
		{"hang", harbortest.FailRule{Kind: harbortest.FaultHang}, harbor.TypeTimeoutError, 0, faultTries},
	}
	for _, call := range bulkCalls {
		for _, f := range faults {
			t.Run(call.name+"/"+f.name, func(t *testing.T) {
				ignore := goleak.IgnoreCurrent()
				srv := harbortest.New(harbortest.Options{})
				c := faultClient(t, srv.Start(), 100*time.Millisecond)
				defer verifyNoLeak(t, c, srv, ignore)

				rule := f.rule
				rule.Method = http.MethodGet
				rule.Path = artPath
				wantURL, wantKey := "/api/v2.0/projects/library/repositories/busybox/artifacts?", "library/busybox (artifacts page 1)"
				if call.reports {
					rule.Path = repPath
					wantURL = "/api/v2.0/projects/library/repositories/debian/artifacts/sha256:b48bfa0255bc"
					wantKey = "library/debian@sha256:b48bfa0255bc"
				}
				var hits atomic.Int32
				rule.Match = func(*http.Request) bool { hits.Add(1); return true }
				srv.Fail(rule)

				infos, errs := call.run(context.Background(), c, Options{Projects: []string{"library"}})
				if got := int(hits.Load()); got != f.requests {
					t.Errorf("requests to the faulty endpoint: got %d, want %d", got, f.requests)
				}
				if f.typ == "" {
					if len(errs) != 0 {
						t.Fatalf("a transient fault within the retry budget must not fail: %v", errs)
					}
					return
				}
				if len(errs) != 1 {
					t.Fatalf("want exactly one error, got %v", errs)
				}
				he, ok := errs[0].(*harbor.Error)
				if !ok {
					t.Fatalf("error is %T, want *harbor.Error: %v", errs[0], errs[0])
				}
				if he.Type != f.typ || he.StatusCode != f.status {
					t.Errorf("got %s (%d), want %s (%d): %v", he.Type, he.StatusCode, f.typ, f.status, he)
				}
				if he.Request == nil || he.Request.Method != http.MethodGet || !strings.Contains(he.Request.URL, wantURL) {
					t.Errorf("request not named: %+v", he.Request)
				}
				if !strings.HasPrefix(he.Key, wantKey) {
					t.Errorf("key %q, want it to start with %q", he.Key, wantKey)
				}
				if msg := he.Error(); !strings.Contains(msg, "GET ") || !strings.Contains(msg, wantURL) {
					t.Errorf("message lacks method and URL: %s", msg)
				}
				for _, info := range infos {
					if strings.HasPrefix(wantKey, info.Repository.Name+" ") || strings.HasPrefix(wantKey, info.Repository.Name+"@"+info.Artifact.Digest) {
						t.Errorf("%s is both a result and an error", info.NameWithDigestFull())
					}
				}
			})
		}
	}
}

// A Retry-After of one second is waited for: the second try comes no
// sooner.
func TestRetryAfterIsHonoured(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	srv := harbortest.New(harbortest.Options{})
	c := faultClient(t, srv.Start(), time.Second)
	defer verifyNoLeak(t, c, srv, ignore)
	var hits atomic.Int32
	srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories/busybox/artifacts$", Status: 429, RetryAfter: "1", Times: 1,
		Match: func(*http.Request) bool { hits.Add(1); return true }})
	start := time.Now()
	_, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"library"}})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, before the Retry-After of 1s", d)
	}
	if hits.Load() != 2 {
		t.Errorf("requests: %d, want 2", hits.Load())
	}
}

// The server disappearing in the middle of a fan-out ends the call with
// errors naming what was not fetched, not with a hang or a lost repository.
func TestServerGoneMidFanOut(t *testing.T) {
	for _, call := range bulkCalls {
		t.Run(call.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 30, ArtifactsPerRepo: 2, VulnsPerReport: 1, Seed: 5})
			srv := harbortest.New(harbortest.Options{Dataset: ds, Latency: 5 * time.Millisecond})
			c := faultClient(t, srv.Start(), time.Second)
			defer verifyNoLeak(t, c, srv, ignore)
			var served atomic.Int32
			gone := make(chan struct{})
			srv.Fail(harbortest.FailRule{Kind: harbortest.FaultSlow, Match: func(*http.Request) bool {
				if served.Add(1) == 20 {
					close(gone)
				}
				return false
			}})
			go func() {
				<-gone
				srv.Close()
			}()
			start := time.Now()
			infos, errs := call.run(context.Background(), c, Options{MaxConnections: 4})
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v after the server went away", d)
			}
			if len(errs) == 0 {
				t.Fatal("no error although the server went away")
			}
			for _, err := range errs {
				he, ok := err.(*harbor.Error)
				if !ok || !he.IsA(harbor.TypeTransportError) || he.Request == nil || he.Key == "" {
					t.Errorf("want a keyed TransportError with its request, got %T %v", err, err)
				}
			}
			checkAccounting(t, ds, call.reports, nil, infos, errs)
		})
	}
}
