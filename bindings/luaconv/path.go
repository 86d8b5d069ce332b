package luaconv

import (
	"strconv"
	"strings"
)

// path tracks where in a nested value the walk is, built into a string only
// when an error has to name the offending value.
type path struct {
	root string
	segs []pathSeg
}

type pathSeg struct {
	key   string
	index int // used when key == "" and isIdx
	isIdx bool
}

func (p *path) pushKey(k string) { p.segs = append(p.segs, pathSeg{key: k}) }
func (p *path) pushIndex(i int)  { p.segs = append(p.segs, pathSeg{index: i, isIdx: true}) }
func (p *path) pop()             { p.segs = p.segs[:len(p.segs)-1] }

func (p *path) String() string {
	var b strings.Builder
	b.WriteString(p.root)
	for _, s := range p.segs {
		switch {
		case s.isIdx:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case isIdent(s.key):
			b.WriteByte('.')
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

// PathError reports a value that cannot be converted, with its location.
type PathError struct {
	Path   string
	Reason string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Reason }
