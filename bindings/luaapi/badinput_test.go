package luaapi_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

// optionKinds maps every option of every harbor.ext.api function (and of
// harbor.client) to its kind; wrongValues gives, per kind, a value of
// another type and the words the error must use.
var optionKinds = map[string]map[string]string{
	"get_artifacts": {
		"projects": "list", "repositories": "list", "tag": "string", "query": "string", "callback": "function",
		"max_connections": "integer", "with_label": "boolean", "with_scan_overview": "boolean", "with_signature": "boolean",
		"with_immutable_status": "boolean", "with_accessory": "boolean", "with_sbom_overview": "boolean",
	},
	"get_artifact_vulnerabilities": {
		"projects": "list", "repositories": "list", "tag": "string", "tags": "list", "query": "string", "callback": "function",
		"max_connections": "integer", "with_label": "boolean",
	},
	"iter_artifacts":                {"projects": "list", "repositories": "list", "tag": "string", "callback": "function", "max_connections": "integer"},
	"iter_artifact_vulnerabilities": {"projects": "list", "tags": "list", "query": "string", "callback": "function", "max_connections": "integer"},
	"get_repositories":              {"projects": "list", "callback": "function", "max_connections": "integer"},
	"harbor.client": {
		"url": "string", "basicauth": "string", "username": "string", "secret": "string", "credentials_file": "string",
		"timeout": "duration", "auth": "string", "max_connections": "integer",
	},
}

var wrongValues = map[string]struct{ lua, want, got string }{
	"list":     {"5", "a list of strings", "number"},
	"string":   {"{}", "a string", "table"},
	"function": {`"f"`, "a function", "string"},
	"integer":  {`"5"`, "an integer", "string"},
	"boolean":  {`"yes"`, "a boolean", "string"},
	"duration": {"true", "a number of seconds or a duration string", "boolean"},
}

// badInput runs code that must raise; it returns "type\tmessage" of the
// exception, or a description of what went wrong instead.
func badInput(t *testing.T, r *run, code string) string {
	t.Helper()
	r.stdout.Reset()
	r.stderr.Reset()
	err := r.code(t, `local api = require("harbor.ext.api")
		local harbor = require("harbor")
		local ok, e = pcall(function() `+code+` end)
		if ok then print("no error") return end
		if type(e) ~= "table" then print("not an exception: " .. tostring(e)) return end
		print(e.type .. "\t" .. e.message)`)
	out := strings.TrimSpace(r.stdout.String())
	if err != nil {
		out += " / run error: " + err.Error()
	}
	for _, s := range []string{out, r.stderr.String()} {
		if strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
			t.Errorf("%s: panicked: %s", code, s)
		}
	}
	return out
}

// Every option of every api function, given a value of the wrong type, is a
// ValueError naming the function, the option, what it must be and what it
// got.
func TestEveryOptionWithWrongType(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	for fn, opts := range optionKinds {
		for opt, kind := range opts {
			w := wrongValues[kind]
			call := fmt.Sprintf("api.%s{%s = %s}", fn, opt, w.lua)
			if fn == "harbor.client" {
				call = fmt.Sprintf(`harbor.client{url = "http://127.0.0.1:1", %s = %s}`, opt, w.lua)
				if opt == "url" {
					call = fmt.Sprintf("harbor.client{url = %s}", w.lua)
				}
			}
			want := fmt.Sprintf("ValueError\t%s: %s must be %s, got %s", fn, opt, w.want, w.got)
			if got := badInput(t, r, call); got != want {
				t.Errorf("%s:\n got  %q\n want %q", call, got, want)
			}
		}
	}
}

