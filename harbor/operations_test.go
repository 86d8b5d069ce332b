package harbor

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
)

type buildCase struct {
	op     string
	params map[string]any
	method string
	path   string
	query  url.Values
	header http.Header
	body   any
}

// buildCases covers every tag group of the spec (checked by
// TestBuildRequestCoversEveryTag) and each kind of parameter.
var buildCases = []buildCase{
	{op: "listArtifacts", params: map[string]any{
		"project_name": "library", "repository_name": "team/app", "q": "tags=latest",
		"with_scan_overview": true, "page_size": float64(50), "page": int64(2),
		"X-Accept-Vulnerabilities": "application/vnd.security.vulnerability.report; version=1.1",
	}, method: "GET", path: "/projects/library/repositories/team%252Fapp/artifacts",
		query:  url.Values{"q": {"tags=latest"}, "with_scan_overview": {"true"}, "page_size": {"50"}, "page": {"2"}},
		header: http.Header{"X-Accept-Vulnerabilities": {"application/vnd.security.vulnerability.report; version=1.1"}}},
	{op: "list_artifacts", params: map[string]any{"project_name": "library", "repository_name": "alpine"},
		method: "GET", path: "/projects/library/repositories/alpine/artifacts"},
	{op: "getArtifact", params: map[string]any{"project_name": "my proj", "repository_name": "a/b/c", "reference": "sha256:abc", "with_tag": false},
		method: "GET", path: "/projects/my%20proj/repositories/a%252Fb%252Fc/artifacts/sha256:abc", query: url.Values{"with_tag": {"false"}}},
	{op: "CopyArtifact", params: map[string]any{"project_name": "dst", "repository_name": "app", "from": "src/app@sha256:1"},
		method: "POST", path: "/projects/dst/repositories/app/artifacts", query: url.Values{"from": {"src/app@sha256:1"}}},
	{op: "createTag", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "tag": map[string]any{"name": "v1.0"}},
		method: "POST", path: "/projects/p/repositories/r/artifacts/v1/tags", body: map[string]any{"name": "v1.0"}},
	{op: "deleteTag", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "tag_name": "a/b"},
		method: "DELETE", path: "/projects/p/repositories/r/artifacts/v1/tags/a%2Fb"},
	{op: "getAddition", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "addition": "values.yaml"},
		method: "GET", path: "/projects/p/repositories/r/artifacts/v1/additions/values.yaml"},
	{op: "addLabel", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "body": map[string]any{"id": float64(3)}},
		method: "POST", path: "/projects/p/repositories/r/artifacts/v1/labels", body: map[string]any{"id": float64(3)}},
	{op: "listAuditLogEventTypes", method: "GET", path: "/auditlog-exts/events"},
	{op: "createRetention", params: map[string]any{"policy": map[string]any{"algorithm": "or"}},
		method: "POST", path: "/retentions", body: map[string]any{"algorithm": "or"}},
	{op: "operateRetentionExecution", params: map[string]any{"id": int64(4), "eid": float64(9), "body": map[string]any{"action": "stop"}},
		method: "PATCH", path: "/retentions/4/executions/9", body: map[string]any{"action": "stop"}},
	{op: "getSystemCVEAllowlist", method: "GET", path: "/system/CVEAllowlist"},
	{op: "put_system_cve_allowlist", params: map[string]any{"allowlist": map[string]any{"items": []any{map[string]any{"cve_id": "CVE-1"}}}},
		method: "PUT", path: "/system/CVEAllowlist", body: map[string]any{"items": []any{map[string]any{"cve_id": "CVE-1"}}}},
	{op: "getConfigurations", params: map[string]any{"X-Request-Id": "req-1"},
		method: "GET", path: "/configurations", header: http.Header{"X-Request-Id": {"req-1"}}},
	{op: "getGCHistory", params: map[string]any{"sort": "-creation_time", "page_size": float64(100)},
		method: "GET", path: "/system/gc", query: url.Values{"sort": {"-creation_time"}, "page_size": {"100"}}},
	{op: "createGCSchedule", params: map[string]any{"schedule": map[string]any{}},
		method: "POST", path: "/system/gc/schedule", body: map[string]any{}},
	{op: "getHealth", method: "GET", path: "/health"},
	{op: "getHealth", params: map[string]any{"x-request-id": "trace-9"}, method: "GET", path: "/health",
		header: http.Header{"X-Request-Id": {"trace-9"}}},
	{op: "getIcon", params: map[string]any{"digest": "sha256:0f"}, method: "GET", path: "/icons/sha256:0f"},
	{op: "CreateImmuRule", params: map[string]any{"project_name_or_id": float64(7), "ImmutableRule": map[string]any{"disabled": false}},
		method: "POST", path: "/projects/7/immutabletagrules", body: map[string]any{"disabled": false}},
	{op: "actionGetJobLog", params: map[string]any{"job_id": "abc123"}, method: "GET", path: "/jobservice/jobs/abc123/log"},
	{op: "actionPendingJobs", params: map[string]any{"job_type": "all", "action_request": map[string]any{"action": "pause"}},
		method: "PUT", path: "/jobservice/queues/all", body: map[string]any{"action": "pause"}},
	{op: "CreateLabel", params: map[string]any{"label": map[string]any{"name": "prod", "scope": "g"}},
		method: "POST", path: "/labels", body: map[string]any{"name": "prod", "scope": "g"}},
	{op: "ListLabels", params: map[string]any{"scope": "p", "project_id": int64(12)},
		method: "GET", path: "/labels", query: url.Values{"scope": {"p"}, "project_id": {"12"}}},
	{op: "createProjectMember", params: map[string]any{"project_name_or_id": "library", "project_member": map[string]any{"role_id": float64(1)}},
		method: "POST", path: "/projects/library/members", body: map[string]any{"role_id": float64(1)}},
	{op: "listProjectMembers", params: map[string]any{"project_name_or_id": "library", "entityname": "bob"},
		method: "GET", path: "/projects/library/members", query: url.Values{"entityname": {"bob"}}},
	{op: "pingOIDC", params: map[string]any{"endpoint": map[string]any{"url": "https://idp"}},
		method: "POST", path: "/system/oidc/ping", body: map[string]any{"url": "https://idp"}},
	{op: "getPermissions", method: "GET", path: "/permissions"},
	{op: "getPing", method: "GET", path: "/ping"},
	{op: "CreateInstance", params: map[string]any{"instance": map[string]any{"name": "d7y"}},
		method: "POST", path: "/p2p/preheat/instances", body: map[string]any{"name": "d7y"}},
	{op: "GetPolicy", params: map[string]any{"project_name": "p", "preheat_policy_name": "nightly"},
		method: "GET", path: "/projects/p/preheat/policies/nightly"},
	{op: "listProjects", params: map[string]any{"name": "lib", "public": true, "with_detail": false},
		method: "GET", path: "/projects", query: url.Values{"name": {"lib"}, "public": {"true"}, "with_detail": {"false"}}},
	{op: "getProject", params: map[string]any{"project_name_or_id": "library"}, method: "GET", path: "/projects/library"},
	{op: "getProject", params: map[string]any{"project_name_or_id": int64(1)}, method: "GET", path: "/projects/1"},
	{op: "getProject", params: map[string]any{"project_name_or_id": "2024"}, method: "GET", path: "/projects/2024",
		header: http.Header{"X-Is-Resource-Name": {"true"}}},
	{op: "deleteProject", params: map[string]any{"project_name_or_id": "2024", "X-Is-Resource-Name": false},
		method: "DELETE", path: "/projects/2024", header: http.Header{"X-Is-Resource-Name": {"false"}}},
	{op: "headProject", params: map[string]any{"project_name": "library"},
		method: "HEAD", path: "/projects", query: url.Values{"project_name": {"library"}}},
	{op: "addProjectMetadatas", params: map[string]any{"project_name_or_id": "p", "metadata": []any{}},
		method: "POST", path: "/projects/p/metadatas/", body: map[string]any{}},
	{op: "getProjectMetadata", params: map[string]any{"project_name_or_id": "p", "meta_name": "auto_scan"},
		method: "GET", path: "/projects/p/metadatas/auto_scan"},
	{op: "createPurgeSchedule", params: map[string]any{"schedule": map[string]any{"schedule": map[string]any{"type": "Hourly"}}},
		method: "POST", path: "/system/purgeaudit/schedule", body: map[string]any{"schedule": map[string]any{"type": "Hourly"}}},
	{op: "getQuota", params: map[string]any{"id": float64(3)}, method: "GET", path: "/quotas/3"},
	{op: "updateQuota", params: map[string]any{"id": int64(3), "hard": map[string]any{"hard": map[string]any{"storage": float64(-1)}}},
		method: "PUT", path: "/quotas/3", body: map[string]any{"hard": map[string]any{"storage": float64(-1)}}},
	{op: "createRegistry", params: map[string]any{"registry": map[string]any{"name": "hub"}},
		method: "POST", path: "/registries", body: map[string]any{"name": "hub"}},
	{op: "createReplicationPolicy", params: map[string]any{"body": map[string]any{"name": "mirror"}},
		method: "POST", path: "/replication/policies", body: map[string]any{"name": "mirror"}},
	{op: "startReplication", params: map[string]any{"execution": map[string]any{"policy_id": float64(1)}},
		method: "POST", path: "/replication/executions", body: map[string]any{"policy_id": float64(1)}},
	{op: "deleteRepository", params: map[string]any{"project_name": "library", "repository_name": "nginx/sub"},
		method: "DELETE", path: "/projects/library/repositories/nginx%252Fsub"},
	{op: "listRepositories", params: map[string]any{"project_name": "library", "q": "name=~ngin"},
		method: "GET", path: "/projects/library/repositories", query: url.Values{"q": {"name=~ngin"}}},
	{op: "CreateRobot", params: map[string]any{"robot": map[string]any{"name": "ci", "duration": float64(-1)}},
		method: "POST", path: "/robots", body: map[string]any{"name": "ci", "duration": float64(-1)}},
	{op: "get_robot_by_id", params: map[string]any{"robot_id": float64(42)}, method: "GET", path: "/robots/42"},
	{op: "downloadScanData", params: map[string]any{"execution_id": int64(5), "format": "csv"},
		method: "GET", path: "/export/cve/download/5", query: url.Values{"format": {"csv"}}},
	{op: "scanArtifact", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "latest"},
		method: "POST", path: "/projects/p/repositories/r/artifacts/latest/scan"},
	{op: "getReportLog", params: map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "report_id": "uuid-1"},
		method: "GET", path: "/projects/p/repositories/r/artifacts/v1/scan/uuid-1/log"},
	{op: "createScanAllSchedule", params: map[string]any{"schedule": map[string]any{"schedule": map[string]any{"type": "Daily"}}},
		method: "POST", path: "/system/scanAll/schedule", body: map[string]any{"schedule": map[string]any{"type": "Daily"}}},
	{op: "createScanner", params: map[string]any{"registration": map[string]any{"name": "trivy", "url": "http://trivy:8080"}},
		method: "POST", path: "/scanners", body: map[string]any{"name": "trivy", "url": "http://trivy:8080"}},
	{op: "getSchedulePaused", params: map[string]any{"job_type": "all"}, method: "GET", path: "/schedules/all/paused"},
	{op: "search", params: map[string]any{"q": "nginx"}, method: "GET", path: "/search", query: url.Values{"q": {"nginx"}}},
	{op: "ListVulnerabilities", params: map[string]any{"q": "cve_id=CVE-2021-44228", "tune_count": true},
		method: "GET", path: "/security/vul", query: url.Values{"q": {"cve_id=CVE-2021-44228"}, "tune_count": {"true"}}},
	{op: "getStatistic", method: "GET", path: "/statistics"},
	{op: "getCert", method: "GET", path: "/systeminfo/getcert"},
	{op: "getSystemInfo", method: "GET", path: "/systeminfo"},
	{op: "getUser", params: map[string]any{"user_id": float64(1)}, method: "GET", path: "/users/1"},
	{op: "searchUsers", params: map[string]any{"username": "adm"}, method: "GET", path: "/users/search", query: url.Values{"username": {"adm"}}},
	{op: "updateUserPassword", params: map[string]any{"user_id": int64(3), "password": map[string]any{"new_password": "x"}},
		method: "PUT", path: "/users/3/password", body: map[string]any{"new_password": "x"}},
	{op: "createUserGroup", params: map[string]any{"usergroup": map[string]any{"group_name": "devs"}},
		method: "POST", path: "/usergroups", body: map[string]any{"group_name": "devs"}},
	{op: "CreateWebhookPolicyOfProject", params: map[string]any{"project_name_or_id": "p", "policy": map[string]any{"name": "slack"}},
		method: "POST", path: "/projects/p/webhook/policies", body: map[string]any{"name": "slack"}},
	{op: "ListWebhookJobs", params: map[string]any{"project_name_or_id": "p", "policy_id": float64(2), "status": []any{"Success", "Error"}},
		method: "GET", path: "/projects/p/webhook/jobs", query: url.Values{"policy_id": {"2"}, "status": {"Success,Error"}}},
	{op: "ListWebhookJobs", params: map[string]any{"project_name_or_id": "p", "policy_id": float64(2), "status": map[string]any{}},
		method: "GET", path: "/projects/p/webhook/jobs", query: url.Values{"policy_id": {"2"}}},
	{op: "importLdapUser", params: map[string]any{"uid_list": map[string]any{"ldap_uid_list": []any{"a", "b"}}},
		method: "POST", path: "/ldap/users/import", body: map[string]any{"ldap_uid_list": []any{"a", "b"}}},
}

