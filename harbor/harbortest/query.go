package harbortest

import (
	"fmt"
	"net/url"
	"strings"
)

// qterm is one key=value of Harbor's q query language.
type qterm struct {
	key  string
	kind byte // '=' exact, '~' fuzzy, '[' range, '{' any-of, '(' all-of
	val  string
	min  string
	max  string
	list []string
}

const qMalformed = `the query string must contain "=" and the key/value cannot be empty`

// parseQ parses q as Harbor does, including its extra unescape; the error is
// Harbor's 400 message.
func parseQ(raw string) ([]qterm, error) {
	if raw == "" {
		return nil, nil
	}
	if u, err := url.QueryUnescape(raw); err == nil {
		raw = u
	}
	var terms []qterm
	for _, part := range strings.Split(raw, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%s", qMalformed)
		}
		t := qterm{key: k}
		switch {
		case strings.HasPrefix(v, "~"):
			t.kind, t.val = '~', strings.TrimPrefix(v, "~")
		case strings.HasPrefix(v, "["):
			inner, ok := strings.CutSuffix(strings.TrimPrefix(v, "["), "]")
			lo, hi, ok2 := strings.Cut(inner, "~")
			if !ok || !ok2 {
				return nil, fmt.Errorf("invalid query string value: %s", v)
			}
			t.kind, t.min, t.max = '[', strings.TrimSpace(lo), strings.TrimSpace(hi)
		case strings.HasPrefix(v, "{"), strings.HasPrefix(v, "("):
			close := "}"
			if v[0] == '(' {
				close = ")"
			}
			inner, ok := strings.CutSuffix(v[1:], close)
			if !ok {
				return nil, fmt.Errorf("invalid query string value: %s", v)
			}
			t.kind, t.list = v[0], strings.Fields(inner)
		default:
			t.kind, t.val = '=', strings.Trim(v, `"'`)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// matchTerms reports whether a row matches every term on a key the
// listing knows; field gives the row's value for a key, false for keys it
// ignores (as Harbor does).
func matchTerms(terms []qterm, field func(key string) (string, bool)) bool {
	for _, t := range terms {
		if v, ok := field(t.key); ok && !t.matchString(v) {
			return false
		}
	}
	return true
}

// matchString applies a term to a string field.
func (t qterm) matchString(s string) bool {
	switch t.kind {
	case '=':
		return s == t.val
	case '~':
		return strings.Contains(s, t.val)
	case '{':
		for _, v := range t.list {
			if s == v {
				return true
			}
		}
		return false
	case '(':
		for _, v := range t.list {
			if s != v {
				return false
			}
		}
		return true
	case '[':
		return (t.min == "" || s >= t.min) && (t.max == "" || s <= t.max)
	}
	return false
}
