package harbortest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func sidOf(t *testing.T, r resp) string {
	t.Helper()
	sid := ""
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "sid" {
			sid = c.Value
		}
	}
	if sid == "" {
		t.Fatal("response set no sid cookie")
	}
	return sid
}

func names(t *testing.T, r resp, key string) []string {
	t.Helper()
	var rows []map[string]any
	r.decode(t, &rows)
	var out []string
	for _, row := range rows {
		out = append(out, row[key].(string))
	}
	return out
}

func TestWrongPasswordIsAnonymousWhereAnonymousIsAllowed(t *testing.T) {
	_, base := startServer(t, Options{})
	r := do(t, base, "GET", "/api/v2.0/projects", "", asUser(AdminUser, "typo"))
	wantStatus(t, r, 200)
	for _, n := range names(t, r, "name") {
		if n != "library" && n != "legacy" {
			t.Errorf("wrong password listed non-public project %s", n)
		}
	}
	wantError(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser(AdminUser, "typo")), 401, "UNAUTHORIZED", "unauthorized")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/mirrors", ""), 401, "UNAUTHORIZED", "unauthorized")
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/mirrors", "", asAdmin), 200)
}

func TestSidCookieOnWriteIsCSRFForbidden(t *testing.T) {
	_, base := startServer(t, Options{})
	sid := sidOf(t, do(t, base, "GET", "/api/v2.0/projects", "", asAdmin))
	r := do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"csrftest"}`, asAdmin, withHeader("Cookie", "sid="+sid))
	wantError(t, r, 403, "FORBIDDEN", "CSRF token not found in request")
	wantStatus(t, do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"csrftest"}`, asAdmin), 201)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asAdmin, withHeader("Cookie", "sid="+sid)), 200)
}

func TestMissingRepositoryListsNoArtifacts(t *testing.T) {
	_, base := startServer(t, Options{})
	r := do(t, base, "GET", "/api/v2.0/projects/library/repositories/nosuchrepo/artifacts", "", asAdmin)
	wantStatus(t, r, 200)
	if string(r.body) != "[]" || r.header.Get("X-Total-Count") != "0" {
		t.Fatalf("body %s total %q", r.body, r.header.Get("X-Total-Count"))
	}
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories/nosuchrepo", "", asAdmin), 404, "NOT_FOUND", "repository library/nosuchrepo not found")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/nope/repositories", "", asAdmin), 404, "NOT_FOUND", "project nope not found")
}

