package ext

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

func TestMain(m *testing.M) {
	// IgnoreCurrent skips ants' package-level default pool, started at init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(), goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

func newServer(t *testing.T, opts harbortest.Options) (*harbortest.Server, *harbor.Client) {
	t.Helper()
	srv := harbortest.New(opts)
	url := srv.Start()
	t.Cleanup(srv.Close)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword,
		Retry: harbor.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return srv, c
}

// infoNames renders results as "repo@digest-prefix" sorted, for comparison.
func infoNames(infos []*ArtifactInfo) []string {
	out := make([]string, 0, len(infos))
	for _, i := range infos {
		out = append(out, i.Repository.Name+"@"+i.Artifact.Digest[7:19])
	}
	sort.Strings(out)
	return out
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func noErrors(t *testing.T, errs []error) {
	t.Helper()
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
}

func TestGetArtifactsOfProject(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"library"}})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	// The index's children are not listed as artifacts of their own.
	equal(t, infoNames(infos), []string{"library/alpine@f7b434c7814e", "library/alpine@4297b2888c32",
		"library/busybox@5ccc06cea2ff", "library/debian@b48bfa0255bc"})
	for _, i := range infos {
		if i.Report != nil {
			t.Errorf("%s: get_artifacts must not fetch reports", i.Repository.Name)
		}
	}
}

// harborapi's second ext.api example: several projects, base names, a tag.
func TestGetArtifactsExampleTwo(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	infos, errs := GetArtifacts(context.Background(), c, Options{
		Projects:     []string{"library", "mirrors"},
		Repositories: []string{"alpine", "busybox", "debian", "internal-repo"},
		Tag:          "latest",
	})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	equal(t, infoNames(infos), []string{"library/alpine@4297b2888c32", "library/busybox@5ccc06cea2ff",
		"library/debian@b48bfa0255bc", "mirrors/alpine@6485b7997b08", "mirrors/internal-repo@996c508d0ea7"})
}

func TestTagWinsOverQuery(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"team-a"}, Repositories: []string{"backend/api"},
		Tag: "1.0.0", Query: "tags=prod"})
	noErrors(t, errs)
	equal(t, infoNames(infos), []string{"team-a/backend/api@6aaa1ba7928b"})
	infos, errs = GetArtifacts(context.Background(), c, Options{Projects: []string{"team-a"}, Repositories: []string{"backend/api"},
		Query: "tags=prod"})
	noErrors(t, errs)
	equal(t, infoNames(infos), []string{"team-a/backend/api@62679e81c80c"})
}

func TestRepositoryFullAndBaseNames(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	full, errs := GetArtifacts(context.Background(), c, Options{Repositories: []string{"mirrors/alpine"}})
	noErrors(t, errs)
	equal(t, infoNames(full), []string{"mirrors/alpine@6485b7997b08"})
	base, errs := GetArtifacts(context.Background(), c, Options{Repositories: []string{"alpine"}})
	noErrors(t, errs)
	equal(t, infoNames(base), []string{"library/alpine@f7b434c7814e", "library/alpine@4297b2888c32", "mirrors/alpine@6485b7997b08"})
}

func TestUnmatchedNamesAreNotFound(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"library", "nosuchproject"},
		Repositories: []string{"alpine", "nosuchrepo"}})
	equal(t, infoNames(infos), []string{"library/alpine@f7b434c7814e", "library/alpine@4297b2888c32"})
	if len(errs) != 2 {
		t.Fatalf("want 2 errors (project and repository), got %v", errs)
	}
	keys := map[string]string{}
	for _, err := range errs {
		he := err.(*harbor.Error)
		if !he.IsA(harbor.TypeNotFound) {
			t.Errorf("%v: want NotFound", err)
		}
		keys[he.Key] = he.Message
	}
	if _, ok := keys["nosuchproject"]; !ok {
		t.Errorf("missing project not reported: %v", keys)
	}
	if !strings.Contains(keys["nosuchrepo"], "matched nothing") {
		t.Errorf("missing repository not reported: %v", keys)
	}
}

