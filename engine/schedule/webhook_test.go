package schedule

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

const hookYAML = `
webhook:
  auth_header: "Bearer s3cret"
  max_body: 4KiB
jobs:
  - name: scans
    script: show.lua
    on: [SCANNING_COMPLETED]
    filter: {project: library, repository: "webhook-.*"}
  - name: pushes
    script: show.lua
    on: [harbor.artifact.pushed]
    path: /hooks/push
  - name: slow
    script: slow.lua
    on: [QUOTA_EXCEED]
    queue_size: 1
`

func post(t *testing.T, url, path, auth, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func fmtAny(v any) string { s, _ := v.(string); return s }

func jobsOf(ans map[string]any) map[string]any {
	m, _ := ans["jobs"].(map[string]any)
	return m
}

func TestWebhookIntake(t *testing.T) {
	f := newFixture(t, hookYAML, map[string]string{
		"show.lua": `print(event.type, event.repo_full_name, event.tag, arg.event.format)`,
		"slow.lua": `wait(event.details)`,
	})
	srv := httptest.NewServer(f.d.Handler())
	defer srv.Close()
	const auth = "Bearer s3cret"

	for _, c := range []struct {
		name, path, auth, ctype, body string
		code                          int
	}{
		{"no auth", "/hooks/harbor", "", "application/json", defaultScanBody, 401},
		{"wrong auth", "/hooks/harbor", "Bearer nope", "application/json", defaultScanBody, 401},
		{"not json", "/hooks/harbor", auth, "application/json", "{nope", 400},
		{"too large", "/hooks/harbor", auth, "application/json", `{"type":"X","pad":"` + strings.Repeat("x", 5000) + `"}`, 413},
		{"wrong content type", "/hooks/harbor", auth, "text/plain", defaultScanBody, 415},
	} {
		if code, _ := post(t, srv.URL, c.path, c.auth, c.ctype, c.body); code != c.code {
			t.Errorf("%s: status %d, want %d", c.name, code, c.code)
		}
	}
	if v := metricValue(f.d.metrics.deliveries.WithLabelValues("rejected")); v != 5 {
		t.Errorf("rejected deliveries %v", v)
	}

	code, ans := post(t, srv.URL, "/hooks/harbor", auth, "application/json", defaultScanBody)
	if code != 202 || ans["status"] != "accepted" || jobsOf(ans)["scans"] != Started {
		t.Fatalf("scan delivery: %d %v", code, ans)
	}
	waitFor(t, "the scan job", func() bool {
		return strings.Contains(f.out.String(), "[scans] SCANNING_COMPLETED\tlibrary/webhook-demo\tv1\tDefault\n")
	})
	// Harbor resends a delivery it thinks failed, byte for byte.
	if code, ans := post(t, srv.URL, "/hooks/harbor", auth, "application/json", defaultScanBody); code != 202 || ans["status"] != "duplicate" {
		t.Fatalf("duplicate: %d %v", code, ans)
	}
	if v := metricValue(f.d.metrics.deliveries.WithLabelValues("duplicate")); v != 1 {
		t.Errorf("duplicate deliveries %v", v)
	}
	// The CloudEvents push goes to its job's own path only.
	if code, ans := post(t, srv.URL, "/hooks/harbor", auth, "application/cloudevents+json", cloudPushBody); code != 202 || len(jobsOf(ans)) != 0 {
		t.Fatalf("push on the default path: %d %v", code, ans)
	}
	if code, ans := post(t, srv.URL, "/hooks/push", auth, "application/cloudevents+json", strings.Replace(cloudPushBody, "c14aecc1", "d14aecc1", 1)); code != 202 || jobsOf(ans)["pushes"] != Started {
		t.Fatalf("push: %d %v", code, ans)
	}
	waitFor(t, "the push job", func() bool {
		return strings.Contains(f.out.String(), "[pushes] PUSH_ARTIFACT\tlibrary/webhook-demo\tv1\tCloudEvents\n")
	})
	// The filter keeps other repositories out.
	other := strings.ReplaceAll(defaultScanBody, "webhook-demo", "other")
	if _, ans := post(t, srv.URL, "/hooks/harbor", auth, "application/json", other); len(jobsOf(ans)) != 0 {
		t.Fatalf("filtered event ran %v", ans)
	}

	// A burst: one run, one queued, the rest dropped.
	quota := func(n string) string {
		return `{"type":"QUOTA_EXCEED","occur_at":1,"operator":"admin","event_data":{"custom_attributes":{"Details":"` + n + `"},"repository":{"name":"r","namespace":"library"}}}`
	}
	var results []string
	for _, n := range []string{"1", "2", "3", "4"} {
		_, ans := post(t, srv.URL, "/hooks/harbor", auth, "application/json", quota(n))
		results = append(results, fmtAny(jobsOf(ans)["slow"]))
		if n == "1" {
			f.gate.waitStarted(t)
		}
	}
	if strings.Join(results, ",") != "started,queued,dropped,dropped" {
		t.Fatalf("burst: %v", results)
	}
	if v := metricValue(f.d.metrics.deliveries.WithLabelValues("dropped")); v != 2 {
		t.Errorf("dropped deliveries %v", v)
	}
	f.gate.open()
	waitFor(t, "the queued run", func() bool {
		n := 0
		for _, r := range f.history(t) {
			if r.Job == "slow" {
				n++
			}
		}
		return n == 2
	})

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`harborscript_schedule_runs_total{job="scans",outcome="success"} 1`,
		`harborscript_schedule_webhook_deliveries_total{result="accepted"}`, `harborscript_schedule_run_duration_seconds_bucket{job="slow"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz %v %v", resp, err)
	}
}

// A scan in the simulator reaches the daemon as Harbor would send it, and
// the example handler labels the artifact through the API.
func TestScanEventLabelsArtifactEndToEnd(t *testing.T) {
	sim := harbortest.New(harbortest.Options{})
	base := sim.Start()
	defer sim.Close()
	sender := sim.SendWebhooks()

	dir := t.TempDir()
	script, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "on_scan_critical.lua"))
	cfgPath := writeFile(t, dir, "s.yaml", `
webhook: {auth_header: "Bearer e2e"}
jobs:
  - name: label-critical
    script: `+script+`
    on: [SCANNING_COMPLETED]
    env: {CRITICAL_LABEL: critical-cve}
`)
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	client, err := harbor.New(harbor.Options{URL: base, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	out, logs := &syncBuffer{}, &syncBuffer{}
	hist := filepath.Join(dir, "h.jsonl")
	d, err := New(cfg, Options{Default: client, Stdout: out, Stderr: out, History: hist, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Shutdown(5 * time.Second)
	hook := httptest.NewServer(d.Handler())
	defer hook.Close()

	ctx := context.Background()
	if _, err := client.Do(ctx, &harbor.Request{Method: "POST", Path: "/projects/library/webhook/policies", Body: map[string]any{
		"name": "daemon", "enabled": true, "event_types": []string{"SCANNING_COMPLETED"},
		"targets": []map[string]any{{"type": "http", "address": hook.URL + "/hooks/harbor", "auth_header": "Bearer e2e", "payload_format": "CloudEvents"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Do(ctx, &harbor.Request{Method: "POST", Path: "/projects/library/repositories/debian/artifacts/latest/scan"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the handler's run", func() bool { recs, _ := ReadHistory(hist, 0); return len(recs) == 1 })
	sender.Wait()
	recs, _ := ReadHistory(hist, 0)
	if recs[0].Outcome != "success" || recs[0].Trigger != "event:SCANNING_COMPLETED" {
		t.Fatalf("run %+v\n%s\n%s", recs[0], out.String(), logs.String())
	}
	var art struct {
		Labels []struct{ Name string } `json:"labels"`
	}
	if _, err := client.DoJSON(ctx, &harbor.Request{Method: "GET", Path: "/projects/library/repositories/debian/artifacts/latest",
		Query: map[string][]string{"with_label": {"true"}}}, &art); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range art.Labels {
		found = found || l.Name == "critical-cve"
	}
	if !found {
		t.Fatalf("artifact labels %+v; output:\n%s", art.Labels, out.String())
	}
	if !strings.Contains(out.String(), "[label-critical] library/debian:latest has 1 critical vulnerabilities") {
		t.Fatalf("output:\n%s", out.String())
	}
}