func TestBuildRequest(t *testing.T) {
	for _, tc := range buildCases {
		t.Run(tc.op+"/"+tc.path, func(t *testing.T) {
			op, ok := LookupOperation(tc.op)
			if !ok {
				t.Fatalf("operation %q not found", tc.op)
			}
			req, err := op.BuildRequest(tc.params)
			if err != nil {
				t.Fatalf("BuildRequest: %v", err)
			}
			if req.Method != tc.method {
				t.Errorf("method %q, want %q", req.Method, tc.method)
			}
			if req.Path != tc.path {
				t.Errorf("path %q, want %q", req.Path, tc.path)
			}
			wantQuery := tc.query
			if wantQuery == nil {
				wantQuery = url.Values{}
			}
			if !reflect.DeepEqual(req.Query, wantQuery) {
				t.Errorf("query %v, want %v", req.Query, wantQuery)
			}
			wantHeader := tc.header
			if wantHeader == nil {
				wantHeader = http.Header{}
			}
			if !reflect.DeepEqual(req.Header, wantHeader) {
				t.Errorf("header %v, want %v", req.Header, wantHeader)
			}
			if !reflect.DeepEqual(req.Body, tc.body) {
				t.Errorf("body %#v, want %#v", req.Body, tc.body)
			}
		})
	}
}

