package harbor

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRepositoryNameWithSlash(t *testing.T) {
	mux, srv := harborServer(t)
	var mu sync.Mutex
	var uris, raws []string
	mux.HandleFunc("/api/v2.0/projects/mirrors/repositories/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		raws = append(raws, r.URL.EscapedPath())
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.EscapedPath(), "/artifacts"):
			w.Header().Set("X-Total-Count", "1")
			writeJSON(w, 200, `[{"id":9,"digest":"sha256:8a09905160ad96193c84d9169d45d7c50443915e7af8598194adaf7950a7c40e","repository_name":"mirrors/team/app","tags":[{"name":"1.0"}]}]`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(200)
		default:
			writeJSON(w, 200, `{"artifact_count":1,"creation_time":"2026-11-28T08:10:22.731Z","id":6,"name":"mirrors/team/app","project_id":2,"pull_count":0,"update_time":"2026-11-28T08:10:22.727Z"}`)
		}
	})
	c := newClient(t, srv, Options{})
	ctx := context.Background()
	repo, err := c.GetRepository(ctx, "mirrors", "team/app")
	if err != nil {
		t.Fatal(err)
	}
	if repo.Name != "mirrors/team/app" || repo.BaseName() != "team/app" || repo.ProjectName() != "mirrors" {
		t.Errorf("repository %q base %q project %q", repo.Name, repo.BaseName(), repo.ProjectName())
	}
	arts, err := c.GetArtifacts(ctx, "mirrors", "team/app", ArtifactOptions{WithTag: true}, ListOptions{})
	if err != nil || len(arts) != 1 {
		t.Fatalf("artifacts %v %v", arts, err)
	}
	if err := c.DeleteArtifact(ctx, "mirrors", "team/app", "1.0"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"/api/v2.0/projects/mirrors/repositories/team%252Fapp",
		"/api/v2.0/projects/mirrors/repositories/team%252Fapp/artifacts",
		"/api/v2.0/projects/mirrors/repositories/team%252Fapp/artifacts/1.0",
	}
	if len(raws) != len(want) {
		t.Fatalf("paths %v", raws)
	}
	for i, w := range want {
		if raws[i] != w || !strings.HasPrefix(uris[i], w) {
			t.Errorf("request %d went to %q (RequestURI %q), want %q", i, raws[i], uris[i], w)
		}
	}
	if !strings.Contains(uris[1], "page_size=100") || !strings.Contains(uris[1], "with_tag=true") {
		t.Errorf("artifact listing query %q", uris[1])
	}
}

func TestEscapeRepository(t *testing.T) {
	for in, want := range map[string]string{
		"alpine":        "alpine",
		"team/app":      "team%252Fapp",
		"a/b/c":         "a%252Fb%252Fc",
		"with space":    "with%2520space",
		"percent%name":  "percent%2525name",
		"sha256:abc":    "sha256:abc",
		"library/nginx": "library%252Fnginx",
	} {
		if got := EscapeRepository(in); got != want {
			t.Errorf("EscapeRepository(%q) = %q, want %q", in, got, want)
		}
	}
	p, r := SplitRepositoryName("mirrors/team/app")
	if p != "mirrors" || r != "team/app" {
		t.Errorf("SplitRepositoryName = %q %q", p, r)
	}
}

