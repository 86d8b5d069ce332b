package harbortest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Each listing filters by the q keys it knows and ignores the others, as
// Harbor does; a script's query then narrows exactly that listing.
func TestListingsFilterByQuery(t *testing.T) {
	_, base := startServer(t, Options{})
	for _, tc := range []struct {
		path, q, key string
		want         []string
	}{
		{"/api/v2.0/projects", "name=~a", "name", []string{"legacy", "library", "sandbox", "team-a"}},
		{"/api/v2.0/projects", "public=true", "name", []string{"legacy", "library"}},
		{"/api/v2.0/projects", "project_id={2 3}", "name", []string{"mirrors", "team-a"}},
		{"/api/v2.0/projects", "owner_id=7", "name", []string{"legacy", "library", "mirrors", "sandbox", "team-a"}},
		{"/api/v2.0/repositories", "name=~team", "name", []string{"mirrors/team/app", "team-a/backend/api", "team-a/frontend/web", "team-a/java-app"}},
		{"/api/v2.0/projects/library/repositories/alpine/artifacts/latest/tags", "name=3.19", "name", []string{"3.19"}},
		{"/api/v2.0/users", "username=dev", "username", []string{"dev"}},
		{"/api/v2.0/users", "email=~example.com", "username", []string{"auditor", "dev"}},
		{"/api/v2.0/robots", "level=project", "name", []string{"robot$library+reader", "robot$team-a+builder"}},
		{"/api/v2.0/robots", "name=robot$ci,Level=system", "name", []string{"robot$ci"}},
	} {
		got := names(t, do(t, base, "GET", tc.path+"?page_size=0&q="+url.QueryEscape(tc.q), "", asAdmin), tc.key)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s q=%s: %s, want %s", tc.path, tc.q, strings.Join(got, " "), strings.Join(tc.want, " "))
		}
	}
}
