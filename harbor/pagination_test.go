package harbor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// listing serves GET /api/v2.0/repositories the way Harbor paginates:
// page and page_size (default 10, maximum 100), X-Total-Count, and a Link
// header of relative URLs joined by " , " with q left unescaped.
type listing struct {
	total    int
	delay    time.Duration
	noTotal  bool // answer without X-Total-Count
	failPage int  // answer 500 on this page

	mu          sync.Mutex
	queries     []url.Values
	inflight    int
	maxInflight int
}

func (l *listing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l.mu.Lock()
	l.queries = append(l.queries, q)
	l.inflight++
	if l.inflight > l.maxInflight {
		l.maxInflight = l.inflight
	}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.inflight--
		l.mu.Unlock()
	}()
	if l.delay > 0 {
		time.Sleep(l.delay)
	}
	page, size := 1, 10
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if v := q.Get("page_size"); v != "" {
		var err error
		if size, err = strconv.Atoi(v); err != nil || size > 100 {
			writeHarborError(w, 422, "UNPROCESSABLE_ENTITY", "validation failure list:\\npage_size in query should be less than or equal to 100")
			return
		}
	}
	if page == l.failPage {
		writeHarborError(w, 500, "UNKNOWN", "internal server error on page "+strconv.Itoa(page))
		return
	}
	var items []string
	for i := (page - 1) * size; i < page*size && i < l.total; i++ {
		items = append(items, fmt.Sprintf(`{"id":%d,"name":"library/r%d","project_id":1,"artifact_count":1}`, i, i))
	}
	if !l.noTotal {
		w.Header().Set("X-Total-Count", strconv.Itoa(l.total))
	}
	var links []string
	link := func(p int, rel string) string {
		keys := make([]string, 0, len(q))
		for k := range q {
			if k != "page" {
				keys = append(keys, k)
			}
		}
		keys = append(keys, "page")
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			v := q.Get(k)
			if k == "page" {
				v = strconv.Itoa(p)
			}
			parts = append(parts, k+"="+v) // unescaped, as Harbor does
		}
		return "<" + r.URL.Path + "?" + strings.Join(parts, "&") + `>; rel="` + rel + `"`
	}
	if page > 1 {
		links = append(links, link(page-1, "prev"))
	}
	if page*size < l.total {
		links = append(links, link(page+1, "next"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, " , "))
	}
	writeJSON(w, 200, "["+strings.Join(items, ",")+"]")
}

func (l *listing) requests() []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]url.Values(nil), l.queries...)
}

func serveListing(t *testing.T, l *listing, opts Options) *Client {
	t.Helper()
	mux, srv := harborServer(t)
	mux.Handle("GET /api/v2.0/repositories", l)
	return newClient(t, srv, opts)
}

func checkOrder(t *testing.T, repos []*Repository, n int) {
	t.Helper()
	if len(repos) != n {
		t.Fatalf("%d items, want %d", len(repos), n)
	}
	for i, r := range repos {
		if r.ID != int64(i) || r.Name != fmt.Sprintf("library/r%d", i) {
			t.Fatalf("item %d is %d %q: order lost", i, r.ID, r.Name)
		}
	}
}