func TestDryRun(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		cnt.hit(r)
		w.Header().Set("X-Total-Count", "1")
		writeJSON(w, 200, `[{"name":"library","project_id":1}]`)
	})
	var out bytes.Buffer
	c := newClient(t, srv, Options{DryRun: true, DryRunOut: &out})
	ctx := context.Background()
	if !c.DryRun() {
		t.Fatal("DryRun() false")
	}
	if err := c.DeleteProject(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateProject(ctx, &ProjectReq{ProjectName: "scratch"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteArtifactTag(ctx, "library", "alpine", "latest", "old"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, &Request{Method: http.MethodPut, Path: "/projects/x", Body: map[string]any{"metadata": map[string]string{"public": "false"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, &Request{Method: http.MethodPatch, Path: "/projects/x"}); err != nil {
		t.Fatal(err)
	}
	if n := cnt.total(); n != 0 {
		t.Fatalf("dry run sent %d mutating requests", n)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	want := []string{
		"DRY-RUN DELETE /api/v2.0/projects/x",
		`DRY-RUN POST /api/v2.0/projects {"project_name":"scratch"}`,
		"DRY-RUN DELETE /api/v2.0/projects/library/repositories/alpine/artifacts/latest/tags/old",
		`DRY-RUN PUT /api/v2.0/projects/x {"metadata":{"public":"false"}}`,
		"DRY-RUN PATCH /api/v2.0/projects/x",
	}
	if len(lines) != len(want) {
		t.Fatalf("dry-run output:\n%s", out.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i, lines[i], want[i])
		}
	}
	ps, err := c.GetProjects(ctx, ListOptions{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("read during dry run: %v %v", ps, err)
	}
	if cnt.get("GET /api/v2.0/projects") != 1 {
		t.Error("read not sent during dry run")
	}
}

func TestGetProjectNumericName(t *testing.T) {
	mux, srv := harborServer(t)
	var hdr []string
	mux.HandleFunc("GET /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		hdr = append(hdr, r.PathValue("name")+"="+r.Header.Get("X-Is-Resource-Name"))
		writeJSON(w, 200, `{"name":"`+r.PathValue("name")+`","project_id":5,"metadata":{"public":"true"},"repo_count":2}`)
	})
	c := newClient(t, srv, Options{})
	p, err := c.GetProject(context.Background(), "2024")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "2024" || p.Metadata == nil || p.Metadata.Public != "true" || p.RepoCount != 2 {
		t.Errorf("project %+v", p)
	}
	if _, err := c.GetProject(context.Background(), "library"); err != nil {
		t.Fatal(err)
	}
	if len(hdr) != 2 || hdr[0] != "2024=true" || hdr[1] != "library=" {
		t.Errorf("X-Is-Resource-Name per request: %v", hdr)
	}
}

func TestWriteMethods(t *testing.T) {
	mux, srv := harborServer(t)
	type seen struct{ method, uri, body, ctype string }
	var mu sync.Mutex
	var got []seen
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.RequestURI, string(b), r.Header.Get("Content-Type")})
		mu.Unlock()
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/scan"):
			w.WriteHeader(202)
		case r.Method == http.MethodPost:
			w.Header().Set("Location", "/api/v2.0/projects/library/repositories/copy/artifacts/sha256:abc")
			w.WriteHeader(201)
		default:
			w.WriteHeader(200)
		}
	})
	c := newClient(t, srv, Options{})
	ctx := context.Background()
	loc, err := c.CopyArtifact(ctx, "library", "copy", "library/alpine:latest")
	if err != nil || !strings.HasSuffix(loc, "sha256:abc") {
		t.Fatalf("copy: %q %v", loc, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CreateArtifactTag(ctx, "library", "alpine", "latest", "v1"))
	must(c.DeleteArtifactTag(ctx, "library", "alpine", "latest", "v1"))
	must(c.ScanArtifact(ctx, "library", "alpine", "sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e"))
	must(c.AddArtifactLabel(ctx, "library", "alpine", "latest", 1))
	must(c.DeleteRepository(ctx, "library", "team/app"))
	want := []seen{
		{"POST", "/api/v2.0/projects/library/repositories/copy/artifacts?from=library%2Falpine%3Alatest", "", ""},
		{"POST", "/api/v2.0/projects/library/repositories/alpine/artifacts/latest/tags", `{"name":"v1"}`, "application/json"},
		{"DELETE", "/api/v2.0/projects/library/repositories/alpine/artifacts/latest/tags/v1", "", ""},
		{"POST", "/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e/scan", "", ""},
		{"POST", "/api/v2.0/projects/library/repositories/alpine/artifacts/latest/labels", `{"id":1}`, "application/json"},
		{"DELETE", "/api/v2.0/projects/library/repositories/team%252Fapp", "", ""},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("requests %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestGetArtifactVulnerabilities(t *testing.T) {
	mux, srv := harborServer(t)
	var accept []string
	mux.HandleFunc("GET /api/v2.0/projects/library/repositories/{repo}/artifacts/latest/additions/vulnerabilities", func(w http.ResponseWriter, r *http.Request) {
		accept = append(accept, r.Header.Get("X-Accept-Vulnerabilities"))
		if r.PathValue("repo") == "busybox" {
			writeJSON(w, 200, `{}`)
			return
		}
		writeJSON(w, 200, alpineReport)
	})
	c := newClient(t, srv, Options{})
	ctx := context.Background()
	rep, err := c.GetArtifactVulnerabilities(ctx, "library", "alpine", "latest")
	if err != nil {
		t.Fatal(err)
	}
	if rep == nil || len(rep.Vulnerabilities) != 3 || rep.Severity != "High" {
		t.Fatalf("report %+v", rep)
	}
	rep, err = c.GetArtifactVulnerabilities(ctx, "library", "busybox", "latest")
	if err != nil || rep != nil {
		t.Fatalf("unscanned artifact: %+v %v", rep, err)
	}
	for _, a := range accept {
		for _, m := range ReportMIMETypes {
			if !strings.Contains(a, m) {
				t.Errorf("X-Accept-Vulnerabilities %q lacks %q", a, m)
			}
		}
	}
}

func TestArtifactOptionsQuery(t *testing.T) {
	mux, srv := harborServer(t)
	var queries []string
	mux.HandleFunc("GET /api/v2.0/projects/library/repositories/alpine/artifacts/{ref}", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		writeJSON(w, 200, `{"id":2,"digest":"sha256:4297"}`)
	})
	c := newClient(t, srv, Options{})
	if _, err := c.GetArtifact(context.Background(), "library", "alpine", "latest", DefaultArtifactOptions); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetArtifact(context.Background(), "library", "alpine", "latest", ArtifactOptions{}); err != nil {
		t.Fatal(err)
	}
	if queries[0] != "with_label=true&with_scan_overview=true&with_tag=true" {
		t.Errorf("default options sent %q", queries[0])
	}
	// with_tag defaults to true on the server: false must be said.
	if queries[1] != "with_tag=false" {
		t.Errorf("zero options sent %q", queries[1])
	}
}

func TestSimpleReads(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, usersCurrent) })
	mux.HandleFunc("GET /api/v2.0/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"components":[{"name":"core","status":"healthy"},{"error":"dial tcp: lookup portal","name":"portal","status":"unhealthy"}],"status":"unhealthy"}`)
	})
	mux.HandleFunc("GET /api/v2.0/projects/library/repositories/alpine/artifacts/latest/tags", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Total-Count", "2")
		writeJSON(w, 200, `[{"artifact_id":2,"id":2,"immutable":false,"name":"3.19","pull_time":"0001-01-01T00:00:00.000Z","push_time":"2026-11-28T08:10:21.038Z","repository_id":1},{"artifact_id":2,"id":1,"immutable":false,"name":"latest","pull_time":"2026-11-28T08:10:20.915Z","push_time":"2026-11-28T08:10:20.788Z","repository_id":1}]`)
	})
	c := newClient(t, srv, Options{Username: "admin", Secret: "Harbor12345"})
	ctx := context.Background()
	u, err := c.GetCurrentUser(ctx)
	if err != nil || u.Username != "admin" || !u.SysadminFlag || u.UserID != 1 {
		t.Fatalf("current user %+v %v", u, err)
	}
	h, err := c.HealthCheck(ctx)
	if err != nil || h.Status != "unhealthy" || len(h.Components) != 2 || h.Components[1].Error == "" {
		t.Fatalf("health %+v %v", h, err)
	}
	tags, err := c.GetArtifactTags(ctx, "library", "alpine", "latest", ListOptions{})
	if err != nil || len(tags) != 2 || tags[1].Name != "latest" || !tags[0].PullTime.IsZero() {
		t.Fatalf("tags %+v %v", tags, err)
	}
}

