package luare

import (
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func run(t *testing.T, src string) error {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	return L.DoString(`local re = require("re")` + "\n" + src)
}

func TestRegexpFunctions(t *testing.T) {
	err := run(t, `
		assert(re.match("^CVE-2024-", "CVE-2024-1234"))
		assert(not re.match("^CVE-2024-", "xCVE-2024-1"))
		local m, major, minor = re.find("v(\\d+)\\.(\\d+)", "tag v1.22 and v2.0")
		assert(m == "v1.22" and major == "1" and minor == "22", tostring(m))
		assert(re.find("x+", "abc") == nil)
		local whole, a, opt, b = re.find("(a)(z)?(b)", "ab")
		assert(whole == "ab" and a == "a" and opt == nil and b == "b")

		local all = re.find_all("\\d+", "1 22 333")
		assert(#all == 3 and all[3] == "333")
		assert(#re.find_all("\\d+", "1 22 333", 2) == 2)
		local groups = re.find_all("(\\w)=(\\d)?", "a=1 b=")
		assert(groups[1][1] == "a=1" and groups[1][3] == "1" and groups[2][3] == false)

		local s, n = re.gsub("(\\w+)@(\\w+)", "bob@example alice@corp", "$2:$1")
		assert(s == "example:bob corp:alice" and n == 2, s)
		local u, k = re.gsub("\\d+", "a1b22c", function(d) return "<" .. #d .. ">" end)
		assert(u == "a<1>b<2>c" and k == 2, u)
		local kept, c = re.gsub("\\d", "a1b2", function(d) if d == "2" then return "X" end end)
		assert(kept == "a1bX" and c == 1, kept)

		local parts = re.split("\\s*,\\s*", "a , b,c")
		assert(#parts == 3 and parts[2] == "b")
		assert(#re.split(",", "a,b,c", 2) == 2)
		assert(re.quote("a.b*c") == "a\\.b\\*c")

		local r = re.compile("^(\\d+)-(\\w+)$")
		assert(tostring(r) == "^(\\d+)-(\\w+)$")
		assert(r:match("12-ab") and not r:match("x"))
		local _, num = r:find("12-ab")
		assert(num == "12")
		assert(r:gsub("1-a", "$2$1") == "a1")
		assert(#r:find_all("9-z") == 1)
		assert(#re.compile(","):split("a,b") == 2)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestRegexpErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`re.match("a(b", "x")`, `re.match: invalid pattern "a(b": missing closing )`},
		{`re.compile("x**")`, `re.compile: invalid pattern "x**": invalid nested repetition operator at **`},
		{`re.find("(?P<n", "x")`, `re.find: invalid pattern "(?P<n": invalid named capture`},
		{`re.match({}, "x")`, "re.match: argument #1 must be a string, got table"},
		{`re.find("a", nil)`, "re.find: argument #2 must be a string, got nil"},
		{`re.find_all("a", "a", "x")`, "re.find_all: argument #3 must be an integer, got string"},
		{`re.split("a", "a", 1.5)`, "re.split: argument #3 must be an integer, got 1.5"},
		{`re.gsub("a", "a", {})`, "re.gsub: argument #3 must be a string or a function, got table"},
		{`re.gsub("a", "a", function() return {} end)`, "re.gsub: replacement function returned a table"},
		{`re.gsub("a", "a", function() return true end)`, "re.gsub: replacement function returned true"},
		{`re.gsub("a", "a", function() error("boom") end)`, "boom"},
		{`local r = re.compile("a") r.match("a")`, "re.Regexp:match: must be called on a compiled pattern (use obj:match(...)), got string"},
		{`local r = re.compile("a") r:find({})`, "re.Regexp:find: argument #2 must be a string, got table"},
		{`re.quote()`, "re.quote: argument #1 must be a string, got nil"},
	}
	for _, c := range cases {
		err := run(t, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}

func TestCacheIsBounded(t *testing.T) {
	c := newLRU(3)
	for i := 0; i < 10; i++ {
		if _, err := c.get(fmt.Sprintf("p%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if c.len() != 3 {
		t.Fatalf("cache holds %d patterns, want 3", c.len())
	}
	a, _ := c.get("p9")
	b, _ := c.get("p9")
	if a != b {
		t.Fatal("a cached pattern must be reused")
	}
	if _, ok := c.items["p0"]; ok {
		t.Fatal("least recently used pattern was not evicted")
	}
}
