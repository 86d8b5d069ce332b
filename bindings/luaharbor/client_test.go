package luaharbor_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

type fixture struct {
	srv            *harbortest.Server
	env            luaharbor.Env
	stdout, stderr bytes.Buffer
}

func newFixture(t *testing.T, opts harbortest.Options, copts harbor.Options) *fixture {
	t.Helper()
	f := &fixture{srv: harbortest.New(opts)}
	url := f.srv.Start()
	t.Cleanup(f.srv.Close)
	copts.URL, copts.Username, copts.Secret = url, harbortest.AdminUser, harbortest.AdminPassword
	copts.Retry = harbor.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	c, err := harbor.New(copts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	f.env = luaharbor.Env{Default: c, Stderr: &f.stderr, ClientDefaults: harbor.Options{DryRun: copts.DryRun, DryRunOut: copts.DryRunOut}}
	return f
}

// run executes code with harbor required as `harbor` and the default client
// as `c`, and returns what it printed.
func (f *fixture) run(t *testing.T, code string) string {
	t.Helper()
	f.stdout.Reset()
	err := engine.RunString(context.Background(), "t.lua", `local harbor = require("harbor"); local c = harbor.default
`+code, engine.Options{Stdout: &f.stdout, Stderr: &f.stderr, Setup: func(L *lua.LState) error {
		return bindings.Setup(L, &bindings.Options{Harbor: f.env})
	}})
	if err != nil {
		t.Fatalf("%v\n%s", err, f.stderr.String())
	}
	return f.stdout.String()
}

func TestEverydayMethodsRoundTrip(t *testing.T) {
	f := newFixture(t, harbortest.Options{}, harbor.Options{})
	out := f.run(t, `
		local names = {}
		for _, p in ipairs(c:get_projects()) do names[#names+1] = p.name end
		print(table.concat(names, ","))
		print(c:get_project("library").metadata.public)
		local loc = c:create_project({project_name = "scratch", metadata = {public = "false"}})
		print(loc ~= nil and loc:match("^/api/v2.0/projects/%d+$") ~= nil)
		print(c:get_project("scratch").name)
		c:create_artifact_tag("library", "alpine", "latest", "edge")
		local tags = {}
		for _, tg in ipairs(c:get_artifact_tags("library", "alpine", "latest")) do tags[#tags+1] = tg.name end
		table.sort(tags); print(table.concat(tags, ","))
		c:delete_artifact_tag("library", "alpine", "latest", "edge")
		print(#c:get_artifact_tags("library", "alpine", "latest"))
		local rep = c:get_artifact_vulnerabilities("library", "alpine", "latest")
		print(#rep.vulnerabilities, rep.scanner.name)
		print((c:get_artifact_vulnerabilities("library", "busybox", "latest")))
		local a = c:get_artifact("library", "alpine", "sha256:f7b434c7814e50f741160e091a8821a9ddf9979ddf0e37d3b8c136a09203d77a")
		print(a.tags, a.digest:sub(1, 19))
		print(c:get_repository("mirrors", "team/app").name)
		print(c:get_current_user().username, c:get_system_info().harbor_version ~= nil)
		local ok, e = pcall(c.delete_project, c, "library")
		print(ok, e.type, e.status_code, e.errors[1].code)
		print(c:delete_project("scratch"))
	`)
	want := `legacy,library,mirrors,sandbox,team-a
true
true
scratch
3.19,edge,latest
2
3	FakeScan
nil
nil	sha256:f7b434c7814e
mirrors/team/app
admin	true
false	PreconditionFailed	412	PRECONDITION
nil	table: `
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant prefix\n%s", out, want)
	}
}