func TestDoJSONAndRawRequests(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "Pong")
	})
	mux.HandleFunc("GET /api/v2.0/search", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"project":[],"repository":[{"project_name":"library","repository_name":"library/alpine"}],"q":"`+r.URL.Query().Get("q")+`"}`)
	})
	c := newClient(t, srv, Options{})
	ctx := context.Background()
	resp, err := c.Do(ctx, &Request{Path: "ping"})
	if err != nil || string(resp.Body) != "Pong" || resp.Total != -1 || resp.Request.Method != "GET" {
		t.Fatalf("ping: %+v %v", resp, err)
	}
	var out map[string]any
	if _, err := c.DoJSON(ctx, &Request{Path: "/search", Query: map[string][]string{"q": {"alp ine"}}}, &out); err != nil {
		t.Fatal(err)
	}
	if out["q"] != "alp ine" {
		t.Errorf("q round trip: %v", out["q"])
	}
	_, err = c.Do(ctx, &Request{Method: http.MethodPost, Path: "/search", Body: func() {}})
	wantValueError(t, err, "JSON")
}

func TestHarborLinksUsableAsPaths(t *testing.T) {
	mux, srv := harborServer(t)
	var got []string
	mux.HandleFunc("GET /api/v2.0/projects/library/repositories/alpine/artifacts/{ref}/additions/build_history", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.RequestURI)
		writeJSON(w, 200, `[{"created":"2024-01-02T03:04:05Z","created_by":"/bin/sh -c #(nop) CMD [\"/bin/sh\"]"}]`)
	})
	c := newClient(t, srv, Options{})
	// An addition_links href, as the artifact carries it.
	href := "/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:4297b2888c328dbb0a3b66ba6801d6fcc00e4640cf29e8eb22b1de8c68a99c0e/additions/build_history"
	for _, p := range []string{href, strings.TrimPrefix(href, "/api/v2.0")} {
		if _, err := c.Do(context.Background(), &Request{Path: p}); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if len(got) != 2 || got[0] != href || got[1] != href {
		t.Errorf("requests %v", got)
	}
}
