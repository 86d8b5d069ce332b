package ext

import (
	"regexp"
	"strings"
	"sync"

	"github.com/harborscript/harborscript/harbor"
)

// matcher is a compiled search pattern. Patterns are RE2 and, unless the
// caller asks otherwise, case-insensitive. Ids, tags, packages and
// repositories match from the start of the string (like Python's re.match);
// descriptions match anywhere.
//
// The pattern text itself always matches literally too, so an advisory id
// or a package such as "libstdc++6" is found even though it is not a valid
// expression or means something else as one. A pattern that does not
// compile keeps only that literal match; it is an error only when nothing
// matched it literally, so a typo never silently finds nothing.
type matcher struct {
	text     string
	re       *regexp.Regexp
	err      error
	anywhere bool
	fold     bool
}

type matcherKey struct {
	pattern       string
	anywhere      bool
	caseSensitive bool
}

// Filters run the same pattern over thousands of artifacts, so compiled
// patterns are kept; the cache is bounded because patterns come from users.
const matcherCacheLimit = 1024

var matcherCache struct {
	sync.Mutex
	m map[matcherKey]*matcher
}

func compileMatcher(pattern string, anywhere, caseSensitive bool) *matcher {
	key := matcherKey{pattern, anywhere, caseSensitive}
	matcherCache.Lock()
	m, ok := matcherCache.m[key]
	matcherCache.Unlock()
	if ok {
		return m
	}
	m = &matcher{text: pattern, anywhere: anywhere, fold: !caseSensitive}
	expr := "(?:" + pattern + ")"
	if !anywhere {
		expr = "^" + expr
	}
	if !caseSensitive {
		expr = "(?i)" + expr
	}
	// Compile the pattern alone first so the error message quotes what the
	// user wrote, not our wrapping.
	if _, err := regexp.Compile(pattern); err != nil {
		m.err = err
	} else if m.re, err = regexp.Compile(expr); err != nil {
		m.err = err
	}
	matcherCache.Lock()
	if matcherCache.m == nil || len(matcherCache.m) >= matcherCacheLimit {
		matcherCache.m = make(map[matcherKey]*matcher)
	}
	matcherCache.m[key] = m
	matcherCache.Unlock()
	return m
}

func (m *matcher) match(s string) bool {
	if m.literal(s) {
		return true
	}
	return m.re != nil && m.re.MatchString(s)
}

func (m *matcher) literal(s string) bool {
	switch {
	case m.anywhere && m.fold:
		return strings.Contains(strings.ToLower(s), strings.ToLower(m.text))
	case m.anywhere:
		return strings.Contains(s, m.text)
	case m.fold:
		return strings.EqualFold(s, m.text)
	}
	return s == m.text
}

// invalid builds the ValueError for a pattern that did not compile, naming
// the method and argument as a script sees them.
func (m *matcher) invalid(method, arg string) error {
	return harbor.ValueErrorf("%s: %s %q is not a valid pattern: %v", method, arg, m.text, m.err)
}

// check returns the pattern's error when nothing matched it.
func (m *matcher) check(found bool, method, arg string) error {
	if m.err != nil && !found {
		return m.invalid(method, arg)
	}
	return nil
}
