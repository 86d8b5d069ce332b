package schedule

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/engine"
)

// Inline copies of two captured deliveries, so the core test runs without
// the fixture folder.
const (
	defaultScanBody = `{"type":"SCANNING_COMPLETED","occur_at":1795855206,"operator":"admin","event_data":{"resources":[{"digest":"sha256:6354624ae2b9cb6c10af04a0f6f41743c4de94304081c2ce1c1f5caa24ce5f3a","tag":"v1","resource_url":"127.0.0.1:8080/library/webhook-demo:v1","scan_overview":{"application/vnd.security.vulnerability.report; version=1.1":{"report_id":"d34da4ed","scan_status":"Success","severity":"Critical","duration":4,"summary":{"total":3,"fixable":3,"summary":{"Critical":2,"Low":1}},"start_time":"2026-11-28T08:40:02Z","end_time":"2026-11-28T08:40:06Z","scanner":{"name":"FakeScan","vendor":"Example Inc.","version":"0.1.0"},"complete_percent":100}}}],"repository":{"name":"webhook-demo","namespace":"library","repo_full_name":"library/webhook-demo","repo_type":"public"},"scan":{"scan_type":"vulnerability"}}}`
	cloudPushBody   = `{"specversion":"1.0","id":"c14aecc1-d6fd-41d6-b671-6490b562dd85","source":"/projects/1/webhook/policies/2","type":"harbor.artifact.pushed","datacontenttype":"application/json","time":"2026-11-28T08:39:26Z","data":{"resources":[{"digest":"sha256:6354624ae2b9cb6c10af04a0f6f41743c4de94304081c2ce1c1f5caa24ce5f3a","tag":"v1","resource_url":"127.0.0.1:8080/library/webhook-demo:v1"}],"repository":{"date_created":1795855166,"name":"webhook-demo","namespace":"library","repo_full_name":"library/webhook-demo","repo_type":"public"}},"operator":"admin","requestid":"121739ec-3e07-4427-967a-af6cee2853be"}`
)

// eventSeenByLua runs code with ev installed and returns what it printed.
func eventSeenByLua(t *testing.T, ev *Event, code string) string {
	t.Helper()
	var out strings.Builder
	err := engine.RunString(context.Background(), "probe", code, engine.Options{Stdout: &out,
		Setup: func(L *lua.LState) error { return InstallEvent(L, ev) }})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

const probe = `print(event.type, event.project, event.repository, event.repo_full_name, event.tag, event.digest:sub(1, 12), event.operator, arg.event == event, #event.resources)`

func TestDefaultAndCloudEventsGiveTheSameTable(t *testing.T) {
	scan, err := EventFromJSON([]byte(defaultScanBody))
	if err != nil {
		t.Fatal(err)
	}
	got := eventSeenByLua(t, scan, probe+`
print(event.occur_at, event.time, event.severity, event.summary.Critical, event.scan_overview["application/vnd.security.vulnerability.report; version=1.1"].scan_status, event.raw.event_data.scan.scan_type, event.format)`)
	want := "SCANNING_COMPLETED\tlibrary\twebhook-demo\tlibrary/webhook-demo\tv1\tsha256:63546\tadmin\ttrue\t1\n" +
		"1795855206\t2026-11-28T08:40:06Z\tCritical\t2\tSuccess\tvulnerability\tDefault\n"
	if got != want {
		t.Fatalf("Default:\n%s\nwant\n%s", got, want)
	}

	push, err := EventFromJSON([]byte(cloudPushBody))
	if err != nil {
		t.Fatal(err)
	}
	got = eventSeenByLua(t, push, probe+`
print(event.id, event.occur_at, event.format, event.scan_overview)`)
	want = "PUSH_ARTIFACT\tlibrary\twebhook-demo\tlibrary/webhook-demo\tv1\tsha256:63546\tadmin\ttrue\t1\n" +
		"c14aecc1-d6fd-41d6-b671-6490b562dd85\t1795855166\tCloudEvents\tnil\n"
	if got != want {
		t.Fatalf("CloudEvents:\n%s\nwant\n%s", got, want)
	}
}

func TestEventFromJSONRejectsBadBodies(t *testing.T) {
	for body, want := range map[string]string{
		`not json`:       "not a JSON object",
		`[1,2]`:          "not a JSON object",
		`{"occur_at":1}`: "no type",
		`{"specversion":"1.0","type":"harbor.artifact.pushed"}`: "no id",
		`{"type":"PUSH_ARTIFACT"} {}`:                           "after its JSON object",
	} {
		_, err := EventFromJSON([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", body, err, want)
		}
	}
}

// Every captured delivery decodes, and each Default/CloudEvents pair of one
// event gives the same script-visible fields.
func TestCapturedDeliveries(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "harbor-fixtures", "webhooks")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skip("captured deliveries not present")
	}
	pairs := map[string]string{"PUSH_ARTIFACT.1": "harbor.artifact.pushed.1", "SCANNING_COMPLETED.1": "harbor.scan.completed.1",
		"SCANNING_STOPPED.1": "harbor.scan.stopped.1", "QUOTA_EXCEED.1": "harbor.quota.exceeded.1", "DELETE_ARTIFACT.2": "harbor.artifact.deleted.2",
		"PULL_ARTIFACT.1": "harbor.artifact.pulled.1"}
	load := func(stem string) *Event {
		data, err := os.ReadFile(filepath.Join(dir, stem+".json"))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := EventFromJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", stem, err)
		}
		return ev
	}
	for def, ce := range pairs {
		a, b := load(def), load(ce)
		if !strings.HasPrefix(def, a.Type) || a.Type != b.Type {
			t.Errorf("%s/%s: types %s and %s", def, ce, a.Type, b.Type)
		}
		fa := []any{a.Project, a.Repository, a.RepoFull, a.Tag, a.Digest, a.Operator, a.Details, a.OccurAt, len(a.Resources), a.ScanOverview == nil}
		fb := []any{b.Project, b.Repository, b.RepoFull, b.Tag, b.Digest, b.Operator, b.Details, b.OccurAt, len(b.Resources), b.ScanOverview == nil}
		for i := range fa {
			if fa[i] != fb[i] {
				t.Errorf("%s vs %s: field %d differs: %v / %v", def, ce, i, fa[i], fb[i])
			}
		}
		if a.Project != "library" {
			t.Errorf("%s: project %q", def, a.Project)
		}
	}
	if ev := load("QUOTA_EXCEED.1"); !strings.Contains(ev.Details, "exceed the configured upper limit") || ev.Resources != nil {
		t.Errorf("quota event %+v", ev)
	}
	if ev := load("PULL_ARTIFACT.2"); ev.Tag != "" || ev.Operator != "" || !strings.HasPrefix(ev.Digest, "sha256:") {
		t.Errorf("pull by digest: %+v", ev)
	}
	if ev := load("TAG_RETENTION.1"); ev.Project != "whcap" {
		t.Errorf("tag retention project %q", ev.Project)
	}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "policy") || strings.HasPrefix(base, "policies") || strings.HasPrefix(base, "executions") ||
			strings.HasPrefix(base, "tasks") || base == "events.json" {
			continue
		}
		ev := load(strings.TrimSuffix(base, ".json"))
		if !knownType(ev.Type) {
			t.Errorf("%s: type %q not mapped to a Harbor event type", base, ev.Type)
		}
		eventSeenByLua(t, ev, `assert(event.type and event.raw and event.data)`)
	}
}