func TestCallFollowsPagesAndValidates(t *testing.T) {
	ds := harbortest.Generate(harbortest.GenSpec{Projects: 1, ReposPerProject: 230, ArtifactsPerRepo: 1, Seed: 4})
	f := newFixture(t, harbortest.Options{Dataset: ds}, harbor.Options{})
	out := f.run(t, `
		print(#c:call("listAllRepositories"))
		print(#c:call("list_all_repositories", {page = 2, page_size = 10}))
		print(#c:call("listAllRepositories", {limit = 105}))
		print(#c:get_repositories({limit = 7}))
		print(#c:call("listAllRepositories", {page_size = 50}))
		for _, code in ipairs({
			'c:call("noSuchOperation")',
			'c:call("getRepository", {project_name = "p"})',
			'c:call("getRepository", {project_name = "p", repository_name = "r", extra = 1})',
			'c:call("listAllRepositories", {page_size = "ten"})',
			'c:call("getRepository", "p")',
			'c:get_artifact("library", "alpine")',
			'c:create_project({project_name = "x", metadata = {public = print}})',
			'c:call("createProject", {body = {project_name = "x", metadata = {public = print}}})',
		}) do
			local ok, e = pcall(loadstring("local c = ...; return " .. code), c)
			print(e.type, e.message)
		end
	`)
	want := `230
10
105
7
230
ValueError	client:call: unknown operation "noSuchOperation" (see harbor.operations() or ` + "`harborscript ops`" + `)
ValueError	getRepository: missing required parameter "repository_name"
ValueError	getRepository: unknown parameter "extra"
ValueError	listAllRepositories: parameter "page_size" must be an integer, got string
ValueError	client:call: argument #3 must be a table of parameters, got string
ValueError	client:get_artifact: argument #3 (reference) is required
ValueError	client:create_project: createProject: project.metadata.public: cannot convert a function
ValueError	client:call: createProject: body.metadata.public: cannot convert a function
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// 230 repositories need 3 pages; page 2 alone is one request; limit 105
	// two; page_size 50 sizes the pages of a full listing: 5.
	if n := f.srv.Stats().PerEndpoint["GET /repositories"]; n != 3+1+2+1+5 {
		t.Errorf("listing requests: %d", n)
	}
}

func TestRawRequestAndOperations(t *testing.T) {
	f := newFixture(t, harbortest.Options{}, harbor.Options{})
	out := f.run(t, `
		local body, resp = c:request("GET", "/projects", {query = {q = "name=~lib"}})
		print(#body, body[1].name, resp.status, resp.total, resp.headers["content-type"])
		local _, resp2 = c:request("POST", "/projects", {body = {project_name = "raw-made"}})
		print(resp2.status, resp2.location ~= nil)
		local ok, e = pcall(c.request, c, "GET", "/projects/nosuch")
		print(e.type, e.status_code, e.request.method, e.request.url:match("/api/v2.0/projects/nosuch$") ~= nil)
		print(#harbor.operations(), #harbor.operations("robot") > 3)
		print(tostring(c):find("Harbor12345", 1, true))
	`)
	want := "1\tlibrary\t200\t1\tapplication/json\n201\ttrue\nNotFound\t404\tGET\ttrue\n203\ttrue\nnil\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func TestRawRequestRefusesBadInput(t *testing.T) {
	f := newFixture(t, harbortest.Options{}, harbor.Options{})
	out := f.run(t, `
		for _, args in ipairs({
			{"FETCH", "/projects"},
			{nil, "/projects"},
			{"GET", "projects"},
			{"GET", "/projects", "q=x"},
			{"GET", "/projects", {qeury = {}}},
			{"GET", "/projects", {query = "q=x"}},
			{"GET", "/projects", {query = {q = {}}}},
			{"GET", "/projects", {headers = {["X-A"] = "a\r\nX-B: b"}}},
			{"GET", "/projects", {headers = "X-A: a"}},
			{"GET", "/projects", {headers = {["X-A"] = {}}}},
			{"POST", "/projects", {body = {f = print}}},
		}) do
			local ok, e = pcall(c.request, c, unpack(args))
			print(e.type, e.message)
		end
	`)
	want := `ValueError	client:request: method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, got "FETCH"
ValueError	client:request: method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, got nil
ValueError	client:request: path must be a string starting with /, got string
ValueError	client:request: argument #4 must be a table of options, got string
ValueError	client:request: unknown option "qeury" (valid options: body, headers, query)
ValueError	client:request: query must be a table, got string
ValueError	client:request: query value "q" must be a string, number or boolean, got table
ValueError	client:request: header "X-A" must not contain a line break
ValueError	client:request: headers must be a table, got string
ValueError	client:request: header "X-A" must be a string, got table
ValueError	client:request: body.f: cannot convert a function
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestDryRunReachesEveryPath(t *testing.T) {
	var dry bytes.Buffer
	f := newFixture(t, harbortest.Options{}, harbor.Options{DryRun: true, DryRunOut: &dry})
	out := f.run(t, `
		c:delete_artifact("library", "alpine", "latest")
		c:call("deleteRepository", {project_name = "library", repository_name = "busybox"})
		c:request("DELETE", "/projects/legacy")
		local other = harbor.client{url = c:url(), username = "admin", secret = "Harbor12345"}
		other:delete_repository("mirrors", "team/app")
		print(#c:get_artifacts("library", "alpine"), #c:get_repositories())
	`)
	if out != "2\t11\n" {
		t.Errorf("reads must go through and nothing be deleted: %q", out)
	}
	want := []string{
		"DRY-RUN DELETE /api/v2.0/projects/library/repositories/alpine/artifacts/latest",
		"DRY-RUN DELETE /api/v2.0/projects/library/repositories/busybox",
		"DRY-RUN DELETE /api/v2.0/projects/legacy",
		"DRY-RUN DELETE /api/v2.0/projects/mirrors/repositories/team%252Fapp",
	}
	if got := strings.TrimSpace(dry.String()); got != strings.Join(want, "\n") {
		t.Errorf("dry-run lines:\n%s", got)
	}
}

func TestClientOptionsAreChecked(t *testing.T) {
	f := newFixture(t, harbortest.Options{}, harbor.Options{})
	out := f.run(t, `
		for _, o in ipairs({
			{url = "http://h", usernme = "x"},
			{url = "http://h", timeout = "soon"},
			{url = "http://h", basicauth = "%%%"},
			{url = "http://h", retry = {max_tries = "3"}},
			{url = "http://h", credentials_file = "/nonexistent/robot.json"},
			{url = "http://h", auth = "kerberos"},
		}) do
			local ok, e = pcall(harbor.client, o)
			print(e.type, e.message)
		end
		local cl = harbor.HarborAsyncClient{url = "http://h/api/v2.0/", username = "u", secret = "s3cr3t!"}
		print(cl:url(), cl:username(), harbor.is_client(cl), harbor.is_client({}))
	`)
	want := []string{
		`ValueError	harbor.client: unknown option "usernme" (valid options: auth, basicauth, credentials_file, max_connections, retry, secret, timeout, url, username, verify)`,
		`ValueError	harbor.client: timeout must be a number of seconds or a duration like "30s", got "soon"`,
		`ValueError	harbor.client: basicauth: not valid base64 (expected base64 of "user:secret")`,
		`ValueError	harbor.client retry: max_tries must be an integer, got string`,
		`ValueError	harbor.client: credentials_file: cannot read "/nonexistent/robot.json": no such file or directory`,
		`ValueError	harbor.client: auth: must be "basic", "session" or "auto", got "kerberos"`,
		"http://h/api/v2.0\tu\ttrue\tfalse",
	}
	if got := strings.TrimSpace(out); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestPageArgumentsAreChecked(t *testing.T) {
	f := newFixture(t, harbortest.Options{}, harbor.Options{})
	out := f.run(t, `
		for _, o in ipairs({{page = -1}, {page = 0}, {page = 1.5}, {page_size = 0}, {page_size = 101}, {page = "2"}}) do
			local ok, e = pcall(c.get_projects, c, o)
			print(e.type, e.message)
		end
		print(#c:get_projects({page = 2, page_size = 2}))`)
	want := `ValueError	listProjects: parameter "page" must be an integer of 1 or more, got -1
ValueError	listProjects: parameter "page" must be an integer of 1 or more, got 0
ValueError	listProjects: parameter "page" must be an integer of 1 or more, got 1.5
ValueError	listProjects: parameter "page_size" must be an integer from 1 to 100, got 0
ValueError	listProjects: parameter "page_size" must be an integer from 1 to 100, got 101
ValueError	listProjects: parameter "page" must be an integer, got string
2
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