func TestInjectedFailuresBecomeErrors(t *testing.T) {
	srv, c := newServer(t, harbortest.Options{})
	srv.Fail(harbortest.FailRule{Method: http.MethodGet, Path: "^/api/v2.0/projects/library/repositories/busybox/artifacts$", Status: 500})
	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"library"}})
	equal(t, infoNames(infos), []string{"library/alpine@f7b434c7814e", "library/alpine@4297b2888c32", "library/debian@b48bfa0255bc"})
	if len(errs) != 1 {
		t.Fatalf("want exactly the injected failure, got %v", errs)
	}
	he := errs[0].(*harbor.Error)
	if he.Type != harbor.TypeInternalServerError || he.StatusCode != 500 || he.Request.Method != "GET" ||
		!strings.Contains(he.Request.URL, "/projects/library/repositories/busybox/artifacts") || he.Key == "" {
		t.Errorf("unexpected error %#v %#v", he, he.Request)
	}
}

func TestVulnerabilitiesOnlyForSucceededScans(t *testing.T) {
	srv, c := newServer(t, harbortest.Options{})
	infos, errs := GetArtifactVulnerabilities(context.Background(), c, Options{})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	equal(t, infoNames(infos), []string{"library/alpine@4297b2888c32", "library/debian@b48bfa0255bc", "mirrors/alpine@6485b7997b08",
		"team-a/backend/api@6aaa1ba7928b", "team-a/backend/api@f56efac3cc12", "team-a/backend/api@62679e81c80c",
		"team-a/frontend/web@8fdd103bafe9", "team-a/java-app@375ff3839f86", "team-a/java-app@2b7e4145b52e",
		"legacy/openssl-app@4c11102cc19c"})
	for _, i := range infos {
		if i.Report == nil || len(i.Report.Vulnerabilities) == 0 {
			t.Errorf("%s: report not fetched", i.NameWithDigest())
		}
	}
	// One report request per scanned artifact, none for the others.
	if n := srv.Stats().PerEndpoint["GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/vulnerabilities"]; n != 10 {
		t.Errorf("report requests: got %d, want 10", n)
	}
	tagged, errs := GetArtifactVulnerabilities(context.Background(), c, Options{Projects: []string{"team-a"}, Tags: []string{"prod", "3.4.1"}})
	noErrors(t, errs)
	equal(t, infoNames(tagged), []string{"team-a/backend/api@62679e81c80c", "team-a/java-app@375ff3839f86"})
}

func TestRequestCountIsTheLowerBound(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 3, ReposPerProject: 120, ArtifactsPerRepo: 3, Seed: 1})
	srv, c := newServer(t, harbortest.Options{Dataset: ds})
	if _, err := c.GetCurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.ResetStats()
	infos, errs := GetArtifacts(context.Background(), c, Options{})
	if len(errs) != 0 || len(infos) != 3*120*3 {
		t.Fatalf("got %d artifacts, errors %v", len(infos), errs)
	}
	// ceil(360/100) repository pages + one artifact page per repository.
	if got, want := srv.Stats().Total, int64(4+360); got != want {
		t.Errorf("requests: got %d, want %d (%v)", got, want, srv.Stats().PerEndpoint)
	}
}

func TestInFlightBoundedByMaxConnections(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 20, ArtifactsPerRepo: 2, Seed: 2})
	srv, c := newServer(t, harbortest.Options{Dataset: ds, Latency: 5 * time.Millisecond})
	for _, max := range []int{1, 3, 7} {
		srv.ResetStats()
		if _, errs := GetArtifacts(context.Background(), c, Options{MaxConnections: max}); len(errs) != 0 {
			t.Fatal(errs)
		}
		if got := srv.Stats().MaxInFlight; got != int64(max) {
			t.Errorf("max_connections %d: max in flight %d", max, got)
		}
	}
}

func TestCancelMidFanOutReturnsPromptly(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 50, ArtifactsPerRepo: 2, Seed: 3})
	_, c := newServer(t, harbortest.Options{Dataset: ds, Latency: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, errs := GetArtifacts(ctx, c, Options{})
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned %v after the cancel", d-200*time.Millisecond)
	}
	if len(errs) == 0 {
		t.Error("a cancelled call must report what it did not finish")
	}
}

