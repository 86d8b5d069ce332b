package harbor

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/panjf2000/ants/v2"
)

// MaxPageSize is the largest page Harbor serves; larger is a 422.
const MaxPageSize = 100

// ListOptions select and bound a listing.
type ListOptions struct {
	// Query is Harbor's q ("tags=latest", "name=~alp").
	Query string
	Sort  string
	// Page, when set, fetches only that page instead of following them all.
	Page int
	// PageSize defaults to 100, the maximum.
	PageSize int
	// Limit stops after that many items (0: no limit).
	Limit int
}

// pageSize is the page size of options that passed Validate: 0 asks for
// the largest page.
func (o ListOptions) pageSize() int {
	if o.PageSize == 0 {
		return MaxPageSize
	}
	return o.PageSize
}

// Validate rejects options Harbor would refuse.
func (o ListOptions) Validate() error {
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return ValueErrorf("page_size: must be between 1 and %d, got %d", MaxPageSize, o.PageSize)
	}
	if o.Page < 0 {
		return ValueErrorf("page: must be 1 or more, got %d", o.Page)
	}
	if o.Limit < 0 {
		return ValueErrorf("limit: must be 0 (no limit) or more, got %d", o.Limit)
	}
	return nil
}

// PageRequest returns a copy of req that asks for one page.
func PageRequest(req *Request, page, pageSize int) *Request {
	r := *req
	q := url.Values{}
	for k, v := range req.Query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(page))
	q.Set("page_size", strconv.Itoa(pageSize))
	r.Query = q
	return &r
}

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	// Total is X-Total-Count, or -1.
	Total int
	// Next is the next page number from the Link header, or 0.
	Next     int
	Response *Response
}

// FetchPage gets one page of a listing and decodes its items.
func FetchPage[T any](ctx context.Context, c *Client, req *Request, page, pageSize int) (*Page[T], error) {
	resp, err := c.Do(ctx, PageRequest(req, page, pageSize))
	if err != nil {
		return nil, err
	}
	return DecodePage[T](resp)
}

// DecodePage decodes the items of a page already fetched with Do (and
// PageRequest), so that the request and the decoding can run apart.
func DecodePage[T any](resp *Response) (*Page[T], error) {
	var items []T
	if err := decodeBody(resp, &items); err != nil {
		return nil, err
	}
	return &Page[T]{Items: items, Total: resp.Total, Next: nextPage(resp.Header.Get("Link")), Response: resp}, nil
}

// PagesFor is the number of pages a listing of total items takes.
func PagesFor(total, pageSize int) int {
	if total <= 0 {
		return 1
	}
	return (total + pageSize - 1) / pageSize
}

// List follows every page of a listing. Once the first page tells the total,
// the remaining pages are fetched concurrently (at most PageConcurrency at a
// time); without a total it follows the Link header's next page.
func List[T any](ctx context.Context, c *Client, req *Request, opts ListOptions) ([]T, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := *req
	q := url.Values{}
	for k, v := range req.Query {
		q[k] = v
	}
	if opts.Query != "" {
		q.Set("q", opts.Query)
	}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	r.Query = q
	size := opts.pageSize()
	if opts.Page > 0 {
		p, err := FetchPage[T](ctx, c, &r, opts.Page, size)
		if err != nil {
			return nil, err
		}
		return limitItems(p.Items, opts.Limit), nil
	}
	first, err := FetchPage[T](ctx, c, &r, 1, size)
	if err != nil {
		return nil, err
	}
	items := first.Items
	if opts.Limit > 0 && len(items) >= opts.Limit {
		return items[:opts.Limit], nil
	}
	if first.Total < 0 {
		// No total: walk the Link chain.
		for next := first.Next; next > 0; {
			p, err := FetchPage[T](ctx, c, &r, next, size)
			if err != nil {
				return nil, err
			}
			items = append(items, p.Items...)
			if opts.Limit > 0 && len(items) >= opts.Limit {
				break
			}
			if p.Next <= next {
				break
			}
			next = p.Next
		}
		return limitItems(items, opts.Limit), nil
	}
	want := first.Total
	if opts.Limit > 0 && opts.Limit < want {
		want = opts.Limit
	}
	pages := PagesFor(want, size)
	if pages <= 1 {
		return limitItems(items, opts.Limit), nil
	}
	rest, err := fetchPages[T](ctx, c, &r, 2, pages, size)
	if err != nil {
		return nil, err
	}
	for _, p := range rest {
		items = append(items, p...)
	}
	return limitItems(items, opts.Limit), nil
}

// fetchPages gets pages from..to concurrently and returns them in order.
func fetchPages[T any](ctx context.Context, c *Client, req *Request, from, to, size int) ([][]T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := c.opts.PageConcurrency
	if workers <= 0 {
		workers = 5
	}
	pool, err := ants.NewPool(workers)
	if err != nil {
		return nil, err
	}
	defer pool.Release()
	out := make([][]T, to-from+1)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for page := from; page <= to; page++ {
		wg.Add(1)
		submitErr := pool.Submit(func() {
			defer wg.Done()
			if ctx.Err() != nil {
				return
			}
			p, err := FetchPage[T](ctx, c, req, page, size)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
				return
			}
			out[page-from] = p.Items
		})
		if submitErr != nil {
			wg.Done()
			return nil, submitErr
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

func limitItems[T any](items []T, limit int) []T {
	if limit > 0 && len(items) > limit {
		return items[:limit]
	}
	return items
}

var linkPart = regexp.MustCompile(`<([^>]*)>\s*;\s*rel="?([a-z]+)"?`)

// nextPage reads the page number of the rel="next" link. Harbor's links are
// relative and carry q unescaped, so only the page parameter is trusted.
func nextPage(link string) int {
	for _, m := range linkPart.FindAllStringSubmatch(link, -1) {
		if m[2] != "next" {
			continue
		}
		_, query, _ := strings.Cut(m[1], "?")
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if k == "page" {
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}
