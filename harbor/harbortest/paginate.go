package harbortest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// pageParams validates page and page_size like Harbor's OpenAPI layer (422).
func (c *call) pageParams() (page, size int64, ok bool) {
	page, size = 1, 10
	q := c.r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c.fail(http.StatusUnprocessableEntity, "validation failure list:\npage in query must be of type int64: \""+v+"\"")
			return 0, 0, false
		}
		page = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c.fail(http.StatusUnprocessableEntity, "validation failure list:\npage_size in query must be of type int64: \""+v+"\"")
			return 0, 0, false
		}
		if n > 100 {
			c.fail(http.StatusUnprocessableEntity, "validation failure list:\npage_size in query should be less than or equal to 100")
			return 0, 0, false
		}
		size = n
	}
	return page, size, true
}

// pageBounds sets X-Total-Count and Link and returns the slice of rows to
// send. page_size 0 (or negative) means every row; Link follows Harbor's
// arithmetic, including its quirks for page 0 and negative sizes.
func (c *call) pageBounds(total int, page, size int64) (int, int) {
	h := c.w.Header()
	h.Set("X-Total-Count", strconv.Itoa(total))
	if size != 0 {
		var links []string
		if page > 1 && (page-1)*size < int64(total) {
			links = append(links, "<"+c.pageURL(page-1, size)+`>; rel="prev"`)
		}
		if page*size < int64(total) {
			links = append(links, "<"+c.pageURL(page+1, size)+`>; rel="next"`)
		}
		if len(links) > 0 {
			h.Set("Link", strings.Join(links, " , "))
		}
	}
	if size <= 0 {
		return 0, total
	}
	if page < 1 {
		page = 1
	}
	start := (page - 1) * size
	if start >= int64(total) {
		return total, total
	}
	end := start + size
	if end > int64(total) {
		end = int64(total)
	}
	return int(start), int(end)
}

// pageURL is the relative URL of another page: parameters sorted by name and
// left unescaped, as Harbor prints them.
func (c *call) pageURL(page, size int64) string {
	q := c.r.URL.Query()
	q.Set("page", strconv.FormatInt(page, 10))
	q.Set("page_size", strconv.FormatInt(size, 10))
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return c.r.URL.EscapedPath() + "?" + strings.Join(parts, "&")
}

// listJSON pages items and writes them; a page past the end is [].
func listJSON[T any](c *call, items []T, page, size int64) {
	start, end := c.pageBounds(len(items), page, size)
	out := items[start:end]
	if out == nil {
		out = []T{}
	}
	c.json(http.StatusOK, out)
}

// listRendered pages rows and renders only those on the page, as a large
// listing is read 100 rows at a time.
func listRendered[T, J any](c *call, rows []T, page, size int64, render func(T) J) {
	start, end := c.pageBounds(len(rows), page, size)
	out := make([]J, 0, end-start)
	for _, row := range rows[start:end] {
		out = append(out, render(row))
	}
	c.json(http.StatusOK, out)
}

// sortKeys orders rows by Harbor's sort parameter ("name,-creation_time");
// unknown keys are ignored. less maps a key to an ascending comparison.
func sortKeys[T any](items []T, param string, less map[string]func(a, b T) int) {
	if param == "" {
		return
	}
	type key struct {
		cmp  func(a, b T) int
		desc bool
	}
	var keys []key
	for _, k := range strings.Split(param, ",") {
		k = strings.TrimSpace(k)
		desc := strings.HasPrefix(k, "-")
		if f := less[strings.TrimPrefix(k, "-")]; f != nil {
			keys = append(keys, key{f, desc})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		for _, k := range keys {
			n := k.cmp(items[i], items[j])
			if k.desc {
				n = -n
			}
			if n != 0 {
				return n < 0
			}
		}
		return false
	})
}