func TestGetRepositoriesAndFilterLatest(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	repos, errs := GetRepositories(context.Background(), c, []string{"team-a", "legacy"}, 5)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, r := range repos {
		got = append(got, r.Name)
	}
	equal(t, got, []string{"team-a/backend/api", "team-a/frontend/web", "team-a/java-app", "legacy/openssl-app", "legacy/old-base"})

	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"team-a"}})
	noErrors(t, errs)
	equal(t, infoNames(FilterArtifactsLatest(infos, nil)), []string{"team-a/backend/api@62679e81c80c",
		"team-a/frontend/web@8fdd103bafe9", "team-a/java-app@2b7e4145b52e"})
}

func TestGetArtifactAndOwner(t *testing.T) {
	_, c := newServer(t, harbortest.Options{})
	info, err := GetArtifact(context.Background(), c, "library", "alpine", "latest", true)
	if err != nil {
		t.Fatal(err)
	}
	if info.Artifact.Digest[7:19] != "4297b2888c32" || info.Report == nil || len(info.Report.Vulnerabilities) != 3 {
		t.Errorf("unexpected %+v", info)
	}
	owner, err := GetArtifactOwner(context.Background(), c, info.Artifact)
	if err != nil || owner.Username != "admin" {
		t.Errorf("owner %+v, %v", owner, err)
	}
	if _, err := GetArtifact(context.Background(), c, "library", "alpine", "nosuchtag", true); !harbor.IsType(err, harbor.TypeNotFound) {
		t.Errorf("missing tag: %v", err)
	}
}

func TestProgressNeverRunsBackwards(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 30, ArtifactsPerRepo: 3, VulnsPerReport: 2, Seed: 5})
	_, c := newServer(t, harbortest.Options{Dataset: ds})
	var last Progress
	calls := 0
	_, errs := GetArtifactVulnerabilities(context.Background(), c, Options{MaxConnections: 8, Progress: func(p Progress) {
		calls++ // serialised by the pipeline: no lock needed here
		if p.Done < last.Done || p.Total < last.Total || p.Done > p.Total {
			t.Errorf("progress went from %+v to %+v", last, p)
		}
		last = p
	}})
	if len(errs) != 0 || calls == 0 || last.Done != last.Total || last.Failed != 0 {
		t.Errorf("final progress %+v after %d reports, errors %v", last, calls, errs)
	}
}

// Results come back as Harbor lists them, whatever order the concurrent
// pages and reports finish in: by repository name, then by each
// repository's own listing order across its pages.
func TestResultsInListingOrder(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 3, ArtifactsPerRepo: 230, VulnsPerReport: 1, Seed: 6})
	_, c := newServer(t, harbortest.Options{Dataset: ds})
	ctx := context.Background()
	repos, err := c.GetRepositories(ctx, "", harbor.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(repos, func(i, j int) bool { return repos[i].Name < repos[j].Name })
	var want []string
	for _, r := range repos {
		project, base := harbor.SplitRepositoryName(r.Name)
		arts, err := c.GetArtifacts(ctx, project, base, harbor.ArtifactOptions{}, harbor.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			want = append(want, r.Name+"@"+a.Digest)
		}
	}
	if len(want) != 2*3*230 {
		t.Fatalf("the dataset lists %d artifacts, want %d", len(want), 2*3*230)
	}
	for name, get := range map[string]func(context.Context, *harbor.Client, Options) ([]*ArtifactInfo, []error){
		"GetArtifacts": GetArtifacts, "GetArtifactVulnerabilities": GetArtifactVulnerabilities,
	} {
		infos, errs := get(ctx, c, Options{MaxConnections: 8})
		if len(errs) != 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		got := make([]string, len(infos))
		for i, info := range infos {
			got[i] = info.Repository.Name + "@" + info.Artifact.Digest
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: results are not in listing order", name)
		}
	}
}

// A call whose context has already ended asks nothing and says so with the
// same kind of error as any other failure.
func TestCallWithEndedContext(t *testing.T) {
	srv, c := newServer(t, harbortest.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv.ResetStats()
	infos, errs := GetArtifacts(ctx, c, Options{})
	if len(infos) != 0 || len(errs) != 1 {
		t.Fatalf("got %d results, errors %v", len(infos), errs)
	}
	he, ok := errs[0].(*harbor.Error)
	if !ok || he.Type != harbor.TypeTransportError || he.Key != "*" {
		t.Errorf("error %#v", errs[0])
	}
	if n := srv.Stats().Total; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
