package harbor

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzNextPage feeds arbitrary Link headers: a misbehaving server or proxy
// must never make the client panic or walk backwards.
func FuzzNextPage(f *testing.F) {
	for _, s := range []string{
		``,
		`</api/v2.0/repositories?page=1&page_size=2>; rel="prev" , </api/v2.0/repositories?page=3&page_size=2>; rel="next"`,
		`</api/v2.0/projects?page=2&page_size=100&q=name=~a b,c>; rel="next"`,
		`</api/v2.0/projects?page_size=-1&page=2>; rel=next`,
		`<?page=99999999999999999999>; rel="next"`,
		`<>; rel="next"`,
		`<<<>>>; rel="next"; rel="next"`,
		"<\x00?page=\xff>; rel=\"next\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		n := nextPage(link)
		if n < 0 {
			t.Fatalf("nextPage(%q) = %d", link, n)
		}
		if n > 0 && !strings.Contains(link, "page="+strconv.Itoa(n)) && !strings.Contains(link, "page=+") &&
			!strings.Contains(link, "page=0") {
			t.Fatalf("nextPage(%q) = %d, a page the header does not name", link, n)
		}
	})
}

// FuzzNormalizeURL feeds arbitrary --url values: bad input is a ValueError,
// good input always ends at the API root with no credentials.
func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"https://harbor.local", "http://h/api/v2.0/", "h", "ftp://h", "", "https://u:p@h",
		"http://[::1]:8080/harbor//", "https://h/?q=1", "http://%zz", "https://h/api/v2.0/api/v2.0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := normalizeURL(raw)
		if err != nil {
			if !IsType(err, TypeValueError) || !strings.HasPrefix(asError(t, err).Message, "url:") {
				t.Fatalf("normalizeURL(%q): %v", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
			t.Fatalf("normalizeURL(%q) accepted %s", raw, u)
		}
		if !strings.HasSuffix(u.Path, "/api/v2.0") || u.RawQuery != "" {
			t.Fatalf("normalizeURL(%q) = %s, not an API root", raw, u)
		}
	})
}