func TestBuildRequestCoversEveryTag(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range buildCases {
		if op, ok := LookupOperation(tc.op); ok {
			covered[op.Tag] = true
		}
	}
	ops := map[string]bool{}
	for _, tc := range buildCases {
		if op, ok := LookupOperation(tc.op); ok {
			ops[op.ID] = true
		}
	}
	if len(ops) < 30 {
		t.Errorf("request cases cover %d operations, want at least 30", len(ops))
	}
	for _, op := range Operations() {
		if !covered[op.Tag] {
			t.Errorf("no request case for tag %q (e.g. %s)", op.Tag, op.ID)
			covered[op.Tag] = true
		}
	}
}

func TestEmptyBodyEncodesBySchema(t *testing.T) {
	op, _ := LookupOperation("addProjectMetadatas")
	if op.BodyKind() != "object" {
		t.Fatalf("BodyKind %q, want object", op.BodyKind())
	}
	for _, empty := range []any{[]any{}, map[string]any{}} {
		req, err := op.BuildRequest(map[string]any{"project_name_or_id": "p", "body": empty})
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "{}" {
			t.Errorf("empty %T body encodes as %s, want {}", empty, got)
		}
	}
	if get, _ := LookupOperation("getHealth"); get.BodyKind() != "" {
		t.Errorf("getHealth BodyKind %q, want none", get.BodyKind())
	}
}

