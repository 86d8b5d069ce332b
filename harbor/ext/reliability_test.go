package ext

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

const (
	tAllRepos  = "/repositories"
	tRepos     = "/projects/{project_name}/repositories"
	tArtifacts = "/projects/{project_name}/repositories/{repository_name}/artifacts"
	tReport    = tArtifacts + "/{reference}/additions/vulnerabilities"
)

var (
	artifactPageKey   = regexp.MustCompile(`^(.+) \(artifacts page (\d+)\)$`)
	repositoryPageKey = regexp.MustCompile(`^(.+) \(repositories page (\d+)\)$`)
)

// accountingDataset has two projects of 101 repositories (two repository
// pages each) and one repository of 151 artifacts (two artifact pages), so
// every kind of page can fail.
func accountingDataset() *harbortest.Dataset {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 2, ReposPerProject: 101, ArtifactsPerRepo: 1, VulnsPerReport: 1, Seed: 11})
	big := harbortest.Generate(harbortest.GenSpec{Projects: 1, ReposPerProject: 1, ArtifactsPerRepo: 150, VulnsPerReport: 1, Seed: 12})
	repo := ds.Projects[0].Repositories[0]
	for _, a := range big.Projects[0].Repositories[0].Artifacts {
		a.ID += 1_000_000
		for _, tag := range a.Tags {
			tag.ID += 1_000_000
		}
		repo.Artifacts = append(repo.Artifacts, a)
	}
	return ds
}

// checkAccounting asserts the accounting invariant: every artifact the call
// was asked about, taken from the simulator's dataset, is either a result or
// covered by the Key of a returned error (the artifact itself, the page of
// its repository's listing, or the project or repository page that would
// have named its repository). A page failure covers at most one page of
// items, so a page key cannot hide more than it could have held.
func checkAccounting(t *testing.T, ds *harbortest.Dataset, reports bool, repos []string, infos []*ArtifactInfo, errs []error) {
	t.Helper()
	got := map[string]int{}
	for _, info := range infos {
		got[info.Repository.Name+"@"+info.Artifact.Digest]++
		if reports && info.Report == nil {
			t.Errorf("%s returned without its report", info.NameWithDigestFull())
		}
	}
	keys := map[string]bool{}
	artPages := map[string]int{}  // repository → failed artifact pages
	repoPages := map[string]int{} // project or "*" → failed repository pages
	for _, err := range errs {
		he, ok := err.(*harbor.Error)
		if !ok {
			t.Errorf("error %T is not a *harbor.Error: %v", err, err)
			continue
		}
		if he.Key == "" {
			t.Errorf("error without a key: %v", he)
		}
		if he.Request == nil && !he.IsA(harbor.TypeNotFound) {
			t.Errorf("error without its request: %v", he)
		}
		keys[he.Key] = true
		if m := artifactPageKey.FindStringSubmatch(he.Key); m != nil {
			artPages[m[1]]++
		}
		if m := repositoryPageKey.FindStringSubmatch(he.Key); m != nil {
			repoPages[m[1]]++
		}
	}
	selected := func(full, base string) bool {
		if len(repos) == 0 {
			return true
		}
		for _, r := range repos {
			if r == full || r == base {
				return true
			}
		}
		return false
	}
	missingArts := map[string]int{}
	missingRepos := map[string]int{}
	universe := 0
	for _, p := range ds.Projects {
		for _, r := range p.Repositories {
			full := p.Name + "/" + r.Name
			if !selected(full, r.Name) {
				continue
			}
			repoCounted := false
			for _, a := range r.Artifacts {
				if a.Child || (reports && (a.Scan == nil || a.Scan.Status != "Success")) {
					continue
				}
				universe++
				id := full + "@" + a.Digest
				switch n := got[id]; {
				case n > 1:
					t.Errorf("%s returned %d times", id, n)
				case n == 1:
				case keys[id]:
				case artPages[full] > 0:
					missingArts[full]++
				case keys[p.Name] || keys["*"]:
				case repoPages[p.Name]+repoPages["*"] > 0:
					if !repoCounted {
						repoCounted = true
						missingRepos[p.Name]++
					}
				default:
					t.Errorf("%s is neither a result nor named by an error", id)
				}
				delete(got, id)
			}
		}
	}
	for id := range got {
		t.Errorf("%s returned but not asked for", id)
	}
	for repo, n := range missingArts {
		if n > artPages[repo]*harbor.MaxPageSize {
			t.Errorf("%s: %d artifacts missing behind %d failed pages", repo, n, artPages[repo])
		}
	}
	for project, n := range missingRepos {
		if pages := repoPages[project] + repoPages["*"]; n > pages*harbor.MaxPageSize {
			t.Errorf("%s: %d repositories missing behind %d failed pages", project, n, pages)
		}
	}
	if universe == 0 {
		t.Error("the selection is empty: the check proves nothing")
	}
}

