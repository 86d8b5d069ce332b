package ext

import (
	"regexp"
	"strings"

	apk "github.com/knqyf263/go-apk-version"
	deb "github.com/knqyf263/go-deb-version"
)

// Package versions come in several families. Debian and Alpine have precise
// rules implemented by maintained libraries; the rest (semver, upstream
// releases, dates) go through a loose comparator. The family is chosen from
// both strings together, so comparing a with b and b with a always take the
// same path and the order stays antisymmetric.
var (
	debianHint = regexp.MustCompile(`^[0-9]+:|\+deb|ubuntu|\+dfsg|~`)
	alpineHint = regexp.MustCompile(`-r[0-9]+$|_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*`)
	// Long digit runs overflow the libraries' int arithmetic; the loose
	// comparator handles any length.
	longNumber = regexp.MustCompile(`[0-9]{16,}`)
)

// CompareVersions orders two package versions: -1 when a is older, 0 when
// they are the same release, 1 when a is newer. ok is false when either is
// not a version at all (empty, "latest", no leading digit).
func CompareVersions(a, b string) (int, bool) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !looksLikeVersion(a) || !looksLikeVersion(b) {
		return 0, false
	}
	safe := isASCII(a) && isASCII(b) && !longNumber.MatchString(a) && !longNumber.MatchString(b)
	if safe && (debianHint.MatchString(a) || debianHint.MatchString(b)) {
		if va, err := deb.NewVersion(a); err == nil {
			if vb, err := deb.NewVersion(b); err == nil {
				return sign(va.Compare(vb)), true
			}
		}
	}
	if safe && (alpineHint.MatchString(a) || alpineHint.MatchString(b)) && apk.Valid(a) && apk.Valid(b) {
		return sign(apk.Version(a).Compare(apk.Version(b))), true
	}
	return compareLoose(a, b), true
}

// ParseableVersion reports whether CompareVersions accepts v.
func ParseableVersion(v string) bool { return looksLikeVersion(strings.TrimSpace(v)) }

// looksLikeVersion wants a digit first, after an optional "v" or epoch.
func looksLikeVersion(s string) bool {
	s = trimVPrefix(s)
	if i := strings.IndexByte(s, ':'); i > 0 && allDigits(s[:i]) {
		s = s[i+1:]
	}
	return s != "" && isDigit(s[0])
}

func trimVPrefix(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && isDigit(s[1]) {
		return s[1:]
	}
	return s
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

type tokenKind int

const (
	tokTilde tokenKind = iota // sorts before everything, as in Debian
	tokAlpha
	tokNum
)

type token struct {
	kind tokenKind
	text string
	// afterSep is true for a word that follows a separator ("1.2-rc1"),
	// which marks a pre-release; a letter glued to a number ("1.1.1n") is
	// a later release instead.
	afterSep bool
}

// compareLoose compares digit runs numerically and words alphabetically,
// ignoring separators. When one version runs out first, the other is newer
// unless what it has left is a pre-release word or a tilde.
func compareLoose(a, b string) int {
	ta, tb := tokenize(a), tokenize(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		if c := compareToken(ta[i], tb[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(ta) > len(tb):
		return restSign(ta[len(tb)])
	case len(ta) < len(tb):
		return -restSign(tb[len(ta)])
	}
	return 0
}

func restSign(t token) int {
	if t.kind == tokTilde || (t.kind == tokAlpha && t.afterSep) {
		return -1
	}
	return 1
}

func compareToken(x, y token) int {
	if x.kind != y.kind {
		if x.kind < y.kind {
			return -1
		}
		return 1
	}
	switch x.kind {
	case tokNum:
		if len(x.text) != len(y.text) {
			if len(x.text) < len(y.text) {
				return -1
			}
			return 1
		}
		return strings.Compare(x.text, y.text)
	case tokAlpha:
		return strings.Compare(x.text, y.text)
	}
	return 0
}

func tokenize(s string) []token {
	s = strings.ToLower(trimVPrefix(s))
	var out []token
	sep := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			n := strings.TrimLeft(s[i:j], "0")
			out = append(out, token{kind: tokNum, text: n})
			i, sep = j, false
		case isLetter(c):
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			out = append(out, token{kind: tokAlpha, text: s[i:j], afterSep: sep || i == 0})
			i, sep = j, false
		case c == '~':
			out = append(out, token{kind: tokTilde})
			i, sep = i+1, true
		default:
			// '.', '-', '_', '+', ':' and anything unexpected only separate.
			i, sep = i+1, true
		}
	}
	return out
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