// A synthetic operation exercises what the spec happens not to use today:
// array bodies and the other collection formats.
func TestArrayBodyAndCollectionFormats(t *testing.T) {
	op := &Operation{ID: "bulk", Method: "POST", Path: "/bulk/{id}", Params: []Param{
		{Name: "id", In: "path", Type: "integer", Required: true},
		{Name: "multi", In: "query", Type: "array", Items: "integer", CollectionFormat: "multi"},
		{Name: "pipes", In: "query", Type: "array", Items: "string", CollectionFormat: "pipes"},
		{Name: "ssv", In: "query", Type: "array", Items: "boolean", CollectionFormat: "ssv"},
		{Name: "ratio", In: "query", Type: "number"},
		{Name: "items", In: "body", Type: "array", Items: "object"},
	}}
	if op.BodyKind() != "array" {
		t.Fatalf("BodyKind %q, want array", op.BodyKind())
	}
	req, err := op.BuildRequest(map[string]any{
		"id": float64(1), "multi": []any{float64(1), int64(2)}, "pipes": []any{"a", "b"},
		"ssv": []any{true, false}, "ratio": 0.5, "body": map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"multi": {"1", "2"}, "pipes": {"a|b"}, "ssv": {"true false"}, "ratio": {"0.5"}}
	if !reflect.DeepEqual(req.Query, want) {
		t.Errorf("query %v, want %v", req.Query, want)
	}
	if got, _ := json.Marshal(req.Body); string(got) != "[]" {
		t.Errorf("empty array body encodes as %s, want []", got)
	}
	_, err = op.BuildRequest(map[string]any{"id": "1"})
	assertValueError(t, err, `bulk: parameter "id" must be an integer, got string`)
	_, err = op.BuildRequest(map[string]any{"id": float64(1), "ratio": "0.5"})
	assertValueError(t, err, `bulk: parameter "ratio" must be a number, got string`)
	_, err = op.BuildRequest(map[string]any{"id": float64(1), "multi": []any{"x"}})
	assertValueError(t, err, `bulk: parameter "multi" item 1 must be an integer, got string`)
	_, err = op.BuildRequest(map[string]any{"id": float64(1), "items": map[string]any{"a": "b"}})
	assertValueError(t, err, `bulk: parameter "items" must be an array, got object`)
}

func assertValueError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	he, ok := err.(*Error)
	if !ok || he.Type != TypeValueError {
		t.Fatalf("error %T %v, want a ValueError", err, err)
	}
	if he.Message != want {
		t.Errorf("message\n  %q\nwant\n  %q", he.Message, want)
	}
}

