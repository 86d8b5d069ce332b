package ext

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

const (
	routeReports   = "GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/vulnerabilities"
	routeArtifacts = "GET /projects/{project_name}/repositories/{repository_name}/artifacts"
)

func genServer(t *testing.T, spec harbortest.GenSpec, latency time.Duration) (*harbortest.Server, *harbor.Client) {
	t.Helper()
	return newServer(t, harbortest.Options{Dataset: harbortest.Generate(spec), Latency: latency})
}

func TestIterateYieldsEveryArtifactOnce(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 3, ReposPerProject: 4, ArtifactsPerRepo: 130, VulnsPerReport: 3, Seed: 7}
	for _, reports := range []bool{false, true} {
		_, hc := genServer(t, spec, 0)
		it := Iterate(context.Background(), hc, Options{MaxConnections: 3}, reports, 8)
		seen := map[string]int{}
		for info, ok := it.Next(); ok; info, ok = it.Next() {
			seen[info.Repository.Name+"@"+info.Artifact.Digest]++
			if reports && info.Report == nil {
				t.Errorf("%s: no report", info.Repository.Name)
			}
		}
		if errs := it.Errors(); len(errs) != 0 {
			t.Fatalf("reports=%v: errors %v", reports, errs)
		}
		want := spec.Projects * spec.ReposPerProject * spec.ArtifactsPerRepo
		if len(seen) != want {
			t.Errorf("reports=%v: %d distinct artifacts, want %d", reports, len(seen), want)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("reports=%v: %s yielded %d times", reports, k, n)
			}
		}
	}
}

// A consumer that stops reading must stop the fetch too: no more reports
// are fetched than the window and the workers can hold.
func TestIterateWindowBoundsFetchAhead(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 2, ReposPerProject: 3, ArtifactsPerRepo: 40, VulnsPerReport: 2, Seed: 1}
	srv, hc := genServer(t, spec, 0)
	const window, conns = 5, 3
	it := Iterate(context.Background(), hc, Options{MaxConnections: conns}, true, window)
	defer it.Close()
	consumed := 0
	for round := 0; round < 4; round++ {
		waitFor(t, func() bool { return it.Buffered() == window })
		// Let any worker that was about to hand over a result get there.
		time.Sleep(20 * time.Millisecond)
		fetched := srv.Stats().PerEndpoint[routeReports]
		// Each connection and each decoder may hold one more.
		bound := window + conns + runtime.GOMAXPROCS(0)
		if ahead := fetched - consumed; ahead > bound {
			t.Fatalf("round %d: %d reports fetched ahead of the consumer, want at most window+connections+decoders = %d", round, ahead, bound)
		}
		for i := 0; i < 3; i++ {
			if _, ok := it.Next(); !ok {
				t.Fatal("iteration ended early")
			}
			consumed++
		}
	}
}

func TestIterateCloseCancels(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 2, ReposPerProject: 10, ArtifactsPerRepo: 30, VulnsPerReport: 2, Seed: 3}
	srv, hc := genServer(t, spec, 2*time.Millisecond)
	it := Iterate(context.Background(), hc, Options{MaxConnections: 4}, true, 4)
	for i := 0; i < 5; i++ {
		if _, ok := it.Next(); !ok {
			t.Fatal("iteration ended early")
		}
	}
	errs := it.Close()
	if len(errs) != 0 {
		t.Errorf("Close reported its own cancellations: %v", errs)
	}
	// Requests already on the wire when Close cancelled them may still
	// reach the server; after that the count must stand still.
	time.Sleep(50 * time.Millisecond)
	after := srv.Stats().Total
	time.Sleep(50 * time.Millisecond)
	if again := srv.Stats().Total; again != after {
		t.Errorf("requests kept coming after Close: %d, then %d", after, again)
	}
	all := 1 + 1 + spec.Projects*spec.ReposPerProject*(1+spec.ArtifactsPerRepo)
	if after >= int64(all) {
		t.Errorf("Close came after the whole registry was fetched (%d requests of %d)", after, all)
	}
	if _, ok := it.Next(); ok {
		// Results already in the window may still be read; the channel
		// must end.
		for _, ok := it.Next(); ok; _, ok = it.Next() {
		}
	}
}

// recorder notes when each request starts and ends, in order.
type recorder struct {
	mu     sync.Mutex
	events []string
	next   http.RoundTripper
}

func (r *recorder) note(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.EscapedPath()
	r.note("start " + path)
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		// The page is complete once its body has been read.
		resp.Body = &endNote{ReadCloser: resp.Body, done: func() { r.note("end " + path) }}
	}
	return resp, err
}

type endNote struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (e *endNote) Close() error {
	err := e.ReadCloser.Close()
	e.once.Do(e.done)
	return err
}

// Results flow while listings still arrive: reports are asked for before
// the last repository page has been answered.
func TestFetchIsPipelined(t *testing.T) {
	spec := harbortest.GenSpec{Projects: 1, ReposPerProject: 250, ArtifactsPerRepo: 1, VulnsPerReport: 1, Seed: 5}
	srv := harbortest.New(harbortest.Options{Dataset: harbortest.Generate(spec), Latency: 2 * time.Millisecond})
	url := srv.Start()
	t.Cleanup(srv.Close)
	rec := &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	infos, errs := GetArtifactVulnerabilities(context.Background(), c, Options{Projects: []string{"project-001"}, MaxConnections: 3})
	if len(errs) != 0 || len(infos) != 250 {
		t.Fatalf("%d infos, errors %v", len(infos), errs)
	}
	firstReport, lastRepoPage := -1, -1
	for i, e := range rec.events {
		switch {
		case firstReport < 0 && strings.HasPrefix(e, "start ") && strings.HasSuffix(e, "/additions/vulnerabilities"):
			firstReport = i
		case strings.HasPrefix(e, "end ") && strings.HasSuffix(e, "/project-001/repositories"):
			lastRepoPage = i
		}
	}
	if firstReport < 0 || lastRepoPage < 0 {
		t.Fatalf("missing requests in %d events", len(rec.events))
	}
	if firstReport > lastRepoPage {
		t.Errorf("first report requested at event %d, after the last repository page ended at %d", firstReport, lastRepoPage)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
