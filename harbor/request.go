package harbor

import (
	"net/http"
	"net/url"
	"strings"
)

// Request is one call to the API, described independently of the client that
// sends it.
type Request struct {
	Method string
	// Path is below the API prefix (/api/v2.0) and already escaped, for
	// example "/projects/mirrors/repositories/team%252Fapp".
	Path   string
	Query  url.Values
	Header http.Header
	// Body is encoded as JSON when not nil; a []byte is sent as is.
	Body any
}

// EscapeRepository encodes a repository name (without its project) for a
// path segment the way Harbor needs it: a slash is escaped twice, so
// "team/app" becomes "team%252Fapp".
func EscapeRepository(name string) string {
	return url.PathEscape(url.PathEscape(name))
}

// SplitRepositoryName splits "project/repo/sub" into "project" and "repo/sub".
func SplitRepositoryName(full string) (project, repo string) {
	project, repo, _ = strings.Cut(full, "/")
	return project, repo
}