func TestBuildRequestErrors(t *testing.T) {
	cases := []struct {
		op     string
		params map[string]any
		want   string
	}{
		{"listArtifacts", map[string]any{"project_name": "p"}, `listArtifacts: missing required parameter "repository_name"`},
		{"listArtifacts", map[string]any{"projct_name": "p", "repository_name": "r"}, `listArtifacts: unknown parameter "projct_name"`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "page_size": "10"}, `listArtifacts: parameter "page_size" must be an integer, got string`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "page": 1.5}, `listArtifacts: parameter "page" must be an integer, got number`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "with_tag": "true"}, `listArtifacts: parameter "with_tag" must be a boolean, got string`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "with_tag": float64(1)}, `listArtifacts: parameter "with_tag" must be a boolean, got integer`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "q": []any{"a"}}, `listArtifacts: parameter "q" must be a string, got array`},
		{"listArtifacts", map[string]any{"project_name": true, "repository_name": "r"}, `listArtifacts: parameter "project_name" must be a string, got boolean`},
		{"listArtifacts", map[string]any{"project_name": "", "repository_name": "r"}, `listArtifacts: parameter "project_name" must not be empty`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "X-Request-Id": "a\r\nb"}, `listArtifacts: parameter "X-Request-Id" must not contain a line break`},
		{"listArtifacts", map[string]any{"project_name": "p", "repository_name": "r", "body": map[string]any{}}, `listArtifacts: unknown parameter "body"`},
		{"getAddition", map[string]any{"project_name": "p", "repository_name": "r", "reference": "v1", "addition": "sboms"},
			`getAddition: parameter "addition" must be one of "build_history", "values.yaml", "readme.md", "dependencies", "sbom", "license", "files", got "sboms"`},
		{"getQuota", map[string]any{"id": "3"}, `getQuota: parameter "id" must be an integer, got string`},
		{"getQuota", map[string]any{}, `getQuota: missing required parameter "id"`},
		{"getQuota", nil, `getQuota: missing required parameter "id"`},
		{"createProject", map[string]any{}, `createProject: missing required parameter "project"`},
		{"createProject", map[string]any{"project": "lib"}, `createProject: parameter "project" must be an object, got string`},
		{"createProject", map[string]any{"project": []any{"lib"}}, `createProject: parameter "project" must be an object, got array`},
		{"createProject", map[string]any{"project": map[string]any{}, "body": map[string]any{}}, `createProject: parameter "project" given twice, as "body" and "project"`},
		{"getProject", map[string]any{"project_name_or_id": "p", "X-Request-Id": "a", "x-request-id": "b"}, `getProject: parameter "X-Request-Id" given twice, as "X-Request-Id" and "x-request-id"`},
		{"getProject", map[string]any{"project_name_or_id": "p", "X-Is-Resource-Name": "yes"}, `getProject: parameter "X-Is-Resource-Name" must be a boolean, got string`},
		{"ListWebhookJobs", map[string]any{"project_name_or_id": "p", "policy_id": float64(1), "status": "Success"}, `ListWebhookJobs: parameter "status" must be an array, got string`},
		{"ListWebhookJobs", map[string]any{"project_name_or_id": "p", "policy_id": float64(1), "status": []any{"ok", false}}, `ListWebhookJobs: parameter "status" item 2 must be a string, got boolean`},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			op, ok := LookupOperation(tc.op)
			if !ok {
				t.Fatalf("operation %q not found", tc.op)
			}
			req, err := op.BuildRequest(tc.params)
			if req != nil {
				t.Errorf("got a request alongside the error")
			}
			assertValueError(t, err, tc.want)
		})
	}
}

