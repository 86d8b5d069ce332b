package ext

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/harborscript/harborscript/harbor"
)

// DefaultMaxConnections is harborapi's default concurrency.
const DefaultMaxConnections = 5

// Options select what a bulk call fetches.
type Options struct {
	// Projects by name; empty means every project the identity can see.
	Projects []string
	// Repositories match a full name ("library/alpine") or a base name
	// ("alpine"); empty means all.
	Repositories []string
	// Tag keeps artifacts carrying that tag (q=tags=<tag>); it wins over Query.
	Tag string
	// Tags keeps artifacts carrying any of these tags (reports only).
	Tags []string
	// Query is Harbor's q for artifact listings.
	Query string
	// MaxConnections bounds the requests in flight (default 5).
	MaxConnections int
	// Artifact selects the with_* flags; scan overviews are always asked for
	// when reports are fetched.
	Artifact harbor.ArtifactOptions
	// Progress, when set, is told about requests as they are queued and done.
	// It is called from worker goroutines.
	Progress func(Progress)
}

func (o *Options) query() string {
	if o.Tag != "" {
		return "tags=" + o.Tag
	}
	return o.Query
}

// GetArtifacts lists the artifacts of the selected repositories. Failures do
// not stop the call: they come back as errors, each a *harbor.Error whose
// Key names the project, repository or artifact it concerns.
func GetArtifacts(ctx context.Context, c *harbor.Client, opts Options) ([]*ArtifactInfo, []error) {
	return collect(ctx, c, opts, false)
}

// GetArtifactVulnerabilities is GetArtifacts followed by the vulnerability
// report of every artifact whose scan succeeded; only those are returned.
func GetArtifactVulnerabilities(ctx context.Context, c *harbor.Client, opts Options) ([]*ArtifactInfo, []error) {
	return collect(ctx, c, opts, true)
}

// collect runs the pipeline to the end and orders its results as Harbor
// lists them: by repository, then by position in the repository's listing.
func collect(ctx context.Context, c *harbor.Client, opts Options, reports bool) ([]*ArtifactInfo, []error) {
	type result struct {
		info *ArtifactInfo
		pos  int
	}
	var (
		mu  sync.Mutex
		out []result
	)
	errs := walk(ctx, c, opts, reports, func(info *ArtifactInfo, pos int) {
		mu.Lock()
		out = append(out, result{info, pos})
		mu.Unlock()
	})
	slices.SortFunc(out, func(a, b result) int {
		return cmp.Or(strings.Compare(a.info.Repository.Name, b.info.Repository.Name), cmp.Compare(a.pos, b.pos))
	})
	infos := make([]*ArtifactInfo, len(out))
	for i, r := range out {
		infos[i] = r.info
	}
	return infos, errs
}

// walk is the pipeline: repositories, their artifact pages, then reports.
// emit receives each finished ArtifactInfo with its position in its
// repository's listing, from a worker goroutine.
func walk(ctx context.Context, c *harbor.Client, opts Options, reports bool, emit func(info *ArtifactInfo, pos int)) []error {
	if ctx.Err() != nil {
		// Nothing was asked: the whole call ("*") is what failed.
		e := harbor.ContextError(ctx)
		e.Key = "*"
		return []error{e}
	}
	f, err := newFanout(ctx, opts.MaxConnections, opts.Progress)
	if err != nil {
		return []error{err}
	}
	w := &walker{f: f, c: c, opts: opts, reports: reports, emit: emit, matched: map[string]bool{}}
	w.found = w.repositories
	w.aopts = opts.Artifact
	w.aopts.WithTag = true
	if reports {
		w.aopts.WithScanOverview = true
	}
	w.tags = map[string]bool{}
	for _, t := range opts.Tags {
		w.tags[t] = true
	}
	w.start()
	f.wait()
	errs := f.errors()
	// A cancelled walk has not seen every repository, so a name it did not
	// meet may still exist: saying it matched nothing would be false.
	if ctx.Err() == nil {
		errs = append(errs, w.unmatched()...)
	}
	return errs
}

type walker struct {
	f *fanout
	// found receives each page of repositories: the artifact pipeline, or
	// GetRepositories' collector.
	found   func([]*harbor.Repository)
	c       *harbor.Client
	opts    Options
	aopts   harbor.ArtifactOptions
	reports bool
	emit    func(info *ArtifactInfo, pos int)
	tags    map[string]bool

	mu      sync.Mutex
	matched map[string]bool // entries of opts.Repositories that matched
}

// failed records err (when it is a *harbor.Error, with the key it concerns).
func (w *walker) failed(key string, err error) {
	if he, ok := err.(*harbor.Error); ok && he.Key == "" {
		he.Key = key
	}
	w.f.count(1, 0, 1)
	w.f.fail(err)
}

