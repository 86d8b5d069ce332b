package harbortest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"
)

const artifactsTmpl = "/projects/{project_name}/repositories/{repository_name}/artifacts"

func TestFaultStatusEveryAndTimes(t *testing.T) {
	s, base := startServer(t, Options{})
	s.Fail(FailRule{Method: "GET", Path: artifactsTmpl, Status: 503, RetryAfter: "2", Every: 2, Times: 2})
	path := "/api/v2.0/projects/library/repositories/alpine/artifacts"
	var got []int
	for i := 0; i < 6; i++ {
		r := do(t, base, "GET", path, "", asAdmin)
		got = append(got, r.status)
		if r.status == 503 && r.header.Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	if want := []int{200, 503, 200, 503, 200, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories", "", asAdmin), 200)
	s.ClearFailures()
	s.Fail(FailRule{Path: `^/api/v2\.0/projects/library/`, Status: 429})
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories", "", asAdmin), 429, "TOO_MANY_REQUESTS", "")
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/mirrors/repositories", "", asAdmin), 200)
	s.ClearFailures()
	s.Fail(FailRule{Match: func(r *http.Request) bool { return r.URL.Query().Get("page") == "2" }})
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects?page=2&page_size=1", "", asAdmin), 500)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects?page=1&page_size=1", "", asAdmin), 200)
}

func TestFaultBodies(t *testing.T) {
	s, base := startServer(t, Options{})
	path := "/api/v2.0/projects/library/repositories/alpine/artifacts"
	for _, kind := range []string{FaultTruncate, FaultInvalidJSON} {
		s.ClearFailures()
		s.Fail(FailRule{Path: artifactsTmpl, Kind: kind})
		r := do(t, base, "GET", path, "", asAdmin)
		var v any
		if r.status != 200 || json.Unmarshal(r.body, &v) == nil {
			t.Errorf("%s: status %d, body parses as JSON: %q", kind, r.status, r.body)
		}
	}
	s.ClearFailures()
	s.Fail(FailRule{Path: artifactsTmpl, Kind: FaultReset})
	res, err := http.Get(base + path)
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err == nil {
		t.Error("reset: the body was read without error")
	}
}

func TestFaultHangAndSlow(t *testing.T) {
	s, base := startServer(t, Options{})
	s.Fail(FailRule{Path: "/ping", Kind: FaultHang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v2.0/ping", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("hang: got an answer")
	}
	wantStatus(t, do(t, base, "GET", "/api/v2.0/ping", ""), 200)
	s.Fail(FailRule{Path: "/health", Kind: FaultSlow, Delay: 80 * time.Millisecond})
	start := time.Now()
	wantStatus(t, do(t, base, "GET", "/api/v2.0/health", ""), 200)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("slow answered after %v", d)
	}
}

func TestStatsCountRoutesAndConcurrency(t *testing.T) {
	s, base := startServer(t, Options{Latency: 50 * time.Millisecond})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get(base + "/api/v2.0/projects/library/repositories")
			if err == nil {
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	if st.Total != 6 || st.PerEndpoint["GET /projects/{project_name}/repositories"] != 6 {
		t.Fatalf("stats %+v", st)
	}
	if st.MaxInFlight < 2 || st.MaxInFlight > 6 {
		t.Fatalf("max in flight %d for 6 concurrent slow requests", st.MaxInFlight)
	}
	s.ResetStats()
	s.SetLatency(0)
	do(t, base, "GET", "/api/v2.0/nope", "")
	if st := s.Stats(); st.Total != 1 || st.PerEndpoint["GET (no route)"] != 1 || st.MaxInFlight != 1 {
		t.Fatalf("after reset %+v", st)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	spec := GenSpec{Projects: 3, ReposPerProject: 4, ArtifactsPerRepo: 5, VulnsPerReport: 6, Seed: 7}
	ja, _ := json.Marshal(Generate(spec))
	jb, _ := json.Marshal(Generate(spec))
	if !bytes.Equal(ja, jb) {
		t.Fatal("two generations of one spec differ")
	}
	spec.Seed = 8
	if c, _ := json.Marshal(Generate(spec)); bytes.Equal(ja, c) {
		t.Fatal("another seed gave the same data")
	}
}

func TestGenerateBenchmarkSize(t *testing.T) {
	start := time.Now()
	d := Generate(GenSpec{Projects: 10, ReposPerProject: 100, ArtifactsPerRepo: 10, VulnsPerReport: 50, Seed: 7})
	if el := time.Since(start); el > 2*time.Second && !raceEnabled {
		t.Errorf("generating 10x100x10 took %v", el)
	}
	_, base := startServer(t, Options{Dataset: d})
	r := do(t, base, "GET", "/api/v2.0/repositories?page_size=100", "", asAdmin)
	if r.header.Get("X-Total-Count") != "1000" {
		t.Fatalf("generated repositories: %s", r.header.Get("X-Total-Count"))
	}
	r = do(t, base, "GET", "/api/v2.0/projects/project-001/repositories/repo-001/artifacts?with_scan_overview=true", "", asAdmin)
	var arts []artifactJSON
	r.decode(t, &arts)
	if len(arts) != 10 || arts[0].ScanOverview[MimeGenericReport].Summary.Total != 50 {
		t.Fatalf("generated artifacts: %d", len(arts))
	}
}

func TestEmbeddedSeedMatchesTestdata(t *testing.T) {
	want, err := os.ReadFile("../../testdata/registry/registry.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, seedJSON) {
		t.Fatal("seed/registry.json differs from testdata/registry/registry.json: run go generate ./harbor/harbortest")
	}
	if _, err := LoadDataset(bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDataset(bytes.NewReader([]byte(`{"projects":[{"name":"a"},{"name":"a"}]}`))); err == nil {
		t.Fatal("a dataset with a project twice was accepted")
	}
}

func TestListenServesOnARealListener(t *testing.T) {
	s := New(Options{})
	base, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL() != base {
		t.Fatalf("URL %q, Listen said %q", s.URL(), base)
	}
	wantStatus(t, do(t, base, "GET", "/api/v2.0/systeminfo", "", asAdmin), 200)
	if _, err := s.Listen("127.0.0.1:0"); err == nil {
		t.Fatal("a second Listen was accepted")
	}
}