func TestOperationTable(t *testing.T) {
	ops := Operations()
	if len(ops) != 203 {
		t.Errorf("%d operations, want the spec's 203", len(ops))
	}
	if !sort.SliceIsSorted(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID }) {
		t.Error("Operations is not sorted by ID")
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, op := range ops {
		if ids[op.ID] {
			t.Errorf("operationId %q appears twice", op.ID)
		}
		if names[op.Name] {
			t.Errorf("snake_case name %q appears twice", op.Name)
		}
		ids[op.ID], names[op.Name] = true, true
		for _, key := range []string{op.ID, op.Name, strings.ToUpper(op.ID)} {
			if got, ok := LookupOperation(key); !ok || got != op {
				t.Errorf("LookupOperation(%q) does not find %s", key, op.ID)
			}
		}
		if op.Name != strings.ToLower(op.Name) || strings.Contains(op.Name, "__") {
			t.Errorf("%s: name %q is not snake_case", op.ID, op.Name)
		}
		if strings.ReplaceAll(op.Name, "_", "") != strings.ToLower(op.ID) {
			t.Errorf("%s: name %q does not spell the id", op.ID, op.Name)
		}
		for _, p := range op.Params {
			if p.In == "path" && !strings.Contains(op.Path, "{"+p.Name+"}") {
				t.Errorf("%s: path parameter %q missing from %s", op.ID, p.Name, op.Path)
			}
		}
		if op.SuccessStatus < 200 || op.SuccessStatus > 299 {
			t.Errorf("%s: success status %d", op.ID, op.SuccessStatus)
		}
	}
	if _, ok := LookupOperation("listArtefacts"); ok {
		t.Error("a misspelt operation was found")
	}
}