func (w *walker) done() { w.f.count(1, 0, 0) }

// start lists the repositories of every selected project, or of all
// projects when none is named.
func (w *walker) start() {
	if len(w.opts.Projects) == 0 {
		w.listRepositories("")
		return
	}
	seen := map[string]bool{}
	for _, p := range w.opts.Projects {
		if !seen[p] {
			seen[p] = true
			w.listRepositories(p)
		}
	}
}

// listRepositories lists a project's repositories (all projects for ""),
// first page first, then the remaining pages at once.
func (w *walker) listRepositories(project string) {
	req := harbor.RepositoriesRequest(project)
	key := project
	if key == "" {
		key = "*"
	}
	w.f.add(stageList, func() {
		fetchPage(w, req, 1, key, func(page *harbor.Page[*harbor.Repository]) {
			w.found(page.Items)
			for p := 2; p <= harbor.PagesFor(page.Total, harbor.MaxPageSize); p++ {
				w.f.add(stageRepositoryPage, func() {
					fetchPage(w, req, p, fmt.Sprintf("%s (repositories page %d)", key, p), func(page *harbor.Page[*harbor.Repository]) {
						w.found(page.Items)
					})
				})
			}
		})
	})
}

// fetchPage requests one page of a listing; see fetch.
func fetchPage[T any](w *walker, req *harbor.Request, page int, key string, then func(*harbor.Page[T])) {
	fetch(w, harbor.PageRequest(req, page, harbor.MaxPageSize), key, harbor.DecodePage[T], then)
}

// fetch sends req on a connection worker and hands the answer to a
// decoder, which records a failure of either step under key or passes the
// decoded value on.
func fetch[T any](w *walker, req *harbor.Request, key string, decode func(*harbor.Response) (T, error), then func(T)) {
	resp, err := w.c.Do(w.f.ctx, req)
	if err != nil {
		w.failed(key, err)
		return
	}
	w.f.decode(func() {
		v, err := decode(resp)
		if err != nil {
			w.failed(key, err)
			return
		}
		w.done()
		then(v)
	})
}

// wanted says whether a repository is selected, remembering which entries
// of opts.Repositories matched.
func (w *walker) wanted(r *harbor.Repository) bool {
	if len(w.opts.Repositories) == 0 {
		return true
	}
	ok := false
	for _, name := range w.opts.Repositories {
		if name == r.Name || name == r.BaseName() {
			w.mu.Lock()
			w.matched[name] = true
			w.mu.Unlock()
			ok = true
		}
	}
	return ok
}

func (w *walker) unmatched() []error {
	var errs []error
	where := "any project"
	if len(w.opts.Projects) > 0 {
		where = "projects " + strings.Join(w.opts.Projects, ", ")
	}
	for _, name := range w.opts.Repositories {
		if !w.matched[name] {
			errs = append(errs, &harbor.Error{Type: harbor.TypeNotFound, Key: name,
				Message: fmt.Sprintf("repository %q matched nothing in %s", name, where)})
		}
	}
	return errs
}

func (w *walker) repositories(repos []*harbor.Repository) {
	for _, r := range repos {
		if !w.wanted(r) {
			continue
		}
		if r.ArtifactCount == 0 {
			// Nothing to list: Harbor counts artifacts with the repository.
			continue
		}
		w.listArtifacts(r)
	}
}

// listArtifacts fetches a repository's artifacts. Without a filter the
// repository's artifact_count tells how many pages there are, so they are
// all asked for at once; with q the first page's total decides.
func (w *walker) listArtifacts(r *harbor.Repository) {
	project, base := harbor.SplitRepositoryName(r.Name)
	req := harbor.ArtifactsRequest(project, base, w.aopts)
	if q := w.opts.query(); q != "" {
		req.Query.Set("q", q)
	}
	var fetch func(p int, more bool)
	fetch = func(p int, more bool) {
		w.f.add(stageArtifactPage, func() {
			fetchPage(w, req, p, fmt.Sprintf("%s (artifacts page %d)", r.Name, p), func(page *harbor.Page[*harbor.Artifact]) {
				w.artifacts(r, p, page.Items)
				if more {
					for n := 2; n <= harbor.PagesFor(page.Total, harbor.MaxPageSize); n++ {
						fetch(n, false)
					}
				}
			})
		})
	}
	if req.Query.Get("q") != "" {
		fetch(1, true)
		return
	}
	for p := 1; p <= harbor.PagesFor(int(r.ArtifactCount), harbor.MaxPageSize); p++ {
		fetch(p, false)
	}
}