// faultMixes are sets of rules on the repository, artifact and report
// endpoints; seed shifts their rhythm so that different requests fail.
var faultMixes = []struct {
	name  string
	rules func(seed int) []harbortest.FailRule
}{
	{"artifact pages 500", func(s int) []harbortest.FailRule {
		return []harbortest.FailRule{{Path: tArtifacts, Status: 500, Every: 2 + s}}
	}},
	{"repository pages 500", func(s int) []harbortest.FailRule {
		return []harbortest.FailRule{{Path: tRepos, Status: 500, Every: 2, Times: s}, {Path: tAllRepos, Status: 500, Every: s}}
	}},
	{"reports 503 beyond the retries", func(s int) []harbortest.FailRule {
		return []harbortest.FailRule{{Path: tReport, Status: 503, RetryAfter: "0", Times: 3*s + 2}}
	}},
	{"resets, truncation, invalid JSON", func(s int) []harbortest.FailRule {
		return []harbortest.FailRule{
			{Path: tArtifacts, Kind: harbortest.FaultReset, Every: 3 + s},
			{Path: tReport, Kind: harbortest.FaultTruncate, Every: 5 + s},
			{Path: tReport, Kind: harbortest.FaultInvalidJSON, Every: 9 + s},
		}
	}},
	{"everything at once", func(s int) []harbortest.FailRule {
		return []harbortest.FailRule{
			{Path: tRepos, Status: 502, Every: 2, Times: 2 * s},
			{Path: tAllRepos, Kind: harbortest.FaultReset, Every: 1, Times: s},
			{Path: tArtifacts, Status: 429, RetryAfter: "0", Every: 4, Times: 3 + s},
			{Path: tArtifacts, Status: 500, Every: 7 + s},
			{Path: tReport, Kind: harbortest.FaultInvalidJSON, Every: 11 + s},
			{Path: tReport, Status: 500, Every: 13 + s},
		}
	}},
}

// The accounting invariant holds for every bulk call under every fault mix,
// with and without a project list and a repository filter.
func TestAccountingInvariantUnderFaults(t *testing.T) {
	ds := accountingDataset()
	srv := harbortest.New(harbortest.Options{Dataset: ds})
	c := faultClient(t, srv.Start(), 2*time.Second)
	t.Cleanup(func() { c.Close(); srv.Close() })
	selections := []struct {
		name string
		opts Options
	}{
		{"all projects", Options{MaxConnections: 6}},
		{"named projects", Options{Projects: []string{"project-001", "project-002"}, MaxConnections: 3}},
		{"repository filter", Options{Repositories: []string{"repo-001", "project-002/repo-050", "repo-101"}, MaxConnections: 4}},
	}
	for _, mix := range faultMixes {
		for seed := 1; seed <= 2; seed++ {
			for i, call := range bulkCalls {
				// Each seed runs half of the calls, so every call meets
				// every mix once and the suite stays fast.
				if i%2 != seed%2 {
					continue
				}
				sel := selections[(i+seed)%len(selections)]
				name := fmt.Sprintf("%s/seed %d/%s/%s", mix.name, seed, call.name, sel.name)
				t.Run(name, func(t *testing.T) {
					srv.ClearFailures()
					for _, r := range mix.rules(seed) {
						r.Method = http.MethodGet
						srv.Fail(r)
					}
					infos, errs := call.run(context.Background(), c, sel.opts)
					checkAccounting(t, ds, call.reports, sel.opts.Repositories, infos, errs)
				})
			}
		}
	}
	// Without faults the same calls return everything and no error.
	srv.ClearFailures()
	for _, call := range bulkCalls {
		infos, errs := call.run(context.Background(), c, Options{})
		if len(errs) != 0 {
			t.Errorf("%s without faults: %v", call.name, errs)
		}
		checkAccounting(t, ds, call.reports, nil, infos, nil)
	}
}

// A page that fails after its repository is known is named by repository
// and page, so the caller knows exactly which listing to redo.
func TestFailedArtifactPageNamesRepositoryAndPage(t *testing.T) {
	ds := accountingDataset()
	srv := harbortest.New(harbortest.Options{Dataset: ds})
	c := faultClient(t, srv.Start(), 2*time.Second)
	t.Cleanup(func() { c.Close(); srv.Close() })
	srv.Fail(harbortest.FailRule{Path: "^/api/v2.0/projects/project-001/repositories/repo-001/artifacts$", Status: 500,
		Match: func(r *http.Request) bool { return r.URL.Query().Get("page") == "2" }})
	infos, errs := GetArtifacts(context.Background(), c, Options{Projects: []string{"project-001"}, Repositories: []string{"repo-001"}})
	if len(errs) != 1 {
		t.Fatalf("want one error, got %v", errs)
	}
	he := errs[0].(*harbor.Error)
	if he.Key != "project-001/repo-001 (artifacts page 2)" {
		t.Errorf("key %q", he.Key)
	}
	if len(infos) != harbor.MaxPageSize {
		t.Errorf("got %d artifacts, want the %d of page 1", len(infos), harbor.MaxPageSize)
	}
	checkAccounting(t, ds, false, []string{"project-001/repo-001"}, infos, errs)
}