// What a user types into a client table, a credentials file or a listing
// call is checked before any request, with a message naming the mistake.
func TestBadClientInput(t *testing.T) {
	r := newRun(t, harbortest.Options{})
	dir := t.TempDir()
	badJSON := filepath.Join(dir, "bad.json")
	noSecret := filepath.Join(dir, "nosecret.json")
	if err := os.WriteFile(badJSON, []byte(`{"name": "robot$x", `), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(noSecret, []byte(`{"name": "robot$x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	cases := []struct{ code, want string }{
		{`harbor.client{url = "http://127.0.0.1:1", pasword = "x"}`, `ValueError	harbor.client: unknown option "pasword" (valid options: auth, basicauth, credentials_file, max_connections, retry, secret, timeout, url, username, verify)`},
		{`harbor.client{"http://127.0.0.1:1"}`, `ValueError	harbor.client: options must be given by name, got a number key`},
		{`harbor.client("http://127.0.0.1:1")`, `ValueError	harbor.client: argument #1 must be a table of options, got string`},
		{`harbor.client{url = "ftp://h"}`, "ValueError\tharbor.client: url: "},
		{`harbor.client{url = "http://"}`, "ValueError\tharbor.client: url: "},
		{`harbor.client{url = "h ost:80"}`, "ValueError\tharbor.client: url: "},
		{`harbor.client{url = "http://127.0.0.1:1", basicauth = "not base64!"}`, "ValueError\tharbor.client: basicauth: "},
		{`harbor.client{url = "http://127.0.0.1:1", basicauth = "bm9jb2xvbg=="}`, "ValueError\tharbor.client: basicauth: "},
		{`harbor.client{url = "http://127.0.0.1:1", credentials_file = "` + missing + `"}`, "ValueError\tharbor.client: credentials_file: "},
		{`harbor.client{url = "http://127.0.0.1:1", credentials_file = "` + badJSON + `"}`, "ValueError\tharbor.client: credentials_file: "},
		{`harbor.client{url = "http://127.0.0.1:1", credentials_file = "` + noSecret + `"}`, "ValueError\tharbor.client: credentials_file: "},
		{`harbor.client{url = "http://127.0.0.1:1", timeout = -1}`, "ValueError\tharbor.client: timeout must not be negative, got -1"},
		{`harbor.client{url = "http://127.0.0.1:1", timeout = "soon"}`, `ValueError	harbor.client: timeout must be a number of seconds or a duration like "30s", got "soon"`},
		{`harbor.client{url = "http://127.0.0.1:1", retry = {max_tries = -1}}`, "ValueError\tharbor.client: retry.max_tries must be 1 or more, got -1"},
		{`harbor.client{url = "http://127.0.0.1:1", retry = {tries = 3}}`, `ValueError	harbor.client retry: unknown option "tries"`},
		{`harbor.client{url = "http://127.0.0.1:1", retry = 3}`, "ValueError\tharbor.client: retry must be a table {max_tries=, max_time=} or false, got number"},
		{`harbor.client{url = "http://127.0.0.1:1", max_connections = -2}`, "ValueError\tharbor.client: max_connections must be between 1 and 100, got -2"},
		{`harbor.client{url = "http://127.0.0.1:1", max_connections = 101}`, "ValueError\tharbor.client: max_connections must be between 1 and 100, got 101"},
		{`harbor.default:call("listProjects", {limit = -3})`, "ValueError\tclient:call: listProjects: limit must be a non-negative integer, got -3"},
		{`harbor.default:call("listProjects", {limit = "3"})`, "ValueError\tclient:call: listProjects: limit must be a non-negative integer, got string"},
		{`api.get_artifacts{max_connections = 101}`, "ValueError\tget_artifacts: max_connections must be between 1 and 100, got 101"},
		{`api.iter_artifacts{max_connections = -1}`, "ValueError\titer_artifacts: max_connections must be between 1 and 100, got -1"},
		{`api.get_artifacts{tags = {"a"}}`, "ValueError\tget_artifacts: tags is an option of get_artifact_vulnerabilities; use tag or query here"},
		{`api.get_artifacts({}, {})`, "ValueError\tget_artifacts: takes ([client,] options), got 2 arguments"},
		{`api.get_artifacts{projects = {x = "library"}}`, "ValueError\tget_artifacts: projects must be a list of strings, got a table with key x"},
		{`api.get_artifact("library", "alpine", "")`, "ValueError\tget_artifact: reference must be a non-empty string, got string"},
		{`api.get_artifact("library", "alpine", "latest", {with_report = 1})`, "ValueError\tget_artifact: with_report must be a boolean, got number"},
		{`harbor.default:call("listProjects", {page_size = 500})`, "ValueError\tlistProjects: parameter \"page_size\" must be an integer from 1 to 100, got 500"},
		{`harbor.default:call("listProjects", {page_size = -1})`, "ValueError\tlistProjects: parameter \"page_size\" must be an integer from 1 to 100, got -1"},
		{`harbor.default:get_projects{page_size = 101}`, "ValueError\tlistProjects: parameter \"page_size\" must be an integer from 1 to 100, got 101"},
		{`harbor.default:call("noSuchOperation", {})`, "ValueError\t"},
	}
	for _, tc := range cases {
		got := badInput(t, r, tc.code)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s:\n got  %q\n want %q…", tc.code, got, tc.want)
		}
	}
}