func TestSnakeCaseNames(t *testing.T) {
	want := map[string]string{
		"listArtifacts":         "list_artifacts",
		"GetRobotByID":          "get_robot_by_id",
		"getGCHistory":          "get_gc_history",
		"pingOIDC":              "ping_oidc",
		"putSystemCVEAllowlist": "put_system_cve_allowlist",
		"CreateImmuRule":        "create_immu_rule",
	}
	for id, name := range want {
		op, ok := LookupOperation(name)
		if !ok || op.ID != id {
			t.Errorf("LookupOperation(%q) = %v, want %s", name, op, id)
		}
	}
}

func TestPaginatedListings(t *testing.T) {
	for _, id := range []string{"listArtifacts", "listProjects", "listRepositories", "ListRobot", "getGCHistory"} {
		if op, _ := LookupOperation(id); op == nil || !op.Paginated || op.Result != "array" {
			t.Errorf("%s should be a paginated listing", id)
		}
	}
	// Takes page and page_size but answers with one object.
	for _, id := range []string{"getArtifact", "getProject", "listJobQueues"} {
		if op, _ := LookupOperation(id); op == nil || op.Paginated {
			t.Errorf("%s should not be paginated", id)
		}
	}
	for _, op := range Operations() {
		if !op.Paginated {
			continue
		}
		page, ok1 := op.Param("page")
		size, ok2 := op.Param("page_size")
		if !ok1 || !ok2 || page.In != "query" || size.In != "query" {
			t.Errorf("%s is paginated without page and page_size query parameters", op.ID)
		}
	}
}

func TestResponseShapes(t *testing.T) {
	cases := []struct {
		id     string
		status int
		json   bool
		model  string
	}{
		{"createProject", 201, false, ""},
		{"scanArtifact", 202, false, ""},
		{"getArtifact", 200, true, "Artifact"},
		{"listArtifacts", 200, true, "Artifact"},
		{"getCert", 200, false, ""},
		{"getPing", 200, false, ""},
		{"CreateRobot", 201, true, "RobotCreated"},
	}
	for _, tc := range cases {
		op, _ := LookupOperation(tc.id)
		if op == nil {
			t.Fatalf("%s not found", tc.id)
		}
		if op.SuccessStatus != tc.status || op.ReturnsJSON != tc.json || op.Model != tc.model {
			t.Errorf("%s: status %d json %t model %q, want %d %t %q",
				tc.id, op.SuccessStatus, op.ReturnsJSON, op.Model, tc.status, tc.json, tc.model)
		}
	}
}

func TestBuildOperationRequest(t *testing.T) {
	op, req, err := BuildOperationRequest("get_project", map[string]any{"project_name_or_id": "library"})
	if err != nil || op.ID != "getProject" || req.Path != "/projects/library" {
		t.Fatalf("got %v %v %v", op, req, err)
	}
	_, _, err = BuildOperationRequest("listArtefacts", nil)
	assertValueError(t, err, `unknown operation "listArtefacts"`)
	_, _, err = BuildOperationRequest("getProject", nil)
	assertValueError(t, err, `getProject: missing required parameter "project_name_or_id"`)
}

func TestFormFieldsAreRefused(t *testing.T) {
	op := &Operation{ID: "upload", Method: "POST", Path: "/upload", Params: []Param{{Name: "file", In: "formData", Type: "file"}}}
	_, err := op.BuildRequest(map[string]any{"file": "x"})
	assertValueError(t, err, `upload: parameter "file" is a form field, which is not supported`)
}