func (w *walker) artifacts(r *harbor.Repository, page int, arts []*harbor.Artifact) {
	for i, a := range arts {
		pos := (page-1)*harbor.MaxPageSize + i
		info := &ArtifactInfo{Artifact: a, Repository: r}
		if !w.reports {
			w.emit(info, pos)
			continue
		}
		if len(w.tags) > 0 && !w.hasAnyTag(a) {
			continue
		}
		if s := a.Scan(); s == nil || s.ScanStatus != "Success" {
			continue
		}
		w.report(info, pos)
	}
}

func (w *walker) hasAnyTag(a *harbor.Artifact) bool {
	for _, t := range a.Tags {
		if w.tags[t.Name] {
			return true
		}
	}
	return false
}

func (w *walker) report(info *ArtifactInfo, pos int) {
	w.f.add(stageReport, func() {
		project, base := harbor.SplitRepositoryName(info.Repository.Name)
		req := harbor.VulnerabilitiesRequest(project, base, info.Artifact.Digest)
		fetch(w, req, info.Repository.Name+"@"+info.Artifact.Digest, harbor.DecodeVulnerabilities, func(rep *harbor.VulnerabilityReport) {
			info.Report = rep
			w.emit(info, pos)
		})
	})
}

// GetRepositories lists the repositories of the given projects (all when
// none), concurrently.
func GetRepositories(ctx context.Context, c *harbor.Client, projects []string, maxConnections int) ([]*harbor.Repository, []error) {
	f, err := newFanout(ctx, maxConnections, nil)
	if err != nil {
		return nil, []error{err}
	}
	var (
		mu  sync.Mutex
		out []*harbor.Repository
	)
	w := &walker{f: f, c: c, opts: Options{Projects: projects}, matched: map[string]bool{}}
	w.found = func(repos []*harbor.Repository) {
		mu.Lock()
		out = append(out, repos...)
		mu.Unlock()
	}
	w.start()
	f.wait()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, f.errors()
}

// GetArtifact gets one artifact with its repository and, when withReport,
// its vulnerability report (nil when never scanned).
func GetArtifact(ctx context.Context, c *harbor.Client, project, repo, ref string, withReport bool) (*ArtifactInfo, error) {
	r, err := c.GetRepository(ctx, project, repo)
	if err != nil {
		return nil, err
	}
	a, err := c.GetArtifact(ctx, project, repo, ref, harbor.DefaultArtifactOptions)
	if err != nil {
		return nil, err
	}
	info := &ArtifactInfo{Artifact: a, Repository: r}
	if withReport {
		if info.Report, err = c.GetArtifactVulnerabilities(ctx, project, repo, a.Digest); err != nil {
			return nil, err
		}
	}
	return info, nil
}

// GetArtifactOwner returns the owner of the artifact's project: Harbor
// records no owner per artifact, and harborapi answers the same way.
func GetArtifactOwner(ctx context.Context, c *harbor.Client, a *harbor.Artifact) (*harbor.UserResp, error) {
	if a == nil {
		return nil, harbor.ValueErrorf("get_artifact_owner: no artifact given")
	}
	if a.ProjectID == 0 {
		return nil, harbor.ValueErrorf("get_artifact_owner: the artifact has no project_id")
	}
	var p harbor.Project
	req := &harbor.Request{Method: http.MethodGet, Path: "/projects/" + strconv.FormatInt(a.ProjectID, 10)}
	if _, err := c.DoJSON(ctx, req, &p); err != nil {
		return nil, err
	}
	if p.OwnerID == 0 {
		return nil, harbor.ValueErrorf("get_artifact_owner: project %q has no owner_id", p.Name)
	}
	return c.GetUser(ctx, p.OwnerID)
}

// FilterArtifactsLatest keeps the most recently pushed artifact of each
// repository, in the order the repositories first appear. When two push
// times are equal or one is missing, fallback(latest, other) decides; without
// a fallback the artifact seen first stays.
func FilterArtifactsLatest(infos []*ArtifactInfo, fallback func(latest, other *ArtifactInfo) *ArtifactInfo) []*ArtifactInfo {
	latest := map[string]*ArtifactInfo{}
	var order []string
	for _, info := range infos {
		if info == nil || info.Artifact == nil {
			continue
		}
		key := info.Artifact.RepositoryName
		if info.Repository != nil && info.Repository.Name != "" {
			key = info.Repository.Name
		}
		cur, ok := latest[key]
		if !ok {
			order = append(order, key)
			latest[key] = info
			continue
		}
		a, b := cur.Artifact.PushTime, info.Artifact.PushTime
		switch {
		case a.IsZero() || b.IsZero() || a.Equal(b):
			if fallback != nil {
				if pick := fallback(cur, info); pick != nil {
					latest[key] = pick
				}
			}
		case b.After(a):
			latest[key] = info
		}
	}
	out := make([]*ArtifactInfo, 0, len(order))
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out
}
