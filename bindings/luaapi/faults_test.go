package luaapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

// faultScript runs one api call against a client with a short timeout and
// three tries, then prints what the callback received.
const faultScript = `
local harbor = require("harbor")
local api = require("harbor.ext.api")
local c = harbor.client{url = os.getenv("HARBOR_URL"), basicauth = os.getenv("HARBOR_CREDENTIALS"),
	auth = "basic", timeout = 0.1, retry = {max_tries = 3}}
local calls, res, ex = 0, nil, nil
local function cb(e) calls = calls + 1; ex = e end
CALL
print("calls", calls, "results", #res, "errors", #ex)
for _, e in ipairs(ex) do
	print(e.type, e.status_code, e.request.method, e.request.url, e.key, e:is("HTTPError"), tostring(e))
end
c:close()
`

// Faults met by the Lua api functions reach the callback as exception
// objects of the right type, with the request and the key, after the
// allowed number of tries; nothing outlives the call.
func TestLuaBulkFaults(t *testing.T) {
	const busybox = "^/api/v2.0/projects/library/repositories/busybox/artifacts$"
	const debianReport = "^/api/v2.0/projects/library/repositories/debian/artifacts/sha256:[0-9a-f]+/additions/vulnerabilities$"
	cases := []struct {
		name     string
		call     string
		rule     harbortest.FailRule
		requests int32
		results  int
		want     string // start of the exception line: type, status, method
		url, key string
	}{
		{"get_artifacts 500", `res = api.get_artifacts(c, {projects = {"library"}, callback = cb})`,
			harbortest.FailRule{Path: busybox, Status: 500}, 1, 3, "InternalServerError\t500\tGET",
			"/projects/library/repositories/busybox/artifacts?", "library/busybox (artifacts page 1)"},
		{"get_artifacts reset", `res = api.get_artifacts(c, {projects = {"library"}, callback = cb})`,
			harbortest.FailRule{Path: busybox, Kind: harbortest.FaultReset}, 3, 3, "TransportError\t200\tGET",
			"/projects/library/repositories/busybox/artifacts?", "library/busybox (artifacts page 1)"},
		{"get_artifacts hang", `res = api.get_artifacts(c, {projects = {"library"}, callback = cb})`,
			harbortest.FailRule{Path: busybox, Kind: harbortest.FaultHang}, 3, 3, "TimeoutError\tnil\tGET",
			"/projects/library/repositories/busybox/artifacts?", "library/busybox (artifacts page 1)"},
		{"get_artifact_vulnerabilities invalid JSON", `res = api.get_artifact_vulnerabilities(c, {projects = {"library"}, callback = cb})`,
			harbortest.FailRule{Path: debianReport, Kind: harbortest.FaultInvalidJSON}, 1, 1, "DecodeError\t200\tGET",
			"/projects/library/repositories/debian/artifacts/sha256:b48bfa0255bc", "library/debian@sha256:b48bfa0255bc"},
		{"get_artifact_vulnerabilities truncated", `res = api.get_artifact_vulnerabilities(c, {projects = {"library"}, callback = cb})`,
			harbortest.FailRule{Path: debianReport, Kind: harbortest.FaultTruncate}, 1, 1, "DecodeError\t200\tGET",
			"/projects/library/repositories/debian/artifacts/sha256:b48bfa0255bc", "library/debian@sha256:b48bfa0255bc"},
		{"iter_artifacts 503", `res = {}; for a in api.iter_artifacts(c, {projects = {"library"}, callback = cb}) do res[#res + 1] = a end`,
			harbortest.FailRule{Path: busybox, Status: 503, RetryAfter: "0"}, 3, 3, "StatusError\t503\tGET",
			"/projects/library/repositories/busybox/artifacts?", "library/busybox (artifacts page 1)"},
		{"iter_artifact_vulnerabilities slow", `res = {}; for a in api.iter_artifact_vulnerabilities(c, {projects = {"library"}, callback = cb}) do res[#res + 1] = a end`,
			harbortest.FailRule{Path: debianReport, Kind: harbortest.FaultSlow, Delay: 5 * time.Second}, 3, 1, "TimeoutError\tnil\tGET",
			"/projects/library/repositories/debian/artifacts/sha256:b48bfa0255bc", "library/debian@sha256:b48bfa0255bc"},
		{"get_repositories 429", `res = api.get_repositories(c, {projects = {"library", "mirrors"}, callback = cb})`,
			harbortest.FailRule{Path: "^/api/v2.0/projects/library/repositories$", Status: 429, RetryAfter: "0"}, 3, 3, "TooManyRequests\t429\tGET",
			"/projects/library/repositories?", "library"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			r := newRun(t, harbortest.Options{})
			var hits atomic.Int32
			rule := tc.rule
			rule.Method = http.MethodGet
			rule.Match = func(*http.Request) bool { hits.Add(1); return true }
			r.srv.Fail(rule)
			err := r.code(t, strings.Replace(faultScript, "CALL", tc.call, 1))
			r.client.Close()
			r.srv.Close()
			goleak.VerifyNone(t, ignore)
			if err != nil {
				t.Fatalf("%v\n%s", err, r.stderr.String())
			}
			out := lines(r.stdout.String())
			if len(out) != 2 {
				t.Fatalf("want a summary and one exception, got:\n%s", r.stdout.String())
			}
			if want := "calls\t1\tresults\t"; !strings.HasPrefix(out[0], want) || !strings.HasSuffix(out[0], "\terrors\t1") {
				t.Errorf("summary %q: the callback must run once with one exception", out[0])
			}
			if !strings.Contains(out[0], "results\t"+strconv.Itoa(tc.results)+"\t") {
				t.Errorf("summary %q: want %d results", out[0], tc.results)
			}
			f := strings.Split(out[1], "\t")
			if !strings.HasPrefix(out[1], tc.want+"\t") || len(f) < 7 {
				t.Fatalf("exception %q, want it to start with %q", out[1], tc.want)
			}
			if !strings.Contains(f[3], tc.url) || !strings.HasPrefix(f[4], tc.key) || f[5] != "true" {
				t.Errorf("exception %q: want url %q, key %q, an HTTPError", out[1], tc.url, tc.key)
			}
			if !strings.Contains(f[6], "GET ") || !strings.Contains(f[6], tc.url) {
				t.Errorf("tostring %q lacks method and URL", f[6])
			}
			if got := hits.Load(); got != tc.requests {
				t.Errorf("requests to the faulty endpoint: %d, want %d", got, tc.requests)
			}
		})
	}
}
