package harbortest

import (
	"bytes"
	"sync"
	"unsafe"
)

// Rendering a 50-finding report to JSON for every request made the
// simulator a large share of a benchmark's CPU, so a sweep measured the
// simulator as much as the client. Artifacts share their vulnerability lists
// (generated reports come from a pool, and clone keeps the sharing), and a
// rendered report differs between artifacts with the same list only in the
// artifact's digest and the generation time. reportBodies keeps one rendered
// body per list, scanner and MIME type, with holes where those two go;
// filling the holes is a copy. Lists are replaced, never edited in place
// (see clone), so a list's identity and length name its content; the
// scanner is part of the key because it is rendered into the body.

// Placeholders rendered into a template; json.Marshal writes the control
// characters as \u0001 and \u0002, which no finding contains.
const (
	digestHole = "\x01digest\x01"
	timeHole   = "\x02generated\x02"
)

var (
	digestMark = []byte(`\u0001digest\u0001`)
	timeMark   = []byte(`\u0002generated\u0002`)
)

const reportCacheEntries = 256

type reportKey struct {
	list    *(*Vulnerability)
	n       int
	mime    string
	scanner scannerJSON
}

// reportTemplate is a body cut at its holes: parts[i] is followed by the
// value of holes[i] (the digest when true, the time when false).
type reportTemplate struct {
	parts [][]byte
	holes []bool
	fixed int // bytes of the parts together
}

type reportBodies struct {
	mu sync.Mutex
	m  map[reportKey]*reportTemplate
}

// reportBody renders the report of a for mime, from the template of its list.
func (s *Server) reportBody(a *Artifact, sc *Scan, mime string) []byte {
	k := reportKey{list: unsafe.SliceData(a.Vulnerabilities), n: len(a.Vulnerabilities), mime: mime, scanner: s.scannerInfo()}
	rc := &s.reports
	rc.mu.Lock()
	t := rc.m[k]
	rc.mu.Unlock()
	if t == nil {
		proto := &Artifact{Digest: digestHole, Vulnerabilities: a.Vulnerabilities}
		body := encodeJSON(map[string]reportJSON{mime: s.renderReportAt(proto, timeHole)})
		t = cutTemplate(body)
		rc.mu.Lock()
		if rc.m == nil || len(rc.m) >= reportCacheEntries {
			rc.m = map[reportKey]*reportTemplate{}
		}
		rc.m[k] = t
		rc.mu.Unlock()
	}
	return t.fill(a.Digest, generatedAt(sc))
}

func cutTemplate(body []byte) *reportTemplate {
	t := &reportTemplate{}
	for {
		d, g := bytes.Index(body, digestMark), bytes.Index(body, timeMark)
		if d < 0 && g < 0 {
			break
		}
		if d >= 0 && (g < 0 || d < g) {
			t.parts = append(t.parts, body[:d])
			t.holes = append(t.holes, true)
			body = body[d+len(digestMark):]
		} else {
			t.parts = append(t.parts, body[:g])
			t.holes = append(t.holes, false)
			body = body[g+len(timeMark):]
		}
	}
	t.parts = append(t.parts, body)
	for _, p := range t.parts {
		t.fixed += len(p)
	}
	return t
}

// fill writes digest and generated into the holes. Both are plain ASCII
// (a digest, an RFC 3339 time), which JSON needs no escaping for.
func (t *reportTemplate) fill(digest, generated string) []byte {
	n := t.fixed
	for _, d := range t.holes {
		if d {
			n += len(digest)
		} else {
			n += len(generated)
		}
	}
	out := make([]byte, 0, n)
	for i, p := range t.parts {
		out = append(out, p...)
		if i < len(t.holes) {
			if t.holes[i] {
				out = append(out, digest...)
			} else {
				out = append(out, generated...)
			}
		}
	}
	return out
}