func TestPaginationLikeHarbor(t *testing.T) {
	_, base := startServer(t, Options{})
	wantError(t, do(t, base, "GET", "/api/v2.0/projects?page_size=101", "", asAdmin), 422, "UNPROCESSABLE_ENTITY",
		"validation failure list:\npage_size in query should be less than or equal to 100")
	wantError(t, do(t, base, "GET", "/api/v2.0/repositories?page_size=x", "", asAdmin), 422, "UNPROCESSABLE_ENTITY", "")
	r := do(t, base, "GET", "/api/v2.0/repositories?page=2&page_size=2&q="+url.QueryEscape("name=~a"), "", asAdmin)
	wantStatus(t, r, 200)
	link := r.header.Get("Link")
	want := `</api/v2.0/repositories?page=1&page_size=2&q=name=~a>; rel="prev" , </api/v2.0/repositories?page=3&page_size=2&q=name=~a>; rel="next"`
	if link != want {
		t.Fatalf("Link %q\nwant %q", link, want)
	}
	all := do(t, base, "GET", "/api/v2.0/repositories?page_size=0", "", asAdmin)
	total := all.header.Get("X-Total-Count")
	if n := len(names(t, all, "name")); total == "" || total != itoa(n) || all.header.Get("Link") != "" {
		t.Fatalf("page_size=0 gave %d rows, total %s, link %q", n, total, all.header.Get("Link"))
	}
	// Pages in turn hold every row once, in the order of the whole list.
	for _, list := range []string{"/api/v2.0/repositories", "/api/v2.0/projects", "/api/v2.0/projects/team-a/repositories/backend%252Fapi/artifacts"} {
		key := "name"
		if strings.HasSuffix(list, "/artifacts") {
			key = "digest"
		}
		whole := names(t, do(t, base, "GET", list+"?page_size=0", "", asAdmin), key)
		var paged []string
		for page := 1; len(paged) < len(whole) && page <= len(whole); page++ {
			paged = append(paged, names(t, do(t, base, "GET", list+"?page_size=2&page="+itoa(page), "", asAdmin), key)...)
		}
		if len(whole) < 3 || strings.Join(paged, " ") != strings.Join(whole, " ") {
			t.Errorf("%s: pages of 2 gave %v, the whole list is %v", list, paged, whole)
		}
	}
	past := do(t, base, "GET", "/api/v2.0/repositories?page=99", "", asAdmin)
	if string(past.body) != "[]" || past.header.Get("Link") != "" || past.header.Get("X-Total-Count") != total {
		t.Fatalf("page past end: %s link %q total %q", past.body, past.header.Get("Link"), past.header.Get("X-Total-Count"))
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestUntaggedUnscannedArtifacts(t *testing.T) {
	_, base := startServer(t, Options{})
	r := do(t, base, "GET", "/api/v2.0/projects/library/repositories/alpine/artifacts?with_scan_overview=true&q="+url.QueryEscape("tags=nil"), "", asAdmin)
	var arts []map[string]any
	r.decode(t, &arts)
	if len(arts) != 1 {
		t.Fatalf("%d untagged artifacts, want 1", len(arts))
	}
	if v, ok := arts[0]["tags"]; !ok || v != nil {
		t.Errorf("untagged artifact tags = %v (present %v), want null", v, ok)
	}
	if _, ok := arts[0]["scan_overview"]; ok {
		t.Error("unscanned artifact has scan_overview")
	}
	r = do(t, base, "GET", "/api/v2.0/projects/library/repositories/busybox/artifacts/latest/additions/vulnerabilities", "", asAdmin)
	wantStatus(t, r, 200)
	if string(r.body) != "{}" {
		t.Errorf("unscanned vulnerabilities %s, want {}", r.body)
	}
	r = do(t, base, "GET", "/api/v2.0/projects/library/repositories/alpine/artifacts/latest/additions/vulnerabilities", "", asAdmin,
		withHeader("X-Accept-Vulnerabilities", MimeNativeReport))
	var rep map[string]reportJSON
	r.decode(t, &rep)
	if len(rep[MimeNativeReport].Vulnerabilities) != 3 {
		t.Errorf("native report: %s", r.body)
	}
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories/alpine/artifacts?q="+url.QueryEscape("tags={a b}"), "", asAdmin),
		400, "BAD_REQUEST", `the value of "tags" query can only be fuzzy match value or exact match value`)
}

// TestDeleteSemantics replays the capture's delete.* sequence.
func TestDeleteSemantics(t *testing.T) {
	_, base := startServer(t, Options{})
	wantStatus(t, do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"scratch","metadata":{"public":"false"}}`, asAdmin), 201)
	p := "/api/v2.0/projects/scratch/repositories/"
	wantStatus(t, do(t, base, "POST", p+"demo/artifacts?from=library/alpine:latest", "", asAdmin), 201)
	wantStatus(t, do(t, base, "POST", p+"other/artifacts?from=library/busybox:latest", "", asAdmin), 201)
	wantError(t, do(t, base, "DELETE", "/api/v2.0/projects/scratch", "", asAdmin), 412, "PRECONDITION",
		"precondition failed: the project contains repositories, can not be deleted")
	wantStatus(t, do(t, base, "DELETE", p+"demo/artifacts/latest/tags/3.19", "", asAdmin), 200)
	wantStatus(t, do(t, base, "GET", p+"demo/artifacts/latest", "", asAdmin), 200)
	wantError(t, do(t, base, "DELETE", p+"demo/artifacts/latest/tags/3.19", "", asAdmin), 404, "NOT_FOUND", "")
	wantStatus(t, do(t, base, "POST", p+"demo/artifacts/latest/tags", `{"name":"keep"}`, asAdmin), 201)
	wantStatus(t, do(t, base, "DELETE", p+"demo/artifacts/latest", "", asAdmin), 200)
	wantError(t, do(t, base, "GET", p+"demo/artifacts/keep", "", asAdmin), 404, "NOT_FOUND", "artifact scratch/demo:keep not found")
	wantError(t, do(t, base, "DELETE", p+"demo/artifacts/latest", "", asAdmin), 404, "NOT_FOUND", "artifact scratch/demo:latest not found")
	wantStatus(t, do(t, base, "DELETE", p+"demo", "", asAdmin), 200)
	wantError(t, do(t, base, "DELETE", p+"demo", "", asAdmin), 404, "NOT_FOUND", "repository scratch/demo not found")
	wantStatus(t, do(t, base, "DELETE", p+"other/artifacts/sha256:5ccc06cea2ff353ab70d6c83a1e7dcde2c4204727c138a7c46ef2e8dd51ca81b", "", asAdmin), 200)
	r := do(t, base, "GET", p+"other", "", asAdmin)
	var repo repositoryJSON
	r.decode(t, &repo)
	if repo.ArtifactCount != 0 {
		t.Errorf("artifact_count %d after deleting the last artifact", repo.ArtifactCount)
	}
	wantStatus(t, do(t, base, "DELETE", "/api/v2.0/projects/scratch", "", asAdmin), 412)
	wantStatus(t, do(t, base, "DELETE", p+"other", "", asAdmin), 200)
	wantStatus(t, do(t, base, "DELETE", "/api/v2.0/projects/scratch", "", asAdmin), 200)
	wantError(t, do(t, base, "DELETE", "/api/v2.0/projects/scratch", "", asAdmin), 404, "NOT_FOUND", "project scratch not found")
}

func TestBasicAuthCostIsPaidByUsersOnly(t *testing.T) {
	s, base := startServer(t, Options{BasicAuthCost: 20 * time.Millisecond})
	do(t, base, "GET", "/api/v2.0/projects", "", asUser("robot$ci", "CiSecret123"))
	do(t, base, "GET", "/api/v2.0/projects", "")
	if at := s.Stats().AuthTime; at != 0 {
		t.Fatalf("robot and anonymous requests cost %v of auth time", at)
	}
	do(t, base, "GET", "/api/v2.0/projects", "", asAdmin)
	do(t, base, "GET", "/api/v2.0/projects", "", asAdmin)
	if at := s.Stats().AuthTime; at < 40*time.Millisecond {
		t.Fatalf("two user requests cost %v of auth time, want ≥ 40ms", at)
	}
}

func TestWrongPasswordLocksTheUser(t *testing.T) {
	_, base := startServer(t, Options{FailedLoginDelay: 150 * time.Millisecond})
	start := time.Now()
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser(AdminUser, "typo")), 401)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("wrong password answered after %v", d)
	}
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asAdmin), 401)
	time.Sleep(320 * time.Millisecond)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asAdmin), 200)
}

func TestCurrentUserVerifiesAnyCredentials(t *testing.T) {
	_, base := startServer(t, Options{})
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser("dev", "Dev12345")), 200)
	wantError(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser("robot$ci", "CiSecret123")), 412, "PRECONDITION",
		"get current user not available for security context: robot")
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser("robot$ci", "bad")), 401)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser("robot$team-a+builder", "BuilderSecret123")), 401)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", asUser("robot$old-deployer", "OldSecret123")), 401)
}

func TestRobotLackingPermissionIsForbiddenOnThatCallOnly(t *testing.T) {
	_, base := startServer(t, Options{Clock: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }})
	reader := asUser("robot$library+reader", "ReaderSecret123")
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories/alpine/artifacts", "", reader), 200)
	wantError(t, do(t, base, "DELETE", "/api/v2.0/projects/library/repositories/alpine/artifacts/latest", "", reader), 403, "FORBIDDEN", "")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/mirrors/repositories", "", reader), 403, "FORBIDDEN", "")
	_, late := startServer(t, Options{Clock: func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }})
	wantStatus(t, do(t, late, "GET", "/api/v2.0/projects/mirrors", "", reader), 401)
}

func TestSessionLogin(t *testing.T) {
	s, base := startServer(t, Options{BasicAuthCost: 10 * time.Millisecond})
	form := "principal=admin&password=" + AdminPassword
	formHdr := withHeader("Content-Type", "application/x-www-form-urlencoded")
	r := do(t, base, "POST", "/c/login", form, formHdr)
	wantError(t, r, 403, "FORBIDDEN", "CSRF token not found in request")
	token := r.header.Get("X-Harbor-Csrf-Token")
	var csrf string
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "_gorilla_csrf" {
			csrf = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				t.Errorf("csrf cookie %+v", c)
			}
		}
	}
	if token == "" || csrf == "" {
		t.Fatalf("no CSRF token (%q) or cookie (%q)", token, csrf)
	}
	wantError(t, do(t, base, "POST", "/c/login", form, formHdr, withHeader("X-Harbor-Csrf-Token", token)), 403, "FORBIDDEN", "CSRF token invalid")
	withCSRF := []reqOpt{formHdr, withHeader("X-Harbor-Csrf-Token", token), withHeader("Cookie", "_gorilla_csrf="+csrf)}
	wantStatus(t, do(t, base, "POST", "/c/login", "principal=robot$ci&password=CiSecret123", withCSRF...), 401)
	wantStatus(t, do(t, base, "POST", "/c/login", "principal=admin&password=nope", withCSRF...), 401)
	r = do(t, base, "POST", "/c/login", form, withCSRF...)
	wantStatus(t, r, 200)
	sid := sidOf(t, r)
	s.ResetStats()
	cookie := withHeader("Cookie", "sid="+sid)
	r = do(t, base, "GET", "/api/v2.0/users/current", "", cookie)
	wantStatus(t, r, 200)
	if s.Stats().AuthTime != 0 {
		t.Error("a session request paid the password hash")
	}
	wantError(t, do(t, base, "DELETE", "/api/v2.0/projects/sandbox", "", cookie), 403, "FORBIDDEN", "CSRF token not found in request")
	wantStatus(t, do(t, base, "PUT", "/api/v2.0/projects/sandbox", `{"metadata":{"auto_scan":"true"}}`,
		withHeader("Cookie", "sid="+sid+"; _gorilla_csrf="+csrf), withHeader("X-Harbor-Csrf-Token", token)), 200)
	wantStatus(t, do(t, base, "GET", "/c/log_out", "", cookie), 200)
	wantStatus(t, do(t, base, "GET", "/api/v2.0/users/current", "", cookie), 401)
}

func TestScanLifecycle(t *testing.T) {
	_, base := startServer(t, Options{ScanDelay: 100 * time.Millisecond})
	a := "/api/v2.0/projects/mirrors/repositories/internal-repo/artifacts/v1.0.0"
	r := do(t, base, "POST", a+"/scan", "", asAdmin)
	wantStatus(t, r, 202)
	if len(r.body) != 0 {
		t.Errorf("scan answered a body: %s", r.body)
	}
	overview := func() overviewJSON {
		var art struct {
			ScanOverview map[string]overviewJSON `json:"scan_overview"`
		}
		do(t, base, "GET", a+"?with_scan_overview=true", "", asAdmin).decode(t, &art)
		return art.ScanOverview[MimeGenericReport]
	}
	if ov := overview(); ov.ScanStatus != "Pending" {
		t.Fatalf("right after the request: %+v", ov)
	}
	if string(do(t, base, "GET", a+"/additions/vulnerabilities", "", asAdmin).body) != "{}" {
		t.Error("a pending scan has a report")
	}
	time.Sleep(120 * time.Millisecond)
	ov := overview()
	if ov.ScanStatus != "Success" || ov.Summary == nil || ov.Summary.Total != 3 {
		t.Fatalf("after the delay: %+v", ov)
	}
	var rep map[string]reportJSON
	do(t, base, "GET", a+"/additions/vulnerabilities", "", asAdmin).decode(t, &rep)
	if len(rep[MimeGenericReport].Vulnerabilities) != 3 {
		t.Fatalf("report %+v", rep)
	}
	wantError(t, do(t, base, "POST", "/api/v2.0/projects/mirrors/repositories/internal-repo/artifacts/nosuchtag/scan", "", asAdmin),
		404, "NOT_FOUND", "artifact mirrors/internal-repo:nosuchtag not found")
}

func TestRepositoryNamesWithSlash(t *testing.T) {
	_, base := startServer(t, Options{})
	for _, p := range []string{"team%252Fapp", "team%2Fapp"} {
		wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/mirrors/repositories/"+p, "", asAdmin), 200)
	}
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/mirrors/repositories/team/app", "", asAdmin), 404, "NOT_FOUND",
		"path /api/v2.0/projects/mirrors/repositories/team/app was not found")
	r := do(t, base, "GET", "/api/v2.0/projects/team-a/repositories/backend%252Fapi/artifacts?q="+url.QueryEscape("tags=~1."), "", asUser("dev", "Dev12345"))
	wantStatus(t, r, 200)
	if r.header.Get("X-Total-Count") != "3" {
		t.Errorf("fuzzy tag match counted %s, want 3", r.header.Get("X-Total-Count"))
	}
}

func TestProjectByIDOrName(t *testing.T) {
	_, base := startServer(t, Options{})
	var p projectJSON
	do(t, base, "GET", "/api/v2.0/projects/2", "", asAdmin).decode(t, &p)
	if p.Name != "mirrors" {
		t.Fatalf("project 2 is %q", p.Name)
	}
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/2", "", asAdmin, withHeader("X-Is-Resource-Name", "true")), 404, "NOT_FOUND", "project 2 not found")
	wantStatus(t, do(t, base, "HEAD", "/api/v2.0/projects?project_name=legacy", "", asAdmin), 200)
	wantStatus(t, do(t, base, "HEAD", "/api/v2.0/projects?project_name=nope", "", asAdmin), 404)
	wantError(t, do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"Bad Name!"}`, asAdmin), 400, "BAD_REQUEST", "")
	wantError(t, do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"library"}`, asAdmin), 409, "CONFLICT", "The project named library already exists")
	r := do(t, base, "POST", "/api/v2.0/projects", `{"project_name":"new-one","metadata":{"public":"true"}}`, asAdmin)
	wantStatus(t, r, 201)
	if !strings.HasPrefix(r.header.Get("Location"), "/api/v2.0/projects/") || len(r.body) != 0 {
		t.Errorf("create answered Location %q body %q", r.header.Get("Location"), r.body)
	}
}

func TestRequestIDEcho(t *testing.T) {
	_, base := startServer(t, Options{})
	r := do(t, base, "GET", "/api/v2.0/ping", "", withHeader("X-Request-Id", "abc-123"))
	if r.header.Get("X-Request-Id") != "abc-123" || string(r.body) != "Pong" || r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("ping: id %q body %q type %q", r.header.Get("X-Request-Id"), r.body, r.header.Get("Content-Type"))
	}
}