func TestListRequestCounts(t *testing.T) {
	for _, tc := range []struct{ items, requests int }{{0, 1}, {1, 1}, {100, 1}, {101, 2}, {1000, 10}} {
		t.Run(strconv.Itoa(tc.items), func(t *testing.T) {
			l := &listing{total: tc.items}
			c := serveListing(t, l, Options{})
			repos, err := c.GetRepositories(context.Background(), "", ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkOrder(t, repos, tc.items)
			reqs := l.requests()
			if len(reqs) != tc.requests {
				t.Errorf("%d requests, want %d", len(reqs), tc.requests)
			}
			pages := map[string]bool{}
			for _, q := range reqs {
				if q.Get("page_size") != "100" {
					t.Errorf("page_size=%q, want 100", q.Get("page_size"))
				}
				if pages[q.Get("page")] {
					t.Errorf("page %s fetched twice", q.Get("page"))
				}
				pages[q.Get("page")] = true
			}
		})
	}
}

func TestListPagesConcurrentlyBounded(t *testing.T) {
	l := &listing{total: 1000, delay: 30 * time.Millisecond}
	c := serveListing(t, l, Options{PageConcurrency: 3})
	repos, err := c.GetRepositories(context.Background(), "", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, repos, 1000)
	l.mu.Lock()
	peak := l.maxInflight
	l.mu.Unlock()
	if peak < 2 {
		t.Errorf("pages were fetched one at a time (peak %d in flight)", peak)
	}
	if peak > 3 {
		t.Errorf("%d pages in flight, PageConcurrency is 3", peak)
	}
	if q := l.requests()[0]; q.Get("page") != "1" {
		t.Errorf("first request was page %s; the total comes from page 1", q.Get("page"))
	}
}

func TestListDefaultConcurrency(t *testing.T) {
	l := &listing{total: 1000, delay: 30 * time.Millisecond}
	c := serveListing(t, l, Options{})
	if _, err := c.GetRepositories(context.Background(), "", ListOptions{}); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.maxInflight < 2 || l.maxInflight > 5 {
		t.Errorf("peak %d in flight, want between 2 and the default 5", l.maxInflight)
	}
}

func TestListLimit(t *testing.T) {
	l := &listing{total: 1000}
	c := serveListing(t, l, Options{})
	repos, err := c.GetRepositories(context.Background(), "", ListOptions{Limit: 150})
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, repos, 150)
	if n := len(l.requests()); n != 2 {
		t.Errorf("limit 150 made %d requests, want 2", n)
	}

	l2 := &listing{total: 1000}
	c2 := serveListing(t, l2, Options{})
	repos, err = c2.GetRepositories(context.Background(), "", ListOptions{Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, repos, 7)
	if n := len(l2.requests()); n != 1 {
		t.Errorf("limit 7 made %d requests, want 1", n)
	}
}

func TestListSinglePage(t *testing.T) {
	l := &listing{total: 1000}
	c := serveListing(t, l, Options{})
	repos, err := c.GetRepositories(context.Background(), "", ListOptions{Page: 3, PageSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 20 || repos[0].ID != 40 || repos[19].ID != 59 {
		t.Fatalf("page 3 of 20 gave %d items starting at %d", len(repos), repos[0].ID)
	}
	reqs := l.requests()
	if len(reqs) != 1 || reqs[0].Get("page") != "3" || reqs[0].Get("page_size") != "20" {
		t.Errorf("requests %v", reqs)
	}
}

func TestListQueryAndSortSentOnEveryPage(t *testing.T) {
	l := &listing{total: 250}
	c := serveListing(t, l, Options{})
	if _, err := c.GetRepositories(context.Background(), "", ListOptions{Query: "name=~a b,c", Sort: "-name"}); err != nil {
		t.Fatal(err)
	}
	reqs := l.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, q := range reqs {
		if q.Get("q") != "name=~a b,c" || q.Get("sort") != "-name" {
			t.Errorf("page %s: q=%q sort=%q", q.Get("page"), q.Get("q"), q.Get("sort"))
		}
	}
}

func TestListFollowsLinkWithoutTotal(t *testing.T) {
	l := &listing{total: 250, noTotal: true}
	c := serveListing(t, l, Options{})
	repos, err := c.GetRepositories(context.Background(), "", ListOptions{Query: "name=~r {1 2},x"})
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, repos, 250)
	reqs := l.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, q := range reqs {
		if q.Get("page") != strconv.Itoa(i+1) || q.Get("q") != "name=~r {1 2},x" || q.Get("page_size") != "100" {
			t.Errorf("request %d: %v", i, q)
		}
	}
}

func TestListErrorOnOnePage(t *testing.T) {
	l := &listing{total: 500, failPage: 3}
	c := serveListing(t, l, Options{Retry: RetryOptions{MaxTries: 1}})
	repos, err := c.GetRepositories(context.Background(), "", ListOptions{})
	if err == nil {
		t.Fatalf("listing succeeded with %d items although page 3 failed", len(repos))
	}
	he := asError(t, err)
	if he.Type != TypeInternalServerError || !strings.Contains(he.Message, "page 3") {
		t.Fatalf("want page 3's error, got %v", err)
	}
	if he.Request == nil || !strings.Contains(he.Request.URL, "page=3") {
		t.Errorf("error names request %+v", he.Request)
	}
}

func TestListRejectsBadOptionsBeforeAnyRequest(t *testing.T) {
	mux, srv := harborServer(t)
	var cnt counter
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { cnt.hit(r); writeJSON(w, 200, `[]`) })
	c := newClient(t, srv, Options{Username: "admin", Secret: "x"})
	for _, tc := range []struct {
		o     ListOptions
		names string
	}{
		{ListOptions{PageSize: 101}, "page_size:"}, {ListOptions{PageSize: 1000}, "page_size:"},
		{ListOptions{PageSize: -1}, "page_size:"}, {ListOptions{Page: -2}, "page:"}, {ListOptions{Limit: -1}, "limit:"},
	} {
		_, err := c.GetRepositories(context.Background(), "", tc.o)
		wantValueError(t, err, tc.names)
	}
	if cnt.total() != 0 {
		t.Errorf("%d requests made for invalid options", cnt.total())
	}
}

func TestPagesFor(t *testing.T) {
	for _, tc := range [][3]int{{0, 100, 1}, {-1, 100, 1}, {1, 100, 1}, {100, 100, 1}, {101, 100, 2}, {1000, 100, 10}, {1001, 100, 11}} {
		if got := PagesFor(tc[0], tc[1]); got != tc[2] {
			t.Errorf("PagesFor(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestNextPage(t *testing.T) {
	cases := map[string]int{
		``: 0,
		`</api/v2.0/repositories?page=3&page_size=2>; rel="next"`:                                                           3,
		`</api/v2.0/repositories?page=1&page_size=2>; rel="prev" , </api/v2.0/repositories?page=3&page_size=2>; rel="next"`: 3,
		`</api/v2.0/repositories?page=1&page_size=2>; rel="prev"`:                                                           0,
		`</api/v2.0/repositories?page=2&page_size=100&q=name=~a b,c&sort=name>; rel="next"`:                                 2,
		`</api/v2.0/projects/library/repositories/alpine/artifacts?page=5&page_size=1&q=tags={latest 3.19}>; rel="next"`:    5,
		`</api/v2.0/projects?page_size=-1&page=2>; rel="next"`:                                                              2,
		`</api/v2.0/projects?page=0&page_size=10>; rel="next"`:                                                              0,
		`</api/v2.0/projects?page=abc>; rel="next"`:                                                                         0,
		`garbage`: 0,
	}
	for in, want := range cases {
		if got := nextPage(in); got != want {
			t.Errorf("nextPage(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestFetchPage(t *testing.T) {
	l := &listing{total: 5}
	mux, srv := harborServer(t)
	mux.Handle("GET /api/v2.0/repositories", l)
	c := newClient(t, srv, Options{})
	p, err := FetchPage[*Repository](context.Background(), c, RepositoriesRequest(""), 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 5 || p.Next != 3 || len(p.Items) != 2 || p.Items[0].ID != 2 {
		t.Errorf("page: total %d next %d items %d", p.Total, p.Next, len(p.Items))
	}
}
